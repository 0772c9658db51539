//! The JSON-Schema-Test-Suite's required draft 2020-12, 2019-09, -07, -06 and -04 schemas, each turned
//! into Rust types by `accord-codegen` from this crate's `build.rs`, so a test
//! can read every case's instance with the generated type and compare the
//! verdict with the suite's (see `tests/agreement.rs`). The generated code
//! compiles under `#![deny(warnings)]` (clippy's lints are not asked of it).
#![deny(warnings)]

/// Reads an instance with a group's generated root type: `Ok` when it deserializes.
pub type Check = fn(&serde_json::Value) -> Result<(), String>;

/// One group of the suite and what the generator made of it.
#[derive(Debug)]
pub struct Group {
    /// The suite's folder (`draft2020-12`, `draft2019-09`, `draft7`, `draft6`, `draft4`).
    pub draft: &'static str,
    /// The suite file (`ref.json`).
    pub file: &'static str,
    /// The group's index in that file.
    pub index: usize,
    /// The group's description.
    pub description: &'static str,
    /// Where its schema was written for the generator.
    pub schema: &'static str,
    /// The generated check, or the generator's error.
    pub outcome: Result<Check, &'static str>,
    /// Keywords the generator reported it does not enforce, with their places.
    pub validator_only: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/groups.rs"));
