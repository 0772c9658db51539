//! Rules beyond JSON Schema, through the binary: message rules
//! (`x-accord-rules` on a schema), exchange rules (on an operation), capture
//! rules (idempotency keys, unique values) across files and formats, exact
//! decimals, redaction, and rules that stop the load.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn accord_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).current_dir(dir).args(args).output().unwrap()
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    })
}

fn rule_findings(report: &Value) -> Vec<(String, Option<u64>, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (d["code"].as_str().unwrap().to_string(), d["entry"].as_u64(), d["message"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn built_in_message_rules_are_reported_in_every_format() {
    let file = "tests/fixtures/zonos.orderNumbers/invalid/response-200--rule-total-count.json";
    let base = ["check", "--operation", "zonos.orderNumbers", "--direction", "response", "--status", "200", file];
    let run = |format: &str| {
        let mut args = base.to_vec();
        args.extend(["--format", format]);
        let o = accord_in(&repo(), &args);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    // A single response cannot be judged by the exchange rules: a note says so.
    let notes: Vec<&Value> =
        json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "note").collect();
    assert!(notes[0]["message"].as_str().unwrap().contains("exchange rule(s) of `zonos.orderNumbers` not checked"));
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(d["code"], "rule");
    assert_eq!(d["instancePath"], "/totalCount");
    assert_eq!(d["schemaPath"], "schemas/zonos/order-numbers.schema.json#/$defs/OrderList/x-accord-rules/0");
    assert_eq!(
        d["message"],
        "rule `zonos-total-count` is broken: totalCount is 7, but orderCount + testOrderCount is 6"
    );
    assert!(d["line"].as_u64().is_some() && d["column"].as_u64().is_some());
    assert!(run("human").contains("error[rule]: rule `zonos-total-count` is broken"));
    assert!(run("github").contains("title=accord rule"));
    assert!(run("junit").contains("zonos-total-count"));
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let result = sarif["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["level"] == "error").unwrap();
    assert_eq!(result["ruleId"], "rule");
    assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
}

#[test]
fn exchange_rules_judge_a_request_and_its_response_together() {
    let o = accord_in(&repo(), &["check", "--format", "json", "validator/tests/fixtures/rules/zonos-statuses.ndjson"]);
    let r = report(&o);
    let found = rule_findings(&r);
    assert_eq!(found.len(), 2, "{found:#?}");
    // `statuses: false` is still "present": the status fields are owed.
    assert_eq!(found[0].1, Some(2));
    assert!(found[0].2.starts_with("rule `zonos-statuses-included` is broken"), "{}", found[0].2);
    assert_eq!(found[1].1, Some(3));
    assert!(found[1].2.starts_with("rule `zonos-statuses-omitted` is broken"), "{}", found[1].2);
    let d = &r["diagnostics"][0];
    assert_eq!(d["instancePath"], "/orders");
    assert_eq!(d["direction"], "response");
    assert_eq!(d["line"], 3);
    assert_eq!(r["summary"]["invalid"], 2);
}

#[test]
fn an_idempotency_key_reused_with_another_body_is_caught_across_files_and_formats() {
    let dir = "validator/tests/fixtures/rules";
    let files =
        [format!("{dir}/syncstore.har"), format!("{dir}/syncstore-a.ndjson"), format!("{dir}/syncstore-b.ndjson")];
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let o = accord_in(&repo(), &args);
    assert_eq!(o.status.code(), Some(1));
    let r = report(&o);
    let found: Vec<(String, Option<u64>, String)> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "idempotency")
        .map(|d| {
            (d["file"].as_str().unwrap().to_string(), d["entry"].as_u64(), d["message"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    // Across two NDJSON files: r1 first used in syncstore-a.ndjson.
    assert_eq!(found[0].0, files[2]);
    assert_eq!(found[0].1, Some(0));
    assert!(
        found[0].2.contains(&format!("different request body; first used at {} entry #1 line 1", files[1])),
        "{}",
        found[0].2
    );
    // Across a HAR and an NDJSON log: r2 first used in the HAR.
    assert_eq!(found[1].1, Some(1));
    assert!(found[1].2.contains(&format!("first used at {} entry #1", files[0])), "{}", found[1].2);
    // The same request twice with two results.
    assert_eq!(found[2].1, Some(3));
    assert!(found[2].2.contains("got a different result"), "{}", found[2].2);
    // The same key with the same body (keys reordered) and result is fine: a.ndjson alone is clean.
    let o = accord_in(&repo(), &["check", &files[1]]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    // `accord schema` names the key.
    let o = accord_in(&repo(), &["schema", "dstore.syncStore"]);
    assert_eq!(report(&o)["rules"]["idempotencyKey"], "request body /requestId");
}

/// A one-operation OpenAPI description in a temporary folder.
fn catalog_with(op_extra: Value, schema_extra: Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut op = json!({"operationId": "put",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}});
    op.as_object_mut().unwrap().extend(op_extra.as_object().unwrap().clone());
    let mut item = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "total": {"type": "number"}, "discount": {"type": "number"},
        "charged": {"x-accord-type": "decimal", "anyOf": [{"type": "number"}, {"type": "string"}]},
        "token": {"type": "string", "x-accord-sensitive": "secret"},
        "lines": {"type": "array", "items": {"type": "object", "properties": {"qty": {"type": "integer"}}, "additionalProperties": false}}}});
    item.as_object_mut().unwrap().extend(schema_extra.as_object().unwrap().clone());
    let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/items": {"post": op}}, "components": {"schemas": {"Item": item}}});
    std::fs::write(dir.path().join("openapi.json"), serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    dir
}

fn envelopes(dir: &Path, name: &str, bodies: &[Value]) -> String {
    let lines: Vec<String> = bodies
        .iter()
        .map(|b| {
            json!({"request": {"method": "POST", "url": "/items", "body": b}, "response": {"status": 200, "body": {}}})
                .to_string()
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.display().to_string()
}

#[test]
fn unique_values_must_not_repeat_across_a_run() {
    let cat = catalog_with(json!({"x-accord-unique": ["/id", "header:x-trace"]}), json!({}));
    let caps = tempfile::tempdir().unwrap();
    let a = envelopes(caps.path(), "a.ndjson", &[json!({"id": "i1"}), json!({"id": "i2"})]);
    let b = envelopes(caps.path(), "b.ndjson", &[json!({"id": "i3"}), json!({"id": "i1"})]);
    let o = accord_in(&repo(), &["check", "--schemas", cat.path().to_str().unwrap(), "--format", "json", &a, &b]);
    let r = report(&o);
    let found = rule_findings(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "unique");
    assert_eq!(found[0].1, Some(1));
    assert!(found[0].2.contains(&format!("first seen at {a} entry #1 line 1")), "{}", found[0].2);
    assert_eq!(r["diagnostics"][0]["file"], b);
}

#[test]
fn decimals_are_exact_and_secrets_stay_hidden() {
    let rules = json!({"x-accord-rules": [{"id": "charged", "rule": "self.charged == self.total - self.discount",
        "messageExpression": "'charged ' + string(self.charged) + ' for token ' + self.token + ', expected ' + string(self.total - self.discount)",
        "fieldPath": ".charged"}]});
    let cat = catalog_with(json!({}), rules);
    let caps = tempfile::tempdir().unwrap();
    // In binary floating point 1.1 - 0.2 is 0.9000000000000001.
    let file = envelopes(
        caps.path(),
        "c.ndjson",
        &[
            json!({"total": 1.1, "discount": 0.2, "charged": 0.9, "token": "KEEPOUT-1"}),
            json!({"total": 1.1, "discount": 0.2, "charged": "0.90", "token": "KEEPOUT-2"}),
            json!({"total": 1.1, "discount": 0.2, "charged": "0.91", "token": "KEEPOUT-3"}),
        ],
    );
    let o = accord_in(&repo(), &["check", "--schemas", cat.path().to_str().unwrap(), "--format", "json", &file]);
    let r = report(&o);
    let found = rule_findings(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, Some(2));
    assert_eq!(found[0].2, "rule `charged` is broken: charged 0.91 for token <redacted>, expected 0.9");
    assert_eq!(r["diagnostics"][0]["instancePath"], "/charged");
    let human =
        String::from_utf8(accord_in(&repo(), &["check", "--schemas", cat.path().to_str().unwrap(), &file]).stdout)
            .unwrap();
    assert!(!human.contains("KEEPOUT"), "{human}");
}

#[test]
fn bad_rules_stop_the_load_naming_file_pointer_and_column() {
    let cases: Vec<(&str, Value, Value)> = vec![
        ("syntax error", json!({}), json!({"x-accord-rules": [{"id": "r", "rule": "self.total >"}]})),
        ("unknown variable", json!({}), json!({"x-accord-rules": [{"id": "r", "rule": "self.total == other.total"}]})),
        ("type error", json!({}), json!({"x-accord-rules": [{"id": "r", "rule": "self.total == 'ten'"}]})),
        (
            "selection through an array",
            json!({}),
            json!({"x-accord-rules": [{"id": "r", "rule": "self.lines.qty > 0"}]}),
        ),
        (
            "field that cannot exist",
            json!({}),
            json!({"properties": {"lines": {"type": "array", "items": {"type": "object",
            "additionalProperties": false, "properties": {"qty": {"type": "integer"}},
            "x-accord-rules": [{"id": "r", "rule": "self.qtty > 0"}]}}}}),
        ),
        (
            "fieldPath that cannot exist",
            json!({}),
            json!({"properties": {"lines": {"type": "array", "items": {"type": "object",
            "additionalProperties": false, "properties": {"qty": {"type": "integer"}},
            "x-accord-rules": [{"id": "r", "rule": "self.qty > 0", "fieldPath": ".qtty"}]}}}}),
        ),
        ("bad fieldPath", json!({}), json!({"x-accord-rules": [{"id": "r", "rule": "true", "fieldPath": "total"}]})),
        (
            "messageExpression",
            json!({}),
            json!({"x-accord-rules": [{"id": "r", "rule": "true", "messageExpression": "'x' + nope"}]}),
        ),
        ("unknown key", json!({}), json!({"x-accord-rules": [{"id": "r", "rule": "true", "reason": "x"}]})),
        (
            "duplicate id",
            json!({}),
            json!({"x-accord-rules": [{"id": "r", "rule": "true"}, {"id": "r", "rule": "true"}]}),
        ),
        (
            "exchange rule, unknown field",
            json!({"x-accord-rules": [{"id": "r", "rule": "request.bodyy.id == 'x'"}]}),
            json!({}),
        ),
        (
            "exchange rule, body field that is a number",
            json!({"x-accord-rules": [{"id": "r", "rule": "request.body.total == 'x'"}]}),
            json!({}),
        ),
        ("idempotency key that is no pointer", json!({"x-accord-idempotency-key": "requestId"}), json!({})),
        ("idempotency key on a schema", json!({}), json!({"x-accord-idempotency-key": "/id"})),
    ];
    let mut out = String::new();
    for (what, op, schema) in cases {
        let cat = catalog_with(op, schema);
        let o = accord_in(cat.path(), &["check", "--schemas", ".", "missing.ndjson"]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", String::from_utf8_lossy(&o.stdout));
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.contains("openapi.json#/"), "{what}: {err}");
        out.push_str(&format!("{what}:\n  {}\n", err.trim()));
    }
    insta::assert_snapshot!("rules_bad_rules", out);
}
