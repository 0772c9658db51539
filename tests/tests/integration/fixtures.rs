//! Fixtures under `tests/fixtures/<operation-id>/{valid,invalid}`: every valid
//! payload passes, every invalid one fails with the expected keyword at the
//! expected instance path. File names carry the direction and status:
//! `request--name.json`, `response-404--name.json`.

use accord_tests::{files_with_extension, repo_root};
use accord_validator::diagnostic::{Direction, Severity};
use accord_validator::{CheckOptions, Checker};
use accord_validator::{ReadOptions, run};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn read_options(file: &Path) -> ReadOptions {
    let name = file.file_name().unwrap().to_string_lossy();
    let head = name.split("--").next().unwrap();
    let (direction, status) = match head.split_once('-') {
        Some(("response", status)) => (Direction::Response, Some(status.parse().unwrap())),
        None if head == "request" => (Direction::Request, None),
        None if head == "response" => (Direction::Response, Some(200)),
        _ => panic!("{name}: fixture names start with request-- or response-STATUS--"),
    };
    ReadOptions {
        kind: Some(accord_validator::capture::InputKind::Payload),
        direction: Some(direction),
        status,
        ..ReadOptions::default()
    }
}

fn operation_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(repo_root().join("tests/fixtures"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("valid").is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn fixtures_cover_every_operation() {
    let names: Vec<String> =
        operation_dirs().iter().map(|d| d.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let catalog = super::catalog();
    let ids: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(names, ids);
}

#[test]
fn valid_fixtures_pass() {
    let catalog = super::catalog();
    let mut count = 0;
    for dir in operation_dirs() {
        let op = dir.file_name().unwrap().to_string_lossy().into_owned();
        let checker = Checker::new(
            catalog.clone(),
            CheckOptions { operation: Some(op.clone()), strict: true, ..CheckOptions::default() },
        )
        .unwrap();
        for file in files_with_extension(&dir.join("valid"), "json") {
            let report = run::run(&checker, &[file.display().to_string()], &read_options(&file));
            let errors: Vec<_> =
                report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| &d.message).collect();
            assert!(errors.is_empty(), "{}: expected valid, got {errors:#?}", file.display());
            assert_eq!(report.summary.valid, 1, "{}", file.display());
            count += 1;
        }
    }
    assert!(count >= 30, "only {count} valid fixtures");
}

#[test]
fn invalid_fixtures_fail_where_expected() {
    let catalog = super::catalog();
    let mut kinds = BTreeSet::new();
    for dir in operation_dirs() {
        let op = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expectations: BTreeMap<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json")).unwrap()).unwrap();
        let files = files_with_extension(&dir.join("invalid"), "json");
        assert!(files.len() >= 8, "{op}: only {} invalid fixtures", files.len());
        let listed: BTreeSet<String> =
            files.iter().map(|f| format!("invalid/{}", f.file_name().unwrap().to_string_lossy())).collect();
        assert_eq!(
            listed,
            expectations.keys().cloned().collect::<BTreeSet<_>>(),
            "{op}: expectations.json and invalid/ disagree"
        );
        let checker = Checker::new(
            catalog.clone(),
            CheckOptions { operation: Some(op.clone()), strict: true, ..CheckOptions::default() },
        )
        .unwrap();
        for file in files {
            let key = format!("invalid/{}", file.file_name().unwrap().to_string_lossy());
            let expect = &expectations[&key];
            let keyword = expect["keyword"].as_str().unwrap();
            let path = expect["instancePath"].as_str().unwrap();
            let report = run::run(&checker, &[file.display().to_string()], &read_options(&file));
            assert_eq!(report.summary.invalid, 1, "{op}/{key}: expected invalid; got {:#?}", report.diagnostics);
            let hit = report.diagnostics.iter().find(|d| {
                d.severity == Severity::Error
                    && d.code == keyword
                    && (d.instance_path.as_deref() == Some(path)
                        || (keyword == "additionalProperties"
                            && d.instance_path.as_deref().is_some_and(|p| p.starts_with(path))))
                    && expect
                        .get("schemaContains")
                        .and_then(Value::as_str)
                        .is_none_or(|s| d.schema_path.as_deref().is_some_and(|p| p.contains(s)))
            });
            let Some(hit) = hit else {
                panic!(
                    "{op}/{key}: no `{keyword}` error at {path:?}; got {:#?}",
                    report.diagnostics.iter().map(|d| (&d.code, &d.instance_path, &d.schema_path)).collect::<Vec<_>>()
                );
            };
            assert!(hit.line.is_some() && hit.column.is_some(), "{op}/{key}: no line:column");
            kinds.insert(if expect.get("schemaContains").is_some() {
                "cross-field".to_string()
            } else {
                keyword.to_string()
            });
        }
    }
    for kind in [
        "maxLength",
        "enum",
        "required",
        "type",
        "format",
        "pattern",
        "cross-field",
        "x-accord-maxSerializedLength",
        "not",
        "anyOf",
        "dependentRequired",
        "additionalProperties",
        "const",
    ] {
        assert!(kinds.contains(kind), "no invalid fixture exercises {kind}");
    }
}
