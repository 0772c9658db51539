//! Errors for inputs the validator cannot use at all. Findings in payloads are
//! [`crate::Diagnostic`]s, never errors.

use thiserror::Error;

pub use accord_catalog::CatalogError;

/// An input that cannot be read at all.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The input as named on the command line.
    pub path: String,
    /// Why it cannot be read.
    pub message: String,
}
