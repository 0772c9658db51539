//! `--format sarif`: SARIF 2.1.0, one rule per diagnostic code (with help), one
//! result per diagnostic with its physical location (file, line, column) and
//! logical location (operation, direction, instance path). Uploadable to
//! GitHub code scanning.

use super::rules;
use crate::diagnostic::{Diagnostic, PositionBase, Report, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Renders a SARIF 2.1.0 log with one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifRenderer;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result(d: &Diagnostic, rule_index: usize) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": d.file}});
    // In the file itself, also for payloads a HAR or `bodyText` carries as a string.
    match d.file_position() {
        Some((l, Some(c))) => physical["region"] = json!({"startLine": l, "startColumn": c}),
        Some((l, None)) => physical["region"] = json!({"startLine": l}),
        None => {}
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(op) = &d.operation {
        let mut name = op.clone();
        for part in [d.direction.map(|x| x.as_str()), d.part.map(|x| x.as_str())].into_iter().flatten() {
            name.push('/');
            name.push_str(part);
        }
        let pointer = d.instance_path.clone().unwrap_or_default();
        location["logicalLocations"] = json!([{"name": if pointer.is_empty() { "/".to_string() } else { pointer.clone() }, "fullyQualifiedName": format!("{name}{pointer}"), "kind": "member"}]);
    }
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str(&format!(" (help: {h})"));
    }
    let mut properties = serde_json::Map::new();
    for (k, v) in [
        ("entry", json!(d.entry)),
        ("operation", json!(d.operation)),
        ("direction", json!(d.direction)),
        ("part", json!(d.part)),
        ("instancePath", json!(d.instance_path)),
        ("schemaPath", json!(d.schema_path)),
    ] {
        if !v.is_null() {
            properties.insert(k.to_string(), v);
        }
    }
    if d.position_in == Some(PositionBase::Payload) {
        properties.insert("payloadLine".into(), json!(d.line));
        properties.insert("payloadColumn".into(), json!(d.column));
    }
    json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [location],
        "properties": properties,
    })
}

impl SarifRenderer {
    /// Writes the SARIF log followed by a newline.
    pub fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let codes: BTreeMap<&str, usize> = {
            let mut codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            codes.into_iter().enumerate().map(|(i, c)| (c, i)).collect()
        };
        let rules: Vec<Value> = codes
            .keys()
            .map(|code| {
                let (short, help) = rules::describe(code);
                json!({"id": code, "name": code, "shortDescription": {"text": short}, "help": {"text": help}})
            })
            .collect();
        let results: Vec<Value> = report.diagnostics.iter().map(|d| result(d, codes[d.code.as_str()])).collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "accord", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/accord/accord", "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}
