//! The capture envelope: `{"operation"?, "request"?: {...}, "response"?: {...}}`.
//!
//! `body` holds JSON in place (positions are in the file); `bodyText` holds
//! raw text (positions are in that text).
//!
//! An envelope is read in one pass over its structural index
//! ([`super::index`]): the fields are found in any key order, the whole text
//! is checked to be JSON, and the body keeps its positions so the fast path
//! judges it without tokenizing it again. Anything that reader does not
//! handle exactly as serde does (`bodyText`, `bodyBase64`, `bodyOmitted`,
//! headers as a list or with non-string values, a repeated field, a text
//! serde would read differently) is read by serde, which also gives the
//! exact error for a broken envelope. Headers may be an object or a HAR-style
//! list of `{name, value}`. Keys the envelope does not know (a log pipeline's
//! timestamps and trace ids) are ignored, at the top and in `request` and
//! `response`; the keys it knows keep their types.

use super::index::{Cursor, Index};
use super::{BodyIndex, BodyText, Embedded, Exchange, FormatError, Literal, Message};
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
    if super::index::FrontEnd::chosen() == super::index::FrontEnd::Index
        && let Some(exchange) = read_indexed(container, first_line, index)
    {
        return Ok(exchange);
    }
    read_serde(container, first_line, index)
}

/// The one-pass reader; `None` leaves the envelope to serde.
fn read_indexed(container: &Arc<str>, first_line: usize, entry: Option<usize>) -> Option<Exchange> {
    let mut index = Index::default();
    index.build(container.as_bytes()).ok()?;
    let index = Arc::new(index);
    let mut c = Cursor::new(container, &index.positions, index.escapes);
    let (mut operation, mut request, mut response) = (None, None, None);
    object(&mut c, |c, name| {
        let slot = match name {
            "operation" => {
                let value = optional(c, |c| c.string().ok().map(String::from))?;
                return operation.replace(value).is_none().then_some(());
            }
            "request" => &mut request,
            "response" => &mut response,
            _ => return c.skip().ok(),
        };
        let message = optional(c, |c| message(c, container, first_line, &index))?;
        slot.replace(message).is_none().then_some(())
    })?;
    if !c.done() {
        return None;
    }
    let (request, response) = (request.flatten(), response.flatten());
    if request.is_none() && response.is_none() {
        return None; // serde says what is missing
    }
    Some(Exchange {
        index: entry,
        operation: operation.flatten(),
        request,
        response,
        origin: Some(super::Origin { container: container.clone(), first_line }),
    })
}

/// The members of the object at the cursor, each handed to `member` after its name.
fn object(c: &mut Cursor<'_>, mut member: impl FnMut(&mut Cursor<'_>, &str) -> Option<()>) -> Option<()> {
    if c.byte().ok()? != b'{' {
        return None;
    }
    c.enter().ok()?;
    if !c.empty(b'}').ok()? {
        loop {
            let name = c.name().ok()?;
            member(c, &name)?;
            if !c.separator(b'}').ok()? {
                break;
            }
        }
    }
    c.leave();
    Some(())
}

/// `null` as `None`, anything else read by `read`.
fn optional<T>(c: &mut Cursor<'_>, read: impl FnOnce(&mut Cursor<'_>) -> Option<T>) -> Option<Option<T>> {
    if c.byte().ok()? == b'n' {
        return c.literal().ok()?.is_null().then_some(None);
    }
    read(c).map(Some)
}

/// A `request` or `response` object.
fn message(c: &mut Cursor<'_>, container: &Arc<str>, first_line: usize, index: &Arc<Index>) -> Option<Message> {
    let (mut method, mut url, mut status, mut headers, mut body) = (None, None, None, None, None);
    let string = |c: &mut Cursor<'_>| c.string().ok().map(String::from);
    object(c, |c, name| {
        match name {
            "method" => method.replace(optional(c, string)?).is_none().then_some(()),
            "url" => url.replace(optional(c, string)?).is_none().then_some(()),
            "status" => {
                let value = optional(c, |c| {
                    let token = c.token();
                    let ok = !token.is_empty() && token.len() <= 5 && token.bytes().all(|b| b.is_ascii_digit());
                    let n: u16 = if ok { token.parse().ok()? } else { return None };
                    c.number().ok()?;
                    Some(n)
                })?;
                status.replace(value).is_none().then_some(())
            }
            "headers" => {
                let value = optional(c, |c| {
                    let mut list: Vec<(String, String)> = Vec::new();
                    object(c, |c, name| {
                        if list.iter().any(|(k, _)| k == name) {
                            return None; // a repeated name: serde's map keeps the last, in the first's place
                        }
                        let value = c.string().ok()?;
                        list.push((name.to_string(), value.into_owned()));
                        Some(())
                    })?;
                    Some(list)
                })?;
                headers.replace(value).is_none().then_some(())
            }
            "body" => {
                let value = optional(c, |c| {
                    let (first, start) = (c.at, c.offset());
                    let scalar_end = start + c.token().len();
                    let container_value = matches!(c.byte().ok()?, b'{' | b'[');
                    c.skip().ok()?;
                    let end = if container_value { index.positions[c.at - 1] as usize + 1 } else { scalar_end };
                    Some(BodyText {
                        text: Arc::from(&container[start..end]),
                        embedded: Some(Embedded {
                            container: container.clone(),
                            offset: start,
                            first_line,
                            index: Some(BodyIndex { index: index.clone(), positions: first..c.at, end }),
                        }),
                        decode_error: None,
                        bytes: None,
                        literal: None,
                    })
                })?;
                body.replace(value).is_none().then_some(())
            }
            "bodyText" | "bodyBase64" | "bodyOmitted" => None,
            _ => c.skip().ok(),
        }
    })?;
    Some(Message {
        method: method.flatten(),
        url: url.flatten(),
        status: status.flatten(),
        headers: headers.flatten(),
        body: body.flatten(),
        body_omitted: false,
        omitted_because: None,
    })
}

/// The serde reader: every envelope the one-pass reader leaves, and the errors.
fn read_serde(container: &Arc<str>, first_line: usize, index: Option<usize>) -> Result<Exchange, FormatError> {
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
                    embedded: Some(Embedded { container: container.clone(), offset, first_line, index: None }),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader made of an envelope, less the index the one-pass reader keeps.
    fn shown(exchange: &Exchange) -> String {
        let message = |m: &Option<Message>| {
            m.as_ref().map(|m| {
                let body = m.body.as_ref().map(|b| {
                    let e = b.embedded.as_ref().map(|e| (e.offset, e.first_line));
                    (b.text.to_string(), e, b.literal.is_some(), b.bytes.is_some())
                });
                format!("{:?}", (&m.method, &m.url, m.status, &m.headers, body, m.body_omitted, &m.omitted_because))
            })
        };
        format!("{:?}", (exchange.index, &exchange.operation, message(&exchange.request), message(&exchange.response)))
    }

    /// Every envelope line of the repository's captures and fixtures, and
    /// edits of them: the one-pass reader reads each exactly as serde does,
    /// or leaves it to serde.
    #[test]
    fn the_one_pass_reader_reads_as_serde_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut lines: Vec<String> = Vec::new();
        let mut stack = vec![root.join("examples"), root.join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "ndjson") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    lines.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string));
                }
            }
        }
        let edits: Vec<String> = lines
            .iter()
            .flat_map(|l| {
                [
                    l.replacen(':', " : ", 3),
                    l.replacen("\"status\":", "\"status\":\"x\",\"status\":", 1),
                    l.replacen('}', "}}", 1),
                    l.replacen("\"body\":", "\"body\":null,\"x\":", 1),
                    l.replacen("200", "200.0", 1),
                    l.replacen("\"headers\":{", "\"headers\":{\"a\":1,", 1),
                ]
            })
            .collect();
        let (mut read, mut left) = (0, 0);
        for (i, line) in lines.iter().chain(&edits).enumerate() {
            let container: Arc<str> = Arc::from(line.as_str());
            let serde = read_serde(&container, 3, Some(i));
            match read_indexed(&container, 3, Some(i)) {
                Some(exchange) => {
                    read += 1;
                    let expected = serde.unwrap_or_else(|e| panic!("serde refuses what the index read: {e:?}: {line}"));
                    assert_eq!(shown(&exchange), shown(&expected), "{line}");
                    let body = exchange.response.as_ref().or(exchange.request.as_ref()).and_then(|m| m.body.as_ref());
                    if let Some(ix) = body.and_then(|b| b.embedded.as_ref()?.index.as_ref()) {
                        let first = ix.index.positions[ix.positions.start] as usize;
                        assert_eq!(&container[first..ix.end], &*body.unwrap().text);
                    }
                }
                None => left += 1,
            }
        }
        assert!(read > 100 && left > 50, "read {read}, left to serde {left}");
    }
}
