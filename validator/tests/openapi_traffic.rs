//! Traffic as teams record it, through the binary: captures from a test host,
//! base64 bodies judged by their media type and charset, multipart parts by
//! OpenAPI's defaults, discriminators and OpenAPI's format registry.

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().unwrap()
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

/// (entry, code, instance path) of every finding of `severity`.
fn found(report: &Value, severity: &str) -> Vec<(u64, String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == severity)
        .map(|d| {
            (
                d["entry"].as_u64().unwrap_or(u64::MAX),
                d["code"].as_str().unwrap().to_string(),
                d["instancePath"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const CATALOG: &str = r##"openapi: 3.1.0
info: {title: shop, version: "1"}
servers: [{url: "https://api.shop.example/v1"}]
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
          multipart/form-data:
            schema:
              type: object
              required: [meta]
              properties:
                meta: {$ref: "#/components/schemas/Meta"}
                tags: {type: array, items: {$ref: "#/components/schemas/Meta"}}
                count: {type: integer}
                photo: {type: string, contentMediaType: image/png}
            encoding:
              photo:
                headers:
                  X-Checksum: {required: true, schema: {type: string, pattern: "^[0-9a-f]{8}$"}}
                  Content-Type: {required: true, schema: {type: string, enum: [image/gif]}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Shape"}
  /pets/{id}/photo:
    get:
      operationId: getPhoto
      parameters: [{name: id, in: path, required: true, schema: {type: integer, format: int32}}]
      responses:
        "200":
          description: the photo
          content:
            image/png: {schema: {type: string, maxLength: 100}}
            text/plain: {schema: {type: string, maxLength: 12}}
            application/json: {schema: {$ref: "#/components/schemas/Counts"}}
components:
  schemas:
    Pet:
      anyOf: [{$ref: "#/components/schemas/Dog"}, {$ref: "#/components/schemas/Cat"}]
      discriminator: {propertyName: petType, mapping: {doggo: "#/components/schemas/Dog"}}
    Dog:
      type: object
      required: [petType]
      properties: {petType: {type: string}, bark: {type: boolean}}
    Cat:
      type: object
      required: [petType]
      properties: {petType: {type: string}, lives: {type: integer, format: int32}}
    Shape:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
      discriminator: {propertyName: kind}
    Circle:
      allOf: [{$ref: "#/components/schemas/Shape"}, {properties: {radius: {type: number, format: float}}}]
    Square:
      allOf: [{$ref: "#/components/schemas/Shape"}]
    Meta:
      type: object
      required: [name]
      properties: {name: {type: string}, size: {type: integer, format: int64}}
    Counts:
      type: object
      properties:
        small: {type: integer, format: int32}
        big: {type: integer, format: int64}
        ratio: {type: number, format: float}
        exact: {type: number, format: double}
        blob: {type: string, format: byte}
"##;

fn catalog(dir: &Path) -> String {
    std::fs::write(dir.join("openapi.yaml"), CATALOG).unwrap();
    dir.to_str().unwrap().to_string()
}

fn ndjson(dir: &Path, name: &str, lines: &[Value]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    path.to_str().unwrap().to_string()
}

/// The JSON report of `accord check` on `file`, with the fast path and without it.
fn on_both_paths(schemas: &str, file: &str) -> [(bool, Value); 2] {
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--schemas", schemas, file];
        args.extend_from_slice(extra);
        report(&accord(&args))
    };
    [(true, run(&[])), (false, run(&["--no-fast-path"]))]
}

fn get_photo(url: &str) -> Value {
    json!({"request": {"method": "GET", "url": url}, "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"small": 1}}})
}

#[test]
fn test_hosts_route_with_server_and_by_path_alone_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let capture = ndjson(
        dir.path(),
        "local.ndjson",
        &[
            get_photo("http://localhost:8080/v1/pets/1/photo"),
            get_photo("http://localhost:8080/v1/pets/2/photo"),
            get_photo("http://staging.internal:9000/v1/pets/3/photo"),
            get_photo("http://localhost:8080/pets/4/photo"),
        ],
    );
    // Without --server: routed by path alone, one warning per host with its count.
    let o = accord(&["check", "--format", "json", "--schemas", &schemas, &capture]);
    let r = report(&o);
    assert_eq!(o.status.code(), Some(0));
    let warnings: Vec<&Value> = r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "server").collect();
    let messages: Vec<&str> = warnings.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("`localhost:8080` is a host no server")
            && messages[0].ends_with("(2 requests in this run)")
    );
    assert!(messages[1].starts_with("`staging.internal:9000`") && messages[1].ends_with("(1 request in this run)"));
    assert_eq!(
        (warnings[0]["entry"].as_u64(), warnings[0]["line"].as_u64()),
        (Some(0), Some(1)),
        "the first request to it"
    );
    // The base path is kept: /pets/4/photo is not under /v1.
    assert_eq!(r["summary"]["unrouted"], 1);
    // --server declares the test host, base path kept; a path prefix goes before it.
    let o =
        accord(&["check", "--format", "json", "--schemas", &schemas, "--server", "http://localhost:8080", &capture]);
    let r = report(&o);
    assert_eq!(found(&r, "warning").iter().filter(|f| f.1 == "server").count(), 1, "staging is still unlisted");
    let prefixed = ndjson(dir.path(), "prefixed.ndjson", &[get_photo("http://127.0.0.1:3000/gateway/v1/pets/1/photo")]);
    let o = accord(&[
        "check",
        "--format",
        "json",
        "--schemas",
        &schemas,
        "--server",
        "http://127.0.0.1:3000/gateway",
        &prefixed,
    ]);
    let r = report(&o);
    assert_eq!((r["summary"]["valid"].as_u64(), r["summary"]["unrouted"].as_u64()), (Some(2), Some(0)), "{r}");
    assert!(r["diagnostics"].as_array().unwrap().is_empty());
    // --strict refuses unlisted hosts; nothing checked is a failure that says why.
    let o = accord(&["check", "--strict", "--schemas", &schemas, &capture]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("nothing was checked against the contract: of 4 exchange(s), 4 matched no operation"),
        "{err}"
    );
    assert!(err.contains("declare it with --server URL"), "{err}");
    // Webhook-free catalog, HAR of a page only: nothing routed, exit 1 without --strict too.
    let page = ndjson(
        dir.path(),
        "page.ndjson",
        &[json!({"request": {"method": "GET", "url": "http://localhost:8080/index.html"}})],
    );
    let o = accord(&["check", "--schemas", &schemas, &page]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
}

/// A HAR of one GET of the photo, whose response content is `text` with `mime` (base64 when `b64`).
fn har(dir: &Path, name: &str, entries: &[(&str, String, bool)]) -> String {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(mime, text, b64)| {
            let mut content = json!({"mimeType": mime, "size": text.len(), "text": text});
            if *b64 {
                content["encoding"] = json!("base64");
            }
            json!({"request": {"method": "GET", "url": "https://api.shop.example/v1/pets/1/photo", "headers": [], "queryString": []},
                   "response": {"status": 200, "headers": [{"name": "Content-Type", "value": mime}], "content": content}})
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, json!({"log": {"version": "1.2", "entries": entries}}).to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn base64_bodies_are_judged_by_media_type_and_charset() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &[0xff, 0x00, 0xfe, 0x80][..]].concat();
    let path = har(
        dir.path(),
        "bodies.har",
        &[
            // Binary: judged by size, never decoded as text.
            ("image/png", b64(&png), true),
            ("image/png", b64(&[0x89; 101]), true),
            // Text in its charset: "café crème" in ISO-8859-1 is 10 bytes, valid; in
            // windows-1252 with 13 characters, too long; bytes that are not UTF-8.
            ("text/plain; charset=ISO-8859-1", b64(b"caf\xe9 cr\xe8me"), true),
            ("text/plain; charset=windows-1252", b64(b"\x93quoted\x94 text"), true),
            ("text/plain", b64(b"caf\xe9"), true),
            ("text/plain; charset=klingon", b64(b"abc"), true),
            // JSON must be text: UTF-8 by default.
            ("application/json", b64(b"{\"small\": \"\xff\"}"), true),
            ("application/json", b64(br#"{"small": 1}"#), true),
        ],
    );
    let o = accord(&["check", "--format", "json", "--schemas", &schemas, &path]);
    let r = report(&o);
    let errors = found(&r, "error");
    assert_eq!(
        errors,
        [
            (1, "maxLength".to_string(), String::new()),
            (3, "maxLength".to_string(), String::new()),
            (4, "encoding".to_string(), String::new()),
            (5, "encoding".to_string(), String::new()),
            (6, "encoding".to_string(), String::new()),
        ],
        "{r}"
    );
    let messages: Vec<&str> =
        r["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("is 101 bytes; the contract allows at most 100")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("not UTF-8 (at byte 3)")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("charset `klingon`, which is not a known encoding")), "{messages:?}");
    assert_eq!(r["summary"]["valid"].as_u64(), Some(8 + 3), "eight requests and three responses: {r}");
}

#[test]
fn multipart_parts_follow_openapi_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let part = |name: &str, headers: &str, body: &str| {
        format!("--XX\r\nContent-Disposition: form-data; name=\"{name}\"{headers}\r\n\r\n{body}\r\n")
    };
    let upload = |parts: &[String]| {
        json!({"request": {"method": "POST", "url": "https://api.shop.example/v1/pets",
            "headers": {"Content-Type": "multipart/form-data; boundary=XX"}, "bodyText": format!("{}--XX--\r\n", parts.concat())}})
    };
    let path = ndjson(
        dir.path(),
        "uploads.ndjson",
        &[
            // An object part and an array of object parts without a Content-Type: JSON.
            upload(&[
                part("meta", "", r#"{"name": "rex", "size": 3}"#),
                part("tags", "", r#"{"name": "a"}"#),
                part("tags", "", r#"{"name": "b"}"#),
                part("count", "", "2"),
            ]),
            // Violations inside the parts are found.
            upload(&[part("meta", "", r#"{"size": 3}"#), part("tags", "", r#"{"name": 5}"#)]),
            // A part that says it is text is read as text: `meta` is then a string.
            upload(&[part("meta", "\r\nContent-Type: text/plain", r#"{"name": "rex"}"#)]),
            // A primitive stays text typed by its schema; binary data stays a string.
            upload(&[
                part("meta", "", r#"{"name": "x"}"#),
                part("count", "", "two"),
                part("photo", "; filename=\"a.png\"\r\nContent-Type: image/png\r\nX-Checksum: 0badf00d", "\u{fffd}PNG"),
            ]),
            // `encoding.headers`: a part without the header it requires, and one whose
            // header breaks its schema (a `Content-Type` there is ignored, as OpenAPI says).
            upload(&[part("meta", "", r#"{"name": "x"}"#), part("photo", "; filename=\"a.png\"", "x")]),
            upload(&[
                part("meta", "", r#"{"name": "x"}"#),
                part("photo", "; filename=\"a.png\"\r\nx-checksum: NOT-HEX", "x"),
            ]),
        ],
    );
    let o = accord(&["check", "--format", "json", "--schemas", &schemas, &path]);
    let r = report(&o);
    assert_eq!(
        found(&r, "error"),
        [
            (1, "required".to_string(), "/meta".to_string()),
            (1, "type".to_string(), "/tags/0/name".to_string()),
            (2, "type".to_string(), "/meta".to_string()),
            (3, "type".to_string(), "/count".to_string()),
            (4, "required".to_string(), "/photo".to_string()),
            (5, "pattern".to_string(), "/photo".to_string()),
        ],
        "{r}"
    );
    let messages: Vec<&str> =
        r["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"part `photo` has no `X-Checksum` header, which it requires"), "{messages:?}");
}

fn add_pet(body: Value) -> Value {
    json!({"request": {"method": "POST", "url": "https://api.shop.example/v1/pets", "headers": {"Content-Type": "application/json"}, "body": body}})
}

fn shape(body: Value) -> Value {
    json!({"request": {"method": "POST", "url": "https://api.shop.example/v1/pets", "headers": {"Content-Type": "application/json"}, "body": {"petType": "Cat"}},
           "response": {"status": 201, "headers": {"Content-Type": "application/json"}, "body": body}})
}

#[test]
fn discriminator_values_must_name_a_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let path = ndjson(
        dir.path(),
        "pets.ndjson",
        &[
            add_pet(json!({"petType": "Dog", "bark": true})),
            add_pet(json!({"petType": "doggo"})),
            add_pet(json!({"petType": "Bird"})),
            shape(json!({"kind": "Circle", "radius": 2.5})),
            shape(json!({"kind": "Shape"})),
            shape(json!({"kind": "Squar"})),
        ],
    );
    for (fast, r) in on_both_paths(&schemas, &path) {
        assert_eq!(
            found(&r, "error"),
            [
                (2, "discriminator".to_string(), "/petType".to_string()),
                (5, "discriminator".to_string(), "/kind".to_string())
            ],
            "fast path {fast}: {r}"
        );
        let d: Vec<&Value> =
            r["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "discriminator").collect();
        assert_eq!(
            d[0]["message"],
            "`petType` is \"Bird\", which names no schema of its discriminator; it names one of: \"Cat\", \"Dog\", \"doggo\""
        );
        assert_eq!(d[1]["help"], "did you mean \"Square\"?");
        assert!(d[1]["schemaPath"].as_str().unwrap().ends_with("#/components/schemas/Shape/discriminator"));
    }
}

#[test]
fn openapi_formats_are_ranges_and_base64() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let counts = |body: Value| {
        json!({"request": {"method": "GET", "url": "https://api.shop.example/v1/pets/1/photo"},
               "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}})
    };
    let path = ndjson(
        dir.path(),
        "counts.ndjson",
        &[
            counts(
                json!({"small": 2147483647, "big": 9223372036854775807_i64, "ratio": 3.0e38, "exact": 1.7e308, "blob": "aGk="}),
            ),
            counts(json!({"small": 3000000000_u64})),
            counts(json!({"small": -2147483649_i64})),
            counts(json!({"big": 9223372036854775808_u64})),
            counts(json!({"ratio": 3.5e38})),
            counts(json!({"blob": "not base64!"})),
            json!({"request": {"method": "GET", "url": "https://api.shop.example/v1/pets/4294967296/photo"}}),
        ],
    );
    for (fast, r) in on_both_paths(&schemas, &path) {
        assert_eq!(
            found(&r, "error"),
            [
                (1, "format".to_string(), "/small".to_string()),
                (2, "format".to_string(), "/small".to_string()),
                (3, "format".to_string(), "/big".to_string()),
                (4, "format".to_string(), "/ratio".to_string()),
                (5, "format".to_string(), "/blob".to_string()),
                (6, "format".to_string(), "/id".to_string()),
            ],
            "fast path {fast}: {r}"
        );
        let first = &r["diagnostics"][0];
        assert_eq!(
            first["message"],
            "`small` is 3000000000, which is not int32 (a 32-bit signed integer, -2147483648 to 2147483647)"
        );
        assert!(first["schemaPath"].as_str().unwrap().ends_with("#/components/schemas/Counts/properties/small/format"));
    }
}

#[test]
fn new_findings_read_as_specified() {
    // Snapshot of the human report for the findings this work added.
    let dir = tempfile::tempdir().unwrap();
    let schemas = catalog(dir.path());
    let path = ndjson(
        dir.path(),
        "new.ndjson",
        &[
            get_photo("http://localhost:8080/v1/pets/1/photo"),
            add_pet(json!({"petType": "Bird"})),
            shape(json!({"kind": "Squar"})),
            json!({"request": {"method": "GET", "url": "https://api.shop.example/v1/pets/1/photo"},
                   "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"small": 3000000000_u64}}}),
        ],
    );
    let o = accord(&["check", "--color", "never", "--schemas", &schemas, &path]);
    let text = String::from_utf8_lossy(&o.stdout).replace(dir.path().to_str().unwrap(), "<dir>");
    insta::assert_snapshot!("openapi_traffic_new_findings", text);
}
