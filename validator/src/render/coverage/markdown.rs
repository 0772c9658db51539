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

/// A pull-request comment must stay under GitHub's 65,536 characters: rows
/// and sections that would pass this are left out, and the comment says so.
pub const MAX_CHARS: usize = 60_000;

/// The comment being written: blocks are added while they fit.
struct Doc {
    text: String,
    left_out: usize,
}

impl Doc {
    /// Adds `block` if it fits (keeping room for the closing note); returns whether it did.
    fn add(&mut self, block: String) -> bool {
        if self.text.len() + block.len() > MAX_CHARS - 1000 {
            self.left_out += 1;
            return false;
        }
        self.text.push_str(&block);
        true
    }
}

pub(super) fn write(report: &CoverageReport, out: &mut dyn Write) -> io::Result<()> {
    let mut doc = Doc { text: String::new(), left_out: 0 };
    let mut head = String::from("## Contract coverage\n\n");
    head.push_str(&format!("{} exchange(s) against `{}`.\n\n", report.exchanges, report.catalog));
    head.push_str("| Kind | Units | Covered | Invalid only | Not covered | % |\n|---|---:|---:|---:|---:|---:|\n");
    for k in &report.kinds {
        head.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1}% |\n",
            k.kind.as_str(),
            k.units,
            k.covered,
            k.invalid_only,
            k.not_covered,
            k.percent
        ));
    }
    if let Some(note) = super::truncated_note(report) {
        head.push_str(&format!("\n_Note: {}._\n", cell(&note)));
    }
    doc.text.push_str(&head);
    if !report.missing_in_spec.is_empty() {
        doc.add("\n### Missing in spec\n\n| Methods | Template | Exchanges | Statuses |\n|---|---|---:|---|\n".into());
        for g in &report.missing_in_spec {
            let methods: Vec<&str> = g.methods.keys().map(String::as_str).collect();
            let statuses: Vec<String> = g.statuses.iter().map(|(s, n)| format!("{s} ×{n}")).collect();
            doc.add(format!(
                "| {} | {} | {} | {} |\n",
                methods.join(", "),
                code(&g.template),
                g.count,
                statuses.join(", ")
            ));
        }
    }
    doc.add("\n| Operation | Method | Path | State | Units covered |\n|---|---|---|---|---:|\n".into());
    for op in &report.operations {
        doc.add(format!(
            "| {} | {} | {} | {} | {}/{} |\n",
            code(&op.id),
            op.method,
            code(&op.path),
            op.state.as_str(),
            op.covered,
            op.total
        ));
    }
    let uncovered: Vec<_> = report.operations.iter().filter(|o| o.covered < o.total).collect();
    if !uncovered.is_empty() {
        doc.add("\n### Not covered, by operation\n".into());
        for op in uncovered {
            let mut block = format!(
                "\n<details><summary><code>{}</code>: {} of {} units not covered</summary>\n\n",
                cell(&op.id),
                op.total - op.covered,
                op.total
            );
            for u in op.units.iter().filter(|u| u.state != State::Covered) {
                let place = match (&u.file, u.line) {
                    (Some(f), Some(l)) => format!(" ({f}:{l})"),
                    _ => String::new(),
                };
                block.push_str(&format!(
                    "- {} {}: {}{}{place}\n",
                    u.kind.as_str(),
                    code(&u.label),
                    u.state.as_str(),
                    cell(&super::first_invalid(u))
                ));
            }
            block.push_str("\n</details>\n");
            doc.add(block);
        }
    }
    if doc.left_out > 0 {
        doc.text.push_str(&format!(
            "\n_{} row(s) or section(s) left out to keep this comment under {} characters; the JSON and HTML reports (`accord coverage --format json|html`) have everything._\n",
            doc.left_out, MAX_CHARS
        ));
    }
    out.write_all(doc.text.as_bytes())
}
