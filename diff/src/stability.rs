//! Stability marks: `x-accord-stability: experimental` on an operation or a
//! schema. Breaks under a mark the old version carries are reported and never
//! fail a run (as Specmatic's WIP tag, or buf's `ignore_unstable_packages`);
//! adding or removing a mark is itself a finding. Only the old version's
//! marks exempt: marking a stable operation experimental in the change that
//! breaks it exempts nothing.

use crate::{Change, Contract, Emit};
use accord_catalog::Location;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The extension and the one value that means something.
pub const KEY: &str = "x-accord-stability";
/// The value that exempts.
pub const EXPERIMENTAL: &str = "experimental";

/// Every object of every document the contract holds that carries the
/// extension: (file, pointer) → its value.
fn all_marks(contract: &Contract) -> BTreeMap<(String, String), Value> {
    fn walk(v: &Value, file: &str, pointer: &mut String, out: &mut BTreeMap<(String, String), Value>) {
        let children: Box<dyn Iterator<Item = (String, &Value)>> = match v {
            Value::Object(map) => {
                if let Some(mark) = map.get(KEY) {
                    out.insert((file.to_string(), pointer.clone()), mark.clone());
                }
                Box::new(map.iter().map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c)))
            }
            Value::Array(items) => Box::new(items.iter().enumerate().map(|(i, c)| (i.to_string(), c))),
            _ => return,
        };
        for (segment, child) in children {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&segment);
            walk(child, file, pointer, out);
            pointer.truncate(len);
        }
    }
    let mut out = BTreeMap::new();
    for d in contract.root.documents() {
        walk(&d.value, &d.path, &mut String::new(), &mut out);
    }
    out
}

/// Every object marked experimental.
fn marks(contract: &Contract) -> BTreeSet<(String, String)> {
    all_marks(contract).into_iter().filter(|(_, v)| v.as_str() == Some(EXPERIMENTAL)).map(|(k, _)| k).collect()
}

/// Marks with a value that means nothing (only `experimental` does), as
/// `FILE#POINTER` and the value: they exempt nothing, and the caller says so.
pub fn unknown_marks(contract: &Contract) -> Vec<(String, Value)> {
    all_marks(contract)
        .into_iter()
        .filter(|(_, v)| v.as_str() != Some(EXPERIMENTAL))
        .map(|((file, pointer), v)| (format!("{file}#{pointer}/{KEY}"), v))
        .collect()
}

/// The label of the operation at `at`, if an operation is there.
fn operation_at(contract: &Contract, file: &str, pointer: &str) -> Option<String> {
    contract
        .operations
        .iter()
        .find(|op| op.location.file == file && op.location.pointer == pointer)
        .map(crate::operations::label)
}

/// Emits a finding for each mark added or removed.
pub fn compare(old: &Contract, new: &Contract, emit: &mut Emit) {
    let (before, after) = (marks(old), marks(new));
    for (file, pointer) in before.difference(&after) {
        emit.operation = operation_at(old, file, pointer);
        let what = emit.operation.clone().unwrap_or_else(|| format!("{file}#{pointer}"));
        let new_at = new.root.get_at(file, pointer).map(|_| Location { file: file.clone(), pointer: pointer.clone() });
        emit.push(
            "stability-experimental-removed",
            format!("{what} is no longer marked `{KEY}: {EXPERIMENTAL}`"),
            Some(Location { file: file.clone(), pointer: pointer.clone() }),
            new_at,
        );
    }
    for (file, pointer) in after.difference(&before) {
        emit.operation = operation_at(new, file, pointer);
        let what = emit.operation.clone().unwrap_or_else(|| format!("{file}#{pointer}"));
        let old_at = old.root.get_at(file, pointer).map(|_| Location { file: file.clone(), pointer: pointer.clone() });
        emit.push(
            "stability-experimental-added",
            format!("{what} is now marked `{KEY}: {EXPERIMENTAL}`"),
            old_at,
            Some(Location { file: file.clone(), pointer: pointer.clone() }),
        );
    }
    emit.operation = None;
}

/// Marks each change the old version's marks exempt: its operation is marked,
/// or its place in the old version lies under a marked schema.
pub fn exempt(old: &Contract, changes: &mut [Change]) {
    let marked = marks(old);
    if marked.is_empty() {
        return;
    }
    let experimental_ops: BTreeSet<String> = old
        .operations
        .iter()
        .filter(|op| marked.contains(&(op.location.file.clone(), op.location.pointer.clone())))
        .map(crate::operations::label)
        .collect();
    for c in changes.iter_mut() {
        if c.rule.starts_with("stability-") {
            continue;
        }
        let by_operation = c.operation.as_ref().is_some_and(|op| experimental_ops.contains(op));
        let by_schema = c.at.0.as_ref().is_some_and(|at| {
            marked.iter().any(|(file, pointer)| {
                *file == at.file
                    && (at.pointer == *pointer
                        || at.pointer.strip_prefix(pointer.as_str()).is_some_and(|rest| rest.starts_with('/')))
            })
        });
        c.experimental = by_operation || by_schema;
    }
}
