//! Contract coverage: what the traffic exercised, and what it never touched.
//!
//! A [`Coverage`] numbers the units of a catalog once ([`Plan`]) and keeps
//! one pair of counters per unit: messages without errors that reached it,
//! and messages with errors that did. A [`Checker`](crate::Checker) given a
//! coverage ([`Checker::with_coverage`](crate::Checker::with_coverage))
//! counts every exchange it checks, from whichever front end pushed it
//! (`accord check`, `accord coverage`, `accord proxy`, a tower layer), so
//! all of them report from the same counters. Memory is the counters, the
//! first invalid sighting per unit and at most [`template::MAX_GROUPS`]
//! groups of unrouted traffic: it does not grow with the traffic.
//!
//! [`Coverage::report`] turns the counters into a [`CoverageReport`]: units
//! per operation with their state (covered, seen only in invalid messages,
//! not covered) and the line they are declared on, percentages per kind,
//! and the undocumented endpoints the traffic used (missing in spec).

mod body;
pub mod gate;
pub(crate) mod observe;
mod plan;
pub mod report;
pub mod template;
pub mod usage;

pub use gate::{Baseline, Gate, GateFailure, Minimum};
pub use plan::{Kind, Plan, Unit};
pub use report::{CoverageReport, KindSummary, OperationCoverage, State, Truncated, UnitCoverage};

pub(crate) use observe::{MessageHits, Observation, unrouted};

use crate::contract::Catalog;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Where a unit was first seen in an invalid message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sighting {
    /// The input (file, connection, service).
    pub file: String,
    /// The entry in it (HAR entry, NDJSON line), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
}

/// The coverage counters of one run over one catalog. `Send + Sync`: share it in an `Arc`.
#[derive(Debug)]
pub struct Coverage {
    plan: Plan,
    valid: Vec<AtomicU64>,
    invalid: Vec<AtomicU64>,
    /// The earliest invalid message per unit, in (file, entry) order, so the
    /// report is the same whatever order threads counted in.
    first_invalid: Vec<Mutex<Option<Sighting>>>,
    exchanges: AtomicU64,
    /// Exchanges routed to each operation (an exchange's request and response count once).
    by_operation: Vec<AtomicU64>,
    missing: Mutex<template::Missing>,
    /// (operation, status) → responses with a status the operation does not document.
    undocumented: Mutex<BTreeMap<(usize, u16), u64>>,
}

impl Coverage {
    /// Counters for every unit of `catalog` (which must be the checker's).
    pub fn new(catalog: &Catalog) -> Coverage {
        let plan = Plan::new(catalog);
        let n = plan.units.len();
        Coverage {
            valid: (0..n).map(|_| AtomicU64::new(0)).collect(),
            invalid: (0..n).map(|_| AtomicU64::new(0)).collect(),
            first_invalid: (0..n).map(|_| Mutex::new(None)).collect(),
            by_operation: (0..catalog.operations.len()).map(|_| AtomicU64::new(0)).collect(),
            plan,
            exchanges: AtomicU64::new(0),
            missing: Mutex::default(),
            undocumented: Mutex::default(),
        }
    }

    /// How many exchanges were routed to operation `operation` (an index of the catalog).
    pub fn exchanges_of(&self, operation: usize) -> u64 {
        self.by_operation.get(operation).map_or(0, |n| n.load(Ordering::Relaxed))
    }

    /// How many messages reached unit `unit` (valid or not).
    pub fn hits(&self, unit: usize) -> u64 {
        self.valid[unit].load(Ordering::Relaxed) + self.invalid[unit].load(Ordering::Relaxed)
    }

    /// The units.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Exchanges counted so far.
    pub fn exchanges(&self) -> u64 {
        self.exchanges.load(Ordering::Relaxed)
    }

    /// Counts what one checked exchange reached.
    pub(crate) fn record(&self, observation: Observation) {
        self.exchanges.fetch_add(1, Ordering::Relaxed);
        // Each message's first unit is its operation's; count the exchange once per operation.
        let mut ops: Vec<usize> = observation
            .messages
            .iter()
            .filter_map(|m| m.hits.first())
            .filter_map(|&u| self.plan.units.get(u as usize))
            .filter(|u| matches!(u.kind, Kind::Operation | Kind::Webhook))
            .map(|u| u.operation)
            .collect();
        ops.dedup();
        for op in ops {
            if let Some(n) = self.by_operation.get(op) {
                n.fetch_add(1, Ordering::Relaxed);
            }
        }
        for message in observation.messages {
            let counters = if message.valid { &self.valid } else { &self.invalid };
            for &unit in &message.hits {
                counters[unit as usize].fetch_add(1, Ordering::Relaxed);
                if !message.valid {
                    let mut first = self.first_invalid[unit as usize].lock().unwrap_or_else(PoisonError::into_inner);
                    let earlier = match first.as_ref() {
                        None => true,
                        Some(s) => (observation.file, observation.entry) < (s.file.as_str(), s.entry),
                    };
                    if earlier {
                        *first = Some(Sighting { file: observation.file.to_string(), entry: observation.entry });
                    }
                }
            }
        }
        if let Some((op, status)) = observation.undocumented {
            *self.undocumented.lock().unwrap_or_else(PoisonError::into_inner).entry((op, status)).or_default() += 1;
        }
    }

    /// Counts one exchange that matched no operation.
    pub(crate) fn record_unrouted(&self, method: &str, path: &str, status: Option<u16>) {
        self.exchanges.fetch_add(1, Ordering::Relaxed);
        self.missing.lock().unwrap_or_else(PoisonError::into_inner).add(method, path, status);
    }

    /// The report so far. Lines are found in the catalog's documents
    /// ([`Catalog::document_text`]); a unit whose document cannot be read has none.
    pub fn report(&self, catalog: &Catalog) -> CoverageReport {
        let counts = |i: usize| {
            (
                self.valid[i].load(Ordering::Relaxed),
                self.invalid[i].load(Ordering::Relaxed),
                self.first_invalid[i].lock().unwrap_or_else(PoisonError::into_inner).clone(),
            )
        };
        let missing = self.missing.lock().unwrap_or_else(PoisonError::into_inner);
        let undocumented = self.undocumented.lock().unwrap_or_else(PoisonError::into_inner);
        report::build(report::Inputs {
            catalog,
            plan: &self.plan,
            counts: &counts,
            exchanges: self.exchanges(),
            missing: missing.groups(),
            missing_dropped: missing.dropped,
            undocumented: &undocumented,
        })
    }
}
