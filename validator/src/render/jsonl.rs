//! `--format jsonl`: JSON Lines, one finding per line as it is made, then
//! one `{"summary": {...}}` line. For CI logs and `jq`; each line is a
//! diagnostic of `validator/report.schema.json`, plus the redacted source
//! line of the offending value as `snippet` when there is one.

use crate::diagnostic::{Diagnostic, Summary};
use std::io::{self, Write};

/// Writes one JSON object per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonLinesRenderer;

impl JsonLinesRenderer {
    /// Writes one diagnostic as a line, and flushes it.
    pub fn finding(&self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        let mut value = serde_json::to_value(d)?;
        if let (Some(snippet), Some(object)) = (&d.snippet, value.as_object_mut()) {
            object.insert("snippet".into(), serde_json::Value::String(snippet.text.clone()));
        }
        serde_json::to_writer(&mut *out, &value)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// Writes the summary line.
    pub fn finish(&self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": summary }))?;
        out.write_all(b"\n")
    }
}
