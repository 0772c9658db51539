//! What a run reads: the inputs named on the command line, directories
//! walked in sorted order, and findings made before reading (inputs that do
//! not exist, what the catalog loader said).

use super::collect::Piece;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files walked in a directory (other files there are not captures).
const WALKED_EXTENSIONS: &[&str] = &["json", "har", "ndjson", "jsonl"];

/// One thing a run goes through, in order.
#[derive(Debug)]
pub(super) enum Source {
    /// A file to read (`path`), or stdin (`-`, no path).
    Read { name: String, path: Option<PathBuf>, size: u64 },
    /// Findings made before the run about `name`; an input (counted as a
    /// file) unless they are the catalog's.
    Made { name: String, pieces: Vec<Piece>, input: bool },
}

impl Source {
    pub(super) fn path(&self) -> Option<&Path> {
        match self {
            Source::Read { path, .. } => path.as_deref(),
            Source::Made { .. } => None,
        }
    }

    /// Bytes to read (0 for stdin and made findings).
    pub(super) fn size(&self) -> u64 {
        match self {
            Source::Read { size, .. } => *size,
            Source::Made { .. } => 0,
        }
    }

    /// Whether it counts among the summary's files.
    pub(super) fn counts_as_file(&self) -> bool {
        match self {
            Source::Read { .. } => true,
            Source::Made { input, .. } => *input,
        }
    }
}

/// Files, directories (walked) or `-` for stdin.
pub(super) fn expand(inputs: &[String]) -> Vec<Source> {
    let mut sources = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Read { name: "-".into(), path: None, size: 0 });
            continue;
        }
        let path = PathBuf::from(input);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, &mut sources),
            Ok(m) => sources.push(Source::Read { name: input.clone(), path: Some(path), size: m.len() }),
            Err(e) => sources.push(unreadable(input, &e.to_string())),
        }
    }
    sources
}

/// The catalog's findings, one source per file they are about.
pub(super) fn notes(mut notes: Vec<Diagnostic>) -> Vec<Source> {
    notes.sort_by_cached_key(Diagnostic::sort_key);
    let mut out: Vec<Source> = Vec::new();
    for d in notes {
        match out.last_mut() {
            Some(Source::Made { name, pieces, .. }) if *name == d.file => pieces.push(Piece::Finding(Box::new(d))),
            _ => {
                out.push(Source::Made { name: d.file.clone(), pieces: vec![Piece::Finding(Box::new(d))], input: false })
            }
        }
    }
    out
}

fn unreadable(name: &str, why: &str) -> Source {
    Source::Made {
        name: name.to_string(),
        pieces: vec![Piece::Unreadable(name.to_string(), why.to_string())],
        input: true,
    }
}

/// Walks a directory in sorted order, following links but never in a loop.
fn walk(root: &Path, sources: &mut Vec<Source>) {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        match std::fs::canonicalize(&dir) {
            Ok(c) => {
                if !seen.insert(c) {
                    continue; // a symlink loop or a second link to a walked directory
                }
            }
            Err(e) => {
                sources.push(unreadable(&dir.display().to_string(), &e.to_string()));
                continue;
            }
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                sources.push(unreadable(&dir.display().to_string(), &e.to_string()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => {
                    let wanted =
                        path.extension().and_then(|e| e.to_str()).is_some_and(|e| WALKED_EXTENSIONS.contains(&e));
                    if wanted && m.is_file() {
                        found.push((path, m.len()));
                    } else if wanted {
                        // A FIFO, socket or device would block or never end: name it, skip it.
                        let shown = path.display().to_string();
                        let d = Diagnostic::new(
                            Severity::Warning,
                            "io",
                            "not a regular file (a FIFO, socket or device); skipped",
                            shown.clone(),
                        );
                        sources.push(Source::Made {
                            name: shown,
                            pieces: vec![Piece::Finding(Box::new(d))],
                            input: true,
                        });
                    }
                }
                Err(e) => sources.push(unreadable(&path.display().to_string(), &e.to_string())),
            }
        }
    }
    found.sort();
    sources.extend(found.into_iter().map(|(p, size)| Source::Read {
        name: p.display().to_string(),
        path: Some(p),
        size,
    }));
}
