//! Reads OpenAPI 3.1 documents into [`Operation`]s.

use super::operation::{Body, Discriminator, MediaType, Operation, Parameter, ResponseSpec};
use super::source::{Document, SchemaSet};
use crate::diagnostic::Part;
use crate::error::CatalogError;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Escapes one JSON pointer segment.
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Characters that must be percent-encoded in a URI fragment.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'%')
    .add(b'[')
    .add(b']')
    .add(b'#');

/// The absolute URI of `pointer` in catalog document `doc`.
pub(crate) fn schema_uri(doc: &str, pointer: &str) -> String {
    format!("{}{}#{}", super::BASE_URI, doc, percent_encoding::utf8_percent_encode(pointer, FRAGMENT))
}

/// Every operation declared in `doc`.
pub fn operations(doc: &Document, set: &SchemaSet) -> Result<Vec<Operation>, CatalogError> {
    let prefix = doc.path.rsplit_once('/').map(|(dir, _)| dir.replace('/', "."));
    let base_paths = server_paths(doc.value.get("servers"));
    let global_bearer = requires_bearer(doc.value.get("security"), &doc.value);
    let Some(paths) = doc.value.get("paths").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let item_ptr = format!("/paths/{}", escape(path));
        let (item_doc, item_ptr, item) = follow(set, &doc.path, &item_ptr, item)?;
        let Some(item_obj) = item.as_object() else { continue };
        let shared = item_obj.get("parameters").cloned().unwrap_or(Value::Array(Vec::new()));
        let path_bases = item_obj.get("servers").map(|s| server_paths(Some(s)));
        for method in METHODS {
            let Some(op) = item_obj.get(*method).and_then(Value::as_object) else { continue };
            let op_ptr = format!("{item_ptr}/{method}");
            let missing = |what: &str| CatalogError::Invalid {
                path: doc.path.clone(),
                pointer: op_ptr.clone(),
                message: format!("operation has no {what}"),
            };
            let op_id = op.get("operationId").and_then(Value::as_str).ok_or_else(|| missing("operationId"))?;
            let id = match &prefix {
                Some(p) => format!("{p}.{op_id}"),
                None => op_id.to_string(),
            };
            let mut parameters = Vec::new();
            let lists = [
                (&shared, format!("{item_ptr}/parameters")),
                (op.get("parameters").unwrap_or(&Value::Null), format!("{op_ptr}/parameters")),
            ];
            for (list, list_ptr) in lists {
                for (i, p) in list.as_array().into_iter().flatten().enumerate() {
                    let param = parameter(set, &item_doc, &format!("{list_ptr}/{i}"), p)?;
                    if let Some(param) = param {
                        // Operation-level parameters override path-level ones of the same name and location.
                        parameters.retain(|q: &Parameter| {
                            !(q.location == param.location && q.name.eq_ignore_ascii_case(&param.name))
                        });
                        parameters.push(param);
                    }
                }
            }
            let request_body = match op.get("requestBody") {
                Some(rb) => Some(body(set, &item_doc, &format!("{op_ptr}/requestBody"), rb)?),
                None => None,
            };
            let mut responses = BTreeMap::new();
            for (status, resp) in op.get("responses").and_then(Value::as_object).ok_or_else(|| missing("responses"))? {
                let ptr = format!("{op_ptr}/responses/{}", escape(status));
                let (rdoc, rptr, resp) = follow(set, &item_doc, &ptr, resp)?;
                let description = resp.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
                let body = match resp.get("content") {
                    Some(_) => Some(body(set, &rdoc, &rptr, &resp)?),
                    None => None,
                };
                responses.insert(status.clone(), ResponseSpec { description, body });
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
                        path: doc.path.clone(),
                        pointer: format!("{op_ptr}/x-accord-discriminator"),
                        message: "x-accord-discriminator needs a string `pointer` and a `value`".into(),
                    }),
                }
            });
            out.push(Operation {
                id,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                base_paths: path_bases.clone().unwrap_or_else(|| base_paths.clone()),
                parameters,
                request_body,
                request_schema: op
                    .get("x-accord-request-schema")
                    .map(|_| schema_uri(&item_doc, &format!("{op_ptr}/x-accord-request-schema"))),
                responses,
                bearer_required,
                discriminator: discriminator.transpose()?,
                summary: op.get("summary").and_then(Value::as_str).map(str::to_string),
                source: format!("{}#{}", doc.path, op_ptr),
            });
        }
    }
    Ok(out)
}

/// Follows a `$ref` (if `value` is one) to the referenced object, returning its document and pointer.
fn follow(set: &SchemaSet, doc: &str, ptr: &str, value: &Value) -> Result<(String, String, Value), CatalogError> {
    let mut doc = doc.to_string();
    let mut ptr = ptr.to_string();
    let mut value = value.clone();
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok((doc, ptr, value));
        };
        let (target, fragment) = set.resolve_ref(&doc, reference)?;
        value = set
            .get(&target, &fragment)
            .cloned()
            .ok_or_else(|| CatalogError::DanglingRef { from: doc.clone(), reference: reference.to_string() })?;
        doc = target;
        ptr = fragment;
    }
    Err(CatalogError::Invalid { path: doc, pointer: ptr, message: "$ref chain is too long or circular".into() })
}

fn parameter(set: &SchemaSet, doc: &str, ptr: &str, value: &Value) -> Result<Option<Parameter>, CatalogError> {
    let (pdoc, pptr, p) = follow(set, doc, ptr, value)?;
    let invalid = |message: &str| CatalogError::Invalid {
        path: pdoc.clone(),
        pointer: pptr.clone(),
        message: message.to_string(),
    };
    let name = p.get("name").and_then(Value::as_str).ok_or_else(|| invalid("parameter has no name"))?;
    let location = match p.get("in").and_then(Value::as_str) {
        Some("path") => Part::Path,
        Some("query") => Part::Query,
        Some("header") => Part::Header,
        Some("cookie") => return Ok(None),
        _ => return Err(invalid("parameter `in` must be path, query, header or cookie")),
    };
    // OpenAPI ignores these header parameters; they are media types and security schemes.
    if location == Part::Header
        && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
    {
        return Ok(None);
    }
    let schema = p.get("schema");
    let sensitive = schema.is_some_and(|s| schema_is_sensitive(set, &pdoc, s));
    Ok(Some(Parameter {
        name: name.to_string(),
        location,
        required: p.get("required").and_then(Value::as_bool).unwrap_or(location == Part::Path),
        schema_uri: schema.map(|_| schema_uri(&pdoc, &format!("{pptr}/schema"))),
        sensitive,
    }))
}

fn schema_is_sensitive(set: &SchemaSet, doc: &str, schema: &Value) -> bool {
    if schema.get("x-accord-sensitive").is_some() {
        return true;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => set
            .resolve_ref(doc, r)
            .ok()
            .and_then(|(d, p)| set.get(&d, &p))
            .is_some_and(|s| s.get("x-accord-sensitive").is_some()),
        None => false,
    }
}

fn body(set: &SchemaSet, doc: &str, ptr: &str, value: &Value) -> Result<Body, CatalogError> {
    let (bdoc, bptr, b) = follow(set, doc, ptr, value)?;
    let mut media = Vec::new();
    if let Some(content) = b.get("content").and_then(Value::as_object) {
        for (name, mt) in content {
            let schema_uri =
                mt.get("schema").map(|_| schema_uri(&bdoc, &format!("{bptr}/content/{}/schema", escape(name))));
            media.push(MediaType { name: name.clone(), schema_uri });
        }
    }
    Ok(Body { required: b.get("required").and_then(Value::as_bool).unwrap_or(false), media })
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
