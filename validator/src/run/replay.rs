//! Replaying recorded traffic through two versions of a contract: the
//! messages the old version accepts and the new one rejects are breaking
//! changes, proven (`accord diff --captures`).

use super::run;
use crate::diagnostic::{Case, Severity};
use crate::options::ReadOptions;
use crate::validate::Checker;
use std::collections::BTreeSet;

/// The result of replaying recorded exchanges through both versions.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// Messages checked under the new version.
    pub messages: usize,
    /// Messages valid under the old version.
    pub valid_before: usize,
    /// Messages valid under the old version that the new one rejects.
    pub regressions: Vec<Regression>,
}

/// A recorded message the old version accepts and the new one rejects.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Regression {
    /// The capture file.
    pub file: String,
    /// 0-based entry in it.
    pub entry: Option<usize>,
    /// The operation.
    pub operation: Option<String>,
    /// `request` or `response`.
    pub direction: Option<String>,
    /// The new version's errors (code: message).
    pub errors: Vec<String>,
}

/// Checks `inputs` (capture files or directories) with both checkers; the
/// messages valid under `old` and invalid under `new`, with `new`'s errors.
pub fn replay(old: &Checker, new: &Checker, inputs: &[String]) -> Replay {
    let options = ReadOptions { record_cases: true, ..ReadOptions::default() };
    let (before, after) = (run(old, inputs, &options), run(new, inputs, &options));
    let key = |c: &Case| (c.file.clone(), c.entry, c.direction);
    let valid_before: BTreeSet<_> = before.cases.iter().filter(|c| c.valid).map(key).collect();
    let mut regressions = Vec::new();
    for case in after.cases.iter().filter(|c| !c.valid && valid_before.contains(&key(c))) {
        let errors = after
            .diagnostics
            .iter()
            .filter(|d| case.owns(d) && d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        regressions.push(Regression {
            file: case.file.clone(),
            entry: case.entry,
            operation: case.operation.clone(),
            direction: case.direction.map(|d| d.as_str().to_string()),
            errors,
        });
    }
    Replay { messages: after.cases.len(), valid_before: valid_before.len(), regressions }
}
