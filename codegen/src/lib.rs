//! Build-time generator that turns Accord's JSON Schemas into Rust types.
//!
//! Not implemented yet: see issue 3. This crate currently only exposes the
//! list of schema files it would read, so the workspace layout is in place.

use std::path::{Path, PathBuf};

/// Every `*.json` file under `dir`, sorted, recursively.
pub fn schema_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
