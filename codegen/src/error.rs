//! The generator's one error type: what went wrong, in which file, at which
//! JSON pointer.

use std::path::PathBuf;

/// Why generation failed, with the schema file and JSON pointer when known.
///
/// `Debug` prints the same readable message as `Display`, so a `build.rs`
/// whose `main` returns this error with `?` fails with the message, not a
/// struct dump.
#[derive(thiserror::Error)]
#[error("{}{}", location(.file, .pointer), .kind)]
pub struct Error {
    /// The schema file, relative to the schema directory.
    pub file: Option<String>,
    /// JSON pointer of the offending schema inside `file`.
    pub pointer: Option<String>,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

fn location(file: &Option<String>, pointer: &Option<String>) -> String {
    match (file, pointer) {
        (Some(f), Some(p)) => format!("{f}#{p}: "),
        (Some(f), None) => format!("{f}: "),
        _ => String::new(),
    }
}

/// The kinds of generation failure.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A file or directory could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A schema file is not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// A `$ref` names a file or pointer that does not exist.
    #[error("`$ref` {0} points at nothing")]
    DanglingRef(String),
    /// A `$ref` would leave the schema directory, or is a network address.
    #[error("`$ref` {0} reaches outside the schema directory; only files under it are read")]
    RefOutsideRoot(String),
    /// A keyword has a value of the wrong kind (`"type": "strng"`, `"required": 3`).
    #[error("invalid `{keyword}`: {message}")]
    InvalidKeyword {
        /// The keyword.
        keyword: String,
        /// What is wrong with it.
        message: String,
    },
    /// A `pattern` the generated code could not compile.
    #[error(
        "`pattern` {pattern:?} is not a regular expression the generated code can run (ECMA-262, as the validator reads it): {message}"
    )]
    Pattern {
        /// The pattern.
        pattern: String,
        /// The regex error.
        message: String,
    },
    /// Two schemas would become the same Rust item.
    #[error("{name} would be generated twice in module `{module}`: here and at {other}; rename one of the $defs")]
    NameClash {
        /// The Rust name.
        name: String,
        /// The module (`crate` for the top level).
        module: String,
        /// The other schema's file#pointer.
        other: String,
    },
    /// A schema nests `$ref`s into itself without ever reaching a type.
    #[error("`$ref` cycle with no type in between: {0}")]
    RefCycle(String),
    /// The schema root could not be read (see `accord-catalog`).
    #[error("{0}")]
    Catalog(Box<accord_catalog::CatalogError>),
    /// The generated source did not parse (a bug in the generator).
    #[error("the generated source does not parse: {0}")]
    Emit(String),
}

impl Error {
    /// An error at `file#pointer`.
    pub fn at(file: &str, pointer: &str, kind: ErrorKind) -> Self {
        Error { file: Some(file.to_string()), pointer: Some(pointer.to_string()), kind }
    }

    /// An error not tied to a schema location.
    pub fn bare(kind: ErrorKind) -> Self {
        Error { file: None, pointer: None, kind }
    }

    /// An error about `keyword` at `file#pointer`.
    pub fn keyword(file: &str, pointer: &str, keyword: &str, message: impl Into<String>) -> Self {
        Self::at(file, pointer, ErrorKind::InvalidKeyword { keyword: keyword.to_string(), message: message.into() })
    }
}
