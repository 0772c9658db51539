//! `accord list`: the catalog's documents and operations.

use super::{Exit, ListArgs, load};
use accord_validator::contract::{Operation, OperationKind};
use accord_validator::diagnostic::Severity;
use anyhow::Result;
use serde_json::{Value, json};
use std::io::Write;

/// Prints the catalog's documents and operations, as a table or JSON.
pub fn list(args: ListArgs) -> Result<Exit> {
    let catalog = load(&args.catalog)?;
    let documents = accord_catalog::openapi::documents(&catalog.root);
    let document_of = |op: &Operation| documents.iter().find(|d| d.path == op.document);
    for d in accord_validator::run::catalog_notes(&catalog) {
        let severity = if d.severity == Severity::Warning { "warning" } else { "note" };
        eprintln!("accord: {severity}: {}: {}", d.file, d.message);
    }
    // What each operation holds, so a hollow one (nothing read) shows.
    let counts = |op: &Operation| {
        let request_types = op.request_body.as_ref().map_or(0, |b| b.media.len());
        (op.parameters.len(), request_types, op.responses.len())
    };
    let shown_path = |op: &Operation| match op.kind {
        OperationKind::Path => op.path.clone(),
        OperationKind::Webhook => format!("webhook {}", op.path),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let ops: Vec<Value> = catalog
            .operations
            .iter()
            .map(|op| {
                let doc = document_of(op);
                let (parameters, request_types, _) = counts(op);
                json!({
                    "id": op.id,
                    "kind": op.kind,
                    "method": op.method,
                    "path": op.path,
                    "parameters": parameters,
                    "requestMediaTypes": request_types,
                    "statuses": op.responses.keys().collect::<Vec<_>>(),
                    "summary": op.summary,
                    "document": doc.map(|d| &d.path),
                    "openapi": doc.map(|d| &d.openapi),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &ops)?;
        writeln!(out)?;
    } else {
        let dwidth = documents.iter().map(|d| d.path.len()).max().unwrap_or(8).max(8);
        writeln!(out, "{:dwidth$}  {:7}  OPERATIONS  TITLE", "DOCUMENT", "OPENAPI")?;
        for d in &documents {
            let count =
                catalog.operations.iter().filter(|op| document_of(op).is_some_and(|x| x.path == d.path)).count();
            let title = match (&d.title, &d.version) {
                (Some(t), Some(v)) => format!("{t} ({v})"),
                (Some(t), None) => t.clone(),
                _ => String::new(),
            };
            writeln!(out, "{:dwidth$}  {:7}  {count:10}  {title}", d.path, d.openapi)?;
        }
        writeln!(out)?;
        let width = catalog.operations.iter().map(|o| o.id.len()).max().unwrap_or(2).max(2);
        let pwidth = catalog.operations.iter().map(|o| shown_path(o).len()).max().unwrap_or(4).max(4);
        writeln!(out, "{:width$}  {:7}  {:pwidth$}  PARAMS  BODIES  STATUSES", "ID", "METHOD", "PATH")?;
        for op in &catalog.operations {
            let statuses: Vec<&str> = op.responses.keys().map(String::as_str).collect();
            let (parameters, request_types, n) = counts(op);
            let statuses = if n == 0 { "(none)".to_string() } else { format!("{n}: {}", statuses.join(",")) };
            writeln!(
                out,
                "{:width$}  {:7}  {:pwidth$}  {parameters:6}  {request_types:6}  {statuses}",
                op.id,
                op.method,
                shown_path(op)
            )?;
        }
    }
    Ok(Exit::Clean)
}
