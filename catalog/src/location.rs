//! A place in the schema root: a document and a JSON pointer into it.

use std::fmt;

/// A place in the schema root: a document key (a path relative to the root,
/// `/`-separated, or the absolute URI of a document served by `--resolve` or
/// `--map`) and a JSON pointer inside it (`""` for the document itself).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The document key.
    pub file: String,
    /// JSON pointer inside the document.
    pub pointer: String,
}

impl Location {
    /// The root of document `file`.
    pub fn document(file: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: String::new() }
    }

    /// The location of `child` (a key or index) under this one.
    pub fn join(&self, child: &str) -> Location {
        Location { file: self.file.clone(), pointer: format!("{}/{}", self.pointer, escape(child)) }
    }

    /// `file#pointer`.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Characters that must be percent-encoded in a URI fragment.
pub(crate) const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'%')
    .add(b'[')
    .add(b']')
    .add(b'#');

/// Characters of a relative path that must be percent-encoded in a URI:
/// those of a fragment, and `?`.
pub(crate) const PATH: &percent_encoding::AsciiSet = &FRAGMENT.add(b'?');

/// A JSON pointer written as a URI fragment (percent-encoded).
pub fn pointer_fragment(pointer: &str) -> String {
    percent_encoding::utf8_percent_encode(pointer, FRAGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_escape_and_fragments_encode() {
        let loc = Location::document("a/x.json").join("$defs").join("a/b~c");
        assert_eq!(loc.display(), "a/x.json#/$defs/a~1b~0c");
        assert_eq!(pointer_fragment("/$defs/B %"), "/$defs/B%20%25");
    }
}
