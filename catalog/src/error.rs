//! The one error type of the catalog: a schema root that cannot be loaded,
//! resolved or read as OpenAPI. Each names the file, and where it can, the
//! JSON pointer and the reference.

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
    /// A document is larger than the catalog accepts.
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
    /// A `$ref` resolves to a document of the root, but to nothing in it.
    #[error("{from}: $ref `{reference}` does not resolve to a schema in the schema root{}", show_detail(.detail))]
    DanglingRef {
        /// The document (and pointer) holding the reference.
        from: String,
        /// The reference.
        reference: String,
        /// What the resolver said, when it said more.
        detail: Option<String>,
    },
    /// A `$ref` resolves outside the schema root (another host, a file
    /// outside the root folder) and no `--resolve`/`--map` serves it.
    #[error(
        "{from}: $ref `{reference}` resolves to {uri}, outside the schema root; nothing is fetched (serve it with --resolve FILE or --map PREFIX=DIR)"
    )]
    OutsideRoot {
        /// The document (and pointer) holding the reference.
        from: String,
        /// The reference as written.
        reference: String,
        /// The absolute URI it resolves to.
        uri: String,
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
    /// A `--map` or `--resolve` argument is unusable.
    #[error("{argument}: {message}")]
    Argument {
        /// The argument as given.
        argument: String,
        /// What is wrong.
        message: String,
    },
    /// A schema does not compile (raised by readers of the catalog, such as the validator).
    #[error("{location}: schema does not compile: {message}")]
    Compile {
        /// Schema file and pointer.
        location: String,
        /// The compiler's message.
        message: String,
    },
}

fn show_detail(detail: &Option<String>) -> String {
    detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
}
