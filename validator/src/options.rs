//! What a run is asked to do, in one place: [`CheckOptions`] (what the
//! checker enforces: a forced operation, strictness, test hosts, the fast
//! path) and [`ReadOptions`] (how inputs are read: their kind, plain
//! payloads' direction and status, limits, test cases).

use crate::capture::InputKind;
use crate::diagnostic::{Direction, Limit};

/// What to force or tighten for a run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Check every exchange against this operation instead of routing.
    pub operation: Option<String>,
    /// Make unrouted exchanges errors instead of notes, and never route a
    /// request to a host no server lists by its path alone.
    pub strict: bool,
    /// Base URLs the captures were recorded against (`--server`, a test host
    /// such as `http://localhost:8080`): each stands in for every server of
    /// the catalog, base paths kept.
    pub servers: Vec<String>,
    /// Judge every JSON body on the full path (the fast path off): the same
    /// verdicts and findings, slower; for comparison.
    pub no_fast_path: bool,
    /// Let a schema that does not compile leave the messages it describes
    /// unchecked, with a warning, instead of refusing the whole catalog.
    pub lenient_schemas: bool,
}

/// How inputs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force an input kind instead of detecting it.
    pub kind: Option<InputKind>,
    /// For plain payloads: which message the file is.
    pub direction: Option<Direction>,
    /// For plain response payloads: the status (default 200).
    pub status: Option<u16>,
    /// Which findings reach the sink (`--quiet`, `--max-errors`); the
    /// summary counts everything and says how many were left out.
    pub limit: Limit,
    /// Send every checked message to the sink as a [`crate::diagnostic::Case`]
    /// (what JUnit output needs).
    pub record_cases: bool,
    /// Largest single document (payload, envelope, NDJSON line) read, in
    /// bytes; `None` for [`DEFAULT_MAX_DOCUMENT_BYTES`]. Larger ones are
    /// reported as unreadable without being held in memory.
    pub max_document_bytes: Option<u64>,
}

/// The default limit on one document: 256 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 256 << 20;

impl ReadOptions {
    pub(crate) fn max_document(&self) -> u64 {
        self.max_document_bytes.unwrap_or(DEFAULT_MAX_DOCUMENT_BYTES)
    }
}
