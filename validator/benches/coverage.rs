//! The cost of coverage: `accord check` on a generated NDJSON corpus with
//! coverage off and on, in the same run (alternating, best of three each),
//! with peak memory (VmHWM, reset before each pass). The corpus is then
//! doubled and checked with coverage on again: the counters' memory must not
//! grow with the traffic.
//!
//! `cargo bench -p accord-validator --bench coverage [-- MEGABYTES]` (default 50)

use accord_validator::contract::Catalog;
use accord_validator::coverage::Coverage;
use accord_validator::run::NoProgress;
use accord_validator::{CheckOptions, Checker, Diagnostic, FnSink, ReadOptions, run};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

mod corpus;

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn write_corpus(path: &Path, megabytes: usize, valid_only: bool) -> (f64, usize) {
    let templates = if valid_only { corpus::valid_lines() } else { corpus::lines() };
    let (mut written, mut count) = (0usize, 0usize);
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    while written < megabytes * 1_000_000 {
        let line = &templates[count % templates.len()];
        out.write_all(line.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
        written += line.len() + 1;
        count += 1;
    }
    (written as f64 / 1e6, count)
}

/// One pass: seconds, peak MiB, and the report's figure for `property` when coverage is on.
fn pass(catalog: &Arc<Catalog>, path: &Path, count: usize, coverage: bool) -> (f64, f64, Option<String>) {
    let checker = Checker::new(catalog.clone(), CheckOptions::default()).unwrap();
    let counters = coverage.then(|| Arc::new(Coverage::new(catalog)));
    let checker = match &counters {
        Some(c) => checker.with_coverage(Arc::clone(c)),
        None => checker,
    };
    reset_peak();
    let start = Instant::now();
    // Findings are counted and dropped, as a renderer streaming them would.
    let mut findings = 0usize;
    let mut sink = FnSink(|_: Diagnostic| findings += 1);
    let ended =
        run::stream(&checker, &[path.display().to_string()], &ReadOptions::default(), &NoProgress, &mut sink).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let peak = peak_mib();
    assert_eq!(ended.summary.exchanges, count);
    let _ = findings;
    let figure = counters.map(|c| {
        let r = c.report(catalog);
        assert_eq!(r.exchanges as usize, count);
        let p = r.kinds.iter().find(|k| k.kind.as_str() == "property").unwrap();
        format!("property {}/{} ({:.1}%)", p.covered, p.units, p.percent)
    });
    (seconds, peak, figure)
}

fn main() {
    let megabytes = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(50usize);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.ndjson");
    let catalog = Arc::new(Catalog::builtin().unwrap());
    println!("{} threads", rayon::current_num_threads());
    for (label, valid_only) in [("all valid (fast path)", true), ("3 of 8 templates invalid", false)] {
        let (mb, count) = write_corpus(&path, megabytes, valid_only);
        println!("corpus, {label}: {mb:.1} MB, {count} exchanges (NDJSON envelopes)");
        let (mut off, mut on) = (f64::MAX, f64::MAX);
        let (mut off_peak, mut on_peak) = (0f64, 0f64);
        let mut figure = None;
        for _ in 0..3 {
            let (t, p, _) = pass(&catalog, &path, count, false);
            off = off.min(t);
            off_peak = off_peak.max(p);
            let (t, p, f) = pass(&catalog, &path, count, true);
            on = on.min(t);
            on_peak = on_peak.max(p);
            figure = f;
        }
        println!("  accord check, coverage off: {:8.1} MB/s  peak {:6.1} MiB", mb / off, off_peak);
        println!("  accord check, coverage on:  {:8.1} MB/s  peak {:6.1} MiB  ({})", mb / on, on_peak, figure.unwrap());
        println!("  ratio: coverage on takes {:.2}x the time of coverage off (budget: 1.5x)", on / off);
    }
    // Twice the traffic: the counters do not grow.
    let (mb2, count2) = write_corpus(&path, megabytes * 2, false);
    let (t, p, _) = pass(&catalog, &path, count2, true);
    println!("accord check, coverage on, {mb2:.1} MB: {:8.1} MB/s  peak {p:6.1} MiB", mb2 / t);
}
