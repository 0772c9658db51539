//! Build-time generator: JSON Schemas (draft-04 to 2020-12, by `$schema`)
//! and OpenAPI 3.x catalogs to Rust types whose `Deserialize` accepts a
//! payload exactly when the schema does. Schemas are read through
//! `accord-catalog`, so references resolve exactly as the `accord` validator
//! resolves them.
//!
//! Call it from a `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     accord_codegen::Generator::new()
//!         .schema_dir("schemas") // every .json/.yaml under it; subfolders become modules
//!         .generate_to_out_dir("types.rs")?;
//!     Ok(())
//! }
//! // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/types.rs"));
//! ```
//!
//! or get the source as a string:
//!
//! ```
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
//! let source = accord_codegen::Generator::new().schema_dir(&dir).extra_derive("Eq").generate_string().unwrap();
//! assert!(source.contains("pub struct InquireOrderDetailResponse"));
//! ```
//!
//! # What the generated code needs
//!
//! A crate that includes the output depends on exactly these, beside `std`:
//!
//! ```toml
//! serde = { version = "1", features = ["derive"] }
//! serde_json = { version = "1", features = ["raw_value"] }
//! schemars = "1"
//! fancy-regex = "0.20"
//! ```
//!
//! Schemas or operations with `x-accord-rules` also need `accord-rules` (the
//! CEL evaluator the validator uses), for the `rules_N` checks and the
//! operations' `check_exchange`.
//!
//! It needs Rust 1.85 or newer (`LazyLock`, `Option::is_none_or`).
//!
//! # The mapping
//!
//! Stages are kept apart: `accord-catalog` reads the documents and resolves
//! `$ref`s (by `$id`, `$anchor`, relative and absolute URIs; extra documents
//! through [`Generator::resolve`] and [`Generator::map`]); `convert` builds a
//! type model; `emit` turns the model into tokens (quote, proc-macro2, syn),
//! formatted with prettyplease.
//!
//! * Each file directly in the schema directory emits at the top level; each
//!   subfolder becomes a module (`dstore/common.schema.json` → `dstore::`).
//!   A `$defs` entry `X` becomes type `X` (UpperCamelCase). Two `$defs` that
//!   would share a name in one module are an error naming both; a name made
//!   up for an inline schema (`<Parent><Property>`) that is taken gets a
//!   number (`Name2`), in a fixed order.
//! * `type` objects with `properties` become structs: `required` fields are
//!   plain, others `Option` (skipped when `None`); a nullable optional field
//!   is `Option<Option<T>>`, so absent and `null` stay apart.
//!   `additionalProperties: false` rejects unknown fields; otherwise they are
//!   kept in `additional_properties` so values serialize back unchanged.
//! * Identical inline schemas (same text, same document) are one type.
//! * `$ref` (within a file, across files, by `$id` or `$anchor`), `$defs` and
//!   `definitions`, `allOf` (merged),
//!   `items`, `enum` (string enums become Rust enums; integer enums checked
//!   newtypes), `const` (a unit type), `["T", "null"]` (`Option<T>`).
//! * `minLength`/`maxLength`/`pattern`/`format` (`date-time`, `date`,
//!   `time`, `uuid`, `uri`) and numeric bounds become newtypes checked in
//!   `new`/`TryFrom` and in `Deserialize`.
//! * `anyOf`/`oneOf` become enums: dispatched on a `const` property every
//!   variant requires (tagged), else by trying each variant (`anyOf`: the
//!   first that fits; `oneOf`: exactly one must fit).
//! * `if`/`then`/`else` whose branches are types becomes an enum the `if`
//!   chooses between; other `if`/`then`/`else`, `not`, `dependentRequired`,
//!   `dependentSchemas`, `min`/`maxProperties`, `propertyNames`,
//!   `patternProperties` and `x-accord-maxSerializedLength` become checks run
//!   after a struct is read (their error messages use the schema's
//!   `x-accord-message`), and so do `unevaluatedProperties` (the properties
//!   the schema evaluates are computed on the value, through the in-place
//!   applicators that hold), draft-07's `dependencies` and tuple
//!   `items`/`additionalItems`. A schema the type model cannot express
//!   (several types, array constraints, ...) becomes a checked
//!   `serde_json::Value`.
//! * `pattern` is ECMA-262: translated by jsonschema's own translator and run
//!   by fancy-regex, as the validator runs it.
//! * `type: integer` is `i64`, read as JSON Schema reads integers: `1.0` is 1.
//! * `format` follows the validator's one policy for the schema root: a
//!   catalog (a root holding OpenAPI documents) asserts the formats the
//!   generated code knows, as `accord check` does; plain JSON Schema asserts
//!   as its dialect says (up to draft-07; not in 2019-09 and 2020-12);
//!   [`Generator::assert_formats`] overrides both. In a catalog, OpenAPI's
//!   `int32` on an integer is an `i32`, `float` a range check (`int64` is the
//!   `i64` an integer already is), and `byte` is base64.
//! * `x-accord-type: decimal` becomes an exact decimal kept as written
//!   (`"19.99"` and `12345678901234567.89` serialize back digit for digit);
//!   `x-accord-knownValues` on a string becomes an open enum with an
//!   `Other(String)` variant.
//! * `x-accord-sensitive` on a field makes its type a newtype whose `Debug`
//!   prints `<redacted>` and which has no `Display`, so logs do not leak it.
//! * The OpenAPI documents give an `operations` module: an `Operation` trait
//!   (id, method, path, request type, per-status response enum) and one type
//!   per operation.
//!
//! ## The public API, read back
//!
//! [`api`] reads the public API of generated code back with `syn` (types,
//! fields and their types, variants, open or closed enums, derives and trait
//! impls, public functions, the operation descriptors) and compares two
//! generations; [`Generator::api_of_root`] gives it without formatting the
//! source. `accord diff` uses it for its `source` level: whether a contract
//! change breaks the Rust a consumer generated.
//!
//! ## Validator only
//!
//! Not enforced by the generated types (the `accord` validator enforces them):
//! asserted `format`s other than the five above; `$dynamicRef`,
//! `$recursiveRef`, `unevaluatedItems`, properties evaluated through a
//! dynamic reference, the vocabularies of a custom meta-schema, and
//! `x-accord-knownValues` (warnings only, by design).
//! [`Generated::validator_only`] lists every occurrence in a run. Integers
//! beyond the `i64` range are rejected (JSON Schema allows them). Generated
//! types read JSON through `serde_json` (`from_str`, `from_slice`,
//! `from_reader`, `from_value`); unions, conditionals and decimals rely on
//! its raw values.

pub mod api;
mod convert;
mod emit;
mod error;
mod load;
mod model;
mod name;

pub use error::{Error, ErrorKind};
pub use load::Loc;
pub use model::Unenforced;

use std::path::{Path, PathBuf};

/// Configures and runs a generation.
#[derive(Debug, Clone, Default)]
pub struct Generator {
    root: Option<PathBuf>,
    derives: Vec<String>,
    resolve: Vec<PathBuf>,
    maps: Vec<(String, PathBuf)>,
    assert_formats: Option<bool>,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The formatted Rust source.
    pub source: String,
    /// Every file and directory read (each printed as `cargo:rerun-if-changed`).
    pub files_read: Vec<PathBuf>,
    /// How many Rust types were generated.
    pub types: usize,
    /// How many operation descriptors were generated.
    pub operations: usize,
    /// Keywords the generated code does not enforce, and where.
    pub validator_only: Vec<Unenforced>,
    /// The Rust path (from the generated file's top) of the type generated for
    /// each whole schema document, by document (`["shop/pet.schema.json", "shop::Pet"]`).
    /// A document that says nothing about its instance (`{}`, `true`) has none.
    pub root_types: Vec<(String, String)>,
}

impl Generator {
    /// A generator with no schema directory yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The schema root: a folder, whose `*.json`, `*.yaml` and `*.yml` documents
    /// (schemas, and OpenAPI documents: any file with a top-level `openapi` key)
    /// are all read, subfolders becoming modules; or a single schema file, whose
    /// relative references may reach the files beside it. A second call replaces the first.
    pub fn schema_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.root = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The schema root as one file (the same as [`Generator::schema_dir`] given a file).
    pub fn schema_file(self, file: impl AsRef<Path>) -> Self {
        self.schema_dir(file)
    }

    /// Registers a schema file, or every schema under a folder, by its `$id`, so
    /// references to it resolve without a network (as `accord check --resolve`).
    /// Types are generated for what the root references in it.
    pub fn resolve(mut self, path: impl AsRef<Path>) -> Self {
        self.resolve.push(path.as_ref().to_path_buf());
        self
    }

    /// Serves references under the URI `prefix` from files under `dir` (as
    /// `accord check --map PREFIX=DIR`). Nothing else is ever fetched.
    pub fn map(mut self, prefix: &str, dir: impl AsRef<Path>) -> Self {
        self.maps.push((prefix.to_string(), dir.as_ref().to_path_buf()));
        self
    }

    /// Whether `format` is checked by the generated code. By default it is, in
    /// a catalog (a root holding OpenAPI documents), as `accord check` checks
    /// it; in plain JSON Schema it follows each schema's dialect, as the
    /// validator's generic mode does: asserted up to draft-07, an annotation
    /// in 2019-09 and 2020-12. `true` asserts the
    /// formats the generated code knows (and lists the others in
    /// [`Generated::validator_only`]); `false` never asserts.
    pub fn assert_formats(mut self, assert: bool) -> Self {
        self.assert_formats = Some(assert);
        self
    }

    /// Adds a derive to every generated type (a path such as `"Eq"` or `"::my_crate::Trait"`).
    pub fn extra_derive(mut self, derive: &str) -> Self {
        self.derives.push(derive.to_string());
        self
    }

    /// Runs the generator.
    pub fn generate(&self) -> Result<Generated, Error> {
        let Some(path) = &self.root else {
            return Err(Error::bare(ErrorKind::Emit("no schema directory given (call schema_dir)".into())));
        };
        let mut builder = accord_catalog::RootBuilder::new();
        for r in &self.resolve {
            builder = builder.resolve(r);
        }
        for (prefix, dir) in &self.maps {
            builder = builder.map(prefix.clone(), dir);
        }
        let folder = if path.is_file() { path.parent().unwrap_or(Path::new("")) } else { path.as_path() };
        let set = builder.open(path).map_err(|e| load::load_error(e, folder))?;
        self.generate_root(&set)
    }

    /// Runs the generator on a schema root already read by `accord-catalog`
    /// (as `accord diff` holds both versions of a contract). The schema
    /// directory, [`Generator::resolve`] and [`Generator::map`] are not used.
    pub fn generate_root(&self, set: &accord_catalog::SchemaRoot) -> Result<Generated, Error> {
        let space = convert::Converter::convert(set, self.assert_formats)?;
        let emitter = emit::Emitter::new(&space, &self.derives)?;
        let source = emit::format(emitter.tokens())?;
        let header = "// @generated by accord-codegen from JSON Schemas. Do not edit: change the schemas.\n\n";
        let mut validator_only = space.validator_only.clone();
        validator_only.sort();
        let root_types = space
            .roots
            .iter()
            .map(|(file, id)| {
                let t = &space.types[*id];
                let path: Vec<&str> = t.module.iter().map(String::as_str).chain([t.name.as_str()]).collect();
                (file.clone(), path.join("::"))
            })
            .collect();
        Ok(Generated {
            root_types,
            source: format!("{header}{source}"),
            files_read: set.files_read().to_vec(),
            types: space.types.len(),
            operations: space.operations.len(),
            validator_only,
        })
    }

    /// The public API of the code [`Generator::generate_root`] would write for
    /// `set`, read from the generated tokens without formatting them (what
    /// `accord diff` compares between two versions).
    pub fn api_of_root(&self, set: &accord_catalog::SchemaRoot) -> Result<api::Api, Error> {
        let space = convert::Converter::convert(set, self.assert_formats)?;
        let emitter = emit::Emitter::new(&space, &self.derives)?;
        let file: syn::File = syn::parse2(emitter.tokens())
            .map_err(|e| Error::bare(ErrorKind::Emit(format!("the generated code does not parse: {e}"))))?;
        Ok(api::Api::of_file(&file))
    }

    /// The generated source as a string.
    pub fn generate_string(&self) -> Result<String, Error> {
        Ok(self.generate()?.source)
    }

    /// Writes the source to `path` (only if it changed, to spare rebuilds).
    pub fn generate_to_file(&self, path: impl AsRef<Path>) -> Result<Generated, Error> {
        let generated = self.generate()?;
        let path = path.as_ref();
        let io = |source| Error::bare(ErrorKind::Io { action: "cannot write", path: path.to_path_buf(), source });
        if std::fs::read_to_string(path).ok().as_deref() != Some(generated.source.as_str()) {
            std::fs::write(path, &generated.source).map_err(io)?;
        }
        Ok(generated)
    }

    /// For `build.rs`: writes `$OUT_DIR/<file_name>` and prints
    /// `cargo:rerun-if-changed` for every file and directory read.
    pub fn generate_to_out_dir(&self, file_name: &str) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR")
            .ok_or_else(|| Error::bare(ErrorKind::Emit("OUT_DIR is not set: call this from a build script".into())))?;
        let path = Path::new(&out_dir).join(file_name);
        let generated = self.generate_to_file(&path)?;
        for f in &generated.files_read {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        Ok(path)
    }
}
