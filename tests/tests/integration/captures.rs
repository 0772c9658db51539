//! The shared capture fixture set (`tests/fixtures/captures/`) rendered in
//! every format and snapshot-tested: a browser HAR, a mitmproxy HAR, an NDJSON
//! service log, an envelope, a plain payload, an empty file and a non-JSON file.
//! Between them they produce every diagnostic code.

use super::report_schema::assert_valid_report;
use accord_validator::diagnostic::{Direction, Report};
use accord_validator::render::{Format, render};
use accord_validator::{CheckOptions, Checker};
use accord_validator::{ReadOptions, run};
use std::collections::BTreeSet;

const CAPTURES: &[&str] = &[
    "fixtures/captures/browser-session.har",
    "fixtures/captures/mitmproxy.har",
    "fixtures/captures/service-log.ndjson",
    "fixtures/captures/envelope.json",
    "fixtures/captures/empty.json",
    "fixtures/captures/not-json.json",
    "fixtures/captures/missing-file.json",
];

fn shared_report() -> Report {
    let checker = Checker::new(super::catalog(), CheckOptions::default()).unwrap();
    let inputs: Vec<String> = CAPTURES.iter().map(|s| s.to_string()).collect();
    let options = ReadOptions { record_cases: true, ..ReadOptions::default() };
    let mut report = run::run(&checker, &inputs, &options);
    let forced = Checker::new(
        super::catalog(),
        CheckOptions { operation: Some("dstore.inquireOrderDetail".into()), strict: false, ..CheckOptions::default() },
    )
    .unwrap();
    let payload = ReadOptions { direction: Some(Direction::Request), ..options };
    report.merge(run::run(&forced, &["fixtures/captures/payload.json".to_string()], &payload));
    report.sort();
    report
}

fn rendered(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    render(format, report, false, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn human_output() {
    insta::assert_snapshot!("captures_human", rendered(Format::Human, &shared_report()));
}

#[test]
fn json_output() {
    let text = rendered(Format::Json, &shared_report());
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_valid_report(&value);
    insta::assert_snapshot!("captures_json", text);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let text = rendered(Format::Sarif, &shared_report());
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/sarif/sarif-schema-2.1.0.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not match the official schema: {errors:#?}");
    let run = &log["runs"][0];
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let report = shared_report();
    assert_eq!(run["results"].as_array().unwrap().len(), report.diagnostics.len());
    for (result, d) in run["results"].as_array().unwrap().iter().zip(&report.diagnostics) {
        assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize], d.code);
        // Every finding of a capture has a place in its file: headers, statuses, URLs and base64 bodies too.
        let region = &result["locations"][0]["physicalLocation"]["region"];
        // (An input that cannot be read has no lines to point at.)
        assert!(region["startLine"].is_u64() || d.code == "io", "no region for {}: {}", d.code, d.message);
    }
    insta::assert_snapshot!("captures_sarif", text);
}

#[test]
fn github_output_is_one_escaped_command_per_diagnostic() {
    let report = shared_report();
    let text = rendered(Format::Github, &report);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.diagnostics.len(), "a message with a newline would split a command");
    for line in &lines {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "),
            "{line}"
        );
        assert!(line.contains(",line=") || line.contains("title=accord io::"), "every annotation has a line: {line}");
        let (props, _message) = line.split_once("::").map(|(_, rest)| rest.split_once("::").unwrap()).unwrap();
        for prop in props.split_once(' ').unwrap().1.split(',') {
            let (key, value) = prop.split_once('=').unwrap();
            assert!(["file", "line", "col", "title"].contains(&key), "{line}");
            assert!(!value.contains(':') && !value.contains(','), "unescaped property in {line}");
        }
    }
    insta::assert_snapshot!("captures_github", text);
}

#[test]
fn junit_output_parses_back_with_the_right_counts() {
    use accord_validator::diagnostic::Severity;
    let report = shared_report();
    let text = rendered(Format::Junit, &report);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name("testsuites"));
    let count = |node: roxmltree::Node<'_, '_>, attr: &str| -> usize { node.attribute(attr).unwrap().parse().unwrap() };
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    // One suite per input file, the unreadable one included.
    let mut files: Vec<&str> = report.cases.iter().map(|c| c.file.as_str()).collect();
    files.extend(report.diagnostics.iter().map(|d| d.file.as_str()));
    files.sort_unstable();
    files.dedup();
    let names: Vec<&str> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
    assert_eq!(names, files);
    let (mut tests, mut failures, mut skipped, mut errors) = (0, 0, 0, 0);
    for suite in &suites {
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        let with = |tag: &str| cases.iter().filter(|c| c.children().any(|n| n.has_tag_name(tag))).count();
        assert_eq!(count(*suite, "tests"), cases.len());
        assert_eq!(count(*suite, "failures"), with("failure"));
        assert_eq!(count(*suite, "skipped"), with("skipped"));
        assert_eq!(count(*suite, "errors"), with("error"));
        tests += cases.len();
        failures += with("failure");
        skipped += with("skipped");
        errors += with("error");
    }
    assert_eq!(
        [count(root, "tests"), count(root, "failures"), count(root, "skipped"), count(root, "errors")],
        [tests, failures, skipped, errors]
    );
    // Every checked message is a test case named `operation direction #entry`, failed exactly when invalid.
    let all: Vec<_> = root.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    for case in &report.cases {
        let node = all
            .iter()
            .find(|n| n.attribute("name") == Some(case.name().as_str()) && n.attribute("classname") == Some(&case.file))
            .unwrap_or_else(|| panic!("no test case for {case:?}"));
        assert_eq!(node.children().any(|n| n.has_tag_name("failure")), !case.valid, "{case:?}");
    }
    assert!(failures >= report.summary.invalid);
    assert_eq!(errors, report.unreadable.len(), "unreadable inputs are JUnit errors");
    let unrouted_notes =
        report.diagnostics.iter().filter(|d| d.code == "unrouted" && d.severity == Severity::Note).count();
    assert_eq!(skipped, unrouted_notes, "unrouted exchanges are skipped test cases");
    // Every error's message is carried, unmangled by escaping, in some failure or error.
    let bodies: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
        .map(|n| n.text().unwrap_or(""))
        .collect();
    for d in report.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        assert!(bodies.iter().any(|b| b.contains(&d.message)), "{} is in no failure", d.message);
    }
    insta::assert_snapshot!("captures_junit", text);
}

#[test]
fn every_diagnostic_code_is_exercised() {
    let report = shared_report();
    let codes: BTreeSet<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in [
        "parse",
        "unrouted",
        "content-type",
        "status",
        "security",
        "encoding",
        "capture",
        "unknown-operation",
        "io",
        "required",
        "maxLength",
        "enum",
        "type",
        "format",
        "pattern",
        "const",
        "not",
        "x-accord-knownValues",
        "x-accord-maxSerializedLength",
        "additionalProperties",
    ] {
        assert!(codes.contains(code), "no diagnostic with code {code}; have {codes:?}");
    }
    assert_eq!(report.unreadable.len(), 1, "the missing file is unreadable");
}

#[test]
fn summary_counts_add_up() {
    let report = shared_report();
    let s = &report.summary;
    assert_eq!(s.files, 8);
    assert_eq!(s.valid + s.invalid, s.payloads);
    assert_eq!(
        s.errors,
        report.diagnostics.iter().filter(|d| d.severity == accord_validator::diagnostic::Severity::Error).count()
    );
}

#[test]
fn positions_point_at_the_offending_value() {
    let report = shared_report();
    let text = std::fs::read_to_string("fixtures/captures/envelope.json").unwrap();
    let enum_diag = report.diagnostics.iter().find(|d| d.file.ends_with("envelope.json") && d.code == "enum").unwrap();
    let line = text.lines().nth(enum_diag.line.unwrap() - 1).unwrap();
    let rest: String = line.chars().skip(enum_diag.column.unwrap() - 1).collect();
    assert!(rest.starts_with("\"CANCELED\""), "{rest}");
}

#[test]
fn secrets_never_appear_in_any_output() {
    let report = shared_report();
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Junit] {
        let out = rendered(format, &report);
        assert!(!out.contains("KEEPOUT"), "{format:?} output leaks a sensitive value:\n{out}");
    }
}

/// The first character of a JSON string literal's remaining text `raw`, decoded.
fn decode_first(raw: &str) -> Option<char> {
    if let Some(rest) = raw.strip_prefix('\\') {
        let len = if rest.starts_with('u') {
            if rest
                .get(1..5)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .is_some_and(|h| (0xD800..0xDC00).contains(&h))
            {
                12
            } else {
                6
            }
        } else {
            2
        };
        let decoded: String = serde_json::from_str(&format!("\"{}\"", raw.get(..len)?)).ok()?;
        decoded.chars().next()
    } else {
        raw.chars().next()
    }
}

#[test]
fn payload_positions_map_to_the_same_character_in_the_file() {
    let report = shared_report();
    let mut mapped = 0;
    for d in report.diagnostics.iter().filter(|d| d.file_line.is_some()) {
        let text = std::fs::read_to_string(&d.file).unwrap();
        // The payload, decoded, as the capture holds it.
        let container: serde_json::Value = if d.file.ends_with(".ndjson") {
            serde_json::from_str(text.lines().nth(d.entry.unwrap()).unwrap()).unwrap()
        } else {
            serde_json::from_str(&text).unwrap()
        };
        let payload = match (d.file.ends_with(".har"), d.direction.unwrap()) {
            (true, Direction::Request) => &container["log"]["entries"][d.entry.unwrap()]["request"]["postData"]["text"],
            (true, Direction::Response) => {
                &container["log"]["entries"][d.entry.unwrap()]["response"]["content"]["text"]
            }
            (false, Direction::Request) => &container["request"]["bodyText"],
            (false, Direction::Response) => &container["response"]["bodyText"],
        };
        if d.file.ends_with(".har") {
            let side = &container["log"]["entries"][d.entry.unwrap()][match d.direction.unwrap() {
                Direction::Request => "request",
                Direction::Response => "response",
            }];
            let content = if side.get("postData").is_some() { &side["postData"] } else { &side["content"] };
            if content["encoding"] == "base64" {
                // A decoded position has no counterpart in base64: the start of the encoded text.
                let file_line = text.lines().nth(d.file_line.unwrap() - 1).unwrap();
                let raw: String = file_line.chars().skip(d.file_column.unwrap() - 1).collect();
                assert!(raw.starts_with(&format!("{}", content["text"])), "{raw:.30}");
                continue;
            }
        }
        let payload = payload.as_str().unwrap();
        let expected = payload.split('\n').nth(d.line.unwrap() - 1).and_then(|l| l.chars().nth(d.column.unwrap() - 1));
        let file_line = text.lines().nth(d.file_line.unwrap() - 1).unwrap();
        let raw: String = file_line.chars().skip(d.file_column.unwrap() - 1).collect();
        match expected {
            Some(c) => assert_eq!(
                decode_first(&raw),
                Some(c),
                "{}: {} at payload {}:{}",
                d.file,
                d.code,
                d.line.unwrap(),
                d.column.unwrap()
            ),
            None => assert!(raw.starts_with('"'), "past the payload's end: the closing quote ({raw:.20})"),
        }
        mapped += 1;
    }
    assert!(mapped >= 5, "{mapped} payload positions were mapped into their files");
}
