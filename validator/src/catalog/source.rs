//! Reading schema documents: from a directory, or from the copy embedded at build time.

use crate::error::CatalogError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the schema root, with `/` separators.
    pub path: String,
    /// The parsed content.
    pub value: Value,
}

impl Document {
    /// The document's absolute URI in the validator's registry: under
    /// [`super::BASE_URI`], or its own when its path is already a URI.
    pub fn uri(&self) -> String {
        if self.path.contains("://") { self.path.clone() } else { format!("{}{}", super::BASE_URI, self.path) }
    }
}

/// All documents of a schema root.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    /// Documents by relative path.
    pub documents: BTreeMap<String, Document>,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));
}

/// Largest document accepted, so a stray huge file cannot exhaust memory.
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

impl SchemaSet {
    /// The schemas embedded in the binary at build time.
    pub fn embedded() -> Result<Self, CatalogError> {
        let mut set = SchemaSet::default();
        for (path, text) in embedded::FILES {
            set.insert(path, text)?;
        }
        Ok(set)
    }

    /// Every `.json`, `.yaml` and `.yml` file under `dir`, recursively.
    pub fn from_dir(dir: &Path) -> Result<Self, CatalogError> {
        let mut set = SchemaSet::default();
        let meta =
            std::fs::metadata(dir).map_err(|e| CatalogError::Io { path: dir.display().to_string(), source: e })?;
        if !meta.is_dir() {
            return Err(CatalogError::NotADirectory { path: dir.display().to_string() });
        }
        let mut stack = vec![dir.to_path_buf()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(current) = stack.pop() {
            let canonical = std::fs::canonicalize(&current)
                .map_err(|e| CatalogError::Io { path: current.display().to_string(), source: e })?;
            if !seen.insert(canonical) {
                continue;
            }
            let entries = std::fs::read_dir(&current)
                .map_err(|e| CatalogError::Io { path: current.display().to_string(), source: e })?;
            for entry in entries {
                let entry = entry.map_err(|e| CatalogError::Io { path: current.display().to_string(), source: e })?;
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let is_doc =
                    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml"));
                if !is_doc {
                    continue;
                }
                let shown = path.display().to_string();
                let len =
                    std::fs::metadata(&path).map_err(|e| CatalogError::Io { path: shown.clone(), source: e })?.len();
                if len > MAX_DOCUMENT_BYTES {
                    return Err(CatalogError::TooLarge { path: shown, bytes: len });
                }
                let text =
                    std::fs::read_to_string(&path).map_err(|e| CatalogError::Io { path: shown.clone(), source: e })?;
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                set.insert(&rel.join("/"), &text)?;
            }
        }
        Ok(set)
    }

    /// The schema file `path` and every file it reaches by relative `$ref`,
    /// all under the file's own folder (the root). Returns the set and the
    /// file's path in it. Absolute references are left to `$id`s inside the set:
    /// nothing is fetched.
    pub fn from_schema_file(path: &Path) -> Result<(Self, String), CatalogError> {
        let root = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut set = SchemaSet::default();
        let mut pending = vec![name.clone()];
        while let Some(rel) = pending.pop() {
            if set.documents.contains_key(&rel) {
                continue;
            }
            let file = root.join(&rel);
            let shown = file.display().to_string();
            let meta = std::fs::metadata(&file).map_err(|e| CatalogError::Io { path: shown.clone(), source: e })?;
            if meta.len() > MAX_DOCUMENT_BYTES {
                return Err(CatalogError::TooLarge { path: shown, bytes: meta.len() });
            }
            let text = std::fs::read_to_string(&file).map_err(|e| CatalogError::Io { path: shown, source: e })?;
            set.insert(&rel, &text)?;
            let mut refs = Vec::new();
            let mut stack = vec![&set.documents[&rel].value];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(m) => {
                        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                            refs.push(r.to_string());
                        }
                        stack.extend(m.values());
                    }
                    Value::Array(a) => stack.extend(a),
                    _ => {}
                }
            }
            for r in refs {
                let file_part = r.split('#').next().unwrap_or("");
                if file_part.is_empty() || file_part.contains("://") || file_part.starts_with("urn:") {
                    continue;
                }
                let target = relative_target(&rel, file_part)
                    .ok_or_else(|| CatalogError::OutsideRoot { from: rel.clone(), reference: r.clone() })?;
                if !root.join(&target).is_file() {
                    return Err(CatalogError::DanglingRef { from: rel.clone(), reference: r.clone() });
                }
                pending.push(target);
            }
        }
        Ok((set, name))
    }

    /// Adds a parsed document under `path` (a relative path, or an absolute URI).
    pub fn insert_value(&mut self, path: &str, value: Value) {
        self.documents.insert(path.to_string(), Document { path: path.to_string(), value });
    }

    fn insert(&mut self, path: &str, text: &str) -> Result<(), CatalogError> {
        let value = if path.ends_with(".yaml") || path.ends_with(".yml") {
            serde_norway::from_str::<Value>(text).map_err(|e| CatalogError::Yaml {
                path: path.to_string(),
                line: e.location().map(|l| l.line()),
                column: e.location().map(|l| l.column()),
                message: e.to_string(),
            })?
        } else {
            serde_json::from_str::<Value>(text).map_err(|e| CatalogError::Json {
                path: path.to_string(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?
        };
        self.documents.insert(path.to_string(), Document { path: path.to_string(), value });
        Ok(())
    }

    /// Resolves a `$ref` written in document `from` to `(document path, pointer)`.
    ///
    /// Only references into the set are followed: anything else (another host,
    /// a path outside the root) is an error, so nothing is fetched or read.
    pub fn resolve_ref(&self, from: &str, reference: &str) -> Result<(String, String), CatalogError> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if file.is_empty() {
            from.to_string()
        } else if file.contains("://") {
            return Err(CatalogError::OutsideRoot { from: from.to_string(), reference: reference.to_string() });
        } else {
            relative_target(from, file)
                .ok_or_else(|| CatalogError::OutsideRoot { from: from.to_string(), reference: reference.to_string() })?
        };
        if !self.documents.contains_key(&target) {
            return Err(CatalogError::DanglingRef { from: from.to_string(), reference: reference.to_string() });
        }
        Ok((target, fragment.to_string()))
    }

    /// The value at `pointer` in document `path`, following nothing.
    pub fn get(&self, path: &str, pointer: &str) -> Option<&Value> {
        self.documents.get(path)?.value.pointer(pointer)
    }
}

/// `reference` (a relative file path) seen from document `from`, or `None` if it leaves the root.
fn relative_target(from: &str, reference: &str) -> Option<String> {
    if reference.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in reference.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}
