//! The run: expand inputs, read each file with the reader its content calls
//! for, check its exchanges in parallel batches, and send every finding to a
//! [`Sink`] in report order as soon as it is made.
//!
//! Report order is what the catalog loader said first (by file), then input
//! by input in the order given (a directory's files in sorted order), entry by
//! entry, then by position, whatever the number of threads. Capture rules
//! read the exchanges in that same order ("first used at" is the earlier
//! input). Findings about a file as a whole
//! come before its entries' when they are found before them (an empty file, a
//! file that is not JSON) and after them when found at its end (a HAR cut off
//! after its last complete entry). The one `server` warning per unlisted host
//! comes at the end, when the number of its requests is known.
//!
//! Memory stays bounded by a batch of exchanges (and, for runs of small
//! files checked side by side, by a few dozen files' findings), not by the
//! number of findings: a renderer writes them as they come.

mod collect;
mod inputs;
mod replay;
mod session;
mod sink;

pub use replay::{Regression, Replay, replay};
pub use session::{Finished, Session, Tally};
pub use sink::{FnSink, Sink};

pub(crate) use collect::{Collector, Judging, Piece};

use crate::capture::{self, BodyText, CaptureItem, Embedded, Exchange, InputKind, Message};
use crate::diagnostic::{Diagnostic, Direction, HarPlacer, PositionBase, Report, Severity, Summary};
use crate::options::ReadOptions;
use crate::validate::Checker;
use crate::validate::rules::capture::CaptureJudge;
use inputs::Source;
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

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

/// How a run ended.
#[derive(Debug, Clone, Default)]
pub struct Ended {
    /// Counts over everything read, including what the limit left out.
    pub summary: Summary,
    /// Inputs that could not be read at all, as `name: why`.
    pub unreadable: Vec<String>,
    /// Whether some exchange matched an operation's path but no server
    /// allows its host (a capture from a test host, without `--server`).
    pub host_refused: bool,
}

const BATCH: usize = 256;
/// HAR files up to this size are read into memory whole (128 MiB); larger ones are streamed.
const HAR_IN_MEMORY: u64 = 128 << 20;
/// Lines handed over at a time by the reading thread (and checked in one batch).
const LINE_BATCH: usize = 1024;
/// Files up to this size are checked side by side, a run of them at a time;
/// larger ones one after the other, each in parallel batches.
const SMALL_FILE: u64 = 4 << 20;
/// How many small files are checked side by side (their findings are held
/// until their turn in report order).
const SMALL_FILES_AT_ONCE: usize = 64;

/// Checks every input (files, directories, or `-` for stdin) and returns
/// the whole report (every finding in memory; see [`stream`] for a run of
/// any size).
pub fn run(checker: &Checker, inputs: &[String], options: &ReadOptions) -> Report {
    let mut report = Report::default();
    let ended = stream(checker, inputs, options, &NoProgress, &mut report).unwrap_or_default();
    report.summary = ended.summary;
    report.unreadable = ended.unreadable;
    report
}

/// Checks every input and sends each finding to `sink` as soon as it is
/// made, in report order; `progress` hears how many bytes were read. Fails
/// only when the sink does (the run then stops).
pub fn stream(
    checker: &Checker,
    inputs: &[String],
    options: &ReadOptions,
    progress: &dyn Progress,
    sink: &mut dyn Sink,
) -> std::io::Result<Ended> {
    let mut sources = Vec::new();
    if checker.schema_uri().is_none() {
        let mut notes = catalog_notes(checker.catalog());
        notes.extend(checker.broken_schemas().values().map(|why| {
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
        sources.extend(inputs::notes(notes));
    }
    sources.extend(inputs::expand(inputs));
    progress.start(sources.iter().map(Source::size).sum());
    let mut collector = Collector::new(sink, options.limit, Judging::Inline(CaptureJudge::default()));
    collector.record_cases = options.record_cases;
    let small = |s: &Source| s.path().is_some() && s.size() <= SMALL_FILE;
    let mut i = 0;
    while i < sources.len() && !collector.failed() {
        let mut j = i;
        while j < sources.len() && j - i < SMALL_FILES_AT_ONCE && small(&sources[j]) {
            j += 1;
        }
        if j > i + 1 {
            // A run of small files: checked side by side, folded in order.
            let pieces: Vec<Vec<Piece>> = sources[i..j]
                .par_iter()
                .map(|source| {
                    let mut pieces = Vec::new();
                    read_source(checker, source, options, progress, &mut |p| pieces.push(p));
                    pieces
                })
                .collect();
            for (source, pieces) in sources[i..j].iter().zip(pieces) {
                collector.summary.files += usize::from(source.counts_as_file());
                pieces.into_iter().for_each(|p| collector.piece(p));
            }
            i = j;
            continue;
        }
        let source = &sources[i];
        collector.summary.files += usize::from(source.counts_as_file());
        read_source(checker, source, options, progress, &mut |p| collector.piece(p));
        i += 1;
    }
    progress.finish();
    collector.finish_hosts();
    if let Some(e) = collector.error.take() {
        return Err(e);
    }
    collector.unreadable.sort();
    Ok(Ended { summary: collector.summary, unreadable: collector.unreadable, host_refused: collector.host_refused })
}

/// What the loader said about the catalog, as findings of the run (code
/// `catalog`, on the schema file): files left out, operations declared by `$ref`.
pub fn catalog_notes(catalog: &crate::contract::Catalog) -> Vec<Diagnostic> {
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

/// Reads one source: a file (or stdin), or findings made before the run.
fn read_source(
    checker: &Checker,
    source: &Source,
    options: &ReadOptions,
    progress: &dyn Progress,
    out: &mut dyn FnMut(Piece),
) {
    match source {
        Source::Read { name, path, .. } => check_file(checker, name, path.as_deref(), options, progress, out),
        Source::Made { pieces, .. } => {
            for piece in pieces {
                out(match piece {
                    Piece::Finding(d) => Piece::Finding(d.clone()),
                    Piece::Unreadable(n, w) => Piece::Unreadable(n.clone(), w.clone()),
                    Piece::Exchange(_) => continue,
                });
            }
        }
    }
}

fn check_file(
    checker: &Checker,
    name: &str,
    path: Option<&Path>,
    options: &ReadOptions,
    progress: &dyn Progress,
    out: &mut dyn FnMut(Piece),
) {
    let reader: Box<dyn Read + Send + '_> = match path {
        None => Box::new(std::io::stdin()),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(CountingReader { inner: f, progress }),
            Err(e) => return out(Piece::Unreadable(name.to_string(), e.to_string())),
        },
    };
    check_stream(checker, name, path, reader, options, out);
}

/// Checks one input given as bytes, as if read from a file called `name`
/// (its extension picks HAR or NDJSON as a file's would). For embedding and fuzzing.
pub fn check_bytes(checker: &Checker, name: &str, bytes: &[u8], options: &ReadOptions) -> Report {
    let mut report = Report::default();
    let mut collector = Collector::new(&mut report, options.limit, Judging::Inline(CaptureJudge::default()));
    collector.record_cases = options.record_cases;
    collector.summary.files = 1;
    check_stream(checker, name, None, Box::new(bytes), options, &mut |p| collector.piece(p));
    collector.finish_hosts();
    let (summary, unreadable) = (collector.summary, collector.unreadable);
    report.summary = summary;
    report.unreadable = unreadable;
    report
}

/// Reads one input; `path` (when it is a file) names its extension and lets
/// HAR diagnostics be placed in the file as well as in their payload.
fn check_stream(
    checker: &Checker,
    name: &str,
    path: Option<&Path>,
    reader: Box<dyn Read + Send + '_>,
    options: &ReadOptions,
    out: &mut dyn FnMut(Piece),
) {
    let extension = path.unwrap_or(Path::new(name)).extension().and_then(|e| e.to_str());
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    // A UTF-8 byte-order mark (Windows tools write one) is not part of the
    // document: every reader starts after it, and line 1's columns count from there.
    if reader.fill_buf().is_ok_and(|p| p.starts_with(b"\xef\xbb\xbf")) {
        reader.consume(3);
    }
    let prefix = match reader.fill_buf() {
        Ok(p) => p.to_vec(),
        Err(e) => return out(Piece::Unreadable(name.to_string(), e.to_string())),
    };
    if prefix.is_empty() {
        let mut d = Diagnostic::error("parse", "the file is empty", name);
        (d.line, d.column, d.position_in) = (Some(1), Some(1), Some(PositionBase::File));
        return out(Piece::Finding(Box::new(d)));
    }
    let json_lines = options.kind == Some(InputKind::Ndjson)
        || (options.kind.is_none()
            && extension.is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl")));
    if checker.schema_uri().is_some() && json_lines {
        // Generic mode on JSON Lines: every line is one document.
        return check_lines(checker, name, reader, options, out, Pending::Document);
    }
    if checker.schema_uri().is_some() {
        // Generic mode: every input is one JSON document.
        if let Some(container) = read_text(name, reader, options.max_document(), out) {
            out(Piece::Exchange(Ok(checker.check_document(name, container))));
        }
        return;
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
            // Entries are only delimited here; the threads that check them convert them.
            // A HAR of up to HAR_IN_MEMORY bytes is read whole first: tokenizing a slice
            // is several times faster than through a reader, and its findings can be
            // placed in the file as they are made; a larger one is streamed.
            let size = path.and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len());
            let result = if size.is_some_and(|n| n <= HAR_IN_MEMORY) {
                let mut bytes = Vec::new();
                match reader.read_to_end(&mut bytes) {
                    Ok(_) => {
                        let text = (bytes.len() as u64 <= options.max_document())
                            .then(|| std::str::from_utf8(&bytes).ok())
                            .flatten();
                        let placer = std::cell::OnceCell::new();
                        let place = |diagnostics: &mut [Diagnostic]| {
                            let Some(text) = text else { return };
                            if diagnostics.iter().any(crate::diagnostic::needs_har_position)
                                && let Some(placer) = placer.get_or_init(|| HarPlacer::new(text))
                            {
                                placer.place(diagnostics);
                            }
                        };
                        let mut batch = Batch::new(checker, name, options, out);
                        batch.place = Some(&place);
                        let result =
                            capture::read_har_entries_from_slice(&bytes, &mut |entry| batch.push(Pending::Har(entry)));
                        batch.flush();
                        result
                    }
                    Err(e) => Err(capture::FormatError { message: e.to_string(), line: None, column: None }),
                }
            } else {
                let mut batch = Batch::new(checker, name, options, out);
                let result = capture::read_har_entries(reader, &mut |entry| batch.push(Pending::Har(entry)));
                batch.flush();
                result
            };
            if let Err(e) = result {
                let mut d = Diagnostic::error("parse", e.message, name);
                d.line = e.line;
                d.column = e.column;
                d.position_in = e.line.map(|_| PositionBase::File);
                out(Piece::Finding(Box::new(d)));
            }
        }
        InputKind::Ndjson => check_lines(checker, name, reader, options, out, Pending::Line),
        InputKind::Envelope | InputKind::Payload => {
            let Some(container) = read_text(name, reader, options.max_document(), out) else { return };
            if kind == InputKind::Envelope {
                out(Piece::Exchange(match capture::read_envelope(&container, 1, None) {
                    Ok(exchange) => Ok(checker.check(name, &exchange)),
                    Err(e) => {
                        let mut d = Diagnostic::error("parse", e.message, name);
                        d.line = e.line;
                        d.column = e.column;
                        d.position_in = e.line.map(|_| PositionBase::File);
                        Err(Box::new(d))
                    }
                }));
            } else {
                out(check_payload(checker, name, container, options));
            }
        }
    }
}

/// The rest of `reader` as text; `None` (with a diagnostic) if it cannot be read or is not UTF-8.
fn read_text(name: &str, reader: impl Read, limit: u64, out: &mut dyn FnMut(Piece)) -> Option<Arc<str>> {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        out(Piece::Unreadable(name.to_string(), e.to_string()));
        return None;
    }
    if bytes.len() as u64 > limit {
        let why = format!("larger than the {} MiB a single document may have (--max-document-size)", limit >> 20);
        out(Piece::Unreadable(name.to_string(), why));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(t) => Some(Arc::from(t)),
        Err(e) => {
            out(Piece::Finding(Box::new(Diagnostic::error(
                "parse",
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {}); is it a binary file?",
                    e.utf8_error().valid_up_to()
                ),
                name,
            ))));
            None
        }
    }
}

fn check_payload(checker: &Checker, name: &str, container: Arc<str>, options: &ReadOptions) -> Piece {
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
            return Piece::Exchange(Err(Box::new(d)));
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
        let outcome = crate::validate::Outcome { unrouted: 1, diagnostics: vec![d], ..Default::default() };
        return Piece::Exchange(Ok(outcome));
    };
    let offset = if container.starts_with('\u{feff}') { 3 } else { 0 };
    let body = BodyText {
        text: Arc::from(&container[offset..]),
        embedded: Some(Embedded { container: container.clone(), offset, first_line: 1, index: None }),
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
    Piece::Exchange(Ok(checker.check(name, &exchange)))
}

/// Checks the lines of `reader` (NDJSON envelopes or JSON Lines documents,
/// as `make` says); a reader that fails makes the file unreadable.
fn check_lines<R: BufRead + Send>(
    checker: &Checker,
    name: &str,
    reader: R,
    options: &ReadOptions,
    out: &mut dyn FnMut(Piece),
    make: fn(capture::Line) -> Pending,
) {
    let mut batch = Batch::new(checker, name, options, out);
    let result = lines(reader, options.max_document(), &mut batch, make);
    batch.flush();
    if let Err(e) = result {
        out(Piece::Unreadable(name.to_string(), e.to_string()));
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
    batch: &mut Batch<'_>,
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

/// Sets file positions on a batch's findings.
type Place<'a> = &'a dyn Fn(&mut [Diagnostic]);

/// Collects exchanges of one file and checks them a batch at a time, in
/// parallel; hands the outcomes on in entry order.
struct Batch<'a> {
    checker: &'a Checker,
    name: &'a str,
    out: &'a mut dyn FnMut(Piece),
    /// Sets file positions on a batch's findings (a HAR held in memory).
    place: Option<Place<'a>>,
    items: Vec<Pending>,
}

impl<'a> Batch<'a> {
    fn new(checker: &'a Checker, name: &'a str, _options: &ReadOptions, out: &'a mut dyn FnMut(Piece)) -> Self {
        Batch { checker, name, out, place: None, items: Vec::with_capacity(LINE_BATCH) }
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
        for mut outcome in outcomes.into_iter().flatten() {
            if let Some(place) = self.place {
                match &mut outcome {
                    Ok(o) => place(&mut o.diagnostics),
                    Err(d) => place(std::slice::from_mut(&mut **d)),
                }
            }
            (self.out)(Piece::Exchange(outcome));
        }
    }
}
