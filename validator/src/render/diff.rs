//! Renderers for `accord diff`: human, json, markdown (a pull-request
//! comment), github (annotations) and sarif. They present changes; they never compute them.

use super::{escape_data, escape_property};
use crate::run::Replay;
use accord_diff::{Change, Level, Place};
use serde_json::json;
use std::io::{self, Write};

/// The output formats of `accord diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Plain text, one block per change, breaking first.
    Human,
    /// One JSON report (see `validator/diff.schema.json`).
    Json,
    /// A Markdown report for a pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands (annotations on the new version).
    Github,
    /// SARIF 2.1.0 (one rule per rule id; results on the new version, or the old one for removals).
    Sarif,
}

/// The changes of one run and the ones an ignore file set aside.
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    /// Reported changes, breaking first.
    pub changes: Vec<Change>,
    /// Changes ignored by an ignore file, with the reason given there.
    pub ignored: Vec<(Change, String)>,
    /// With `--captures`: what replaying recorded traffic through both versions showed.
    pub replayed: Option<Replay>,
}

impl DiffReport {
    /// How many changes of each level: (breaking, warning, info).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |l: Level| self.changes.iter().filter(|c| c.level == l).count();
        (n(Level::Breaking), n(Level::Warning), n(Level::Info))
    }
}

fn shown(p: &Place) -> String {
    match (p.line, p.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c} (#{})", p.file, p.pointer),
        _ => format!("{}#{}", p.file, p.pointer),
    }
}

/// Renders `report` in `format`.
pub fn render_diff(format: DiffFormat, report: &DiffReport, out: &mut dyn Write) -> io::Result<()> {
    let mut changes: Vec<&Change> = report.changes.iter().collect();
    changes.sort_by_key(|c| std::cmp::Reverse(c.level));
    let (b, w, i) = report.counts();
    match format {
        DiffFormat::Human => {
            for c in &changes {
                writeln!(out, "{}[{}]: {}", c.level.as_str(), c.rule, c.message)?;
                if let Some(op) = &c.operation {
                    writeln!(out, "  = operation: {op}")?;
                }
                if let Some(p) = &c.old {
                    writeln!(out, "  --> old: {}", shown(p))?;
                }
                if let Some(p) = &c.new {
                    writeln!(out, "  --> new: {}", shown(p))?;
                }
                writeln!(out)?;
            }
            if let Some(r) = &report.replayed {
                for g in &r.regressions {
                    let entry = g.entry.map(|e| format!(" [entry #{}]", e + 1)).unwrap_or_default();
                    writeln!(
                        out,
                        "breaking[traffic]: {}{entry}: this {} of {} was valid under OLD and NEW rejects it",
                        g.file,
                        g.direction.as_deref().unwrap_or("message"),
                        g.operation.as_deref().unwrap_or("?")
                    )?;
                    for e in &g.errors {
                        writeln!(out, "  = {e}")?;
                    }
                    writeln!(out)?;
                }
            }
            write!(out, "{b} breaking, {w} warning(s), {i} info")?;
            if !report.ignored.is_empty() {
                write!(out, "; {} ignored by the ignore file", report.ignored.len())?;
            }
            if let Some(r) = &report.replayed {
                write!(
                    out,
                    "; replayed {} recorded message(s): {} valid under OLD, {} of them rejected by NEW",
                    r.messages,
                    r.valid_before,
                    r.regressions.len()
                )?;
            }
            writeln!(out)
        }
        DiffFormat::Json => {
            let doc = json!({
                "version": 1,
                "summary": {"breaking": b, "warning": w, "info": i, "ignored": report.ignored.len()},
                "changes": changes,
                "ignored": report.ignored.iter().map(|(c, reason)| json!({"change": c, "reason": reason})).collect::<Vec<_>>(),
                "replayed": report.replayed,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
        DiffFormat::Markdown => {
            let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
            writeln!(out, "### Contract changes\n")?;
            writeln!(out, "**{b} breaking**, {w} warning(s), {i} info.\n")?;
            if changes.is_empty() && report.replayed.as_ref().is_none_or(|r| r.regressions.is_empty()) {
                return writeln!(out, "No changes.");
            }
            writeln!(out, "| level | rule | operation | change | where (new) |")?;
            writeln!(out, "| --- | --- | --- | --- | --- |")?;
            for c in &changes {
                let place = c.new.as_ref().or(c.old.as_ref()).map(shown).unwrap_or_default();
                writeln!(
                    out,
                    "| {} | `{}` | {} | {} | `{}` |",
                    c.level.as_str(),
                    c.rule,
                    cell(c.operation.as_deref().unwrap_or("")),
                    cell(&c.message),
                    cell(&place)
                )?;
            }
            if !report.ignored.is_empty() {
                writeln!(out, "\n{} change(s) ignored by the ignore file.", report.ignored.len())?;
            }
            if let Some(r) = &report.replayed {
                writeln!(
                    out,
                    "\nReplayed {} recorded message(s): {} valid under the old version, **{} rejected by the new one**.",
                    r.messages,
                    r.valid_before,
                    r.regressions.len()
                )?;
                for g in &r.regressions {
                    writeln!(
                        out,
                        "- `{}` entry {}: {}",
                        g.file,
                        g.entry.map_or("-".into(), |e| (e + 1).to_string()),
                        cell(&g.errors.join("; "))
                    )?;
                }
            }
            Ok(())
        }
        DiffFormat::Github => {
            for c in &changes {
                let command = match c.level {
                    Level::Breaking => "error",
                    Level::Warning => "warning",
                    Level::Info => "notice",
                };
                let mut props = Vec::new();
                if let Some(p) = c.new.as_ref().or(c.old.as_ref()) {
                    props.push(format!("file={}", escape_property(&p.file)));
                    if let Some(l) = p.line {
                        props.push(format!("line={l}"));
                    }
                    if let Some(col) = p.column {
                        props.push(format!("col={col}"));
                    }
                }
                props.push(format!("title={}", escape_property(&format!("accord diff {}", c.rule))));
                let message = match &c.operation {
                    Some(op) => format!("{op}: {}", c.message),
                    None => c.message.clone(),
                };
                writeln!(out, "::{command} {}::{}", props.join(","), escape_data(&message))?;
            }
            Ok(())
        }
        DiffFormat::Sarif => {
            let mut rule_ids: Vec<&str> = changes.iter().map(|c| c.rule).collect();
            rule_ids.sort_unstable();
            rule_ids.dedup();
            let rules: Vec<serde_json::Value> = rule_ids
                .iter()
                .map(|id| {
                    let summary = accord_diff::registry::rule(id).map(|r| r.summary.clone()).unwrap_or_default();
                    json!({"id": id, "shortDescription": {"text": summary}})
                })
                .collect();
            let results: Vec<serde_json::Value> = changes
                .iter()
                .map(|c| {
                    let level = match c.level {
                        Level::Breaking => "error",
                        Level::Warning => "warning",
                        Level::Info => "note",
                    };
                    let mut r = json!({
                        "ruleId": c.rule,
                        "ruleIndex": rule_ids.iter().position(|x| *x == c.rule).unwrap_or(0),
                        "level": level,
                        "message": {"text": c.message},
                    });
                    if let Some(p) = c.new.as_ref().or(c.old.as_ref()) {
                        let mut physical = json!({"artifactLocation": {"uri": p.file}});
                        if let (Some(l), Some(col)) = (p.line, p.column) {
                            physical["region"] = json!({"startLine": l, "startColumn": col});
                        }
                        r["locations"] = json!([{"physicalLocation": physical, "logicalLocations": [{"fullyQualifiedName": format!("{}#{}", c.operation.as_deref().unwrap_or(""), p.pointer)}]}]);
                    }
                    r
                })
                .collect();
            let log = json!({
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "version": "2.1.0",
                "runs": [{"tool": {"driver": {"name": "accord diff", "informationUri": "https://example.invalid/accord", "rules": rules}}, "results": results}],
            });
            serde_json::to_writer_pretty(&mut *out, &log)?;
            writeln!(out)
        }
    }
}
