//! The official JSON-Schema-Test-Suite (vendored under
//! `tests/fixtures/json-schema-test-suite/` with its licence), run through
//! the binary the way a user runs it: each group's schema written to a file,
//! each case's instance written to a file, `accord check --schema FILE
//! --format json CASES...`, remote references (`http://localhost:1234/...`)
//! served from the vendored `remotes/` by `--map`; nothing touches the
//! network. The verdict of each case is read from the JSON report.
//!
//! Every required 2020-12 test must pass. The pass rates of `optional/` and,
//! with `--assert-format`, of `optional/format/` are printed (and quoted in
//! the README), as are those of the other drafts' required tests.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/json-schema-test-suite")
}

#[derive(Default, Debug)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
}

impl Tally {
    fn total(&self) -> usize {
        self.passed + self.failed.len()
    }

    fn line(&self, what: &str) -> String {
        let rate = 100.0 * self.passed as f64 / self.total().max(1) as f64;
        format!("{what}: {} of {} pass ({rate:.1}%)", self.passed, self.total())
    }
}

/// Runs every case of the `.json` files directly in `dir` through the binary.
fn run(dir: &Path, assert_formats: bool) -> Tally {
    run_as(dir, assert_formats, None)
}

/// As [`run`], naming `dialect` in each object schema's `$schema` where the
/// suite leaves it implied by the folder (draft-04, -06 and -07 schemas do),
/// as a user's schema of that draft would.
fn run_as(dir: &Path, assert_formats: bool, dialect: Option<&str>) -> Tally {
    let mut tally = Tally::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let remotes = suite().join("remotes");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let groups: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for group in groups {
            let work = tempfile::tempdir().unwrap();
            let schema = work.path().join("schema.json");
            let mut value = group["schema"].clone();
            if let (Some(dialect), Some(map)) = (dialect, value.as_object_mut()) {
                map.entry("$schema").or_insert_with(|| dialect.into());
            }
            std::fs::write(&schema, serde_json::to_string_pretty(&value).unwrap()).unwrap();
            let tests = group["tests"].as_array().unwrap();
            let cases: Vec<PathBuf> = (0..tests.len()).map(|i| work.path().join(format!("case-{i}.json"))).collect();
            for (case, test) in cases.iter().zip(tests) {
                std::fs::write(case, serde_json::to_string(&test["data"]).unwrap()).unwrap();
            }
            let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
            command.args(["check", "--format", "json", "--schema"]).arg(&schema);
            command.arg("--map").arg(format!("http://localhost:1234/={}", remotes.display()));
            if assert_formats {
                command.arg("--assert-format");
            }
            let output = command.args(&cases).output().unwrap();
            let code = output.status.code();
            let report: Option<Value> = serde_json::from_slice(&output.stdout).ok();
            let failing: BTreeSet<String> = report
                .iter()
                .flat_map(|r| r["diagnostics"].as_array().cloned().unwrap_or_default())
                .filter(|d| d["severity"] == "error")
                .filter_map(|d| d["file"].as_str().map(str::to_string))
                .collect();
            for (case, test) in cases.iter().zip(tests) {
                let label = format!(
                    "{name}: {} / {}",
                    group["description"].as_str().unwrap_or(""),
                    test["description"].as_str().unwrap_or("")
                );
                let expected = test["valid"].as_bool().unwrap();
                if !matches!(code, Some(0 | 1)) || report.is_none() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    tally.failed.push(format!("{label}: exit {code:?}: {}", stderr.trim()));
                    continue;
                }
                let valid = !failing.contains(&case.display().to_string());
                if valid == expected {
                    tally.passed += 1;
                } else {
                    tally.failed.push(format!("{label}: expected {expected}, got {valid}"));
                }
            }
        }
    }
    tally
}

#[test]
fn required_2020_12_tests_all_pass_through_the_binary() {
    let tally = run(&suite().join("tests/draft2020-12"), false);
    println!("{}", tally.line("draft2020-12 required"));
    assert!(tally.total() > 1200, "the suite was read");
    assert!(tally.failed.is_empty(), "{} required tests fail:\n{}", tally.failed.len(), tally.failed.join("\n"));
}

#[test]
fn optional_pass_rates_through_the_binary() {
    let optional = run(&suite().join("tests/draft2020-12/optional"), false);
    let format = run(&suite().join("tests/draft2020-12/optional/format"), true);
    println!("{}", optional.line("draft2020-12 optional/"));
    println!("{}", format.line("draft2020-12 optional/format/ with --assert-format"));
    for f in optional.failed.iter().chain(&format.failed) {
        println!("  not passed: {f}");
    }
    assert!(optional.total() > 100 && format.total() > 500, "the optional suites were read");
}

#[test]
fn earlier_drafts_through_the_binary() {
    let drafts = [
        ("draft2019-09", "https://json-schema.org/draft/2019-09/schema"),
        ("draft7", "http://json-schema.org/draft-07/schema#"),
        ("draft6", "http://json-schema.org/draft-06/schema#"),
        ("draft4", "http://json-schema.org/draft-04/schema#"),
    ];
    let mut failures = Vec::new();
    for (folder, dialect) in drafts {
        let tally = run_as(&suite().join("tests").join(folder), false, Some(dialect));
        println!("{}", tally.line(&format!("{folder} required")));
        for f in &tally.failed {
            println!("  not passed: {folder}/{f}");
        }
        assert!(tally.total() > 300, "{folder}: the suite was read");
        failures.extend(tally.failed.iter().map(|f| format!("{folder}/{f}")));
    }
    assert!(failures.is_empty(), "{} required tests fail:\n{}", failures.len(), failures.join("\n"));
}
