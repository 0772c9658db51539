//! Errors for contracts the engine cannot use at all. Findings in traffic
//! are [`crate::Diagnostic`]s, never errors; inputs that cannot be read are
//! findings too (code `io`), counted in [`crate::run::Ended::unreadable`].

pub use accord_catalog::CatalogError;
