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
    assert_eq!(o.status.code(), Some(1), "nothing was checked: never a pass");
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing was checked"));
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
    // Nothing routed, so nothing checked: a failure with or without --strict, said on stderr.
    let o = accord(&["check", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("nothing was checked against the contract: of 2 exchange(s), 2 matched no operation")
    );
    assert!(stdout(&o).contains("note[unrouted]"), "unrouted is a note without --strict");
    let o = accord(&["check", "--strict", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[unrouted]"), "and an error with it");
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

#[test]
fn output_file_is_written_whole_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let o = accord(&["check", "--format", "json", "--output", target.to_str().unwrap(), "examples/captures"]);
    assert_eq!(o.status.code(), Some(1), "contract errors still decide the exit code");
    assert!(o.stdout.is_empty(), "the report goes to the file only");
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert!(value["summary"]["errors"].as_u64().unwrap() > 0);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["report.json"], "no temporary file is left behind");
}

#[test]
fn failed_run_leaves_the_previous_output_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.sarif");
    std::fs::write(&target, "the previous report").unwrap();
    // A catalog that does not load fails the run before any report exists.
    let broken = dir.path().join("schemas");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("openapi.json"), r#"{"openapi": "3.1.0", "paths": {"/x": {"post": {"operationId": "x", "requestBody": {"content": {"application/json": {"schema": {"$ref": "missing.json"}}}}}}}}"#).unwrap();
    let o = accord(&[
        "check",
        "--schemas",
        broken.to_str().unwrap(),
        "--format",
        "sarif",
        "--output",
        target.to_str().unwrap(),
        "examples/captures",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "the previous report");
    // An output path whose directory does not exist: named on stderr, nothing created.
    let missing = dir.path().join("no/such/dir/report.xml");
    let o = accord(&["check", "--format", "junit", "--output", missing.to_str().unwrap(), "examples/captures"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir/report.xml"));
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["report.sarif", "schemas"], "no partial or temporary file is left");
}

#[test]
fn quiet_shows_errors_only_and_max_errors_caps_them() {
    let full = report(&accord(&["check", "--format", "json", "examples/captures"]));
    let errors = full["summary"]["errors"].as_u64().unwrap();
    assert!(full["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] != "error"));

    let quiet = report(&accord(&["check", "--format", "json", "--quiet", "examples/captures"]));
    let shown = quiet["diagnostics"].as_array().unwrap();
    assert!(shown.iter().all(|d| d["severity"] == "error"));
    assert_eq!(shown.len() as u64, errors);
    assert_eq!(quiet["summary"]["errors"], full["summary"]["errors"]);
    assert_eq!(
        quiet["summary"]["omitted"].as_u64().unwrap(),
        full["diagnostics"].as_array().unwrap().len() as u64 - errors
    );

    let o = accord(&["check", "--format", "json", "--max-errors", "2", "examples/captures"]);
    assert_eq!(o.status.code(), Some(1));
    let capped = report(&o);
    let shown = capped["diagnostics"].as_array().unwrap();
    assert_eq!(shown.iter().filter(|d| d["severity"] == "error").count(), 2);
    assert_eq!(shown[..], full["diagnostics"].as_array().unwrap()[..shown.len()], "the first ones, in report order");
    assert_eq!(capped["summary"]["errors"], errors, "the summary counts everything found");

    let o = accord(&[
        "check",
        "--quiet",
        "--operation",
        "dstore.syncStore",
        "--direction",
        "request",
        "tests/fixtures/dstore.syncStore/valid/request--sample-create-store.json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "a quiet clean run prints nothing: {}", stdout(&o));
    let o = accord(&["check", "--quiet", "--max-errors", "1", "examples/captures"]);
    let text = stdout(&o);
    assert_eq!(text.matches("error[").count(), 1, "{text}");
    assert!(!text.contains("checked "), "no summary line when quiet");
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let o = accord(&["check", "examples/captures"]);
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn completions_for_every_shell_and_a_man_page_from_the_one_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = accord(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = stdout(&o);
        assert!(text.contains("max-errors") && text.contains("completions"), "{shell} completion lacks flags");
    }
    let bash = accord(&["completions", "bash"]);
    let mut check = Command::new("bash").arg("-n").stdin(Stdio::piped()).spawn().unwrap();
    check.stdin.take().unwrap().write_all(&bash.stdout).unwrap();
    assert!(check.wait().unwrap().success(), "the bash completion script parses");

    let o = accord(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH accord"), "{page}");
    assert!(page.contains("completions") && page.contains("check"));
    let dir = tempfile::tempdir().unwrap();
    let o = accord(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let check_page = std::fs::read_to_string(dir.path().join("accord-check.1")).unwrap();
    for flag in ["\\-\\-max\\-errors", "\\-\\-output", "\\-\\-quiet", "junit"] {
        assert!(check_page.contains(flag), "accord-check.1 lacks {flag}");
    }
}

/// Splits a simple shell command line (double quotes, `$VAR` from `vars`).
fn shell_words(line: &str, vars: &[(&str, &str)]) -> Vec<String> {
    let mut line = line.to_string();
    for (k, v) in vars {
        line = line.replace(&format!("\"${k}\""), v).replace(&format!("${k}"), v);
    }
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn pre_commit_hooks_run_as_declared() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<serde_json::Value> = serde_norway::from_str(&text).unwrap();
    assert!(!hooks.is_empty());
    for hook in &hooks {
        for key in ["id", "name", "entry", "language", "files"] {
            assert!(hook[key].is_string(), "hook lacks {key}: {hook}");
        }
        let files = regex_lite_match(hook["files"].as_str().unwrap());
        let mut words = shell_words(hook["entry"].as_str().unwrap(), &[]);
        assert_eq!(words.remove(0), "accord");
        // pre-commit passes the staged files that match `files`.
        let staged: Vec<&str> = ["examples/captures/browser-session.har", "examples/captures/service-log.ndjson"]
            .into_iter()
            .filter(|f| files(f))
            .collect();
        assert_eq!(staged.len(), 2, "{} does not select HAR and NDJSON files", hook["files"]);
        words.extend(staged.iter().map(|s| s.to_string()));
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let o = accord(&args);
        assert_eq!(o.status.code(), Some(1), "hook {} fails the commit on contract errors", hook["id"]);
        assert!(!o.stdout.is_empty());
    }
}

/// The hooks' `files` patterns are simple `\.(a|b)$` suffix alternations.
fn regex_lite_match(pattern: &str) -> impl Fn(&str) -> bool {
    let inner = pattern.strip_prefix("\\.(").and_then(|p| p.strip_suffix(")$")).expect("a \\.(ext|ext)$ pattern");
    let exts: Vec<String> = inner.split('|').map(|e| format!(".{e}")).collect();
    move |f: &str| exts.iter().any(|e| f.ends_with(e.as_str()))
}

#[test]
fn example_github_workflow_commands_work() {
    let text = std::fs::read_to_string(repo().join("examples/github/contract-check.yml")).unwrap();
    let workflow: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let steps = workflow["jobs"]["accord"]["steps"].as_array().unwrap();
    let upload =
        steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif")));
    let sarif_file = upload.expect("an upload-sarif step")["with"]["sarif_file"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vars = [("CAPTURES", "examples/captures"), ("SCHEMAS", "schemas")];
    let mut ran = 0;
    for step in steps {
        let Some(run) = step["run"].as_str() else { continue };
        let Some(command) = run.strip_prefix("accord ") else { continue };
        let command = command.trim_end_matches(" || true");
        let mut words = shell_words(command, &vars);
        // Reports go to the temporary directory, not the checkout.
        if let Some(i) = words.iter().position(|w| w == "--output") {
            words[i + 1] = dir.path().join(&words[i + 1]).display().to_string();
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let o = accord(&args);
        assert_eq!(o.status.code(), Some(1), "`{run}`: {}", String::from_utf8_lossy(&o.stderr));
        ran += 1;
    }
    assert_eq!(ran, 3);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(sarif_file)).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    let junit = std::fs::read_to_string(dir.path().join("accord-junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert!(doc.root_element().attribute("failures").unwrap().parse::<usize>().unwrap() > 0);
}

#[test]
fn generic_mode_checks_documents_against_one_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(
        dir.path().join("schema.json"),
        r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"name": {"$ref": "defs.json#/$defs/Name"}, "when": {"type": "string", "format": "date"}},
            "required": ["name"]}"##,
    )
    .unwrap();
    std::fs::write(dir.path().join("defs.json"), r#"{"$defs": {"Name": {"type": "string", "maxLength": 3}}}"#).unwrap();
    std::fs::write(dir.path().join("good.json"), r#"{"name": "ok", "when": "not a date"}"#).unwrap();
    std::fs::write(dir.path().join("bad.json"), "{\n  \"name\": \"toolong\"\n}\n").unwrap();

    let o = accord(&["check", "--schema", &p("schema.json"), &p("good.json")]);
    assert_eq!(o.status.code(), Some(0), "format is an annotation by default: {}", stdout(&o));
    let o = accord(&["check", "--schema", &p("schema.json"), "--assert-format", &p("good.json")]);
    assert_eq!(o.status.code(), Some(1), "--assert-format asserts it");
    assert!(stdout(&o).contains("error[format]"));

    let o = accord(&["check", "--schema", &p("schema.json"), "--format", "json", &p("bad.json"), &p("good.json")]);
    assert_eq!(o.status.code(), Some(1));
    let r = report(&o);
    assert_eq!(r["summary"]["payloads"], 2);
    let d = &r["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()), (Some("maxLength"), Some(2), Some(11)));
    assert_eq!(d["instancePath"], "/name");
    assert!(d["schemaPath"].as_str().unwrap().ends_with("defs.json#/$defs/Name/maxLength"), "{d}");
    for format in ["sarif", "junit", "github", "human"] {
        let o = accord(&["check", "--schema", &p("schema.json"), "--format", format, &p("bad.json")]);
        assert_eq!(o.status.code(), Some(1), "{format}");
    }

    // A schema that reaches outside its folder, or does not exist: exit 2, named.
    std::fs::write(dir.path().join("escape.json"), r#"{"$ref": "../outside.json"}"#).unwrap();
    let o = accord(&["check", "--schema", &p("escape.json"), &p("good.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("../outside.json"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = accord(&["check", "--schema", &p("missing.json"), &p("good.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.json"));
    // Mixed with catalog flags: a usage error.
    assert_eq!(
        accord(&["check", "--schema", &p("schema.json"), "--operation", "x", &p("good.json")]).status.code(),
        Some(2)
    );
    assert_eq!(
        accord(&["check", "--schema", &p("schema.json"), "--schemas", "schemas", &p("good.json")]).status.code(),
        Some(2)
    );
    assert_eq!(accord(&["check", "--assert-format", &p("good.json")]).status.code(), Some(2));
}

/// Runs `accord` and fails the test if it has not finished within `secs` (a hang).
fn accord_within(args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed().as_secs() > secs {
            let _ = child.kill();
            panic!("accord {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), std::fs::read(&p).unwrap(), meta.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[test]
fn hostile_inputs_get_diagnostics_never_a_panic_or_a_hang() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let w = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    w("empty.json", b"");
    w("not-json.json", b"hello, world\n");
    w("bad-utf8.json", b"{\"a\": \"\xff\xfe\"}");
    w("nul.json", b"{\"a\": \"x\x00y\"}");
    w("binary.json", &(0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<u8>>());
    let deep = format!(
        r#"{{"operation": "dstore.syncStore", "request": {{"body": {}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    w("deep.json", deep.as_bytes());
    let har = std::fs::read(repo().join("examples/captures/browser-session.har")).unwrap();
    w("truncated.har", &har[..har.len() / 2]);
    w(
        "missing-parts.har",
        br#"{"log": {"version": "1.2", "entries": [{"request": {"method": "POST", "url": "https://x/v2/pos/inquireOrderDetail"}}, {"response": {"status": 200}}, {}]}}"#,
    );
    w(
        "bad-base64.har",
        br#"{"log": {"version": "1.2", "entries": [{"request": {"method": "POST", "url": "https://x/v2/pos/syncStore", "headers": [], "postData": {"mimeType": "application/json", "text": "!!!", "encoding": "base64"}}, "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "%%%", "encoding": "base64"}}}]}}"#,
    );
    w(
        "body-text.json",
        br#"{"request": {"method": "POST", "url": "/v2/pos/syncStore", "bodyText": "{\"requestId\": "}}"#,
    );
    w("good.ndjson", &std::fs::read(repo().join("examples/captures/service-log.ndjson")).unwrap());
    symlink("nowhere.json", d.join("dangling.json")).unwrap();
    symlink("loop-b.json", d.join("loop-a.json")).unwrap();
    symlink("loop-a.json", d.join("loop-b.json")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink("..", d.join("sub/up")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(d.join("pipe.json")).status();
    let before = snapshot(d);

    let o = accord_within(&["check", "--format", "json", d.to_str().unwrap()], 120);
    assert_eq!(o.status.code(), Some(2), "unreadable inputs exit 2: {}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for name in ["dangling.json", "loop-a.json", "loop-b.json"] {
        assert!(stderr.contains(name), "{name} not named on stderr: {stderr}");
    }
    let r = report(&o);
    let diags = r["diagnostics"].as_array().unwrap();
    let about = |file: &str| -> Vec<(String, String)> {
        diags
            .iter()
            .filter(|x| x["file"].as_str().unwrap().ends_with(&format!("/{file}")))
            .map(|x| (x["code"].as_str().unwrap().to_string(), x["message"].as_str().unwrap().to_string()))
            .collect()
    };
    let has = |file: &str, code: &str, words: &str| {
        let found = about(file);
        assert!(
            found.iter().any(|(c, m)| c == code && m.contains(words)),
            "{file}: no {code} with {words:?} in {found:?}"
        );
    };
    has("empty.json", "parse", "empty");
    has("not-json.json", "parse", "not JSON");
    has("bad-utf8.json", "parse", "not UTF-8");
    has("binary.json", "parse", "");
    has("nul.json", "parse", "control character");
    has("deep.json", "parse", "nested more than 128 levels");
    has("truncated.har", "parse", "not a valid HAR file");
    assert_eq!(about("missing-parts.har").iter().filter(|(c, _)| c == "capture").count(), 3);
    assert_eq!(about("bad-base64.har").iter().filter(|(c, _)| c == "encoding").count(), 2);
    has("body-text.json", "parse", "not valid JSON");
    has("dangling.json", "io", "");
    has("loop-a.json", "io", "symbolic links");
    if fifo.is_ok_and(|s| s.success()) {
        has("pipe.json", "io", "not a regular file");
    }
    // Positions of parse errors are given.
    let truncated = diags.iter().find(|x| x["file"].as_str().unwrap().ends_with("truncated.har")).unwrap();
    assert!(truncated["line"].as_u64().is_some() && truncated["column"].as_u64().is_some());
    // The good file among them was still checked in full.
    assert!(about("good.ndjson").iter().any(|(c, _)| c == "pattern"), "good.ndjson was not checked");
    assert_eq!(snapshot(d), before, "inputs were modified");

    // A document over the size limit is named and skipped; the rest is checked.
    w("big.json", format!("{{\"pad\": \"{}\"}}", "x".repeat(2 << 20)).as_bytes());
    let o = accord_within(
        &[
            "check",
            "--max-document-size",
            "1",
            "--format",
            "json",
            d.join("big.json").to_str().unwrap(),
            d.join("good.ndjson").to_str().unwrap(),
        ],
        60,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("big.json: larger than the 1 MiB"));
    assert!(report(&o)["summary"]["errors"].as_u64().unwrap() > 1, "good.ndjson still checked");

    // A catalog whose operation names a schema that does not exist: exit 2, file and pointer named.
    let catalog = d.join("catalog/shop");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::write(
        catalog.join("openapi.json"),
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {"operationId": "x",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "missing.schema.json#/$defs/X"}}}},
            "responses": {"200": {"description": "ok"}}}}}}"#,
    )
    .unwrap();
    let o = accord_within(
        &["check", "--schemas", d.join("catalog").to_str().unwrap(), d.join("good.ndjson").to_str().unwrap()],
        60,
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("shop/openapi.json") && stderr.contains("missing.schema.json"), "{stderr}");
}

#[test]
fn schemas_are_never_fetched_and_refs_never_leave_the_root() {
    // A server that would see any attempt to fetch a schema.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://127.0.0.1:{}/schema.json", listener.local_addr().unwrap().port());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.json"), r#"{"a": 1}"#).unwrap();
    std::fs::write(d.join("secret.json"), r#"{"type": "object", "properties": {"leak": {"const": "from outside"}}}"#)
        .unwrap();

    // Generic mode: a remote $ref and a $ref out of the schema's folder.
    std::fs::create_dir(d.join("s")).unwrap();
    std::fs::write(d.join("s/remote.json"), format!(r#"{{"$ref": "{url}"}}"#)).unwrap();
    std::fs::write(d.join("s/escape.json"), r#"{"$ref": "../secret.json"}"#).unwrap();
    std::fs::write(d.join("s/absolute.json"), r#"{"$ref": "file:///etc/passwd"}"#).unwrap();
    for schema in ["remote.json", "escape.json", "absolute.json"] {
        let o = accord(&[
            "check",
            "--schema",
            d.join("s").join(schema).to_str().unwrap(),
            d.join("doc.json").to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{schema}: {}", String::from_utf8_lossy(&o.stdout));
        assert!(!String::from_utf8_lossy(&o.stdout).contains("from outside"));
    }

    // A catalog: the same references from an OpenAPI document.
    for (name, reference) in
        [("remote", url.as_str()), ("escape", "../../secret.json"), ("absolute", "file:///etc/passwd")]
    {
        let root = d.join(format!("catalog-{name}"));
        std::fs::create_dir_all(root.join("api")).unwrap();
        std::fs::write(
            root.join("api/openapi.json"),
            format!(
                r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"post": {{"operationId": "x",
                "requestBody": {{"content": {{"application/json": {{"schema": {{"$ref": "{reference}"}}}}}}}},
                "responses": {{"200": {{"description": "ok"}}}}}}}}}}}}"#
            ),
        )
        .unwrap();
        let o = accord(&["check", "--schemas", root.to_str().unwrap(), d.join("doc.json").to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        let named = reference.rsplit('/').next().unwrap();
        assert!(stderr.contains("api/openapi.json") && stderr.contains(named), "{name}: {stderr}");
    }
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("something connected to the schema server: {other:?}"),
    }
}

#[test]
fn resolve_and_map_serve_referenced_schemas_without_a_network() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("s")).unwrap();
    std::fs::create_dir_all(d.join("shared/v1")).unwrap();
    // A schema that references others by absolute URI, as schemas written elsewhere do.
    std::fs::write(
        d.join("s/order.json"),
        r#"{"type": "object", "properties": {
            "id": {"$ref": "https://schemas.example.com/id.json"},
            "amount": {"$ref": "https://cdn.example.com/v1/money.json#/$defs/Amount"}}}"#,
    )
    .unwrap();
    std::fs::write(d.join("shared/id.json"), r#"{"$id": "https://schemas.example.com/id.json", "maxLength": 4}"#)
        .unwrap();
    std::fs::write(d.join("shared/v1/money.json"), r#"{"$defs": {"Amount": {"type": "integer", "minimum": 0}}}"#)
        .unwrap();
    std::fs::write(d.join("bad.json"), r#"{"id": "too long", "amount": -1}"#).unwrap();
    let schema = d.join("s/order.json");
    let (schema, bad) = (schema.to_str().unwrap(), d.join("bad.json"));
    let resolve = d.join("shared/id.json");
    let map = format!("https://cdn.example.com/={}", d.join("shared").display());

    // Without them: exit 2, naming the reference, where it resolves, and how to serve it.
    let o = accord(&["check", "--schema", schema, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let named = stderr.contains("$ref `https://schemas.example.com/id.json`")
        || stderr.contains("$ref `https://cdn.example.com/v1/money.json#/$defs/Amount`");
    assert!(named && stderr.contains("order.json#/properties/") && stderr.contains("--resolve"), "{stderr}");

    // With them: both constraints are checked, with schema locations in the served files.
    let o = accord(&[
        "check",
        "--format",
        "json",
        "--schema",
        schema,
        "--resolve",
        resolve.to_str().unwrap(),
        "--map",
        &map,
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report = report(&o);
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["schemaPath"].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(found.iter().any(|(c, s)| c == "maxLength" && s.ends_with("shared/id.json#/maxLength")), "{found:?}");
    assert!(
        found.iter().any(|(c, s)| c == "minimum" && s.ends_with("shared/v1/money.json#/$defs/Amount/minimum")),
        "{found:?}"
    );

    // A mapped prefix serves nothing outside its folder, however the path is spelt.
    std::fs::write(d.join("s/escape.json"), r#"{"$ref": "https://cdn.example.com/%2e%2e/bad.json"}"#).unwrap();
    let o = accord(&["check", "--schema", d.join("s/escape.json").to_str().unwrap(), "--map", &map, "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    // A malformed --map is a usage error that says what was expected.
    let o = accord(&["check", "--schema", schema, "--map", "no-equals-sign", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("URI-PREFIX=DIR"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn references_resolve_by_id_and_anchor_as_the_specification_says() {
    // `$ref: "/absref/foobar.json"` resolves against the document's `$id` to an
    // embedded resource: it lands in the file, so it is not "outside the root".
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("schema.json"),
        r##"{"$id": "http://example.com/ref/absref.json",
            "$defs": {"a": {"$id": "http://example.com/absref/foobar.json", "type": "number"},
                      "b": {"$anchor": "short", "maxLength": 2}},
            "properties": {"n": {"$ref": "/absref/foobar.json"}, "s": {"$ref": "#short"}}}"##,
    )
    .unwrap();
    std::fs::write(d.join("doc.json"), r#"{"n": "x", "s": "abc"}"#).unwrap();
    let o = accord(&[
        "check",
        "--format",
        "json",
        "--schema",
        d.join("schema.json").to_str().unwrap(),
        d.join("doc.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report = report(&o);
    let paths: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["schemaPath"].as_str().unwrap()).collect();
    // Schema locations name the file and pointer, not the `$id`s.
    assert!(paths.iter().any(|p| p.ends_with("schema.json#/$defs/a/type")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("schema.json#/$defs/b/maxLength")), "{paths:?}");
}

#[test]
fn schemas_takes_a_single_openapi_document() {
    let o = accord(&["list", "--schemas", "schemas/dstore/openapi.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("inquireOrderDetail") && out.contains("syncStore"), "{out}");
}

#[test]
fn byte_order_marks_and_log_pipeline_keys_are_accepted() {
    // Every example capture, with a UTF-8 byte-order mark in front, gives the same findings.
    let dir = tempfile::tempdir().unwrap();
    for name in ["browser-session.har", "service-log.ndjson", "inquire-order-detail.json"] {
        let original = repo().join("examples/captures").join(name);
        let with_bom = dir.path().join(name);
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        bytes.extend(std::fs::read(&original).unwrap());
        std::fs::write(&with_bom, bytes).unwrap();
        let plain = report(&accord(&["check", "--format", "json", original.to_str().unwrap()]));
        let bom = report(&accord(&["check", "--format", "json", with_bom.to_str().unwrap()]));
        assert_eq!(plain["summary"], bom["summary"], "{name}");
        let positions = |r: &serde_json::Value| -> Vec<(String, serde_json::Value, serde_json::Value)> {
            let ds = r["diagnostics"].as_array().unwrap();
            ds.iter()
                .map(|d| (d["code"].as_str().unwrap().to_string(), d["line"].clone(), d["column"].clone()))
                .collect()
        };
        assert_eq!(positions(&plain), positions(&bom), "{name}: the same places, line 1 counted after the mark");
    }

    // An envelope (and an NDJSON line) with keys a log pipeline adds is checked, not rejected.
    let envelope = r#"{"ts": "2026-11-27T06:00:00Z", "traceId": "4bf92f35",
        "response": {"status": 200, "receivedAt": 1764223200, "headers": {"content-type": "application/json"},
                     "body": {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "ok"}, "orderStatus": "CANCELED"}},
        "operation": "dstore.inquireOrderDetail"}"#;
    std::fs::write(dir.path().join("envelope.json"), envelope).unwrap();
    std::fs::write(
        dir.path().join("log.ndjson"),
        format!("{}\n{}\n", envelope.replace('\n', " "), envelope.replace('\n', " ")),
    )
    .unwrap();
    for (file, exchanges) in [("envelope.json", 1), ("log.ndjson", 2)] {
        let o = accord(&["check", "--format", "json", dir.path().join(file).to_str().unwrap()]);
        let r = report(&o);
        assert_eq!(r["summary"]["exchanges"], exchanges, "{file}: {}", stdout(&o));
        let codes: Vec<&str> =
            r["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"enum") && !codes.contains(&"capture"), "{file}: {codes:?}");
    }
    // The keys the envelope knows keep their types.
    std::fs::write(dir.path().join("bad.json"), r#"{"ts": 1, "response": {"status": "two hundred"}}"#).unwrap();
    let o = accord(&["check", "--format", "json", dir.path().join("bad.json").to_str().unwrap()]);
    let r = report(&o);
    assert!(r["diagnostics"][0]["message"].as_str().unwrap().contains("envelope"), "{}", stdout(&o));
}

#[test]
fn no_subcommand_fails_on_a_closed_pipe() {
    use std::io::Read;
    let commands: &[&[&str]] = &[
        &["schema", "dstore.syncStore"],
        &["list"],
        &["list", "--json"],
        &["check", "examples/captures"],
        &["check", "--format", "json", "examples/captures"],
        &["man"],
        &["completions", "bash"],
    ];
    for args in commands {
        // Like `accord ... | head -c 1`, with stderr piped too (a panic would show there).
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(*args)
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        let expected = if args[0] == "check" { [Some(0), Some(1)].as_slice() } else { [Some(0)].as_slice() };
        assert!(expected.contains(&o.status.code()), "{args:?}: exit {:?}, {stderr}", o.status.code());
    }
}

#[test]
fn catalogs_without_operation_ids_or_operations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let op = |path: &str| {
        format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"{path}": {{"get": {{
                "parameters": [{{"name": "petId", "in": "path", "required": true, "schema": {{"type": "string", "maxLength": 2}}}}],
                "responses": {{"200": {{"description": "ok"}}}}}}}}}}}}"#
        )
    };
    // `operationId` is optional: the operation is named by method and path template.
    std::fs::create_dir_all(d.join("noid/pets")).unwrap();
    std::fs::write(d.join("noid/pets/openapi.json"), op("/pets/{petId}")).unwrap();
    let o = accord(&["list", "--schemas", d.join("noid").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("pets.get:/pets/{petId}"), "{}", stdout(&o));
    std::fs::write(
        d.join("capture.json"),
        r#"{"request": {"method": "GET", "url": "https://api.example.com/pets/100"}}"#,
    )
    .unwrap();
    let o = accord(&[
        "check",
        "--format",
        "json",
        "--schemas",
        d.join("noid").to_str().unwrap(),
        d.join("capture.json").to_str().unwrap(),
    ]);
    let r = report(&o);
    assert_eq!(r["diagnostics"][0]["operation"], "pets.get:/pets/{petId}", "{}", stdout(&o));
    assert_eq!(r["diagnostics"][0]["code"], "maxLength");

    // The same method and path template in two documents cannot both be routed to: a load error naming both.
    std::fs::create_dir_all(d.join("twice/a")).unwrap();
    std::fs::create_dir_all(d.join("twice/b")).unwrap();
    std::fs::write(d.join("twice/a/openapi.json"), op("/pets/{petId}")).unwrap();
    std::fs::write(d.join("twice/b/openapi.json"), op("/pets/{id}")).unwrap();
    let o =
        accord(&["check", "--schemas", d.join("twice").to_str().unwrap(), d.join("capture.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("a/openapi.json") && stderr.contains("b/openapi.json"), "{stderr}");

    // A catalog with no operations would route nothing and check nothing: exit 2, never a silent pass.
    std::fs::create_dir_all(d.join("empty/api")).unwrap();
    std::fs::write(
        d.join("empty/api/openapi.json"),
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {}}}"#,
    )
    .unwrap();
    let o =
        accord(&["check", "--schemas", d.join("empty").to_str().unwrap(), d.join("capture.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("declares no operations"));
}

#[test]
fn openapi_3_0_reads_with_3_1_semantics_and_swagger_2_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("v30/shop")).unwrap();
    std::fs::write(
        d.join("v30/shop/openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: shop, version: '1'}\npaths:\n  /items:\n    post:\n      operationId: addItem\n      \
         requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Item'}\n      \
         responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n    Item:\n      type: object\n      required: [name, price]\n      \
         properties:\n        name: {type: string, nullable: true}\n        price: {type: number, minimum: 5, exclusiveMinimum: true}\n",
    )
    .unwrap();
    let capture = |name: &str, body: &str| {
        let path = d.join(name);
        std::fs::write(
            &path,
            format!(r#"{{"request": {{"method": "POST", "url": "https://shop.example.com/items", "headers": {{"content-type": "application/json"}}, "body": {body}}}}}"#),
        )
        .unwrap();
        path
    };
    let valid = capture("valid.json", r#"{"name": null, "price": 5.5}"#);
    let invalid = capture("invalid.json", r#"{"name": null, "price": 5}"#);
    let schemas = d.join("v30");
    let o = accord(&["check", "--schemas", schemas.to_str().unwrap(), valid.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "nullable: true admits null: {}", stdout(&o));
    let o = accord(&["check", "--format", "json", "--schemas", schemas.to_str().unwrap(), invalid.to_str().unwrap()]);
    let r = report(&o);
    assert_eq!(r["diagnostics"][0]["code"], "exclusiveMinimum", "{}", stdout(&o));
    assert_eq!(r["diagnostics"][0]["instancePath"], "/price");

    std::fs::create_dir_all(d.join("v2/api")).unwrap();
    std::fs::write(
        d.join("v2/api/swagger.json"),
        r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    let o = accord(&["list", "--schemas", d.join("v2").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("swagger.json") && stderr.contains("Swagger 2.0 is not supported"), "{stderr}");
}

#[test]
fn responses_are_optional_and_an_unchecked_response_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("api")).unwrap();
    std::fs::write(
        d.join("api/openapi.json"),
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/ping": {"get": {"operationId": "ping"}}}}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("capture.json"),
        r#"{"request": {"method": "GET", "url": "https://x.example.com/ping"}, "response": {"status": 200, "body": {"pong": true}}}"#,
    )
    .unwrap();
    let o = accord(&[
        "check",
        "--format",
        "json",
        "--schemas",
        d.to_str().unwrap(),
        d.join("capture.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let r = report(&o);
    let d0 = &r["diagnostics"][0];
    assert_eq!((d0["severity"].as_str(), d0["code"].as_str()), (Some("warning"), Some("unchecked")), "{r}");
    assert!(d0["message"].as_str().unwrap().contains("documents no responses"), "{r}");
}

#[test]
fn an_unknown_flag_suggests_the_closest_real_one_by_meaning() {
    let o = accord(&["check", "--schema-dir", "x", "y"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("a similar argument exists: '--schemas'"), "{err}");
    assert!(err.contains("Usage: accord check [OPTIONS]"), "{err}");
    let o = accord(&["check", "--strickt", "y"]);
    assert!(String::from_utf8(o.stderr).unwrap().contains("'--strict'"));
    let o = accord(&["list", "--jsno"]);
    assert!(String::from_utf8(o.stderr).unwrap().contains("'--json'"));
}

/// Reports stream in one order whatever the number of threads: every format,
/// byte for byte, with one checking thread and with four, over HAR, NDJSON,
/// envelope, payload, empty, non-JSON and missing inputs and a directory.
#[test]
fn the_report_is_the_same_whatever_the_thread_count() {
    let inputs = [
        "tests/fixtures/captures",
        "examples/captures",
        "validator/tests/fixtures/rules/syncstore-a.ndjson",
        "validator/tests/fixtures/rules/syncstore-b.ndjson",
        "missing-input.json",
    ];
    for format in ["human", "json", "sarif", "github", "junit"] {
        let run = |threads: &str| {
            let mut args = vec!["check", "--format", format];
            args.extend(inputs);
            Command::new(env!("CARGO_BIN_EXE_accord"))
                .args(&args)
                .current_dir(repo())
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .unwrap()
        };
        let (one, four) = (run("1"), run("4"));
        assert_eq!(one.status.code(), Some(2), "a missing input makes the run unusable");
        assert!(!one.stdout.is_empty());
        assert_eq!(String::from_utf8_lossy(&one.stdout), String::from_utf8_lossy(&four.stdout), "--format {format}");
    }
}

/// SARIF and JUnit spool to a temporary file: when none can be made, the run
/// says where it tried, exits 2, and leaves no report behind.
#[test]
fn a_report_that_cannot_be_spooled_is_a_clear_error() {
    for format in ["sarif", "junit"] {
        let o = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["check", "--format", format, "examples/captures"])
            .current_dir(repo())
            .env("TMPDIR", "/nonexistent-accord-tmp")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "--format {format}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("cannot create the temporary file") && err.contains("/nonexistent-accord-tmp"), "{err}");
        assert!(o.stdout.is_empty(), "--format {format}: nothing half-written");
    }
}
