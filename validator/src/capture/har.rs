//! HAR 1.2, streamed: `log.entries` is visited one entry at a time, so a
//! capture of any size is read without holding its exchanges in memory.

use super::{BodyText, CaptureItem, EntryProblem, Exchange, FormatError, Message, strip_position};
use base64::Engine as _;
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::io::Read;

#[derive(Deserialize)]
struct HarEntry {
    request: Option<HarRequest>,
    response: Option<HarResponse>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<HarPair>,
    #[serde(default)]
    query_string: Vec<HarPair>,
    post_data: Option<HarContent>,
}

#[derive(Deserialize)]
struct HarResponse {
    status: i64,
    #[serde(default)]
    headers: Vec<HarPair>,
    content: Option<HarContent>,
}

#[derive(Deserialize)]
struct HarPair {
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarContent {
    #[serde(rename = "mimeType")]
    mime_type: Option<String>,
    text: Option<String>,
    encoding: Option<String>,
    size: Option<i64>,
}

impl HarContent {
    /// A body the browser saw (`size` > 0) but did not save (`text` missing).
    fn omitted(&self) -> bool {
        self.text.is_none() && self.size.is_some_and(|s| s > 0)
    }
}

/// Reads a HAR document, handing each entry to `sink` as soon as it is parsed.
///
/// An entry that is malformed (no `request`, bad base64, wrong types) becomes
/// an [`EntryProblem`] and reading goes on; a document that is not HAR at all,
/// or is truncated, is a [`FormatError`] with its line and column.
pub fn read_har(reader: impl Read, sink: &mut dyn FnMut(CaptureItem)) -> Result<(), FormatError> {
    read_har_entries(reader, &mut |entry| sink(entry.read()))
}

/// One HAR entry's text, not converted yet: the reading thread only finds
/// where each entry ends, and whichever thread checks it converts it.
#[derive(Debug)]
pub struct HarEntryText {
    /// 0-based entry index.
    pub index: usize,
    /// The entry's JSON text.
    pub raw: Box<RawValue>,
}

impl HarEntryText {
    /// The exchange the entry holds, or the problem with it.
    pub fn read(self) -> CaptureItem {
        convert(self.index, self.raw.get())
    }
}

/// [`read_har`], handing over each entry's text unconverted.
pub fn read_har_entries(reader: impl Read, sink: &mut dyn FnMut(HarEntryText)) -> Result<(), FormatError> {
    let de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    entries_of(de, sink)
}

/// [`read_har_entries`] on a HAR already in memory: the same entries and
/// errors, several times faster (serde_json tokenizes a slice without going
/// through a reader byte by byte).
pub fn read_har_entries_from_slice(bytes: &[u8], sink: &mut dyn FnMut(HarEntryText)) -> Result<(), FormatError> {
    entries_of(serde_json::Deserializer::from_slice(bytes), sink)
}

fn entries_of<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    sink: &mut dyn FnMut(HarEntryText),
) -> Result<(), FormatError> {
    let mut state = State { sink, next: 0, saw_entries: false };
    Root { state: &mut state }.deserialize(&mut de).map_err(|e| FormatError::from_json("not a valid HAR file", &e))?;
    de.end().map_err(|e| FormatError::from_json("trailing data after the HAR document", &e))?;
    if !state.saw_entries {
        return Err(FormatError {
            message: "not a valid HAR file: no `log.entries` array".into(),
            line: None,
            column: None,
        });
    }
    Ok(())
}

struct State<'s> {
    sink: &'s mut dyn FnMut(HarEntryText),
    next: usize,
    saw_entries: bool,
}

struct Root<'a, 's> {
    state: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR object with a `log`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                map.next_value_seed(Log { state: &mut *self.state })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Log<'a, 's> {
    state: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for Log<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Log<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                self.state.saw_entries = true;
                map.next_value_seed(Entries { state: &mut *self.state })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'a, 's> {
    state: &'a mut State<'s>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR `entries` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each entry is first captured as raw text so a malformed entry is
        // reported on its own instead of aborting the whole file.
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let index = self.state.next;
            self.state.next += 1;
            (self.state.sink)(HarEntryText { index, raw });
        }
        Ok(())
    }
}

fn convert(index: usize, raw: &str) -> CaptureItem {
    let problem = |message: String| EntryProblem { index: Some(index), message, line: None, column: None };
    let entry: HarEntry = serde_json::from_str(raw)
        .map_err(|e| problem(format!("HAR entry is malformed: {}", strip_position(&e.to_string()))))?;
    let (Some(req), Some(resp)) = (entry.request, entry.response) else {
        return Err(problem("HAR entry must have both `request` and `response`".into()));
    };
    let mut url = req.url;
    // Browsers always put the query in the URL; some tools only fill `queryString`.
    if !url.contains('?') && !req.query_string.is_empty() {
        let query: Vec<String> = req
            .query_string
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    url::form_urlencoded::byte_serialize(p.name.as_bytes()).collect::<String>(),
                    url::form_urlencoded::byte_serialize(p.value.as_bytes()).collect::<String>()
                )
            })
            .collect();
        url = format!("{url}?{}", query.join("&"));
    }
    let request = Message {
        method: Some(req.method),
        url: Some(url),
        status: None,
        headers: Some(req.headers.into_iter().map(|p| (p.name, p.value)).collect()),
        body_omitted: req.post_data.as_ref().is_some_and(HarContent::omitted),
        omitted_because: None,
        body: req.post_data.and_then(body),
    };
    // HAR writes status 0 for a response that never arrived (blocked, aborted):
    // the request is still checked, but there is no response to hold to the contract.
    let response = (resp.status != 0).then(|| Message {
        method: None,
        url: None,
        status: u16::try_from(resp.status).ok(),
        headers: Some(resp.headers.into_iter().map(|p| (p.name, p.value)).collect()),
        body_omitted: resp.content.as_ref().is_some_and(HarContent::omitted),
        omitted_because: None,
        body: resp.content.and_then(body),
    });
    Ok(Exchange { index: Some(index), operation: None, request: Some(request), response, origin: None })
}

fn body(content: HarContent) -> Option<BodyText> {
    let text = content.text?;
    if text.is_empty() {
        return None;
    }
    if content.encoding.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
        let cleaned: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        // Judged later by the media type: a binary type by the bytes' size, a
        // text or JSON type by its text in the declared charset.
        let charset =
            content.mime_type.as_deref().and_then(|m| accord_catalog::openapi::media::parameter(m, "charset"));
        return Some(match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
            Ok(bytes) => BodyText::decoded(bytes, charset.as_deref()),
            Err(e) => BodyText {
                decode_error: Some(format!("body is marked base64 but does not decode: {e}")),
                ..BodyText::standalone("")
            },
        });
    }
    Some(BodyText::standalone(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<CaptureItem>, Result<(), FormatError>) {
        let mut items = Vec::new();
        let result = read_har(text.as_bytes(), &mut |i| items.push(i));
        // The in-memory reader gives the same entries and the same error.
        let mut same = Vec::new();
        let again = read_har_entries_from_slice(text.as_bytes(), &mut |e| same.push(e.read()));
        assert_eq!(format!("{items:?}"), format!("{same:?}"));
        assert_eq!(format!("{result:?}"), format!("{again:?}"));
        (items, result)
    }

    #[test]
    fn streams_entries_and_decodes_base64() {
        let har = r#"{"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [
            {"request": {"method": "POST", "url": "https://h/x", "headers": [], "postData": {"mimeType": "application/json", "text": "{\"a\":1}"}},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "eyJiIjoyfQ==", "encoding": "base64"}}},
            {"request": {"method": "GET", "url": "https://h/y"}},
            {"request": {"method": "GET", "url": "https://h/z"}, "response": {"status": 200, "content": {"text": "%%%", "encoding": "base64"}}},
            {"request": {"method": "GET", "url": "https://h/blocked"}, "response": {"status": 0, "content": {"size": 0}}}
        ]}}"#;
        let (items, result) = read(har);
        assert!(result.is_ok());
        assert_eq!(items.len(), 4);
        assert!(items[3].as_ref().unwrap().response.is_none(), "status 0 means no response arrived");
        let first = items[0].as_ref().unwrap();
        assert_eq!(&*first.response.as_ref().unwrap().body.as_ref().unwrap().text, "{\"b\":2}");
        assert!(items[1].as_ref().unwrap_err().message.contains("both `request` and `response`"));
        assert!(items[2].as_ref().unwrap().response.as_ref().unwrap().body.as_ref().unwrap().decode_error.is_some());
    }

    #[test]
    fn truncated_har_reports_position() {
        let (items, result) = read(
            "{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": \"/\"}, \"response\": {\"status\": 200}}, {\"requ",
        );
        assert_eq!(items.len(), 1);
        let err = result.unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.starts_with("not a valid HAR file"));
    }
}
