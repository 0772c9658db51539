//! `--format sarif`: SARIF 2.1.0, one rule per diagnostic code (with help), one
//! result per diagnostic with its physical location (file, line, column) and
//! logical location (operation, direction, instance path). Uploadable to
//! GitHub code scanning.

use super::{indented, spool::Spool};
use crate::diagnostic::codes;
use crate::diagnostic::{Diagnostic, PositionBase, Severity};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Renders a SARIF 2.1.0 log with one run. Each result is spooled to a
/// temporary file as it comes (its rule index depends on every code of the
/// run), and the log is written at the end.
#[derive(Debug)]
pub struct SarifRenderer {
    spool: Spool,
    codes: BTreeSet<String>,
}

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
    /// A renderer with an empty spool.
    pub fn new() -> io::Result<Self> {
        Ok(SarifRenderer { spool: Spool::new()?, codes: BTreeSet::new() })
    }

    /// Spools one result.
    pub fn finding(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.codes.insert(d.code.clone());
        let mut line = serde_json::to_vec(&result(d, 0))?;
        line.push(b'\n');
        self.spool.write(&line)
    }

    /// Writes the SARIF log followed by a newline.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        let codes: BTreeMap<&str, usize> = self.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        let rules: Vec<Value> = codes
            .keys()
            .map(|code| {
                let (short, help) = codes::describe(code);
                json!({"id": code, "name": code, "shortDescription": {"text": short}, "help": {"text": help}})
            })
            .collect();
        const RESULTS: &str = "\u{0}results";
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "accord", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/accord/accord", "rules": rules}},
                "results": RESULTS,
                "columnKind": "unicodeCodePoints",
            }],
        });
        let text = serde_json::to_string_pretty(&log)?;
        let placeholder = serde_json::to_string(RESULTS)?;
        let (head, tail) =
            text.split_once(&placeholder).ok_or_else(|| io::Error::other("the SARIF template lost its results"))?;
        out.write_all(head.as_bytes())?;
        let mut written = 0usize;
        for line in self.spool.lines()? {
            let mut result: Value = serde_json::from_str(&line?)?;
            let code = result["ruleId"].as_str().unwrap_or_default();
            result["ruleIndex"] = json!(codes.get(code).copied().unwrap_or(0));
            out.write_all(if written == 0 { b"[\n        " } else { b",\n        " })?;
            out.write_all(indented(&serde_json::to_vec_pretty(&result)?, 8).as_bytes())?;
            written += 1;
        }
        out.write_all(if written == 0 { b"[]" } else { b"\n      ]" })?;
        out.write_all(tail.as_bytes())?;
        writeln!(out)
    }
}
