//! The schema root: every document of a folder, a file, or the embedded
//! copy, plus what `--resolve` and `--map` serve, registered for reference
//! resolution in one [`referencing::Registry`], the same registry the
//! validator compiles against.

use crate::error::CatalogError;
use crate::location::Location;
use crate::reach;
use crate::source::{self, Document, Origin};
use referencing::{Draft, Registry, Retrieve, Uri};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Base URI under which the root's documents are registered: a document's
/// URI is this plus its path relative to the root.
pub const BASE_URI: &str = "file:///accord/";

/// Every document of one schema root, resolvable by 2020-12 rules.
pub struct SchemaRoot {
    pub(crate) documents: BTreeMap<String, Document>,
    pub(crate) registry: Registry<'static>,
    /// The address of every JSON value of every document → where it is.
    pub(crate) index: HashMap<usize, Location>,
    /// Document URI → document key.
    pub(crate) by_uri: HashMap<String, String>,
    label: String,
    read: Vec<PathBuf>,
    warnings: Vec<LoadWarning>,
    /// The document given as the root (`--schemas FILE`): only its operations are read.
    entry: Option<String>,
}

/// Something the loader left out or read leniently, which the user should
/// hear about but which does not stop the catalog (a broken file that no
/// OpenAPI document reaches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// The file, as shown to people.
    pub path: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::fmt::Debug for SchemaRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRoot").field("label", &self.label).field("documents", &self.documents.len()).finish()
    }
}

/// How to load a schema root: where extra documents come from, then which root.
#[derive(Debug, Clone, Default)]
pub struct RootBuilder {
    resolve: Vec<PathBuf>,
    maps: Vec<(String, PathBuf)>,
    extras: Vec<(String, Value)>,
}

impl RootBuilder {
    /// A builder with no extra documents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file, or every document under a folder, by its `$id`
    /// (or, without one, by its `file://` URI), as `--resolve PATH` does.
    pub fn resolve(mut self, path: impl AsRef<Path>) -> Self {
        self.resolve.push(path.as_ref().to_path_buf());
        self
    }

    /// Serves references under the URI `prefix` from files under `dir`, as
    /// `--map PREFIX=DIR` does. Nothing outside `dir` is read.
    pub fn map(mut self, prefix: impl Into<String>, dir: impl AsRef<Path>) -> Self {
        self.maps.push((prefix.into(), dir.as_ref().to_path_buf()));
        self
    }

    /// Parses a `PREFIX=DIR` argument into [`RootBuilder::map`].
    pub fn map_arg(self, argument: &str) -> Result<Self, CatalogError> {
        let bad = |message: &str| CatalogError::Argument { argument: argument.to_string(), message: message.into() };
        let (prefix, dir) = argument.split_once('=').ok_or_else(|| bad("expected URI-PREFIX=DIR"))?;
        if prefix.is_empty() || !prefix.contains(':') {
            return Err(bad("the prefix must be an absolute URI such as http://localhost:1234/"));
        }
        if !Path::new(dir).is_dir() {
            return Err(bad("the directory does not exist"));
        }
        Ok(self.map(prefix, dir))
    }

    /// Registers an already parsed document at the absolute URI `uri`.
    pub fn extra(mut self, uri: impl Into<String>, value: Value) -> Self {
        self.extras.push((uri.into(), value));
        self
    }

    /// A folder or a single document, whichever `path` is.
    pub fn open(self, path: &Path) -> Result<SchemaRoot, CatalogError> {
        if path.is_file() { self.file(path).map(|(root, _)| root) } else { self.dir(path) }
    }

    /// Every `.json`, `.yaml` and `.yml` document under `dir`, recursively.
    ///
    /// In a folder that holds OpenAPI documents, a file that neither they
    /// nor a schema registered by its `$id` reach through `$ref`s is not part
    /// of the contract: when it does not parse, or names a file that does not
    /// exist, it is left out with a [`LoadWarning`] instead of stopping the load.
    pub fn dir(self, dir: &Path) -> Result<SchemaRoot, CatalogError> {
        let walked = source::walk(dir)?;
        let mut read = walked.dirs;
        let mut parsed: BTreeMap<String, (PathBuf, Result<Value, CatalogError>)> = BTreeMap::new();
        for (rel, path) in walked.files {
            let value = source::read(&path, &path.display().to_string());
            read.push(path.clone());
            parsed.insert(rel, (path, value));
        }
        let mut warnings = Vec::new();
        let openapi = parsed.values().any(|(_, v)| v.as_ref().is_ok_and(source::is_openapi));
        if openapi {
            let targets: BTreeMap<String, Vec<reach::Target>> = parsed
                .iter()
                .filter_map(|(rel, (_, v))| Some((rel.clone(), reach::targets(rel, v.as_ref().ok()?))))
                .map(|(rel, t)| (rel, t.into_iter().map(|(_, t)| t).collect()))
                .collect();
            let starts = parsed.iter().filter_map(|(rel, (_, v))| {
                let v = v.as_ref().ok()?;
                (source::is_openapi(v) || root_id(v).is_some()).then(|| rel.clone())
            });
            let reached = reach::reached(starts, &targets);
            let ids: std::collections::BTreeSet<String> = parsed
                .values()
                .filter_map(|(_, v)| root_id(v.as_ref().ok()?).map(|id| id.trim_end_matches('#').to_string()))
                .collect();
            let mut left_out = Vec::new();
            for (rel, (path, value)) in &parsed {
                if reached.contains(rel) {
                    continue;
                }
                let why = match value {
                    Err(e) => Some(e.to_string()),
                    Ok(v) => reach::targets(rel, v).into_iter().find_map(|(pointer, t)| match t {
                        reach::Target::File(f) if !parsed.contains_key(&f) => {
                            Some(format!("#{pointer}: $ref names {f}, which does not exist"))
                        }
                        reach::Target::Elsewhere(uri)
                            if !ids.contains(uri.split('#').next().unwrap_or(""))
                                && known_metaschema(&uri).is_none() =>
                        {
                            Some(format!("#{pointer}: $ref names {uri}, which is not in the schema root"))
                        }
                        reach::Target::Outside => Some(format!("#{pointer}: $ref leaves the schema root")),
                        _ => None,
                    }),
                };
                if let Some(why) = why {
                    let message = format!(
                        "left out: no OpenAPI document of the folder reaches this file, and it cannot be read ({})",
                        why.strip_prefix(&format!("{}", path.display())).unwrap_or(&why).trim_start_matches(':').trim()
                    );
                    warnings.push(LoadWarning { path: path.display().to_string(), message });
                    left_out.push(rel.clone());
                }
            }
            for rel in left_out {
                parsed.remove(&rel);
            }
        }
        let mut docs = Vec::new();
        for (rel, (path, value)) in parsed {
            docs.push(root_document(&rel, path.display().to_string(), value?));
        }
        let label = dir.display().to_string().trim_end_matches('/').to_string();
        let mut root = self.finish(docs, Some(dir.to_path_buf()), label, read)?;
        root.warnings = warnings;
        Ok(root)
    }

    /// One document (a schema or an OpenAPI description) whose folder is the
    /// root: relative references reach files in that folder and below.
    /// Returns the root and the document's location.
    pub fn file(self, path: &Path) -> Result<(SchemaRoot, Location), CatalogError> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let value = source::read(path, &path.display().to_string())?;
        let mut read = vec![path.to_path_buf()];
        let mut docs = Vec::new();
        if source::is_openapi(&value) {
            // An OpenAPI description split over files: every document it reaches
            // through `$ref`s (path items, operations, responses, schemas) is
            // read now, as part of the root, just as `--schemas DIR` reads them.
            let mut stack = vec![(name.clone(), value)];
            let mut seen = std::collections::BTreeSet::from([name.clone()]);
            while let Some((rel, value)) = stack.pop() {
                for (_, target) in reach::targets(&rel, &value) {
                    let reach::Target::File(next) = target else { continue };
                    let file = folder.join(&next);
                    if !seen.insert(next.clone()) || !file.is_file() {
                        continue; // a missing file is named by the resolver, with the $ref that names it
                    }
                    let shown = file.display().to_string();
                    stack.push((next, source::read(&file, &shown)?));
                    read.push(file);
                }
                let shown =
                    if rel == name { path.display().to_string() } else { folder.join(&rel).display().to_string() };
                docs.push(root_document(&rel, shown, value));
            }
            docs.sort_by(|a, b| (a.path != name, &a.path).cmp(&(b.path != name, &b.path)));
        } else {
            docs.push(root_document(&name, path.display().to_string(), value));
        }
        let label = folder.display().to_string().trim_end_matches('/').to_string();
        let mut root = self.finish(docs, Some(folder), label, read)?;
        root.entry = Some(name.clone());
        Ok((root, Location::document(name)))
    }

    /// Documents given as `(relative path, text)`, such as a copy embedded at build time.
    pub fn embedded(self, files: &[(&str, &str)], label: &str) -> Result<SchemaRoot, CatalogError> {
        let mut docs = Vec::new();
        for (rel, text) in files {
            docs.push(root_document(rel, format!("{label}/{rel}"), source::parse(rel, text)?));
        }
        self.finish(docs, None, label.to_string(), Vec::new())
    }

    /// Documents given as parsed values under relative paths.
    pub fn values(
        self,
        values: impl IntoIterator<Item = (String, Value)>,
        label: &str,
    ) -> Result<SchemaRoot, CatalogError> {
        let docs = values.into_iter().map(|(rel, v)| root_document(&rel, rel.clone(), v)).collect();
        self.finish(docs, None, label.to_string(), Vec::new())
    }

    fn finish(
        self,
        mut docs: Vec<Document>,
        folder: Option<PathBuf>,
        label: String,
        mut read: Vec<PathBuf>,
    ) -> Result<SchemaRoot, CatalogError> {
        for path in &self.resolve {
            let files = if path.is_dir() {
                read.push(path.clone());
                source::walk(path)?.files.into_iter().map(|(_, p)| p).collect()
            } else {
                vec![path.clone()]
            };
            for file in files {
                let shown = file.display().to_string();
                let value = source::read(&file, &shown)?;
                let uri = match root_id(&value) {
                    Some(id) => id.trim_end_matches('#').to_string(),
                    None => file_uri(&file)?,
                };
                docs.push(extra_document(uri, shown, value));
                read.push(file);
            }
        }
        for (uri, value) in self.extras {
            docs.push(extra_document(uri.clone(), uri, value));
        }
        // Two documents at one URI: one would silently replace the other.
        let mut uris: HashMap<&str, &str> = HashMap::new();
        for doc in &docs {
            if let Some(other) = uris.insert(&doc.uri, &doc.shown) {
                return Err(CatalogError::Argument {
                    argument: doc.shown.clone(),
                    message: format!("registers {} again, which {other} already does; keep one", doc.uri),
                });
            }
        }
        // OpenAPI 3.0 documents, and the schema files of a root that holds one
        // (unless they name a `$schema`), are read with 3.1 semantics.
        if docs.iter().any(|d| d.origin == Origin::Root && crate::openapi::v30::is_v30(&d.value)) {
            for doc in docs.iter_mut().filter(|d| d.origin == Origin::Root) {
                let schema_file = !doc.is_openapi() && doc.value.get("$schema").is_none();
                if crate::openapi::v30::is_v30(&doc.value) || schema_file {
                    crate::openapi::v30::translate(Arc::make_mut(&mut doc.value));
                }
            }
        }
        // OpenAPI's numeric formats (`int32`, ...) are ranges in an OpenAPI catalog.
        if docs.iter().any(|d| d.origin == Origin::Root && d.is_openapi()) {
            for doc in docs.iter_mut().filter(|d| d.origin == Origin::Root) {
                // The documents were just parsed: nothing else holds them, so this copies nothing.
                crate::openapi::formats::mark(Arc::make_mut(&mut doc.value));
            }
        }
        // A `$ref` to a draft's meta-schema is served from the copy `referencing` ships.
        let mut metas = Vec::new();
        for doc in &docs {
            collect_meta_refs(&doc.value, &mut metas);
        }
        let mut added = std::collections::BTreeSet::new();
        while let Some(uri) = metas.pop() {
            if let Some(meta) = known_metaschema(&uri).filter(|_| added.insert(uri.clone())) {
                // A draft's meta-schema refers to its vocabularies' meta-schemas in turn.
                collect_meta_refs(meta, &mut metas);
                docs.push(extra_document(uri.clone(), uri, meta.clone()));
            }
        }
        // A served document that names no `$schema` is read in the dialect of the
        // root's first document, as the document referencing it would be.
        let dialect = docs.first().and_then(|d| d.value.get("$schema")).and_then(Value::as_str).map(str::to_string);
        let retriever = Arc::new(DiskRetriever { folder, maps: self.maps, dialect, served: Mutex::new(Vec::new()) });
        let registry = build_registry(&docs, retriever.clone())?;
        let served = std::mem::take(&mut *retriever.served.lock().unwrap_or_else(|e| e.into_inner()));
        let registry = if served.is_empty() {
            registry
        } else {
            drop(registry);
            for (doc, path) in served {
                if !path.as_os_str().is_empty() {
                    read.push(path);
                }
                docs.push(doc);
            }
            build_registry(&docs, Arc::new(Refuse))?
        };
        let mut documents = BTreeMap::new();
        let mut by_uri = HashMap::new();
        let mut index = HashMap::new();
        for doc in docs {
            by_uri.insert(doc.uri.clone(), doc.path.clone());
            index_values(&doc.value, &Location::document(doc.path.clone()), &mut index);
            documents.insert(doc.path.clone(), doc);
        }
        read.sort();
        read.dedup();
        Ok(SchemaRoot { documents, registry, index, by_uri, label, read, warnings: Vec::new(), entry: None })
    }
}

/// The `$id` (draft-04: `id`) of a document's root, unless it is only a fragment.
fn root_id(value: &Value) -> Option<&str> {
    let keyword = Draft::default().detect(value).id_keyword();
    value.get(keyword).and_then(Value::as_str).filter(|id| !id.starts_with('#'))
}

fn root_document(rel: &str, shown: String, mut value: Value) -> Document {
    reach::encode_references(&mut value);
    let uri = format!("{BASE_URI}{}", percent_encoding::utf8_percent_encode(rel, PATH));
    Document { path: rel.to_string(), uri, shown, value: Arc::new(value), origin: Origin::Root }
}

fn extra_document(uri: String, shown: String, mut value: Value) -> Document {
    reach::encode_references(&mut value);
    Document { path: uri.clone(), uri, shown, value: Arc::new(value), origin: Origin::Extra }
}

use crate::location::PATH;

fn file_uri(path: &Path) -> Result<String, CatalogError> {
    let absolute =
        std::fs::canonicalize(path).map_err(|source| CatalogError::Io { path: path.display().to_string(), source })?;
    url::Url::from_file_path(&absolute).map(|u| u.to_string()).map_err(|()| CatalogError::Argument {
        argument: path.display().to_string(),
        message: "cannot be written as a file:// URI".into(),
    })
}

fn index_values(value: &Value, at: &Location, index: &mut HashMap<usize, Location>) {
    index.insert(address(value), at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                index_values(v, &at.join(k), index);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                index_values(v, &at.join(&i.to_string()), index);
            }
        }
        _ => {}
    }
}

/// The address of a value, as a key: values of the root never move (they
/// live in `Arc`s that are never mutated), so the address identifies the place.
pub(crate) fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

fn build_registry(docs: &[Document], retriever: Arc<dyn Retrieve>) -> Result<Registry<'static>, CatalogError> {
    // Known drafts' meta-schemas are looked up only when a `$ref` names them.
    let mut builder = Registry::new().retrieve_known_draft_meta_schemas(false).retriever(retriever);
    for doc in docs {
        builder = builder.add(&doc.uri, Arc::clone(&doc.value)).map_err(|e| CatalogError::Invalid {
            path: doc.shown.clone(),
            pointer: String::new(),
            message: format!("cannot be registered at {}: {e}", doc.uri),
        })?;
    }
    builder.prepare().map_err(|e| crate::resolve::registry_error(docs, e))
}

/// Serves references to files of the root folder and of `--map` folders,
/// and refuses everything else: nothing is ever fetched from a network.
struct DiskRetriever {
    folder: Option<PathBuf>,
    maps: Vec<(String, PathBuf)>,
    dialect: Option<String>,
    served: Mutex<Vec<(Document, PathBuf)>>,
}

/// Why a reference was not served.
#[derive(Debug)]
pub(crate) struct Refused(pub(crate) String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl Retrieve for DiskRetriever {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        if let Some(meta) = known_metaschema(uri) {
            // The drafts' own meta-schemas ship inside the `referencing` crate: served, never fetched.
            let doc = extra_document(uri.to_string(), uri.to_string(), (*meta).clone());
            self.served.lock().unwrap_or_else(|e| e.into_inner()).push((doc, PathBuf::new()));
            return Ok((*meta).clone());
        }
        let (key, path, origin) = if let Some(rel) = uri.strip_prefix(BASE_URI) {
            let folder = self.folder.as_ref().ok_or_else(|| Refused("outside the schema root".into()))?;
            let rel = confined(rel).ok_or_else(|| Refused("outside the schema root".into()))?;
            (rel.clone(), folder.join(&rel), Origin::Root)
        } else if let Some((prefix, dir)) = self.maps.iter().find(|(p, _)| uri.starts_with(p.as_str())) {
            let rel = confined(&uri[prefix.len()..]).ok_or_else(|| Refused("outside the mapped folder".into()))?;
            (uri.to_string(), dir.join(rel), Origin::Extra)
        } else {
            return Err(Box::new(Refused("outside the schema root".into())));
        };
        if !path.is_file() {
            return Err(Box::new(Refused(format!("no such file: {}", path.display()))));
        }
        // A link inside the folder may point out of it: confinement is by where the file really is.
        let base = if origin == Origin::Root {
            self.folder.as_ref()
        } else {
            self.maps.iter().map(|(_, d)| d).find(|d| path.starts_with(d))
        };
        let inside = base.and_then(|b| std::fs::canonicalize(b).ok()).zip(std::fs::canonicalize(&path).ok());
        if !inside.is_some_and(|(b, p)| p.starts_with(b)) {
            return Err(Box::new(Refused("outside the schema root (through a link)".into())));
        }
        let shown = path.display().to_string();
        let mut value = source::read(&path, &shown).map_err(|e| Box::new(Refused(e.to_string())))?;
        reach::encode_references(&mut value);
        if let (Some(dialect), Some(map)) = (&self.dialect, value.as_object_mut()) {
            map.entry("$schema").or_insert_with(|| Value::String(dialect.clone()));
        }
        let doc = Document { path: key, uri: uri.to_string(), shown, value: Arc::new(value.clone()), origin };
        self.served.lock().unwrap_or_else(|e| e.into_inner()).push((doc, path));
        Ok(value)
    }
}

/// The meta-schema of a known draft at `uri`, from the copies the
/// `referencing` crate ships.
fn known_metaschema(uri: &str) -> Option<&'static Value> {
    use referencing::meta;
    let table: [(&str, &'static std::sync::LazyLock<Arc<Value>>); 19] = [
        ("http://json-schema.org/draft-04/schema", &meta::DRAFT4),
        ("http://json-schema.org/draft-06/schema", &meta::DRAFT6),
        ("http://json-schema.org/draft-07/schema", &meta::DRAFT7),
        ("https://json-schema.org/draft/2019-09/schema", &meta::DRAFT201909),
        ("https://json-schema.org/draft/2019-09/meta/applicator", &meta::DRAFT201909_APPLICATOR),
        ("https://json-schema.org/draft/2019-09/meta/content", &meta::DRAFT201909_CONTENT),
        ("https://json-schema.org/draft/2019-09/meta/core", &meta::DRAFT201909_CORE),
        ("https://json-schema.org/draft/2019-09/meta/format", &meta::DRAFT201909_FORMAT),
        ("https://json-schema.org/draft/2019-09/meta/meta-data", &meta::DRAFT201909_META_DATA),
        ("https://json-schema.org/draft/2019-09/meta/validation", &meta::DRAFT201909_VALIDATION),
        ("https://json-schema.org/draft/2020-12/schema", &meta::DRAFT202012),
        ("https://json-schema.org/draft/2020-12/meta/core", &meta::DRAFT202012_CORE),
        ("https://json-schema.org/draft/2020-12/meta/applicator", &meta::DRAFT202012_APPLICATOR),
        ("https://json-schema.org/draft/2020-12/meta/unevaluated", &meta::DRAFT202012_UNEVALUATED),
        ("https://json-schema.org/draft/2020-12/meta/validation", &meta::DRAFT202012_VALIDATION),
        ("https://json-schema.org/draft/2020-12/meta/meta-data", &meta::DRAFT202012_META_DATA),
        ("https://json-schema.org/draft/2020-12/meta/format-annotation", &meta::DRAFT202012_FORMAT_ANNOTATION),
        ("https://json-schema.org/draft/2020-12/meta/format-assertion", &meta::DRAFT202012_FORMAT_ASSERTION),
        ("https://json-schema.org/draft/2020-12/meta/content", &meta::DRAFT202012_CONTENT),
    ];
    let uri = uri.trim_end_matches('#');
    table.iter().find(|(u, _)| *u == uri).map(|(_, v)| &***(*v))
}

/// Every `$ref` in `value` that names a known draft's meta-schema, without its fragment.
fn collect_meta_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for key in ["$ref", "$dynamicRef", "$recursiveRef"] {
                if let Some(r) = map.get(key).and_then(Value::as_str) {
                    let uri = r.split('#').next().unwrap_or("");
                    if known_metaschema(uri).is_some() {
                        out.push(uri.to_string());
                    }
                }
            }
            if let Some(vocabularies) = map.get("$vocabulary").and_then(Value::as_object) {
                let parts = vocabularies.keys().map(|v| v.replace("/vocab/", "/meta/"));
                out.extend(parts.filter(|u| known_metaschema(u).is_some()));
            }
            map.values().for_each(|v| collect_meta_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_meta_refs(v, out)),
        _ => {}
    }
}

/// A percent-decoded relative path with no `..`, or `None`.
fn confined(rel: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(rel).decode_utf8().ok()?.into_owned();
    let path = Path::new(&decoded);
    if decoded.is_empty() || path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(decoded)
}

struct Refuse;

impl Retrieve for Refuse {
    fn retrieve(&self, _: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(Box::new(Refused("outside the schema root".into())))
    }
}

impl SchemaRoot {
    /// A builder, for extra documents (`--resolve`, `--map`).
    pub fn builder() -> RootBuilder {
        RootBuilder::new()
    }

    /// Every `.json`, `.yaml` and `.yml` document under `dir`.
    pub fn dir(dir: &Path) -> Result<Self, CatalogError> {
        RootBuilder::new().dir(dir)
    }

    /// The documents, by key, in sorted order.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    /// The document with this key.
    pub fn document(&self, key: &str) -> Option<&Document> {
        self.documents.get(key)
    }

    /// The value at `location`, following nothing.
    pub fn get(&self, location: &Location) -> Option<&Value> {
        self.documents.get(&location.file)?.value.pointer(&location.pointer)
    }

    /// The value at `pointer` in document `key`, following nothing.
    pub fn get_at(&self, key: &str, pointer: &str) -> Option<&Value> {
        self.documents.get(key)?.value.pointer(pointer)
    }

    /// The registry every document is registered in (for compiling validators against).
    pub fn registry(&self) -> &Registry<'static> {
        &self.registry
    }

    /// How the root is shown (the folder as given, or `schemas` for the built-in copy).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Every file and directory read.
    pub fn files_read(&self) -> &[PathBuf] {
        &self.read
    }

    /// The OpenAPI documents whose operations make the contract: every one of
    /// a folder, or only the file given as the root (the OpenAPI documents it
    /// references, for their components, are not read for operations).
    pub fn openapi_documents(&self) -> impl Iterator<Item = &Document> {
        self.documents
            .values()
            .filter(|d| d.origin == Origin::Root && d.is_openapi() && self.entry.as_ref().is_none_or(|e| *e == d.path))
    }

    /// What the loader left out or read leniently (see [`RootBuilder::dir`]).
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// The absolute URI of `location`.
    pub fn uri_of(&self, location: &Location) -> String {
        let base = self.documents.get(&location.file).map_or(location.file.as_str(), |d| d.uri.as_str());
        format!("{base}#{}", crate::location::pointer_fragment(&location.pointer))
    }

    /// How a person should see an absolute schema URI: the file and pointer
    /// it lands on (`schemas/x/y.json#/a`, also for URIs built on an `$id`),
    /// or the URI itself when it is not in the root.
    pub fn display_uri(&self, uri: &str) -> String {
        let (doc, fragment) = uri.split_once('#').unwrap_or((uri, ""));
        if let Some(d) = self.by_uri.get(doc).and_then(|k| self.documents.get(k)) {
            let pointer = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            return if pointer.is_empty() { d.shown.clone() } else { format!("{}#{pointer}", d.shown) };
        }
        match self.locate_uri(uri) {
            Some(at) => self.shown(&at),
            None => uri.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confinement_refuses_parent_segments_however_spelt() {
        assert_eq!(confined("a/b.json").as_deref(), Some("a/b.json"));
        for bad in ["../x.json", "a/../../x", "%2e%2e/x.json", "/etc/passwd", ""] {
            assert!(confined(bad).is_none(), "{bad}");
        }
    }
}
