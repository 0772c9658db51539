//! What the contract reaches: the files its `$ref`s name, followed from the
//! OpenAPI documents of a root, and references written as split tools write
//! them (`paths/users@{id}.yaml`, names with spaces or non-ASCII letters).
//!
//! `$ref`s are followed wherever they stand (a path item, an operation, a
//! response, a schema, an `x-` extension), since an OpenAPI description may
//! reference another file from any of them. Only JSON and YAML files are
//! documents; a `$ref` to a Markdown description or a code sample is left to
//! whoever reads that field.

use crate::root::BASE_URI;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Characters an absolute URI reference may not hold unencoded (RFC 3986):
/// a fragment's, but `%` (a reference already percent-encoded stays as it is)
/// and `#` (the fragment's own delimiter).
const NOT_IN_URI: &percent_encoding::AsciiSet = &crate::location::FRAGMENT.remove(b'%').remove(b'#');

/// A `$ref` written the one way the root registers documents: a relative
/// reference is percent-decoded and encoded again as document URIs are (so
/// `users@{id}.yaml`, `users%40%7Bid%7D.yaml` and `users@%7Bid%7D.yaml` name
/// one file, as do `café.yaml` and `caf%C3%A9.yaml`); in an absolute one only
/// what a URI cannot hold is encoded. The fragment is treated the same way.
pub fn encode_reference(reference: &str) -> String {
    let (resource, fragment) = match reference.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (reference, None),
    };
    let relative = !resource.split('/').next().unwrap_or("").contains(':');
    let mut out = if relative {
        canonical(resource, crate::location::PATH)
    } else {
        percent_encoding::utf8_percent_encode(resource, NOT_IN_URI).to_string()
    };
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(&canonical(fragment, crate::location::FRAGMENT));
    }
    out
}

/// `text` percent-decoded, then encoded with `set`.
fn canonical(text: &str, set: &'static percent_encoding::AsciiSet) -> String {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    percent_encoding::utf8_percent_encode(&decoded, set).to_string()
}

/// Encodes every `$ref` of `value` with [`encode_reference`].
pub fn encode_references(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "$ref" => {
                        let encoded = encode_reference(s);
                        if encoded != *s {
                            *s = encoded;
                        }
                    }
                    _ => encode_references(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encode_references),
        _ => {}
    }
}

/// Where a `$ref` of the document at `rel` (a `/`-separated path in the
/// folder) points: another document of the folder (its decoded relative path),
/// somewhere else, or nowhere outside the document itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A JSON or YAML file of the folder, by its `/`-separated relative path.
    File(String),
    /// A file of the folder that is not a document (Markdown, a code sample).
    Other,
    /// An absolute URI outside the folder (a `$id`, a remote, a meta-schema).
    Elsewhere(String),
    /// Out of the folder through `..`.
    Outside,
}

/// The documents and other places the `$ref`s of `value` (document `rel`) name,
/// each with the JSON pointer of the `$ref` that names it.
pub fn targets(rel: &str, value: &Value) -> Vec<(String, Target)> {
    let base = format!("{BASE_URI}{}", encode_reference(rel));
    let Ok(base) = url::Url::parse(&base) else { return Vec::new() };
    let mut out = Vec::new();
    collect(value, &mut String::new(), &base, &mut out);
    out
}

fn collect(value: &Value, pointer: &mut String, base: &url::Url, out: &mut Vec<(String, Target)>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && let Some(target) = target(base, reference)
            {
                out.push((pointer.clone(), target));
            }
            for (key, v) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::location::escape(key));
                collect(v, pointer, base, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect(v, pointer, base, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn target(base: &url::Url, reference: &str) -> Option<Target> {
    let resource = reference.split('#').next().unwrap_or("");
    if resource.is_empty() {
        return None;
    }
    let joined = base.join(&encode_reference(resource)).ok()?;
    let joined = joined.as_str();
    let Some(rel) = joined.strip_prefix(BASE_URI) else {
        return Some(if joined.starts_with("file:///") && !resource.contains(':') {
            Target::Outside
        } else {
            Target::Elsewhere(joined.to_string())
        });
    };
    let decoded = percent_encoding::percent_decode_str(rel).decode_utf8().ok()?.into_owned();
    if crate::source::is_document_name(std::path::Path::new(&decoded)) {
        Some(Target::File(decoded))
    } else {
        Some(Target::Other)
    }
}

/// Every document reached from `starts` through `$ref`s, `starts` included,
/// given each document's targets; in sorted order.
pub fn reached(starts: impl IntoIterator<Item = String>, targets: &BTreeMap<String, Vec<Target>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = starts.into_iter().collect();
    while let Some(doc) = stack.pop() {
        if !seen.insert(doc.clone()) {
            continue;
        }
        for t in targets.get(&doc).into_iter().flatten() {
            if let Target::File(f) = t
                && !seen.contains(f)
            {
                stack.push(f.clone());
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_with_braces_spaces_and_letters_beyond_ascii_are_encoded() {
        assert_eq!(encode_reference("./paths/users@{id}.yaml"), "./paths/users@%7Bid%7D.yaml");
        assert_eq!(encode_reference("a b.yaml#/x y"), "a%20b.yaml#/x%20y");
        assert_eq!(encode_reference("café.yaml"), "caf%C3%A9.yaml");
        assert_eq!(encode_reference("users@%7Bid%7D.yaml"), "users@%7Bid%7D.yaml", "already encoded: unchanged");
        assert_eq!(encode_reference("users%40%7Bid%7D.yaml"), "users@%7Bid%7D.yaml", "one spelling per file");
        assert_eq!(encode_reference("caf%C3%A9.yaml"), encode_reference("café.yaml"));
        assert_eq!(encode_reference("https://e.example/a b.json"), "https://e.example/a%20b.json");
        assert_eq!(encode_reference("#/paths/~1a~1{b}"), "#/paths/~1a~1%7Bb%7D");
    }

    #[test]
    fn targets_are_files_of_the_folder_wherever_the_ref_stands() {
        let doc = json!({
            "paths": {"/a": {"$ref": "paths/a@{id}.yaml"}, "/b": {"get": {"$ref": "../ops/b.yml#/get"}}},
            "info": {"description": {"$ref": "intro.md"}},
            "components": {"schemas": {"X": {"$ref": "#/components/schemas/Y"}, "R": {"$ref": "https://e.example/s.json"}}}
        });
        let got: Vec<Target> = targets("api/openapi.yaml", &doc).into_iter().map(|(_, t)| t).collect();
        assert!(got.contains(&Target::File("api/paths/a@{id}.yaml".into())), "{got:?}");
        assert!(got.contains(&Target::File("ops/b.yml".into())), "{got:?}");
        assert!(got.contains(&Target::Other), "{got:?}");
        assert!(got.contains(&Target::Elsewhere("https://e.example/s.json".into())), "{got:?}");
        assert_eq!(got.len(), 4, "a fragment-only $ref names no other file");
        let outside = targets("openapi.yaml", &json!({"$ref": "../x.yaml"}));
        assert_eq!(outside[0].1, Target::Outside);
    }
}
