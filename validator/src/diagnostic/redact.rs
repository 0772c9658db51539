//! Masks values the schemas mark sensitive, so no output echoes them.
//!
//! Works on text, not on parsed values, so it also protects snippets of
//! payloads that do not parse. Masking replaces bytes one for one, so offsets
//! computed on the original text stay valid on the masked text.

use accord_catalog::text::scan::{skip_ws, string_end, value_end};
use std::collections::BTreeSet;

/// Knows which field and header names are sensitive.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    fields: BTreeSet<String>,
    headers: BTreeSet<String>,
}

/// Header names that always carry credentials, whatever the catalog says.
const ALWAYS_SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "signature",
    "sign",
    "access_token",
    "x-api-key",
    "api-key",
    "x-auth-token",
];

impl Redactor {
    /// A redactor for the given sensitive field names and header names.
    pub fn new(fields: impl IntoIterator<Item = String>, headers: impl IntoIterator<Item = String>) -> Self {
        let mut headers: BTreeSet<String> = headers.into_iter().map(|h| h.to_ascii_lowercase()).collect();
        headers.extend(ALWAYS_SENSITIVE_HEADERS.iter().map(|h| (*h).to_string()));
        Redactor { fields: fields.into_iter().collect(), headers }
    }

    /// Whether a field of this name is sensitive.
    pub fn is_sensitive_field(&self, name: &str) -> bool {
        self.fields.contains(name)
    }

    /// Whether a header of this name is sensitive (case-insensitive).
    pub fn is_sensitive_header(&self, name: &str) -> bool {
        // Called for every key of every masked text: no allocation.
        let contains =
            |word: &str| name.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()));
        self.headers.iter().any(|h| h.eq_ignore_ascii_case(name)) || contains("token") || contains("secret")
    }

    /// Whether any segment of a JSON pointer names a sensitive field.
    pub fn is_sensitive_pointer(&self, pointer: &str) -> bool {
        pointer.split('/').skip(1).any(|seg| self.fields.contains(&seg.replace("~1", "/").replace("~0", "~")))
    }

    /// A description of a hidden value: its kind and length, never its content.
    pub fn describe(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => format!("<redacted {}-character string>", s.chars().count()),
            serde_json::Value::Number(_) => "<redacted number>".to_string(),
            serde_json::Value::Bool(_) => "<redacted boolean>".to_string(),
            serde_json::Value::Null => "null".to_string(),
            serde_json::Value::Array(a) => format!("<redacted array of {}>", a.len()),
            serde_json::Value::Object(o) => format!("<redacted object of {} fields>", o.len()),
        }
    }

    /// A copy of `text` in which the value after every sensitive key is masked with `*`.
    pub fn mask_text(&self, text: &str) -> String {
        self.mask_values(text, |bytes, out, start, stop| {
            let (from, to) = if bytes.get(start) == Some(&b'"') {
                (start + 1, stop.saturating_sub(1).max(start + 1))
            } else {
                (start, stop)
            };
            for b in out.iter_mut().take(to).skip(from) {
                if !matches!(*b, b'\n' | b'\r') {
                    *b = b'*';
                }
            }
        })
    }

    /// A copy of the JSON `text` in which every sensitive key's value is
    /// masked so that the text stays valid JSON of the same length: string
    /// contents become `*`, numbers `0` padded with spaces, `true`/`false`
    /// `null`; inside a masked object or array every scalar is masked.
    /// What a recording keeps, so that it still reads as the same JSON.
    pub fn mask_json(&self, text: &str) -> String {
        self.mask_values(text, mask_json_scalars)
    }

    /// Finds the value after every sensitive key (field names, and header
    /// names: envelopes carry headers as a JSON object) and lets `mask`
    /// overwrite its bytes `start..stop` in a copy of `text`.
    fn mask_values(&self, text: &str, mask: impl Fn(&[u8], &mut [u8], usize, usize)) -> String {
        let bytes = text.as_bytes();
        let mut out = bytes.to_vec();
        let mut pos = 0;
        while pos < bytes.len() {
            if bytes[pos] != b'"' {
                pos += 1;
                continue;
            }
            let Some(end) = string_end(bytes, pos) else { break };
            let key = &text[pos + 1..end - 1];
            let after = skip_ws(bytes, end);
            let sensitive = self.fields.contains(key) || self.is_sensitive_header(key);
            if after < bytes.len() && bytes[after] == b':' && sensitive {
                let start = skip_ws(bytes, after + 1);
                let stop = scalar_or_container_end(bytes, start);
                mask(bytes, &mut out, start, stop);
                pos = stop.max(end);
            } else {
                pos = end;
            }
        }
        // Masking replaced whole values (all bytes of multi-byte characters), so
        // the result is valid UTF-8; fall back to a lossy copy just in case.
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// `application/x-www-form-urlencoded` text (a query string, a form body)
    /// with the value of every sensitive name replaced by as many `*`.
    pub fn mask_form(&self, text: &str) -> String {
        text.split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => {
                    let decoded =
                        percent_encoding::percent_decode_str(&name.replace('+', " ")).decode_utf8_lossy().into_owned();
                    if self.is_sensitive_field(&decoded) || self.is_sensitive_header(&decoded) {
                        format!("{name}={}", "*".repeat(value.len()))
                    } else {
                        pair.to_string()
                    }
                }
                None => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Masks the scalars of the JSON value in `bytes[start..stop]` into `out`,
/// keeping it valid JSON of the same length.
fn mask_json_scalars(bytes: &[u8], out: &mut [u8], start: usize, stop: usize) {
    let mut i = start;
    while i < stop {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i).unwrap_or(stop).min(stop);
                // A key inside a masked object stays (it is the schema's, not a secret).
                let key = bytes.get(skip_ws(bytes, end)) == Some(&b':');
                if !key {
                    for b in out.iter_mut().take(end.saturating_sub(1)).skip(i + 1) {
                        *b = b'*';
                    }
                }
                i = end.max(i + 1);
            }
            b'-' | b'0'..=b'9' => {
                out[i] = b'0';
                i += 1;
                while i < stop && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b't' if bytes[i..].starts_with(b"true") => {
                out[i..i + 4].copy_from_slice(b"null");
                i += 4;
            }
            b'f' if bytes[i..].starts_with(b"false") => {
                out[i..i + 5].copy_from_slice(b"null ");
                i += 5;
            }
            _ => i += 1,
        }
    }
}

/// End of the value at `start`; an unterminated value runs to the end of the text.
fn scalar_or_container_end(bytes: &[u8], start: usize) -> usize {
    value_end(bytes, start).unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_sensitive_values_keeping_offsets() {
        let r = Redactor::new(["secret".to_string(), "pin".to_string()], []);
        let text = r#"{"secret": "f5bde245", "store": "999", "pin" :12, "nested": {"pin": {"a": "é"}}}"#;
        let masked = r.mask_text(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("f5bde245"));
        assert!(masked.contains("\"999\""));
        assert!(!masked.contains("12"));
        assert!(!masked.contains('é'));
    }

    #[test]
    fn json_masking_keeps_valid_json_of_the_same_length() {
        let r = Redactor::new(["secret".to_string(), "pin".to_string(), "card".to_string()], []);
        let text = r#"{"secret": "a\"b", "pin": -12.5e3, "ok": 7, "card": {"no": "4111", "cvv": 123, "v": true}}"#;
        let masked = r.mask_json(text);
        assert_eq!(masked.len(), text.len());
        let value: serde_json::Value = serde_json::from_str(&masked).expect("still JSON");
        assert_eq!(value["secret"], "****");
        assert_eq!(value["pin"], 0);
        assert_eq!(value["ok"], 7);
        assert_eq!(value["card"], serde_json::json!({"no": "****", "cvv": 0, "v": null}));
        assert_eq!(r.mask_form("pin=1234&a=b&card%20x=1"), "pin=****&a=b&card%20x=1");
    }

    #[test]
    fn masks_unterminated_values() {
        let r = Redactor::new(["secret".to_string()], []);
        let masked = r.mask_text(r#"{"secret": "abcdef"#);
        assert!(!masked.contains("abcdef"));
    }

    #[test]
    fn sensitive_headers_and_pointers() {
        let r = Redactor::new(["voucherCode".to_string()], ["Client-Secret".to_string()]);
        assert!(r.is_sensitive_header("Authorization"));
        assert!(r.is_sensitive_header("client-secret"));
        assert!(r.is_sensitive_header("X-Session-Token"));
        assert!(!r.is_sensitive_header("Client-Id"));
        assert!(r.is_sensitive_pointer("/data/vouchers/0/voucherCode"));
        assert!(!r.is_sensitive_pointer("/data/vouchers/0/amount"));
    }
}
