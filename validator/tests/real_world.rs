//! Eight public OpenAPI descriptions (tests/fixtures/real-world, with their
//! licences), checked through the binary: every operation they declare is
//! loaded, captures built from their own examples pass with no finding, and
//! each planted violation is reported with its code and instance path. Three
//! are published split over files (Redocly's starter, as `redocly split`
//! writes it; DigitalOcean's, 2,900 files with operations as `$ref`s) or with
//! multipart uploads of object parts (Box); every description's captures are
//! also replayed as recorded against a test host on localhost.

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
        caught += planted_are_caught(name, &dir(name), &dir(name).join("violations.ndjson"));
    }
    assert!(caught >= 40, "{caught} planted violations");
}

/// Checks `file` against the catalog at `schemas`: every planted violation is
/// reported at its entry with its code and instance path, and nothing else is
/// reported about an exchange. Returns how many were planted.
fn planted_are_caught(name: &str, schemas: &std::path::Path, file: &std::path::Path) -> usize {
    let planted = lines(file.to_path_buf());
    let o = accord(&["check", "--format", "json", "--schemas", schemas.to_str().unwrap(), file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{name}");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut by_entry: BTreeMap<u64, Vec<(String, String)>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        // Findings about the catalog itself (a schema its authors broke) name no entry.
        let Some(entry) = d["entry"].as_u64() else {
            assert_eq!(d["code"], "catalog", "{name}: {d}");
            continue;
        };
        let path = d["instancePath"].as_str().unwrap_or("").to_string();
        by_entry.entry(entry).or_default().push((d["code"].as_str().unwrap().into(), path));
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
    }
    assert!(by_entry.is_empty(), "{name}: findings for entries without a planted violation: {by_entry:?}");
    planted.len()
}

/// The descriptions added for split and multipart catalogs: name, the folder
/// given as `--schemas DIR`, and the root document given as `--schemas FILE`.
const SPLIT: &[(&str, &str, &str)] = &[
    ("redocly-starter", "redocly-starter/openapi", "redocly-starter/openapi/openapi.yaml"),
    ("digitalocean", "digitalocean/specification", "digitalocean/specification/DigitalOcean-public.v2.yaml"),
    ("box", "box", "box/openapi.json"),
];

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world").join(rel)
}

/// Operations a root document declares, following path items given by `$ref`
/// to their files (as `redocly split` writes them).
fn declared_operations(root: &std::path::Path) -> usize {
    let read = |p: &std::path::Path| -> Value {
        let text = std::fs::read_to_string(p).unwrap();
        if p.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).unwrap()
        } else {
            serde_norway::from_str(&text).unwrap()
        }
    };
    let doc = read(root);
    let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let mut count = 0;
    for section in ["paths", "webhooks"] {
        for item in doc.get(section).and_then(Value::as_object).into_iter().flatten().map(|(_, v)| v) {
            let item = match item.get("$ref").and_then(Value::as_str) {
                Some(r) => read(&root.parent().unwrap().join(r)),
                None => item.clone(),
            };
            count += methods.iter().filter(|m| item.get(**m).is_some()).count();
        }
    }
    count
}

#[test]
fn split_descriptions_load_the_same_from_their_folder_and_from_their_root_file() {
    for (name, folder, root) in SPLIT {
        let list = |schemas: &str| {
            let o = accord(&["list", "--json", "--schemas", fixture(schemas).to_str().unwrap()]);
            assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
            (serde_json::from_slice::<Vec<Value>>(&o.stdout).unwrap(), String::from_utf8_lossy(&o.stderr).to_string())
        };
        let (from_folder, folder_stderr) = list(folder);
        let (from_root, root_stderr) = list(root);
        assert_eq!(from_folder, from_root, "{name}: the same operations either way");
        assert_eq!(from_folder.len(), declared_operations(&fixture(root)), "{name}: operations loaded of declared");
        // No hollow operation: each has the responses its description gives it.
        for op in &from_folder {
            assert!(!op["statuses"].as_array().unwrap().is_empty(), "{name}: {} has no responses", op["id"]);
        }
        if *name == "digitalocean" {
            // Operations written as `$ref`s: followed, with one note.
            assert!(from_folder.len() > 600, "{}", from_folder.len());
            for stderr in [&folder_stderr, &root_stderr] {
                assert_eq!(stderr.matches("declared as a `$ref` to an Operation Object").count(), 1, "{stderr}");
            }
            // Stale files of the folder that nothing reaches, with dangling `$ref`s: warned about, not fatal.
            assert_eq!(
                folder_stderr.matches("left out: no OpenAPI document of the folder reaches this file").count(),
                5
            );
            assert!(!root_stderr.contains("left out"), "from the root file, unreached files are never read");
            let droplets = from_folder.iter().find(|op| op["id"] == "droplets_list").unwrap();
            assert_eq!(droplets["parameters"], 5, "droplets_list: {droplets}");
        }
        if *name == "redocly-starter" {
            let user = from_folder.iter().find(|op| op["id"] == "getUserByName").unwrap();
            assert_eq!(user["path"], "/users/{username}", "read from paths/users@{{username}}.yaml");
            assert_eq!(user["parameters"], 3, "{user}");
        }
    }
}

#[test]
fn split_descriptions_pass_their_own_examples_and_catch_planted_violations() {
    let mut caught = 0;
    for (name, folder, root) in SPLIT {
        let mut files = vec![fixture(name).join("valid.ndjson")];
        if *name == "box" {
            files.push(fixture("box/multipart.ndjson"));
        }
        for schemas in [folder, root] {
            for valid in &files {
                let o = accord(&[
                    "check",
                    "--format",
                    "json",
                    "--schemas",
                    fixture(schemas).to_str().unwrap(),
                    valid.to_str().unwrap(),
                ]);
                let report: Value = serde_json::from_slice(&o.stdout).unwrap();
                let about_exchanges: Vec<&Value> =
                    report["diagnostics"].as_array().unwrap().iter().filter(|d| !d["entry"].is_null()).collect();
                assert!(about_exchanges.is_empty(), "{name} ({schemas}): {about_exchanges:?}");
                assert_eq!(o.status.code(), Some(0), "{name}");
                assert_eq!(report["summary"]["valid"], report["summary"]["payloads"], "{name}: all checked, all valid");
                assert!(report["summary"]["exchanges"].as_u64().unwrap() >= 3, "{name}");
            }
        }
        caught += planted_are_caught(name, &fixture(folder), &fixture(name).join("violations.ndjson"));
        caught += planted_are_caught(name, &fixture(root), &fixture(name).join("violations.ndjson"));
    }
    // Multipart uploads whose `attributes` part (an object, sent without its own
    // Content-Type) breaks the schema inside the part.
    caught += planted_are_caught("box", &fixture("box"), &fixture("box/multipart-violations.ndjson"));
    assert!(caught >= 200, "{caught}");
}

#[test]
fn captures_from_a_test_host_route_with_and_without_server() {
    let all = [
        ("petstore", "petstore"),
        ("museum", "museum"),
        ("tictactoe", "tictactoe"),
        ("discord", "discord"),
        ("twilio", "twilio"),
        ("redocly-starter", "redocly-starter/openapi"),
        ("box", "box"),
        ("digitalocean", "digitalocean/specification"),
    ];
    for (name, schemas) in all {
        let capture = fixture(name).join("localhost.ndjson");
        let exchanges = lines(capture.clone()).len() as u64;
        let run = |extra: &[&str]| {
            let mut args =
                vec!["check", "--format", "json", "--schemas", fixture(schemas).to_str().unwrap().to_owned().leak()];
            args.extend_from_slice(extra);
            args.push(capture.to_str().unwrap().to_owned().leak());
            let o = accord(&args);
            // A catalog refused outright (--strict) writes no report.
            (o.status.code(), serde_json::from_slice::<Value>(&o.stdout).unwrap_or(Value::Null))
        };
        let about = |report: &Value, code: &str| -> Vec<Value> {
            report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).cloned().collect()
        };
        // With the test host declared: every exchange routed and valid, nothing said.
        let (code, declared) = run(&["--server", "http://localhost:8080"]);
        assert_eq!(code, Some(0), "{name}");
        assert_eq!(declared["summary"]["unrouted"], 0, "{name}");
        assert_eq!(declared["summary"]["valid"], declared["summary"]["payloads"], "{name}");
        assert!(declared["diagnostics"].as_array().unwrap().iter().all(|d| d["code"] == "catalog"), "{name}");
        // Without it: routed by path alone, with one warning for the host.
        let (code, undeclared) = run(&[]);
        assert_eq!(code, Some(0), "{name}");
        assert_eq!(undeclared["summary"]["unrouted"], 0, "{name}");
        assert_eq!(undeclared["summary"]["valid"], declared["summary"]["valid"], "{name}");
        let warnings = about(&undeclared, "server");
        if name == "tictactoe" {
            // Its only server is relative (`/`): any host is its host.
            assert!(warnings.is_empty(), "{warnings:?}");
            continue;
        }
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        let message = warnings[0]["message"].as_str().unwrap();
        assert!(message.contains("`localhost:8080`"), "{message}");
        // How many requests went to the host (those whose servers allow any host, such as
        // Box's `https://{box-upload-server}/api/2.0`, route without it).
        let requests: u64 = message.split(" (").nth(1).and_then(|r| r.split(' ').next()).unwrap().parse().unwrap();
        assert!(requests > 0 && requests <= exchanges, "{message}");
        if name == "petstore" {
            assert_eq!(requests, exchanges, "{message}");
        }
        assert!(warnings[0]["help"].as_str().unwrap().contains("--server http://localhost:8080"));
        assert_eq!(warnings[0]["severity"], "warning");
        // --strict keeps the refusal, and a run that checked nothing fails.
        let (code, strict) = run(&["--strict"]);
        if name == "redocly-starter" || name == "digitalocean" {
            // --strict also refuses a catalog whose authors left a schema that does not compile.
            assert_eq!(code, Some(2), "{name}");
            continue;
        }
        assert_eq!(code, Some(1), "{name}");
        assert_eq!(strict["summary"]["unrouted"], requests, "{name}: the requests sent to the unlisted host");
        if requests == exchanges {
            assert_eq!(strict["summary"]["payloads"], 0, "{name}");
        }
    }
}

#[test]
fn a_browser_har_with_images_is_judged_by_media_type() {
    // Recorded by Chromium (tests/fixtures/browser/record.js): a Box-shaped API
    // on 127.0.0.1:8765 with a PNG thumbnail and a JPEG avatar saved as base64.
    let har = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/browser/box-images.har");
    let run = |extra: &[&str]| {
        let mut args =
            vec!["check", "--format", "json", "--schemas", fixture("box").to_str().unwrap().to_owned().leak()];
        args.extend_from_slice(extra);
        args.push(har.to_str().unwrap().to_owned().leak());
        let o = accord(&args);
        (o.status.code(), serde_json::from_slice::<Value>(&o.stdout).unwrap())
    };
    for extra in [&[][..], &["--server", "http://127.0.0.1:8765"][..]] {
        let (code, report) = run(extra);
        let diagnostics = report["diagnostics"].as_array().unwrap();
        assert!(diagnostics.iter().all(|d| d["code"] != "encoding"), "images are bytes, not text: {diagnostics:?}");
        // The page and a static image are not part of the API; the four API calls are.
        assert_eq!(report["summary"]["unrouted"], 2, "{report}");
        assert_eq!(report["summary"]["payloads"], 8);
        assert_eq!(report["summary"]["valid"], 7, "{diagnostics:?}");
        let errors: Vec<&Value> = diagnostics.iter().filter(|d| d["severity"] == "error").collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0]["code"].as_str(), errors[0]["instancePath"].as_str()), (Some("enum"), Some("/type")));
        assert_eq!(code, Some(1));
        let server = diagnostics.iter().filter(|d| d["code"] == "server").count();
        assert_eq!(server, usize::from(extra.is_empty()), "one warning for the unlisted host, none once declared");
    }
}
