//! The recorder: each exchange appended to an NDJSON file as a capture
//! envelope (what `accord check` reads), flushed as soon as it is written.

use super::Observed;
use crate::diagnostic::Redactor;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Appends exchanges to a recording.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    file: Mutex<(File, usize)>,
    mask: Option<Redactor>,
}

impl Recorder {
    /// Opens (or creates) `path` for appending. Values are masked by `mask`
    /// (the catalog's redactor); `None` records them as they passed.
    pub fn open(path: &Path, mask: Option<Redactor>) -> io::Result<Self> {
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(path)?;
        // Entries are numbered by line: count what the file already holds,
        // and end a last line that lacks its newline.
        let mut lines = 0;
        let mut last = None;
        {
            let mut reader = io::BufReader::new(&mut file);
            let mut line = Vec::new();
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                lines += 1;
                last = line.last().copied();
            }
        }
        if last.is_some_and(|b| b != b'\n') {
            file.write_all(b"\n")?;
        }
        Ok(Recorder { path: path.to_path_buf(), file: Mutex::new((file, lines)), mask })
    }

    /// The recording's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `observed` and flushes. Returns its 0-based entry (line - 1)
    /// and the line unmasked, to be checked as `accord check` will read it.
    pub fn record(&self, observed: &Observed) -> io::Result<(usize, Arc<str>)> {
        let unmasked = observed.envelope_line(None);
        let masked = self.mask.as_ref().map(|r| observed.envelope_line(Some(r)));
        let written = masked.as_deref().unwrap_or(&unmasked);
        let mut guard = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let (file, lines) = &mut *guard;
        let mut bytes = Vec::with_capacity(written.len() + 1);
        bytes.extend_from_slice(written.as_bytes());
        bytes.push(b'\n');
        file.write_all(&bytes)?;
        file.flush()?;
        let entry = *lines;
        *lines += 1;
        Ok((entry, Arc::from(unmasked)))
    }
}
