//! The result of a run: counts plus every diagnostic, in a stable order.

use super::{Diagnostic, Severity};
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
    /// Exchanges that matched no operation.
    pub unrouted: usize,
    /// Diagnostics of severity error.
    pub errors: usize,
    /// Diagnostics of severity warning.
    pub warnings: usize,
}

impl Summary {
    /// Adds another summary's counts to this one.
    pub fn merge(&mut self, other: &Summary) {
        self.files += other.files;
        self.exchanges += other.exchanges;
        self.payloads += other.payloads;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.unrouted += other.unrouted;
        self.errors += other.errors;
        self.warnings += other.warnings;
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
    }

    /// Puts diagnostics in their stable order.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        self.unreadable.sort();
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
