//! The engine's public API exercised from another crate, as an embedder
//! (a proxy, a service middleware) would: one checker shared by threads, a
//! session fed from two threads, findings received as they are made and in
//! order, capture rules judged at the end; and no command-line crate linked.

use accord_embedder_example::{builtin_checker, session, sync_store};
use accord_validator::{Checker, Diagnostic, Session, Severity, Sink};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A diagnostic's place in report order.
type SortKey = (String, Option<usize>, u8, usize, usize, String, String);

const OK: &str = r#"{"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}}"#;

fn request(id: &str, status: &str) -> String {
    format!(
        r#"{{"requestId": "{id}", "posAccountId": "acc-1", "store": {{"posStoreId": "s-1", "status": "{status}"}}}}"#
    )
}

#[test]
fn the_checker_and_a_session_can_be_shared_by_threads_and_tasks() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Checker>();
    shared::<Session<std::sync::mpsc::Sender<Diagnostic>>>();
}

#[test]
fn a_session_fed_from_two_threads_sends_findings_in_order_and_judges_capture_rules_at_the_end() {
    let checker = builtin_checker().expect("the built-in catalog loads and compiles");
    let (session, findings) = session(checker.clone());
    // Thread "a": 40 exchanges; every 10th has two errors (a bad enum and a
    // number where a string is due). Thread "b": 40 exchanges whose request
    // ids repeat the ones before them with another body from entry 20 on
    // (idempotency keys reused: a capture-rule error each).
    let session = Arc::new(session);
    std::thread::scope(|scope| {
        let a = session.clone();
        scope.spawn(move || {
            for i in 0..40 {
                let body = if i % 10 == 0 {
                    format!(r#"{{"requestId": 7{i}, "posAccountId": "acc-1", "store": {{"posStoreId": "s-1", "status": "SHUT"}}}}"#)
                } else {
                    request(&format!("a{i}"), "OPEN")
                };
                let tally = a.push("thread-a", &sync_store(i, &body, 200, OK));
                assert_eq!(tally.errors, if i % 10 == 0 { 2 } else { 0 }, "entry {i}");
            }
        });
        let b = session.clone();
        scope.spawn(move || {
            for i in 0..40 {
                let (id, status) = if i < 20 { (format!("b{i}"), "OPEN") } else { (format!("b{}", i - 20), "CLOSED") };
                let tally = b.push("thread-b", &sync_store(i, &request(&id, status), 200, OK));
                assert_eq!((tally.errors, tally.valid), (0, 2), "entry {i}: capture rules wait for the end");
            }
        });
    });
    let session = Arc::into_inner(session).expect("the threads are done");
    let finished = session.finish().expect("the channel was open");
    drop(finished.sink); // closes the channel
    let received: Vec<Diagnostic> = findings.iter().collect();

    // Every finding the threads made arrived, and no capture-rule finding among them.
    let errors: Vec<&Diagnostic> = received.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 8, "{errors:#?}");
    assert!(errors.iter().all(|d| d.file == "thread-a" && d.entry.is_some_and(|e| e % 10 == 0)));
    assert!(received.iter().all(|d| d.code != "idempotency"));
    // In order: each source's entries never go back, and one exchange's findings come by position.
    let mut last: BTreeMap<&str, (Option<usize>, SortKey)> = BTreeMap::new();
    for d in &received {
        let key = d.sort_key();
        if let Some((entry, before)) = last.get(d.file.as_str()) {
            assert!(*entry <= d.entry, "{} went back from entry {entry:?} to {:?}", d.file, d.entry);
            if *entry == d.entry {
                assert!(*before <= key, "findings of one exchange out of position order: {before:?} then {key:?}");
            }
        }
        last.insert(&d.file, (d.entry, key));
    }

    // Capture rules, judged by finish: entries 20..40 of thread-b reuse a key with another body.
    let entries: Vec<Option<usize>> = finished.captures.iter().map(|d| d.entry).collect();
    assert_eq!(entries, (20..40).map(Some).collect::<Vec<_>>());
    assert!(finished.captures.iter().all(|d| d.code == "idempotency" && d.file == "thread-b"));
    assert!(
        finished.captures[0].message.contains("first used at thread-b entry #1"),
        "{}",
        finished.captures[0].message
    );

    let s = &finished.summary;
    assert_eq!((s.exchanges, s.payloads), (80, 160));
    // 4 invalid requests on thread a, 20 requests on thread b made invalid by the capture rule.
    assert_eq!((s.invalid, s.valid), (24, 136));
    assert_eq!(s.errors, 8 + 20);
}

#[test]
fn a_stream_of_files_reaches_the_sink_in_report_order_whatever_the_thread_count() {
    let checker = builtin_checker().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/captures");
    let inputs = vec![dir.display().to_string()];
    let run = |threads: usize| {
        let pool = rayon_pool(threads);
        pool.install(|| {
            let mut got: Vec<Diagnostic> = Vec::new();
            let mut sink = accord_validator::FnSink(|d| got.push(d));
            let ended = accord_validator::run::stream(
                &checker,
                &inputs,
                &accord_validator::ReadOptions::default(),
                &accord_validator::run::NoProgress,
                &mut sink,
            )
            .unwrap();
            (got, ended.summary)
        })
    };
    let (one, summary) = run(1);
    let (two, again) = run(2);
    assert_eq!(one, two);
    assert_eq!(summary, again);
    assert!(summary.errors > 0 && one.len() as u64 == (summary.errors + summary.warnings) as u64 + notes(&one));
    let keys: Vec<_> = one.iter().map(|d| (d.file.clone(), d.entry)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "file by file, entry by entry");
}

fn notes(findings: &[Diagnostic]) -> u64 {
    findings.iter().filter(|d| d.severity == Severity::Note).count() as u64
}

/// A rayon pool of `threads` threads (the engine checks batches with rayon,
/// in the pool it is called from).
fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

#[test]
fn linking_the_engine_pulls_in_no_command_line_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["tree", "--offline", "-p", "accord-embedder-example", "-e", "normal", "--prefix", "none"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("accord-validator"), "{tree}");
    for cli in ["clap ", "clap_complete", "clap_mangen", "indicatif", "anyhow"] {
        assert!(!tree.lines().any(|l| l.starts_with(cli)), "{cli} is linked:\n{tree}");
    }
}

/// The sink trait is object-safe and implementable outside the crate.
struct Count(usize);

impl Sink for Count {
    fn finding(&mut self, _: Diagnostic) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
}

#[test]
fn an_embedder_can_write_its_own_sink() {
    let checker = builtin_checker().unwrap();
    let session = Session::new(checker, Count(0));
    session.push("svc", &sync_store(0, &request("x", "NOPE"), 200, OK));
    let finished = session.finish().unwrap();
    assert_eq!(finished.sink.0, 1);
    assert_eq!(finished.summary.errors, 1);
}
