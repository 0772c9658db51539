//! `--format json`: exactly one report object, stable field order.

use crate::diagnostic::Report;
use serde::Serialize;
use std::io::{self, Write};

/// The JSON report's format version.
pub const REPORT_VERSION: u32 = 1;

/// Renders the machine-readable report.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonRenderer;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: &'a crate::diagnostic::Summary,
    diagnostics: &'a [crate::diagnostic::Diagnostic],
}

impl JsonRenderer {
    /// Writes the report as pretty-printed JSON followed by a newline.
    pub fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document { version: REPORT_VERSION, summary: &report.summary, diagnostics: &report.diagnostics };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
