//! Reading captured traffic into [`Exchange`]s.
//!
//! Readers know nothing about schemas: they turn bytes into requests and
//! responses, remembering where each body's text came from so diagnostics can
//! point into it. HAR and NDJSON are read entry by entry; only envelope and
//! plain payload files are read whole (their positions are in the file).

mod detect;
mod envelope;
mod har;
pub mod index;
mod ndjson;

pub use detect::{InputKind, detect};
pub use envelope::read_envelope;
pub use har::read_har;
pub(crate) use har::{HarEntryText, read_har_entries, read_har_entries_from_slice};
pub use ndjson::read_ndjson;
pub(crate) use ndjson::{Line, read_lines};

use std::sync::Arc;

/// One request/response pair (either side may be missing).
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// 0-based index in its file (HAR entry, NDJSON line); `None` for a whole-file payload.
    pub index: Option<usize>,
    /// An operation id named by the capture itself (envelope `operation`).
    pub operation: Option<String>,
    /// The request, if captured.
    pub request: Option<Message>,
    /// The response, if captured.
    pub response: Option<Message>,
    /// The envelope's text, for positions of findings outside its bodies.
    pub origin: Option<Origin>,
}

/// The text an envelope was read from (the whole file, or one NDJSON line).
#[derive(Debug, Clone)]
pub struct Origin {
    /// The text.
    pub container: Arc<str>,
    /// The file line on which it starts (1-based).
    pub first_line: usize,
}

/// A request or a response.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// HTTP method (requests).
    pub method: Option<String>,
    /// URL or path with query (requests).
    pub url: Option<String>,
    /// Status code (responses).
    pub status: Option<u16>,
    /// Headers, if the capture has them; `None` means "not captured", not "none sent".
    pub headers: Option<Vec<(String, String)>>,
    /// The body, if any.
    pub body: Option<BodyText>,
    /// Set when the capture says there was a body but does not include it
    /// (a HAR `content` with a `size` and no `text`): the body was not captured.
    pub body_omitted: bool,
    /// Why the body was not captured, when it is known (over a size limit, a
    /// stream that never ends); said in the `unchecked` finding.
    pub omitted_because: Option<String>,
}

impl Exchange {
    /// An exchange of a request and/or a response, as a proxy or a service sees it.
    pub fn new(request: Option<Message>, response: Option<Message>) -> Self {
        Exchange { request, response, ..Exchange::default() }
    }

    /// The same exchange as entry `index` of its source (findings name it).
    pub fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl Message {
    /// A request: method and URL (absolute, or a path with its query).
    pub fn request(method: &str, url: &str) -> Self {
        Message {
            method: Some(method.to_string()),
            url: Some(url.to_string()),
            headers: Some(Vec::new()),
            ..Message::default()
        }
    }

    /// A response with `status`.
    pub fn response(status: u16) -> Self {
        Message { status: Some(status), headers: Some(Vec::new()), ..Message::default() }
    }

    /// The same message with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.get_or_insert_with(Vec::new).push((name.to_string(), value.to_string()));
        self
    }

    /// The same message with `text` as its body.
    pub fn with_body(mut self, text: &str) -> Self {
        self.body = Some(BodyText::standalone(text));
        self
    }
}

impl Message {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.as_ref()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A body's text and where it came from.
#[derive(Debug, Clone)]
pub struct BodyText {
    /// The payload text (decoded from base64 if it was).
    pub text: Arc<str>,
    /// Set when the text is a slice of a larger text in the input file.
    pub embedded: Option<Embedded>,
    /// Set when the body could not be decoded (bad base64, or bytes that are
    /// not text in the declared charset); `text` is then empty.
    pub decode_error: Option<String>,
    /// The bytes of a body that was carried as base64 (a HAR's
    /// `encoding: "base64"`): what a binary media type is judged by.
    pub bytes: Option<Arc<[u8]>>,
    /// Set when the text is a JSON string literal in the input file (an
    /// envelope's `bodyText`), so payload positions can be mapped to file positions.
    pub literal: Option<Literal>,
}

/// Where a payload carried as a JSON string literal sits in the input.
#[derive(Debug, Clone)]
pub struct Literal {
    /// The text holding the literal (the whole file, or one NDJSON line).
    pub container: Arc<str>,
    /// Byte offset of the literal's opening quote in `container`.
    pub start: usize,
    /// The file line on which `container` starts (1-based).
    pub first_line: usize,
}

impl BodyText {
    /// The size of the body in bytes: of its decoded bytes when it was
    /// carried as base64, else of its text.
    pub fn size(&self) -> usize {
        self.bytes.as_ref().map_or(self.text.len(), |b| b.len())
    }

    /// Bytes decoded from base64, read as text in `charset` (a WHATWG label;
    /// UTF-8 when `None`). Bytes that are not text in it keep the reason in
    /// [`BodyText::decode_error`]; they are kept either way, so a binary media
    /// type can still be judged by its size.
    pub fn decoded(bytes: Vec<u8>, charset: Option<&str>) -> Self {
        let encoding = match charset {
            Some(label) => match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
                Some(e) => e,
                None => {
                    return BodyText {
                        decode_error: Some(format!(
                            "the body declares charset `{label}`, which is not a known encoding"
                        )),
                        bytes: Some(bytes.into()),
                        ..Self::standalone("")
                    };
                }
            },
            None => encoding_rs::UTF_8,
        };
        let problem = if encoding == encoding_rs::UTF_8 {
            match std::str::from_utf8(&bytes) {
                Ok(text) => return BodyText { bytes: None, ..Self::standalone(text) }.with_bytes(bytes),
                Err(e) => format!("base64 body decodes to bytes that are not UTF-8 (at byte {})", e.valid_up_to()),
            }
        } else {
            match encoding.decode_without_bom_handling_and_without_replacement(&bytes) {
                Some(text) => {
                    let text = text.into_owned();
                    return Self::standalone(text).with_bytes(bytes);
                }
                None => format!("base64 body decodes to bytes that are not {} text", encoding.name()),
            }
        };
        BodyText { decode_error: Some(problem), bytes: Some(bytes.into()), ..Self::standalone("") }
    }

    fn with_bytes(mut self, bytes: Vec<u8>) -> Self {
        self.bytes = Some(bytes.into());
        self
    }

    /// A body that stands on its own (positions count in the body text).
    pub fn standalone(text: impl Into<Arc<str>>) -> Self {
        BodyText { text: text.into(), embedded: None, decode_error: None, bytes: None, literal: None }
    }
}

/// A body that is literally part of the input file's text.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The text the body sits in (the whole file, or one NDJSON line).
    pub container: Arc<str>,
    /// Byte offset of the body in `container`.
    pub offset: usize,
    /// The file line on which `container` starts (1-based).
    pub first_line: usize,
    /// The body's structural positions, when the reader indexed `container`
    /// (an NDJSON envelope): the fast path walks them instead of reading the body again.
    pub index: Option<BodyIndex>,
}

/// A body's part of its container's structural index.
#[derive(Debug, Clone)]
pub struct BodyIndex {
    /// The container's index.
    pub index: Arc<index::Index>,
    /// The body's positions in it.
    pub positions: std::ops::Range<usize>,
    /// The byte offset just past the body in the container.
    pub end: usize,
}

/// An entry the reader could not turn into an exchange (e.g. a HAR entry without a request).
#[derive(Debug, Clone)]
pub struct EntryProblem {
    /// 0-based entry index.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// 1-based file line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

/// What a reader hands over: an exchange, or a problem with one entry.
pub type CaptureItem = Result<Exchange, EntryProblem>;

/// A whole file that cannot be read as the detected format (truncated HAR, not JSON).
#[derive(Debug, Clone)]
pub struct FormatError {
    /// What is wrong.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl FormatError {
    fn from_json(prefix: &str, e: &serde_json::Error) -> Self {
        let message = strip_position(&e.to_string());
        FormatError {
            message: format!("{prefix}: {message}"),
            line: (e.line() > 0).then_some(e.line()),
            column: (e.line() > 0).then_some(e.column()),
        }
    }
}

/// serde_json's message without its " at line L column C" suffix (positions are reported separately).
pub fn strip_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    if message == "recursion limit exceeded" {
        "nested more than 128 levels deep, which Accord does not read (recursion limit exceeded)".to_string()
    } else {
        message.to_string()
    }
}
