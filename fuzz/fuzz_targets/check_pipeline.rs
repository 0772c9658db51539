//! The whole check pipeline on one input (detection, reading, routing,
//! validation, diagnostics, every renderer) against the built-in catalog.
//! The first byte picks how the input is named (.har, .ndjson, .json).
#![no_main]

use accord_validator::render::{Format, render};
use accord_validator::run::check_bytes;
use accord_validator::{Catalog, CheckOptions, Checker, ReadOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        Checker::new(Catalog::builtin().expect("built-in catalog"), CheckOptions::default()).expect("schemas compile")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let name = ["input.har", "input.ndjson", "input.json"][first as usize % 3];
    let options = ReadOptions { record_cases: true, ..ReadOptions::default() };
    let report = check_bytes(checker(), name, rest, &options);
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Junit] {
        let mut out = Vec::new();
        render(format, &report, false, &mut out).expect("rendering to memory cannot fail");
    }
});
