//! Renderers: each turns a finished [`Report`] into one output format.
//!
//! Renderers never compute findings; they only present them. One module per
//! format, all of the same shape: a config and a `render` over `io::Write`.

mod human;
mod json;

pub use human::HumanRenderer;
pub use json::JsonRenderer;

use crate::diagnostic::Report;
use std::io::{self, Write};

/// The output formats of `accord check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like text with source snippets (default).
    Human,
    /// One JSON report (see `validator/report.schema.json`).
    Json,
}

/// Renders `report` in `format` to `out`.
pub fn render(format: Format, report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => HumanRenderer { color }.render(report, out),
        Format::Json => JsonRenderer.render(report, out),
    }
}
