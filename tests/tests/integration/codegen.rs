//! The generator on the whole catalog (snapshot of the generated source,
//! nothing left validator-only, deterministic output) and on broken schemas
//! (an error naming the file and JSON pointer, never a panic).

use accord_codegen::{ErrorKind, Generator};
use accord_tests::repo_root;
use std::path::Path;

fn generate(dir: &Path) -> Result<accord_codegen::Generated, accord_codegen::Error> {
    Generator::new().schema_dir(dir).generate()
}

#[test]
fn whole_catalog_snapshot() {
    // As generated/build.rs does: the built-in catalog asserts `format`.
    let generated = Generator::new().schema_dir(repo_root().join("schemas")).assert_formats(true).generate().unwrap();
    assert!(
        generated.validator_only.is_empty(),
        "the built-in catalog has unenforced keywords: {:?}",
        generated.validator_only
    );
    assert_eq!(generated.operations, 5);
    insta::assert_snapshot!("generated_catalog", generated.source);
}

#[test]
fn output_is_deterministic_and_reads_every_file() {
    let a = generate(&repo_root().join("schemas")).unwrap();
    let b = generate(&repo_root().join("schemas")).unwrap();
    assert_eq!(a.source, b.source);
    let read: Vec<String> = a.files_read.iter().map(|p| p.display().to_string()).collect();
    for file in ["dstore/common.schema.json", "tuya/openapi.json", "zonos/order-numbers.schema.json"] {
        assert!(read.iter().any(|r| r.ends_with(file)), "{file} not reported for rerun-if-changed");
    }
}

/// Writes `files` into a fresh schema directory.
fn schemas(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn error_of(files: &[(&str, &str)]) -> accord_codegen::Error {
    let dir = schemas(files);
    match generate(dir.path()) {
        Ok(_) => panic!("{files:?} should not generate"),
        Err(e) => e,
    }
}

#[test]
fn broken_schemas_name_the_file_and_pointer() {
    let e = error_of(&[(
        "a.json",
        r##"{"$defs": {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/Missing"}}}}}"##,
    )]);
    assert!(matches!(e.kind, ErrorKind::DanglingRef(_)), "{e}");
    assert_eq!(e.to_string(), "a.json#/$defs/A/properties/b: `$ref` #/$defs/Missing points at nothing");

    let e = error_of(&[("p/a.json", r#"{"$defs": {"A": {"type": "strng"}}}"#)]);
    assert_eq!(e.file.as_deref(), Some("p/a.json"));
    assert_eq!(e.pointer.as_deref(), Some("/$defs/A"));
    assert!(e.to_string().contains("\"strng\" is not a JSON Schema type"), "{e}");

    let e = error_of(&[("a.json", r#"{"$defs": {"A": {"required": "x"}}}"#)]);
    assert!(e.to_string().starts_with("a.json#/$defs/A: invalid `required`"), "{e}");

    let e = error_of(&[("a.json", r#"{"$defs": {"A": {"type": "string", "pattern": "(unclosed"}}}"#)]);
    assert!(matches!(e.kind, ErrorKind::Pattern { .. }) && e.to_string().starts_with("a.json#/$defs/A"), "{e}");

    let e = error_of(&[("a.json", "{not json")]);
    assert!(e.to_string().starts_with("a.json: not JSON"), "{e}");

    let e = error_of(&[("a.json", r#"{"$defs": {"A": {"$ref": "../outside.json"}}}"#)]);
    assert!(matches!(e.kind, ErrorKind::RefOutsideRoot(_)), "{e}");
    let e = error_of(&[("a.json", r#"{"$defs": {"A": {"$ref": "https://example.com/s.json"}}}"#)]);
    assert!(matches!(e.kind, ErrorKind::RefOutsideRoot(_)), "{e}");
}

#[test]
fn name_clashes_are_reported_or_resolved_predictably() {
    // Two $defs that would be the same type in one module: an error naming both.
    let e = error_of(&[
        ("m/a.json", r#"{"$defs": {"Order": {"type": "string", "minLength": 1}}}"#),
        ("m/b.json", r#"{"$defs": {"order": {"type": "integer"}}}"#),
    ]);
    assert!(matches!(e.kind, ErrorKind::NameClash { .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains("m/b.json#/$defs/order") && text.contains("m/a.json#/$defs/Order"), "{text}");
    // The same $defs name in two folders: two modules, no clash.
    let dir = schemas(&[
        ("x/a.json", r#"{"$defs": {"Order": {"type": "string", "minLength": 1}}}"#),
        ("y/a.json", r#"{"$defs": {"Order": {"type": "integer", "minimum": 1}}}"#),
    ]);
    let source = generate(dir.path()).unwrap().source;
    assert!(source.contains("pub mod x") && source.contains("pub mod y"));
    // An inline type whose natural name is taken by a $def gets a number.
    let dir = schemas(&[(
        "a.json",
        r#"{"$defs": {
            "Order": {"type": "object", "properties": {"status": {"type": "string", "enum": ["a", "b"]}}},
            "OrderStatus": {"type": "string", "minLength": 2}
        }}"#,
    )]);
    let source = generate(dir.path()).unwrap().source;
    assert!(source.contains("pub struct OrderStatus(") && source.contains("pub enum OrderStatus2"), "{source}");
}

#[test]
fn recursive_types_are_boxed_and_ref_cycles_are_errors() {
    let dir = schemas(&[(
        "tree.json",
        r##"{"$defs": {"Node": {"type": "object", "properties": {
            "value": {"type": "integer"},
            "parent": {"$ref": "#/$defs/Node"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
        }, "required": ["value"]}}}"##,
    )]);
    let source = generate(dir.path()).unwrap().source;
    assert!(source.contains("pub parent: ::std::option::Option<::std::boxed::Box<Node>>"), "{source}");
    assert!(source.contains("pub children: ::std::option::Option<::std::vec::Vec<Node>>"), "{source}");

    let e = error_of(&[("a.json", r##"{"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}}"##)]);
    assert!(matches!(e.kind, ErrorKind::RefCycle(_)), "{e}");
    assert!(e.to_string().contains("a.json#/$defs/A"), "{e}");
}

#[test]
fn unsupported_keywords_are_listed_not_fatal() {
    let dir = schemas(&[(
        "a.json",
        r#"{"$defs": {"A": {"type": "object", "properties": {
            "mail": {"type": "string", "format": "email"},
            "items": {"type": "array", "unevaluatedItems": false}
        }}}}"#,
    )]);
    let generated = Generator::new().schema_dir(dir.path()).assert_formats(true).generate().unwrap();
    let listed: Vec<String> =
        generated.validator_only.iter().map(|u| format!("{} {}", u.loc.display(), u.keyword)).collect();
    assert!(listed.iter().any(|l| l.contains("/properties/mail/format") && l.ends_with("format")), "{listed:?}");
    assert!(listed.iter().any(|l| l.ends_with("unevaluatedItems")), "{listed:?}");
    // Without asking, 2020-12 makes `format` an annotation: nothing to enforce, nothing listed.
    let generated = generate(dir.path()).unwrap();
    assert!(!generated.validator_only.iter().any(|u| u.keyword == "format"), "{:?}", generated.validator_only);
}

#[test]
fn the_generator_never_fetches_a_schema() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://127.0.0.1:{}/schema.json", listener.local_addr().unwrap().port());
    let e = error_of(&[("a.json", &format!(r#"{{"$defs": {{"A": {{"$ref": "{url}"}}}}}}"#))]);
    assert!(matches!(e.kind, ErrorKind::RefOutsideRoot(_)), "{e}");
    assert!(matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock), "something connected");
}

#[test]
fn errors_read_the_same_in_debug_so_a_build_script_shows_a_message() {
    // `fn main() -> Result<(), Box<dyn Error>>` in build.rs prints the error with `Debug`.
    let e = error_of(&[("a.json", r##"{"$defs": {"A": {"$ref": "#/$defs/Missing"}}}"##)]);
    assert_eq!(format!("{e:?}"), e.to_string());
    assert_eq!(e.to_string(), "a.json#/$defs/A: `$ref` #/$defs/Missing points at nothing");
}

#[test]
fn references_by_id_anchor_and_served_uris_generate() {
    let dir = schemas(&[
        (
            "root/order.schema.json",
            r##"{"$id": "https://example.com/order.json", "type": "object", "required": ["id", "total"],
                "properties": {"id": {"$ref": "#id"}, "total": {"$ref": "https://shared.example.com/money.json"},
                               "note": {"$ref": "https://cdn.example.com/v1/note.json"}},
                "$defs": {"Id": {"$anchor": "id", "type": "string", "maxLength": 4}}}"##,
        ),
        ("shared/money.json", r#"{"$id": "https://shared.example.com/money.json", "type": "integer", "minimum": 0}"#),
        ("cdn/v1/note.json", r#"{"type": "string", "pattern": "^(?!secret).*$"}"#),
    ]);
    let d = dir.path();
    // Without the extra documents the reference is refused, naming it.
    let e = Generator::new().schema_dir(d.join("root")).generate().unwrap_err();
    assert!(matches!(e.kind, ErrorKind::RefOutsideRoot(_)), "{e}");
    assert!(e.to_string().contains("https://"), "{e}");
    let generated = Generator::new()
        .schema_dir(d.join("root"))
        .resolve(d.join("shared/money.json"))
        .map("https://cdn.example.com/", d.join("cdn"))
        .generate()
        .unwrap();
    assert_eq!(generated.root_types, [("order.schema.json".to_string(), "Order".to_string())]);
    // Only the root's own documents name types; a served document is reached through the root.
    assert!(generated.source.contains("pub struct Order"), "{}", generated.source);
    assert!(generated.validator_only.is_empty(), "{:?}", generated.validator_only);
    let read: Vec<String> = generated.files_read.iter().map(|p| p.display().to_string()).collect();
    assert!(read.iter().any(|r| r.ends_with("shared/money.json")) && read.iter().any(|r| r.ends_with("note.json")));
}

#[test]
fn format_follows_the_dialect_unless_asked() {
    let draft7 = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "string", "format": "date"}"#;
    let draft2020 =
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string", "format": "date"}"#;
    for (schema, asserted) in [(draft7, true), (draft2020, false)] {
        let dir = schemas(&[("d.json", schema)]);
        let default = Generator::new().schema_dir(dir.path()).generate().unwrap().source;
        let forced = Generator::new().schema_dir(dir.path()).assert_formats(true).generate().unwrap().source;
        assert_eq!(default.contains("rt::is_date("), asserted, "{schema}");
        assert!(forced.contains("rt::is_date("), "{schema}");
    }
}

#[test]
fn openapi_3_0_documents_generate_with_3_1_semantics() {
    // The generator reads through the same catalog as the validator, so a 3.0
    // `nullable` is an `Option` and a boolean `exclusiveMinimum` a bound.
    let dir = schemas(&[(
        "shop/openapi.json",
        r##"{"openapi": "3.0.3", "info": {"title": "shop", "version": "1"}, "paths": {"/items": {"post": {
                "operationId": "addItem", "responses": {"200": {"description": "ok"}},
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}},
            "components": {"schemas": {"Item": {"type": "object", "required": ["name", "price"], "properties": {
                "name": {"type": "string", "nullable": true},
                "price": {"type": "number", "minimum": 5, "exclusiveMinimum": true}}}}}}"##,
    )]);
    let root = dir.path().join("shop/openapi.json");
    let text = std::fs::read_to_string(&root).unwrap();
    let generated = generate(dir.path()).unwrap();
    assert!(
        generated.source.contains("pub name: ::std::option::Option<::std::string::String>"),
        "{}",
        generated.source
    );
    assert!(generated.source.contains("\"must be greater than 5\""), "{}", generated.source);
    assert_eq!(std::fs::read_to_string(&root).unwrap(), text, "the file is never modified");
}

#[test]
fn a_bad_rule_stops_the_generator_as_it_stops_the_validator() {
    // Not CEL; unknown name; a field the closed object cannot have: each names file, pointer and column.
    for (rule, want) in [
        ("self.a >", "a.json#/$defs/A/x-accord-rules/0/rule: rule `r`: syntax error in `rule` at 1:"),
        ("self.a == other", "a.json#/$defs/A/x-accord-rules/0/rule: rule `r`: unknown variable in `rule` at 1:11"),
        ("self.b == 1", "a.json#/$defs/A/x-accord-rules/0/rule: rule `r`: type error in `rule` at 1:"),
    ] {
        let schema = serde_json::json!({"$defs": {"A": {"type": "object", "properties": {"a": {"type": "integer"}},
            "additionalProperties": false, "x-accord-rules": [{"id": "r", "rule": rule}]}}});
        let e = error_of(&[("a.json", &schema.to_string())]);
        assert!(e.to_string().contains(want), "{rule}: {e}");
    }
    // Rules no type reaches still stop it (a build must not pass with a rule the validator refuses).
    let e = error_of(&[(
        "a.json",
        r#"{"$defs": {"Unused": {"x-accord-rules": [{"id": "r", "rule": "nope"}]}, "A": {"type": "string"}}}"#,
    )]);
    assert!(e.to_string().contains("unknown variable"), "{e}");
}
