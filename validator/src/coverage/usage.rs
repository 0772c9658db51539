//! How often recorded traffic used what each `accord diff` change touches:
//! the coverage counters of the captures, replayed through a version, read
//! at the change's place. A change is matched to the units declared at or
//! under its place (or the unit its place lies under), in its operation;
//! a change no unit matches touches its whole operation.

use super::{Coverage, Kind, Unit};
use crate::contract::Catalog;
use accord_catalog::Location;
use accord_diff::{Change, Usage};
use std::collections::BTreeMap;

/// How closely a unit's place matches a change's: the length of the shorter
/// pointer when one lies under the other in the same file.
fn closeness(change: &Location, unit: &Location) -> Option<usize> {
    if change.file != unit.file {
        return None;
    }
    let (under, mut place) = (accord_diff::source::under, accord_diff::source::schema_pointer(&change.pointer));
    // A change to an enum's values is about the values: keep `/enum`.
    if change.pointer.ends_with("/enum") {
        place = &change.pointer;
    }
    (under(place, &unit.pointer) || under(&unit.pointer, place)).then(|| place.len().min(unit.pointer.len()))
}

/// The JSON strings a message quotes (`value(s) "a", "b" removed` → `"a"`, `"b"`).
fn quoted(message: &str) -> Vec<String> {
    message.split('"').skip(1).step_by(2).map(|v| format!("\"{v}\"")).collect()
}

/// The usage of a change at `at` in operation `op` (an index of `catalog`).
/// `values`: the enum values the change names, when it is about some.
fn usage(coverage: &Coverage, op: Option<usize>, at: Option<&Location>, values: &[String]) -> Option<Usage> {
    let plan = coverage.plan();
    let hits = |i: usize| coverage.hits(i);
    let operation_unit = op.and_then(|o| {
        plan.units.iter().position(|u| u.operation == o && matches!(u.kind, Kind::Operation | Kind::Webhook))
    });
    let operation = op.map_or(0, |o| coverage.exchanges_of(o));
    let mut best: Vec<(usize, &Unit)> = Vec::new();
    let mut score = None;
    if let Some(at) = at {
        for (i, u) in plan.units.iter().enumerate() {
            if op.is_some_and(|o| o != u.operation) || Some(i) == operation_unit {
                continue;
            }
            let Some(s) = u.at.as_ref().and_then(|ua| closeness(at, ua)) else { continue };
            match score {
                Some(b) if s < b => {}
                Some(b) if s == b => best.push((i, u)),
                _ => {
                    score = Some(s);
                    best = vec![(i, u)];
                }
            }
        }
    }
    // A change about named enum values counts those values only.
    let is_value = |u: &Unit| matches!(u.kind, Kind::PropertyValue | Kind::ParameterValue);
    if !values.is_empty() && best.iter().all(|(_, u)| is_value(u)) {
        best.retain(|(_, u)| values.iter().any(|v| u.label.ends_with(&format!("= {v}"))));
        if best.is_empty() {
            return Some(Usage { operation, touched: 0, what: format!("the value(s) {}", values.join(", ")) });
        }
    }
    if best.is_empty() {
        return op.map(|_| Usage { operation, touched: operation, what: "the whole operation".into() });
    }
    // Units declared at one place (one per message slot) add up; values of one
    // enum add up (a message carries one); other places count their most used.
    let mut by_place: BTreeMap<String, (u64, &Unit)> = BTreeMap::new();
    for (i, u) in &best {
        let key = u.at.as_ref().map(|l| l.to_string()).unwrap_or_default();
        by_place.entry(key).or_insert((0, u)).0 += hits(*i);
    }
    let all_values = best.iter().all(|(_, u)| is_value(u));
    let touched = if all_values {
        by_place.values().map(|(n, _)| n).sum()
    } else {
        by_place.values().map(|(n, _)| *n).max().unwrap_or(0)
    };
    let (_, first) = by_place.values().max_by_key(|(n, _)| *n).copied().expect("a unit matched");
    let deeper = at.zip(first.at.as_ref()).is_some_and(|(a, u)| u.pointer.len() > a.pointer.len());
    let what = if all_values && by_place.len() > 1 {
        format!(
            "{} value(s) of {}",
            by_place.len(),
            first.label.rsplit_once(" = ").map_or(first.label.as_str(), |(a, _)| a)
        )
    } else if deeper && !all_values {
        format!("{}, the most used part of it", first.label)
    } else {
        first.label.clone()
    };
    Some(Usage { operation, touched, what })
}

/// Sets the usage of every change: from `old`'s counters at its old place,
/// or `new`'s for a change with no place in the old version.
pub fn attribute(changes: &mut [Change], old: (&Catalog, &Coverage), new: (&Catalog, &Coverage)) {
    let index = |catalog: &Catalog, label: &str| {
        catalog.operations.iter().position(|op| accord_diff::operation_label(op) == label)
    };
    for c in changes.iter_mut() {
        let (catalog, coverage, at) = match (&c.at().0, &c.at().1) {
            (Some(at), _) => (old.0, old.1, Some(at.clone())),
            (None, at) => (new.0, new.1, at.clone()),
        };
        let op = c.operation.as_deref().and_then(|l| index(catalog, l));
        if c.operation.is_some() && op.is_none() {
            // The operation is not in this version (added or removed): count it in the other.
            let (other_catalog, other) = if std::ptr::eq(catalog, old.0) { new } else { old };
            let op = c.operation.as_deref().and_then(|l| index(other_catalog, l));
            c.usage = usage(other, op, None, &[]);
            continue;
        }
        let values = if c.rule.contains("enum-value") || c.rule.contains("known-value") {
            quoted(&c.message)
        } else {
            Vec::new()
        };
        c.usage = usage(coverage, op, at.as_ref(), &values);
    }
}
