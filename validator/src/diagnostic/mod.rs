//! Diagnostics are data: what was found, where, and how to fix it.
//!
//! Every finding in a payload is a [`Diagnostic`], never an `Err`. A run
//! hands each one to a [`crate::Sink`] as it is made; renderers in
//! [`crate::render`] turn them into text. Nothing here formats output.

mod capture_position;
mod case;
pub mod codes;
mod har_position;
mod redact;
mod report;

pub(crate) use accord_catalog::text::{LineIndex, literal_offset, locate_pointer};
pub(crate) use capture_position::anchor_all;
pub use case::Case;
pub(crate) use har_position::{HarPlacer, needs_har_position};
pub use redact::Redactor;
pub use report::{Limit, Report, Summary};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A contract violation: makes the run fail.
    Error,
    /// Suspicious but allowed (an unknown value of an open list).
    Warning,
    /// Information, such as an exchange that matched no operation.
    Note,
}

/// Which message of an exchange a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The request sent to the operation.
    Request,
    /// The response returned by the operation.
    Response,
}

impl Direction {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// Which part of a message a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The message body.
    Body,
    /// A query parameter.
    Query,
    /// A path parameter.
    Path,
    /// A header (including security requirements).
    Header,
    /// The status line of a response.
    Status,
}

impl Part {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Body => "body",
            Part::Query => "query",
            Part::Path => "path",
            Part::Header => "header",
            Part::Status => "status",
        }
    }
}

/// Whether `line`/`column` count in the input file or in the decoded payload text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PositionBase {
    /// Positions are in the input file itself (payload and envelope files, NDJSON lines).
    File,
    /// Positions are in a payload that the file carries as a string (HAR text, `bodyText`).
    Payload,
}

/// The source line around a diagnostic's position, already redacted, for rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The (possibly windowed) line text, with sensitive values masked.
    pub text: String,
    /// 1-based line number of `text`.
    pub line: usize,
    /// Byte offset in `text` where the label starts.
    pub start: usize,
    /// Byte offset in `text` where the label ends (exclusive).
    pub end: usize,
    /// Whether `text` is the whole line (so the renderer can derive the column from it).
    pub whole_line: bool,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The JSON Schema keyword, or `parse`, `unrouted`, `content-type`, `status`, `io`, ...
    pub code: String,
    /// What is wrong, in words a person understands without opening the schema.
    pub message: String,
    /// How to fix it, when known (a did-you-mean, the field's description).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The input file, as given on the command line (`-` for stdin).
    pub file: String,
    /// 0-based index of the exchange in its file; `None` for a plain payload.
    pub entry: Option<usize>,
    /// The operation id, when routed.
    pub operation: Option<String>,
    /// Request or response.
    pub direction: Option<Direction>,
    /// Body, query, path or header.
    pub part: Option<Part>,
    /// For a body finding: the media type whose schema judged it (`application/json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// JSON pointer into the payload (or the parameter name for headers and parameters).
    pub instance_path: Option<String>,
    /// Schema file and JSON pointer of the failing keyword.
    pub schema_path: Option<String>,
    /// 1-based line of the offending value.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending value.
    pub column: Option<usize>,
    /// What `line` and `column` count in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_in: Option<PositionBase>,
    /// For a payload carried as a JSON string (HAR `text`, envelope `bodyText`):
    /// the 1-based line of the offending value in the input file itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_line: Option<usize>,
    /// The 1-based column (in characters) that goes with `file_line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_column: Option<usize>,
    /// Redacted source context for human output; not serialized.
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    /// A diagnostic with only the essentials set; the builder methods fill in the rest.
    pub fn new(
        severity: Severity,
        code: impl Into<String>,
        message: impl Into<String>,
        file: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code: code.into(),
            message: message.into(),
            help: None,
            file: file.into(),
            entry: None,
            operation: None,
            direction: None,
            part: None,
            media_type: None,
            instance_path: None,
            schema_path: None,
            line: None,
            column: None,
            position_in: None,
            file_line: None,
            file_column: None,
            snippet: None,
        }
    }

    /// An error-severity diagnostic.
    pub fn error(code: impl Into<String>, message: impl Into<String>, file: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message, file)
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Sets the entry index.
    pub fn with_entry(mut self, entry: Option<usize>) -> Self {
        self.entry = entry;
        self
    }

    /// Line and column in the input file, whatever the diagnostic's own
    /// positions count in: what file-based formats (SARIF, GitHub) show.
    pub fn file_position(&self) -> Option<(usize, Option<usize>)> {
        match self.position_in {
            Some(PositionBase::Payload) => self.file_line.map(|l| (l, self.file_column)),
            _ => self.line.map(|l| (l, self.column)),
        }
    }

    /// A stable key that orders diagnostics the way a reader expects.
    pub fn sort_key(&self) -> (String, Option<usize>, u8, usize, usize, String, String) {
        (
            self.file.clone(),
            self.entry,
            self.direction.map_or(0, |d| d as u8 + 1),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.instance_path.clone().unwrap_or_default(),
            self.code.clone(),
        )
    }
}
