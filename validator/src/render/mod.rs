//! Renderers: each presents findings in one output format, as they come.
//!
//! Renderers never compute findings; they only present them. One module per
//! format, each of the same shape: a `finding` for each diagnostic as the run
//! makes it, and a `finish` with the summary. [`ReportWriter`] puts them
//! behind the run's [`Sink`], so a report of any size is written with
//! memory that does not grow with its findings (JUnit holds one exchange's
//! test cases; SARIF and JUnit spool to a temporary file, not to memory).

mod coverage;
mod diff;
mod github;
mod human;
mod json;
mod jsonl;
mod junit;
mod sarif;
mod spool;

pub use coverage::{CoverageFormat, render_coverage};
pub use diff::{DiffFormat, DiffReport, SourceLevel, render_diff};
pub(crate) use github::{GithubRenderer, escape_data, escape_property};
pub use human::HumanRenderer;
pub(crate) use json::JsonRenderer;
pub(crate) use jsonl::JsonLinesRenderer;
pub(crate) use junit::JunitRenderer;
pub(crate) use sarif::SarifRenderer;

use crate::diagnostic::{Case, Diagnostic, Report, Summary};
use crate::run::Sink;
use std::io::{self, Write};

/// The output formats of `accord check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// JSON Lines: one finding per line as it is made, then a summary line.
    JsonLines,
}

/// A report being written: a [`Sink`] for the run's findings, then
/// [`ReportWriter::finish`] with the summary.
pub struct ReportWriter<'w> {
    out: Box<dyn Write + 'w>,
    format: Writer,
}

enum Writer {
    Human(HumanRenderer),
    Json(JsonRenderer),
    Sarif(SarifRenderer),
    Github(GithubRenderer),
    Junit(Box<JunitRenderer>),
    JsonLines(JsonLinesRenderer),
}

impl<'w> ReportWriter<'w> {
    /// Starts a report in `format` on `out`, drawing human output as `human` says.
    pub fn new(format: Format, human: HumanRenderer, out: Box<dyn Write + 'w>) -> io::Result<Self> {
        let format = match format {
            Format::Human => Writer::Human(human),
            Format::Json => Writer::Json(JsonRenderer::default()),
            Format::Sarif => Writer::Sarif(SarifRenderer::new()?),
            Format::Github => Writer::Github(GithubRenderer),
            Format::Junit => Writer::Junit(Box::new(JunitRenderer::new()?)),
            Format::JsonLines => Writer::JsonLines(JsonLinesRenderer),
        };
        Ok(ReportWriter { out, format })
    }

    /// Ends the report with `summary`, flushes, and hands the output back.
    pub fn finish(mut self, summary: &Summary) -> io::Result<Box<dyn Write + 'w>> {
        match self.format {
            Writer::Human(h) => h.summary(summary, &mut self.out)?,
            Writer::Json(mut j) => j.finish(summary, &mut self.out)?,
            Writer::Sarif(s) => s.finish(&mut self.out)?,
            Writer::Github(_) => {}
            Writer::Junit(j) => j.finish(&mut self.out)?,
            Writer::JsonLines(j) => j.finish(summary, &mut self.out)?,
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl Sink for ReportWriter<'_> {
    fn finding(&mut self, d: Diagnostic) -> io::Result<()> {
        match &mut self.format {
            Writer::Human(h) => h.finding(&d, &mut self.out),
            Writer::Json(j) => j.finding(&d, &mut self.out),
            Writer::Sarif(s) => s.finding(&d),
            Writer::Github(g) => g.finding(&d, &mut self.out),
            Writer::Junit(j) => j.finding(&d),
            Writer::JsonLines(j) => j.finding(&d, &mut self.out),
        }
    }

    fn case(&mut self, case: Case) -> io::Result<()> {
        match &mut self.format {
            Writer::Junit(j) => j.case(case),
            _ => Ok(()),
        }
    }
}

/// Renders a whole `report` in `format` to `out` (human output with its summary line).
pub fn render(format: Format, report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    render_with(format, report, &HumanRenderer { color, summary: true }, out)
}

/// Renders a whole `report` in `format`, drawing human output as `human` says:
/// its findings go through a [`ReportWriter`] as a run's would, file by file.
pub fn render_with(format: Format, report: &Report, human: &HumanRenderer, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ReportWriter::new(format, *human, Box::new(&mut *out))?;
    if format != Format::Junit {
        for d in &report.diagnostics {
            writer.finding(d.clone())?;
        }
        writer.finish(&report.summary)?;
        return Ok(());
    }
    // JUnit groups by exchange: each exchange's findings, then its checked messages.
    // (file, entry, index of a finding, index of a case)
    type Item<'r> = (&'r str, Option<usize>, Option<usize>, Option<usize>);
    let mut items: Vec<Item<'_>> = Vec::new();
    items.extend(report.diagnostics.iter().enumerate().map(|(i, d)| (d.file.as_str(), d.entry, Some(i), None)));
    items.extend(report.cases.iter().enumerate().map(|(i, c)| (c.file.as_str(), c.entry, None, Some(i))));
    items.sort_by_key(|&(file, entry, d, c)| (file, entry, c.is_some(), d, c));
    for (_, _, d, c) in items {
        match (d, c) {
            (Some(i), _) => writer.finding(report.diagnostics[i].clone())?,
            (_, Some(i)) => writer.case(report.cases[i].clone())?,
            _ => {}
        }
    }
    writer.finish(&report.summary)?;
    Ok(())
}

/// `text` (pretty-printed JSON) with every line after the first indented by `by` spaces.
fn indented(text: &[u8], by: usize) -> String {
    let text = String::from_utf8_lossy(text);
    let pad = format!("\n{}", " ".repeat(by));
    text.replace('\n', &pad)
}
