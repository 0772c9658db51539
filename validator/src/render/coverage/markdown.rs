//! Markdown for a pull-request comment: the figures per kind, the
//! operations, missing in spec, and the uncovered units per operation in
//! collapsed sections.

use crate::coverage::{CoverageReport, State};
use std::io::{self, Write};

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ").replace('<', "&lt;")
}

/// A code span of `text`, fenced so backticks inside it stay text.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

pub(super) fn write(report: &CoverageReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Contract coverage")?;
    writeln!(out)?;
    writeln!(out, "{} exchange(s) against `{}`.", report.exchanges, report.catalog)?;
    writeln!(out)?;
    writeln!(out, "| Kind | Units | Covered | Invalid only | Not covered | % |")?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|")?;
    for k in &report.kinds {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1}% |",
            k.kind.as_str(),
            k.units,
            k.covered,
            k.invalid_only,
            k.not_covered,
            k.percent
        )?;
    }
    writeln!(out)?;
    writeln!(out, "| Operation | Method | Path | State | Units covered |")?;
    writeln!(out, "|---|---|---|---|---:|")?;
    for op in &report.operations {
        writeln!(
            out,
            "| {} | {} | {} | {} | {}/{} |",
            code(&op.id),
            op.method,
            code(&op.path),
            op.state.as_str(),
            op.covered,
            op.total
        )?;
    }
    if !report.missing_in_spec.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Missing in spec")?;
        writeln!(out)?;
        writeln!(out, "| Methods | Template | Exchanges | Statuses |")?;
        writeln!(out, "|---|---|---:|---|")?;
        for g in &report.missing_in_spec {
            let methods: Vec<&str> = g.methods.keys().map(String::as_str).collect();
            let statuses: Vec<String> = g.statuses.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                methods.join(", "),
                code(&g.template),
                g.count,
                statuses.join(", ")
            )?;
        }
    }
    let uncovered: Vec<_> = report.operations.iter().filter(|o| o.covered < o.total).collect();
    if !uncovered.is_empty() {
        writeln!(out)?;
        writeln!(out, "### Not covered, by operation")?;
        for op in uncovered {
            writeln!(out)?;
            writeln!(
                out,
                "<details><summary><code>{}</code>: {} of {} units not covered</summary>",
                cell(&op.id),
                op.total - op.covered,
                op.total
            )?;
            writeln!(out)?;
            for u in op.units.iter().filter(|u| u.state != State::Covered) {
                let place = match (&u.file, u.line) {
                    (Some(f), Some(l)) => format!(" ({f}:{l})"),
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "- {} {}: {}{}{place}",
                    u.kind.as_str(),
                    code(&u.label),
                    u.state.as_str(),
                    cell(&super::first_invalid(u))
                )?;
            }
            writeln!(out)?;
            writeln!(out, "</details>")?;
        }
    }
    Ok(())
}
