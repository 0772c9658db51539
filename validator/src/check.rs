//! The run: expand inputs, read each file with the reader its content calls
//! for, check exchanges in parallel batches, and collect one [`Report`].
//!
//! Files are checked in parallel; inside a HAR or NDJSON file, exchanges are
//! read in batches and each batch is checked in parallel, so memory stays
//! bounded by the batch, not by the file.

use crate::capture::{self, BodyText, CaptureItem, Embedded, Exchange, InputKind, Message};
use crate::diagnostic::{
    Diagnostic, Direction, Limit, PositionBase, Report, Severity, needs_har_position, place_in_har,
};
use crate::validate::Checker;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How inputs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force an input kind instead of detecting it.
    pub kind: Option<InputKind>,
    /// For plain payloads: which message the file is.
    pub direction: Option<Direction>,
    /// For plain response payloads: the status (default 200).
    pub status: Option<u16>,
    /// Which diagnostics the report keeps. Applied as each file and batch
    /// finishes, so a run with millions of errors keeps only what it shows.
    pub limit: Limit,
    /// Keep a record of every checked message in [`Report::cases`] (what
    /// JUnit output needs; off by default to keep memory flat on big runs).
    pub record_cases: bool,
    /// Largest single document (payload, envelope, NDJSON line) read, in
    /// bytes; `None` for [`DEFAULT_MAX_DOCUMENT_BYTES`]. Larger ones are
    /// reported as unreadable without being held in memory.
    pub max_document_bytes: Option<u64>,
}

/// The default limit on one document: 256 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 256 << 20;

impl ReadOptions {
    fn max_document(&self) -> u64 {
        self.max_document_bytes.unwrap_or(DEFAULT_MAX_DOCUMENT_BYTES)
    }
}

/// Told how far a run has got, in bytes of input read; for progress bars.
pub trait Progress: Sync {
    /// The run is about to read `total` bytes (files only; stdin has no known size).
    fn start(&self, total: u64);
    /// Another `bytes` of input were read.
    fn advance(&self, bytes: u64);
    /// Reading is over.
    fn finish(&self);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}

/// Passes reads through, telling `progress` how many bytes went by.
struct CountingReader<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

const BATCH: usize = 256;
/// HAR files up to this size are read into memory whole (128 MiB); larger ones are streamed.
const HAR_IN_MEMORY: u64 = 128 << 20;
/// Lines handed over at a time by the reading thread (and checked in one batch).
const LINE_BATCH: usize = 1024;
const WALKED_EXTENSIONS: &[&str] = &["json", "har", "ndjson", "jsonl"];

/// Checks every input (files, directories, or `-` for stdin) and returns the report.
pub fn run(checker: &Checker<'_>, inputs: &[String], options: &ReadOptions) -> Report {
    run_with_progress(checker, inputs, options, &NoProgress)
}

/// [`run`], telling `progress` how many bytes have been read.
pub fn run_with_progress(
    checker: &Checker<'_>,
    inputs: &[String],
    options: &ReadOptions,
    progress: &dyn Progress,
) -> Report {
    let mut report = Report::default();
    let mut files: Vec<(String, Option<PathBuf>)> = Vec::new();
    for input in inputs {
        if input == "-" {
            files.push(("-".into(), None));
            continue;
        }
        let path = PathBuf::from(input);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, &mut files, &mut report),
            Ok(_) => files.push((input.clone(), Some(path))),
            Err(e) => unreadable(&mut report, input, &e.to_string()),
        }
    }
    let total = files.iter().filter_map(|(_, p)| p.as_ref()).filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len());
    progress.start(total.sum());
    let reports: Vec<Report> = files
        .par_iter()
        .map(|(name, path)| {
            let mut r = check_file(checker, name, path.as_deref(), options, progress);
            r.merge_host_warnings();
            r.limit(options.limit);
            r
        })
        .collect();
    progress.finish();
    for r in reports {
        report.merge(r);
    }
    if checker.schema_uri().is_none() {
        report.extend(catalog_notes(checker.catalog()));
        report.extend(checker.broken_schemas().values().map(|why| {
            let file = why.split(['#', ':']).next().unwrap_or(why).to_string();
            Diagnostic::new(
                Severity::Warning,
                "catalog",
                format!(
                    "{why}; what this schema describes is reported unchecked (--strict refuses the catalog instead)"
                ),
                file,
            )
        }));
    }
    report.judge_captures();
    report.finish_host_warnings();
    report.sort();
    report.limit(options.limit);
    report
}

/// What the loader said about the catalog, as findings of the run (code
/// `catalog`, on the schema file): files left out, operations declared by `$ref`.
pub fn catalog_notes(catalog: &crate::catalog::Catalog) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = catalog
        .root
        .warnings()
        .iter()
        .map(|w| Diagnostic::new(Severity::Warning, "catalog", w.message.clone(), w.path.clone()))
        .collect();
    let by_ref: Vec<&str> = catalog.operations.iter().filter_map(|op| op.declared_by_ref.as_deref()).collect();
    if let Some(first) = by_ref.first() {
        let file = first.split('#').next().unwrap_or(first).to_string();
        out.push(Diagnostic::new(Severity::Note, "catalog", by_ref_note(by_ref.len(), first), file));
    }
    out
}

/// The one note for operations declared by `$ref` (`count` of them, the first at `first`).
pub fn by_ref_note(count: usize, first: &str) -> String {
    format!(
        "{count} operation(s) are declared as a `$ref` to an Operation Object (the first at {first}), which OpenAPI does not allow (only path items may be references); Accord follows them, as Redocly and swagger-parser do"
    )
}

fn unreadable(report: &mut Report, name: &str, why: &str) {
    report.summary.files += 1;
    report.unreadable.push(format!("{name}: {why}"));
    report.extend([Diagnostic::error("io", format!("cannot read this input: {why}"), name)]);
}

/// Walks a directory in sorted order, following links but never in a loop.
fn walk(root: &Path, files: &mut Vec<(String, Option<PathBuf>)>, report: &mut Report) {
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
                unreadable(report, &dir.display().to_string(), &e.to_string());
                continue;
            }
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                unreadable(report, &dir.display().to_string(), &e.to_string());
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
                        found.push(path);
                    } else if wanted {
                        // A FIFO, socket or device would block or never end: name it, skip it.
                        let shown = path.display().to_string();
                        report.summary.files += 1;
                        report.extend([Diagnostic::new(
                            Severity::Warning,
                            "io",
                            "not a regular file (a FIFO, socket or device); skipped",
                            shown,
                        )]);
                    }
                }
                Err(e) => unreadable(report, &path.display().to_string(), &e.to_string()),
            }
        }
    }
    found.sort();
    files.extend(found.into_iter().map(|p| (p.display().to_string(), Some(p))));
}

fn check_file(
    checker: &Checker<'_>,
    name: &str,
    path: Option<&Path>,
    options: &ReadOptions,
    progress: &dyn Progress,
) -> Report {
    let mut report = Report::default();
    report.summary.files = 1;
    let reader: Box<dyn Read + Send + '_> = match path {
        None => Box::new(std::io::stdin()),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(CountingReader { inner: f, progress }),
            Err(e) => {
                report.summary.files = 0;
                unreadable(&mut report, name, &e.to_string());
                return report;
            }
        },
    };
    check_stream(checker, name, path, reader, options, report)
}

/// Checks one input given as bytes, as if read from a file called `name`
/// (its extension picks HAR or NDJSON as a file's would). For embedding and fuzzing.
pub fn check_bytes(checker: &Checker<'_>, name: &str, bytes: &[u8], options: &ReadOptions) -> Report {
    let mut report = Report::default();
    report.summary.files = 1;
    let mut report = check_stream(checker, name, None, Box::new(bytes), options, report);
    report.sort();
    report
}

/// Reads one input; `path` (when it is a file) names its extension and lets
/// HAR diagnostics be placed in the file as well as in their payload.
fn check_stream(
    checker: &Checker<'_>,
    name: &str,
    path: Option<&Path>,
    reader: Box<dyn Read + Send + '_>,
    options: &ReadOptions,
    mut report: Report,
) -> Report {
    let extension = path.unwrap_or(Path::new(name)).extension().and_then(|e| e.to_str());
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    // A UTF-8 byte-order mark (Windows tools write one) is not part of the
    // document: every reader starts after it, and line 1's columns count from there.
    if reader.fill_buf().is_ok_and(|p| p.starts_with(b"\xef\xbb\xbf")) {
        reader.consume(3);
    }
    let prefix = match reader.fill_buf() {
        Ok(p) => p.to_vec(),
        Err(e) => {
            report.summary.files = 0;
            unreadable(&mut report, name, &e.to_string());
            return report;
        }
    };
    if prefix.is_empty() {
        let mut d = Diagnostic::error("parse", "the file is empty", name);
        (d.line, d.column, d.position_in) = (Some(1), Some(1), Some(PositionBase::File));
        report.extend([d]);
        return report;
    }
    let json_lines = options.kind == Some(InputKind::Ndjson)
        || (options.kind.is_none()
            && extension.is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl")));
    if checker.schema_uri().is_some() && json_lines {
        // Generic mode on JSON Lines: every line is one document.
        check_lines(checker, name, reader, options, &mut report, Pending::Document);
        return report;
    }
    if checker.schema_uri().is_some() {
        // Generic mode: every input is one JSON document.
        if let Some(container) = read_text(name, reader, options.max_document(), &mut report) {
            report.summary.exchanges += 1;
            absorb(&mut report, checker.check_document(name, container), options.record_cases);
        }
        return report;
    }
    let kind = options.kind.unwrap_or_else(|| {
        let by_ext = extension.map(str::to_ascii_lowercase);
        match by_ext.as_deref() {
            Some("har") => InputKind::Har,
            Some("ndjson" | "jsonl") => InputKind::Ndjson,
            _ if options.direction.is_some() => InputKind::Payload,
            _ => capture::detect(&prefix),
        }
    });
    match kind {
        InputKind::Har => {
            let mut batch = Batch::new(checker, name, options, &mut report);
            // Entries are only delimited here; the threads that check them convert them.
            // A HAR of up to HAR_IN_MEMORY bytes is read whole first: tokenizing a slice
            // is several times faster than through a reader; a larger one is streamed.
            let size = path.and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len());
            let result = if size.is_some_and(|n| n <= HAR_IN_MEMORY) {
                let mut bytes = Vec::new();
                match reader.read_to_end(&mut bytes) {
                    Ok(_) => capture::read_har_entries_from_slice(&bytes, &mut |entry| batch.push(Pending::Har(entry))),
                    Err(e) => Err(capture::FormatError { message: e.to_string(), line: None, column: None }),
                }
            } else {
                capture::read_har_entries(reader, &mut |entry| batch.push(Pending::Har(entry)))
            };
            batch.flush();
            if let Some(path) = path {
                har_file_positions(path, options.max_document(), &mut report);
            }
            if let Err(e) = result {
                let mut d = Diagnostic::error("parse", e.message, name);
                d.line = e.line;
                d.column = e.column;
                d.position_in = e.line.map(|_| PositionBase::File);
                report.extend([d]);
            }
        }
        InputKind::Ndjson => {
            check_lines(checker, name, reader, options, &mut report, Pending::Line);
        }
        InputKind::Envelope | InputKind::Payload => {
            let Some(container) = read_text(name, reader, options.max_document(), &mut report) else { return report };

            if kind == InputKind::Envelope {
                report.summary.exchanges += 1;
                match capture::read_envelope(&container, 1, None) {
                    Ok(exchange) => absorb(&mut report, checker.check(name, &exchange), options.record_cases),
                    Err(e) => {
                        let mut d = Diagnostic::error("parse", e.message, name);
                        d.line = e.line;
                        d.column = e.column;
                        d.position_in = e.line.map(|_| PositionBase::File);
                        report.extend([d]);
                    }
                }
            } else {
                check_payload(checker, name, container, options, &mut report);
            }
        }
    }
    report
}

/// The rest of `reader` as text; `None` (with a diagnostic) if it cannot be read or is not UTF-8.
fn read_text(name: &str, reader: impl Read, limit: u64, report: &mut Report) -> Option<Arc<str>> {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        report.summary.files = 0;
        unreadable(report, name, &e.to_string());
        return None;
    }
    if bytes.len() as u64 > limit {
        report.summary.files = 0;
        let why = format!("larger than the {} MiB a single document may have (--max-document-size)", limit >> 20);
        unreadable(report, name, &why);
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(t) => Some(Arc::from(t)),
        Err(e) => {
            report.extend([Diagnostic::error(
                "parse",
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {}); is it a binary file?",
                    e.utf8_error().valid_up_to()
                ),
                name,
            )]);
            None
        }
    }
}

fn check_payload(checker: &Checker<'_>, name: &str, container: Arc<str>, options: &ReadOptions, report: &mut Report) {
    report.summary.exchanges += 1;
    let Some(direction) = options.direction else {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&container) {
            let mut d = Diagnostic::error(
                "parse",
                format!(
                    "not JSON, and so not a HAR, NDJSON, envelope or payload file: {}",
                    capture::strip_position(&e.to_string())
                ),
                name,
            );
            d.line = Some(e.line());
            d.column = Some(e.column());
            d.position_in = Some(PositionBase::File);
            report.extend([d]);
            return;
        }
        let message = if checker.forced_operation().is_some() {
            "a plain payload file does not say whether it is a request or a response body"
        } else {
            "a plain payload file says nothing about its operation or direction"
        };
        let mut d = Diagnostic::new(Severity::Note, "unrouted", message, name).with_help(Some(
            "pass --operation ID --direction request|response [--status N], or wrap it in a capture envelope".into(),
        ));
        if checker.is_strict() {
            d.severity = Severity::Error;
        }
        report.summary.unrouted += 1;
        report.extend([d]);
        return;
    };
    let offset = if container.starts_with('\u{feff}') { 3 } else { 0 };
    let body = BodyText {
        text: Arc::from(&container[offset..]),
        embedded: Some(Embedded { container: container.clone(), offset, first_line: 1 }),
        decode_error: None,
        bytes: None,
        literal: None,
    };
    let message = Message {
        body: Some(body),
        status: (direction == Direction::Response).then(|| options.status.unwrap_or(200)),
        ..Message::default()
    };
    let exchange = match direction {
        Direction::Request => Exchange { request: Some(message), ..Exchange::default() },
        Direction::Response => Exchange { response: Some(message), ..Exchange::default() },
    };
    absorb(report, checker.check(name, &exchange), options.record_cases);
}

/// HAR bodies are JSON strings in the file, so their diagnostics count lines
/// in the payload; when some did, the file is read a second time (if within
/// `limit`) so [`place_in_har`] can find the same places in it.
fn har_file_positions(path: &Path, limit: u64, report: &mut Report) {
    if !report.diagnostics.iter().any(needs_har_position) {
        return;
    }
    if std::fs::metadata(path).map_or(true, |m| m.len() > limit) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else { return };
    place_in_har(text.strip_prefix('\u{feff}').unwrap_or(&text), &mut report.diagnostics);
}

fn absorb(report: &mut Report, outcome: crate::validate::Outcome, record_cases: bool) {
    report.summary.payloads += outcome.payloads;
    report.summary.valid += outcome.valid;
    report.summary.invalid += outcome.invalid;
    report.summary.unchecked += outcome.unchecked;
    report.summary.unrouted += outcome.unrouted;
    if record_cases {
        report.cases.extend(outcome.cases);
    }
    report.facts.extend(outcome.facts);
    report.extend(outcome.diagnostics);
}

/// Checks the lines of `reader` (NDJSON envelopes or JSON Lines documents,
/// as `make` says); a reader that fails makes the file unreadable.
fn check_lines<R: BufRead + Send>(
    checker: &Checker<'_>,
    name: &str,
    reader: R,
    options: &ReadOptions,
    report: &mut Report,
    make: fn(capture::Line) -> Pending,
) {
    let mut batch = Batch::new(checker, name, options, report);
    let result = lines(reader, options.max_document(), &mut batch, make);
    batch.flush();
    if let Err(e) = result {
        report.summary.files = 0;
        unreadable(report, name, &e.to_string());
    }
}

/// Splits `reader` into lines for `batch`; each line becomes `make(line)`.
///
/// Lines are only split here: they are parsed by the threads that check them.
/// With more than one thread, a reading thread splits the next lines while
/// the batch before them is checked.
fn lines<R: BufRead + Send>(
    reader: R,
    max_line: u64,
    batch: &mut Batch<'_, '_>,
    make: fn(capture::Line) -> Pending,
) -> std::io::Result<()> {
    let pending = |line: Result<capture::Line, capture::EntryProblem>| match line {
        Ok(line) => make(line),
        Err(problem) => Pending::Item(Box::new(Err(problem))),
    };
    if rayon::current_num_threads() < 2 {
        return capture::read_lines(reader, max_line, &mut |line| batch.push(pending(line)));
    }
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<_>>(2);
        let splitter = scope.spawn(move || {
            let mut chunk = Vec::with_capacity(LINE_BATCH);
            let result = capture::read_lines(reader, max_line, &mut |line| {
                chunk.push(line);
                if chunk.len() >= LINE_BATCH {
                    // The receiver only goes away when checking stops early; then so does reading.
                    let _ = sender.send(std::mem::replace(&mut chunk, Vec::with_capacity(LINE_BATCH)));
                }
            });
            let _ = sender.send(chunk);
            result
        });
        for chunk in receiver {
            for line in chunk {
                batch.push(pending(line));
            }
        }
        splitter.join().unwrap_or_else(|_| Err(std::io::Error::other("the line reader stopped")))
    })
}

/// What a reader hands a batch: an exchange (or a problem with one), an
/// NDJSON line holding an envelope, or a JSON Lines document (generic mode).
enum Pending {
    Item(Box<CaptureItem>),
    Har(capture::HarEntryText),
    Line(capture::Line),
    Document(capture::Line),
}

/// Collects exchanges of one file and checks them a batch at a time, in parallel.
struct Batch<'a, 'c> {
    checker: &'a Checker<'c>,
    name: &'a str,
    options: &'a ReadOptions,
    report: &'a mut Report,
    items: Vec<Pending>,
}

impl<'a, 'c> Batch<'a, 'c> {
    fn new(checker: &'a Checker<'c>, name: &'a str, options: &'a ReadOptions, report: &'a mut Report) -> Self {
        Batch { checker, name, options, report, items: Vec::with_capacity(LINE_BATCH) }
    }

    fn push(&mut self, item: Pending) {
        let full = if matches!(item, Pending::Item(_) | Pending::Har(_)) { BATCH } else { LINE_BATCH };
        self.items.push(item);
        if self.items.len() >= full {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let items = std::mem::take(&mut self.items);
        let (checker, name) = (self.checker, self.name);
        let problem = |p: capture::EntryProblem| {
            let mut d = Diagnostic::error("capture", p.message, name).with_entry(p.index);
            d.line = p.line;
            d.column = p.column;
            d.position_in = p.line.map(|_| PositionBase::File);
            Err(Box::new(d))
        };
        let outcomes: Vec<Option<Result<crate::validate::Outcome, Box<Diagnostic>>>> = items
            .into_par_iter()
            .map(|item| {
                let item = match item {
                    Pending::Item(item) => *item,
                    Pending::Har(entry) => entry.read(),
                    Pending::Line(line) => line.read()?,
                    Pending::Document(line) => {
                        let (index, number) = (line.index, line.number());
                        return match line.text() {
                            Ok(Some(text)) => Some(Ok(checker.check_line(name, text, index, number))),
                            Ok(None) => None,
                            Err(p) => Some(problem(p)),
                        };
                    }
                };
                Some(match item {
                    Ok(exchange) => Ok(checker.check(name, &exchange)),
                    Err(p) => problem(p),
                })
            })
            .collect();
        for outcome in outcomes.into_iter().flatten() {
            self.report.summary.exchanges += 1;
            match outcome {
                Ok(o) => absorb(self.report, o, self.options.record_cases),
                Err(d) => self.report.extend([*d]),
            }
        }
        self.report.limit(self.options.limit);
    }
}
