//! Throughput of `accord check` on a generated NDJSON corpus (default 100 MB),
//! next to a serde_json parse-only pass over the same bytes in the same run,
//! with peak memory (VmHWM, reset before each phase) for each.
//!
//! Then one single payload of 200 MB (a Zonos order list): `accord check`
//! against parsing it into a `serde_json::Value`, time and peak memory.
//!
//! The NDJSON corpus is checked twice more in the same run: with the
//! built-in catalog's rules (`x-accord-rules`) and with a copy that has them
//! stripped, for the cost of the rules. Last, a capture of KEYS `syncStore`
//! requests with distinct idempotency keys, with and without the key rule,
//! for the memory the capture rules keep per key.
//!
//! `cargo bench -p accord-validator --bench throughput [-- MEGABYTES [PAYLOAD_MEGABYTES [KEYS]]]`

use accord_validator::contract::Catalog;
use accord_validator::diagnostic::Limit;
use accord_validator::{CheckOptions, Checker};
use accord_validator::{ReadOptions, run};
use std::io::{BufRead, BufWriter, Write};
use std::sync::Arc;
use std::time::Instant;

mod corpus;
use corpus::lines;

fn reset_peak() {
    // Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) of this process.
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

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let megabytes = numbers.first().copied().unwrap_or(100);
    let payload_megabytes = numbers.get(1).copied().unwrap_or(200);
    let keys = numbers.get(2).copied().unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.ndjson");
    let templates = lines();
    let mut written = 0usize;
    let mut count = 0usize;
    {
        let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
        while written < megabytes * 1_000_000 {
            let line = &templates[count % templates.len()];
            out.write_all(line.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
            written += line.len() + 1;
            count += 1;
        }
    }
    let mb = written as f64 / 1e6;
    println!("corpus: {mb:.1} MB, {count} exchanges (NDJSON envelopes, 2 of 8 templates invalid)");

    reset_peak();
    let start = Instant::now();
    let reader = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut parsed = 0usize;
    for line in reader.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        parsed += usize::from(v.is_object());
    }
    let base = start.elapsed().as_secs_f64();
    let base_peak = peak_mib();
    assert_eq!(parsed, count);
    println!(
        "serde_json parse only (1 thread): {:8.1} MB/s {:10.0} exchanges/s  peak {:6.1} MiB",
        mb / base,
        count as f64 / base,
        base_peak
    );

    let catalog = Arc::new(Catalog::builtin().unwrap());
    let checker = Checker::new(catalog.clone(), CheckOptions::default()).unwrap();
    reset_peak();
    let start = Instant::now();
    let report = run::run(&checker, &[path.display().to_string()], &ReadOptions::default());
    let full = start.elapsed().as_secs_f64();
    let full_peak = peak_mib();
    assert_eq!(report.summary.exchanges, count);
    println!(
        "accord check ({} threads):        {:8.1} MB/s {:10.0} payloads/s  peak {:6.1} MiB  ({} errors reported)",
        rayon::current_num_threads(),
        mb / full,
        report.summary.payloads as f64 / full,
        full_peak,
        report.summary.errors
    );
    println!("ratio: accord check takes {:.2}x the time of a parse-only pass", full / base);
    drop(report);

    // The same run keeping only the first 100 errors (`--max-errors 100`).
    reset_peak();
    let start = Instant::now();
    let limit = Limit { errors_only: false, max_errors: Some(100) };
    let options = ReadOptions { limit, ..ReadOptions::default() };
    let report = run::run(&checker, &[path.display().to_string()], &options);
    let capped = start.elapsed().as_secs_f64();
    let capped_peak = peak_mib();
    assert_eq!(report.summary.exchanges, count);
    println!(
        "accord check --max-errors 100:     {:8.1} MB/s {:10.0} payloads/s  peak {:6.1} MiB  ({} kept, {} omitted)",
        mb / capped,
        report.summary.payloads as f64 / capped,
        capped_peak,
        report.diagnostics.len(),
        report.summary.omitted
    );
    drop(report);
    rules_cost(&dir, &path, &catalog, mb, count);
    std::fs::remove_file(&path).ok();
    idempotency_keys(&dir, keys);
    single_payload(&dir, &catalog, payload_megabytes);
}

/// A copy of the built-in catalog with `keywords` removed everywhere.
fn catalog_without(dir: &tempfile::TempDir, keywords: &[&str]) -> Arc<Catalog> {
    fn strip(v: &mut serde_json::Value, keywords: &[&str]) {
        match v {
            serde_json::Value::Object(m) => {
                for k in keywords {
                    m.remove(*k);
                }
                m.values_mut().for_each(|x| strip(x, keywords));
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| strip(x, keywords)),
            _ => {}
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let out = dir.path().join(format!("schemas-without-{}", keywords.join("-")));
    for entry in std::fs::read_dir(&src).unwrap().flatten().filter(|e| e.path().is_dir()) {
        let to = out.join(entry.file_name());
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(entry.path()).unwrap().flatten() {
            let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(f.path()).unwrap()).unwrap();
            strip(&mut v, keywords);
            std::fs::write(to.join(f.file_name()), serde_json::to_vec_pretty(&v).unwrap()).unwrap();
        }
    }
    Arc::new(Catalog::load(&out).unwrap())
}

/// The corpus checked with the catalog's rules and with them stripped, in the same run.
fn rules_cost(dir: &tempfile::TempDir, path: &std::path::Path, catalog: &Arc<Catalog>, mb: f64, count: usize) {
    let bare = catalog_without(dir, &["x-accord-rules"]);
    assert!(bare.rules.is_empty() || bare.rules.messages.is_empty());
    let mut times = Vec::new();
    for (label, cat) in [("without rules", &bare), ("with rules   ", catalog)] {
        let checker = Checker::new(cat.clone(), CheckOptions::default()).unwrap();
        reset_peak();
        let start = Instant::now();
        let report = run::run(&checker, &[path.display().to_string()], &ReadOptions::default());
        let t = start.elapsed().as_secs_f64();
        assert_eq!(report.summary.exchanges, count);
        println!(
            "accord check, catalog {label}: {:8.1} MB/s  peak {:6.1} MiB  ({} errors)",
            mb / t,
            peak_mib(),
            report.summary.errors
        );
        times.push(t);
    }
    println!("ratio: the rules cost {:.3}x the time of the same catalog without them", times[1] / times[0]);
}

/// `keys` syncStore requests with distinct `requestId`s: peak memory with the
/// idempotency rule and without it, in the same run.
fn idempotency_keys(dir: &tempfile::TempDir, keys: usize) {
    let path = dir.path().join("keys.ndjson");
    {
        let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 0..keys {
            let line = serde_json::json!({"operation": "dstore.syncStore", "request": {"method": "POST", "url": "/v2/pos/syncStore",
                "headers": {"Client-Id": "c1", "Request-Time": "2023-12-20T12:08:56+08:00", "Signature": "algorithm=RSA256, keyVersion=1, signature=x"},
                "body": {"requestId": format!("req-{i:09}"), "posAccountId": "acc-1", "store": {"posStoreId": format!("s{i}"), "status": "OPEN"}}},
                "response": {"status": 200, "body": {"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}}});
            out.write_all(line.to_string().as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    let mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    println!("idempotency keys: {keys} distinct keys, {mb:.1} MB");
    let bare = catalog_without(dir, &["x-accord-idempotency-key"]);
    let keyed = Arc::new(Catalog::builtin().unwrap());
    let mut peaks = Vec::new();
    for (label, cat) in [("without the key rule", &bare), ("with the key rule   ", &keyed)] {
        let checker = Checker::new(cat.clone(), CheckOptions::default()).unwrap();
        reset_peak();
        let start = Instant::now();
        let report = run::run(&checker, &[path.display().to_string()], &ReadOptions::default());
        let t = start.elapsed().as_secs_f64();
        assert_eq!(report.summary.exchanges, keys);
        let peak = peak_mib();
        println!("  {label}: {:8.1} MB/s  peak {:7.1} MiB  ({} errors)", mb / t, peak, report.summary.errors);
        peaks.push(peak);
    }
    println!("  the key rule keeps {:.0} bytes per key at peak", (peaks[1] - peaks[0]) * 1024.0 * 1024.0 / keys as f64);
    std::fs::remove_file(&path).ok();
}

/// One large payload: a Zonos order list of `megabytes`, with one invalid order at the end.
fn single_payload(dir: &tempfile::TempDir, catalog: &Arc<Catalog>, megabytes: usize) {
    let path = dir.path().join("large-payload.json");
    let mut count = 0usize;
    {
        let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
        out.write_all(b"{\"totalCount\": 1, \"orderCount\": 1, \"testOrderCount\": 0, \"orders\": [\n").unwrap();
        let mut written = 0usize;
        while written < megabytes * 1_000_000 {
            let line = format!(
                "  {{\"id\": \"123-{count}\", \"testOrder\": false, \"timestamp\": \"2024-01-01 10:00:00.000\", \"merchantOrderId\": \"M-{count}\", \"orderStatus\": \"VENDOR_SHIPMENT_READY\", \"orderStatusDate\": 1700000000000, \"orderStatusDateString\": \"2024-01-01 10:00:00.000\"}},\n"
            );
            out.write_all(line.as_bytes()).unwrap();
            written += line.len();
            count += 1;
        }
        out.write_all(b"  {\"id\": \"bad\", \"testOrder\": \"no\", \"timestamp\": \"yesterday\"}\n]}\n").unwrap();
    }
    let bytes = std::fs::metadata(&path).unwrap().len() as f64;
    println!("single payload: {:.1} MB, {} orders (one invalid)", bytes / 1e6, count + 1);

    reset_peak();
    let start = Instant::now();
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let base = start.elapsed().as_secs_f64();
    let base_peak = peak_mib();
    assert!(value.is_object());
    drop(value);
    println!("serde_json read + parse into a Value (baseline): {:6.2} s  peak {:7.1} MiB", base, base_peak);

    let checker = Checker::new(
        catalog.clone(),
        CheckOptions { operation: Some("zonos.orderNumbers".into()), strict: false, ..CheckOptions::default() },
    )
    .unwrap();
    let options = ReadOptions {
        kind: Some(accord_validator::capture::InputKind::Payload),
        direction: Some(accord_validator::diagnostic::Direction::Response),
        status: Some(200),
        max_document_bytes: Some(1 << 30),
        ..ReadOptions::default()
    };
    reset_peak();
    let start = Instant::now();
    let report = run::run(&checker, &[path.display().to_string()], &options);
    let full = start.elapsed().as_secs_f64();
    let peak = peak_mib();
    assert_eq!(report.summary.invalid, 1, "the one bad order is found");
    println!(
        "accord check on it:                              {:6.2} s  peak {:7.1} MiB  ({} errors; {:.2}x the time, {:.2}x the memory of the baseline; {:.1}x the file size)",
        full,
        peak,
        report.summary.errors,
        full / base,
        peak / base_peak,
        peak * 1048576.0 / bytes
    );
    // The same payload with the catalog's rules stripped: what the `OrderList` rules cost here.
    let bare = catalog_without(dir, &["x-accord-rules"]);
    let checker = Checker::new(
        bare.clone(),
        CheckOptions { operation: Some("zonos.orderNumbers".into()), strict: false, ..CheckOptions::default() },
    )
    .unwrap();
    reset_peak();
    let start = Instant::now();
    let report = run::run(&checker, &[path.display().to_string()], &options);
    let t = start.elapsed().as_secs_f64();
    println!(
        "the same without rules:                          {:6.2} s  peak {:7.1} MiB  ({} errors; {:.2}x the time of the baseline)",
        t,
        peak_mib(),
        report.summary.errors,
        t / base
    );
}
