//! `--format json`: exactly one report object, `validator/report.schema.json`.
//!
//! Written as the findings come: `version`, then `diagnostics` one by one,
//! then `summary` (last, since it counts the whole run). A reader that wants
//! the counts first reads the whole object; a streaming reader gets each
//! finding as soon as it is written.

use super::indented;
use crate::diagnostic::{Diagnostic, Summary};
use std::io::{self, Write};

/// The JSON report's format version.
pub const REPORT_VERSION: u32 = 1;

/// Writes the machine-readable report, a diagnostic at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonRenderer {
    written: usize,
}

impl JsonRenderer {
    /// Writes one diagnostic (the report's head before the first).
    pub fn finding(&mut self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        if self.written == 0 {
            write!(out, "{{\n  \"version\": {REPORT_VERSION},\n  \"diagnostics\": [\n    ")?;
        } else {
            write!(out, ",\n    ")?;
        }
        self.written += 1;
        out.write_all(indented(&serde_json::to_vec_pretty(d)?, 4).as_bytes())
    }

    /// Ends the diagnostics and writes the summary, then a newline.
    pub fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        if self.written == 0 {
            write!(out, "{{\n  \"version\": {REPORT_VERSION},\n  \"diagnostics\": []")?;
        } else {
            write!(out, "\n  ]")?;
        }
        write!(out, ",\n  \"summary\": ")?;
        out.write_all(indented(&serde_json::to_vec_pretty(summary)?, 2).as_bytes())?;
        writeln!(out, "\n}}")
    }
}
