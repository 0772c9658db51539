//! NDJSON: one capture envelope per line, read line by line.

use super::{CaptureItem, EntryProblem, read_envelope};
use std::io::{BufRead, Read};
use std::sync::Arc;

/// Reads envelopes from `reader`, handing each to `sink` as it is read.
///
/// Blank lines are skipped; the entry index is the 0-based line number, so
/// it matches what an editor shows minus one. A line longer than
/// `max_line` bytes is reported and skipped without being held in memory.
/// Returns an I/O error only when the reader itself fails.
pub fn read_ndjson(mut reader: impl BufRead, max_line: u64, sink: &mut dyn FnMut(CaptureItem)) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        if reader.by_ref().take(max_line.saturating_add(1)).read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        line_no += 1;
        let index = line_no - 1;
        if buf.len() as u64 > max_line && buf.last() != Some(&b'\n') {
            reader.skip_until(b'\n')?;
            sink(Err(EntryProblem {
                index: Some(index),
                message: format!(
                    "line is longer than the {} MiB a document may have (--max-document-size)",
                    max_line >> 20
                ),
                line: Some(line_no),
                column: None,
            }));
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                sink(Err(EntryProblem {
                    index: Some(index),
                    message: format!("line is not valid UTF-8 (byte {})", e.valid_up_to()),
                    line: Some(line_no),
                    column: None,
                }));
                continue;
            }
        };
        let trimmed = text.trim_end_matches(['\n', '\r']);
        if trimmed.trim().is_empty() {
            continue;
        }
        let container: Arc<str> = Arc::from(trimmed);
        match read_envelope(&container, line_no, Some(index)) {
            Ok(exchange) => sink(Ok(exchange)),
            Err(e) => sink(Err(EntryProblem {
                index: Some(index),
                message: e.message,
                line: e.line.or(Some(line_no)),
                column: e.column,
            })),
        }
    }
}
