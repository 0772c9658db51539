//! The whole check pipeline on one input (detection, reading, routing,
//! validation, diagnostics, every renderer) against the built-in catalog,
//! with coverage counted: after each input the coverage report is built
//! and rendered in every format, and its figures must add up.
//! The first byte picks how the input is named (.har, .ndjson, .json).
#![no_main]

use accord_validator::coverage::Coverage;
use accord_validator::render::{CoverageFormat, Format, render, render_coverage};
use accord_validator::run::check_bytes;
use accord_validator::{Catalog, CheckOptions, Checker, ReadOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn checker() -> &'static (Checker, Arc<Coverage>) {
    static CHECKER: OnceLock<(Checker, Arc<Coverage>)> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let checker = Checker::new(Catalog::builtin().expect("built-in catalog"), CheckOptions::default())
            .expect("schemas compile");
        let coverage = Arc::new(Coverage::new(checker.catalog()));
        (checker.with_coverage(Arc::clone(&coverage)), coverage)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let name = ["input.har", "input.ndjson", "input.json"][first as usize % 3];
    let options = ReadOptions { record_cases: true, ..ReadOptions::default() };
    let (checker, coverage) = checker();
    let report = check_bytes(checker, name, rest, &options);
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Junit] {
        let mut out = Vec::new();
        render(format, &report, false, &mut out).expect("rendering to memory cannot fail");
    }
    let covered = coverage.report(checker.catalog());
    for kind in &covered.kinds {
        assert_eq!(kind.covered + kind.invalid_only + kind.not_covered, kind.units, "{kind:?}");
        assert!((0.0..=100.0).contains(&kind.percent));
    }
    for format in [
        CoverageFormat::Human,
        CoverageFormat::Json,
        CoverageFormat::Markdown,
        CoverageFormat::Html,
        CoverageFormat::Lcov,
    ] {
        let mut out = Vec::new();
        render_coverage(&covered, format, &mut out).expect("rendering to memory cannot fail");
    }
});
