//! NDJSON: one capture envelope per line.
//!
//! The reading thread only splits the input into lines ([`read_lines`]);
//! turning a line into an exchange ([`Line::read`]) is left to whichever
//! thread checks it, so lines are parsed in parallel.

use super::{CaptureItem, EntryProblem, read_envelope};
use std::io::Read;
use std::sync::Arc;

/// One line of an NDJSON (or JSON Lines) input, not parsed yet: a range of
/// a block read from the input, shared by the lines it holds.
#[derive(Debug, Clone)]
pub struct Line {
    /// 0-based line index (the entry index of what it holds).
    pub index: usize,
    block: Arc<[u8]>,
    range: std::ops::Range<usize>,
}

impl Line {
    /// The 1-based line number.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The line's bytes, without its line ending.
    pub fn bytes(&self) -> &[u8] {
        &self.block[self.range.clone()]
    }

    /// The line as text; `None` for a blank line, a problem for one that is not UTF-8.
    pub fn text(self) -> Result<Option<Arc<str>>, EntryProblem> {
        let index = self.index;
        // SIMD validation first (several times std's rate); std's only to say where a bad byte is.
        let text = simdutf8::basic::from_utf8(self.bytes()).or_else(|_| std::str::from_utf8(self.bytes()));
        match text {
            Ok(t) if t.trim().is_empty() => Ok(None),
            Ok(t) => Ok(Some(Arc::from(t))),
            Err(e) => Err(EntryProblem {
                index: Some(index),
                message: format!("line is not valid UTF-8 (byte {})", e.valid_up_to()),
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

/// Bytes read at a time; lines are cut out of these blocks without copying.
const BLOCK: usize = 1 << 20;

/// Splits `reader` into lines, handing each to `sink` as it is read.
///
/// The input is read in blocks of a MiB and lines are ranges of them (the
/// end of a line that runs past a block is carried into the next one). A
/// line longer than `max_line` bytes is reported (as an `Err`) and skipped
/// without being held in memory. Returns an I/O error only when the reader
/// itself fails.
pub fn read_lines(
    mut reader: impl Read,
    max_line: u64,
    sink: &mut dyn FnMut(Result<Line, EntryProblem>),
) -> std::io::Result<()> {
    let max_line = usize::try_from(max_line).unwrap_or(usize::MAX);
    let mut index = 0usize;
    let mut carry: Vec<u8> = Vec::new(); // the start of a line that runs on into the next block
    let mut skipping = false; // inside a line already reported as too long
    let too_long = |index: usize| EntryProblem {
        index: Some(index),
        message: format!("line is longer than the {} MiB a document may have (--max-document-size)", max_line >> 20),
        line: Some(index + 1),
        column: None,
    };
    loop {
        let mut block = std::mem::take(&mut carry);
        let kept = block.len();
        block.resize(kept + BLOCK, 0);
        let n = loop {
            match reader.read(&mut block[kept..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        block.truncate(kept + n);
        if n == 0 {
            // The last line, without a line ending.
            if !block.is_empty() && !skipping {
                let block: Arc<[u8]> = Arc::from(block);
                let end = trim_end(&block, 0, block.len());
                sink(Ok(Line { index, block: block.clone(), range: 0..end }));
            }
            return Ok(());
        }
        // The carried start has no line ending: look in what was just read only.
        let last_newline = memchr::memrchr(b'\n', &block[kept..]).map(|i| kept + i);
        let Some(last_newline) = last_newline else {
            // No line ends in this block: keep reading it (or skip it, if it is too long).
            if skipping {
                continue;
            }
            if block.len() > max_line {
                sink(Err(too_long(index)));
                skipping = true;
                continue;
            }
            carry = block;
            continue;
        };
        carry = block[last_newline + 1..].to_vec();
        block.truncate(last_newline + 1);
        let block: Arc<[u8]> = Arc::from(block);
        let mut start = 0;
        while start < block.len() {
            let end = start + memchr::memchr(b'\n', &block[start..]).unwrap_or(block.len() - start);
            if skipping {
                skipping = false; // this is the end of the long line
            } else if end - start > max_line {
                sink(Err(too_long(index)));
            } else {
                let trimmed = trim_end(&block, start, end);
                sink(Ok(Line { index, block: block.clone(), range: start..trimmed }));
            }
            index += 1;
            start = end + 1;
        }
        if carry.len() > max_line {
            sink(Err(too_long(index)));
            carry.clear();
            skipping = true;
        }
    }
}

/// `end` moved back over carriage returns (a CRLF line ending), not before `start`.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(bytes[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    end
}

/// Reads envelopes from `reader`, handing each to `sink` as it is read (on
/// this thread; [`read_lines`] leaves the parsing to the caller).
///
/// Blank lines are skipped; the entry index is the 0-based line number, so
/// it matches what an editor shows minus one.
pub fn read_ndjson(reader: impl Read, max_line: u64, sink: &mut dyn FnMut(CaptureItem)) -> std::io::Result<()> {
    read_lines(reader, max_line, &mut |line| match line {
        Ok(line) => {
            if let Some(item) = line.read() {
                sink(item);
            }
        }
        Err(problem) => sink(Err(problem)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], max_line: u64) -> Vec<Result<(usize, Vec<u8>), usize>> {
        let mut out = Vec::new();
        read_lines(input, max_line, &mut |l| {
            out.push(l.map(|l| (l.index, l.bytes().to_vec())).map_err(|p| p.index.unwrap()));
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_across_blocks_endings_and_limits() {
        // Lines of every length around the block size, CRLF endings, a blank line,
        // and no ending on the last line.
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for (i, len) in [10, BLOCK - 20, 30, BLOCK, 0, 3 * BLOCK + 7, 5].iter().enumerate() {
            let line: Vec<u8> = (0..*len).map(|k| b'a' + (k % 26) as u8).collect();
            input.extend(&line);
            input.extend(if i % 2 == 0 { &b"\r\n"[..] } else { &b"\n"[..] });
            expected.push(Ok((i, line)));
        }
        input.extend(b"tail");
        expected.push(Ok((7, b"tail".to_vec())));
        assert_eq!(split(&input, u64::MAX), expected);
        // With a limit, the long lines are reported by index and skipped; the rest is intact.
        let limited: Vec<_> = expected
            .iter()
            .map(|e| match e {
                Ok((i, line)) if line.len() > BLOCK / 2 => Err(*i),
                other => other.clone(),
            })
            .collect();
        assert_eq!(split(&input, (BLOCK / 2) as u64), limited);
    }
}
