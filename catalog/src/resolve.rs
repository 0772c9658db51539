//! Reference resolution exactly as JSON Schema specifies it, by the
//! `referencing` crate that jsonschema uses: base URIs from `$id` (or
//! draft-04's `id`), relative references, `$anchor`, `$dynamicAnchor`,
//! embedded resources, JSON pointers with `~0`/`~1` and percent-escapes.
//!
//! Confinement is by the *resolved* target: a reference that lands on a
//! value of a document of the root resolves, however it is spelt; anything
//! else is refused, and nothing is ever fetched.

use crate::error::CatalogError;
use crate::location::Location;
use crate::root::{BASE_URI, SchemaRoot, address};
use crate::source::Document;
use referencing::{Draft, Resolver};
use serde_json::Value;

impl SchemaRoot {
    /// The draft in force at `location`: the nearest `$schema` on the way
    /// down from its document (embedded resources may name their own),
    /// 2020-12 when none is named.
    pub fn draft_at(&self, location: &Location) -> Draft {
        let Some(doc) = self.documents.get(&location.file) else { return Draft::default() };
        let mut draft = Draft::default().detect(&doc.value);
        let mut value: &Value = &doc.value;
        for segment in segments(&location.pointer) {
            let Some(next) = step(value, &segment) else { break };
            value = next;
            if value.get("$schema").is_some_and(Value::is_string) {
                draft = draft.detect(value);
            }
        }
        draft
    }

    /// A resolver whose base URI is the one in force at `location`: the
    /// document's URI, changed by every `$id` on the way down to it.
    fn resolver_at(&self, location: &Location) -> Result<Resolver<'_>, CatalogError> {
        let doc = self.documents.get(&location.file).ok_or_else(|| CatalogError::Invalid {
            path: location.file.clone(),
            pointer: location.pointer.clone(),
            message: "no such document in the schema root".into(),
        })?;
        let invalid = |e: referencing::Error| CatalogError::Invalid {
            path: doc.shown.clone(),
            pointer: location.pointer.clone(),
            message: format!("invalid `$id` on the way here: {e}"),
        };
        let base = referencing::uri::from_str(&doc.uri).map_err(invalid)?;
        let mut resolver = self.registry.resolver(base);
        let mut draft = Draft::default().detect(&doc.value);
        let mut value: &Value = &doc.value;
        resolver = resolver.in_subresource(draft.create_resource_ref(value)).map_err(invalid)?;
        for segment in segments(&location.pointer) {
            let Some(next) = step(value, &segment) else { break };
            value = next;
            if value.is_object() {
                draft = draft.detect(value);
                if draft == Draft::Unknown {
                    draft = Draft::default();
                }
                resolver = resolver.in_subresource(draft.create_resource_ref(value)).map_err(invalid)?;
            }
        }
        Ok(resolver)
    }

    /// Resolves `reference`, written in a `$ref` (or `$dynamicRef`) at
    /// `from`, to the place it lands on.
    pub fn resolve(&self, from: &Location, reference: &str) -> Result<Location, CatalogError> {
        let shown = self.shown(from);
        let resolver = self.resolver_at(from)?;
        match resolver.lookup(reference) {
            Ok(resolved) => {
                self.index.get(&address(resolved.contents())).cloned().ok_or_else(|| CatalogError::OutsideRoot {
                    from: shown,
                    reference: reference.to_string(),
                    uri: absolute(&resolver, reference),
                })
            }
            Err(e) => Err(self.lookup_error(shown, reference, &resolver, e)),
        }
    }

    /// The place an absolute URI (`file:///accord/a.json#/$defs/X`, or one
    /// built on an `$id`) names, if its resource is in the root. A JSON-pointer
    /// fragment is appended as written, so a keyword location such as
    /// `.../dependentRequired/0` (which jsonschema reports) is kept even where
    /// no value sits at exactly that pointer.
    pub fn locate_uri(&self, uri: &str) -> Option<Location> {
        let base = referencing::uri::from_str(BASE_URI).ok()?;
        let resolver = self.registry.resolver(base);
        let (resource, fragment) = uri.split_once('#').unwrap_or((uri, ""));
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        if fragment.is_empty() || fragment.starts_with('/') {
            let resolved = resolver.lookup(resource).ok()?;
            let at = self.index.get(&address(resolved.contents()))?;
            return Some(Location { file: at.file.clone(), pointer: format!("{}{fragment}", at.pointer) });
        }
        let resolved = resolver.lookup(uri).ok()?;
        self.index.get(&address(resolved.contents())).cloned()
    }

    /// The place of `value`, which must be a value of one of the root's
    /// documents (found by address: the documents never move).
    pub fn locate_value(&self, value: &Value) -> Option<Location> {
        self.index.get(&address(value)).cloned()
    }

    /// The value a `$ref` at `from` lands on, with its place.
    pub fn follow(&self, from: &Location, reference: &str) -> Result<(Location, &Value), CatalogError> {
        let target = self.resolve(from, reference)?;
        let value = self.get(&target).ok_or_else(|| CatalogError::DanglingRef {
            from: self.shown(from),
            reference: reference.to_string(),
            detail: None,
        })?;
        Ok((target, value))
    }

    /// `shown#pointer` of a location, for messages.
    pub fn shown(&self, location: &Location) -> String {
        let file = self.documents.get(&location.file).map_or(location.file.as_str(), |d| d.shown.as_str());
        format!("{file}#{}", location.pointer)
    }

    fn lookup_error(
        &self,
        from: String,
        reference: &str,
        resolver: &Resolver<'_>,
        e: referencing::Error,
    ) -> CatalogError {
        let uri = absolute(resolver, reference);
        let document = uri.split('#').next().unwrap_or("");
        match e {
            referencing::Error::Unretrievable { .. } if !self.by_uri.contains_key(document) => {
                CatalogError::OutsideRoot { from, reference: reference.to_string(), uri }
            }
            other => {
                CatalogError::DanglingRef { from, reference: reference.to_string(), detail: Some(other.to_string()) }
            }
        }
    }
}

/// `reference` made absolute against the resolver's base, for messages.
fn absolute(resolver: &Resolver<'_>, reference: &str) -> String {
    let base = resolver.base_uri();
    let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let document = if uri.is_empty() {
        base.as_str().to_string()
    } else {
        resolver.resolve_uri(&base.borrow(), uri).map(|u| u.as_str().to_string()).unwrap_or_else(|_| uri.to_string())
    };
    if fragment.is_empty() { document } else { format!("{document}#{fragment}") }
}

/// The unescaped segments of a JSON pointer.
fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
}

fn step<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    }
}

/// Turns a registry build failure into an error that names the document and
/// pointer holding the reference that could not be served.
pub(crate) fn registry_error(docs: &[Document], e: referencing::Error) -> CatalogError {
    match &e {
        referencing::Error::Unretrievable { uri, source } => {
            let target = uri.trim_end_matches('#');
            match find_reference(docs, target) {
                Some((doc, pointer, reference)) => {
                    let from = format!("{}#{pointer}", doc.shown);
                    let why = source.to_string();
                    if why.starts_with("outside the") {
                        CatalogError::OutsideRoot { from, reference, uri: target.to_string() }
                    } else {
                        // A file of the root that is missing or does not parse.
                        CatalogError::DanglingRef { from, reference, detail: Some(why) }
                    }
                }
                None => CatalogError::OutsideRoot {
                    from: "(schema root)".into(),
                    reference: target.to_string(),
                    uri: target.to_string(),
                },
            }
        }
        _ => CatalogError::Invalid {
            path: docs.first().map(|d| d.shown.clone()).unwrap_or_default(),
            pointer: String::new(),
            message: format!(
                "reference resolution failed: {e} (a custom meta-schema or other document can be served with --resolve FILE or --map PREFIX=DIR)"
            ),
        },
    }
}

/// The first `$ref` (with the base URIs its `$id`s set) that resolves to `target`.
fn find_reference(docs: &[Document], target: &str) -> Option<(Document, String, String)> {
    fn walk(value: &Value, base: &url::Url, pointer: &str, target: &str) -> Option<(String, String)> {
        let Value::Object(map) = value else {
            if let Value::Array(items) = value {
                for (i, v) in items.iter().enumerate() {
                    if let Some(hit) = walk(v, base, &format!("{pointer}/{i}"), target) {
                        return Some(hit);
                    }
                }
            }
            return None;
        };
        let mut base = base.clone();
        if let Some(id) = map.get("$id").or_else(|| map.get("id")).and_then(Value::as_str)
            && let Ok(joined) = base.join(id)
        {
            base = joined;
        }
        for key in ["$ref", "$dynamicRef", "$schema"] {
            if let Some(r) = map.get(key).and_then(Value::as_str)
                && let Ok(mut u) = base.join(r)
            {
                u.set_fragment(None);
                if u.as_str().trim_end_matches('#') == target {
                    return Some((pointer.to_string(), r.to_string()));
                }
            }
        }
        for (k, v) in map {
            if let Some(hit) = walk(v, &base, &format!("{pointer}/{}", crate::location::escape(k)), target) {
                return Some(hit);
            }
        }
        None
    }
    docs.iter().find_map(|doc| {
        let base = url::Url::parse(&doc.uri).ok()?;
        walk(&doc.value, &base, "", target).map(|(p, r)| (doc.clone(), p, r))
    })
}

#[cfg(test)]
mod tests {
    use crate::{Location, RootBuilder};
    use serde_json::json;

    fn root() -> crate::SchemaRoot {
        RootBuilder::new()
            .values(
                [
                    ("a/x.json".to_string(), json!({"$defs": {"A": {"type": "string"}, "B %": {}, "t~/": {}}})),
                    (
                        "b/y.json".to_string(),
                        json!({
                            "$id": "http://example.com/ref/absref.json",
                            "$defs": {
                                "a": {"$id": "http://example.com/absref/foobar.json", "type": "number"},
                                "anchored": {"$anchor": "here", "type": "integer"}
                            },
                            "$ref": "/absref/foobar.json"
                        }),
                    ),
                ],
                "t",
            )
            .unwrap()
    }

    #[test]
    fn resolves_by_2020_12_rules() {
        let r = root();
        let from = Location::document("a/x.json").join("properties").join("p");
        assert_eq!(r.resolve(&from, "#/$defs/A").unwrap().display(), "a/x.json#/$defs/A");
        assert_eq!(r.resolve(&from, "#/$defs/B%20%25").unwrap().display(), "a/x.json#/$defs/B %");
        assert_eq!(r.resolve(&from, "#/$defs/t~0~1").unwrap().display(), "a/x.json#/$defs/t~0~1");
        assert_eq!(r.resolve(&from, "../b/y.json#/$defs/a").unwrap().display(), "b/y.json#/$defs/a");
        let y = Location::document("b/y.json");
        // An absolute-path reference against the document's `$id`, landing on an embedded resource.
        assert_eq!(r.resolve(&y, "/absref/foobar.json").unwrap().display(), "b/y.json#/$defs/a");
        assert_eq!(r.resolve(&y, "#here").unwrap().display(), "b/y.json#/$defs/anchored");
        assert_eq!(
            r.resolve(&from, "http://example.com/ref/absref.json#here").unwrap().display(),
            "b/y.json#/$defs/anchored"
        );
    }

    #[test]
    fn a_referenced_file_that_does_not_parse_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.json"), r#"{"$ref": "broken.schema"}"#).unwrap();
        std::fs::write(dir.path().join("broken.schema"), "{ not json").unwrap();
        let e = RootBuilder::new().file(&dir.path().join("s.json")).unwrap_err();
        assert!(matches!(e, crate::CatalogError::DanglingRef { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains("broken.schema") && text.contains("not valid JSON"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("root")).unwrap();
        std::fs::write(dir.path().join("secret.json"), r#"{"const": "outside"}"#).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.json"), dir.path().join("root/link.json")).unwrap();
        std::fs::write(dir.path().join("root/s.json"), r#"{"$ref": "link.json"}"#).unwrap();
        let e = RootBuilder::new().file(&dir.path().join("root/s.json")).unwrap_err();
        assert!(matches!(e, crate::CatalogError::OutsideRoot { .. }), "{e}");
    }

    #[test]
    fn two_documents_at_one_uri_are_an_error_not_a_silent_choice() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.json", "b.json"] {
            std::fs::write(dir.path().join(name), r#"{"$id": "https://example.com/same.json"}"#).unwrap();
        }
        let e = RootBuilder::new()
            .resolve(dir.path().join("a.json"))
            .resolve(dir.path().join("b.json"))
            .values([("s.json".to_string(), serde_json::json!({}))], "t")
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("https://example.com/same.json") && text.contains("a.json") && text.contains("b.json"),
            "{text}"
        );
    }

    #[test]
    fn refuses_what_lands_outside_the_root() {
        let r = root();
        let from = Location::document("a/x.json");
        for bad in ["../../etc/passwd", "https://example.com/s.json", "/etc/passwd", "file:///etc/passwd"] {
            let e = r.resolve(&from, bad).unwrap_err();
            assert!(matches!(e, crate::CatalogError::OutsideRoot { .. }), "{bad}: {e}");
        }
        let e = r.resolve(&from, "#/$defs/Nope").unwrap_err();
        assert!(e.to_string().starts_with("a/x.json#: $ref `#/$defs/Nope` does not resolve"), "{e}");
    }
}
