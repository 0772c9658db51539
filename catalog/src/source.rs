//! Reading documents: parsing JSON or YAML text (a UTF-8 byte-order mark is
//! allowed), and finding the documents of a folder.

use crate::error::CatalogError;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest document accepted, so a stray huge file cannot exhaust memory.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Where a document of the root came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A document of the schema root itself (the folder, the file, the embedded copy).
    Root,
    /// A document served by `--resolve` or `--map`, or by the caller as an extra:
    /// referenced, but not part of the root (the generator names no types after it).
    Extra,
}

/// One parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Key of the document in the root: its path relative to the root
    /// (`/`-separated), or its absolute URI for extras.
    pub path: String,
    /// The URI it is registered under for reference resolution.
    pub uri: String,
    /// How to show the document to a person (a path on disk when it has one).
    pub shown: String,
    /// The parsed content.
    pub value: Arc<Value>,
    /// Whether it belongs to the root.
    pub origin: Origin,
}

impl Document {
    /// Whether the document is an OpenAPI description (a top-level `openapi` or `swagger` key).
    pub fn is_openapi(&self) -> bool {
        is_openapi(&self.value)
    }
}

/// Whether a parsed document is an OpenAPI (or Swagger) description rather than a schema.
pub fn is_openapi(value: &Value) -> bool {
    value.get("openapi").is_some() || value.get("swagger").is_some()
}

/// Parses `text` as YAML when `name` ends in `.yaml`/`.yml`, else as JSON.
pub fn parse(name: &str, text: &str) -> Result<Value, CatalogError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        // An integer beyond 64 bits (OpenAI's `minimum: -9223372036854776000`)
        // is read as a float, as JSON parsers read it, not refused.
        serde_norway::from_str::<Lenient>(text).map(|l| l.0).map_err(|e| CatalogError::Yaml {
            path: name.to_string(),
            line: e.location().map(|l| l.line()),
            column: e.location().map(|l| l.column()),
            message: e.to_string(),
        })
    } else {
        serde_json::from_str::<Value>(text).map_err(|e| CatalogError::Json {
            path: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }
}

/// A JSON value read from YAML, with integers beyond 64 bits as floats.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Lenient(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<Lenient>()? {
            let key = match key.0 {
                Value::String(s) => s,
                // YAML allows `200:` or `true:` as keys; JSON keys are their text.
                other => other.to_string(),
            };
            let Lenient(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Reads and parses one file, refusing files over [`MAX_DOCUMENT_BYTES`].
/// `shown` names it in errors.
pub fn read(path: &Path, shown: &str) -> Result<Value, CatalogError> {
    let io = |source| CatalogError::Io { path: shown.to_string(), source };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_DOCUMENT_BYTES {
        return Err(CatalogError::TooLarge { path: shown.to_string(), bytes: len });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    parse(shown, &text)
}

/// Whether a file name is one the catalog reads (`.json`, `.yaml`, `.yml`).
pub fn is_document_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
}

/// The document files of a folder, from [`walk`].
pub struct Walk {
    /// Each document's `/`-separated path relative to the folder, and its path on disk, sorted.
    pub files: Vec<(String, PathBuf)>,
    /// Every directory read (for `cargo:rerun-if-changed`).
    pub dirs: Vec<PathBuf>,
}

/// Every document file under `dir`, recursively. Directory links back up are followed once.
pub fn walk(dir: &Path) -> Result<Walk, CatalogError> {
    let io = |path: &Path, source| CatalogError::Io { path: path.display().to_string(), source };
    let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
    if !meta.is_dir() {
        return Err(CatalogError::NotADirectory { path: dir.display().to_string() });
    }
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = std::collections::BTreeSet::new();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    while let Some(current) = stack.pop() {
        let canonical = std::fs::canonicalize(&current).map_err(|e| io(&current, e))?;
        if !seen.insert(canonical) {
            continue;
        }
        dirs.push(current.clone());
        for entry in std::fs::read_dir(&current).map_err(|e| io(&current, e))? {
            let path = entry.map_err(|e| io(&current, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_document_name(&path) && path.is_file() {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                files.push((rel.join("/"), path));
            }
        }
    }
    files.sort();
    dirs.sort();
    Ok(Walk { files, dirs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_integers_beyond_64_bits_are_numbers() {
        let v = parse("a.yaml", "minimum: -9223372036854776000\nmaximum: 18446744073709551616\n").unwrap();
        assert!(v["minimum"].as_f64().is_some_and(|f| f < -9.2e18), "{v}");
        assert!(v["maximum"].as_f64().is_some_and(|f| f > 1.8e19), "{v}");
    }

    #[test]
    fn parses_json_and_yaml_with_a_byte_order_mark() {
        assert_eq!(parse("a.json", "\u{feff}{\"a\": 1}").unwrap()["a"], 1);
        assert_eq!(parse("a.yaml", "\u{feff}a: 1\n").unwrap()["a"], 1);
        let e = parse("a.json", "{\n  \"a\": }").unwrap_err().to_string();
        assert!(e.starts_with("a.json:2:8: not valid JSON"), "{e}");
    }
}
