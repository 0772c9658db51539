//! `accord schema ID`: one operation's resolved schemas and rules.

use super::{Exit, SchemaArgs, load};
use accord_validator::contract::{Body, Catalog, Operation};
use accord_validator::validate::{compile, registry};
use anyhow::{Result, anyhow};
use serde_json::{Value, json};
use std::io::Write;

/// An operation's exchange rules and capture rules, for `accord schema`
/// (message rules stay in the schemas they belong to, shown above).
fn operation_rules(catalog: &Catalog, op: &Operation) -> Value {
    let exchange: Vec<Value> = catalog.rules.exchanges.get(&op.location).map_or_else(Vec::new, |set| {
        set.rules
            .iter()
            .map(|r| json!({"id": r.id, "rule": r.source, "message": r.message, "fieldPath": r.field_path}))
            .collect()
    });
    let capture = catalog.rules.captures.get(&op.location);
    json!({
        "exchange": exchange,
        "idempotencyKey": capture.and_then(|c| c.idempotency_key.as_ref()).map(|k| k.describe()),
        "unique": capture.map(|c| c.unique.iter().map(|k| k.describe()).collect::<Vec<_>>()).unwrap_or_default(),
    })
}

/// Prints the resolved schemas of one operation as JSON.
pub fn schema(args: SchemaArgs) -> Result<Exit> {
    let catalog = load(&args.catalog)?;
    let op = catalog.operation(&args.id).ok_or_else(|| {
        let known: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
        anyhow!("no operation `{}`; known: {}", args.id, known.join(", "))
    })?;
    let registry = registry(&catalog);
    let resolve = |uri: &str| -> Result<Value> {
        compile(&catalog, uri, true).map_err(|e| anyhow!("{}: {e}", catalog.display_uri(uri)))?;
        jsonschema::options()
            .with_registry(registry)
            .dereference(&json!({"$ref": uri}))
            .map_err(|e| anyhow!("{}: {e}", catalog.display_uri(uri)))
    };
    let mut parameters = serde_json::Map::new();
    for p in &op.parameters {
        let schema = match &p.schema_uri {
            Some(u) => resolve(u)?,
            None => json!({}),
        };
        let mut entry = json!({"required": p.required, "style": p.style, "explode": p.explode, "schema": schema});
        if let Some(media) = &p.content {
            entry["content"] = json!(media);
        }
        if p.allow_empty_value {
            entry["allowEmptyValue"] = json!(true);
        }
        if p.allow_reserved {
            entry["allowReserved"] = json!(true);
        }
        parameters.insert(format!("{}:{}", p.location.as_str(), p.name), entry);
    }
    let body = |b: &Body| -> Result<Value> {
        let mut media = serde_json::Map::new();
        for m in &b.media {
            media.insert(
                m.name.clone(),
                match &m.schema_uri {
                    Some(u) => resolve(u)?,
                    None => json!({}),
                },
            );
        }
        Ok(json!({"required": b.required, "content": media}))
    };
    let mut responses = serde_json::Map::new();
    for (status, spec) in &op.responses {
        responses.insert(
            status.clone(),
            json!({"description": spec.description, "body": spec.body.as_ref().map(&body).transpose()?}),
        );
    }
    let doc = json!({
        "operation": op.id,
        "method": op.method,
        "path": op.path,
        "kind": op.kind,
        "servers": op.servers.iter().map(|s| &s.url).collect::<Vec<_>>(),
        "security": op.security,
        "parameters": parameters,
        "requestBody": op.request_body.as_ref().map(&body).transpose()?,
        "responses": responses,
        "rules": operation_rules(&catalog, op),
    });
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    Ok(Exit::Clean)
}
