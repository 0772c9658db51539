//! typify's own test schemas, including two large real-world ones (GitHub's
//! webhook payloads and the Vega-Lite specification), generated into Rust
//! types by `accord-codegen` from this crate's `build.rs` and compiled under
//! `#![deny(warnings)]`: this crate building at all is the test that the
//! generated code holds on schemas nobody here wrote. `tests/typify.rs`
//! checks which schemas were refused, and why.
#![deny(warnings)]

/// What the generator made of one schema.
#[derive(Debug)]
pub struct Schema {
    /// The schema file.
    pub file: &'static str,
    /// Figures of the generated code, or the generator's error.
    pub outcome: Result<Stats, &'static str>,
}

/// Figures of one generated module.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Rust types generated.
    pub types: usize,
    /// Lines of generated source.
    pub lines: usize,
    /// Keywords the generated code does not enforce.
    pub validator_only: usize,
}

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
