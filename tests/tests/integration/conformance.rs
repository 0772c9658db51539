//! The official JSON-Schema-Test-Suite (draft 2020-12, vendored under
//! `tests/fixtures/json-schema-test-suite/` with its licence) run through the
//! generic mode (`accord check --schema`): the same catalog, compiler and
//! checker the command uses. Remote references (`http://localhost:1234/...`)
//! are served from the vendored `remotes/` folder; nothing touches the network.
//!
//! Every required test must pass. The pass rates of `optional/` and, with
//! formats asserted, of `optional/format/` are printed (and quoted in the README).

use accord_tests::{files_with_extension, repo_root};
use accord_validator::catalog::Catalog;
use accord_validator::validate::Checker;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn suite() -> PathBuf {
    repo_root().join("tests/fixtures/json-schema-test-suite")
}

/// Every remote document, at the URI the suite's server would serve it from.
fn remotes() -> Vec<(String, Value)> {
    let root = suite().join("remotes");
    files_with_extension(&root, "json")
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            (format!("http://localhost:1234/{rel}"), value)
        })
        .collect()
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

    fn rate(&self) -> f64 {
        100.0 * self.passed as f64 / self.total().max(1) as f64
    }
}

/// Runs every test case of the `.json` files directly in `dir` (not subfolders).
fn run(dir: &Path, assert_formats: bool, remotes: &[(String, Value)]) -> Tally {
    let mut tally = Tally::default();
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
            let schema = group["schema"].clone();
            let needs_remotes = schema.to_string().contains("localhost:1234");
            let extra = if needs_remotes { remotes.to_vec() } else { Vec::new() };
            let built = Catalog::from_schema_value(schema, "schema.json", extra).map_err(|e| e.to_string());
            let checker = built.as_ref().map_err(Clone::clone).and_then(|(catalog, uri)| {
                Checker::for_schema(catalog, uri, assert_formats).map_err(|e| e.to_string())
            });
            for test in group["tests"].as_array().unwrap() {
                let label = format!(
                    "{name}: {} / {}",
                    group["description"].as_str().unwrap_or(""),
                    test["description"].as_str().unwrap_or("")
                );
                let expected = test["valid"].as_bool().unwrap();
                let outcome = checker.as_ref().map_err(Clone::clone).map(|checker| {
                    let text: Arc<str> = Arc::from(serde_json::to_string(&test["data"]).unwrap());
                    checker.check_document("data.json", text).invalid == 0
                });
                match outcome {
                    Ok(valid) if valid == expected => tally.passed += 1,
                    Ok(valid) => tally.failed.push(format!("{label}: expected {}, got {}", expected, valid)),
                    Err(e) => tally.failed.push(format!("{label}: schema does not compile: {e}")),
                }
            }
        }
    }
    tally
}

#[test]
fn required_tests_all_pass() {
    let remotes = remotes();
    let tally = run(&suite().join("tests/draft2020-12"), false, &remotes);
    println!("draft2020-12 required: {} of {} pass ({:.1}%)", tally.passed, tally.total(), tally.rate());
    assert!(tally.total() > 1000, "the suite was read");
    assert!(tally.failed.is_empty(), "{} required tests fail:\n{}", tally.failed.len(), tally.failed.join("\n"));
}

#[test]
fn optional_pass_rates() {
    let remotes = remotes();
    let optional = run(&suite().join("tests/draft2020-12/optional"), false, &remotes);
    let format = run(&suite().join("tests/draft2020-12/optional/format"), true, &remotes);
    println!("draft2020-12 optional/: {} of {} pass ({:.1}%)", optional.passed, optional.total(), optional.rate());
    println!(
        "draft2020-12 optional/format/ with --assert-format: {} of {} pass ({:.1}%)",
        format.passed,
        format.total(),
        format.rate()
    );
    for f in optional.failed.iter().chain(&format.failed) {
        println!("  not passed: {f}");
    }
    assert!(optional.total() > 100 && format.total() > 500, "the optional suites were read");
}
