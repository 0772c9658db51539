//! Errors for inputs the validator cannot use at all. Findings in payloads are
//! [`crate::Diagnostic`]s, never errors.

use thiserror::Error;

/// A schema root that cannot be loaded or compiled.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The schema root is not a directory.
    #[error("{path}: not a directory")]
    NotADirectory {
        /// The path given.
        path: String,
    },
    /// A document is larger than the validator accepts.
    #[error("{path}: {bytes} bytes is larger than the 64 MiB a schema document may have")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        bytes: u64,
    },
    /// A JSON document does not parse.
    #[error("{path}:{line}:{column}: not valid JSON: {message}")]
    Json {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A YAML document does not parse.
    #[error("{path}:{}:{}: not valid YAML: {message}", line.unwrap_or(0), column.unwrap_or(0))]
    Yaml {
        /// The file.
        path: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A `$ref` points at a document that is not in the schema root.
    #[error("{from}: $ref `{reference}` does not resolve to a document in the schema root")]
    DanglingRef {
        /// The document holding the reference.
        from: String,
        /// The reference.
        reference: String,
    },
    /// A `$ref` points outside the schema root (another host, an absolute or parent path).
    #[error("{from}: $ref `{reference}` points outside the schema root; only documents under it are read")]
    OutsideRoot {
        /// The document holding the reference.
        from: String,
        /// The reference.
        reference: String,
    },
    /// A document is structurally wrong.
    #[error("{path}#{pointer}: {message}")]
    Invalid {
        /// The document.
        path: String,
        /// JSON pointer to the offending place.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// Two operations have the same id.
    #[error("operation id `{id}` is declared twice")]
    DuplicateOperation {
        /// The id.
        id: String,
    },
    /// A schema does not compile.
    #[error("{location}: schema does not compile: {message}")]
    Compile {
        /// Schema file and pointer.
        location: String,
        /// The compiler's message.
        message: String,
    },
}

/// An input that cannot be read at all.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The input as named on the command line.
    pub path: String,
    /// Why it cannot be read.
    pub message: String,
}
