//! A finding of `accord diff`: plain data, rendered elsewhere.

use accord_catalog::Location;
use serde::Serialize;

/// How much a change matters to the API's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; breaks nobody.
    Info,
    /// May break some users, or cannot be judged.
    Warning,
    /// Breaks clients or consumers that honour the old contract.
    Breaking,
}

impl Level {
    /// `breaking`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// Where a change is in one version: the file, the JSON pointer, and (when
/// the text could be read) the 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file, as the user named the version's root plus the path in it.
    pub file: String,
    /// The JSON pointer in that file.
    pub pointer: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Stable rule id (see [`crate::registry::RULES`]).
    pub rule: &'static str,
    /// How much it matters.
    pub level: Level,
    /// What changed, in plain words.
    pub message: String,
    /// The operation (`GET /pets`), when the change is in one.
    pub operation: Option<String>,
    /// Where it is in the old version.
    pub old: Option<Place>,
    /// Where it is in the new version.
    pub new: Option<Place>,
    /// The locations before they are placed in text (internal).
    #[serde(skip)]
    pub(crate) at: (Option<Location>, Option<Location>),
}
