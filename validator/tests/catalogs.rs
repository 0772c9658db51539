//! Catalogs as teams publish them, through the binary: a description split
//! over files given by its root file, path items and operations as `$ref`s,
//! files that nothing reaches, and file names as split tools write them.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn list(schemas: &Path) -> (Vec<Value>, String) {
    let o = accord(&["list", "--json", "--schemas", schemas.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    (serde_json::from_slice(&o.stdout).unwrap(), stderr(&o))
}

/// A description split as `redocly split` writes it: the root names path
/// items in files whose names hold `@`, braces, a space and non-ASCII letters,
/// one of them percent-encoded in the `$ref`, and one operation given as a `$ref`.
fn split(dir: &Path) {
    write(
        dir,
        "openapi.yaml",
        r#"openapi: 3.1.0
info: {title: split, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /users/{id}:
    $ref: "paths/users@{id}.yaml"
  /files/{name}:
    $ref: "paths/files%40%7Bname%7D.yaml"
  /café:
    $ref: "./paths/café menu.yaml"
  /orders:
    get:
      $ref: "operations/list orders.yaml"
"#,
    );
    write(
        dir,
        "paths/users@{id}.yaml",
        r#"get:
  operationId: getUser
  parameters:
    - {name: id, in: path, required: true, schema: {type: integer, format: int32}}
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema: {$ref: "../components/User.yaml"}
"#,
    );
    write(
        dir,
        "paths/files@{name}.yaml",
        r#"get:
  operationId: getFile
  parameters:
    - {name: name, in: path, required: true, schema: {type: string}}
  responses:
    "200": {description: ok}
"#,
    );
    write(
        dir,
        "paths/café menu.yaml",
        r#"get:
  operationId: getMenu
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema: {type: array, items: {type: string}}
"#,
    );
    write(
        dir,
        "operations/list orders.yaml",
        r#"operationId: listOrders
parameters:
  - {name: limit, in: query, schema: {type: integer, maximum: 100}}
responses:
  "200":
    description: ok
    content:
      application/json:
        schema: {type: array, items: {$ref: "../components/User.yaml"}}
"#,
    );
    write(
        dir,
        "components/User.yaml",
        "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n  age: {type: integer, format: int32}\n",
    );
}

#[test]
fn a_split_description_loads_from_its_root_file_as_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path());
    let (from_folder, folder_err) = list(dir.path());
    let (from_root, root_err) = list(&dir.path().join("openapi.yaml"));
    assert_eq!(from_folder, from_root);
    let ids: Vec<&str> = from_root.iter().map(|op| op["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["getFile", "getMenu", "getUser", "listOrders"]);
    let by_id = |id: &str| from_root.iter().find(|op| op["id"] == id).unwrap().clone();
    // Nothing hollow: the operation given as a `$ref` has its parameter and response.
    assert_eq!(by_id("listOrders")["parameters"], 1);
    assert_eq!(by_id("listOrders")["statuses"], serde_json::json!(["200"]));
    assert_eq!(by_id("getUser")["parameters"], 1);
    for err in [folder_err, root_err] {
        assert!(
            err.contains("1 operation(s) are declared as a `$ref` to an Operation Object")
                && err.contains("openapi.yaml#/paths/~1orders/get")
                && err.contains("which OpenAPI does not allow"),
            "{err}"
        );
    }
    // The human listing shows what each operation holds.
    let o = accord(&["list", "--schemas", dir.path().join("openapi.yaml").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("PARAMS  BODIES  STATUSES"), "{text}");
    let line = text.lines().find(|l| l.starts_with("listOrders")).unwrap();
    assert!(line.ends_with("1       0  1: 200"), "{line}");
}

#[test]
fn a_split_description_checks_traffic_from_its_root_file() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path());
    let capture = dir.path().join("capture.ndjson");
    std::fs::write(
        &capture,
        [
            r#"{"request": {"method": "GET", "url": "https://api.example.com/v1/orders?limit=500"}, "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": [{"name": 1}]}}"#,
            r#"{"request": {"method": "GET", "url": "https://api.example.com/v1/users/7"}, "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"name": "a", "age": 3000000000}}}"#,
            r#"{"request": {"method": "GET", "url": "https://api.example.com/v1/caf%C3%A9"}, "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": ["x"]}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    for schemas in [dir.path().to_path_buf(), dir.path().join("openapi.yaml")] {
        let o =
            accord(&["check", "--format", "json", "--schemas", schemas.to_str().unwrap(), capture.to_str().unwrap()]);
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let found: Vec<(u64, &str, &str)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| (d["entry"].as_u64().unwrap(), d["code"].as_str().unwrap(), d["instancePath"].as_str().unwrap()))
            .collect();
        // The operation given by `$ref` is read whole: its query parameter and its body.
        assert_eq!(found, [(0, "maximum", "/limit"), (0, "type", "/0/name"), (1, "format", "/age")], "{schemas:?}");
        assert_eq!(report["summary"]["unrouted"], 0);
        assert_eq!(o.status.code(), Some(1));
    }
}

#[test]
fn references_to_files_resolve_as_the_file_system_names_them_and_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path());
    // `paths/files%40%7Bname%7D.yaml` (percent-encoded) and `./paths/café menu.yaml`
    // (a space and a letter beyond ASCII) both reached their files above; so
    // does a `$ref` inside a JSON Pointer fragment that holds braces.
    write(
        dir.path(),
        "more.yaml",
        "openapi: 3.1.0\ninfo: {title: more, version: \"1\"}\npaths:\n  /again/{id}:\n    $ref: \"openapi.yaml#/paths/~1users~1{id}\"\n",
    );
    let o = accord(&["list", "--json", "--schemas", dir.path().join("more.yaml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ops: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["operationId"].as_str().or(ops[0]["id"].as_str()), Some("getUser"));
}

#[test]
fn files_nothing_reaches_are_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    split(dir.path());
    write(dir.path(), "old/stale.yaml", "type: object\nproperties:\n  x: {$ref: \"gone.yaml\"}\n");
    write(dir.path(), "old/broken.json", "{\"type\": ");
    write(dir.path(), "old/remote.yaml", "allOf: [{$ref: \"https://schemas.example.com/x.json\"}]\n");
    let (ops, err) = list(dir.path());
    assert_eq!(ops.len(), 4);
    assert_eq!(err.matches("left out: no OpenAPI document of the folder reaches this file").count(), 3, "{err}");
    assert!(err.contains("stale.yaml") && err.contains("$ref names old/gone.yaml, which does not exist"), "{err}");
    assert!(err.contains("broken.json") && err.contains("not valid JSON"), "{err}");
    // In `check` the same warnings are findings of the run (code `catalog`), on the schema file.
    let capture = dir.path().join("c.ndjson");
    std::fs::write(&capture, r#"{"request": {"method": "GET", "url": "https://api.example.com/v1/users/7"}, "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"name": "a"}}}"#).unwrap();
    let o =
        accord(&["check", "--format", "json", "--schemas", dir.path().to_str().unwrap(), capture.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let catalog: Vec<&Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "catalog").collect();
    assert_eq!(catalog.iter().filter(|d| d["severity"] == "warning").count(), 3, "{catalog:?}");
    assert!(catalog.iter().any(|d| d["file"].as_str().unwrap().ends_with("old/stale.yaml")));
    // A file the description does reach still stops the load, naming the file and pointer.
    write(dir.path(), "components/User.yaml", "type: object\nproperties:\n  friend: {$ref: \"Nobody.yaml\"}\n");
    let o = accord(&["list", "--schemas", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("User.yaml#/properties/friend"), "{}", stderr(&o));
}

#[test]
fn what_the_loader_cannot_read_is_an_error_never_an_empty_operation() {
    let dir = tempfile::tempdir().unwrap();
    let base = "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n";
    for (case, paths, want) in [
        (
            "operation",
            "  /a:\n    get: \"listA\"\n",
            "openapi.yaml#/paths/~1a/get: the `get` operation must be an object",
        ),
        ("path item", "  /a: [1]\n", "openapi.yaml#/paths/~1a: a path item must be an object"),
        ("responses", "  /a:\n    get: {responses: [1]}\n", "`responses` must be an object"),
        ("dangling", "  /a:\n    get: {$ref: \"ops/missing.yaml\"}\n", "ops/missing.yaml"),
    ] {
        write(dir.path(), "openapi.yaml", &format!("{base}{paths}"));
        let o = accord(&["list", "--schemas", dir.path().join("openapi.yaml").to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{case}");
        assert!(stderr(&o).contains(want), "{case}: {}", stderr(&o));
    }
}
