//! The operation model: what the OpenAPI documents say about each operation,
//! as plain data every reader of the catalog converts into its own model.

use crate::location::Location;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One operation of the catalog.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// `<provider folder>.<operationId>`, e.g. `dstore.inquireOrderDetail`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template such as `/v1.0/mall/plugin/order/{order_id}`.
    pub path: String,
    /// Path prefixes of the declared servers (such as `/chef`), stripped before matching.
    pub base_paths: Vec<String>,
    /// Declared parameters (path, query, header).
    pub parameters: Vec<Parameter>,
    /// The request body, if one is declared.
    pub request_body: Option<Body>,
    /// Absolute URI of `x-accord-request-schema`: the request's parameters as
    /// one object, for operations without a body (used for plain payload files).
    pub request_schema: Option<String>,
    /// Where `x-accord-request-schema` is.
    #[serde(skip)]
    pub request_schema_location: Option<Location>,
    /// Responses by status key (`200`, `4XX`, `default`).
    pub responses: BTreeMap<String, ResponseSpec>,
    /// Whether a bearer token is required by the security requirements.
    pub bearer_required: bool,
    /// A body value that selects this operation among several on one path.
    pub discriminator: Option<Discriminator>,
    /// The summary, for listings.
    pub summary: Option<String>,
    /// Where the operation is declared (`dstore/openapi.json#/paths/...`).
    pub source: String,
    /// The operation object's place.
    #[serde(skip)]
    pub location: Location,
    /// The `operationId` as written.
    pub operation_id: String,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterIn {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParameterIn {
    /// The lowercase name OpenAPI uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterIn::Path => "path",
            ParameterIn::Query => "query",
            ParameterIn::Header => "header",
            ParameterIn::Cookie => "cookie",
        }
    }
}

/// A body field whose value selects the operation (`x-accord-discriminator`).
#[derive(Debug, Clone, Serialize)]
pub struct Discriminator {
    /// JSON pointer into the request body.
    pub pointer: String,
    /// The value it must have.
    pub value: Value,
}

/// A parameter of an operation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    /// The name (headers compare case-insensitively).
    pub name: String,
    /// Where it travels.
    #[serde(rename = "in")]
    pub location: ParameterIn,
    /// Whether it must be present.
    pub required: bool,
    /// Absolute URI of its schema, if it has one.
    pub schema_uri: Option<String>,
    /// Where its schema is.
    #[serde(skip)]
    pub schema: Option<Location>,
    /// Whether its value must never be shown.
    pub sensitive: bool,
}

/// A request body or the content of a response.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// Whether the body must be present.
    pub required: bool,
    /// Accepted media types.
    pub media: Vec<MediaType>,
}

/// One media type and its schema.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaType {
    /// The media type as declared (`application/json; charset=UTF-8`).
    pub name: String,
    /// Absolute URI of its schema.
    pub schema_uri: Option<String>,
    /// Where its schema is.
    #[serde(skip)]
    pub schema: Option<Location>,
}

impl MediaType {
    /// Whether this is a JSON media type (`application/json`, `*+json`).
    pub fn is_json(&self) -> bool {
        is_json_media(&self.name)
    }
}

/// Whether a media type or `Content-Type` value denotes JSON.
pub fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// One documented response.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseSpec {
    /// The description.
    pub description: String,
    /// The content, if any.
    pub body: Option<Body>,
    /// Where the response object is (after following its `$ref`).
    #[serde(skip)]
    pub location: Location,
}

impl Operation {
    /// The response spec for `status`: exact, then range (`2XX`), then `default`.
    pub fn response_for(&self, status: u16) -> Option<(&str, &ResponseSpec)> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        [exact.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|key| self.responses.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
            .map(|(k, v)| (k.as_str(), v))
    }
}
