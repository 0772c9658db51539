//! lcov tracefile over the OpenAPI documents: each operation is a function
//! (`FN`/`FNDA` at the line of its operation object), each line that
//! declares units is a line (`DA`: the messages without errors that reached
//! them, 0 when any unit on it is not covered), and each unit is a branch of
//! its line (`BRDA`), so an editor's coverage gutter shows the untouched
//! operations, statuses and properties in the YAML or JSON itself.
//!
//! Units whose document has no file on disk (given as values) or whose line
//! cannot be found are left out; JSON and the other formats still list them.

use crate::coverage::{CoverageReport, Kind, State};
use std::collections::BTreeMap;
use std::io::{self, Write};

#[derive(Default)]
struct FileData<'a> {
    functions: Vec<(usize, &'a str, u64)>,
    /// line → units on it (state, valid hits).
    lines: BTreeMap<usize, Vec<(State, u64)>>,
}

pub(super) fn write(report: &CoverageReport, out: &mut dyn Write) -> io::Result<()> {
    let mut files: BTreeMap<&str, FileData<'_>> = BTreeMap::new();
    for op in &report.operations {
        for unit in &op.units {
            let (Some(file), Some(line)) = (unit.file.as_deref(), unit.line) else { continue };
            let data = files.entry(file).or_default();
            if matches!(unit.kind, Kind::Operation | Kind::Webhook) {
                data.functions.push((line, &op.id, unit.valid));
            }
            data.lines.entry(line).or_default().push((unit.state, unit.valid));
        }
    }
    for (file, data) in files {
        writeln!(out, "TN:accord")?;
        writeln!(out, "SF:{file}")?;
        for (line, name, _) in &data.functions {
            writeln!(out, "FN:{line},{name}")?;
        }
        for (_, name, hits) in &data.functions {
            writeln!(out, "FNDA:{hits},{name}")?;
        }
        writeln!(out, "FNF:{}", data.functions.len())?;
        writeln!(out, "FNH:{}", data.functions.iter().filter(|(_, _, h)| *h > 0).count())?;
        let (mut found, mut hit) = (0, 0);
        for (line, units) in &data.lines {
            for (i, (state, valid)) in units.iter().enumerate() {
                let taken = if *state == State::Covered { valid.to_string() } else { "0".to_string() };
                writeln!(out, "BRDA:{line},0,{i},{taken}")?;
                found += 1;
                hit += usize::from(*state == State::Covered);
            }
        }
        writeln!(out, "BRF:{found}")?;
        writeln!(out, "BRH:{hit}")?;
        let mut lines_hit = 0;
        for (line, units) in &data.lines {
            let all = units.iter().all(|(s, _)| *s == State::Covered);
            let hits: u64 = if all { units.iter().map(|(_, v)| *v).sum::<u64>().max(1) } else { 0 };
            lines_hit += usize::from(all);
            writeln!(out, "DA:{line},{hits}")?;
        }
        writeln!(out, "LF:{}", data.lines.len())?;
        writeln!(out, "LH:{lines_hit}")?;
        writeln!(out, "end_of_record")?;
    }
    Ok(())
}
