//! The cost of the `source` level: `accord diff` on public descriptions with
//! the wire comparison only, then with the source level computed (both
//! versions generated with accord-codegen and their public APIs compared), in
//! the same run, best of three each, with peak memory (VmHWM,
//! reset before each pass). Each description is compared with a copy of
//! itself that adds one response enum value where it has one, so the mapping
//! of a difference to its change is in the measurement too. Descriptions go
//! from the smallest to the largest and the wire passes run first, so memory
//! a pass left to the allocator does not inflate the next pass's peak.
//!
//! `cargo bench -p accord-diff --bench levels`

use accord_catalog::RootBuilder;
use accord_diff::{Contract, diff, source};
use std::path::Path;
use std::time::Instant;

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

fn contract(path: &Path) -> Contract {
    Contract::new(RootBuilder::new().open(path).unwrap()).unwrap()
}

/// One pass: seconds, peak MiB, changes, and whether the source level was computed.
fn pass(old: &Path, new: &Path, with_source: bool) -> (f64, f64, usize, bool) {
    reset_peak();
    let start = Instant::now();
    let (a, b) = (contract(old), contract(new));
    let mut changes = diff(&a, &b);
    let computed = with_source && source::apply(&a, &b, &mut changes).is_ok();
    (start.elapsed().as_secs_f64(), peak_mib(), changes.len(), computed)
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let real = repo.join("tests/fixtures/real-world");
    let dir = tempfile::tempdir().unwrap();
    println!("accord diff: wire only vs with the source level (best of 3, peak memory per pass)");
    for (name, file, from, to) in [
        ("museum", "museum/openapi.yaml", "        - general\n", "        - general\n        - member\n"),
        ("twilio", "twilio/openapi.json", "", ""),
        ("box", "box/openapi.json", "", ""),
        ("discord", "discord/openapi.json", "", ""),
    ] {
        let old = real.join(file);
        let text = std::fs::read_to_string(&old).unwrap();
        let new = dir.path().join(format!("{name}-{}", old.file_name().unwrap().to_string_lossy()));
        std::fs::write(&new, if from.is_empty() { text.clone() } else { text.replacen(from, to, 1) }).unwrap();
        let (mut wire, mut both) = ((f64::MAX, 0f64), (f64::MAX, 0f64));
        let mut facts = (0, 0, false);
        for _ in 0..3 {
            let (t, p, n, _) = pass(&old, &new, false);
            wire = (wire.0.min(t), wire.1.max(p));
            facts.0 = n;
        }
        for _ in 0..3 {
            let (t, p, m, computed) = pass(&old, &new, true);
            both = (both.0.min(t), both.1.max(p));
            (facts.1, facts.2) = (m, computed);
        }
        println!(
            "  {name:8} wire only {:6.2} s  peak {:7.1} MiB | with source {:6.2} s  peak {:7.1} MiB | {:4.1}x time | changes {} -> {} (source computed: {})",
            wire.0,
            wire.1,
            both.0,
            both.1,
            both.0 / wire.0,
            facts.0,
            facts.1,
            facts.2
        );
    }
}
