//! A finding of `accord diff`: plain data, rendered elsewhere.

use accord_catalog::Location;
use serde::Serialize;

/// How much a change matters on the wire, to a client or server that
/// honours the old contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; breaks nobody on the wire.
    Info,
    /// May break some users, or cannot be judged.
    Warning,
    /// Breaks clients or consumers that honour the old contract.
    Breaking,
}

impl Severity {
    /// `breaking`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

/// The level at which a change breaks (buf's categories, for a contract
/// Accord also generates code from). Each level includes the ones above it:
/// a `wire` break also breaks the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Breaks neither: documentation, annotations, or changes every reader copes with.
    None,
    /// Breaks the Rust that `accord-codegen` generates from the contract (a
    /// type, field or variant renamed, removed or changed; a closed enum that
    /// rejects a new value; an operation descriptor changed), not the wire.
    Source,
    /// Breaks the wire: a message that was valid is now rejected, or a reader
    /// that follows the old contract can now be surprised.
    Wire,
}

impl Level {
    /// `wire`, `source` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Source => "source",
            Level::Wire => "wire",
        }
    }
}

/// A difference in the generated Rust that a change causes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedChange {
    /// The item, as a Rust path in the generated code (`dstore::OrderStatus`).
    pub item: String,
    /// What changed, in plain words.
    pub change: String,
    /// Whether code built on the old generation can break.
    pub breaking: bool,
}

/// How often recorded traffic used what a change touches (`--captures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Exchanges routed to the change's operation (under the old version).
    pub operation: u64,
    /// Exchanges that carried what the change touches (the field, the enum
    /// value, the parameter, the status...); the operation's count when the
    /// change touches the whole operation.
    pub touched: u64,
    /// What was counted, for people (`response 200 application/json /status`).
    pub what: String,
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
    /// How much it matters on the wire.
    pub severity: Severity,
    /// The level at which it breaks (see [`Level`]): computed from the
    /// generated code when both versions generate, else the rule's.
    pub level: Level,
    /// Under an operation or schema the old version marks
    /// `x-accord-stability: experimental`: reported, never failing a run.
    pub experimental: bool,
    /// The differences in the generated Rust this change causes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub generated: Vec<GeneratedChange>,
    /// With `--captures`: how often the traffic used what it touches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
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

impl Change {
    /// Where it is in the old and the new version, as document keys and JSON pointers.
    pub fn at(&self) -> &(Option<Location>, Option<Location>) {
        &self.at
    }
}
