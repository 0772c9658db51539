//! Accord's integration tests: one binary, one module per concern.

mod captures;
mod codegen;
mod fast_path;
mod fixtures;
mod generated_types;
mod properties;
mod report_schema;
mod schemas;

use accord_validator::contract::Catalog;
use std::sync::OnceLock;

/// The built-in catalog, loaded once.
pub fn catalog() -> std::sync::Arc<Catalog> {
    static CATALOG: OnceLock<std::sync::Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| std::sync::Arc::new(Catalog::builtin().expect("built-in catalog loads"))).clone()
}
