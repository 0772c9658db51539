//! Redaction, proven: a canary corpus in which every sensitive field and
//! header holds a unique marker, in every kind of input and every kind of
//! error, rendered by the `accord` binary in every output format (stdout and
//! `--output` files); no marker may appear in stdout, stderr or any file.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Property names marked `x-accord-sensitive` anywhere in the catalog, and sensitive header names.
fn sensitive_names() -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut fields, mut headers) = (BTreeSet::new(), BTreeSet::new());
    for file in json_files(&repo().join("schemas")) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut stack = vec![&doc];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(m) => {
                    if let Some(props) = m.get("properties").and_then(Value::as_object) {
                        for (name, s) in props {
                            if s.get("x-accord-sensitive").is_some() {
                                fields.insert(name.clone());
                            }
                        }
                    }
                    if m.get("in").and_then(Value::as_str) == Some("header")
                        && m.get("schema").and_then(|s| s.get("x-accord-sensitive")).is_some()
                    {
                        headers.insert(m["name"].as_str().unwrap().to_string());
                    }
                    stack.extend(m.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
    }
    headers.extend(["Authorization", "Cookie", "Signature", "sign", "access_token", "X-Api-Key"].map(String::from));
    (fields, headers)
}

struct Canaries(usize);

impl Canaries {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("zzCANARY{:04}zz", self.0)
    }
}

/// Puts markers in `v`: every sensitive property (replaced with a marker, or a
/// marker of the wrong type or length), and every sensitive name added to every
/// object (an unknown property in strict objects).
fn plant(v: &mut Value, fields: &BTreeSet<String>, c: &mut Canaries, mode: usize) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if fields.contains(k) {
                    *x = match mode % 4 {
                        0 => Value::String(c.next()),
                        1 => Value::String(c.next().repeat(30)),
                        2 => json!({ "nested": c.next() }),
                        _ => json!([c.next(), 7]),
                    };
                } else {
                    plant(x, fields, c, mode);
                }
            }
            if mode % 2 == 1 {
                for f in fields {
                    m.entry(f.clone()).or_insert_with(|| Value::String(c.next()));
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| plant(x, fields, c, mode)),
        _ => {}
    }
}

#[test]
fn no_sensitive_value_reaches_any_output() {
    let (fields, headers) = sensitive_names();
    assert!(fields.len() >= 8 && headers.len() >= 6, "{fields:?} {headers:?}");
    let mut c = Canaries(0);
    let dir = tempfile::tempdir().unwrap();
    let mut envelopes = Vec::new();
    let mut har_entries = Vec::new();
    for fixture in
        json_files(&repo().join("tests/fixtures")).into_iter().filter(|f| f.to_string_lossy().contains("/valid/"))
    {
        let op = fixture.parent().unwrap().parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let payload: Value = serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
        for mode in 0..4 {
            let mut body = payload.clone();
            plant(&mut body, &fields, &mut c, mode);
            let header_list: Vec<Value> =
                headers.iter().map(|h| json!({"name": h, "value": format!("Bearer {}", c.next())})).collect();
            let header_map: serde_json::Map<String, Value> =
                headers.iter().map(|h| (h.clone(), Value::String(c.next()))).collect();
            let query = format!("user_id={}&secret={}&mall_code=m&shop_code=s", c.next(), c.next());
            if name.starts_with("request") {
                envelopes.push(json!({"operation": op, "request": {"method": "POST", "url": format!("/x?{query}"), "headers": header_map, "body": body}}));
                // The same body as text, broken off in the middle of a marker.
                let text = serde_json::to_string(&body).unwrap();
                let cut = text.find("CANARY").map_or(text.len() / 2, |i| i + 4);
                envelopes.push(
                    json!({"operation": op, "request": {"method": "POST", "url": "/x", "bodyText": &text[..cut]}}),
                );
                har_entries.push(json!({
                    "request": {"method": "POST", "url": format!("https://api.example/v2/pos/syncStore?{query}"), "headers": header_list,
                        "queryString": [], "postData": {"mimeType": "application/json", "text": serde_json::to_string(&body).unwrap()}},
                    "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": c.next()}], "content": {"mimeType": "application/json", "text": "{}"}}
                }));
            } else {
                let status: u16 =
                    name.split("--").next().unwrap().trim_start_matches("response-").parse().unwrap_or(200);
                envelopes
                    .push(json!({"operation": op, "request": {"method": "POST", "url": "/x", "headers": header_map},
                    "response": {"status": status, "headers": {"Set-Cookie": c.next()}, "body": body}}));
            }
        }
    }
    let ndjson: String = envelopes.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
    std::fs::write(dir.path().join("canary.ndjson"), &ndjson).unwrap();
    for (i, e) in envelopes.iter().take(40).enumerate() {
        std::fs::write(dir.path().join(format!("envelope-{i:02}.json")), serde_json::to_string_pretty(e).unwrap())
            .unwrap();
    }
    let har = json!({"log": {"version": "1.2", "entries": har_entries}});
    std::fs::write(dir.path().join("canary.har"), serde_json::to_string_pretty(&har).unwrap()).unwrap();
    assert!(c.0 > 1000, "{} markers planted", c.0);

    let inputs = dir.path().to_str().unwrap().to_string();
    let out_dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "junit"] {
        for extra in [&[][..], &["--color", "always"][..], &["--quiet"][..], &["--strict"][..]] {
            let mut args = vec!["check", "--format", format, &inputs];
            args.extend_from_slice(extra);
            let o = Command::new(env!("CARGO_BIN_EXE_accord")).args(&args).output().unwrap();
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
            outputs.push((format!("{args:?} stdout"), o.stdout));
            outputs.push((format!("{args:?} stderr"), o.stderr));
        }
        let file = out_dir.path().join(format!("report.{format}"));
        let o = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["check", "--format", format, "--output", file.to_str().unwrap(), &inputs])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        outputs.push((format!("{format} --output stderr"), o.stderr));
        outputs.push((format!("{format} --output file"), std::fs::read(&file).unwrap()));
    }
    let mut checked = 0;
    for (what, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        checked += text.len();
        if let Some(i) = text.find("CANARY") {
            let around: String = text[i.saturating_sub(200)..(i + 60).min(text.len())].to_string();
            panic!("{what} leaks a sensitive value:\n...{around}...");
        }
    }
    assert!(checked > 1_000_000, "the outputs were substantial ({checked} bytes)");
}

/// OpenAPI's own means of secrecy: `writeOnly`, `format: password`, and the
/// header, query parameter and cookie of apiKey security schemes. Markers in
/// each, breaking its schema so a diagnostic is about it, in envelopes, NDJSON
/// and HAR; no output format may show one.
#[test]
fn openapi_marks_of_secrecy_are_honoured() {
    let schemas = tempfile::tempdir().unwrap();
    std::fs::write(
        schemas.path().join("openapi.yaml"),
        r##"openapi: 3.1.0
info: {title: Canary payments, version: "1"}
components:
  securitySchemes:
    queryKey: {type: apiKey, in: query, name: api_key}
    headerKey: {type: apiKey, in: header, name: X-Partner-Key}
    cookieKey: {type: apiKey, in: cookie, name: sid}
  schemas:
    Payment:
      type: object
      additionalProperties: false
      required: [card]
      properties:
        card: {type: string, writeOnly: true, pattern: "^[0-9]{16}$"}
        cvc: {type: string, writeOnly: true, maxLength: 4}
        password: {type: string, format: password, minLength: 60}
        pin: {$ref: "#/components/schemas/Pin"}
        note: {type: string}
    Pin: {type: string, format: password, enum: ["0000"]}
security:
  - queryKey: []
    headerKey: []
    cookieKey: []
paths:
  /pay:
    post:
      operationId: pay
      parameters:
        - {name: api_key, in: query, schema: {type: string, maxLength: 3}}
        - {name: X-Partner-Key, in: header, schema: {type: string, maxLength: 3}}
        - {name: sid, in: cookie, schema: {type: string, maxLength: 3}}
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "#/components/schemas/Payment"}}
          application/x-www-form-urlencoded: {schema: {$ref: "#/components/schemas/Payment"}}
      responses:
        "200": {description: ok}
"##,
    )
    .unwrap();
    let captures = tempfile::tempdir().unwrap();
    let mut c = Canaries(0);
    let mut envelopes = Vec::new();
    let mut har_entries = Vec::new();
    for mode in 0..6 {
        let body = json!({
            "card": c.next(),
            "cvc": c.next(),
            "password": c.next(),
            "pin": c.next(),
            "note": "fine",
        });
        let url = format!("https://pay.example/pay?api_key={}", c.next());
        let headers = json!({"X-Partner-Key": c.next(), "Cookie": format!("sid={}", c.next()), "Content-Type": "application/json"});
        let request = match mode % 3 {
            0 => json!({"method": "POST", "url": url, "headers": headers, "body": body}),
            1 => {
                json!({"method": "POST", "url": url, "headers": headers, "bodyText": serde_json::to_string(&body).unwrap()})
            }
            _ => {
                let mut h = headers.clone();
                h["Content-Type"] = json!("application/x-www-form-urlencoded");
                let form = format!("card={}&cvc={}&password={}&pin={}", c.next(), c.next(), c.next(), c.next());
                json!({"method": "POST", "url": url, "headers": h, "bodyText": form})
            }
        };
        envelopes.push(json!({"request": request, "response": {"status": 200}}));
        let har_headers: Vec<Value> = [("X-Partner-Key", c.next()), ("Cookie", format!("sid={}", c.next()))]
            .into_iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect();
        har_entries.push(json!({
            "request": {"method": "POST", "url": format!("https://pay.example/pay?api_key={}", c.next()), "headers": har_headers,
                "postData": {"mimeType": "application/json", "text": serde_json::to_string(&json!({"card": c.next(), "cvc": c.next(), "pin": c.next()})).unwrap()}},
            "response": {"status": 200, "headers": [], "content": {"size": 0}}
        }));
    }
    let ndjson: String = envelopes.iter().map(|e| serde_json::to_string(e).unwrap() + "\n").collect();
    std::fs::write(captures.path().join("pay.ndjson"), ndjson).unwrap();
    std::fs::write(captures.path().join("one.json"), serde_json::to_string_pretty(&envelopes[0]).unwrap()).unwrap();
    let har = json!({"log": {"version": "1.2", "entries": har_entries}});
    std::fs::write(captures.path().join("pay.har"), serde_json::to_string_pretty(&har).unwrap()).unwrap();

    let schemas_arg = schemas.path().to_str().unwrap();
    let inputs = captures.path().to_str().unwrap();
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let o = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["check", "--schemas", schemas_arg, "--format", format, inputs])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        outputs.push((format, o.stdout));
        outputs.push((format, o.stderr));
    }
    for (what, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        if let Some(i) = text.find("CANARY") {
            panic!("{what} leaks a sensitive value: ...{}...", &text[i.saturating_sub(200)..(i + 40).min(text.len())]);
        }
    }
    // The markers were judged, not skipped: every secret field and key broke its schema.
    let report: Value = serde_json::from_slice(&outputs[2].1).unwrap();
    let found: BTreeSet<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["instancePath"].as_str().unwrap_or("").to_string()))
        .collect();
    for expected in [
        ("pattern", "/card"),
        ("maxLength", "/cvc"),
        ("minLength", "/password"),
        ("enum", "/pin"),
        ("maxLength", "/api_key"),
        ("maxLength", "/X-Partner-Key"),
        ("maxLength", "/sid"),
    ] {
        assert!(found.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} not in {found:?}");
    }
}
