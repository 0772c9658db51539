//! Renderers: each turns a finished [`Report`] into one output format.
//!
//! Renderers never compute findings; they only present them. One module per
//! format, all of the same shape: a config and a `render` over `io::Write`.

mod diff;
mod github;
mod human;
mod json;
mod junit;
mod progress;
mod rules;
mod sarif;

pub use diff::{DiffFormat, DiffReport, Regression, Replay, render_diff};
pub use github::{GithubRenderer, escape_data, escape_property};
pub use human::HumanRenderer;
pub use json::JsonRenderer;
pub use junit::{JunitRenderer, escape_xml};
pub use progress::ProgressRenderer;
pub use sarif::SarifRenderer;

use crate::diagnostic::Report;
use std::io::{self, Write};

/// The output formats of `accord check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like text with source snippets (default).
    Human,
    /// One JSON report (see `validator/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: a test suite per input file, a test case per checked message.
    Junit,
}

/// Renders `report` in `format` to `out` (human output with its summary line).
pub fn render(format: Format, report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    render_with(format, report, &HumanRenderer { color, summary: true }, out)
}

/// Renders `report` in `format`, drawing human output as `human` says.
pub fn render_with(format: Format, report: &Report, human: &HumanRenderer, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human.render(report, out),
        Format::Json => JsonRenderer.render(report, out),
        Format::Sarif => SarifRenderer.render(report, out),
        Format::Github => GithubRenderer.render(report, out),
        Format::Junit => JunitRenderer.render(report, out),
    }
}
