//! `accord coverage`, `accord check --coverage` and their gates, through the
//! binary: exact tables in every format on the built-in catalog and on
//! public descriptions (one file, and split over many), the JSON against its
//! published schema, lcov read back by `genhtml` with the lines of the units,
//! and the forwards-only baseline in both directions.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).current_dir(repo()).env("NO_COLOR", "1").output().unwrap()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MUSEUM: &str = "tests/fixtures/real-world/museum/openapi.yaml";
const MUSEUM_TRAFFIC: [&str; 2] =
    ["tests/fixtures/real-world/museum/valid.ndjson", "tests/fixtures/real-world/museum/violations.ndjson"];
const REDOCLY: &str = "tests/fixtures/real-world/redocly-starter/openapi";
const REDOCLY_TRAFFIC: [&str; 2] = [
    "tests/fixtures/real-world/redocly-starter/valid.ndjson",
    "tests/fixtures/real-world/redocly-starter/violations.ndjson",
];

/// OpenAPI 3.0.4, one file.
const PETSTORE: &str = "tests/fixtures/real-world/petstore/openapi.yaml";
const PETSTORE_TRAFFIC: [&str; 2] =
    ["tests/fixtures/real-world/petstore/valid.ndjson", "tests/fixtures/real-world/petstore/violations.ndjson"];

/// `accord coverage` over `traffic` in `format`, against `schemas` (the built-in catalog when `None`).
fn coverage(schemas: Option<&str>, traffic: &[&str], format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["coverage", "--format", format];
    if let Some(s) = schemas {
        args.extend(["--schemas", s]);
    }
    args.extend(extra);
    args.extend(traffic);
    accord(&args)
}

/// Parses a JSON coverage report and checks it against `coverage.schema.json`.
fn json_report(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).expect("one JSON coverage report");
    let schema: Value = serde_json::from_str(include_str!("../coverage.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "report does not match coverage.schema.json: {errors:#?}");
    value
}

#[test]
fn builtin_catalog_in_every_format() {
    for (format, name) in [
        ("human", "coverage_builtin_human"),
        ("markdown", "coverage_builtin_markdown"),
        ("lcov", "coverage_builtin_lcov"),
        ("json", "coverage_builtin_json"),
        ("html", "coverage_builtin_html"),
    ] {
        let o = coverage(None, &["examples/captures"], format, &[]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        if format == "json" {
            json_report(&stdout(&o));
        }
        insta::assert_snapshot!(name, stdout(&o));
    }
}

#[test]
fn public_descriptions_in_every_format() {
    for (schemas, traffic, label) in [
        (MUSEUM, MUSEUM_TRAFFIC, "museum"),
        (REDOCLY, REDOCLY_TRAFFIC, "redocly"),
        (PETSTORE, PETSTORE_TRAFFIC, "petstore"),
    ] {
        for format in ["human", "markdown", "lcov", "json", "html"] {
            if format == "html" && label != "museum" {
                continue;
            }
            let o = coverage(Some(schemas), &traffic, format, &[]);
            assert_eq!(o.status.code(), Some(0), "{label} {format}: {}", stderr(&o));
            if format == "json" {
                json_report(&stdout(&o));
            }
            insta::assert_snapshot!(format!("coverage_{label}_{format}"), stdout(&o));
        }
    }
}

#[test]
fn check_and_coverage_report_from_the_same_counters() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coverage.json");
    let o = accord(&[
        "check",
        "--schemas",
        MUSEUM,
        "--coverage",
        file.to_str().unwrap(),
        MUSEUM_TRAFFIC[0],
        MUSEUM_TRAFFIC[1],
    ]);
    assert_eq!(o.status.code(), Some(1), "the violations are still reported: {}", stdout(&o));
    assert!(stdout(&o).contains("error["), "check still prints its findings");
    let from_check = json_report(&std::fs::read_to_string(&file).unwrap());
    let from_coverage = json_report(&stdout(&coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "json", &[])));
    assert_eq!(from_check, from_coverage);
    // Every format is chosen by the file's extension.
    for (ext, starts) in
        [("md", "## Contract coverage"), ("html", "<!DOCTYPE html>"), ("info", "TN:accord"), ("txt", "coverage of ")]
    {
        let file = dir.path().join(format!("coverage.{ext}"));
        accord(&["check", "--schemas", MUSEUM, "--coverage", file.to_str().unwrap(), MUSEUM_TRAFFIC[0]]);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with(starts), "{ext}: {}", &text[..80.min(text.len())]);
    }
}

#[test]
fn the_report_does_not_depend_on_the_number_of_threads() {
    let run = |threads: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args([
                "coverage",
                "--format",
                "json",
                "examples/captures",
                "tests/fixtures/real-world/museum/violations.ndjson",
            ])
            .current_dir(repo())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        stdout(&o)
    };
    let one = run("1");
    assert!(one.contains("firstInvalid"), "{one}");
    for _ in 0..3 {
        assert_eq!(run("4"), one);
    }
}

#[test]
fn units_are_counted_by_state_and_kind() {
    let report = json_report(&stdout(&coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "json", &[])));
    let unit = |key: &str| -> Value {
        report["operations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["units"].as_array().unwrap())
            .find(|u| u["key"] == key)
            .unwrap_or_else(|| panic!("no unit {key}"))
            .clone()
    };
    assert_eq!(unit("operation:getMuseumHours")["state"], "covered");
    assert_eq!(unit("operation:getTicketCode")["state"], "not-covered");
    assert_eq!(unit("webhook:publishNewEvent")["kind"], "webhook");
    // `page=0` breaks `minimum: 1` in the planted violations, and is the only `page` sent.
    let page = unit("parameter:listSpecialEvents:query:page");
    assert_eq!(page["state"], "invalid-only");
    assert_eq!(page["firstInvalid"]["file"], MUSEUM_TRAFFIC[1]);
    assert!(page["firstInvalid"]["entry"].is_u64());
    // Percentages per kind, each `covered / units`.
    for kind in report["kinds"].as_array().unwrap() {
        let (covered, units) = (kind["covered"].as_f64().unwrap(), kind["units"].as_f64().unwrap());
        let percent = kind["percent"].as_f64().unwrap();
        assert!((percent - (covered * 1000.0 / units).floor() / 10.0).abs() < 1e-9, "{kind}");
        let sum = kind["covered"].as_u64().unwrap()
            + kind["invalidOnly"].as_u64().unwrap()
            + kind["notCovered"].as_u64().unwrap();
        assert_eq!(sum, kind["units"].as_u64().unwrap());
    }
    // A status the operation does not document is listed, not lost.
    assert_eq!(report["undocumentedStatuses"][0]["status"], 418);
}

#[test]
fn unrouted_traffic_is_grouped_by_inferred_template() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("unrouted.ndjson");
    let paths = [
        ("GET", "/v2/users/123", 200),
        ("GET", "/v2/users/456", 404),
        ("DELETE", "/v2/users/789", 204),
        ("GET", "/v2/users/3f1c9a4e-8b2d-4c6e-9f0a-1b2c3d4e5f60/orders", 200),
        ("GET", "/v2/users/7d0e1f2a-3b4c-4d5e-8f90-a1b2c3d4e5f6/orders", 200),
        ("GET", "/blog/my-first-post", 200),
        ("GET", "/blog/another-long-post", 200),
        ("GET", "/teams/red/members", 200),
        ("GET", "/teams/blue/members", 200),
        ("GET", "/teams/green/members?page=2", 200),
        ("GET", "/v1.1/status", 200),
        ("GET", "/v2/pos/inquireOrderDetail", 405),
    ];
    let lines: Vec<String> = paths
        .iter()
        .map(|(m, p, s)| {
            serde_json::json!({"request": {"method": m, "url": format!("https://open-sea-global.alipayplus.com{p}")}, "response": {"status": s}})
                .to_string()
        })
        .collect();
    std::fs::write(&capture, lines.join("\n")).unwrap();
    let o = coverage(None, &[capture.to_str().unwrap()], "json", &[]);
    let report = json_report(&stdout(&o));
    let groups: Vec<(String, u64)> = report["missingInSpec"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["template"].as_str().unwrap().to_string(), g["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [
            ("/teams/{name}/members".to_string(), 3),
            ("/v2/users/{id}".to_string(), 3),
            ("/blog/{slug}".to_string(), 2),
            ("/v2/users/{uuid}/orders".to_string(), 2),
            ("/v1.1/status".to_string(), 1),
            ("/v2/pos/inquireOrderDetail".to_string(), 1),
        ]
    );
    let users = &report["missingInSpec"][1];
    assert_eq!(users["methods"], serde_json::json!({"DELETE": 1, "GET": 2}));
    assert_eq!(users["statuses"], serde_json::json!({"200": 1, "204": 1, "404": 1}));
    // Nothing was checked against the contract: never a success.
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing was checked"), "{}", stderr(&o));
}

#[test]
fn minimums_gate_per_kind() {
    let pass = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--min", "operation=80", "--min", "status=20"]);
    assert_eq!(pass.status.code(), Some(0), "{}", stderr(&pass));
    let fail = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--min", "operation=100", "--min", "status=50"]);
    assert_eq!(fail.status.code(), Some(1));
    let err = stderr(&fail);
    assert!(err.contains("coverage gate: operation coverage is 87.5%, below the minimum of 100%"), "{err}");
    assert!(err.contains("coverage gate: status coverage is 26.9%, below the minimum of 50%"), "{err}");
    assert!(stdout(&fail).contains("operation"), "the report is still written");
    let no_units = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--min", "branch=10"]);
    assert_eq!(no_units.status.code(), Some(1));
    assert!(stderr(&no_units).contains("the catalog has no units of this kind"));
    let bad = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--min", "statuses=10"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`statuses` is not a unit kind; kinds: operation, webhook, status"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn baseline_gate_moves_forwards_only() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let write = |traffic: &[&str], to: &Path| {
        let o = coverage(Some(MUSEUM), traffic, "json", &["--output", to.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    // The baseline: the valid traffic alone.
    write(&MUSEUM_TRAFFIC[..1], &baseline);
    let base = baseline.to_str().unwrap();
    // More traffic than the baseline: nothing it covered is lost.
    let more = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--baseline", base]);
    assert_eq!(more.status.code(), Some(0), "{}", stderr(&more));
    // Less traffic: what the baseline covered and this run does not fails the gate.
    let subset = dir.path().join("subset.ndjson");
    let first: Vec<&str> =
        std::fs::read_to_string(repo().join(MUSEUM_TRAFFIC[0])).unwrap().leak().lines().take(3).collect();
    std::fs::write(&subset, first.join("\n")).unwrap();
    let less = coverage(Some(MUSEUM), &[subset.to_str().unwrap()], "human", &["--baseline", base]);
    assert_eq!(less.status.code(), Some(1));
    let err = stderr(&less);
    assert!(err.contains("was covered in the baseline and is not covered now"), "{err}");
    // An operation added since the baseline must be covered: drop one from the baseline.
    let mut old: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    old["operations"].as_array_mut().unwrap().retain(|o| o["id"] != "getTicketCode" && o["id"] != "getMuseumHours");
    let older = dir.path().join("older.json");
    std::fs::write(&older, old.to_string()).unwrap();
    let added = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "human", &["--baseline", older.to_str().unwrap()]);
    assert_eq!(added.status.code(), Some(1));
    let err = stderr(&added);
    assert!(err.contains("getTicketCode was added since the baseline and is not covered"), "{err}");
    assert!(!err.contains("getMuseumHours"), "an added operation that is covered passes: {err}");
    // `--from` gates a report already written, without reading traffic.
    let from = accord(&["coverage", "--from", base, "--baseline", base, "--min", "operation=80"]);
    assert_eq!(from.status.code(), Some(0), "{}", stderr(&from));
    // A baseline that is not a report is named with its position.
    std::fs::write(dir.path().join("bad.json"), "{\"version\": 1,\n \"kinds\": 3}").unwrap();
    let bad = coverage(
        Some(MUSEUM),
        &MUSEUM_TRAFFIC,
        "human",
        &["--baseline", dir.path().join("bad.json").to_str().unwrap()],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("bad.json:2:"), "{}", stderr(&bad));
}

/// The line of `text` (1-based).
fn line_of(text: &str, line: usize) -> &str {
    text.lines().nth(line - 1).unwrap_or("")
}

#[test]
fn lcov_marks_the_lines_of_the_units_and_genhtml_reads_it() {
    let o = coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "lcov", &[]);
    let lcov = stdout(&o);
    let yaml = std::fs::read_to_string(repo().join(MUSEUM)).unwrap();
    assert!(lcov.contains(&format!("SF:{MUSEUM}\n")), "{lcov}");
    // Each operation is a function at its method's line, with its operationId below it.
    let mut functions = 0;
    for l in lcov.lines().filter_map(|l| l.strip_prefix("FN:")) {
        let (line, name) = l.split_once(',').unwrap();
        let line: usize = line.parse().unwrap();
        let key = line_of(&yaml, line).trim();
        assert!(["get:", "post:", "patch:", "delete:", "put:"].contains(&key) || key.ends_with(':'), "{name}: {key}");
        let below: String = yaml.lines().skip(line).take(8).collect::<Vec<_>>().join("\n");
        assert!(below.contains(&format!("operationId: {name}")), "{name} at {line}: {below}");
        functions += 1;
    }
    assert_eq!(functions, 9);
    // The units of every marked line: statuses at their status key, properties at their name.
    let report = json_report(&stdout(&coverage(Some(MUSEUM), &MUSEUM_TRAFFIC, "json", &[])));
    let mut checked = 0;
    for unit in report["operations"].as_array().unwrap().iter().flat_map(|o| o["units"].as_array().unwrap()) {
        let (Some(line), Some(label)) = (unit["line"].as_u64(), unit["label"].as_str()) else { continue };
        let text = line_of(&yaml, line as usize).trim().trim_start_matches("- ");
        match unit["kind"].as_str().unwrap() {
            "status" => {
                assert!(text.trim_matches(['\'', '"']).starts_with(label.split(' ').next().unwrap()), "{label}: {text}")
            }
            "property" => {
                let name = label.rsplit('/').next().unwrap();
                assert!(text.starts_with(&format!("{name}:")), "{label}: line {line} is `{text}`");
            }
            "parameter" => assert!(
                text.starts_with("$ref:") || text.starts_with("name:") || text.starts_with("in:"),
                "{label}: {text}"
            ),
            _ => continue,
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
    // genhtml, a real lcov consumer, reads the file back without errors.
    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("coverage.info");
    std::fs::write(&info, &lcov).unwrap();
    let genhtml = Command::new("genhtml")
        .args(["--branch-coverage", "--output-directory"])
        .arg(dir.path().join("html"))
        .arg(&info)
        .current_dir(repo())
        .output();
    match genhtml {
        Ok(g) => {
            let log = format!("{}{}", String::from_utf8_lossy(&g.stdout), String::from_utf8_lossy(&g.stderr));
            assert!(g.status.success(), "genhtml failed: {log}");
            assert!(!log.to_lowercase().contains("warning"), "{log}");
            assert!(log.contains("(7 of 9 functions)"), "{log}");
            // The annotated description: every line of the YAML, the units' lines marked.
            let page = std::fs::read_to_string(dir.path().join("html/museum/openapi.yaml.gcov.html")).unwrap();
            assert!(page.contains("operationId: getTicketCode"), "genhtml shows the description itself");
            assert!(page.contains("lineNoCov"), "and marks the lines of units not covered");
        }
        Err(e) if std::env::var_os("ACCORD_REQUIRE_TOOLS").is_none() => {
            eprintln!("SKIPPED genhtml read-back: genhtml not found ({e}); `.ci/run` installs lcov");
        }
        Err(e) => panic!("genhtml is required here (ACCORD_REQUIRE_TOOLS): {e}"),
    }
}

#[test]
fn split_description_lines_are_in_their_own_files() {
    let lcov = stdout(&coverage(Some(REDOCLY), &REDOCLY_TRAFFIC, "lcov", &[]));
    let files: Vec<&str> = lcov.lines().filter_map(|l| l.strip_prefix("SF:")).collect();
    assert!(files.len() > 2, "{files:?}");
    for f in &files {
        assert!(repo().join(f).is_file(), "SF {f} is a file on disk");
    }
    assert!(files.iter().any(|f| f.contains("/paths/")), "operations in the split path files: {files:?}");
}

#[test]
fn the_example_workflow_coverage_job_runs_as_written() {
    let text = std::fs::read_to_string(repo().join("examples/github/contract-check.yml")).unwrap();
    let workflow: Value = serde_norway::from_str(&text).unwrap();
    let steps = workflow["jobs"]["contract-coverage"]["steps"].as_array().unwrap();
    let comment = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.contains("sticky-pull-request-comment")));
    let commented = comment.expect("a comment step")["with"]["path"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    // The committed baseline, as the job's comment says to make it.
    let made = accord(&["coverage", "examples/captures", "--output", &at("coverage-baseline.json")]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let mut ran = 0;
    for step in steps {
        let Some(run) = step["run"].as_str() else { continue };
        let Some(command) = run.strip_prefix("accord ") else { continue };
        let command = command.replace("\"$CAPTURES\"", "examples/captures").replace(" --schemas \"$SCHEMAS\"", "");
        let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        for flag in ["--output", "--baseline"] {
            if let Some(i) = words.iter().position(|w| w == flag) {
                words[i + 1] = at(&words[i + 1]);
            }
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let o = accord(&args);
        assert_eq!(o.status.code(), Some(0), "`{run}`: {}", stderr(&o));
        ran += 1;
    }
    assert_eq!(ran, 3);
    let markdown = std::fs::read_to_string(dir.path().join(&commented)).unwrap();
    assert!(markdown.starts_with("## Contract coverage"), "{markdown}");
    assert!(std::fs::read_to_string(at("accord-coverage.html")).unwrap().starts_with("<!DOCTYPE html>"));
    assert!(std::fs::read_to_string(at("accord-coverage.info")).unwrap().starts_with("TN:accord"));
}

#[test]
fn a_large_split_description_covers_exactly_the_operations_its_traffic_calls() {
    let root = "tests/fixtures/real-world/digitalocean/specification/DigitalOcean-public.v2.yaml";
    let traffic = "tests/fixtures/real-world/digitalocean/valid.ndjson";
    let o = coverage(Some(root), &[traffic], "json", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json_report(&stdout(&o));
    // What the traffic meant to call (each line names it), against what is covered.
    let called: std::collections::BTreeSet<String> = std::fs::read_to_string(repo().join(traffic))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["x-operation"].as_str().unwrap().to_string())
        .collect();
    let covered: std::collections::BTreeSet<String> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["state"] == "covered")
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(covered, called);
    let operations = report["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "operation").unwrap();
    assert_eq!(operations["units"].as_u64().unwrap() as usize, report["operations"].as_array().unwrap().len());
    // Every unit's line is in the file that declares it, across the split files.
    let mut files = std::collections::BTreeMap::new();
    for unit in report["operations"].as_array().unwrap().iter().flat_map(|o| o["units"].as_array().unwrap()) {
        let (Some(file), Some(line)) = (unit["file"].as_str(), unit["line"].as_u64()) else {
            panic!("a unit without a place: {unit}")
        };
        let lines = files
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(repo().join(file)).unwrap().lines().count() as u64);
        assert!(line >= 1 && line <= *lines, "{file}:{line} is past its end");
    }
    assert!(files.len() > 100, "units over the split files: {}", files.len());
    // Slots whose body defines more units than are counted are listed, never dropped silently.
    let truncated = report["truncated"].as_array().expect("DigitalOcean's largest bodies pass the limit");
    assert!(truncated.iter().all(|t| t["counted"] == 4000 && t["leftOut"].as_u64().unwrap() > 0), "{truncated:?}");
    let human = stdout(&coverage(Some(root), &[traffic], "human", &[]));
    let note =
        format!("note: {} message slot(s) define more body units than the 4000 counted per slot", truncated.len());
    assert!(human.contains(&note), "{}", &human[..2000]);
}

#[test]
fn the_markdown_comment_of_a_large_description_fits_a_pull_request_comment() {
    let root = "tests/fixtures/real-world/digitalocean/specification/DigitalOcean-public.v2.yaml";
    let o = coverage(Some(root), &["tests/fixtures/real-world/digitalocean/valid.ndjson"], "markdown", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.chars().count() < 65_536, "GitHub refuses comments over 65,536 characters: {}", text.len());
    assert!(text.contains("| operation | 659 | 59 |"), "the kinds are always there");
    assert!(text.contains("left out to keep this comment under 60000 characters"), "and it says what it left out");
}
