//! The human table: figures per kind, then each operation with the
//! statuses, parameters and security requirements it left uncovered (the
//! other units are counted here and listed in the other formats), then
//! missing in spec and undocumented statuses.

use super::figures;
use crate::coverage::{CoverageReport, Kind, State};
use std::io::{self, Write};

/// Kinds listed unit by unit under each operation (the others are only counted).
const LISTED: [Kind; 3] = [Kind::Status, Kind::Parameter, Kind::Security];

pub(super) fn write(report: &CoverageReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "coverage of {} by {} exchange(s)", report.catalog, report.exchanges)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<16} {:>6} {:>8} {:>13} {:>12} {:>8}",
        "kind", "units", "covered", "invalid only", "not covered", "%"
    )?;
    for k in &report.kinds {
        writeln!(
            out,
            "{:<16} {:>6} {:>8} {:>13} {:>12} {:>7.1}%",
            k.kind.as_str(),
            k.units,
            k.covered,
            k.invalid_only,
            k.not_covered,
            k.percent
        )?;
    }
    if let Some(note) = super::truncated_note(report) {
        writeln!(out, "note: {note}")?;
    }
    writeln!(out)?;
    writeln!(out, "operations")?;
    for op in &report.operations {
        let percent = crate::coverage::report::percent(op.covered, op.total);
        writeln!(
            out,
            "  {:<12} {} {} {}: {} units covered",
            op.state.as_str(),
            op.method,
            op.path,
            op.id,
            figures(op.covered, op.total, percent)
        )?;
        for state in [State::InvalidOnly, State::NotCovered] {
            let units: Vec<String> = op
                .units
                .iter()
                .filter(|u| u.state == state && LISTED.contains(&u.kind))
                .map(|u| format!("{} {}{}", u.kind.as_str(), u.label, super::first_invalid(u)))
                .collect();
            if !units.is_empty() {
                writeln!(out, "      {}: {}", state.as_str(), units.join(", "))?;
            }
        }
    }
    if !report.missing_in_spec.is_empty() || report.missing_dropped > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "missing in spec ({} endpoint(s) the traffic used that no operation matches)",
            report.missing_in_spec.len()
        )?;
        for g in &report.missing_in_spec {
            let methods: Vec<String> = g.methods.keys().cloned().collect();
            let statuses: Vec<String> = g.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
            writeln!(
                out,
                "  {} {}: {} exchange(s), statuses {}",
                methods.join("|"),
                g.template,
                g.count,
                statuses.join(" ")
            )?;
        }
        if report.missing_dropped > 0 {
            writeln!(out, "  ... and {} exchange(s) to further endpoints (not grouped)", report.missing_dropped)?;
        }
    }
    if !report.undocumented_statuses.is_empty() {
        writeln!(out)?;
        writeln!(out, "undocumented statuses")?;
        for u in &report.undocumented_statuses {
            writeln!(out, "  {} {}: {} response(s)", u.operation, u.status, u.count)?;
        }
    }
    Ok(())
}
