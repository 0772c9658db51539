//! Coverage reports in five formats: a human table, JSON (see
//! `validator/coverage.schema.json`), Markdown for pull-request comments, one
//! self-contained HTML page, and lcov mapped onto the lines of the OpenAPI
//! documents. Renderers only present a [`CoverageReport`]; they compute nothing.

mod html;
mod human;
mod lcov;
mod markdown;

use crate::coverage::CoverageReport;
use std::io::{self, Write};
use std::path::Path;

/// The formats of a coverage report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageFormat {
    /// A table per kind, operations, and missing in spec.
    Human,
    /// The report as JSON.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One HTML page with everything inline: sortable, filterable, a drill-down per operation.
    Html,
    /// lcov tracefile: units as lines (and branches) of the documents that declare them.
    Lcov,
}

impl CoverageFormat {
    /// The format a file name asks for by its extension (`.json`, `.md`,
    /// `.html`, `.info`/`.lcov`), human text otherwise.
    pub fn for_path(path: &Path) -> CoverageFormat {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("json") => CoverageFormat::Json,
            Some("md" | "markdown") => CoverageFormat::Markdown,
            Some("html" | "htm") => CoverageFormat::Html,
            Some("info" | "lcov") => CoverageFormat::Lcov,
            _ => CoverageFormat::Human,
        }
    }
}

/// Writes `report` in `format`.
pub fn render_coverage(report: &CoverageReport, format: CoverageFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        CoverageFormat::Human => human::write(report, out),
        CoverageFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        CoverageFormat::Markdown => markdown::write(report, out),
        CoverageFormat::Html => html::write(report, out),
        CoverageFormat::Lcov => lcov::write(report, out),
    }
}

/// The note on message slots whose body units were capped, if any.
fn truncated_note(report: &CoverageReport) -> Option<String> {
    let first = report.truncated.first()?;
    let left_out: usize = report.truncated.iter().map(|t| t.left_out).sum();
    Some(format!(
        "{} message slot(s) define more body units than the {} counted per slot; {left_out} unit(s) are left out of every figure (the first: {} {})",
        report.truncated.len(),
        first.counted,
        first.operation,
        first.slot
    ))
}

/// ` (first in FILE entry #N)` for a unit seen only in invalid messages.
fn first_invalid(unit: &crate::coverage::UnitCoverage) -> String {
    match &unit.first_invalid {
        Some(s) => match s.entry {
            Some(e) => format!(" (first in {} entry #{e})", s.file),
            None => format!(" (first in {})", s.file),
        },
        None => String::new(),
    }
}

/// `12 of 40` units of a kind, with the percentage.
fn figures(covered: usize, units: usize, percent: f64) -> String {
    format!("{covered}/{units} ({percent:.1}%)")
}
