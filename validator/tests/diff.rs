//! `accord diff` through the binary: on oasdiff's own base/revision pairs
//! (tests/fixtures/oasdiff, Apache-2.0, with the findings oasdiff's tests
//! expect), on git revisions of a temporary repository, and on hostile input.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn accord_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).current_dir(dir).args(args).output().unwrap()
}

/// An oasdiff id and an Accord id name the same kind of change when they
/// agree after these synonyms (oasdiff splits some kinds Accord keeps whole,
/// and the other way round).
fn kind(id: &str) -> String {
    let mut k = id.to_string();
    for (from, to) in [
        ("request-parameter-property-", "request-parameter-"),
        ("request-header-property-", "request-parameter-"),
        ("response-mediatype-", "response-body-"),
        ("api-global-security-", "api-security-"),
        ("list-of-types-widened", "type-widened"),
        ("list-of-types-narrowed", "type-narrowed"),
        ("type-generalized", "type-widened"),
        ("type-specialized", "type-narrowed"),
        ("response-success-status-added", "response-status-added"),
        ("response-non-success-status-added", "response-status-added"),
        ("response-status-added-without-default", "response-status-added"),
        ("request-parameter-max-length-set", "request-parameter-max-length-decreased"),
        ("api-security-now-required", "api-security-added"),
        ("api-security-no-longer-required", "api-security-removed"),
        ("api-global-security-scope-", "api-security-scope-"),
    ] {
        k = k.replace(from, to);
    }
    k
}

/// Findings about extensions only oasdiff defines, which Accord does not read.
fn oasdiff_extension(id: &str) -> bool {
    ["sunset", "stability", "extensible-enum", "deprecated-with", "before-sunset"].iter().any(|w| id.contains(w))
}

#[derive(Default, Debug)]
struct Tally {
    expected: usize,
    kind_found: usize,
    class_agrees: usize,
    quiet_cases: usize,
    quiet_agree: usize,
    missed: BTreeMap<String, usize>,
    extension: usize,
    misclassed: BTreeMap<String, usize>,
    /// (test, id) of the expected findings Accord reports alike.
    agreed: std::collections::BTreeSet<(String, String)>,
    /// Differences with no reason listed.
    unexplained: Vec<String>,
    /// Each expectation met, with the level of the finding that meets it.
    levels: Vec<String>,
}

#[test]
fn oasdiff_pairs_agree_with_oasdiff() {
    let base = repo().join("tests/fixtures/oasdiff");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(base.join("cases.json")).unwrap()).unwrap();
    let usable: Vec<&Value> = cases
        .iter()
        .filter(|c| c["parsed"] == true && c["mutated"] == false)
        .filter(|c| {
            c.get("checker_options").is_none_or(Value::is_null) && c.get("diff_config").is_none_or(Value::is_null)
        })
        .collect();
    assert!(usable.len() > 300, "{} usable pairs", usable.len());
    let listed = Differences::read();
    let mut t = Tally::default();
    let mut ran = 0;
    for case in &usable {
        let (old, new) = (case["base"].as_str().unwrap(), case["revision"].as_str().unwrap());
        let o = accord_in(&base, &["diff", "--format", "json", "--fail-on", "never", old, new]);
        // Every usable pair is read: a finding or a clear error, never a panic.
        assert!(o.status.code() == Some(0) || o.status.code() == Some(2), "{}: {:?}", case["test"], o.status);
        let test = case["test"].as_str().unwrap();
        if o.status.code() == Some(2) {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.starts_with("accord: "), "{test}: {err}");
            for e in case["expect"].as_array().into_iter().flatten().filter_map(|e| e["id"].as_str()) {
                t.differs(&listed, test, e);
            }
            if case["expect_count"] == 0 && case["checks"] == "all" {
                t.differs(&listed, test, NO_FINDING);
            }
            continue;
        }
        ran += 1;
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let changes = report["changes"].as_array().unwrap();
        let found: Vec<(String, String)> = changes
            .iter()
            .map(|c| (kind(c["rule"].as_str().unwrap()), c["severity"].as_str().unwrap().to_string()))
            .collect();
        // The level Accord gives each finding: `wire` exactly when it is breaking.
        for c in changes {
            let (severity, level) = (c["severity"].as_str().unwrap(), c["level"].as_str().unwrap());
            assert_eq!(severity == "breaking", level == "wire", "{test}: {c}");
        }
        if case["expect_count"] == 0 && case["checks"] == "all" {
            t.quiet_cases += 1;
            let floor = if case["min_level"] == "info" { "info" } else { "warning" };
            let loud = found
                .iter()
                .any(|(_, l)| l == "breaking" || (floor == "info") || (floor == "warning" && l == "warning"));
            // A pair that expects nothing and gets a finding is a difference too.
            let none = (test.to_string(), NO_FINDING.to_string());
            if !loud {
                t.quiet_agree += 1;
                t.agreed.insert(none);
            } else {
                t.differs(&listed, test, NO_FINDING);
            }
        }
        for e in case["expect"].as_array().into_iter().flatten() {
            let Some(id) = e["id"].as_str() else { continue };
            t.expected += 1;
            if oasdiff_extension(id) {
                t.extension += 1;
            }
            let want = kind(id);
            let breaking = e["level"] == "error";
            let same: Vec<&(String, String)> = found.iter().filter(|(k, _)| *k == want).collect();
            if same.is_empty() {
                *t.missed.entry(id.to_string()).or_default() += 1;
                t.differs(&listed, test, id);
                continue;
            }
            t.kind_found += 1;
            if same.iter().any(|(_, l)| (l == "breaking") == breaking) {
                t.class_agrees += 1;
                t.agreed.insert((test.to_string(), id.to_string()));
                // The expectation, with the level of the finding that meets it.
                let level = changes
                    .iter()
                    .filter(|c| kind(c["rule"].as_str().unwrap()) == want)
                    .find(|c| (c["severity"] == "breaking") == breaking)
                    .and_then(|c| c["level"].as_str())
                    .unwrap_or("?");
                t.levels.push(format!("{test} {id} ({}): {level}", e["level"].as_str().unwrap_or("?")));
            } else {
                *t.misclassed.entry(id.to_string()).or_default() += 1;
                t.differs(&listed, test, id);
            }
        }
    }
    let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
    println!(
        "oasdiff pairs: {} usable, {ran} read; expected findings {}: kind found {} ({:.1}%), kind and breaking class agree {} ({:.1}%); pairs expecting nothing: {} of {} quiet",
        usable.len(),
        t.expected,
        t.kind_found,
        pct(t.kind_found, t.expected),
        t.class_agrees,
        pct(t.class_agrees, t.expected),
        t.quiet_agree,
        t.quiet_cases
    );
    let own = t.expected - t.extension;
    println!(
        "without the {} findings about oasdiff's own extensions (x-sunset, x-stability-level, x-extensible-enum, deprecation dates): kind and class agree {} of {own} ({:.1}%)",
        t.extension,
        t.class_agrees,
        pct(t.class_agrees, own)
    );
    let mut missed: Vec<_> = t.missed.iter().collect();
    missed.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
    println!("most missed: {:?}", &missed[..missed.len().min(40)]);
    println!("misclassed: {:?}", t.misclassed);
    println!("deliberate differences listed: {}", listed.cases.len());
    // Every difference is explained, and every explanation is still needed.
    assert!(t.unexplained.is_empty(), "differences from oasdiff with no reason listed:\n{}", t.unexplained.join("\n"));
    let stale: Vec<_> = listed.cases.keys().filter(|k| t.agreed.contains(*k)).collect();
    assert!(stale.is_empty(), "listed as different but Accord now agrees: {stale:?}");
    // The floor is the rate measured when this test was last changed; it may only rise.
    assert!(pct(t.class_agrees, t.expected) >= FLOOR, "agreement fell below {FLOOR}%");
    let count = |l: &str| t.levels.iter().filter(|e| e.ends_with(&format!(": {l}"))).count();
    println!(
        "levels of the expectations met: {} wire, {} source, {} none",
        count("wire"),
        count("source"),
        count("none")
    );
    t.levels.sort();
    insta::assert_snapshot!("diff_oasdiff_expectations_with_levels", t.levels.join("\n"));
}

/// Measured when this test was last changed (362 of 430, 84.2%); it may only rise.
const FLOOR: f64 = 84.0;

/// How the differences file names a pair oasdiff expects no finding from.
const NO_FINDING: &str = "(no finding)";

/// `validator/tests/fixtures/oasdiff-differences.json`: the findings oasdiff
/// expects that Accord decides differently on purpose, each with its reason.
struct Differences {
    /// (oasdiff test, expected id) → reason key.
    cases: BTreeMap<(String, String), String>,
}

impl Differences {
    fn read() -> Self {
        let path = repo().join("validator/tests/fixtures/oasdiff-differences.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let reasons = doc["reasons"].as_object().unwrap();
        let mut cases = BTreeMap::new();
        for c in doc["cases"].as_array().unwrap() {
            let reason = c["reason"].as_str().unwrap();
            assert!(reasons.contains_key(reason), "unknown reason {reason}");
            cases.insert(
                (c["test"].as_str().unwrap().to_string(), c["id"].as_str().unwrap().to_string()),
                reason.into(),
            );
        }
        // The diff page's table names every listed case.
        let readme = std::fs::read_to_string(repo().join("docs/src/diff.md")).unwrap();
        for (test, id) in cases.keys() {
            let row = if id == NO_FINDING { format!("| {test} | nothing |") } else { format!("| {test} | `{id}` |") };
            assert!(readme.contains(&row), "docs/src/diff.md lists no row for {test} / {id}");
        }
        Differences { cases }
    }
}

impl Tally {
    /// An expected finding Accord does not report alike: it must be listed.
    fn differs(&mut self, listed: &Differences, test: &str, id: &str) {
        if !listed.cases.contains_key(&(test.to_string(), id.to_string())) {
            self.unexplained.push(format!("{test}: {id}"));
        }
    }
}

fn git_in(dir: &Path, args: &[&str]) {
    let o = Command::new("git").current_dir(dir).args(args).output().unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// A new repository on branch `main` with a committer identity.
fn git_init(dir: &Path) {
    git_in(dir, &["init", "-q", "-b", "main"]);
    git_in(dir, &["config", "user.email", "t@example.invalid"]);
    git_in(dir, &["config", "user.name", "t"]);
}

/// A copy of the built-in catalog in a temporary folder.
fn catalog_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("schemas"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The breaking differences between the public APIs of the code
/// `accord-codegen` generates for two schema roots (formatted source, read
/// back with syn: the path a consumer's `build.rs` takes).
fn api_breaks(old: &Path, new: &Path) -> Result<Vec<String>, String> {
    let api = |dir: &Path| -> Result<accord_codegen::api::Api, String> {
        let source = accord_codegen::Generator::new().schema_dir(dir).generate_string().map_err(|e| e.to_string())?;
        accord_codegen::api::Api::of(&source).map_err(|e| e.to_string())
    };
    Ok(accord_codegen::api::compare(&api(old)?, &api(new)?)
        .into_iter()
        .filter(|c| c.breaking)
        .map(|c| c.description)
        .collect())
}

/// Asserts the level of rule `id` on a mutation from `old` to `new`: the
/// finding's level is the rule's; a `source` rule's mutation changes the
/// generated public API incompatibly and a `none` rule's does not. Returns
/// the level, for the table.
fn assert_level(id: &str, report: &Value, old: &Path, new: &Path, wrong: &mut Vec<String>) -> String {
    let rule = accord_diff::registry::rule(id).unwrap_or_else(|| panic!("{id} is not a rule"));
    let levels: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == id)
        .filter_map(|c| c["level"].as_str())
        .collect();
    if levels.iter().any(|l| *l != rule.level.as_str()) {
        wrong.push(format!("{id}: the rule says {}, the finding says {levels:?}", rule.level.as_str()));
    }
    // A `wire` rule breaks whatever the generated code does: nothing to generate.
    if rule.level == accord_diff::Level::Wire {
        return rule.level.as_str().to_string();
    }
    let breaks = match api_breaks(old, new) {
        Ok(breaks) => breaks,
        Err(e) => {
            wrong.push(format!("{id}: the mutation cannot be generated: {e}"));
            return rule.level.as_str().to_string();
        }
    };
    match rule.level {
        accord_diff::Level::Source if breaks.is_empty() => {
            wrong.push(format!("{id}: tagged source, yet the generated public API did not break"))
        }
        accord_diff::Level::None if !breaks.is_empty() => {
            wrong.push(format!("{id}: tagged none, yet the generated public API broke: {breaks:?}"))
        }
        _ => {}
    }
    rule.level.as_str().to_string()
}

/// Mutations of the built-in catalog: (what, file, from, to).
const MUTATIONS: &[(&str, &str, &str, &str)] = &[
    ("request maxLength lowered", "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8"),
    (
        "request enum value removed",
        "dstore/sync-store.schema.json",
        "\"enum\": [\"OPEN\", \"CLOSED\"]",
        "\"enum\": [\"OPEN\"]",
    ),
    (
        "request property became required",
        "dstore/sync-store.schema.json",
        "\"required\": [",
        "\"required\": [\"zzNew\", ",
    ),
    (
        "request type changed",
        "dstore/sync-store.schema.json",
        "\"minLength\": 1,\n          \"maxLength\": 255",
        "\"minimum\": 1,\n          \"maxLength\": 255, \"type\": \"integer\"",
    ),
    ("response status removed", "tuya/openapi.json", "\"200\"", "\"299\""),
    ("operation removed", "zonos/openapi.json", "\"post\"", "\"put\""),
    (
        "optional query parameter became required",
        "tuya/openapi.json",
        "\"required\": false,\n            \"description\": \"Repeats",
        "\"required\": true,\n            \"description\": \"Repeats",
    ),
    (
        "query parameter style changed",
        "tuya/openapi.json",
        "\"in\": \"query\",\n            \"required\": false,",
        "\"in\": \"query\", \"style\": \"pipeDelimited\",\n            \"required\": false,",
    ),
    (
        "request media type replaced",
        "xoxoday/openapi.json",
        "\"required\": true,\n          \"content\": {\n            \"application/json\"",
        "\"required\": true,\n          \"content\": {\n            \"application/vnd.plum+json\"",
    ),
    ("security scope added", "xoxoday/openapi.json", "\"bearerAuth\": []", "\"bearerAuth\": [\"orders:read\"]"),
    (
        "server replaced",
        "xoxoday/openapi.json",
        "\"url\": \"https://stagingaccount.xoxoday.com/chef\",",
        "\"url\": \"https://sandbox.xoxoday.com/chef\",",
    ),
    (
        "sensitive marking removed",
        "xoxoday/get-order-details.schema.json",
        "\"x-accord-sensitive\": \"voucher\"",
        "\"x-accord-note\": \"voucher\"",
    ),
];

#[test]
fn built_in_catalog_mutations_in_both_directions() {
    let mut text = String::new();
    for (what, file, from, to) in MUTATIONS {
        let (old, new) = (catalog_copy(), catalog_copy());
        edit(new.path(), file, from, to);
        for (label, a, b) in [("old to new", &old, &new), ("new to old", &new, &old)] {
            let o = accord_in(
                &repo(),
                &[
                    "diff",
                    "--format",
                    "human",
                    "--fail-on",
                    "never",
                    a.path().to_str().unwrap(),
                    b.path().to_str().unwrap(),
                ],
            );
            assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
            let out = String::from_utf8(o.stdout)
                .unwrap()
                .replace(a.path().to_str().unwrap(), "<A>")
                .replace(b.path().to_str().unwrap(), "<B>");
            assert!(!out.starts_with("0 breaking, 0 warning(s), 0 info"), "{what} ({label}) found nothing");
            text.push_str(&format!("== {what} ({label})\n{out}\n"));
        }
    }
    insta::assert_snapshot!("diff_builtin_mutations", text);
}

#[test]
fn formats_match_their_schemas_and_fail_on_sets_the_exit_code() {
    let (old, new) = (catalog_copy(), catalog_copy());
    edit(new.path(), "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8");
    edit(
        new.path(),
        "dstore/sync-store.schema.json",
        "\"enum\": [\"OPEN\", \"CLOSED\"]",
        "\"enum\": [\"OPEN\", \"CLOSED\", \"PAUSED\"]",
    );
    let args = |extra: &[&str]| {
        let mut a = vec!["diff", old.path().to_str().unwrap(), new.path().to_str().unwrap()];
        a.extend_from_slice(extra);
        accord_in(
            &repo(),
            &a.iter().map(|s| s.to_string()).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let o = args(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "a breaking change fails by default");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("validator/diff.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report), "{report}");
    assert_eq!(report["summary"]["breaking"], 1);
    let change = &report["changes"][0];
    assert_eq!(change["new"]["line"], 26, "the new version's line: {change}");
    let sarif: Value = serde_json::from_slice(&args(&["--format", "sarif"]).stdout).unwrap();
    let sarif_schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    assert!(jsonschema::validator_for(&sarif_schema).unwrap().is_valid(&sarif));
    let github = String::from_utf8(args(&["--format", "github"]).stdout).unwrap();
    assert!(
        github.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")),
        "{github}"
    );
    let markdown = String::from_utf8(args(&["--format", "markdown"]).stdout).unwrap();
    assert!(markdown.contains("| breaking | **wire** | `request-property-max-length-decreased` |"), "{markdown}");
    // Every format carries the level.
    assert!(sarif["runs"][0]["results"].as_array().unwrap().iter().all(|r| r["properties"]["level"].is_string()));
    assert!(github.contains("(level wire)"), "{github}");
    // The added request enum value is info: --fail-on warning still fails on the breaking one only.
    assert_eq!(args(&["--fail-on", "never"]).status.code(), Some(0));
    let only_info = catalog_copy();
    edit(
        only_info.path(),
        "dstore/sync-store.schema.json",
        "\"enum\": [\"OPEN\", \"CLOSED\"]",
        "\"enum\": [\"OPEN\", \"CLOSED\", \"PAUSED\"]",
    );
    let o = accord_in(&repo(), &["diff", old.path().to_str().unwrap(), only_info.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    // ... but the generated request enum gains a variant: a break at `--level source`.
    let o = accord_in(
        &repo(),
        &["diff", "--level", "source", old.path().to_str().unwrap(), only_info.path().to_str().unwrap()],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("= generated: enum `dstore::StoreStatus` gains variant `Paused`"), "{out}");
}

#[test]
fn an_ignore_file_sets_changes_aside_with_a_reason() {
    let (old, new) = (catalog_copy(), catalog_copy());
    edit(new.path(), "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8");
    let dir = tempfile::tempdir().unwrap();
    let ignore = dir.path().join("ignore.yaml");
    std::fs::write(&ignore, "- rule: request-property-max-length-decreased\n  operation: POST /v2/pos/syncStore\n  reason: the POS providers agreed on 2026-11-01\n").unwrap();
    let o = accord_in(
        &repo(),
        &[
            "diff",
            "--format",
            "json",
            "--ignore-file",
            ignore.to_str().unwrap(),
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["summary"]["ignored"], 1);
    assert_eq!(report["ignored"][0]["reason"], "the POS providers agreed on 2026-11-01");
    std::fs::write(&ignore, "- rule: request-property-max-length-decreased\n").unwrap();
    let o = accord_in(
        &repo(),
        &[
            "diff",
            "--ignore-file",
            ignore.to_str().unwrap(),
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a reason is required"));
    // The same by flag: rule, operation and pointer, then the reason.
    let (o_dir, n_dir) = (old.path().to_str().unwrap(), new.path().to_str().unwrap());
    let flag = "request-property-max-length-decreased@POST /v2/pos/syncStore#/$defs/SyncStoreRequest/properties/posAccountId/maxLength=agreed with the POS providers";
    let o = accord_in(&repo(), &["diff", "--format", "json", "--ignore", flag, o_dir, n_dir]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ignored"][0]["reason"], "agreed with the POS providers");
    // Another pointer does not match: the change stays and fails the run.
    let elsewhere = "request-property-max-length-decreased#/elsewhere=not this one";
    assert_eq!(accord_in(&repo(), &["diff", "--ignore", elsewhere, o_dir, n_dir]).status.code(), Some(1));
    for bad in ["request-property-max-length-decreased", "request-property-max-length-decreased=", "no-such-rule=why"] {
        let o = accord_in(&repo(), &["diff", "--ignore", bad, o_dir, n_dir]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--ignore"), "{bad}");
    }
}

#[test]
fn recorded_traffic_proves_a_breaking_change() {
    let (old, new) = (catalog_copy(), catalog_copy());
    // `posAccountId` of the sample requests is 18 characters long.
    edit(new.path(), "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8");
    let dir = tempfile::tempdir().unwrap();
    let sample: Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo().join("tests/fixtures/dstore.syncStore/valid/request--sample-create-store.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let envelope = serde_json::json!({"request": {"method": "POST", "url": "https://dstore.example/v2/pos/syncStore", "body": sample}});
    std::fs::write(dir.path().join("traffic.ndjson"), serde_json::to_string(&envelope).unwrap() + "\n").unwrap();
    let o = accord_in(
        &repo(),
        &[
            "diff",
            "--format",
            "json",
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
            "--captures",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let replayed = &report["replayed"];
    assert_eq!(replayed["validBefore"], 1);
    assert_eq!(replayed["regressions"].as_array().unwrap().len(), 1, "{replayed}");
    assert!(replayed["regressions"][0]["errors"][0].as_str().unwrap().starts_with("maxLength:"));
}

#[test]
fn git_revisions_are_read_without_touching_the_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git_in(dir.path(), args);
    git_init(dir.path());
    copy_dir(&repo().join("schemas"), &dir.path().join("schemas"));
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v1"]);
    edit(&dir.path().join("schemas"), "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8");
    git(&["commit", "-q", "-am", "v2"]);
    // An uncommitted edit in the working tree is not what HEAD says.
    edit(&dir.path().join("schemas"), "dstore/sync-store.schema.json", "\"maxLength\": 255", "\"maxLength\": 1");
    let before = std::fs::read_to_string(dir.path().join("schemas/dstore/sync-store.schema.json")).unwrap();
    let o = accord_in(dir.path(), &["diff", "--format", "json", "--git", "main~1..main", "schemas"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = report["changes"].as_array().unwrap().iter().map(|c| c["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["request-property-max-length-decreased"], "only the committed change");
    assert!(report["changes"][0]["new"]["file"].as_str().unwrap().starts_with("main:schemas/"));
    assert_eq!(std::fs::read_to_string(dir.path().join("schemas/dstore/sync-store.schema.json")).unwrap(), before);
    let o = accord_in(dir.path(), &["diff", "--git", "nope..main", "schemas"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn hostile_inputs_get_a_clear_error_or_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let o = accord_in(dir.path(), &["diff", "missing-old.yaml", "missing-new.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing-old.yaml"));
    // A recursive schema that changes deep down: found, no hang.
    let tree = |max: u32| {
        format!(
            "{{\"openapi\": \"3.1.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{\"/t\": {{\"post\": {{\"requestBody\": {{\"content\": {{\"application/json\": {{\"schema\": {{\"$ref\": \"#/components/schemas/Node\"}}}}}}}}, \"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}}}}}, \"components\": {{\"schemas\": {{\"Node\": {{\"type\": \"object\", \"properties\": {{\"name\": {{\"type\": \"string\", \"maxLength\": {max}}}, \"children\": {{\"type\": \"array\", \"items\": {{\"$ref\": \"#/components/schemas/Node\"}}}}}}}}}}}}}}"
        )
    };
    std::fs::write(dir.path().join("a.json"), tree(10)).unwrap();
    std::fs::write(dir.path().join("b.json"), tree(5)).unwrap();
    let o = accord_in(dir.path(), &["diff", "--format", "json", "a.json", "b.json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["changes"][0]["rule"], "request-property-max-length-decreased", "{report}");
    // A 10 MB description: read and compared.
    let mut paths = serde_json::Map::new();
    for i in 0..13_000 {
        paths.insert(
            format!("/resource{i}/{{id}}"),
            serde_json::json!({"get": {"operationId": format!("get{i}"), "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 64, "description": "x".repeat(500)}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}),
        );
    }
    let big = serde_json::json!({"openapi": "3.1.0", "info": {"title": "big", "version": "1"}, "paths": paths});
    let text = serde_json::to_string(&big).unwrap();
    assert!(text.len() > 10_000_000, "{} bytes", text.len());
    std::fs::write(dir.path().join("big.json"), &text).unwrap();
    std::fs::write(dir.path().join("big2.json"), text.replacen("\"maxLength\":64", "\"maxLength\":32", 1)).unwrap();
    let o = accord_in(dir.path(), &["diff", "--format", "json", "big.json", "big2.json"]);
    assert!(o.status.code() == Some(1) || o.status.code() == Some(2), "{:?}", o.status);
    if o.status.code() == Some(1) {
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["summary"]["breaking"], 1);
    } else {
        assert!(String::from_utf8_lossy(&o.stderr).starts_with("accord: "));
    }
}

#[test]
fn the_example_workflow_diff_job_runs_as_written() {
    let text = std::fs::read_to_string(repo().join("examples/github/contract-check.yml")).unwrap();
    let workflow: Value = serde_norway::from_str(&text).unwrap();
    let steps = workflow["jobs"]["contract-diff"]["steps"].as_array().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git_in(dir.path(), args);
    git_init(dir.path());
    copy_dir(&repo().join("schemas"), &dir.path().join("contracts"));
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    git(&["checkout", "-q", "-b", "feature"]);
    edit(&dir.path().join("contracts"), "dstore/sync-store.schema.json", "\"maxLength\": 64", "\"maxLength\": 8");
    git(&["commit", "-q", "-am", "narrow"]);
    let mut ran = 0;
    for step in steps {
        let Some(run) = step["run"].as_str() else { continue };
        let Some(command) = run.strip_prefix("accord ") else { continue };
        let command = command.replace("\"$BASE..HEAD\"", "main..HEAD").replace("\"$SCHEMAS\"", "contracts");
        let args: Vec<&str> = command.split_whitespace().collect();
        let o = accord_in(dir.path(), &args);
        let fails_on_breaking = !command.contains("--fail-on never");
        assert_eq!(
            o.status.code(),
            Some(if fails_on_breaking { 1 } else { 0 }),
            "`{run}`: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    assert_eq!(ran, 2);
    let markdown = std::fs::read_to_string(dir.path().join("accord-diff.md")).unwrap();
    assert!(markdown.contains("**1 break(s) at level `wire`**. 1 breaking"), "{markdown}");
}

/// Applies an RFC 7386 merge patch (`null` removes a key).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn patch_file(dir: &Path, file: &str, pointer: &str, patch: &Value) {
    let path = dir.join(file);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let target = doc.pointer_mut(pointer).unwrap_or_else(|| panic!("{file}#{pointer}"));
    merge(target, patch);
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

/// Schema places of the built-in catalog: (rule prefix, file, pointer of the schema).
const PLACES: &[(&str, &str, &str)] = &[
    ("request-body", "zonos/order-numbers.schema.json", "/$defs/OrderNumbersRequest"),
    ("request-property", "dstore/sync-store.schema.json", "/$defs/SyncStoreRequest/properties/posAccountId"),
    // A parameter's own schema (the optional query `order_id`): parameters are not generated types.
    (
        "request-parameter",
        "tuya/openapi.json",
        "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/parameters/4/schema",
    ),
    ("response-body", "zonos/order-numbers.schema.json", "/$defs/OrderNumbersResponse"),
    (
        "response-property",
        "dstore/inquire-order-detail.schema.json",
        "/$defs/InquireOrderDetailResponse/properties/posOrderId",
    ),
    (
        "response-header",
        "tuya/openapi.json",
        "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200/headers/X-Trace/schema",
    ),
];

/// Schema rule kinds and how to cause each: (kind, patch on both versions, patch on the new one).
fn kinds() -> Vec<(&'static str, Value, Value)> {
    use serde_json::json;
    vec![
        ("type-changed", json!({"type": "string"}), json!({"type": "object"})),
        ("type-widened", json!({"type": "integer"}), json!({"type": "number"})),
        ("type-narrowed", json!({"type": "number"}), json!({"type": "integer"})),
        ("became-nullable", json!({"type": "string"}), json!({"type": ["string", "null"]})),
        ("became-not-nullable", json!({"type": ["string", "null"]}), json!({"type": "string"})),
        ("became-enum", json!({"enum": null, "const": null}), json!({"enum": ["a", "b"]})),
        ("enum-removed", json!({"enum": ["a", "b"]}), json!({"enum": null})),
        ("enum-value-removed", json!({"enum": ["a", "b"]}), json!({"enum": ["a"]})),
        ("enum-value-added", json!({"enum": ["a"]}), json!({"enum": ["a", "b"]})),
        ("max-length-decreased", json!({"maxLength": 64}), json!({"maxLength": 8})),
        ("max-length-increased", json!({"maxLength": 8}), json!({"maxLength": 64})),
        ("max-length-set", json!({"maxLength": null}), json!({"maxLength": 8})),
        ("max-length-unset", json!({"maxLength": 8}), json!({"maxLength": null})),
        ("min-length-increased", json!({"minLength": 1}), json!({"minLength": 4})),
        ("min-length-decreased", json!({"minLength": 4}), json!({"minLength": 1})),
        ("max-decreased", json!({"maximum": 10, "exclusiveMaximum": null}), json!({"maximum": 5})),
        ("max-increased", json!({"maximum": 5, "exclusiveMaximum": null}), json!({"maximum": 10})),
        ("max-set", json!({"maximum": null, "exclusiveMaximum": null}), json!({"maximum": 5})),
        ("min-increased", json!({"minimum": 1, "exclusiveMinimum": null}), json!({"minimum": 5})),
        ("min-decreased", json!({"minimum": 5, "exclusiveMinimum": null}), json!({"minimum": 1})),
        ("min-set", json!({"minimum": null, "exclusiveMinimum": null}), json!({"minimum": 1})),
        ("max-items-decreased", json!({"maxItems": 10}), json!({"maxItems": 5})),
        ("max-items-increased", json!({"maxItems": 5}), json!({"maxItems": 10})),
        ("min-items-increased", json!({"minItems": 1}), json!({"minItems": 3})),
        ("min-items-decreased", json!({"minItems": 3}), json!({"minItems": 1})),
        ("pattern-added", json!({"pattern": null}), json!({"pattern": "^[a-z]+$"})),
        ("pattern-changed", json!({"pattern": "^[a-z]+$"}), json!({"pattern": "^[A-Z]+$"})),
        ("pattern-removed", json!({"pattern": "^[a-z]+$"}), json!({"pattern": null})),
        ("format-added", json!({"format": null}), json!({"format": "uuid"})),
        ("format-changed", json!({"format": "date"}), json!({"format": "uuid"})),
        ("format-removed", json!({"format": "uuid"}), json!({"format": null})),
        ("additional-properties-closed", json!({"additionalProperties": null}), json!({"additionalProperties": false})),
        ("additional-properties-opened", json!({"additionalProperties": false}), json!({"additionalProperties": null})),
        ("all-of-added", json!({"allOf": null}), json!({"allOf": [{"minProperties": 1}]})),
        ("all-of-removed", json!({"allOf": [{"minProperties": 1}]}), json!({"allOf": null})),
        ("one-of-added", json!({"oneOf": [{"minLength": 1}]}), json!({"oneOf": [{"minLength": 1}, {"maxLength": 9}]})),
        (
            "one-of-removed",
            json!({"oneOf": [{"minLength": 1}, {"maxLength": 9}]}),
            json!({"oneOf": [{"minLength": 1}]}),
        ),
        ("any-of-added", json!({"anyOf": [{"minLength": 1}]}), json!({"anyOf": [{"minLength": 1}, {"maxLength": 9}]})),
        (
            "any-of-removed",
            json!({"anyOf": [{"minLength": 1}, {"maxLength": 9}]}),
            json!({"anyOf": [{"minLength": 1}]}),
        ),
        ("default-value-changed", json!({"default": "a"}), json!({"default": "b"})),
        ("deprecated", json!({"deprecated": null}), json!({"deprecated": true})),
        (
            "max-serialized-length-decreased",
            json!({"x-accord-maxSerializedLength": 100}),
            json!({"x-accord-maxSerializedLength": 50}),
        ),
        (
            "max-serialized-length-increased",
            json!({"x-accord-maxSerializedLength": 50}),
            json!({"x-accord-maxSerializedLength": 100}),
        ),
        ("known-value-removed", json!({"x-accord-knownValues": ["a", "b"]}), json!({"x-accord-knownValues": ["a"]})),
        ("known-value-added", json!({"x-accord-knownValues": ["a"]}), json!({"x-accord-knownValues": ["a", "b"]})),
        ("sensitive-removed", json!({"x-accord-sensitive": "secret"}), json!({"x-accord-sensitive": null})),
        ("sensitive-added", json!({"x-accord-sensitive": null}), json!({"x-accord-sensitive": "secret"})),
        ("contains-added", json!({"contains": null}), json!({"contains": {"const": "x"}})),
        ("contains-removed", json!({"contains": {"const": "x"}}), json!({"contains": null})),
        ("dependent-required-added", json!({"dependentRequired": null}), json!({"dependentRequired": {"a": ["b"]}})),
        ("dependent-required-removed", json!({"dependentRequired": {"a": ["b"]}}), json!({"dependentRequired": null})),
        (
            "dependent-required-changed",
            json!({"dependentRequired": {"a": ["b"]}}),
            json!({"dependentRequired": {"a": ["c"]}}),
        ),
        ("exclusive-max-decreased", json!({"maximum": null, "exclusiveMaximum": 10}), json!({"exclusiveMaximum": 5})),
        ("exclusive-max-increased", json!({"maximum": null, "exclusiveMaximum": 5}), json!({"exclusiveMaximum": 10})),
        ("exclusive-max-set", json!({"maximum": null, "exclusiveMaximum": null}), json!({"exclusiveMaximum": 5})),
        ("exclusive-min-increased", json!({"minimum": null, "exclusiveMinimum": 1}), json!({"exclusiveMinimum": 5})),
        ("exclusive-min-decreased", json!({"minimum": null, "exclusiveMinimum": 5}), json!({"exclusiveMinimum": 1})),
        ("exclusive-min-set", json!({"minimum": null, "exclusiveMinimum": null}), json!({"exclusiveMinimum": 1})),
        ("const-changed", json!({"enum": null, "const": "a"}), json!({"const": "b"})),
        ("reactivated", json!({"deprecated": true}), json!({"deprecated": null})),
        (
            "additional-properties-restricted",
            json!({"additionalProperties": null}),
            json!({"additionalProperties": {"type": "string"}}),
        ),
        ("all-of-added-annotation-only", json!({"allOf": null}), json!({"allOf": [{"description": "x"}]})),
        ("if-added", json!({"if": null}), json!({"if": {"minLength": 1}})),
        ("if-removed", json!({"if": {"minLength": 1}}), json!({"if": null})),
        ("then-added", json!({"then": null}), json!({"then": {"minLength": 1}})),
        ("then-removed", json!({"then": {"minLength": 1}}), json!({"then": null})),
        ("else-added", json!({"else": null}), json!({"else": {"minLength": 1}})),
        ("else-removed", json!({"else": {"minLength": 1}}), json!({"else": null})),
        ("not-added", json!({"not": null}), json!({"not": {"const": "x"}})),
        ("not-removed", json!({"not": {"const": "x"}}), json!({"not": null})),
        ("items-added", json!({"items": null}), json!({"items": {"type": "string"}})),
        ("items-removed", json!({"items": {"type": "string"}}), json!({"items": null})),
        ("prefix-items-added", json!({"prefixItems": null}), json!({"prefixItems": [{"type": "integer"}]})),
        ("prefix-items-removed", json!({"prefixItems": [{"type": "integer"}]}), json!({"prefixItems": null})),
        ("property-names-added", json!({"propertyNames": null}), json!({"propertyNames": {"maxLength": 8}})),
        ("property-names-removed", json!({"propertyNames": {"maxLength": 8}}), json!({"propertyNames": null})),
        (
            "unevaluated-properties-added",
            json!({"unevaluatedProperties": null}),
            json!({"unevaluatedProperties": false}),
        ),
        (
            "unevaluated-properties-removed",
            json!({"unevaluatedProperties": false}),
            json!({"unevaluatedProperties": null}),
        ),
        ("unevaluated-items-added", json!({"unevaluatedItems": null}), json!({"unevaluatedItems": false})),
        ("unevaluated-items-removed", json!({"unevaluatedItems": false}), json!({"unevaluatedItems": null})),
        ("content-schema-added", json!({"contentSchema": null}), json!({"contentSchema": {"type": "object"}})),
        ("content-schema-removed", json!({"contentSchema": {"type": "object"}}), json!({"contentSchema": null})),
        (
            "content-media-type-changed",
            json!({"contentMediaType": "application/json"}),
            json!({"contentMediaType": "text/csv"}),
        ),
        ("content-encoding-changed", json!({"contentEncoding": "base64"}), json!({"contentEncoding": "base32"})),
        (
            "pattern-property-added",
            json!({"patternProperties": null}),
            json!({"patternProperties": {"^x-": {"type": "string"}}}),
        ),
        (
            "pattern-property-removed",
            json!({"patternProperties": {"^x-": {"type": "string"}}}),
            json!({"patternProperties": null}),
        ),
        (
            "dependent-schema-added",
            json!({"dependentSchemas": null}),
            json!({"dependentSchemas": {"a": {"required": ["b"]}}}),
        ),
        (
            "dependent-schema-removed",
            json!({"dependentSchemas": {"a": {"required": ["b"]}}}),
            json!({"dependentSchemas": null}),
        ),
        ("min-contains-increased", json!({"contains": {"const": "x"}, "minContains": 1}), json!({"minContains": 2})),
        ("min-contains-decreased", json!({"contains": {"const": "x"}, "minContains": 2}), json!({"minContains": 1})),
        ("max-contains-increased", json!({"contains": {"const": "x"}, "maxContains": 2}), json!({"maxContains": 5})),
        ("max-contains-decreased", json!({"contains": {"const": "x"}, "maxContains": 5}), json!({"maxContains": 2})),
        ("discriminator-added", json!({"discriminator": null}), json!({"discriminator": {"propertyName": "kind"}})),
        ("discriminator-removed", json!({"discriminator": {"propertyName": "kind"}}), json!({"discriminator": null})),
        (
            "discriminator-property-name-changed",
            json!({"discriminator": {"propertyName": "kind"}}),
            json!({"discriminator": {"propertyName": "type"}}),
        ),
        (
            "discriminator-mapping-added",
            json!({"discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat"}}}),
            json!({"discriminator": {"mapping": {"dog": "Dog"}}}),
        ),
        (
            "discriminator-mapping-deleted",
            json!({"discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat", "dog": "Dog"}}}),
            json!({"discriminator": {"mapping": {"dog": null}}}),
        ),
        (
            "discriminator-mapping-changed",
            json!({"discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat"}}}),
            json!({"discriminator": {"mapping": {"cat": "Feline"}}}),
        ),
        ("rule-added", json!({"x-accord-rules": null}), json!({"x-accord-rules": [{"id": "mut", "rule": "true"}]})),
        ("rule-removed", json!({"x-accord-rules": [{"id": "mut", "rule": "true"}]}), json!({"x-accord-rules": null})),
        (
            "rule-changed",
            json!({"x-accord-rules": [{"id": "mut", "rule": "true"}]}),
            json!({"x-accord-rules": [{"id": "mut", "rule": "1 == 1"}]}),
        ),
        ("changed-compatibility-unknown", json!({"minProperties": null}), json!({"minProperties": 1})),
    ]
}

/// Every schema rule id, caused at its place in the built-in catalog, in both
/// directions: the forward run must report exactly that id among its changes.
#[test]
fn every_schema_rule_id_from_a_mutation_of_the_built_in_catalog() {
    let header = serde_json::json!({"headers": {"X-Trace": {"schema": {"type": "string"}}}});
    let mut table = String::new();
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for (prefix, file, pointer) in PLACES {
        for (kind, both, new_only) in kinds() {
            let (old, new) = (catalog_copy(), catalog_copy());
            for dir in [old.path(), new.path()] {
                // Zonos' exchange rule reads `response.body.orders`: a body
                // mutated into another type would fail the rule's type check,
                // and with it the generator. Both versions go without it.
                patch_file(
                    dir,
                    "zonos/openapi.json",
                    "/paths/~1v1~1orderNumbers/post",
                    &serde_json::json!({"x-accord-rules": null}),
                );
                // The built-in catalog documents no response header: give one to both versions.
                patch_file(
                    dir,
                    "tuya/openapi.json",
                    "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200",
                    &header,
                );
                patch_file(dir, file, pointer, &both);
            }
            patch_file(new.path(), file, pointer, &new_only);
            let id = format!("{prefix}-{kind}");
            let mut row = format!("{id}:");
            let mut level = String::new();
            for (a, b) in [(&old, &new), (&new, &old)] {
                let o = accord_in(
                    &repo(),
                    &[
                        "diff",
                        "--format",
                        "json",
                        "--fail-on",
                        "never",
                        a.path().to_str().unwrap(),
                        b.path().to_str().unwrap(),
                    ],
                );
                assert!(o.status.success(), "{id}: {}", String::from_utf8_lossy(&o.stderr));
                let report: Value = serde_json::from_slice(&o.stdout).unwrap();
                let mut rules: Vec<String> = report["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["rule"].as_str().unwrap().to_string())
                    .collect();
                rules.sort();
                rules.dedup();
                if std::ptr::eq(a, &old) && !rules.contains(&id) {
                    missing.push(format!("{id}: got {rules:?}"));
                }
                if std::ptr::eq(a, &old) {
                    level = assert_level(&id, &report, a.path(), b.path(), &mut wrong);
                }
                row.push_str(&format!(" [{}]", rules.join(", ")));
            }
            row.push_str(&format!(" => {level}"));
            table.push_str(&row);
            table.push('\n');
        }
    }
    assert!(missing.is_empty(), "rule ids no mutation caused:\n{}", missing.join("\n"));
    assert!(wrong.is_empty(), "levels the mutations contradict:\n{}", wrong.join("\n"));
    insta::assert_snapshot!("diff_schema_rule_per_mutation", table);
}

/// A patch list: (file, JSON pointer, merge patch).
type Patches = &'static [(&'static str, &'static str, &'static str)];

const TUYA_GET: &str = "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get";
const XOXO_POST: &str = "/paths/~1v1~1oauth~1api/post";

/// Rules about operations, parameters, bodies, responses, headers and
/// security: (rule id, patches on both versions, patches on the new one).
fn operation_mutations() -> Vec<(&'static str, Patches, Patches)> {
    vec![
        (
            "api-path-removed-without-deprecation",
            &[],
            &[("tuya/openapi.json", "/paths", r#"{"/v1.0/mall/plugin/order/{order_id}": null}"#)],
        ),
        (
            "api-path-removed-with-deprecation",
            &[("tuya/openapi.json", TUYA_GET, r#"{"deprecated": true}"#)],
            &[("tuya/openapi.json", "/paths", r#"{"/v1.0/mall/plugin/order/{order_id}": null}"#)],
        ),
        (
            "api-removed-with-deprecation",
            &[(
                "zonos/openapi.json",
                "/paths/~1v1~1orderNumbers",
                r#"{"get": {"deprecated": true, "responses": {"200": {"description": "ok"}}}}"#,
            )],
            &[("zonos/openapi.json", "/paths/~1v1~1orderNumbers", r#"{"get": null}"#)],
        ),
        ("endpoint-deprecated", &[], &[("tuya/openapi.json", TUYA_GET, r#"{"deprecated": true}"#)]),
        ("api-operation-id-updated", &[], &[("tuya/openapi.json", TUYA_GET, r#"{"operationId": "renamed"}"#)]),
        (
            "new-required-request-parameter",
            &[],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}",
                r#"{"parameters": [{"name": "zz", "in": "query", "required": true, "schema": {"type": "string"}}]}"#,
            )],
        ),
        (
            "new-optional-request-parameter",
            &[],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}",
                r#"{"parameters": [{"name": "zz", "in": "query", "schema": {"type": "string"}}]}"#,
            )],
        ),
        (
            "new-required-request-body",
            &[],
            &[(
                "tuya/openapi.json",
                TUYA_GET,
                r#"{"requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}}"#,
            )],
        ),
        (
            "new-optional-request-body",
            &[],
            &[(
                "tuya/openapi.json",
                TUYA_GET,
                r#"{"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}"#,
            )],
        ),
        (
            "request-body-became-required",
            &[("zonos/openapi.json", "/paths/~1v1~1orderNumbers/post/requestBody", r#"{"required": false}"#)],
            &[("zonos/openapi.json", "/paths/~1v1~1orderNumbers/post/requestBody", r#"{"required": true}"#)],
        ),
        (
            "response-non-success-status-removed",
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"404": {"description": "not found"}}"#,
            )],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"404": null}"#,
            )],
        ),
        (
            "response-success-status-added",
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"default": {"description": "anything else"}}"#,
            )],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"201": {"description": "created"}}"#,
            )],
        ),
        (
            "response-non-success-status-added",
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"default": {"description": "anything else"}}"#,
            )],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
                r#"{"404": {"description": "not found"}}"#,
            )],
        ),
        (
            "response-media-type-added",
            &[],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200/content",
                r#"{"text/plain": {"schema": {"type": "string"}}}"#,
            )],
        ),
        (
            "new-optional-request-property",
            &[],
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"properties": {"zz": {"type": "string"}}}"#,
            )],
        ),
        (
            "request-property-became-required",
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"properties": {"zz": {"type": "string"}}}"#,
            )],
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"required": ["requestId", "posAccountId", "store", "zz"]}"#,
            )],
        ),
        (
            "response-required-property-added",
            &[],
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"properties": {"zz": {"type": "string"}}, "required": ["result", "zz"]}"#,
            )],
        ),
        (
            "response-optional-property-added",
            &[],
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"properties": {"zz": {"type": "string"}}}"#,
            )],
        ),
        (
            "response-property-became-required",
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"properties": {"zz": {"type": "string"}}}"#,
            )],
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"required": ["result", "zz"]}"#,
            )],
        ),
        (
            "new-required-request-property-with-default",
            &[],
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"properties": {"zz": {"type": "string", "default": "a"}}, "required": ["requestId", "posAccountId", "store", "zz"]}"#,
            )],
        ),
        (
            "request-property-became-required-with-default",
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"properties": {"zz": {"type": "string", "default": "a"}}}"#,
            )],
            &[(
                "dstore/sync-store.schema.json",
                "/$defs/SyncStoreRequest",
                r#"{"required": ["requestId", "posAccountId", "store", "zz"]}"#,
            )],
        ),
        (
            "response-required-property-became-not-write-only",
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"properties": {"zz": {"type": "string", "writeOnly": true}}, "required": ["result", "zz"]}"#,
            )],
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse/properties/zz",
                r#"{"writeOnly": null}"#,
            )],
        ),
        (
            "response-required-property-became-write-only",
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse",
                r#"{"properties": {"zz": {"type": "string"}}, "required": ["result", "zz"]}"#,
            )],
            &[(
                "dstore/inquire-order-detail.schema.json",
                "/$defs/InquireOrderDetailResponse/properties/zz",
                r#"{"writeOnly": true}"#,
            )],
        ),
        (
            "webhook-added",
            &[],
            &[(
                "xoxoday/openapi.json",
                "",
                r#"{"webhooks": {"orderPaid": {"post": {"responses": {"200": {"description": "ok"}}}}}}"#,
            )],
        ),
        (
            "webhook-removed",
            &[(
                "xoxoday/openapi.json",
                "",
                r#"{"webhooks": {"orderPaid": {"post": {"responses": {"200": {"description": "ok"}}}}}}"#,
            )],
            &[("xoxoday/openapi.json", "", r#"{"webhooks": null}"#)],
        ),
        (
            "api-security-component-added",
            &[],
            &[(
                "xoxoday/openapi.json",
                "/components/securitySchemes",
                r#"{"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}"#,
            )],
        ),
        (
            "api-security-component-removed",
            &[(
                "xoxoday/openapi.json",
                "/components/securitySchemes",
                r#"{"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}"#,
            )],
            &[("xoxoday/openapi.json", "/components/securitySchemes", r#"{"key": null}"#)],
        ),
        (
            "api-security-scheme-changed",
            &[],
            &[("xoxoday/openapi.json", "/components/securitySchemes/bearerAuth", r#"{"scheme": "basic"}"#)],
        ),
        (
            "exchange-rule-added",
            &[],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-rules": [{"id": "mut", "rule": "true"}]}"#)],
        ),
        (
            "exchange-rule-removed",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-rules": [{"id": "mut", "rule": "true"}]}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-rules": null}"#)],
        ),
        (
            "exchange-rule-changed",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-rules": [{"id": "mut", "rule": "true"}]}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-rules": [{"id": "mut", "rule": "1 == 1"}]}"#)],
        ),
        (
            "idempotency-key-added",
            &[],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-idempotency-key": "/orderId"}"#)],
        ),
        (
            "idempotency-key-removed",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-idempotency-key": "/orderId"}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-idempotency-key": null}"#)],
        ),
        (
            "idempotency-key-changed",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-idempotency-key": "/orderId"}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-idempotency-key": "header:Idempotency-Key"}"#)],
        ),
        ("unique-added", &[], &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-unique": ["/orderId"]}"#)]),
        (
            "unique-removed",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-unique": ["/orderId"]}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"x-accord-unique": null}"#)],
        ),
        (
            "api-security-now-required",
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"security": []}"#)],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"security": null}"#)],
        ),
        (
            "api-security-added",
            &[(
                "xoxoday/openapi.json",
                "/components/securitySchemes",
                r#"{"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}"#,
            )],
            &[("xoxoday/openapi.json", XOXO_POST, r#"{"security": [{"bearerAuth": []}, {"key": []}]}"#)],
        ),
        (
            "response-header-became-required",
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200",
                r#"{"headers": {"X-Trace": {"schema": {"type": "string"}}}}"#,
            )],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200/headers/X-Trace",
                r#"{"required": true}"#,
            )],
        ),
        (
            "stability-experimental-added",
            &[],
            &[("tuya/openapi.json", TUYA_GET, r#"{"x-accord-stability": "experimental"}"#)],
        ),
        (
            "stability-experimental-removed",
            &[("tuya/openapi.json", TUYA_GET, r#"{"x-accord-stability": "experimental"}"#)],
            &[("tuya/openapi.json", TUYA_GET, r#"{"x-accord-stability": null}"#)],
        ),
        (
            "generated-api-changed",
            &[],
            &[
                (
                    "dstore/common.schema.json",
                    "/$defs",
                    r#"{"ResultStatus": null, "Outcome": {"title": "Outcome", "type": "string", "enum": ["S", "F", "U"]}}"#,
                ),
                (
                    "dstore/common.schema.json",
                    "/$defs/Result/properties/resultStatus",
                    r##"{"$ref": "#/$defs/Outcome"}"##,
                ),
            ],
        ),
        (
            "response-header-added",
            &[],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200",
                r#"{"headers": {"X-Trace": {"schema": {"type": "string"}}}}"#,
            )],
        ),
        (
            "required-response-header-removed",
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200",
                r#"{"headers": {"X-Trace": {"required": true, "schema": {"type": "string"}}}}"#,
            )],
            &[(
                "tuya/openapi.json",
                "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses/200",
                r#"{"headers": null}"#,
            )],
        ),
    ]
}

/// Every rule id of `accord diff` is caused by some mutation of the built-in
/// catalog (here, or in the schema-rule test above), in both directions.
#[test]
fn every_operation_rule_id_from_a_mutation_of_the_built_in_catalog() {
    let mut table = String::new();
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for (id, both, new_only) in operation_mutations() {
        let (old, new) = (catalog_copy(), catalog_copy());
        for (file, pointer, patch) in both {
            for dir in [old.path(), new.path()] {
                patch_file(dir, file, pointer, &serde_json::from_str(patch).unwrap());
            }
        }
        for (file, pointer, patch) in new_only {
            patch_file(new.path(), file, pointer, &serde_json::from_str(patch).unwrap());
        }
        let mut row = format!("{id}:");
        let mut level = String::new();
        for (forward, a, b) in [(true, &old, &new), (false, &new, &old)] {
            let o = accord_in(
                &repo(),
                &[
                    "diff",
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    a.path().to_str().unwrap(),
                    b.path().to_str().unwrap(),
                ],
            );
            assert!(o.status.success(), "{id}: {}", String::from_utf8_lossy(&o.stderr));
            let report: Value = serde_json::from_slice(&o.stdout).unwrap();
            let mut rules: Vec<String> =
                report["changes"].as_array().unwrap().iter().map(|c| c["rule"].as_str().unwrap().to_string()).collect();
            rules.sort();
            rules.dedup();
            if forward && !rules.iter().any(|r| r == id) {
                missing.push(format!("{id}: got {rules:?}"));
            }
            if forward {
                level = assert_level(id, &report, a.path(), b.path(), &mut wrong);
            }
            seen.extend(rules.iter().cloned());
            row.push_str(&format!(" [{}]", rules.join(", ")));
        }
        row.push_str(&format!(" => {level}"));
        table.push_str(&row);
        table.push('\n');
    }
    assert!(missing.is_empty(), "rule ids no mutation caused:\n{}", missing.join("\n"));
    assert!(wrong.is_empty(), "levels the mutations contradict:\n{}", wrong.join("\n"));
    // With the schema rules (one per kind and place, above) and the curated mutations, every rule is exercised.
    let curated =
        std::fs::read_to_string(repo().join("validator/tests/snapshots/diff__diff_builtin_mutations.snap")).unwrap();
    let schema =
        std::fs::read_to_string(repo().join("validator/tests/snapshots/diff__diff_schema_rule_per_mutation.snap"))
            .unwrap();
    let o = accord_in(&repo(), &["diff", "--list-rules"]);
    let all: Vec<String> =
        String::from_utf8(o.stdout).unwrap().lines().filter_map(|l| l.split('`').nth(1).map(str::to_string)).collect();
    let unexercised: Vec<&String> = all
        .iter()
        .filter(|r| !seen.contains(*r) && !curated.contains(&format!("[{r}]")) && !schema.contains(&format!("{r}:")))
        .collect();
    assert!(unexercised.is_empty(), "rule ids no test mutation causes: {unexercised:?}");
    insta::assert_snapshot!("diff_operation_rule_per_mutation", table);
}

/// The book's table of rule ids (docs/src/diff-rules.md) is `accord diff --list-rules`, verbatim.
#[test]
fn the_docs_list_every_rule_id() {
    let o = accord_in(&repo(), &["diff", "--list-rules"]);
    let table = String::from_utf8(o.stdout).unwrap();
    let page = std::fs::read_to_string(repo().join("docs/src/diff-rules.md")).unwrap();
    assert!(page.contains(&table), "docs/src/diff-rules.md's rule table differs from `accord diff --list-rules`");
    let count = table.lines().filter(|l| l.starts_with("| `")).count();
    assert!(page.contains(&format!("All rule ids ({count})")), "{count} rules");
}

/// Composition members pair by meaning: an inline member moved into
/// `components` and referenced (or back) changes no message, under `allOf`,
/// `oneOf` and `anyOf`, in either direction; a member whose meaning changes
/// is still found.
#[test]
fn composition_members_pair_by_meaning() {
    let doc = |schema: Value| {
        serde_json::json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/pets": {"post": {"operationId": "addPet",
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}}},
            "components": {"schemas": {
                "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
                "Named": {"description": "moved here", "type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 20}}},
                "Pet": {"type": "object"}
            }}
        })
    };
    let inline = serde_json::json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 20}}});
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, v: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
        path.to_str().unwrap().to_string()
    };
    for k in ["allOf", "oneOf", "anyOf"] {
        let before = doc(serde_json::json!({ k: [{"$ref": "#/components/schemas/Base"}, inline.clone()] }));
        let after = doc(
            serde_json::json!({ k: [{"$ref": "#/components/schemas/Base"}, {"$ref": "#/components/schemas/Named"}] }),
        );
        let reordered = doc(
            serde_json::json!({ k: [{"$ref": "#/components/schemas/Named"}, {"$ref": "#/components/schemas/Base"}] }),
        );
        let (old, new, moved) =
            (write("old.json", &before), write("new.json", &after), write("moved.json", &reordered));
        for (a, b) in [(&old, &new), (&new, &old), (&old, &moved)] {
            let o = accord_in(dir.path(), &["diff", "--format", "json", a, b]);
            let report: Value = serde_json::from_slice(&o.stdout).unwrap();
            // No contract change; only the generated Rust may differ (an inline
            // member's made-up type name becomes the component's), at `source`.
            let changes = report["changes"].as_array().unwrap();
            assert!(
                changes.iter().all(|c| c["rule"] == "generated-api-changed" && c["level"] == "source"),
                "{k}: {a} -> {b}: {report}"
            );
            assert_eq!(o.status.code(), Some(0), "{k}");
        }
        // A member whose meaning changed is still a change.
        let mut tighter = inline.clone();
        tighter["properties"]["name"]["maxLength"] = serde_json::json!(10);
        let changed = doc(serde_json::json!({ k: [{"$ref": "#/components/schemas/Base"}, tighter] }));
        let changed = write("changed.json", &changed);
        let o = accord_in(dir.path(), &["diff", "--format", "json", &new, &changed]);
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let ids: Vec<&str> = report["changes"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
        assert!(ids.iter().any(|id| id.contains("max-length")), "{k}: {ids:?}");
    }
}

/// One recorded `GET /orders/{id}` whose response carries `status` and, when
/// given, `note`.
fn order_exchange(id: u32, status: &str, note: Option<&str>) -> String {
    let mut body = serde_json::json!({"id": format!("ord-{id}"), "status": status});
    if let Some(n) = note {
        body["note"] = n.into();
    }
    serde_json::json!({
        "request": {"method": "GET", "url": format!("https://api.example.com/orders/ord-{id}")},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body},
    })
    .to_string()
}

/// `--captures` says for every change how often the traffic used what it
/// touches, counted independently here from the exchanges written; changes
/// are ranked by that use; `--fail-on touched` lets untouched breaks pass
/// with a warning, and a plain run still fails on them.
#[test]
fn captures_weigh_every_change_by_its_use() {
    let dir = tempfile::tempdir().unwrap();
    let examples = repo().join("docs/examples");
    let (v1, v2) = (examples.join("orders-v1.yaml"), examples.join("orders-v2.yaml"));
    // 7 exchanges: 5 carry `note`, 3 say "cancelled" (a value v2 removes).
    let traffic: Vec<(u32, &str, Option<&str>)> = vec![
        (1, "cancelled", Some("late")),
        (2, "cancelled", Some("late")),
        (3, "cancelled", Some("x")),
        (4, "open", Some("x")),
        (5, "open", Some("x")),
        (6, "shipped", None),
        (7, "shipped", None),
    ];
    let write = |name: &str, rows: &[(u32, &str, Option<&str>)]| {
        let path = dir.path().join(name);
        let lines: Vec<String> = rows.iter().map(|(i, s, n)| order_exchange(*i, s, *n)).collect();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        path.to_str().unwrap().to_string()
    };
    let all = write("all.ndjson", &traffic);
    let with_note = traffic.iter().filter(|t| t.2.is_some()).count() as u64;
    let cancelled = traffic.iter().filter(|t| t.1 == "cancelled").count() as u64;
    let o = accord_in(
        &repo(),
        &[
            "diff",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--captures",
            &all,
            v1.to_str().unwrap(),
            v2.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    let usage = |rule: &str| {
        let c = changes.iter().find(|c| c["rule"] == rule).unwrap_or_else(|| panic!("no {rule}: {report}"));
        (c["usage"]["operation"].as_u64().unwrap(), c["usage"]["touched"].as_u64().unwrap())
    };
    assert_eq!(usage("response-optional-property-removed"), (7, with_note));
    assert_eq!(usage("response-property-enum-value-removed"), (7, cancelled));
    // `total` is new: the old `Order` it is added to was in every exchange.
    assert_eq!(usage("response-required-property-added"), (7, 7));
    // Ranked by use (none breaks at `wire`).
    let touched: Vec<u64> = changes.iter().map(|c| c["usage"]["touched"].as_u64().unwrap()).collect();
    assert!(touched.windows(2).all(|w| w[0] >= w[1]), "{touched:?}");
    // The replay proves the break: v2 requires `total`, which no recorded response carries.
    assert_eq!(report["replayed"]["regressions"].as_array().unwrap().len(), traffic.len());
    for format in ["human", "markdown"] {
        let o = accord_in(
            &repo(),
            &[
                "diff",
                "--format",
                format,
                "--fail-on",
                "never",
                "--captures",
                &all,
                v1.to_str().unwrap(),
                v2.to_str().unwrap(),
            ],
        );
        let text = String::from_utf8(o.stdout).unwrap();
        let expected = if format == "human" {
            format!("= traffic: {with_note} captured exchange(s) touched it")
        } else {
            format!("| {with_note} of 7 |")
        };
        assert!(text.contains(&expected), "{format}: {text}");
    }

    // Only `note` removed: a `source` break. Traffic that never carried `note`
    // lets it pass under `--fail-on touched`, with a warning; it still fails a
    // plain `--level source` run, and traffic that carried it fails both.
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    let text = std::fs::read_to_string(&v1).unwrap();
    std::fs::write(&old, &text).unwrap();
    std::fs::write(&new, text.replace("        note: {type: string}\n", "")).unwrap();
    let quiet = write("quiet.ndjson", &traffic[5..]);
    let run = |captures: &str, fail_on: &str| {
        accord_in(
            &repo(),
            &[
                "diff",
                "--level",
                "source",
                "--fail-on",
                fail_on,
                "--captures",
                captures,
                old.to_str().unwrap(),
                new.to_str().unwrap(),
            ],
        )
    };
    let o = run(&quiet, "touched");
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("= traffic: no captured exchange touched it"), "{out}");
    assert!(err.contains("1 change(s) breaking at --level source were not counted"), "{err}");
    assert_eq!(run(&quiet, "breaking").status.code(), Some(1));
    assert_eq!(run(&all, "touched").status.code(), Some(1));
    // `touched` without traffic is an error, not a pass.
    let o = accord_in(&repo(), &["diff", "--fail-on", "touched", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `x-accord-stability: experimental` in the old version exempts the breaks
/// under it (an operation, or a schema); adding or removing the mark is a
/// finding; a mark added in the breaking change itself exempts nothing.
#[test]
fn experimental_marks_report_without_failing() {
    let mark = r#"{"x-accord-stability": "experimental"}"#;
    let unmark = r#"{"x-accord-stability": null}"#;
    let status_removed = (
        "tuya/openapi.json",
        "/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/responses",
        r#"{"200": null, "201": {"description": "ok"}}"#,
    );
    let run = |old_patches: &[(&str, &str, &str)], new_patches: &[(&str, &str, &str)]| {
        let (old, new) = (catalog_copy(), catalog_copy());
        for (dir, patches) in [(&old, old_patches), (&new, new_patches)] {
            for (file, pointer, patch) in patches {
                patch_file(dir.path(), file, pointer, &serde_json::from_str(patch).unwrap());
            }
        }
        let o = accord_in(
            &repo(),
            &["diff", "--format", "json", old.path().to_str().unwrap(), new.path().to_str().unwrap()],
        );
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), report, String::from_utf8_lossy(&o.stderr).to_string())
    };
    let rule = |report: &Value, id: &str| -> Option<Value> {
        report["changes"].as_array().unwrap().iter().find(|c| c["rule"] == id).cloned()
    };
    let op_mark = ("tuya/openapi.json", TUYA_GET, mark);
    // Marked in both: the removed status is reported, experimental, and passes.
    let (code, report, err) = run(&[op_mark], &[op_mark, status_removed]);
    let c = rule(&report, "response-success-status-removed").expect("the break is reported");
    assert_eq!((c["experimental"].as_bool(), c["level"].as_str()), (Some(true), Some("wire")));
    assert_eq!(code, Some(0), "{report}");
    assert!(err.contains("under `x-accord-stability: experimental`"), "{err}");
    let wire = report["changes"].as_array().unwrap().iter().filter(|c| c["level"] == "wire").count();
    assert!(wire >= 1);
    assert_eq!(report["summary"]["experimental"].as_u64(), Some(wire as u64), "{report}");
    // Marked only in the new version: the mark is a finding and exempts nothing.
    let (code, report, _) = run(&[], &[op_mark, status_removed]);
    assert!(rule(&report, "stability-experimental-added").is_some(), "{report}");
    assert_eq!(rule(&report, "response-success-status-removed").unwrap()["experimental"], false);
    assert_eq!(code, Some(1));
    // The mark removed: a finding; the old version's mark still exempts this change.
    let (code, report, _) = run(&[op_mark], &[op_mark, ("tuya/openapi.json", TUYA_GET, unmark), status_removed]);
    let removed = rule(&report, "stability-experimental-removed").expect("the mark's removal is reported");
    assert_eq!(removed["operation"], "GET /v1.0/mall/plugin/order/{order_id}");
    assert_eq!(code, Some(0), "{report}");
    // A schema mark: a request property tightened under a marked schema passes.
    let schema = "/$defs/SyncStoreRequest";
    let tighter =
        ("dstore/sync-store.schema.json", "/$defs/SyncStoreRequest/properties/posAccountId", r#"{"maxLength": 8}"#);
    let schema_mark = ("dstore/sync-store.schema.json", schema, mark);
    let (code, report, _) = run(&[schema_mark], &[schema_mark, tighter]);
    let c = rule(&report, "request-property-max-length-decreased").expect("reported");
    assert_eq!(c["experimental"], true);
    assert_eq!(code, Some(0), "{report}");
    let (code, _, _) = run(&[], &[tighter]);
    assert_eq!(code, Some(1));
    // A mark with another value exempts nothing, and the run says so.
    let wip = ("tuya/openapi.json", TUYA_GET, r#"{"x-accord-stability": "wip"}"#);
    let (code, _, err) = run(&[wip], &[wip, status_removed]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(
            "tuya/openapi.json#/paths/~1v1.0~1mall~1plugin~1order~1{order_id}/get/x-accord-stability is \"wip\""
        ),
        "{err}"
    );
}

/// A `$defs` entry renamed: the wire is the same (references are resolved),
/// the generated type's name is not. Found only at `--level source`, as
/// `generated-api-changed`, placed in both versions.
#[test]
fn a_renamed_definition_breaks_the_generated_code_only() {
    let (old, new) = (catalog_copy(), catalog_copy());
    let outcome = serde_json::json!({"ResultStatus": null, "Outcome": {"title": "Outcome", "type": "string", "enum": ["S", "F", "U"]}});
    patch_file(new.path(), "dstore/common.schema.json", "/$defs", &outcome);
    patch_file(
        new.path(),
        "dstore/common.schema.json",
        "/$defs/Result/properties/resultStatus",
        &serde_json::json!({"$ref": "#/$defs/Outcome"}),
    );
    let args = |level: &str| {
        vec![
            "diff".to_string(),
            "--format".into(),
            "json".into(),
            "--level".into(),
            level.into(),
            old.path().display().to_string(),
            new.path().display().to_string(),
        ]
    };
    let run = |level: &str| {
        let a = args(level);
        let o = accord_in(&repo(), &a.iter().map(String::as_str).collect::<Vec<_>>());
        (o.status.code(), serde_json::from_slice::<Value>(&o.stdout).unwrap())
    };
    let (code, report) = run("wire");
    assert_eq!(code, Some(0), "{report}");
    let changes = report["changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c["rule"] == "generated-api-changed"), "{report}");
    let c = &changes[0];
    assert_eq!(c["level"], "source");
    assert_eq!(changes.len(), 1, "{report}");
    assert_eq!(c["message"], "enum `dstore::ResultStatus` is renamed `dstore::Outcome`");
    assert_eq!(c["old"]["pointer"], "/$defs/ResultStatus");
    assert_eq!(c["new"]["pointer"], "/$defs/Outcome");
    let (code, _) = run("source");
    assert_eq!(code, Some(1));
}

/// At `--level source` a version that cannot be generated is an error naming
/// the place (exit 2), never a pass; at `wire` it is a warning and the
/// findings keep their rules' levels.
#[test]
fn an_ungeneratable_version_is_an_error_at_level_source() {
    let dir = tempfile::tempdir().unwrap();
    let doc = |max: u32| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /pets:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {{type: object, properties: {{name: {{type: string, maxLength: {max}}}, odd: {{type: [string, 7]}}}}}}\n      responses:\n        '200': {{description: ok}}\n"
        )
    };
    std::fs::write(dir.path().join("old.yaml"), doc(64)).unwrap();
    std::fs::write(dir.path().join("new.yaml"), doc(8)).unwrap();
    let o = accord_in(dir.path(), &["diff", "--level", "source", "old.yaml", "new.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--level source needs both versions generated") && err.contains("old.yaml"), "{err}");
    let o = accord_in(dir.path(), &["diff", "--format", "json", "old.yaml", "new.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("warning: the source level was not computed"), "{err}");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["source"]["computed"], false);
    assert_eq!(report["changes"][0]["level"], "wire");
}

/// On descriptions nobody here wrote: Redocly's Museum (3.1) gains a ticket
/// type, a response enum value that is a warning on the wire and a break at
/// `--level source`, with the generated enum named; Twilio's 1.9 MB 3.0
/// description against itself generates both versions and finds nothing.
#[test]
fn levels_on_public_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let museum = std::fs::read_to_string(repo().join("tests/fixtures/real-world/museum/openapi.yaml")).unwrap();
    std::fs::write(dir.path().join("old.yaml"), &museum).unwrap();
    let added = museum.replacen("        - general\n", "        - general\n        - member\n", 1);
    assert_ne!(added, museum);
    std::fs::write(dir.path().join("new.yaml"), added).unwrap();
    let o = accord_in(dir.path(), &["diff", "--format", "json", "old.yaml", "new.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "response-property-enum-value-added")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!((c["severity"].as_str(), c["level"].as_str()), (Some("warning"), Some("source")));
    assert_eq!(c["generated"][0]["item"], "TicketType");
    assert_eq!(report["source"]["computed"], true);
    let o = accord_in(dir.path(), &["diff", "--level", "source", "old.yaml", "new.yaml"]);
    assert_eq!(o.status.code(), Some(1));

    let twilio = repo().join("tests/fixtures/real-world/twilio/openapi.json");
    let t = twilio.to_str().unwrap();
    let o = accord_in(dir.path(), &["diff", "--format", "json", "--level", "source", t, t]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["source"]["computed"], true);
    assert!(report["source"]["summary"]["old_items"].as_u64().unwrap() > 500, "{}", report["source"]);
}
