//! Reads the OpenAPI documents of a schema root into one operation model.
//!
//! Operation ids are `<folder>.<operationId>` (the folder of the document,
//! `/` written as `.`), or the bare `operationId` for a document at the top
//! of the root. `operationId` is optional in OpenAPI: an operation without
//! one is named by its method and path template, `<folder>.get:/pets/{petId}`. `$ref`s to path items, parameters, request bodies and
//! responses are followed through the same resolver as schema references.

pub mod formats;
pub mod media;
mod model;
pub mod security;
pub mod server;
pub mod shape;
pub mod v30;

pub use media::is_json_media;
pub use model::{
    Body, Discriminator, MediaType, Operation, OperationKind, Parameter, ParameterIn, ResponseSpec, Style,
};
pub use security::{Requirement, SchemeKind, SecurityScheme};
pub use server::Server;
pub use shape::Shape;

use crate::error::CatalogError;
use crate::location::Location;
use crate::root::SchemaRoot;
use crate::source::Document;
use serde_json::Value;
use std::collections::BTreeMap;

/// The HTTP methods an OpenAPI path item may hold, in the order they are read.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation declared by the OpenAPI documents of the root, sorted by
/// id. Two operations with one id are an error.
pub fn read(root: &SchemaRoot) -> Result<Vec<Operation>, CatalogError> {
    let mut operations = Vec::new();
    for doc in root.openapi_documents() {
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
    for op in operations.iter().filter(|op| op.discriminator.is_none() && op.kind == OperationKind::Path) {
        let servers = op.servers.iter().map(|s| s.url.clone()).collect();
        let key = (op.method.clone(), template_shape(&op.path), servers);
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

/// A path template with its parameter names left out: `/pets/{}` (two
/// templates of one shape match the same requests).
pub fn template_shape(path: &str) -> String {
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

/// One OpenAPI document of the root, for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocumentInfo {
    /// Its path in the root.
    pub path: String,
    /// `openapi` as written (`3.1.0`, `3.0.3`).
    pub openapi: String,
    /// `info.title`.
    pub title: Option<String>,
    /// `info.version`.
    pub version: Option<String>,
}

/// The OpenAPI documents of the root, in path order.
pub fn documents(root: &SchemaRoot) -> Vec<DocumentInfo> {
    let mut out: Vec<DocumentInfo> = root
        .openapi_documents()
        .map(|d| {
            let text = |p: &str| d.value.pointer(p).and_then(Value::as_str).map(str::to_string);
            DocumentInfo {
                path: d.path.clone(),
                openapi: text("/openapi").or_else(|| text("/swagger")).unwrap_or_default(),
                title: text("/info/title"),
                version: text("/info/version"),
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn document_operations(root: &SchemaRoot, doc: &Document) -> Result<Vec<Operation>, CatalogError> {
    let prefix = id_prefix(&doc.path);
    let top = Location::document(doc.path.clone());
    let doc_servers = server::servers(doc.value.get("servers"));
    let global_security = security::requirements(doc, &top.join("security"), doc.value.get("security"))?;
    let mut out = Vec::new();
    let sections = [("paths", OperationKind::Path), ("webhooks", OperationKind::Webhook)];
    for (section, kind) in sections {
        let Some(items) = doc.value.get(section).and_then(Value::as_object) else { continue };
        for (path, item) in items {
            let item_loc = top.join(section).join(path);
            let (item_loc, item) = follow(root, &item_loc, item)?;
            let Some(item_obj) = item.as_object() else {
                return Err(invalid_at(root, &item_loc, "a path item must be an object"));
            };
            let shared = item_obj.get("parameters");
            let item_servers = item_obj.get("servers").map(|s| server::servers(Some(s)));
            for method in METHODS {
                let Some(op) = item_obj.get(*method) else { continue };
                // An Operation Object given as a `$ref` is followed (OpenAPI allows
                // `$ref` only for path items, but split descriptions use it here too).
                let declared_by_ref = op.get("$ref").map(|_| root.shown(&item_loc.join(method)));
                let (op_loc, op) = follow(root, &item_loc.join(method), op)?;
                let Some(op) = op.as_object() else {
                    return Err(invalid_at(root, &op_loc, &format!("the `{method}` operation must be an object")));
                };
                if op.get("responses").is_some_and(|r| !r.is_object() && !r.is_null()) {
                    return Err(invalid_at(root, &op_loc.join("responses"), "`responses` must be an object"));
                }
                let generated_id = match kind {
                    OperationKind::Path => format!("{method}:{path}"),
                    OperationKind::Webhook => format!("webhook:{path}:{method}"),
                };
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
                            parameters.retain(|q| {
                                !(q.location == param.location
                                    && if param.location == ParameterIn::Header {
                                        q.name.eq_ignore_ascii_case(&param.name)
                                    } else {
                                        q.name == param.name
                                    })
                            });
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
                    let mut headers = Vec::new();
                    for (name, h) in resp.get("headers").and_then(Value::as_object).into_iter().flatten() {
                        // A `Content-Type` response header is ignored: the media type says it.
                        if name.eq_ignore_ascii_case("content-type") {
                            continue;
                        }
                        headers.push(header(root, &location.join("headers").join(name), name, h)?);
                    }
                    responses.insert(status.clone(), ResponseSpec { description, body, location, headers });
                }
                // The document's `security` is how clients call the API; a webhook is
                // a call the API makes, so only its own `security` applies to it.
                let security = match security::requirements(doc, &op_loc.join("security"), op.get("security"))? {
                    Some(own) => own,
                    None if kind == OperationKind::Webhook => Vec::new(),
                    None => global_security.clone().unwrap_or_default(),
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
                let servers = match op.get("servers") {
                    Some(s) => server::servers(Some(s)),
                    None => item_servers.clone().unwrap_or_else(|| doc_servers.clone()),
                };
                out.push(Operation {
                    id,
                    operation_id: op_id.to_string(),
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    kind,
                    servers,
                    parameters,
                    request_body,
                    request_schema: request_schema_location.as_ref().map(|l| root.uri_of(l)),
                    request_schema_location,
                    responses,
                    security,
                    discriminator: discriminator.transpose()?,
                    summary: op.get("summary").and_then(Value::as_str).map(str::to_string),
                    source: format!("{}#{}", op_loc.file, op_loc.pointer),
                    location: op_loc,
                    declared_by_ref,
                    document: doc.path.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A load error at `at`, naming its file as shown to people.
fn invalid_at(root: &SchemaRoot, at: &Location, message: &str) -> CatalogError {
    CatalogError::Invalid {
        path: root.document(&at.file).map_or(at.file.clone(), |d| d.shown.clone()),
        pointer: at.pointer.clone(),
        message: message.to_string(),
    }
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
    let invalid = |message: String| CatalogError::Invalid {
        path: root.document(&ploc.file).map_or(ploc.file.clone(), |d| d.shown.clone()),
        pointer: ploc.pointer.clone(),
        message,
    };
    let name = p.get("name").and_then(Value::as_str).ok_or_else(|| invalid("parameter has no name".into()))?;
    let location = match p.get("in").and_then(Value::as_str) {
        Some("path") => ParameterIn::Path,
        Some("query") => ParameterIn::Query,
        Some("header") => ParameterIn::Header,
        Some("cookie") => ParameterIn::Cookie,
        _ => return Err(invalid("parameter `in` must be path, query, header or cookie".into())),
    };
    // OpenAPI ignores these header parameters; they are media types and security schemes.
    if location == ParameterIn::Header
        && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
    {
        return Ok(None);
    }
    let style = match p.get("style").and_then(Value::as_str) {
        Some(s) => Style::parse(s)
            .filter(|s| s.allowed_in(location))
            .ok_or_else(|| invalid(format!("style `{s}` is not allowed for a {} parameter", location.as_str())))?,
        None => Style::default_for(location),
    };
    let flag = |key: &str| p.get(key).and_then(Value::as_bool);
    // A `content`-typed parameter has one media type whose schema applies to the decoded value.
    let content = p.get("content").and_then(Value::as_object).and_then(|c| c.iter().next());
    let schema_loc = match content {
        Some((media, mt)) => mt.get("schema").map(|_| ploc.join("content").join(media).join("schema")),
        None => p.get("schema").map(|_| ploc.join("schema")),
    };
    let sensitive = schema_loc.as_ref().is_some_and(|l| is_sensitive(root, l));
    Ok(Some(Parameter {
        name: name.to_string(),
        location,
        required: flag("required").unwrap_or(false) || location == ParameterIn::Path,
        schema_uri: schema_loc.as_ref().map(|l| root.uri_of(l)),
        shape: schema_loc.as_ref().map(|l| shape::shape_at(root, l)).unwrap_or_default(),
        schema: schema_loc,
        sensitive,
        style,
        explode: flag("explode").unwrap_or(style == Style::Form),
        allow_reserved: flag("allowReserved").unwrap_or(false),
        allow_empty_value: flag("allowEmptyValue").unwrap_or(false),
        content: content.map(|(media, _)| media.clone()),
    }))
}

/// A response Header Object (a parameter whose name is its key and whose
/// place is the response's headers).
fn header(root: &SchemaRoot, at: &Location, name: &str, value: &Value) -> Result<Parameter, CatalogError> {
    let (hloc, h) = follow(root, at, value)?;
    let content = h.get("content").and_then(Value::as_object).and_then(|c| c.iter().next());
    let schema_loc = match content {
        Some((media, mt)) => mt.get("schema").map(|_| hloc.join("content").join(media).join("schema")),
        None => h.get("schema").map(|_| hloc.join("schema")),
    };
    Ok(Parameter {
        name: name.to_string(),
        location: ParameterIn::Header,
        required: h.get("required").and_then(Value::as_bool).unwrap_or(false),
        schema_uri: schema_loc.as_ref().map(|l| root.uri_of(l)),
        shape: schema_loc.as_ref().map(|l| shape::shape_at(root, l)).unwrap_or_default(),
        sensitive: schema_loc.as_ref().is_some_and(|l| is_sensitive(root, l)),
        schema: schema_loc,
        style: Style::Simple,
        explode: h.get("explode").and_then(Value::as_bool).unwrap_or(false),
        allow_reserved: false,
        allow_empty_value: false,
        content: content.map(|(media, _)| media.clone()),
    })
}

/// Whether the schema at `at`, or the one its `$ref` lands on, marks its
/// values as secret: `x-accord-sensitive`, `writeOnly: true` (sent, never
/// shown back: passwords, card numbers) or `format: password`.
pub fn is_sensitive(root: &SchemaRoot, at: &Location) -> bool {
    let marks = |s: &Value| {
        s.get("x-accord-sensitive").is_some()
            || s.get("writeOnly").and_then(Value::as_bool) == Some(true)
            || s.get("format").and_then(Value::as_str) == Some("password")
    };
    let Some(schema) = root.get(at) else { return false };
    if marks(schema) {
        return true;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.follow(at, r).is_ok_and(|(_, s)| marks(s)),
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
            let encoding = mt
                .get("encoding")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(field, e)| Some((field.clone(), e.get("contentType")?.as_str()?.to_string())))
                .collect();
            let encoding_styles = mt
                .get("encoding")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, e)| e.get("style").is_some() || e.get("explode").is_some())
                .map(|(field, e)| {
                    let style = e.get("style").and_then(Value::as_str).and_then(Style::parse).unwrap_or(Style::Form);
                    let explode = e.get("explode").and_then(Value::as_bool).unwrap_or(style == Style::Form);
                    (field.clone(), (style, explode))
                })
                .collect();
            let mut encoding_headers = BTreeMap::new();
            for (field, e) in mt.get("encoding").and_then(Value::as_object).into_iter().flatten() {
                let at = bloc.join("content").join(name).join("encoding").join(field).join("headers");
                let mut headers = Vec::new();
                for (header_name, h) in e.get("headers").and_then(Value::as_object).into_iter().flatten() {
                    if !header_name.eq_ignore_ascii_case("content-type") {
                        headers.push(header(root, &at.join(header_name), header_name, h)?);
                    }
                }
                if !headers.is_empty() {
                    encoding_headers.insert(field.clone(), headers);
                }
            }
            media.push(MediaType {
                encoding_styles,
                encoding_headers,
                name: name.clone(),
                schema_uri: schema.as_ref().map(|l| root.uri_of(l)),
                shape: schema.as_ref().map(|l| shape::shape_at(root, l)).unwrap_or_default(),
                schema,
                encoding,
            });
        }
    }
    Ok((bloc, Body { required: b.get("required").and_then(Value::as_bool).unwrap_or(false), media }))
}
