//! Stage one: find and read the schema files, and resolve `$ref`s between
//! them. Nothing outside the schema directory is read, and nothing is fetched.

use crate::error::{Error, ErrorKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A place in the schema set: a file (relative to the root, `/`-separated) and a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The file, relative to the schema directory.
    pub file: String,
    /// JSON pointer inside the file (`""` for the root).
    pub pointer: String,
}

impl Loc {
    /// The location of `child` (a key or index) under this one.
    pub fn join(&self, child: &str) -> Loc {
        let escaped = child.replace('~', "~0").replace('/', "~1");
        Loc { file: self.file.clone(), pointer: format!("{}/{escaped}", self.pointer) }
    }

    /// `file#pointer`.
    pub fn display(&self) -> String {
        format!("{}#{}", self.file, self.pointer)
    }

    /// An error at this location.
    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::at(&self.file, &self.pointer, kind)
    }

    /// An error about `keyword` at this location.
    pub fn keyword_error(&self, keyword: &str, message: impl Into<String>) -> Error {
        Error::keyword(&self.file, &self.pointer, keyword, message)
    }
}

/// Every JSON document under the schema directory.
#[derive(Debug, Default)]
pub struct SchemaSet {
    /// Documents by relative path, in sorted order.
    pub docs: BTreeMap<String, Value>,
    /// Every file and directory read (for `cargo:rerun-if-changed`).
    pub read: Vec<PathBuf>,
}

impl SchemaSet {
    /// Reads every `*.json` file under `dir`, recursively.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let mut set = SchemaSet::default();
        let io = |action, path: &Path, source| Error::bare(ErrorKind::Io { action, path: path.to_path_buf(), source });
        let mut stack = vec![dir.to_path_buf()];
        let mut files = Vec::new();
        while let Some(d) = stack.pop() {
            set.read.push(d.clone());
            let entries = std::fs::read_dir(&d).map_err(|e| io("cannot read directory", &d, e))?;
            for entry in entries {
                let path = entry.map_err(|e| io("cannot read directory", &d, e))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
        files.sort();
        set.read.sort();
        for path in files {
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let rel = rel.join("/");
            let text = std::fs::read_to_string(&path).map_err(|e| io("cannot read", &path, e))?;
            let value: Value = serde_json::from_str(&text).map_err(|e| Error {
                file: Some(rel.clone()),
                pointer: None,
                kind: ErrorKind::Json(e.to_string()),
            })?;
            set.read.push(path);
            set.docs.insert(rel, value);
        }
        Ok(set)
    }

    /// The schema at `loc`, if any.
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        self.docs.get(&loc.file)?.pointer(&loc.pointer)
    }

    /// Resolves `reference` (as written in a `$ref` at `from`) to a location.
    pub fn resolve(&self, from: &Loc, reference: &str) -> Result<Loc, Error> {
        let outside = || from.error(ErrorKind::RefOutsideRoot(reference.to_string()));
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, p)) => (f, p),
            None => (reference, ""),
        };
        if file_part.contains("://") || file_part.starts_with('/') {
            return Err(outside());
        }
        let file = if file_part.is_empty() {
            from.file.clone()
        } else {
            let mut parts: Vec<&str> = from.file.split('/').collect();
            parts.pop();
            for seg in file_part.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        if parts.pop().is_none() {
                            return Err(outside());
                        }
                    }
                    s => parts.push(s),
                }
            }
            parts.join("/")
        };
        let pointer = percent_decode(fragment);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(from.keyword_error("$ref", format!("{reference}: only JSON-pointer fragments are supported")));
        }
        let loc = Loc { file, pointer };
        if self.get(&loc).is_none() {
            return Err(from.error(ErrorKind::DanglingRef(reference.to_string())));
        }
        Ok(loc)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set() -> SchemaSet {
        let mut s = SchemaSet::default();
        s.docs.insert("a/x.json".into(), json!({"$defs": {"A": {"type": "string"}}}));
        s.docs.insert("b/y.json".into(), json!({"$defs": {"B %": {}}}));
        s
    }

    #[test]
    fn resolves_relative_refs_and_refuses_to_leave_the_root() {
        let s = set();
        let from = Loc { file: "a/x.json".into(), pointer: "/properties/p".into() };
        assert_eq!(s.resolve(&from, "#/$defs/A").unwrap().display(), "a/x.json#/$defs/A");
        assert_eq!(s.resolve(&from, "../b/y.json#/$defs/B%20%25").unwrap().display(), "b/y.json#/$defs/B %");
        for bad in ["../../etc/passwd", "https://example.com/s.json", "/etc/passwd"] {
            let e = s.resolve(&from, bad).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::RefOutsideRoot(_)), "{bad}: {e}");
        }
        let e = s.resolve(&from, "#/$defs/Nope").unwrap_err();
        assert_eq!(e.to_string(), "a/x.json#/properties/p: `$ref` #/$defs/Nope points at nothing");
    }
}
