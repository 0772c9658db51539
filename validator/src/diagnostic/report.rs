//! A whole run in memory (counts plus every diagnostic), and the counts and
//! limits every run has. A run streams its findings to a sink; a [`Report`]
//! is the sink that keeps them all.

use super::{Case, Diagnostic, Severity};
use serde::Serialize;

/// Counts shown at the end of every report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Input files read (including unreadable ones).
    pub files: usize,
    /// Exchanges (HAR entries, NDJSON lines, envelopes) seen.
    pub exchanges: usize,
    /// Messages (request or response bodies and their parameters) checked.
    pub payloads: usize,
    /// Checked messages without errors.
    pub valid: usize,
    /// Checked messages with at least one error.
    pub invalid: usize,
    /// Messages without errors of which a part could not be checked (no
    /// schema, unsupported media type, mutual TLS): never counted as valid.
    pub unchecked: usize,
    /// Exchanges that matched no operation.
    pub unrouted: usize,
    /// Diagnostics of severity error.
    pub errors: usize,
    /// Diagnostics of severity warning.
    pub warnings: usize,
    /// Diagnostics found but left out of the report (`--quiet`, `--max-errors`).
    pub omitted: usize,
}

impl Summary {
    /// Adds another summary's counts to this one.
    pub fn merge(&mut self, other: &Summary) {
        self.files += other.files;
        self.exchanges += other.exchanges;
        self.payloads += other.payloads;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.unchecked += other.unchecked;
        self.unrouted += other.unrouted;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.omitted += other.omitted;
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Counts.
    pub summary: Summary,
    /// Findings, sorted by file, entry, direction and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Inputs that could not be read at all (the binary exits 2 when non-empty).
    #[serde(skip)]
    pub unreadable: Vec<String>,
    /// Every message checked, valid or not (test cases for JUnit).
    #[serde(skip)]
    pub cases: Vec<Case>,
}

/// Which diagnostics a report keeps. Counts in the summary always cover
/// everything found; what is left out is counted in `omitted`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limit {
    /// Keep errors only (drop warnings and notes).
    pub errors_only: bool,
    /// Keep diagnostics up to and including the N-th error, in report order.
    pub max_errors: Option<usize>,
}

impl Limit {
    /// Whether this limit keeps everything.
    pub fn is_unlimited(&self) -> bool {
        !self.errors_only && self.max_errors.is_none()
    }
}

impl Report {
    /// Adds diagnostics, updating the error and warning counts.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Note => {}
            }
            self.diagnostics.push(d);
        }
    }

    /// Merges another report into this one.
    pub fn merge(&mut self, other: Report) {
        self.summary.merge(&other.summary);
        self.diagnostics.extend(other.diagnostics);
        self.unreadable.extend(other.unreadable);
        self.cases.extend(other.cases);
    }

    /// Puts diagnostics in their stable order.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        self.unreadable.sort();
        self.cases.sort();
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
