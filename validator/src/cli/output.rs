//! Writing a report file atomically: into a temporary file beside the target,
//! then renamed over it, so a reader never sees half a report and a failed run
//! leaves the previous file (or no file) in place.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file being written; it appears at its path only on [`AtomicFile::commit`].
/// Dropped without a commit, the temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing `target` (in a temporary file in the same directory, so
    /// the final rename never crosses file systems).
    pub fn create(target: &Path) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new().prefix(".accord-").suffix(".tmp").tempfile_in(dir)?;
        Ok(AtomicFile { temp, target: target.to_path_buf() })
    }

    /// Flushes to disk and renames the file into place. An existing file keeps
    /// its permissions; a new one gets the usual `rw-r--r--`.
    pub fn commit(mut self) -> io::Result<()> {
        self.temp.flush()?;
        let permissions = match std::fs::metadata(&self.target) {
            Ok(m) => m.permissions(),
            Err(_) => default_permissions(self.temp.as_file())?,
        };
        self.temp.as_file().set_permissions(permissions)?;
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(unix)]
fn default_permissions(_file: &File) -> io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &File) -> io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn nothing_appears_until_commit_and_an_abandoned_write_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.sarif");
        std::fs::write(&target, "previous report").unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"half a rep").unwrap();
        drop(file); // the run failed part-way
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous report");
        assert_eq!(entries(dir.path()), ["report.sarif"]);

        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"new report").unwrap();
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new report");
        assert_eq!(entries(dir.path()), ["report.sarif"]);
    }
}
