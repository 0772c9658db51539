//! A spool: what a renderer must hold until the end of a run (SARIF results
//! whose rule index depends on every code seen, JUnit suites whose totals
//! come first), kept in an anonymous temporary file instead of memory.

use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

/// Lines written now, read back at the end.
#[derive(Debug)]
pub(super) struct Spool {
    file: BufWriter<std::fs::File>,
}

impl Spool {
    pub(super) fn new() -> io::Result<Self> {
        Ok(Spool { file: BufWriter::new(tempfile::tempfile()?) })
    }

    /// Appends `text` (which the reader gets back as written).
    pub(super) fn write(&mut self, text: &[u8]) -> io::Result<()> {
        self.file.write_all(text)
    }

    /// Appends everything written to `other`.
    pub(super) fn append(&mut self, other: Spool) -> io::Result<()> {
        let mut file = other.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        io::copy(&mut file, &mut self.file)?;
        Ok(())
    }

    /// Copies everything written, byte for byte, to `out`.
    pub(super) fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        io::copy(&mut file, out)?;
        Ok(())
    }

    /// Everything written, from the start, line by line.
    pub(super) fn lines(self) -> io::Result<impl Iterator<Item = io::Result<String>>> {
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        Ok(BufReader::with_capacity(1 << 16, file).lines())
    }
}
