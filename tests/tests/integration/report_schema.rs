//! The published JSON report schema (`validator/report.schema.json`), used to
//! check every JSON report the suite produces.

use accord_tests::repo_root;
use serde_json::Value;

/// Asserts that `report` is valid under the published report schema.
pub fn assert_valid_report(report: &Value) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("validator/report.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("report schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "report does not match report.schema.json: {errors:#?}");
}

#[test]
fn report_schema_rejects_malformed_reports() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("validator/report.schema.json")).unwrap())
            .unwrap();
    jsonschema::meta::validate(&schema).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(!validator.is_valid(&serde_json::json!({"version": 1, "summary": {}, "diagnostics": []})));
    assert!(!validator.is_valid(&serde_json::json!({"version": 2, "summary": {"files": 0, "exchanges": 0, "payloads": 0, "valid": 0, "invalid": 0, "unrouted": 0, "errors": 0, "warnings": 0}, "diagnostics": []})));
}
