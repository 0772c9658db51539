//! The operation model: what the OpenAPI documents say about each operation,
//! as plain data every reader of the catalog converts into its own model.

use super::security::Requirement;
use super::server::Server;
use super::shape::Shape;
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
    /// `path` for an operation of `paths`, `webhook` for one of `webhooks` (never routed by URL).
    pub kind: OperationKind,
    /// The servers it may be called on (operation, path-item or document level;
    /// the one server `/` when none is declared).
    pub servers: Vec<Server>,
    /// Declared parameters (path, query, header, cookie), path-level and
    /// operation-level merged by name and location.
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
    /// Security requirements: any one of them must be met; empty when none is declared.
    pub security: Vec<Requirement>,
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
    /// Where the path item declared this operation as a `$ref` (which OpenAPI
    /// does not allow, but large split descriptions use and Redocly follows):
    /// that `$ref`'s place, shown as `file#pointer`. `None` when declared inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_by_ref: Option<String>,
    /// The key of the OpenAPI document whose `paths` or `webhooks` list the
    /// operation (its object may sit in another file, through `$ref`s).
    #[serde(skip)]
    pub document: String,
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
    /// How its value is serialized (`style`, defaulted per location).
    pub style: Style,
    /// `explode` (true by default for `form`, false otherwise).
    pub explode: bool,
    /// `allowReserved`: reserved characters may appear unencoded (query only).
    pub allow_reserved: bool,
    /// `allowEmptyValue`: `?flag=` is allowed (query only).
    pub allow_empty_value: bool,
    /// For a `content`-typed parameter, its media type (the value is a document of that type).
    pub content: Option<String>,
    /// The JSON types its schema expects, used to read the text as a value.
    pub shape: Shape,
}

/// How a parameter value is serialized (OpenAPI 3.1 §4.8.12.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Style {
    /// Path `;name=value`.
    Matrix,
    /// Path `.value`.
    Label,
    /// Path and header `a,b`.
    Simple,
    /// Query and cookie `name=a&name=b` (explode) or `name=a,b`.
    Form,
    /// Query `name=a%20b`.
    SpaceDelimited,
    /// Query `name=a|b`.
    PipeDelimited,
    /// Query `name[key]=value`.
    DeepObject,
}

impl Style {
    /// The style's name as OpenAPI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Matrix => "matrix",
            Style::Label => "label",
            Style::Simple => "simple",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }

    /// The style named `name`, if OpenAPI defines it.
    pub fn parse(name: &str) -> Option<Style> {
        [
            Style::Matrix,
            Style::Label,
            Style::Simple,
            Style::Form,
            Style::SpaceDelimited,
            Style::PipeDelimited,
            Style::DeepObject,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// The locations this style may be used in.
    pub fn allowed_in(self, location: ParameterIn) -> bool {
        matches!(
            (self, location),
            (Style::Matrix | Style::Label | Style::Simple, ParameterIn::Path)
                | (Style::Form | Style::SpaceDelimited | Style::PipeDelimited | Style::DeepObject, ParameterIn::Query)
                | (Style::Simple, ParameterIn::Header)
                | (Style::Form, ParameterIn::Cookie)
        )
    }

    /// The default style for a location.
    pub fn default_for(location: ParameterIn) -> Style {
        match location {
            ParameterIn::Path | ParameterIn::Header => Style::Simple,
            ParameterIn::Query | ParameterIn::Cookie => Style::Form,
        }
    }
}

/// Whether an operation comes from `paths` or `webhooks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    /// Called on the API's servers at its path.
    Path,
    /// A webhook the API sends (to a URL the API does not own); checked only with `--operation`.
    Webhook,
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
    /// The shape of its schema (for form and multipart bodies, read field by field).
    #[serde(skip)]
    pub shape: Shape,
    /// `encoding` of form and multipart bodies: field name to its `contentType`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub encoding: BTreeMap<String, String>,
    /// `encoding` of a form body that sets `style` or `explode`: field name to
    /// the style and explode it is serialized with, as a query parameter
    /// would be (the field's `contentType` is then ignored, as OpenAPI says).
    #[serde(skip)]
    pub encoding_styles: BTreeMap<String, (Style, bool)>,
    /// `encoding.headers` of a multipart body: field name to the headers its
    /// part may carry (`Content-Type` left out: the part's media type says it).
    #[serde(skip)]
    pub encoding_headers: BTreeMap<String, Vec<Parameter>>,
}

impl MediaType {
    /// Whether this is a JSON media type (`application/json`, `*+json`).
    pub fn is_json(&self) -> bool {
        super::media::is_json_media(&self.name)
    }
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
    /// Its headers (`Content-Type` left out: the media type says it).
    pub headers: Vec<Parameter>,
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
