//! CI gates on a coverage report: a minimum percentage per kind
//! (`--min KIND=PERCENT`), and a baseline that only moves forwards
//! (`--baseline FILE`): a unit covered in the baseline must stay covered, and
//! an operation added since must be covered. Units the contract dropped
//! since the baseline are not held against the traffic.

use super::plan::Kind;
use super::report::{CoverageReport, State};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// `KIND=PERCENT`: the kind's percentage must be at least this.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Minimum {
    /// The kind.
    pub kind: Kind,
    /// The least percentage accepted (0 to 100).
    pub percent: f64,
}

impl FromStr for Minimum {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let names = || Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
        let (kind, percent) =
            s.split_once('=').ok_or_else(|| format!("`{s}`: expected KIND=PERCENT, e.g. operation=80"))?;
        let kind =
            Kind::parse(kind.trim()).ok_or_else(|| format!("`{kind}` is not a unit kind; kinds: {}", names()))?;
        let percent: f64 = percent
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| format!("`{percent}` is not a percentage (a number from 0 to 100)"))?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(format!("`{percent}` is not a percentage (a number from 0 to 100)"));
        }
        Ok(Minimum { kind, percent })
    }
}

/// A baseline: the keys a previous report had covered, and its operations.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    covered: HashSet<String>,
    operations: HashSet<String>,
}

impl Baseline {
    /// The baseline a previous report sets.
    pub fn from_report(report: &CoverageReport) -> Baseline {
        Baseline {
            covered: report.units().filter(|u| u.state == State::Covered).map(|u| u.key.clone()).collect(),
            operations: report.operations.iter().map(|o| o.id.clone()).collect(),
        }
    }
}

/// Why a gate failed.
#[derive(Debug, Clone, PartialEq)]
pub enum GateFailure {
    /// A kind's percentage is below its minimum.
    Below {
        /// The kind.
        kind: Kind,
        /// Its percentage.
        percent: f64,
        /// The minimum asked.
        minimum: f64,
    },
    /// A minimum names a kind the catalog has no units of.
    NoUnits(Kind),
    /// A unit covered in the baseline is not covered now.
    Regressed {
        /// Its operation.
        operation: String,
        /// What it is.
        label: String,
        /// Its state now.
        state: State,
    },
    /// An operation added since the baseline is not covered.
    NewUncovered {
        /// The operation id.
        operation: String,
    },
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateFailure::Below { kind, percent, minimum } => {
                write!(f, "{} coverage is {percent:.1}%, below the minimum of {minimum}%", kind.as_str())
            }
            GateFailure::NoUnits(kind) => {
                write!(f, "--min {}: the catalog has no units of this kind", kind.as_str())
            }
            GateFailure::Regressed { operation, label, state } => {
                write!(f, "{operation}: {label} was covered in the baseline and is {} now", state.as_str())
            }
            GateFailure::NewUncovered { operation } => {
                write!(f, "{operation} was added since the baseline and is not covered")
            }
        }
    }
}

/// The gates of one run.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    /// `--min` values.
    pub minimums: Vec<Minimum>,
    /// `--baseline`, read.
    pub baseline: Option<Baseline>,
}

impl Gate {
    /// Every way `report` fails the gates (empty when it passes).
    pub fn judge(&self, report: &CoverageReport) -> Vec<GateFailure> {
        let mut out = Vec::new();
        for m in &self.minimums {
            match report.kind(m.kind) {
                None => out.push(GateFailure::NoUnits(m.kind)),
                Some(k) if k.percent < m.percent => {
                    out.push(GateFailure::Below { kind: m.kind, percent: k.percent, minimum: m.percent })
                }
                Some(_) => {}
            }
        }
        if let Some(baseline) = &self.baseline {
            for op in &report.operations {
                if !baseline.operations.contains(&op.id) {
                    if op.state != State::Covered {
                        out.push(GateFailure::NewUncovered { operation: op.id.clone() });
                    }
                    continue;
                }
                for unit in &op.units {
                    if unit.state != State::Covered && baseline.covered.contains(&unit.key) {
                        out.push(GateFailure::Regressed {
                            operation: op.id.clone(),
                            label: unit.label.clone(),
                            state: unit.state,
                        });
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_parse_with_clear_errors() {
        assert_eq!("status=75".parse::<Minimum>(), Ok(Minimum { kind: Kind::Status, percent: 75.0 }));
        assert_eq!("media-type=50%".parse::<Minimum>().map(|m| m.percent), Ok(50.0));
        assert!("status".parse::<Minimum>().unwrap_err().contains("KIND=PERCENT"));
        assert!("statuses=5".parse::<Minimum>().unwrap_err().contains("kinds: operation, webhook, status"));
        assert!("status=150".parse::<Minimum>().unwrap_err().contains("0 to 100"));
    }
}
