//! Five public OpenAPI descriptions (tests/fixtures/real-world, with their
//! licences), checked through the binary: every operation they declare is
//! loaded, captures built from their own examples pass with no finding, and
//! each planted violation is reported with its code and instance path.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

const DESCRIPTIONS: &[&str] = &["petstore", "museum", "tictactoe", "discord", "twilio"];

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world").join(name)
}

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().unwrap()
}

fn description(name: &str) -> Value {
    let d = dir(name);
    let json = d.join("openapi.json");
    if json.exists() {
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
    } else {
        serde_norway::from_str(&std::fs::read_to_string(d.join("openapi.yaml")).unwrap()).unwrap()
    }
}

fn lines(path: PathBuf) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn every_declared_operation_is_loaded() {
    for name in DESCRIPTIONS {
        let doc = description(name);
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        let declared: usize = ["paths", "webhooks"]
            .iter()
            .filter_map(|s| doc.get(s).and_then(Value::as_object))
            .flat_map(|items| items.values())
            .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count())
            .sum();
        let o = accord(&["list", "--json", "--schemas", dir(name).to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let ops: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(ops.len(), declared, "{name}: operations loaded of declared");
        let version = doc["openapi"].as_str().unwrap();
        assert!(ops.iter().all(|op| op["openapi"] == version), "{name}: list shows the document's version");
    }
}

#[test]
fn captures_built_from_their_own_examples_pass() {
    for name in DESCRIPTIONS {
        let valid = dir(name).join("valid.ndjson");
        let o = accord(&[
            "check",
            "--strict",
            "--format",
            "json",
            "--schemas",
            dir(name).to_str().unwrap(),
            valid.to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["diagnostics"], Value::Array(vec![]), "{name}: {}", report["diagnostics"]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let exchanges = lines(valid).len();
        assert!(exchanges >= 3, "{name}");
        assert_eq!(report["summary"]["exchanges"], exchanges, "{name}");
        assert_eq!(
            report["summary"]["valid"], report["summary"]["payloads"],
            "{name}: every message checked and valid"
        );
        assert_eq!(report["summary"]["unchecked"], 0, "{name}");
    }
}

#[test]
fn every_planted_violation_is_reported_where_it_was_planted() {
    let mut caught = 0;
    for name in DESCRIPTIONS {
        let file = dir(name).join("violations.ndjson");
        let planted = lines(file.clone());
        let o =
            accord(&["check", "--format", "json", "--schemas", dir(name).to_str().unwrap(), file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut by_entry: BTreeMap<u64, Vec<(String, String)>> = BTreeMap::new();
        for d in report["diagnostics"].as_array().unwrap() {
            let path = d["instancePath"].as_str().unwrap_or("").to_string();
            by_entry.entry(d["entry"].as_u64().unwrap()).or_default().push((d["code"].as_str().unwrap().into(), path));
            assert!(d["line"].is_u64(), "{name}: a finding without a position: {d}");
        }
        for (i, exchange) in planted.iter().enumerate() {
            let want = (
                exchange["x-planted"]["code"].as_str().unwrap().to_string(),
                exchange["x-planted"]["instancePath"].as_str().unwrap().to_string(),
            );
            let got = by_entry.remove(&(i as u64)).unwrap_or_default();
            assert!(got.contains(&want), "{name} #{}: planted {want:?}, got {got:?}", i + 1);
            assert!(got.iter().all(|(_, p)| *p == want.1), "{name} #{}: findings elsewhere: {got:?}", i + 1);
            caught += 1;
        }
        assert!(by_entry.is_empty(), "{name}: findings for entries without a planted violation: {by_entry:?}");
    }
    assert!(caught >= 40, "{caught} planted violations");
}
