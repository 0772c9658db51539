//! Changes a team has accepted: an ignore file (JSON or YAML list of
//! `{rule, operation?, pointer?, reason}`) or `--ignore RULE[@OPERATION][#POINTER]=REASON`.
//! Every entry needs a reason and a rule id that exists.

use crate::Change;

/// One accepted change (or family of changes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// The rule id (see [`crate::registry::rules`]).
    pub rule: String,
    /// Only changes of this operation.
    pub operation: Option<String>,
    /// Only changes at this JSON pointer (in the old or the new version).
    pub pointer: Option<String>,
    /// Why the change is accepted (required).
    pub reason: String,
}

/// An ignore entry or file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreError(pub String);

impl std::fmt::Display for IgnoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IgnoreError {}

impl Ignore {
    /// `RULE[@OPERATION][#POINTER]=REASON`, as given to `--ignore`.
    pub fn from_flag(flag: &str) -> Result<Self, IgnoreError> {
        let shape = "expected RULE[@OPERATION][#POINTER]=REASON";
        let (spec, reason) =
            flag.split_once('=').ok_or_else(|| IgnoreError(format!("--ignore {flag:?}: no reason; {shape}")))?;
        let (spec, pointer) = match spec.split_once('#') {
            Some((s, p)) => (s, Some(p.to_string())),
            None => (spec, None),
        };
        let (rule, operation) = match spec.split_once('@') {
            Some((r, o)) => (r, Some(o.to_string())),
            None => (spec, None),
        };
        let ignore = Ignore { rule: rule.trim().to_string(), operation, pointer, reason: reason.to_string() };
        ignore.check(&format!("--ignore {flag:?}"))?;
        Ok(ignore)
    }

    /// A reason is required, and the rule must exist; `source` names where the entry came from.
    fn check(&self, source: &str) -> Result<(), IgnoreError> {
        if self.reason.trim().is_empty() {
            return Err(IgnoreError(format!("{source}: the ignore entry for `{}` has an empty reason", self.rule)));
        }
        if crate::registry::rule(&self.rule).is_none() {
            return Err(IgnoreError(format!(
                "{source}: `{}` is not a rule id of accord diff (see --list-rules)",
                self.rule
            )));
        }
        Ok(())
    }

    /// Whether this entry covers `change`.
    pub fn matches(&self, change: &Change) -> bool {
        let pointer = |p: &Option<crate::Place>| p.as_ref().is_some_and(|p| Some(&p.pointer) == self.pointer.as_ref());
        self.rule == change.rule
            && self.operation.as_ref().is_none_or(|o| change.operation.as_ref() == Some(o))
            && (self.pointer.is_none() || pointer(&change.old) || pointer(&change.new))
    }
}

/// Reads an ignore file (JSON or YAML) named `name`, with text `text`.
pub fn parse(name: &str, text: &str) -> Result<Vec<Ignore>, IgnoreError> {
    let value = accord_catalog::parse(name, text).map_err(|e| IgnoreError(e.to_string()))?;
    let rules: Vec<Ignore> = serde_json::from_value(value).map_err(|e| {
        IgnoreError(format!(
            "{name}: expected a list of {{rule, operation?, pointer?, reason}} (a reason is required): {e}"
        ))
    })?;
    for r in &rules {
        r.check(name)?;
    }
    Ok(rules)
}

/// Sets aside the changes `ignores` cover: returns the kept changes and the
/// ignored ones with the reason of the first entry that covers each.
pub fn apply(changes: Vec<Change>, ignores: &[Ignore]) -> (Vec<Change>, Vec<(Change, String)>) {
    let mut kept = Vec::new();
    let mut ignored = Vec::new();
    for change in changes {
        match ignores.iter().find(|r| r.matches(&change)) {
            Some(r) => ignored.push((change, r.reason.clone())),
            None => kept.push(change),
        }
    }
    (kept, ignored)
}
