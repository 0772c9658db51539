//! The `accord` binary end to end: exit codes, stdin, directories, formats,
//! `list` and `schema`, and inputs left untouched.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).current_dir(repo()).env("NO_COLOR", "1").output().unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Parses a JSON report and checks it against the published `report.schema.json`.
fn report(o: &Output) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON report");
    let schema: serde_json::Value = serde_json::from_str(include_str!("../report.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "report does not match report.schema.json: {errors:#?}");
    value
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn valid_capture_exits_0() {
    let o = accord(&[
        "check",
        "--operation",
        "dstore.inquireOrderDetail",
        "--direction",
        "response",
        "tests/fixtures/dstore.inquireOrderDetail/valid/response-200--sample.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 valid, 0 invalid"));
}

#[test]
fn contract_errors_exit_1() {
    let o = accord(&["check", "examples/captures"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error[enum]") && out.contains("did you mean \"CANCELLED\"?"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when NO_COLOR is set and stdout is not a terminal");
}

#[test]
fn unreadable_input_exits_2_and_other_files_are_still_checked() {
    let o = accord(&["check", "--format", "json", "no/such/file.har", "examples/captures/inquire-order-detail.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.har"));
    let report = report(&o);
    assert_eq!(report["summary"]["files"], 2);
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 3, "the readable file was still checked");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(accord(&["check"]).status.code(), Some(2));
    assert_eq!(accord(&["check", "--format", "xml", "x"]).status.code(), Some(2));
    let o = accord(&["check", "--operation", "dstore.nope", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("dstore.inquireOrderDetail"));
    let o = accord(&["check", "--schemas", "no/such/dir", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir"));
}

#[test]
fn payload_without_direction_says_what_is_missing() {
    let o = accord(&[
        "check",
        "--operation",
        "dstore.syncStore",
        "tests/fixtures/dstore.syncStore/valid/request--sample-close-store.json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("does not say whether it is a request or a response body"), "{}", stdout(&o));
}

#[test]
fn reads_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            br#"{"request": {"method": "POST", "url": "/v2/pos/inquireOrderDetail", "body": {"requestOrderId": ""}}}"#,
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let report = report(&o);
    let d = &report["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("-"), Some("minLength"), Some(1), Some(96))
    );
}

#[test]
fn walks_directories_in_order() {
    let o = accord(&["check", "--format", "json", "tests/fixtures/captures"]);
    let report = report(&o);
    let files: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert!(
        files.iter().any(|f| f.ends_with("mitmproxy.har")) && files.iter().any(|f| f.ends_with("service-log.ndjson"))
    );
}

#[test]
fn strict_makes_unrouted_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.ndjson");
    std::fs::write(&f, "{\"request\": {\"method\": \"GET\", \"url\": \"/nowhere\"}}\n{\"request\": {\"method\": \"GET\", \"url\": \"/elsewhere\"}}\n").unwrap();
    let path = f.display().to_string();
    assert_eq!(accord(&["check", &path]).status.code(), Some(0));
    assert_eq!(accord(&["check", "--strict", &path]).status.code(), Some(1));
}

#[test]
fn list_and_schema() {
    let o = accord(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("tuya.queryOrderDetails") && out.contains("/v1.0/mall/plugin/order/{order_id}"), "{out}");
    let o = accord(&["list", "--json"]);
    let ops: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ops.as_array().unwrap().len(), 5);
    let o = accord(&["schema", "dstore.inquireOrderDetail"]);
    assert_eq!(o.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let body = &schema["responses"]["200"]["body"]["content"]["application/json"];
    assert_eq!(body["properties"]["orderStatus"]["enum"].as_array().unwrap().len(), 8, "refs are resolved");
    assert_eq!(accord(&["schema", "nope"]).status.code(), Some(2));
}

#[test]
fn own_catalog_with_schemas_dir() {
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("pets");
    std::fs::create_dir(&api).unwrap();
    std::fs::write(api.join("pet.schema.json"), r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 5}}}}}"#).unwrap();
    std::fs::write(api.join("openapi.yaml"), "openapi: 3.1.0\ninfo: {title: pets, version: '1'}\nservers: [{url: 'https://pets.example/api'}]\npaths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string, pattern: '^[0-9]+$'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'pet.schema.json#/$defs/Pet'}\n").unwrap();
    let cap = dir.path().join("cap.json");
    std::fs::write(&cap, r#"{"request": {"method": "GET", "url": "https://pets.example/api/pets/abc"}, "response": {"status": 200, "body": {"name": "Rexxxxx"}}}"#).unwrap();
    let schemas = dir.path().display().to_string();
    let o = accord(&["check", "--schemas", &schemas, "--format", "json", &cap.display().to_string()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report = report(&o);
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["operation"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("pets.getPet", "pattern"), ("pets.getPet", "maxLength")]);
}

#[test]
fn inputs_are_never_modified() {
    let files = [
        "examples/captures/browser-session.har",
        "examples/captures/service-log.ndjson",
        "examples/captures/inquire-order-detail.json",
    ];
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(repo().join(f)).unwrap()).collect();
    let _ = accord(&["check", "examples/captures"]);
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(repo().join(f)).unwrap()).collect();
    assert_eq!(before, after);
}
