//! Security requirements (OpenAPI 3.1 §4.8.30): which schemes an operation
//! accepts. Requirement objects are alternatives (any one will do); the
//! schemes inside one requirement all apply together.

use super::model::ParameterIn;
use crate::error::CatalogError;
use crate::location::Location;
use crate::source::Document;
use serde::Serialize;
use serde_json::Value;

/// How one security scheme presents its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SchemeKind {
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// The header, parameter or cookie name.
        name: String,
        /// Where it travels.
        #[serde(rename = "in")]
        location: ParameterIn,
    },
    /// HTTP authentication: `Authorization: <scheme> <credentials>`.
    Http {
        /// The scheme word (`basic`, `bearer`, `digest`, ...), lower case.
        scheme: String,
    },
    /// OAuth 2.0: an access token, sent as a bearer token.
    #[serde(rename = "oauth2")]
    OAuth2,
    /// OpenID Connect: an access token, sent as a bearer token.
    OpenIdConnect,
    /// Mutual TLS: a client certificate, which a capture does not show.
    #[serde(rename = "mutualTLS")]
    MutualTls,
}

/// A named security scheme of `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityScheme {
    /// Its name in `components.securitySchemes` (`securityScheme` when
    /// serialized: an apiKey's own `name` is the header, parameter or cookie,
    /// and an HTTP scheme's `scheme` is its scheme word).
    #[serde(rename = "securityScheme")]
    pub name: String,
    /// What it asks for.
    #[serde(flatten)]
    pub kind: SchemeKind,
    /// The scopes (OAuth 2.0, OpenID Connect) or roles the requirement names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// One security requirement object: every scheme in it must be satisfied.
/// An empty requirement (`{}`) means anonymous access is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The schemes that must all be satisfied.
    pub schemes: Vec<SecurityScheme>,
}

/// The requirements of `security` (at `at` in `doc`), resolved against the
/// document's security schemes. `None` when there is no `security` here.
pub fn requirements(
    doc: &Document,
    at: &Location,
    security: Option<&Value>,
) -> Result<Option<Vec<Requirement>>, CatalogError> {
    let Some(security) = security else { return Ok(None) };
    let invalid =
        |pointer: String, message: String| CatalogError::Invalid { path: doc.shown.clone(), pointer, message };
    let Some(list) = security.as_array() else {
        return Err(invalid(at.pointer.clone(), "`security` must be an array of requirement objects".into()));
    };
    let mut out = Vec::new();
    for (i, req) in list.iter().enumerate() {
        let req_at = at.join(&i.to_string());
        let Some(names) = req.as_object() else {
            return Err(invalid(req_at.pointer, "a security requirement must be an object".into()));
        };
        let mut schemes = Vec::new();
        for (name, scopes) in names {
            let pointer = format!("/components/securitySchemes/{}", crate::location::escape(name));
            let Some(scheme) = doc.value.pointer(&pointer) else {
                return Err(invalid(
                    req_at.join(name).pointer,
                    format!("security scheme `{name}` is not declared in components.securitySchemes"),
                ));
            };
            let scheme = match scheme.get("$ref").and_then(Value::as_str) {
                Some(r) => r.strip_prefix('#').and_then(|p| doc.value.pointer(p)).unwrap_or(scheme),
                None => scheme,
            };
            let scopes =
                scopes.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            schemes.push(SecurityScheme {
                name: name.clone(),
                kind: kind(scheme).map_err(|m| invalid(pointer, m))?,
                scopes,
            });
        }
        out.push(Requirement { schemes });
    }
    Ok(Some(out))
}

fn kind(scheme: &Value) -> Result<SchemeKind, String> {
    let text = |key: &str| scheme.get(key).and_then(Value::as_str);
    match text("type") {
        Some("apiKey") => {
            let name = text("name").ok_or("an apiKey security scheme needs a `name`")?.to_string();
            let location = match text("in") {
                Some("header") => ParameterIn::Header,
                Some("query") => ParameterIn::Query,
                Some("cookie") => ParameterIn::Cookie,
                _ => return Err("an apiKey security scheme's `in` must be header, query or cookie".into()),
            };
            Ok(SchemeKind::ApiKey { name, location })
        }
        Some("http") => Ok(SchemeKind::Http {
            scheme: text("scheme").ok_or("an http security scheme needs a `scheme`")?.to_ascii_lowercase(),
        }),
        Some("oauth2") => Ok(SchemeKind::OAuth2),
        Some("openIdConnect") => Ok(SchemeKind::OpenIdConnect),
        Some("mutualTLS") => Ok(SchemeKind::MutualTls),
        Some(other) => {
            Err(format!("unknown security scheme type `{other}` (apiKey, http, oauth2, openIdConnect, mutualTLS)"))
        }
        None => Err("a security scheme needs a `type`".into()),
    }
}

impl Requirement {
    /// `bearer + apiKey(header X-Key)`, for listings and messages.
    pub fn describe(&self) -> String {
        if self.schemes.is_empty() {
            return "no credentials (anonymous access allowed)".into();
        }
        self.schemes.iter().map(SecurityScheme::describe).collect::<Vec<_>>().join(" and ")
    }
}

impl SecurityScheme {
    /// `apiKey \`X-Key\` in header (keyAuth)`.
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            SchemeKind::ApiKey { name, location } => format!("API key `{name}` in {}", location.as_str()),
            SchemeKind::Http { scheme } if scheme == "bearer" => "a bearer token".into(),
            SchemeKind::Http { scheme } => format!("HTTP `{scheme}` authentication"),
            SchemeKind::OAuth2 => "an OAuth 2.0 bearer token".into(),
            SchemeKind::OpenIdConnect => "an OpenID Connect bearer token".into(),
            SchemeKind::MutualTls => "a TLS client certificate".into(),
        };
        format!("{what} ({})", self.name)
    }
}
