//! Accord's integration tests: one binary, one module per concern.

mod captures;
mod codegen;
mod fast_path;
mod fixtures;
mod generated_types;
mod properties;
mod report_schema;
mod schemas;

use accord_validator::catalog::Catalog;
use std::sync::OnceLock;

/// The built-in catalog, loaded once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().expect("built-in catalog loads"))
}
