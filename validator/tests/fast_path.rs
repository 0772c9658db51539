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
use accord_validator::contract::Catalog;
use accord_validator::validate::compile_generic;
use accord_validator::validate::fast::{FastValidator, FrontEnd, Verdict};
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

fn suite_dir(dir: &Path, assert_formats: bool, tallies: &mut [Tally; 2]) {
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
                tallies[0].uncompiled_groups += 1;
                tallies[1].uncompiled_groups += 1;
                continue;
            };
            for test in group["tests"].as_array().unwrap() {
                let text = serde_json::to_string(&test["data"]).unwrap();
                let expected = reference.is_valid(&test["data"]);
                // Both front ends, each held to its own documented coverage.
                for (tally, front) in tallies.iter_mut().zip([FrontEnd::Index, FrontEnd::Serde]) {
                    let what = format!("{name}: {} / {} ({front:?})", group["description"], test["description"]);
                    let covered = fast.covers_everything_with(front);
                    judge(tally, &what, fast.check_with(&text, front), expected, covered);
                }
            }
        }
    }
}

#[test]
fn the_fast_path_agrees_with_jsonschema_on_the_official_suite() {
    let root = suite().join("tests/draft2020-12");
    let mut tallies = [Tally::default(), Tally::default()];
    suite_dir(&root, false, &mut tallies);
    suite_dir(&root.join("optional"), false, &mut tallies);
    suite_dir(&root.join("optional/format"), true, &mut tallies);
    let [index, serde] = &tallies;
    println!("index front end: {index:#?}\nserde front end: {serde:#?}");
    for tally in &tallies {
        assert!(tally.wrong.is_empty(), "{} disagreements:\n{}", tally.wrong.len(), tally.wrong.join("\n"));
        // The suite must exercise every answer, or the test proves little.
        assert!(tally.valid > 500 && tally.invalid > 500 && tally.covered_cases > 1000, "{tally:?}");
    }
    // The index judges more: it defers on fewer keywords.
    assert!(index.deferred < serde.deferred && index.covered_cases > serde.covered_cases, "{index:?} {serde:?}");
}

fn accord(args: &[&str]) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

/// Every fixture of the built-in catalog and single-leaf mutations of it, as
/// NDJSON capture envelopes naming their operation.
fn fixture_envelopes() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut lines = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.join("valid").is_dir()) {
        let operation = dir.file_name().unwrap().to_string_lossy().into_owned();
        for kind in ["valid", "invalid"] {
            let mut files: Vec<PathBuf> =
                std::fs::read_dir(dir.join(kind)).unwrap().flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files {
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                let head = name.split("--").next().unwrap();
                let payload: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
                let mut variants = vec![payload.clone()];
                mutate(&payload, &payload, String::new(), &mut variants);
                for body in variants {
                    let message = match head.split_once('-') {
                        Some((_, status)) => {
                            serde_json::json!({"response": {"status": status.parse::<u16>().unwrap(), "body": body}})
                        }
                        None if head == "response" => serde_json::json!({"response": {"status": 200, "body": body}}),
                        None => serde_json::json!({"request": {"body": body}}),
                    };
                    let mut envelope = message;
                    envelope["operation"] = operation.clone().into();
                    lines.push(serde_json::to_string(&envelope).unwrap());
                }
            }
        }
    }
    lines.join("\n") + "\n"
}

/// Each leaf of `value` replaced by values of other types and by strings around its length.
fn mutate(root: &Value, value: &Value, at: String, out: &mut Vec<Value>) {
    match value {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| mutate(root, v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| mutate(root, v, format!("{at}/{i}"), out)),
        leaf => {
            let mut swaps = vec![
                Value::Null,
                Value::Bool(true),
                serde_json::json!(7),
                serde_json::json!(-2.5),
                serde_json::json!(""),
            ];
            if let Value::String(s) = leaf {
                swaps.push(Value::String(format!("{s}{s}x")));
                swaps.push(Value::String(s.chars().skip(1).collect()));
            }
            for swap in swaps.into_iter().filter(|s| s != leaf) {
                let mut copy = root.clone();
                *copy.pointer_mut(&at).unwrap() = swap;
                out.push(copy);
            }
        }
    }
}

#[test]
fn reports_are_identical_with_and_without_the_fast_path() {
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("fixtures.ndjson");
    std::fs::write(&corpus, fixture_envelopes()).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/captures");
    let mut inputs = vec![corpus.display().to_string(), shipped.display().to_string()];
    inputs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules").display().to_string());
    let args: Vec<&str> = ["check", "--format", "json"].into_iter().chain(inputs.iter().map(String::as_str)).collect();
    let (code, fast) = accord(&args);
    let slow_args: Vec<&str> = args.iter().copied().chain(["--no-fast-path"]).collect();
    let (slow_code, slow) = accord(&slow_args);
    assert_eq!(code, slow_code);
    let report: Value = serde_json::from_str(&fast).unwrap();
    let (valid, invalid) =
        (report["summary"]["valid"].as_u64().unwrap(), report["summary"]["invalid"].as_u64().unwrap());
    assert!(valid > 500 && invalid > 5_000, "{}", report["summary"]);
    assert!(fast == slow, "the reports differ with the fast path off");
}

#[test]
fn json_lines_in_generic_mode_are_one_document_per_line() {
    let work = tempfile::tempdir().unwrap();
    let schema = work.path().join("schema.json");
    std::fs::write(
        &schema,
        r#"{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 3}}, "required": ["id"]}"#,
    )
    .unwrap();
    let lines = work.path().join("docs.jsonl");
    std::fs::write(
        &lines,
        "{\"id\": 1, \"name\": \"ab\"}\n{\"id\": 2, \"name\": \"abcd\"}\n\n{\"id\": \n{\"name\": \"x\"}\r\n",
    )
    .unwrap();
    for extra in [None, Some("--no-fast-path")] {
        let mut args = vec!["check", "--format", "json", "--schema", schema.to_str().unwrap(), lines.to_str().unwrap()];
        args.extend(extra);
        let (code, out) = accord(&args);
        assert_eq!(code, Some(1));
        let report: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["summary"]["exchanges"], 4, "the blank line is not a document");
        assert_eq!(report["summary"]["valid"], 1);
        assert_eq!(report["summary"]["invalid"], 3);
        let found: Vec<(String, u64, u64, u64)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let n = |k: &str| d[k].as_u64().unwrap_or(0);
                (d["code"].as_str().unwrap().to_string(), n("entry"), n("line"), n("column"))
            })
            .collect();
        assert_eq!(
            found,
            [("maxLength".to_string(), 1, 2, 19), ("parse".to_string(), 3, 4, 7), ("required".to_string(), 4, 5, 1)],
            "{extra:?}"
        );
    }
}

/// Found by the `fast_path` fuzz target: a value no schema constrains must
/// still be JSON exactly where serde_json's `Value` says it is.
#[test]
fn unconstrained_values_are_parsed_as_strictly_as_the_full_path_parses_them() {
    let work = tempfile::tempdir().unwrap();
    let schema = work.path().join("schema.json");
    std::fs::write(&schema, r#"{"type": "object", "properties": {"t": {"type": "integer"}}}"#).unwrap();
    let (catalog, uri) = Catalog::from_schema_file(RootBuilder::new(), &schema).unwrap();
    let fast = FastValidator::new(&catalog, &uri, false).unwrap();
    assert_eq!(fast.check(r#"{"t": 1, "other": 2}"#), Verdict::Valid);
    for text in
        [r#"{"t": 1, "other": 16620e1920}"#, r#"{"t": 1, "other": ["\ud800"]}"#, r#"{"t": 1, "x": {"y": 1e400}}"#]
    {
        assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
        assert_eq!(fast.check(text), Verdict::Unknown, "{text}");
    }
}

/// Foreign material: the five public OpenAPI descriptions of
/// `tests/fixtures/real-world/`, with their captures (valid and planted
/// violations), give the same JSON report with the fast path on and off.
#[test]
fn public_descriptions_give_the_same_reports_with_and_without_the_fast_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/real-world");
    for api in ["petstore", "museum", "tictactoe", "discord", "twilio"] {
        let dir = root.join(api);
        let description = ["openapi.json", "openapi.yaml"].iter().map(|f| dir.join(f)).find(|p| p.exists()).unwrap();
        let captures = [dir.join("valid.ndjson"), dir.join("violations.ndjson")];
        let mut args = vec!["check".to_string(), "--format".into(), "json".into(), "--schemas".into()];
        args.push(description.display().to_string());
        args.extend(captures.iter().map(|c| c.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, fast) = accord(&args);
        let (slow_code, slow) = accord(&[args.as_slice(), &["--no-fast-path"]].concat());
        assert_eq!(code, slow_code, "{api}");
        assert!(fast == slow, "{api}: the reports differ with the fast path off");
        let report: Value = serde_json::from_str(&fast).unwrap();
        assert!(
            report["summary"]["valid"].as_u64().unwrap() > 0 && report["summary"]["errors"].as_u64().unwrap() > 0,
            "{api}"
        );
    }
}

/// Positions in a state are 16-bit: a schema with more alternatives at one
/// place than that gets no fast path (the full path judges it), never a wrong index.
#[test]
fn a_place_with_more_schemas_than_a_state_holds_gets_no_fast_path() {
    let work = tempfile::tempdir().unwrap();
    let schema = work.path().join("schema.json");
    let members: Vec<Value> = (0..70_000).map(|i| serde_json::json!({"const": i})).collect();
    std::fs::write(&schema, serde_json::json!({ "anyOf": members }).to_string()).unwrap();
    let (catalog, uri) = Catalog::from_schema_file(RootBuilder::new(), &schema).unwrap();
    let why = FastValidator::new(&catalog, &uri, false).unwrap_err();
    assert!(why.0.contains("apply at one place"), "{}", why.0);
}

/// The keywords the index front end judges that the serde front end
/// defers: each verdict matches jsonschema's, and the index defers less.
#[test]
fn the_index_judges_text_keywords_and_dependent_required() {
    let work = tempfile::tempdir().unwrap();
    let schema = work.path().join("schema.json");
    let text = r#"{
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "properties": {
        "extendInfo": {"type": "object", "x-accord-maxSerializedLength": 20},
        "shape": {"enum": [{"kind": "circle", "r": 1}, [1, 2], "none"]},
        "card": {"type": "string"}
      },
      "dependentRequired": {"card": ["billing"]}
    }"#;
    std::fs::write(&schema, text).unwrap();
    let (catalog, uri) = Catalog::from_schema_file(RootBuilder::new(), &schema).unwrap();
    let reference = compile_generic(&catalog, &uri, false).unwrap();
    let fast = FastValidator::new(&catalog, &uri, false).unwrap();
    let cases = [
        (r#"{"extendInfo": {"a": "bcd"}}"#, Verdict::Valid, Verdict::Unknown),
        (r#"{"extendInfo": {"a": "bcdefghijklmnopqrstu"}}"#, Verdict::Invalid, Verdict::Unknown),
        // Whitespace and escapes do not count: the compact serialization does.
        (r#"{"extendInfo": {  "a" :  "b\u0063d"  }}"#, Verdict::Valid, Verdict::Unknown),
        (r#"{"shape": {"r": 1, "kind": "circle"}}"#, Verdict::Valid, Verdict::Unknown),
        (r#"{"shape": [1, 2]}"#, Verdict::Valid, Verdict::Unknown),
        (r#"{"shape": "none"}"#, Verdict::Valid, Verdict::Valid),
        // No equal member, and a fraction on one side: deferred (jsonschema calls 1 and 1.0 equal).
        (r#"{"shape": [1.0, 2]}"#, Verdict::Unknown, Verdict::Unknown),
        // No equal member, integers only: invalid.
        (r#"{"shape": {"kind": "square"}}"#, Verdict::Invalid, Verdict::Unknown),
        (r#"{"shape": [2, 1]}"#, Verdict::Invalid, Verdict::Unknown),
        (r#"{"card": "4111", "billing": 1}"#, Verdict::Valid, Verdict::Valid),
        (r#"{"card": "4111"}"#, Verdict::Invalid, Verdict::Invalid),
    ];
    for (document, index, serde) in cases {
        let value: Value = serde_json::from_str(document).unwrap();
        let expected = reference.is_valid(&value);
        for (front, want) in [(FrontEnd::Index, index), (FrontEnd::Serde, serde)] {
            let got = fast.check_with(document, front);
            assert_eq!(got, want, "{front:?} on {document}");
            assert!(got == Verdict::Unknown || (got == Verdict::Valid) == expected, "{front:?} on {document}");
        }
    }
    assert!(!fast.covers_everything_with(FrontEnd::Serde));
}

/// The one-pass envelope reader and the structural index, through the
/// binary: the fixture envelopes with their keys in another order, and with
/// whitespace everywhere JSON allows it, give the same report on the index
/// (the default), on the serde front end and reader, and with the fast path off.
#[test]
fn envelopes_in_any_key_order_and_spacing_give_identical_reports_on_both_front_ends() {
    let work = tempfile::tempdir().unwrap();
    let compact = fixture_envelopes();
    let reorder = |line: &str| -> String {
        // The message's keys reversed, and `operation` first.
        let envelope: Value = serde_json::from_str(line).unwrap();
        let mut out = serde_json::Map::new();
        out.insert("operation".into(), envelope["operation"].clone());
        for (k, v) in envelope.as_object().unwrap().iter().filter(|(k, _)| *k != "operation") {
            let reversed: serde_json::Map<String, Value> =
                v.as_object().unwrap().iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
            out.insert(k.clone(), Value::Object(reversed));
        }
        serde_json::to_string(&Value::Object(out)).unwrap()
    };
    // Pretty-printed, then joined on one line: raw newlines only occur between tokens.
    let spaced = |line: &str| -> String {
        let value: Value = serde_json::from_str(line).unwrap();
        serde_json::to_string_pretty(&value).unwrap().replace('\n', " \t")
    };
    let shapes = [
        ("reordered", compact.lines().map(reorder).collect::<Vec<_>>()),
        ("spaced", compact.lines().map(spaced).collect::<Vec<_>>()),
    ];
    for (name, lines) in shapes {
        let file = work.path().join(format!("{name}.ndjson"));
        std::fs::write(&file, lines.join("\n") + "\n").unwrap();
        let file = file.display().to_string();
        let run = |extra: Option<&str>, front: &str| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_accord"));
            command.args(["check", "--format", "json", &file]).env("ACCORD_FAST_FRONT_END", front);
            command.args(extra);
            let output = command.output().unwrap();
            (output.status.code(), String::from_utf8(output.stdout).unwrap())
        };
        let index = run(None, "index");
        let report: Value = serde_json::from_str(&index.1).unwrap();
        let (valid, invalid) =
            (report["summary"]["valid"].as_u64().unwrap(), report["summary"]["invalid"].as_u64().unwrap());
        assert!(valid > 500 && invalid > 5_000, "{name}: {}", report["summary"]);
        assert!(index == run(None, "serde"), "{name}: the index and serde front ends give different reports");
        assert!(index == run(Some("--no-fast-path"), "index"), "{name}: the report differs with the fast path off");
    }
}
