//! A session: exchanges pushed in from any number of threads or tasks, each
//! finding sent to a sink as soon as it is made, and at the end the summary
//! plus what can only be judged across exchanges (capture rules).

use super::collect::{Collector, Judging};
use super::sink::Sink;
use crate::capture::Exchange;
use crate::diagnostic::{Diagnostic, Limit, Summary};
use crate::validate::{Checker, Outcome, rules::capture::CaptureJudge};
use std::sync::{Arc, Mutex, PoisonError};

/// Checks exchanges as they come and sends each finding to a sink.
///
/// `push` takes `&self`: share a session across threads (`std::thread::scope`,
/// or an `Arc<Session<_>>` in async tasks). Each exchange is checked on the
/// calling thread; its findings reach the sink together, in position order.
/// Capture rules (`x-accord-idempotency-key`, `x-accord-unique`) compare
/// exchanges with each other, so they are judged by [`Session::finish`], in
/// the order of (source, entry), whatever order the threads pushed in.
pub struct Session<S> {
    checker: Arc<Checker>,
    state: Mutex<Collector<S>>,
}

/// What one pushed exchange gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Messages checked (request, response).
    pub payloads: usize,
    /// Checked messages without errors.
    pub valid: usize,
    /// Checked messages with errors.
    pub invalid: usize,
    /// Messages of which a part could not be checked (never counted valid).
    pub unchecked: usize,
    /// Whether the exchange matched no operation.
    pub unrouted: bool,
    /// Findings of severity error.
    pub errors: usize,
}

/// A finished session.
#[derive(Debug)]
pub struct Finished<S> {
    /// Counts over every exchange pushed, capture-rule findings included.
    pub summary: Summary,
    /// Capture-rule findings (idempotency, uniqueness), in (source, entry) order.
    pub captures: Vec<Diagnostic>,
    /// The sink, handed back.
    pub sink: S,
}

impl<S: Sink> Session<S> {
    /// A session checking with `checker`, sending findings to `sink`.
    pub fn new(checker: Arc<Checker>, sink: S) -> Self {
        Self::with_limit(checker, sink, Limit::default())
    }

    /// A session that sends only what `limit` keeps (errors only, the first N
    /// errors); the summary still counts everything.
    pub fn with_limit(checker: Arc<Checker>, sink: S, limit: Limit) -> Self {
        Session { checker, state: Mutex::new(Collector::new(sink, limit, Judging::Deferred(Vec::new()))) }
    }

    /// The checker this session uses.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Checks one exchange from `source` (a file name, a connection, a
    /// service name: it labels the findings) and sends its findings.
    pub fn push(&self, source: &str, exchange: &Exchange) -> Tally {
        self.push_outcome(self.checker.check(source, exchange))
    }

    /// Folds the outcome of an exchange the caller checked itself with
    /// [`Session::checker`] (to act on its findings first: a proxy that
    /// enforces the contract). Counted and sent exactly as [`Session::push`] does.
    pub fn push_outcome(&self, outcome: Outcome) -> Tally {
        let tally = Tally {
            payloads: outcome.payloads,
            valid: outcome.valid,
            invalid: outcome.invalid,
            unchecked: outcome.unchecked,
            unrouted: outcome.unrouted > 0,
            errors: outcome.diagnostics.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).count(),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.summary.exchanges += 1;
        state.outcome(outcome);
        tally
    }

    /// Counts an exchange of which nothing could be checked (a WebSocket
    /// upgrade, a TLS tunnel passed through) as one unchecked message, and
    /// sends `finding`, if any, to say why.
    pub fn push_unchecked(&self, finding: Option<Diagnostic>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.summary.exchanges += 1;
        state.summary.payloads += 1;
        state.summary.unchecked += 1;
        if let Some(d) = finding {
            state.emit(d);
        }
    }

    /// Sends a finding about the traffic itself rather than about a message
    /// the contract governs (an upstream that could not be reached), counted
    /// by its severity.
    pub fn push_finding(&self, finding: Diagnostic) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).emit(finding);
    }

    /// The counts so far (the capture rules, judged at the end, are not in them yet).
    pub fn summary(&self) -> Summary {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).summary.clone()
    }

    /// Ends the session: judges the capture rules over every exchange
    /// pushed, sends the one `server` warning per unlisted host, and returns
    /// the summary. Fails with the sink's first error, if it had one.
    pub fn finish(self) -> std::io::Result<Finished<S>> {
        let mut state = self.state.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut facts = state.take_facts();
        facts.sort_by(|a, b| (&a.file, a.entry).cmp(&(&b.file, b.entry)));
        let mut judge = CaptureJudge::default();
        let mut captures: Vec<Diagnostic> = Vec::new();
        for fact in &facts {
            let Some(d) = judge.observe(fact) else { continue };
            let already = captures.iter().any(|x| x.file == d.file && x.entry == d.entry);
            if !fact.failed && !already {
                state.summary.valid = state.summary.valid.saturating_sub(1);
                state.summary.invalid += 1;
            }
            state.summary.errors += 1;
            captures.push(d);
        }
        state.finish_hosts();
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        Ok(Finished { summary: state.summary, captures, sink: state.sink })
    }
}

impl<S> std::fmt::Debug for Session<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}
