//! `accord diff`: the changes between two versions of a contract, each with a
//! stable rule id, a severity on the wire (breaking, warning, info), the level
//! at which it breaks (`wire`, `source`: the Rust `accord-codegen` generates,
//! or `none`), a message, and its place in both versions.
//!
//! Both versions are read by `accord-catalog`, exactly as `accord check` and
//! the generator read them: `$ref`s are resolved, so moving a schema into
//! `components` or another file changes nothing. Operations are matched by
//! method and path template (a renamed path parameter is the same path);
//! webhooks by name and method.
//!
//! ```
//! use accord_catalog::RootBuilder;
//! use accord_diff::{Contract, diff};
//! use serde_json::json;
//!
//! let version = |max: u64| {
//!     let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/pets": {"post": {
//!         "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
//!             "properties": {"name": {"type": "string", "maxLength": max}}}}}},
//!         "responses": {"201": {"description": "created"}}}}}});
//!     Contract::new(RootBuilder::new().values([("openapi.json".to_string(), doc)], "v").unwrap()).unwrap()
//! };
//! let changes = diff(&version(64), &version(32));
//! assert_eq!(changes[0].rule, "request-property-max-length-decreased");
//! assert_eq!(changes[0].severity, accord_diff::Severity::Breaking);
//! assert_eq!(changes[0].level, accord_diff::Level::Wire);
//! ```

mod change;
pub mod ignore;
mod keywords;
mod operations;
mod place;
pub mod registry;
pub mod schema;
pub mod source;
pub mod stability;

pub use change::{Change, GeneratedChange, Level, Place, Severity, Usage};

use accord_catalog::openapi::Operation;
use accord_catalog::{CatalogError, Location, SchemaRoot};

/// One version of a contract: its schema root and operations.
#[derive(Debug)]
pub struct Contract {
    /// The documents and their resolver.
    pub root: SchemaRoot,
    /// The operations of its OpenAPI documents.
    pub operations: Vec<Operation>,
    /// How to name its files in findings (e.g. `main:schemas`); the root's label when `None`.
    pub label: Option<String>,
}

impl Contract {
    /// Reads the operations of `root`.
    pub fn new(root: SchemaRoot) -> Result<Self, CatalogError> {
        let operations = accord_catalog::openapi::read(&root)?;
        Ok(Contract { root, operations, label: None })
    }
}

/// How findings name an operation: `METHOD /path`, or `webhook NAME METHOD`.
pub fn operation_label(op: &Operation) -> String {
    operations::label(op)
}

/// Collects findings; the one place rule ids become changes.
#[derive(Debug, Default)]
pub struct Emit {
    changes: Vec<Change>,
    operation: Option<String>,
}

impl Emit {
    /// Records a change of rule `id` (which must be in [`registry::rules`]).
    pub fn push(&mut self, id: &str, message: String, old: Option<Location>, new: Option<Location>) {
        let Some(rule) = registry::rule(id) else {
            debug_assert!(false, "unknown rule id {id}");
            return;
        };
        self.changes.push(Change {
            rule: rule.id.as_str(),
            severity: rule.severity,
            level: rule.level,
            experimental: false,
            generated: Vec::new(),
            usage: None,
            message,
            operation: self.operation.clone(),
            old: None,
            new: None,
            at: (old, new),
        });
    }
}

/// Every change from `old` to `new`, in a stable order (by operation, then
/// rule, then place), each placed in both versions' text, with its rule's
/// level (see [`source::apply`] for the level computed from the generated
/// code) and marked when the old version's `x-accord-stability:
/// experimental` exempts it.
pub fn diff(old: &Contract, new: &Contract) -> Vec<Change> {
    let mut emit = Emit::default();
    operations::compare(old, new, &mut emit);
    stability::compare(old, new, &mut emit);
    let mut changes = emit.changes;
    place::place_all(old, new, &mut changes);
    changes.sort_by(|a, b| {
        (&a.operation, a.rule, &a.new.as_ref().map(|p| &p.pointer), &a.message).cmp(&(
            &b.operation,
            b.rule,
            &b.new.as_ref().map(|p| &p.pointer),
            &b.message,
        ))
    });
    changes.dedup_by(|a, b| a.rule == b.rule && a.message == b.message && a.operation == b.operation);
    stability::exempt(old, &mut changes);
    changes
}
