//! The capture envelope: `{"operation"?, "request"?: {...}, "response"?: {...}}`.
//!
//! `body` holds JSON in place (positions are in the file); `bodyText` holds
//! raw text (positions are in that text). Headers may be an object or a HAR-style
//! list of `{name, value}`. Keys the envelope does not know (a log pipeline's
//! timestamps and trace ids) are ignored, at the top and in `request` and
//! `response`; the keys it knows keep their types.

use super::{BodyText, Embedded, Exchange, FormatError, Literal, Message};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::Arc;

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    operation: Option<String>,
    #[serde(borrow)]
    request: Option<RawMessage<'a>>,
    #[serde(borrow)]
    response: Option<RawMessage<'a>>,
}

#[derive(Deserialize)]
struct RawMessage<'a> {
    method: Option<String>,
    url: Option<String>,
    status: Option<u16>,
    headers: Option<RawHeaders>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
    #[serde(rename = "bodyText", borrow)]
    body_text: Option<&'a RawValue>,
    #[serde(rename = "bodyBase64")]
    body_base64: Option<String>,
    #[serde(rename = "bodyOmitted")]
    body_omitted: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawHeaders {
    Map(serde_json::Map<String, serde_json::Value>),
    List(Vec<NameValue>),
}

#[derive(Deserialize)]
struct NameValue {
    name: String,
    value: String,
}

/// Parses one envelope held in `container` (a whole file, or one NDJSON line starting on `first_line`).
pub fn read_envelope(container: &Arc<str>, first_line: usize, index: Option<usize>) -> Result<Exchange, FormatError> {
    let raw: RawEnvelope<'_> = serde_json::from_str(container).map_err(|e| {
        let mut err = FormatError::from_json("not a valid capture envelope", &e);
        err.line = err.line.map(|l| l + first_line - 1);
        err
    })?;
    if raw.request.is_none() && raw.response.is_none() {
        return Err(FormatError {
            message: "capture envelope has neither `request` nor `response`".into(),
            line: Some(first_line),
            column: Some(1),
        });
    }
    let message = |m: Option<RawMessage<'_>>, what: &str| -> Result<Option<Message>, FormatError> {
        let Some(m) = m else { return Ok(None) };
        let bodies = [m.body.is_some(), m.body_text.is_some(), m.body_base64.is_some(), m.body_omitted.is_some()];
        if bodies.iter().filter(|b| **b).count() > 1 {
            return Err(FormatError {
                message: format!(
                    "envelope `{what}` has more than one of `body`, `bodyText`, `bodyBase64` and `bodyOmitted`; keep one"
                ),
                line: Some(first_line),
                column: None,
            });
        }
        let body = match (m.body, m.body_text) {
            (Some(raw), _) => {
                let text = raw.get();
                let offset = text.as_ptr() as usize - container.as_ptr() as usize;
                Some(BodyText {
                    text: Arc::from(text),
                    embedded: Some(Embedded { container: container.clone(), offset, first_line }),
                    decode_error: None,
                    bytes: None,
                    literal: None,
                })
            }
            (None, Some(raw)) => {
                let literal = raw.get();
                let Ok(text) = serde_json::from_str::<String>(literal) else {
                    return Err(FormatError {
                        message: format!("envelope `{what}.bodyText` must be a string (the body as text)"),
                        line: Some(first_line),
                        column: None,
                    });
                };
                let start = literal.as_ptr() as usize - container.as_ptr() as usize;
                let mut body = BodyText::standalone(text);
                body.literal = Some(Literal { container: container.clone(), start, first_line });
                Some(body)
            }
            (None, None) => None,
        };
        let headers: Option<Vec<(String, String)>> = m.headers.map(|h| match h {
            RawHeaders::Map(map) => {
                map.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect()
            }
            RawHeaders::List(list) => list.into_iter().map(|nv| (nv.name, nv.value)).collect(),
        });
        let body = match m.body_base64 {
            Some(encoded) => {
                use base64::Engine as _;
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
                    return Err(FormatError {
                        message: format!("envelope `{what}.bodyBase64` is not valid base64"),
                        line: Some(first_line),
                        column: None,
                    });
                };
                let charset = headers
                    .iter()
                    .flatten()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    .and_then(|(_, v)| accord_catalog::openapi::media::parameter(v, "charset"));
                Some(BodyText::decoded(bytes, charset.as_deref()))
            }
            None => body,
        };
        Ok(Some(Message {
            method: m.method,
            url: m.url,
            status: m.status,
            headers,
            body,
            body_omitted: m.body_omitted.is_some(),
            omitted_because: m.body_omitted,
        }))
    };
    Ok(Exchange {
        index,
        operation: raw.operation,
        request: message(raw.request, "request")?,
        response: message(raw.response, "response")?,
        origin: Some(super::Origin { container: container.clone(), first_line }),
    })
}
