//! Build-time generator that will turn Accord's JSON Schemas into Rust types.
//!
//! **Status:** only the first stage exists: finding the schema files a
//! generator run reads. Type modelling and emission (quote, proc-macro2, syn)
//! are the subject of issue 3 and are not implemented yet.
//!
//! ```
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
//! let files = accord_codegen::schema_files(&dir).unwrap();
//! assert!(files.iter().any(|f| f.ends_with("dstore/common.schema.json")));
//! ```

use std::path::{Path, PathBuf};

/// Every `*.json` file under `dir`, recursively, in sorted order (the order
/// the generator will read them in, so output is deterministic).
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
