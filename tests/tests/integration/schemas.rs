//! The schema documents themselves: valid 2020-12, compilable, every `$ref`
//! resolves, every operation complete. Failures name the file and pointer.

use accord_tests::{files_with_extension, repo_root};
use accord_validator::contract::{Catalog, Location, SchemaRoot};
use accord_validator::validate::compile;
use serde_json::Value;

fn schema_files() -> Vec<(String, Value)> {
    let root = repo_root().join("schemas");
    files_with_extension(&root, "json")
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schemas/{rel}: not JSON: {e}"));
            (rel, value)
        })
        .collect()
}

#[test]
fn every_schema_is_valid_draft_2020_12() {
    let files = schema_files();
    let schemas: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(".schema.json")).collect();
    assert_eq!(schemas.len(), 6, "one schema per operation plus D-Store's common file");
    for (path, value) in schemas {
        assert_eq!(value["$schema"], "https://json-schema.org/draft/2020-12/schema", "schemas/{path}: $schema");
        if let Err(e) = jsonschema::meta::validate(value) {
            panic!("schemas/{path}#{}: not a valid 2020-12 schema: {e}", e.instance_path());
        }
        let source = &value["x-accord-source"]["seed"];
        assert!(
            source.as_str().is_some_and(|s| s.contains(".txt")),
            "schemas/{path}: x-accord-source names no seed file"
        );
    }
}

#[test]
fn every_definition_compiles() {
    let catalog = Catalog::load(&repo_root().join("schemas")).unwrap();
    let mut compiled = 0;
    for doc in catalog.root.documents() {
        let path = &doc.path;
        for name in doc.value.get("$defs").and_then(Value::as_object).into_iter().flat_map(|d| d.keys()) {
            let uri = catalog.root.uri_of(&Location::document(path.clone()).join("$defs").join(name));
            compile(&catalog, &uri, true)
                .unwrap_or_else(|e| panic!("schemas/{path}#/$defs/{name}: does not compile: {e}"));
            compiled += 1;
        }
    }
    assert!(compiled >= 40, "only {compiled} definitions compiled");
}

fn refs(value: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref"
                    && let Some(r) = v.as_str()
                {
                    out.push((pointer.clone(), r.to_string()));
                }
                refs(v, format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves() {
    let root = SchemaRoot::dir(&repo_root().join("schemas")).unwrap();
    let mut checked = 0;
    for doc in root.documents() {
        let path = &doc.path;
        let mut found = Vec::new();
        refs(&doc.value, String::new(), &mut found);
        for (pointer, reference) in found {
            let from = Location { file: path.clone(), pointer: pointer.clone() };
            let target = root
                .resolve(&from, &reference)
                .unwrap_or_else(|e| panic!("schemas/{path}#{pointer}: $ref {reference:?} does not resolve: {e}"));
            assert!(root.get(&target).is_some(), "schemas/{path}#{pointer}: $ref {reference:?} points at nothing");
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} refs found");
}

#[test]
fn every_operation_has_request_and_response_schemas() {
    let catalog = super::catalog();
    let ids: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "dstore.inquireOrderDetail",
            "dstore.syncStore",
            "tuya.queryOrderDetails",
            "xoxoday.getOrderDetails",
            "zonos.orderNumbers"
        ]
    );
    for op in &catalog.operations {
        let request_schema =
            op.request_body.as_ref().map(|b| b.media.iter().any(|m| m.is_json() && m.schema_uri.is_some()));
        match request_schema {
            Some(has) => assert!(has, "{}: request body has no JSON schema ({})", op.id, op.source),
            None => assert!(!op.parameters.is_empty(), "{}: no request body and no parameters ({})", op.id, op.source),
        }
        assert!(!op.responses.is_empty(), "{}: no responses ({})", op.id, op.source);
        for (status, spec) in &op.responses {
            let body = spec.body.as_ref().unwrap_or_else(|| panic!("{}: response {status} has no content", op.id));
            assert!(body.media.iter().all(|m| m.schema_uri.is_some()), "{}: response {status} lacks a schema", op.id);
        }
    }
}

#[test]
fn catalog_declares_documented_parameters_and_security() {
    let catalog = super::catalog();
    let names = |id: &str| -> Vec<String> {
        catalog
            .operation(id)
            .unwrap()
            .parameters
            .iter()
            .map(|p| format!("{}:{}", p.location.as_str(), p.name))
            .collect()
    };
    assert_eq!(names("dstore.syncStore"), ["header:Client-Id", "header:Request-Time", "header:Signature"]);
    let tuya = names("tuya.queryOrderDetails");
    for p in [
        "path:order_id",
        "query:mall_code",
        "query:shop_code",
        "query:user_id",
        "header:client_id",
        "header:sign",
        "header:sign_method",
        "header:t",
        "header:access_token",
    ] {
        assert!(tuya.contains(&p.to_string()), "tuya.queryOrderDetails lacks {p}");
    }
    let xoxo = catalog.operation("xoxoday.getOrderDetails").unwrap();
    assert_eq!(xoxo.security.len(), 1);
    assert_eq!(
        xoxo.security[0].schemes[0].kind,
        accord_validator::contract::SchemeKind::Http { scheme: "bearer".into() }
    );
    let servers: Vec<&str> = xoxo.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(servers, ["https://stagingaccount.xoxoday.com/chef", "https://accounts.xoxoday.com/chef"]);
    assert_eq!(xoxo.discriminator.as_ref().unwrap().value, "plumProAPI.mutation.getOrderDetails");
    assert_eq!(
        catalog.operation("zonos.orderNumbers").unwrap().responses.keys().collect::<Vec<_>>(),
        ["200", "406", "415"]
    );
}

#[test]
fn broken_catalogs_fail_naming_file_and_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("api");
    std::fs::create_dir(&api).unwrap();
    let openapi = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {"operationId": "x",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "missing.schema.json#/$defs/X"}}}},
        "responses": {"200": {"description": "ok"}}}}}}"##;
    std::fs::write(api.join("openapi.json"), openapi).unwrap();
    let catalog = Catalog::load(dir.path()).unwrap();
    let err = accord_validator::validate::Checker::new(catalog, Default::default()).unwrap_err().to_string();
    assert!(err.contains("api/openapi.json#/paths/~1x/post/requestBody/content/application~1json/schema"), "{err}");

    std::fs::write(api.join("openapi.json"), "{\"openapi\": \"3.1.0\",\n  \"paths\": [}").unwrap();
    let err = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("api/openapi.json:2:"), "{err}");

    std::fs::write(api.join("openapi.json"), openapi.replace("missing.schema.json", "../../etc/passwd")).unwrap();
    let catalog = Catalog::load(dir.path()).unwrap();
    let err = accord_validator::validate::Checker::new(catalog, Default::default()).unwrap_err().to_string();
    assert!(err.contains("does not compile"), "{err}");
}

#[test]
fn every_built_in_rule_has_a_decision_quoting_its_sentence() {
    let catalog = Catalog::load(&repo_root().join("schemas")).unwrap();
    let decisions = std::fs::read_to_string(repo_root().join("schemas/DECISIONS.md")).unwrap();
    let sets = catalog.rules.messages.values().chain(catalog.rules.exchanges.values());
    let ids: Vec<String> = sets.flat_map(|s| s.rules.iter().map(|r| r.id.clone())).collect();
    assert_eq!(ids.len(), 7, "{ids:?}");
    for id in &ids {
        assert!(decisions.contains(&format!("`{id}`")), "DECISIONS.md does not name rule `{id}`");
    }
    assert_eq!(catalog.rules.captures.len(), 1);
    assert!(decisions.contains("`x-accord-idempotency-key: /requestId`"));
}
