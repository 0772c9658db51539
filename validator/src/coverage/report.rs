//! The coverage report: data, rendered by `render::coverage` (human table,
//! JSON, Markdown, HTML, lcov). Its JSON form is described by
//! `validator/coverage.schema.json`.

use super::Sighting;
use super::plan::{Kind, Plan};
use super::template::Group;
use crate::contract::{Catalog, Location};
use accord_catalog::text::{LineIndex, YamlLines, locate_pointer};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Whether the traffic reached a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Reached by at least one message without errors.
    Covered,
    /// Reached only by messages with errors.
    InvalidOnly,
    /// Never reached.
    NotCovered,
}

impl State {
    /// `covered`, `invalid only`, `not covered`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Covered => "covered",
            State::InvalidOnly => "invalid only",
            State::NotCovered => "not covered",
        }
    }
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitCoverage {
    /// The stable key baselines compare by.
    pub key: String,
    /// Its kind.
    pub kind: Kind,
    /// What it is.
    pub label: String,
    /// Covered, invalid only, or not covered.
    pub state: State,
    /// Messages without errors that reached it.
    pub valid: u64,
    /// Messages with errors that reached it.
    pub invalid: u64,
    /// The first invalid message that reached it, when only invalid ones did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_invalid: Option<Sighting>,
    /// The document it is declared in (as shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its 1-based line there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One operation (or webhook) and all its units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationCoverage {
    /// The operation id.
    pub id: String,
    /// The HTTP method.
    pub method: String,
    /// The path template (or webhook name).
    pub path: String,
    /// `operation` or `webhook`.
    pub kind: Kind,
    /// The operation's own state.
    pub state: State,
    /// Units covered, of `total`.
    pub covered: usize,
    /// Units of the operation (itself included).
    pub total: usize,
    /// Every unit, the operation's own first.
    pub units: Vec<UnitCoverage>,
}

/// The figures of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindSummary {
    /// The kind.
    pub kind: Kind,
    /// Units of this kind in the catalog.
    pub units: usize,
    /// Covered (by a message without errors).
    pub covered: usize,
    /// Reached only by messages with errors.
    pub invalid_only: usize,
    /// Never reached.
    pub not_covered: usize,
    /// `covered / units × 100`, to one decimal.
    pub percent: f64,
}

/// Responses with a status their operation does not document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UndocumentedStatus {
    /// The operation id.
    pub operation: String,
    /// The status sent.
    pub status: u16,
    /// How many responses had it.
    pub count: u64,
}

/// A message slot whose body defines more units than are counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Truncated {
    /// The operation id.
    pub operation: String,
    /// The message slot (`request application/json`, `200 application/json`).
    pub slot: String,
    /// Units counted (the limit).
    pub counted: usize,
    /// Units past the limit, left out of every figure.
    pub left_out: usize,
}

/// A whole coverage report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageReport {
    /// The report format's version (1).
    pub version: u32,
    /// The catalog (its folder or file, `schemas` for the built-in one).
    pub catalog: String,
    /// Exchanges counted (routed or not).
    pub exchanges: u64,
    /// Figures per kind, for the kinds the catalog has units of.
    pub kinds: Vec<KindSummary>,
    /// Every operation and webhook, in catalog order.
    pub operations: Vec<OperationCoverage>,
    /// Unrouted traffic grouped by inferred path template, busiest first.
    pub missing_in_spec: Vec<Group>,
    /// Unrouted exchanges past the group limit (counted, not grouped).
    #[serde(default)]
    pub missing_dropped: u64,
    /// Responses whose status their operation does not document.
    #[serde(default)]
    pub undocumented_statuses: Vec<UndocumentedStatus>,
    /// Message slots with more body units than are counted: what is left out of the figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<Truncated>,
}

impl CoverageReport {
    /// The figures of `kind`, if the catalog has units of it.
    pub fn kind(&self, kind: Kind) -> Option<&KindSummary> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Every unit, operation by operation.
    pub fn units(&self) -> impl Iterator<Item = &UnitCoverage> {
        self.operations.iter().flat_map(|o| &o.units)
    }
}

/// What [`build`] reads.
pub(crate) struct Inputs<'a> {
    pub catalog: &'a Catalog,
    pub plan: &'a Plan,
    pub counts: &'a dyn Fn(usize) -> (u64, u64, Option<Sighting>),
    pub exchanges: u64,
    pub missing: Vec<Group>,
    pub missing_dropped: u64,
    pub undocumented: &'a BTreeMap<(usize, u16), u64>,
}

/// The percentage `part / whole`, to one decimal (100 when there is nothing to cover).
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { (part as f64 * 1000.0 / whole as f64).floor() / 10.0 }
}

pub(crate) fn build(inputs: Inputs<'_>) -> CoverageReport {
    let catalog = inputs.catalog;
    let mut lines = Lines { catalog, texts: HashMap::new(), found: HashMap::new() };
    let mut operations: Vec<OperationCoverage> = catalog
        .operations
        .iter()
        .map(|op| OperationCoverage {
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            kind: Kind::Operation,
            state: State::NotCovered,
            covered: 0,
            total: 0,
            units: Vec::new(),
        })
        .collect();
    for (i, unit) in inputs.plan.units.iter().enumerate() {
        let (valid, invalid, sighting) = (inputs.counts)(i);
        let state = if valid > 0 {
            State::Covered
        } else if invalid > 0 {
            State::InvalidOnly
        } else {
            State::NotCovered
        };
        let (file, line) = match &unit.at {
            Some(at) => lines.locate(at),
            None => (None, None),
        };
        // Units of another catalog than `catalog` (a caller's mix-up) are left out.
        let Some(op) = operations.get_mut(unit.operation) else { continue };
        if matches!(unit.kind, Kind::Operation | Kind::Webhook) {
            op.kind = unit.kind;
            op.state = state;
        }
        op.total += 1;
        op.covered += usize::from(state == State::Covered);
        op.units.push(UnitCoverage {
            key: unit.key.clone(),
            kind: unit.kind,
            label: unit.label.clone(),
            state,
            valid,
            invalid,
            first_invalid: if state == State::InvalidOnly { sighting } else { None },
            file,
            line,
        });
    }
    let kinds = Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let units: Vec<&UnitCoverage> =
                operations.iter().flat_map(|o| &o.units).filter(|u| u.kind == kind).collect();
            if units.is_empty() {
                return None;
            }
            let count = |s: State| units.iter().filter(|u| u.state == s).count();
            let covered = count(State::Covered);
            Some(KindSummary {
                kind,
                units: units.len(),
                covered,
                invalid_only: count(State::InvalidOnly),
                not_covered: count(State::NotCovered),
                percent: percent(covered, units.len()),
            })
        })
        .collect();
    let undocumented_statuses = inputs
        .undocumented
        .iter()
        .map(|(&(op, status), &count)| UndocumentedStatus {
            operation: catalog.operations[op].id.clone(),
            status,
            count,
        })
        .collect();
    let truncated = inputs
        .plan
        .truncated
        .iter()
        .filter_map(|(op, slot, left_out)| {
            Some(Truncated {
                operation: catalog.operations.get(*op)?.id.clone(),
                slot: slot.clone(),
                counted: super::plan::MAX_BODY_UNITS,
                left_out: *left_out,
            })
        })
        .collect();
    CoverageReport {
        version: 1,
        catalog: catalog.root.label().to_string(),
        exchanges: inputs.exchanges,
        kinds,
        operations,
        missing_in_spec: inputs.missing,
        missing_dropped: inputs.missing_dropped,
        undocumented_statuses,
        truncated,
    }
}

/// A document's text, ready for look-ups.
enum Text {
    Json(String, LineIndex),
    Yaml(YamlLines),
}

/// Lines of places in the catalog's documents, each document read once.
struct Lines<'a> {
    catalog: &'a Catalog,
    texts: HashMap<String, Option<Text>>,
    /// Places already located (units of shared schemas share them).
    found: HashMap<Location, Option<usize>>,
}

impl Lines<'_> {
    fn locate(&mut self, at: &Location) -> (Option<String>, Option<usize>) {
        let shown = self.catalog.root.document(&at.file).map_or(at.file.clone(), |d| d.shown.clone());
        if let Some(line) = self.found.get(at) {
            return (Some(shown), *line);
        }
        let line = self.line(at, &shown);
        self.found.insert(at.clone(), line);
        (Some(shown), line)
    }

    fn line(&mut self, at: &Location, shown: &str) -> Option<usize> {
        let catalog = self.catalog;
        let yaml = shown.ends_with(".yaml") || shown.ends_with(".yml");
        let entry = self.texts.entry(at.file.clone()).or_insert_with(|| {
            catalog.document_text(&at.file).map(|text| {
                if yaml {
                    Text::Yaml(YamlLines::new(&text))
                } else {
                    let index = LineIndex::new(&text);
                    Text::Json(text, index)
                }
            })
        });
        let text = entry.as_ref()?;
        let mut pointer = at.pointer.as_str();
        loop {
            let line = match text {
                Text::Yaml(lines) => lines.locate(pointer).map(|(line, _)| line),
                Text::Json(text, index) => {
                    locate_pointer(text, pointer).map(|(start, _)| index.line_col(text, start).0)
                }
            };
            if line.is_some() || pointer.is_empty() {
                return line;
            }
            pointer = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        }
    }
}
