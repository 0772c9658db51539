//! `--format human`: rustc-like diagnostics drawn by annotate-snippets, with
//! the (already redacted) source line and a caret under the offending value.

use crate::diagnostic::{Diagnostic, PositionBase, Severity, Summary};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::io::{self, Write};

/// Renders diagnostics for people.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanRenderer {
    /// Whether to emit ANSI colours.
    pub color: bool,
    /// Whether to end with the summary line (`--quiet` leaves it out).
    pub summary: bool,
}

fn origin_path(d: &Diagnostic) -> String {
    let mut path = d.file.clone();
    if let Some(entry) = d.entry {
        // Entries count from 1 for people (the first HAR entry is #1); JSON and SARIF keep the 0-based index.
        path.push_str(&format!(" [entry #{}]", entry + 1));
    }
    if d.position_in == Some(PositionBase::Payload)
        && let Some(dir) = d.direction
    {
        path.push_str(&format!(" ({} body)", dir.as_str()));
    }
    path
}

fn context(d: &Diagnostic) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(op) = &d.operation {
        let mut s = op.clone();
        if let Some(dir) = d.direction {
            s.push(' ');
            s.push_str(dir.as_str());
        }
        if let Some(part) = d.part {
            s.push(' ');
            s.push_str(part.as_str());
        }
        if let Some(media) = &d.media_type {
            s.push_str(&format!(" ({media})"));
        }
        parts.push(s);
    }
    if let Some(p) = &d.instance_path {
        parts.push(format!("at {}", if p.is_empty() { "/" } else { p }));
    }
    if let Some(s) = &d.schema_path {
        parts.push(format!("schema {s}"));
    }
    if let (Some(PositionBase::Payload), Some(l), Some(c)) = (d.position_in, d.file_line, d.file_column) {
        parts.push(format!("in the file at {l}:{c}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

impl HumanRenderer {
    /// Writes one diagnostic, with its snippet, and a blank line.
    pub fn finding(&self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        let renderer = if self.color { Renderer::styled() } else { Renderer::plain() };
        {
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Note => Level::NOTE,
            };
            let path = origin_path(d);
            let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
            let mut group = match &d.snippet {
                // The renderer derives line:column from the whole line and trims it to the terminal.
                Some(s) if s.whole_line => title.element(
                    Snippet::source(s.text.as_str())
                        .line_start(s.line)
                        .path(path.clone())
                        .annotation(AnnotationKind::Primary.span(s.start..s.end)),
                ),
                other => {
                    let origin = match (d.line, d.column) {
                        (Some(l), Some(c)) => Origin::path(path.clone()).line(l).char_column(c),
                        (Some(l), None) => Origin::path(path.clone()).line(l),
                        _ => Origin::path(path.clone()),
                    };
                    let group = title.element(origin);
                    match other {
                        Some(s) => group.element(
                            Snippet::source(s.text.as_str())
                                .line_start(s.line)
                                .annotation(AnnotationKind::Primary.span(s.start..s.end)),
                        ),
                        None => group,
                    }
                }
            };
            if let Some(c) = context(d) {
                group = group.element(Level::NOTE.message(c));
            }
            if let Some(h) = &d.help {
                group = group.element(Level::HELP.message(h.as_str()));
            }
            let groups: [Group<'_>; 1] = [group];
            writeln!(out, "{}\n", renderer.render(&groups))?;
        }
        Ok(())
    }

    /// Writes the summary line (unless `summary` is off).
    pub fn summary(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        if !self.summary {
            return Ok(());
        }
        let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
        // Live traffic (a proxy, a service) has exchanges but no files.
        let scope = if s.files == 0 && s.exchanges > 0 {
            plural(s.exchanges, "exchange")
        } else {
            format!("{} ({})", plural(s.files, "file"), plural(s.exchanges, "exchange"))
        };
        write!(
            out,
            "checked {} in {scope}: {} valid, {} invalid, {} unchecked, {} unrouted; {}, {}",
            plural(s.payloads, "payload"),
            s.valid,
            s.invalid,
            s.unchecked,
            s.unrouted,
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
        )?;
        if s.omitted > 0 {
            write!(out, " ({} not shown)", plural(s.omitted, "diagnostic"))?;
        }
        writeln!(out)?;
        if s.valid + s.invalid == 0 && s.files > 0 {
            writeln!(
                out,
                "nothing was checked against the contract: every message was unrouted or unchecked, so the run fails"
            )?;
        }
        Ok(())
    }
}
