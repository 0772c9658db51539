//! Reads the OpenAPI documents of a schema root into one operation model.
//!
//! Operation ids are `<folder>.<operationId>` (the folder of the document,
//! `/` written as `.`), or the bare `operationId` for a document at the top
//! of the root. `operationId` is optional in OpenAPI: an operation without
//! one is named by its method and path template, `<folder>.get:/pets/{petId}`. `$ref`s to path items, parameters, request bodies and
//! responses are followed through the same resolver as schema references.

mod model;
pub mod v30;

pub use model::{Body, Discriminator, MediaType, Operation, Parameter, ParameterIn, ResponseSpec, is_json_media};

use crate::error::CatalogError;
use crate::location::Location;
use crate::root::SchemaRoot;
use crate::source::{Document, Origin};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The HTTP methods an OpenAPI path item may hold, in the order they are read.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation declared by the OpenAPI documents of the root, sorted by
/// id. Two operations with one id are an error.
pub fn read(root: &SchemaRoot) -> Result<Vec<Operation>, CatalogError> {
    let mut operations = Vec::new();
    for doc in root.documents().filter(|d| d.origin == Origin::Root && d.is_openapi()) {
        if let Some(version) = doc.value.get("swagger") {
            return Err(CatalogError::Invalid {
                path: doc.shown.clone(),
                pointer: "/swagger".into(),
                message: format!(
                    "Swagger {} is not supported: Accord reads OpenAPI 3.0 and 3.1 (convert it, e.g. with swagger2openapi)",
                    version.as_str().unwrap_or("2.0")
                ),
            });
        }
        operations.extend(document_operations(root, doc)?);
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in operations.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(CatalogError::DuplicateOperation { id: pair[0].id.clone() });
        }
    }
    // Two documents declaring one method and path template (parameter names
    // aside) under the same servers: a request could not be routed to one of
    // them. A body discriminator (`x-accord-discriminator`) tells such operations apart.
    let mut seen: BTreeMap<(String, String, Vec<String>), &Operation> = BTreeMap::new();
    for op in operations.iter().filter(|op| op.discriminator.is_none()) {
        let key = (op.method.clone(), template_shape(&op.path), op.base_paths.clone());
        if let Some(other) = seen.insert(key, op) {
            return Err(CatalogError::Invalid {
                path: op.source.clone(),
                pointer: String::new(),
                message: format!(
                    "{} {} is declared again at {}; one of them must go",
                    op.method, op.path, other.source
                ),
            });
        }
    }
    Ok(operations)
}

/// A path template with its parameter names left out: `/pets/{}`.
fn template_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            c => out.push(c),
        }
    }
    out
}

/// The module-like prefix of a document's operations: its folder, dotted.
pub fn id_prefix(document_path: &str) -> Option<String> {
    document_path.rsplit_once('/').map(|(dir, _)| dir.replace('/', "."))
}

fn document_operations(root: &SchemaRoot, doc: &Document) -> Result<Vec<Operation>, CatalogError> {
    let prefix = id_prefix(&doc.path);
    let base_paths = server_paths(doc.value.get("servers"));
    let global_bearer = requires_bearer(doc.value.get("security"), &doc.value);
    let Some(paths) = doc.value.get("paths").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let item_loc = Location::document(doc.path.clone()).join("paths").join(path);
        let (item_loc, item) = follow(root, &item_loc, item)?;
        let Some(item_obj) = item.as_object() else { continue };
        let shared = item_obj.get("parameters");
        let path_bases = item_obj.get("servers").map(|s| server_paths(Some(s)));
        for method in METHODS {
            let Some(op) = item_obj.get(*method).and_then(Value::as_object) else { continue };
            let op_loc = item_loc.join(method);
            let generated_id = format!("{method}:{path}");
            let op_id = op.get("operationId").and_then(Value::as_str).unwrap_or(&generated_id);
            let id = match &prefix {
                Some(p) => format!("{p}.{op_id}"),
                None => op_id.to_string(),
            };
            let mut parameters: Vec<Parameter> = Vec::new();
            let lists = [(shared, item_loc.join("parameters")), (op.get("parameters"), op_loc.join("parameters"))];
            for (list, list_loc) in lists {
                for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                    if let Some(param) = parameter(root, &list_loc.join(&i.to_string()), p)? {
                        // Operation-level parameters override path-level ones of the same name and location.
                        parameters
                            .retain(|q| !(q.location == param.location && q.name.eq_ignore_ascii_case(&param.name)));
                        parameters.push(param);
                    }
                }
            }
            let request_body = match op.get("requestBody") {
                Some(rb) => Some(body(root, &op_loc.join("requestBody"), rb)?.1),
                None => None,
            };
            let mut responses = BTreeMap::new();
            // `responses` is optional in OpenAPI 3.1: an operation may document none.
            for (status, resp) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let (location, resp) = follow(root, &op_loc.join("responses").join(status), resp)?;
                let description = resp.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
                let body = match resp.get("content") {
                    Some(_) => Some(body(root, &location, resp)?.1),
                    None => None,
                };
                responses.insert(status.clone(), ResponseSpec { description, body, location });
            }
            let bearer_required = match op.get("security") {
                Some(sec) => requires_bearer(Some(sec), &doc.value),
                None => global_bearer,
            };
            let discriminator = op.get("x-accord-discriminator").map(|d| {
                let pointer = d.get("pointer").and_then(Value::as_str).map(str::to_string);
                match (pointer, d.get("value")) {
                    (Some(pointer), Some(value)) => Ok(Discriminator { pointer, value: value.clone() }),
                    _ => Err(CatalogError::Invalid {
                        path: doc.shown.clone(),
                        pointer: format!("{}/x-accord-discriminator", op_loc.pointer),
                        message: "x-accord-discriminator needs a string `pointer` and a `value`".into(),
                    }),
                }
            });
            let request_schema_location =
                op.get("x-accord-request-schema").map(|_| op_loc.join("x-accord-request-schema"));
            out.push(Operation {
                id,
                operation_id: op_id.to_string(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                base_paths: path_bases.clone().unwrap_or_else(|| base_paths.clone()),
                parameters,
                request_body,
                request_schema: request_schema_location.as_ref().map(|l| root.uri_of(l)),
                request_schema_location,
                responses,
                bearer_required,
                discriminator: discriminator.transpose()?,
                summary: op.get("summary").and_then(Value::as_str).map(str::to_string),
                source: format!("{}#{}", doc.path, op_loc.pointer),
                location: op_loc,
            });
        }
    }
    Ok(out)
}

/// Follows `$ref`s (if `value` is one) to the referenced object.
pub fn follow<'r>(
    root: &'r SchemaRoot,
    at: &Location,
    value: &'r Value,
) -> Result<(Location, &'r Value), CatalogError> {
    let mut at = at.clone();
    let mut value = value;
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok((at, value));
        };
        let (target, next) = root.follow(&at, reference)?;
        at = target;
        value = next;
    }
    let path = root.document(&at.file).map_or(at.file.clone(), |d| d.shown.clone());
    Err(CatalogError::Invalid { path, pointer: at.pointer, message: "$ref chain is too long or circular".into() })
}

fn parameter(root: &SchemaRoot, at: &Location, value: &Value) -> Result<Option<Parameter>, CatalogError> {
    let (ploc, p) = follow(root, at, value)?;
    let invalid = |message: &str| CatalogError::Invalid {
        path: root.document(&ploc.file).map_or(ploc.file.clone(), |d| d.shown.clone()),
        pointer: ploc.pointer.clone(),
        message: message.to_string(),
    };
    let name = p.get("name").and_then(Value::as_str).ok_or_else(|| invalid("parameter has no name"))?;
    let location = match p.get("in").and_then(Value::as_str) {
        Some("path") => ParameterIn::Path,
        Some("query") => ParameterIn::Query,
        Some("header") => ParameterIn::Header,
        Some("cookie") => return Ok(None),
        _ => return Err(invalid("parameter `in` must be path, query, header or cookie")),
    };
    // OpenAPI ignores these header parameters; they are media types and security schemes.
    if location == ParameterIn::Header
        && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
    {
        return Ok(None);
    }
    let schema_loc = p.get("schema").map(|_| ploc.join("schema"));
    let sensitive = schema_loc.as_ref().is_some_and(|l| is_sensitive(root, l));
    Ok(Some(Parameter {
        name: name.to_string(),
        location,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(location == ParameterIn::Path),
        schema_uri: schema_loc.as_ref().map(|l| root.uri_of(l)),
        schema: schema_loc,
        sensitive,
    }))
}

/// Whether the schema at `at`, or the one its `$ref` lands on, carries `x-accord-sensitive`.
pub fn is_sensitive(root: &SchemaRoot, at: &Location) -> bool {
    let Some(schema) = root.get(at) else { return false };
    if schema.get("x-accord-sensitive").is_some() {
        return true;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.follow(at, r).is_ok_and(|(_, s)| s.get("x-accord-sensitive").is_some()),
        None => false,
    }
}

/// A request body or response object (after its `$ref`) and its media types.
fn body<'r>(root: &'r SchemaRoot, at: &Location, value: &'r Value) -> Result<(Location, Body), CatalogError> {
    let (bloc, b) = follow(root, at, value)?;
    let mut media = Vec::new();
    if let Some(content) = b.get("content").and_then(Value::as_object) {
        for (name, mt) in content {
            let schema = mt.get("schema").map(|_| bloc.join("content").join(name).join("schema"));
            media.push(MediaType { name: name.clone(), schema_uri: schema.as_ref().map(|l| root.uri_of(l)), schema });
        }
    }
    Ok((bloc, Body { required: b.get("required").and_then(Value::as_bool).unwrap_or(false), media }))
}

fn server_paths(servers: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = servers
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .map(|u| {
            let path = match u.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
                None => u,
            };
            path.trim_end_matches('/').to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn requires_bearer(security: Option<&Value>, root: &Value) -> bool {
    let Some(reqs) = security.and_then(Value::as_array) else { return false };
    // An empty requirement object makes security optional.
    if reqs.is_empty() || reqs.iter().any(|r| r.as_object().is_some_and(Map::is_empty)) {
        return false;
    }
    let schemes = root.pointer("/components/securitySchemes");
    reqs.iter().all(|r| {
        r.as_object().into_iter().flatten().any(|(name, _)| {
            schemes.and_then(|s| s.get(name)).is_some_and(|s| {
                s.get("type").and_then(Value::as_str) == Some("http")
                    && s.get("scheme").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case("bearer"))
            })
        })
    })
}
