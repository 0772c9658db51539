//! OpenAPI 3.1 semantics through the binary, one planted problem per exchange:
//! parameter styles and typing, servers, every security scheme type, media
//! types, non-JSON bodies, body presence, leaf-first `oneOf`, webhooks, the
//! `unchecked` count and `--strict` when nothing was checked. The catalog is
//! `tests/fixtures/openapi-semantics/openapi.yaml`.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};

fn catalog() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi-semantics").display().to_string()
}

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().unwrap()
}

const B: &str = "https://eu.api.example.com/v2";

/// An envelope: request (method, url, headers, body text) and an optional response.
fn exchange(method: &str, url: &str, headers: Value, body: Option<&str>, response: Option<Value>) -> Value {
    let mut request = json!({"method": method, "url": url, "headers": headers});
    if let Some(b) = body {
        request["bodyText"] = json!(b);
    }
    let mut e = json!({"request": request});
    if let Some(r) = response {
        e["response"] = r;
    }
    e
}

fn bearer() -> Value {
    json!({"Authorization": "Bearer t0ken", "Cookie": "trace=abcd"})
}

fn list(url: &str) -> Value {
    exchange("GET", &format!("{B}/pets{url}"), bearer(), None, None)
}

/// A labelled exchange and exactly the (code, instance path) findings it must get.
type Case = (&'static str, Value, Vec<(&'static str, &'static str)>);

/// Each exchange with exactly the findings it must get.
fn cases() -> Vec<Case> {
    let json_ct = |extra: Value| {
        let mut h = json!({"X-API-Key": "k", "Content-Type": "application/json"});
        for (k, v) in extra.as_object().unwrap() {
            h[k] = v.clone();
        }
        h
    };
    let response = |status: u16, ct: &str, body: &str| json!({"status": status, "headers": {"Content-Type": ct}, "bodyText": body});
    vec![
        (
            "valid list",
            list(
                "?limit=30&tags=a&tags=b&ids=1,2&filter[color]=green&filter[size]=3&pipe=1|2&q=%7B%22a%22%3A1%7D&flag=",
            ),
            vec![],
        ),
        ("bound is a bound", list("?limit=31"), vec![("maximum", "/limit")]),
        ("1e1 is not an integer", list("?limit=1e1"), vec![("type", "/limit")]),
        ("repeated single value", list("?limit=15&limit=16"), vec![("repeated", "/limit")]),
        ("exploded array item", list("?tags=a&tags=z"), vec![("enum", "/tags/1")]),
        ("comma-separated array item", list("?ids=1,x,3"), vec![("type", "/ids/1")]),
        ("deepObject property", list("?filter[color]=blue"), vec![("enum", "/filter/color")]),
        ("pipeDelimited item", list("?pipe=1|2|x"), vec![("type", "/pipe/2")]),
        ("JSON in a query string", list("?q=%7B%7D"), vec![("required", "/q")]),
        ("JSON in a query string that does not parse", list("?q=%7B"), vec![("parse", "/q")]),
        ("empty value where none is allowed", list("?limit="), vec![("allowEmptyValue", "/limit")]),
        (
            "missing required cookie",
            exchange("GET", &format!("{B}/pets"), json!({"Authorization": "Bearer t"}), None, None),
            vec![("required", "/trace")],
        ),
        (
            "too-short cookie",
            exchange(
                "GET",
                &format!("{B}/pets"),
                json!({"Authorization": "Bearer t", "Cookie": "a=1; trace=ab"}),
                None,
                None,
            ),
            vec![("minLength", "/trace")],
        ),
        (
            "typed header",
            exchange(
                "GET",
                &format!("{B}/pets"),
                json!({"Authorization": "Bearer t", "Cookie": "trace=abcd", "X-Rate": "0"}),
                None,
                None,
            ),
            vec![("minimum", "/X-Rate")],
        ),
        (
            "server variable from its enum",
            exchange("GET", "https://us.api.example.com/beta/pets", bearer(), None, None),
            vec![],
        ),
        (
            "host no server allows",
            // Routed by its path alone (a test host), with the run's one warning for the host.
            exchange("GET", "https://ap.api.example.com/v2/pets", bearer(), None, None),
            vec![("server", "")],
        ),
        ("relative URL, base path kept", exchange("GET", "/v2/pets", bearer(), None, None), vec![]),
        (
            "no credentials for bearer or oauth2",
            exchange("GET", &format!("{B}/pets"), json!({"Cookie": "trace=abcd"}), None, None),
            vec![("security", "/Authorization")],
        ),
        (
            "wrong HTTP scheme",
            exchange(
                "GET",
                &format!("{B}/pets"),
                json!({"Authorization": "Basic dTpw", "Cookie": "trace=abcd"}),
                None,
                None,
            ),
            vec![("security", "/Authorization")],
        ),
        (
            "apiKey header alternative",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({})),
                Some(r#"{"name": "Rex"}"#),
                Some(response(201, "application/json; charset=utf-8", r#"{"name": "Rex"}"#)),
            ),
            vec![],
        ),
        (
            "basic alternative",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json!({"Authorization": "Basic dTpw", "Content-Type": "application/json"}),
                Some(r#"{"name": "Rex"}"#),
                None,
            ),
            vec![],
        ),
        (
            "neither alternative",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json!({"Content-Type": "application/json"}),
                Some(r#"{"name": "Rex"}"#),
                None,
            ),
            vec![("security", "/X-API-Key")],
        ),
        (
            "query and cookie keys together",
            exchange("GET", &format!("{B}/pets/5?key=k"), json!({"Cookie": "session=s"}), None, None),
            vec![],
        ),
        (
            "one of two keys missing",
            exchange("GET", &format!("{B}/pets/5?key=k"), json!({}), None, None),
            vec![("security", "/key")],
        ),
        (
            "path parameter bound",
            exchange("GET", &format!("{B}/pets/0?key=k"), json!({"Cookie": "session=s"}), None, None),
            vec![("minimum", "/petId")],
        ),
        (
            "label path parameter, path-level server",
            exchange(
                "GET",
                "https://media.example.com/pets/.5/photo",
                json!({}),
                None,
                Some(response(200, "image/png", "PNG-bytes")),
            ),
            vec![],
        ),
        (
            "label style not followed",
            exchange("GET", "https://media.example.com/pets/5/photo", json!({}), None, None),
            vec![("style", "/petId")],
        ),
        (
            "path-level server overrides the document's",
            exchange("GET", &format!("{B}/pets/.5/photo"), json!({}), None, None),
            vec![("unrouted", "")],
        ),
        (
            "binary body judged by size",
            exchange(
                "GET",
                "https://media.example.com/pets/.5/photo",
                json!({}),
                None,
                Some(response(200, "image/png", "PNG-bytes-that-are-too-many")),
            ),
            vec![("maxLength", "")],
        ),
        (
            "matrix object",
            exchange("GET", &format!("{B}/matrix/;x=1;y=z"), json!({}), None, None),
            vec![("type", "/coords/y")],
        ),
        (
            "JSON body",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({})),
                Some(r#"{"name": "averyveryverylongname"}"#),
                None,
            ),
            vec![("maxLength", "/name")],
        ),
        (
            "form body",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({"Content-Type": "application/x-www-form-urlencoded"})),
                Some("name=averyveryverylongname&tag=x"),
                None,
            ),
            vec![("maxLength", "/name")],
        ),
        (
            "multipart body with a JSON part",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({"Content-Type": "multipart/form-data; boundary=b0"})),
                Some(
                    "--b0\r\nContent-Disposition: form-data; name=\"pet\"\r\nContent-Type: application/json\r\n\r\n{\"tag\": \"x\"}\r\n--b0\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\n\r\nPNG\r\n--b0--\r\n",
                ),
                None,
            ),
            vec![("required", "/pet")],
        ),
        (
            "undeclared media type",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({"Content-Type": "text/csv"})),
                Some("name\nRex"),
                None,
            ),
            vec![("content-type", "/Content-Type")],
        ),
        (
            "required body missing",
            exchange("POST", &format!("{B}/pets"), json_ct(json!({})), None, None),
            vec![("required", "")],
        ),
        (
            "problem+json by its own schema",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({})),
                Some(r#"{"name": "Rex"}"#),
                Some(response(400, "application/problem+json", "{}")),
            ),
            vec![("required", "")],
        ),
        (
            "text body against a string schema",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({})),
                Some(r#"{"name": "Rex"}"#),
                Some(response(500, "text/plain", "internal server error, try later")),
            ),
            vec![("maxLength", "")],
        ),
        (
            "media type without a way to check it",
            exchange(
                "POST",
                &format!("{B}/pets"),
                json_ct(json!({})),
                Some(r#"{"name": "Rex"}"#),
                Some(response(201, "application/xml", "<pet/>")),
            ),
            vec![("unchecked", "")],
        ),
        (
            "body on a 204",
            exchange("GET", &format!("{B}/pets"), bearer(), None, Some(response(204, "application/json", "[]"))),
            vec![("body", "")],
        ),
        (
            "body on a HEAD response",
            exchange(
                "HEAD",
                &format!("{B}/pets/5"),
                json!({}),
                None,
                Some(response(200, "application/json", "{\"name\": \"Rex\"}")),
            ),
            vec![("body", "")],
        ),
        (
            "empty body where JSON is declared",
            exchange("GET", &format!("{B}/pets"), bearer(), None, Some(json!({"status": 200, "headers": {}}))),
            vec![("required", "")],
        ),
        (
            "oneOf: the leaf of the branch its tag selects, no cascade",
            exchange(
                "POST",
                &format!("{B}/pay"),
                json!({"Content-Type": "application/json"}),
                Some(r#"{"source": {"kind": "card", "number": "4242", "cvc": "12345"}}"#),
                None,
            ),
            vec![("maxLength", "/source/cvc"), ("unchecked", "")],
        ),
        (
            "mutual TLS cannot be seen in a capture",
            exchange(
                "POST",
                &format!("{B}/pay"),
                json!({"Content-Type": "application/json"}),
                Some(r#"{"source": {"kind": "bank", "iban": "DE00"}}"#),
                None,
            ),
            vec![("unchecked", "")],
        ),
        (
            "webhook, checked when named",
            json!({"operation": "webhook:petAdopted:post", "request": {"method": "POST", "url": "https://consumer.example/hooks", "headers": {"Content-Type": "application/json"}, "body": {"name": 5}}}),
            vec![("type", "/name")],
        ),
    ]
}

#[test]
fn each_exchange_gets_exactly_its_planted_findings() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let ndjson: String = cases.iter().map(|(_, e, _)| serde_json::to_string(e).unwrap() + "\n").collect();
    let file = dir.path().join("semantics.ndjson");
    std::fs::write(&file, ndjson).unwrap();
    let o = accord(&["check", "--schemas", &catalog(), "--format", "json", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut by_entry: BTreeMap<usize, BTreeSet<(String, String)>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let entry = d["entry"].as_u64().unwrap() as usize;
        let path = d["instancePath"].as_str().unwrap_or("").to_string();
        by_entry.entry(entry).or_default().insert((d["code"].as_str().unwrap().to_string(), path));
        assert!(d["line"].is_u64(), "every finding has a position: {d}");
    }
    let mut wrong = Vec::new();
    for (i, (label, _, expected)) in cases.iter().enumerate() {
        let expected: BTreeSet<(String, String)> =
            expected.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect();
        let got = by_entry.remove(&i).unwrap_or_default();
        if got != expected {
            wrong.push(format!("#{} {label}: expected {expected:?}, got {got:?}", i + 1));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let summary = &report["summary"];
    assert_eq!(summary["unrouted"], 1, "the host no server allows is routed by its path alone");
    assert_eq!(summary["unchecked"], 2, "the XML response and the valid mutual-TLS request: {summary}");
}

#[test]
fn list_shows_versions_and_webhooks_and_schema_shows_security() {
    let o = accord(&["list", "--schemas", &catalog()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("openapi.yaml") && text.contains("3.1.0") && text.contains("Semantics (1)"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("webhook:petAdopted:post") && l.contains("webhook petAdopted")),
        "{text}"
    );
    let o = accord(&["list", "--schemas", &catalog(), "--json"]);
    let ops: Value = serde_json::from_slice(&o.stdout).unwrap();
    let hook = ops.as_array().unwrap().iter().find(|op| op["kind"] == "webhook").unwrap();
    assert_eq!(hook["openapi"], "3.1.0");
    let o = accord(&["schema", "createPet", "--schemas", &catalog()]);
    let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        schema["security"][0]["schemes"][0],
        json!({"securityScheme": "headerKey", "type": "apiKey", "name": "X-API-Key", "in": "header"})
    );
    assert_eq!(schema["servers"], json!(["https://{region}.api.example.com/{basePath}"]));
    let o = accord(&["schema", "listPets", "--schemas", &catalog()]);
    let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(schema["parameters"]["query:filter"]["style"], "deepObject");
    assert_eq!(schema["parameters"]["query:ids"]["explode"], false);
}

#[test]
fn nothing_checked_is_said_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("elsewhere.ndjson");
    std::fs::write(
        &file,
        serde_json::to_string(&exchange("GET", "https://other.example/x", json!({}), None, None)).unwrap() + "\n",
    )
    .unwrap();
    let o = accord(&["check", "--schemas", &catalog(), file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "inputs held an exchange and nothing was checked");
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing was checked against the contract"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 matched no operation"));
    let o = accord(&["check", "--schemas", &catalog(), "--strict", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn planted_findings_read_well() {
    // One human rendering of the new diagnostics, reviewed as a specification.
    let dir = tempfile::tempdir().unwrap();
    let picks = [
        "bound is a bound",
        "repeated single value",
        "deepObject property",
        "neither alternative",
        "label style not followed",
        "form body",
        "body on a 204",
        "oneOf: the leaf of the branch its tag selects, no cascade",
        "host no server allows",
    ];
    let ndjson: String = cases()
        .into_iter()
        .filter(|(label, _, _)| picks.contains(label))
        .map(|(_, e, _)| serde_json::to_string(&e).unwrap() + "\n")
        .collect();
    let file = dir.path().join("picked.ndjson");
    std::fs::write(&file, ndjson).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir.path())
        .args(["check", "--schemas", &catalog(), "--color", "never", "picked.ndjson"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap().replace(&catalog(), "<catalog>");
    insta::assert_snapshot!("openapi_semantics_human", text);
}

#[test]
fn a_catalog_of_webhooks_only_says_what_it_can_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hooks.yaml"),
        "openapi: 3.1.0\ninfo: {title: Hooks, version: '1'}\nwebhooks:\n  ping:\n    post:\n      requestBody: {content: {application/json: {schema: {type: object, required: [id]}}}}\n      responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    let capture = dir.path().join("c.ndjson");
    let line = |op: Option<&str>| {
        let mut e = json!({"request": {"method": "POST", "url": "https://me.example/hook", "headers": {"Content-Type": "application/json"}, "body": {}}});
        if let Some(op) = op {
            e["operation"] = json!(op);
        }
        serde_json::to_string(&e).unwrap() + "\n"
    };
    std::fs::write(&capture, line(None)).unwrap();
    let schemas = dir.path().to_str().unwrap();
    let o = accord(&["check", "--schemas", schemas, "--strict", capture.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "nothing checked under --strict");
    assert!(String::from_utf8_lossy(&o.stderr).contains("only webhooks"));
    std::fs::write(&capture, line(Some("webhook:ping:post"))).unwrap();
    let o = accord(&["check", "--schemas", schemas, "--format", "json", capture.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["code"], "required", "the named webhook is checked: {report}");
}

#[test]
fn a_body_the_har_did_not_save_is_unchecked_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |content: Value| {
        json!({"request": {"method": "GET", "url": format!("{B}/pets"), "headers": [{"name": "Authorization", "value": "Bearer t"}, {"name": "Cookie", "value": "trace=abcd"}]},
               "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}], "content": content}})
    };
    let har = json!({"log": {"version": "1.2", "entries": [entry(json!({"size": 120, "mimeType": "application/json"})), entry(json!({"size": 0, "mimeType": "application/json"}))]}});
    let file = dir.path().join("saved-without-content.har");
    std::fs::write(&file, serde_json::to_string_pretty(&har).unwrap()).unwrap();
    let o = accord(&["check", "--schemas", &catalog(), "--format", "json", file.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(u64, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["entry"].as_u64().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [(0, "unchecked"), (1, "required")], "{report}");
    assert_eq!(report["summary"]["unchecked"], 1);
}
