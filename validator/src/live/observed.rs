//! One exchange as a proxy or a service saw it, before it is checked:
//! turned into the engine's [`Exchange`], or into a capture envelope line
//! (what `accord check` reads), masked or not.

use super::Captured;
use crate::capture::{BodyText, Exchange, Message};
use crate::diagnostic::Redactor;
use bytes::Bytes;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::Read;

/// The most a compressed body may inflate to before it is left unchecked.
const MAX_INFLATED: u64 = 256 << 20;

/// A request or a response as it passed.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method (requests).
    pub method: Option<String>,
    /// The URL: a path with its query, or absolute (requests).
    pub url: Option<String>,
    /// The status (responses).
    pub status: Option<u16>,
    /// The header fields, in order, repeated names kept.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Captured,
}

/// A request and, once it came, its response.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The request.
    pub request: Seen,
    /// The response; `None` when there was none (answered by Accord itself).
    pub response: Option<Seen>,
}

fn headers_of(map: &http::HeaderMap) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
}

impl Seen {
    /// A request of `parts`, at `url` (how the engine should route it).
    pub fn request(parts: &http::request::Parts, url: String, body: Captured) -> Self {
        Seen {
            method: Some(parts.method.to_string()),
            url: Some(url),
            status: None,
            headers: headers_of(&parts.headers),
            body,
        }
    }

    /// A response of `parts`.
    pub fn response(parts: &http::response::Parts, body: Captured) -> Self {
        Seen { method: None, url: None, status: Some(parts.status.as_u16()), headers: headers_of(&parts.headers), body }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as the application sent it: `Content-Encoding` undone.
    /// `Err` says why it cannot be judged; `Ok(None)` means no body.
    pub fn content(&self) -> Result<Option<Cow<'_, [u8]>>, String> {
        let bytes: &Bytes = match &self.body {
            Captured::Omitted(why) => return Err(why.clone()),
            Captured::Complete(b) if b.is_empty() => return Ok(None),
            Captured::Complete(b) => b,
        };
        let coding = self.header("content-encoding").unwrap_or("identity").trim().to_ascii_lowercase();
        let mut out = Vec::new();
        let read = match coding.as_str() {
            "" | "identity" => return Ok(Some(Cow::Borrowed(bytes))),
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&bytes[..]).take(MAX_INFLATED).read_to_end(&mut out),
            "deflate" => flate2::read::ZlibDecoder::new(&bytes[..]).take(MAX_INFLATED).read_to_end(&mut out),
            other => return Err(format!("Content-Encoding `{other}` is not one Accord decodes (gzip, deflate)")),
        };
        match read {
            Ok(_) if out.len() as u64 >= MAX_INFLATED => Err(format!("it inflates to more than {MAX_INFLATED} bytes")),
            Ok(_) => Ok(Some(Cow::Owned(out))),
            Err(e) => Err(format!("its {coding} encoding does not decode: {e}")),
        }
    }

    fn charset(&self) -> Option<String> {
        self.header("content-type").and_then(|v| accord_catalog::openapi::media::parameter(v, "charset"))
    }

    /// The engine's message.
    pub fn message(&self) -> Message {
        let mut message = Message {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            headers: Some(self.headers.clone()),
            ..Message::default()
        };
        match self.content() {
            Ok(Some(bytes)) => message.body = Some(BodyText::decoded(bytes.into_owned(), self.charset().as_deref())),
            Ok(None) => {}
            Err(why) => {
                message.body_omitted = true;
                message.omitted_because = Some(why);
            }
        }
        message
    }

    /// The envelope object of this message, with sensitive values masked by
    /// `mask` (when given). Masking keeps JSON bodies valid and of the same length.
    fn envelope(&self, mask: Option<&Redactor>) -> String {
        let mut object = Map::new();
        // A JSON body goes in verbatim (not through `Value`, which would
        // fold duplicate keys and round numbers): spliced in after the rest.
        let mut raw_body: Option<String> = None;
        if let Some(method) = &self.method {
            object.insert("method".into(), Value::String(method.clone()));
        }
        if let Some(url) = &self.url {
            let url = match (mask, url.split_once('?')) {
                (Some(r), Some((path, query))) => format!("{path}?{}", r.mask_form(query)),
                _ => url.clone(),
            };
            object.insert("url".into(), Value::String(url));
        }
        if let Some(status) = self.status {
            object.insert("status".into(), Value::from(status));
        }
        // Repeated fields are joined as HTTP allows (RFC 9110 §5.3).
        let mut headers = Map::new();
        for (name, value) in &self.headers {
            let value = match mask {
                Some(r) if r.is_sensitive_header(name) => "*".repeat(value.len()),
                _ => value.clone(),
            };
            match headers.get_mut(name) {
                Some(Value::String(v)) => {
                    v.push_str(", ");
                    v.push_str(&value);
                }
                _ => {
                    headers.insert(name.clone(), Value::String(value));
                }
            }
        }
        object.insert("headers".into(), Value::Object(headers));
        match self.content() {
            Ok(None) => {}
            Err(why) => {
                object.insert("bodyOmitted".into(), Value::String(why));
            }
            Ok(Some(bytes)) => {
                let utf8 =
                    self.charset().is_none_or(|c| c.eq_ignore_ascii_case("utf-8") || c.eq_ignore_ascii_case("utf8"));
                match std::str::from_utf8(&bytes).ok().filter(|_| utf8) {
                    Some(text) => {
                        let one_line = !text.contains(['\n', '\r']);
                        let in_place = one_line
                            .then(|| serde_json::from_str::<&serde_json::value::RawValue>(text).ok())
                            .flatten()
                            .is_some();
                        let form = self.header("content-type").is_some_and(|t| {
                            t.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
                        });
                        let text = match mask {
                            Some(r) if form => r.mask_form(text),
                            Some(r) => r.mask_json(text),
                            None => text.to_string(),
                        };
                        if in_place && serde_json::from_str::<&serde_json::value::RawValue>(&text).is_ok() {
                            raw_body = Some(text);
                        } else {
                            object.insert("bodyText".into(), Value::String(text));
                        }
                    }
                    None => {
                        use base64::Engine as _;
                        let encoded = if mask.is_some() {
                            // Bytes cannot be masked field by field: a binary
                            // body of a masked recording keeps only its size.
                            object.insert(
                                "bodyOmitted".into(),
                                Value::String(format!(
                                    "{} bytes of binary content, left out of a masked recording",
                                    bytes.len()
                                )),
                            );
                            None
                        } else {
                            Some(base64::engine::general_purpose::STANDARD.encode(&bytes))
                        };
                        if let Some(encoded) = encoded {
                            object.insert("bodyBase64".into(), Value::String(encoded));
                        }
                    }
                }
            }
        }
        let mut text = serde_json::to_string(&Value::Object(object)).unwrap_or_else(|_| "{}".into());
        if let Some(body) = raw_body {
            text.pop();
            text.push_str(",\"body\":");
            text.push_str(&body);
            text.push('}');
        }
        text
    }
}

impl Observed {
    /// The engine's exchange, entry `index` of its source.
    pub fn exchange(&self, index: usize) -> Exchange {
        Exchange::new(Some(self.request.message()), self.response.as_ref().map(Seen::message)).at(index)
    }

    /// One line of NDJSON (a capture envelope, no newline), masked by
    /// `mask` when given: what `accord check` reads back.
    pub fn envelope_line(&self, mask: Option<&Redactor>) -> String {
        let mut line = format!("{{\"request\":{}", self.request.envelope(mask));
        if let Some(response) = &self.response {
            line.push_str(",\"response\":");
            line.push_str(&response.envelope(mask));
        }
        line.push('}');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::read_envelope;
    use std::io::Write;
    use std::sync::Arc;

    fn seen(headers: &[(&str, &str)], body: &[u8]) -> Seen {
        Seen {
            method: Some("POST".into()),
            url: Some("/orders?apiKey=k123&page=2".into()),
            status: None,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: Captured::Complete(Bytes::copy_from_slice(body)),
        }
    }

    /// Reads a line back as `accord check` does: the body text it checks.
    fn read_back(line: &str) -> crate::capture::Message {
        let exchange = read_envelope(&Arc::from(line), 1, Some(0)).expect("an envelope");
        exchange.request.expect("a request")
    }

    #[test]
    fn every_kind_of_body_reads_back_as_it_passed() {
        let gzip = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(br#"{"zipped": true}"#).unwrap();
            e.finish().unwrap()
        };
        type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<u8>, Option<&'a str>);
        let cases: Vec<Case<'_>> = vec![
            (
                vec![("content-type", "application/json")],
                br#"{"a": 1.10, "a": 2}"#.to_vec(),
                Some(r#"{"a": 1.10, "a": 2}"#),
            ),
            (
                vec![("content-type", "application/json")],
                b"{\n  \"pretty\": true\n}".to_vec(),
                Some("{\n  \"pretty\": true\n}"),
            ),
            (vec![("content-type", "text/plain")], b"not json \"quoted\"".to_vec(), Some("not json \"quoted\"")),
            (vec![("content-encoding", "gzip")], gzip, Some(r#"{"zipped": true}"#)),
            (vec![("content-type", "application/octet-stream")], vec![0xff, 0x00, 0x80], None),
        ];
        for (headers, body, text) in cases {
            let observed = Observed { request: seen(&headers, &body), response: None };
            let line = observed.envelope_line(None);
            assert!(!line.contains('\n'), "one line: {line}");
            let message = read_back(&line);
            let read = message.body.expect("a body");
            match text {
                Some(t) => assert_eq!(&*read.text, t, "{line}"),
                None => assert_eq!(read.bytes.as_deref(), Some(&[0xff, 0x00, 0x80][..]), "{line}"),
            }
            // What the proxy checks is what it records.
            let direct = observed.request.message().body.expect("a body");
            assert_eq!(direct.text, read.text);
        }
    }

    #[test]
    fn a_masked_line_hides_secrets_and_still_reads() {
        let redactor = Redactor::new(["cardNumber".to_string(), "apiKey".to_string()], []);
        let body = br#"{"cardNumber": "4111111111111111", "item": "tea"}"#;
        let observed = Observed {
            request: seen(&[("content-type", "application/json"), ("authorization", "Bearer SECRET-T")], body),
            response: Some(Seen {
                method: None,
                url: None,
                status: Some(200),
                headers: vec![("set-cookie".into(), "sid=SECRET-C".into())],
                body: Captured::Omitted("over the limit".into()),
            }),
        };
        let line = observed.envelope_line(Some(&redactor));
        for secret in ["4111111111111111", "SECRET-T", "SECRET-C", "k123"] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
        let message = read_back(&line);
        assert_eq!(&*message.body.unwrap().text, r#"{"cardNumber": "****************", "item": "tea"}"#);
        assert_eq!(message.url.as_deref(), Some("/orders?apiKey=****&page=2"));
        let exchange = read_envelope(&Arc::from(line.as_str()), 1, None).unwrap();
        let response = exchange.response.unwrap();
        assert!(response.body_omitted);
        assert_eq!(response.omitted_because.as_deref(), Some("over the limit"));
    }
}
