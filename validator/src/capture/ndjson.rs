//! NDJSON: one capture envelope per line.
//!
//! The reading thread only splits the input into lines ([`read_lines`]);
//! turning a line into an exchange ([`Line::read`]) is left to whichever
//! thread checks it, so lines are parsed in parallel.

use super::{CaptureItem, EntryProblem, read_envelope};
use std::io::{BufRead, Read};
use std::sync::Arc;

/// One line of an NDJSON (or JSON Lines) input, not parsed yet.
#[derive(Debug, Clone)]
pub struct Line {
    /// 0-based line index (the entry index of what it holds).
    pub index: usize,
    /// The line's bytes, without its line ending.
    pub bytes: Vec<u8>,
}

impl Line {
    /// The 1-based line number.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The line as text; `None` for a blank line, a problem for one that is not UTF-8.
    pub fn text(self) -> Result<Option<Arc<str>>, EntryProblem> {
        let index = self.index;
        match String::from_utf8(self.bytes) {
            Ok(t) if t.trim().is_empty() => Ok(None),
            Ok(t) => Ok(Some(Arc::from(t))),
            Err(e) => Err(EntryProblem {
                index: Some(index),
                message: format!("line is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
                line: Some(index + 1),
                column: None,
            }),
        }
    }

    /// The exchange the line's envelope holds; `None` for a blank line.
    pub fn read(self) -> Option<CaptureItem> {
        let (index, line_no) = (self.index, self.number());
        let container = match self.text() {
            Ok(Some(t)) => t,
            Ok(None) => return None,
            Err(problem) => return Some(Err(problem)),
        };
        Some(read_envelope(&container, line_no, Some(index)).map_err(|e| EntryProblem {
            index: Some(index),
            message: e.message,
            line: e.line.or(Some(line_no)),
            column: e.column,
        }))
    }
}

/// Splits `reader` into lines, handing each to `sink` as it is read.
///
/// A line longer than `max_line` bytes is reported (as an `Err`) and skipped
/// without being held in memory. Returns an I/O error only when the reader
/// itself fails.
pub fn read_lines(
    mut reader: impl BufRead,
    max_line: u64,
    sink: &mut dyn FnMut(Result<Line, EntryProblem>),
) -> std::io::Result<()> {
    let mut index = 0usize;
    loop {
        let mut buf = Vec::new();
        if reader.by_ref().take(max_line.saturating_add(1)).read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        if buf.len() as u64 > max_line && buf.last() != Some(&b'\n') {
            reader.skip_until(b'\n')?;
            sink(Err(EntryProblem {
                index: Some(index),
                message: format!(
                    "line is longer than the {} MiB a document may have (--max-document-size)",
                    max_line >> 20
                ),
                line: Some(index + 1),
                column: None,
            }));
            index += 1;
            continue;
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        sink(Ok(Line { index, bytes: buf }));
        index += 1;
    }
}

/// Reads envelopes from `reader`, handing each to `sink` as it is read (on
/// this thread; [`read_lines`] leaves the parsing to the caller).
///
/// Blank lines are skipped; the entry index is the 0-based line number, so
/// it matches what an editor shows minus one.
pub fn read_ndjson(reader: impl BufRead, max_line: u64, sink: &mut dyn FnMut(CaptureItem)) -> std::io::Result<()> {
    read_lines(reader, max_line, &mut |line| match line {
        Ok(line) => {
            if let Some(item) = line.read() {
                sink(item);
            }
        }
        Err(problem) => sink(Err(problem)),
    })
}
