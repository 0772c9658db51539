//! Accord's one reader of the contract.
//!
//! The generator, the validator and `accord diff` all read schemas through
//! this crate, so they see the same documents, the same resolved references
//! and the same operations:
//!
//! * [`RootBuilder`] loads a schema root (a folder, one file, or an embedded
//!   copy; JSON or YAML) plus extra documents served without a network
//!   (`--resolve PATH`, `--map URI-PREFIX=DIR`);
//! * [`SchemaRoot::resolve`] resolves references exactly as the JSON Schema
//!   drafts specify, with the `referencing` crate jsonschema itself uses, and
//!   confines them by where they land, never by how they are spelt;
//! * [`openapi::read`] turns the OpenAPI documents among them into one
//!   operation model.
//!
//! ```
//! use accord_catalog::{Location, RootBuilder};
//! use serde_json::json;
//!
//! let root = RootBuilder::new()
//!     .values([("s.json".to_string(), json!({
//!         "$id": "https://example.com/s.json",
//!         "$defs": {"Id": {"$anchor": "id", "type": "string"}},
//!         "properties": {"id": {"$ref": "#id"}}
//!     }))], "example")
//!     .unwrap();
//! let from = Location::document("s.json").join("properties").join("id");
//! assert_eq!(root.resolve(&from, "#id").unwrap().display(), "s.json#/$defs/Id");
//! ```

mod error;
mod location;
pub mod openapi;
pub mod reach;
mod resolve;
mod root;
pub mod rules;
mod source;
pub mod text;

pub use error::CatalogError;
pub use location::{Location, escape, pointer_fragment};
pub use referencing::Draft;
pub use root::{BASE_URI, LoadWarning, RootBuilder, SchemaRoot};
pub use source::{Document, MAX_DOCUMENT_BYTES, Origin, is_openapi, parse};
