//! The result of a run: counts plus every diagnostic, in a stable order.

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
    /// What capture rules need from each exchange, in input order (judged at the end of a run).
    #[serde(skip)]
    pub facts: Vec<crate::validate::capture_rules::Fact>,
    /// Requests routed by path alone to a host no server lists, by the
    /// message of their warning (see [`Report::merge_host_warnings`]).
    #[serde(skip)]
    pub unlisted_hosts: std::collections::BTreeMap<String, usize>,
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
        self.facts.extend(other.facts);
        for (message, n) in other.unlisted_hosts {
            *self.unlisted_hosts.entry(message).or_default() += n;
        }
    }

    /// Keeps one `server` warning per unlisted host, the first in report
    /// order, and counts the ones dropped. Safe to call on partial reports
    /// (before merging them) and again on the merged one.
    pub fn merge_host_warnings(&mut self) {
        let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut keep = vec![true; self.diagnostics.len()];
        for (i, d) in self.diagnostics.iter().enumerate().filter(|(_, d)| d.code == "server") {
            let dropped = match first.get(&d.message) {
                Some(&j) if self.diagnostics[j].sort_key() <= d.sort_key() => i,
                Some(&j) => {
                    first.insert(d.message.clone(), i);
                    j
                }
                None => {
                    first.insert(d.message.clone(), i);
                    continue;
                }
            };
            keep[dropped] = false;
            *self.unlisted_hosts.entry(d.message.clone()).or_default() += 1;
        }
        let dropped = keep.iter().filter(|k| !**k).count();
        let mut it = keep.iter();
        self.diagnostics.retain(|_| *it.next().unwrap_or(&true));
        self.summary.warnings -= dropped.min(self.summary.warnings);
    }

    /// Ends [`Report::merge_host_warnings`]: the one warning kept per host
    /// says how many requests went there.
    pub fn finish_host_warnings(&mut self) {
        self.merge_host_warnings();
        for d in self.diagnostics.iter_mut().filter(|d| d.code == "server") {
            let n = 1 + self.unlisted_hosts.get(&d.message).copied().unwrap_or(0);
            let requests = if n == 1 { "1 request".to_string() } else { format!("{n} requests") };
            d.message = format!("{} ({requests} in this run)", d.message);
        }
        self.unlisted_hosts.clear();
    }

    /// Judges the capture rules over every exchange read (see
    /// [`crate::validate::capture_rules`]); an exchange that breaks one is
    /// counted invalid. The facts are consumed.
    pub fn judge_captures(&mut self) {
        let facts = std::mem::take(&mut self.facts);
        for d in crate::validate::capture_rules::judge(&facts) {
            let already = self.diagnostics.iter().any(|x| {
                x.severity == Severity::Error && x.file == d.file && x.entry == d.entry && x.direction == d.direction
            });
            if !already {
                self.summary.valid = self.summary.valid.saturating_sub(1);
                self.summary.invalid += 1;
                for c in self
                    .cases
                    .iter_mut()
                    .filter(|c| c.file == d.file && c.entry == d.entry && c.direction == d.direction)
                {
                    c.valid = false;
                }
            }
            self.extend([d]);
        }
    }

    /// Puts diagnostics in their stable order.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        self.unreadable.sort();
        self.cases.sort();
    }

    /// Drops what `limit` leaves out (in sort order), counting it in `summary.omitted`.
    ///
    /// Applying it to each file's report and again to the merged report keeps
    /// the same diagnostics as applying it once at the end (a file's first N
    /// errors include every error of that file that can be among the first N
    /// overall), so memory stays bounded on runs with many errors.
    pub fn limit(&mut self, limit: Limit) {
        if limit.is_unlimited() {
            return;
        }
        self.diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        let before = self.diagnostics.len();
        let mut errors = 0;
        let cap = limit.max_errors.unwrap_or(usize::MAX);
        self.diagnostics.retain(|d| {
            if errors >= cap {
                return false;
            }
            if d.severity == Severity::Error {
                errors += 1;
                true
            } else {
                !limit.errors_only
            }
        });
        self.summary.omitted += before - self.diagnostics.len();
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(severities: &[(&str, Severity)]) -> Report {
        let mut r = Report::default();
        r.extend(severities.iter().map(|(f, s)| Diagnostic::new(*s, "type", "m", *f)));
        r
    }

    #[test]
    fn limit_keeps_the_first_errors_and_counts_the_rest() {
        use Severity::*;
        let mut r = report(&[("a", Error), ("a", Note), ("b", Error), ("c", Warning), ("c", Error)]);
        r.limit(Limit { errors_only: false, max_errors: Some(2) });
        let kept: Vec<(&str, Severity)> = r.diagnostics.iter().map(|d| (d.file.as_str(), d.severity)).collect();
        assert_eq!(kept, [("a", Error), ("a", Note), ("b", Error)]);
        assert_eq!((r.summary.errors, r.summary.omitted), (3, 2));

        let mut r = report(&[("a", Error), ("a", Note), ("b", Warning)]);
        r.limit(Limit { errors_only: true, max_errors: None });
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!((r.summary.warnings, r.summary.omitted), (1, 2));
    }

    #[test]
    fn limiting_per_file_then_overall_equals_limiting_once() {
        use Severity::*;
        let all = [("a", Error), ("a", Error), ("a", Note), ("b", Error), ("b", Error), ("c", Error)];
        let limit = Limit { errors_only: false, max_errors: Some(3) };
        let mut once = report(&all);
        once.limit(limit);
        let mut merged = Report::default();
        for file in ["c", "a", "b"] {
            let mut part = report(&all.iter().copied().filter(|(f, _)| *f == file).collect::<Vec<_>>());
            part.limit(limit);
            merged.merge(part);
        }
        merged.limit(limit);
        assert_eq!(merged.diagnostics, once.diagnostics);
        assert_eq!(merged.summary, once.summary);
    }
}
