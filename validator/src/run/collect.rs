//! Folding outcomes into a run: counts, capture rules, the one `server`
//! warning per host, the `--quiet`/`--max-errors` limit, and the sink.
//!
//! Both the ordered run over files and a [`super::Session`] fold through
//! here, so a finding is counted, limited and sent the same way everywhere.

use super::sink::Sink;
use crate::diagnostic::{Diagnostic, Direction, Limit, Severity, Summary};
use crate::validate::Outcome;
use crate::validate::rules::capture::{CaptureJudge, Fact};
use std::io;

/// What a reader hands the run, in file order.
#[derive(Debug)]
pub(crate) enum Piece {
    /// One exchange read: its outcome, or the finding that kept it from being checked.
    Exchange(Result<Outcome, Box<Diagnostic>>),
    /// A finding about the input itself (not about an exchange in it).
    Finding(Box<Diagnostic>),
    /// The input cannot be read: its name and why.
    Unreadable(String, String),
}

/// When capture rules are judged.
pub(crate) enum Judging {
    /// As each exchange is folded (the run, which folds in input order).
    Inline(CaptureJudge),
    /// At the end, over the facts kept (a session fed from several threads).
    Deferred(Vec<Fact>),
}

/// The state of a run between its outcomes and its sink.
pub(crate) struct Collector<S> {
    pub(crate) sink: S,
    limit: Limit,
    judging: Judging,
    pub(crate) summary: Summary,
    shown_errors: usize,
    /// The first `server` warning per host (by message) and how many requests went there.
    hosts: Vec<(Diagnostic, usize)>,
    /// Inputs that could not be read at all.
    pub(crate) unreadable: Vec<String>,
    /// Whether an exchange was unrouted because no server allows its host.
    pub(crate) host_refused: bool,
    /// The sink's first error; nothing is sent after it.
    pub(crate) error: Option<io::Error>,
    /// Whether checked messages are sent to the sink ([`Sink::case`]).
    pub(crate) record_cases: bool,
}

impl<S: Sink> Collector<S> {
    pub(crate) fn new(sink: S, limit: Limit, judging: Judging) -> Self {
        Collector {
            sink,
            limit,
            judging,
            summary: Summary::default(),
            shown_errors: 0,
            hosts: Vec::new(),
            unreadable: Vec::new(),
            host_refused: false,
            error: None,
            record_cases: true,
        }
    }

    /// Whether the sink failed (the run should stop).
    pub(crate) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Folds one piece of an input.
    pub(crate) fn piece(&mut self, piece: Piece) {
        match piece {
            Piece::Exchange(Ok(outcome)) => {
                self.summary.exchanges += 1;
                self.outcome(outcome);
            }
            Piece::Exchange(Err(problem)) => {
                self.summary.exchanges += 1;
                self.emit(*problem);
            }
            Piece::Finding(d) => self.emit(*d),
            Piece::Unreadable(name, why) => {
                self.unreadable.push(format!("{name}: {why}"));
                self.emit(Diagnostic::error("io", format!("cannot read this input: {why}"), name));
            }
        }
    }

    /// Folds the outcome of one exchange: counts, capture rules, findings in
    /// position order, then the messages checked.
    pub(crate) fn outcome(&mut self, outcome: Outcome) {
        let Outcome { mut diagnostics, payloads, mut valid, mut invalid, unchecked, unrouted, mut cases, facts } =
            outcome;
        for mut fact in facts {
            let failed = |diagnostics: &[Diagnostic], file: &str, entry: Option<usize>| {
                diagnostics.iter().any(|x| {
                    x.severity == Severity::Error
                        && x.file == file
                        && x.entry == entry
                        && x.direction == Some(Direction::Request)
                })
            };
            match &mut self.judging {
                Judging::Inline(judge) => {
                    let Some(d) = judge.observe(&fact) else { continue };
                    if !failed(&diagnostics, &d.file, d.entry) {
                        valid = valid.saturating_sub(1);
                        invalid += 1;
                        for c in cases.iter_mut().filter(|c| c.direction == d.direction) {
                            c.valid = false;
                        }
                    }
                    diagnostics.push(d);
                }
                Judging::Deferred(facts) => {
                    fact.failed = failed(&diagnostics, &fact.file, fact.entry.map(|e| e as usize));
                    facts.push(fact);
                }
            }
        }
        self.summary.payloads += payloads;
        self.summary.valid += valid;
        self.summary.invalid += invalid;
        self.summary.unchecked += unchecked;
        self.summary.unrouted += unrouted;
        diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        for d in diagnostics {
            self.emit(d);
        }
        for case in cases.into_iter().filter(|_| self.record_cases) {
            if self.error.is_none()
                && let Err(e) = self.sink.case(case)
            {
                self.error = Some(e);
            }
        }
    }

    /// Counts a finding and sends it on, unless the limit leaves it out.
    /// A `server` warning is held: one per host goes out at the end.
    pub(crate) fn emit(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Note => {}
        }
        if d.code == "unrouted" && d.message.contains("servers do not allow") {
            self.host_refused = true;
        }
        if d.code == "server" && d.severity == Severity::Warning {
            match self.hosts.iter_mut().find(|(first, _)| first.message == d.message) {
                Some((_, n)) => {
                    *n += 1;
                    self.summary.warnings -= 1;
                }
                None => self.hosts.push((d, 1)),
            }
            return;
        }
        self.send(d);
    }

    fn send(&mut self, d: Diagnostic) {
        let cap = self.limit.max_errors.unwrap_or(usize::MAX);
        let shown = if self.shown_errors >= cap {
            false
        } else if d.severity == Severity::Error {
            self.shown_errors += 1;
            true
        } else {
            !self.limit.errors_only
        };
        if !shown {
            self.summary.omitted += 1;
            return;
        }
        if self.error.is_none()
            && let Err(e) = self.sink.finding(d)
        {
            self.error = Some(e);
        }
    }

    /// The facts kept for judging at the end (a session's).
    pub(crate) fn take_facts(&mut self) -> Vec<Fact> {
        match &mut self.judging {
            Judging::Deferred(facts) => std::mem::take(facts),
            Judging::Inline(_) => Vec::new(),
        }
    }

    /// Sends the held `server` warnings, each saying how many requests went
    /// to its host.
    pub(crate) fn finish_hosts(&mut self) {
        for (mut d, n) in std::mem::take(&mut self.hosts) {
            let requests = if n == 1 { "1 request".to_string() } else { format!("{n} requests") };
            d.message = format!("{} ({requests} in this run)", d.message);
            self.send(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Report;

    fn folded(findings: &[(&str, Severity)], limit: Limit) -> (Report, Summary) {
        let mut report = Report::default();
        let mut collector = Collector::new(&mut report, limit, Judging::Inline(CaptureJudge::default()));
        for (file, severity) in findings {
            collector.emit(Diagnostic::new(*severity, "type", "m", *file));
        }
        collector.finish_hosts();
        let summary = collector.summary.clone();
        (report, summary)
    }

    #[test]
    fn the_limit_keeps_the_first_errors_and_counts_the_rest() {
        use Severity::*;
        let all = [("a", Error), ("a", Note), ("b", Error), ("c", Warning), ("c", Error)];
        let (r, s) = folded(&all, Limit { errors_only: false, max_errors: Some(2) });
        let kept: Vec<(&str, Severity)> = r.diagnostics.iter().map(|d| (d.file.as_str(), d.severity)).collect();
        assert_eq!(kept, [("a", Error), ("a", Note), ("b", Error)]);
        assert_eq!((s.errors, s.warnings, s.omitted), (3, 1, 2));

        let (r, s) =
            folded(&[("a", Error), ("a", Note), ("b", Warning)], Limit { errors_only: true, max_errors: None });
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!((s.warnings, s.omitted), (1, 2));
    }

    #[test]
    fn one_server_warning_per_host_goes_out_at_the_end_with_its_count() {
        let mut report = Report::default();
        let mut collector = Collector::new(&mut report, Limit::default(), Judging::Inline(CaptureJudge::default()));
        for (entry, host) in [(0, "a"), (1, "b"), (2, "a"), (3, "a")] {
            let d = Diagnostic::new(Severity::Warning, "server", format!("host {host}"), "f").with_entry(Some(entry));
            collector.emit(d);
            collector.emit(Diagnostic::error("type", "m", "f").with_entry(Some(entry)));
        }
        collector.finish_hosts();
        assert_eq!(collector.summary.warnings, 2);
        let shown: Vec<(&str, Option<usize>)> =
            report.diagnostics.iter().map(|d| (d.message.as_str(), d.entry)).collect();
        assert_eq!(
            shown[4..],
            [("host a (3 requests in this run)", Some(0)), ("host b (1 request in this run)", Some(1))]
        );
    }
}
