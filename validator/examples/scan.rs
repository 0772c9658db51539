//! Baselines for the side-by-side bench (`bench/peers.sh`): one thread over a
//! JSON Lines file, reading it line by line as Accord does.
//!
//! `cargo run --release -p accord-validator --example scan -- MODE FILE [SCHEMA]`
//!
//! MODE is `scan` (serde_json into `IgnoredAny`: the parse alone, the
//! practical limit), `value` (serde_json into `Value`), `jsonschema`
//! (`Value`, then jsonschema's `is_valid`) or `fast` (Accord's fast path
//! alone; prints how many documents it judged valid). Prints
//! `MODE BYTES SECONDS DOCUMENTS` on one line.

use accord_catalog::RootBuilder;
use accord_validator::contract::Catalog;
use accord_validator::validate::fast::{FastValidator, Verdict};
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, file) = match args.as_slice() {
        [mode, file, ..] => (mode.as_str(), file.as_str()),
        _ => {
            eprintln!("usage: scan scan|value|jsonschema|fast FILE [SCHEMA]");
            std::process::exit(2);
        }
    };
    let schema = args.get(2).map(Path::new);
    let loaded = schema.map(|s| Catalog::from_schema_file(RootBuilder::new(), s).expect("the schema loads"));
    let start = Instant::now();
    let reader = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(file).expect("the file opens"));
    let (mut bytes, mut documents, mut valid) = (0usize, 0usize, 0usize);
    let judge: Box<dyn Fn(&str) -> bool> = match mode {
        "scan" => Box::new(|line| serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()),
        "value" => Box::new(|line| serde_json::from_str::<serde_json::Value>(line).is_ok()),
        "jsonschema" => {
            let (catalog, uri) = loaded.as_ref().expect("jsonschema needs a SCHEMA");
            let validator = accord_validator::validate::compile_generic(catalog, uri, true).expect("it compiles");
            Box::new(move |line| serde_json::from_str(line).is_ok_and(|v| validator.is_valid(&v)))
        }
        "fast" => {
            let (catalog, uri) = loaded.as_ref().expect("fast needs a SCHEMA");
            let fast = FastValidator::new(catalog, uri, true).expect("it has a fast path");
            Box::new(move |line| fast.check(line) == Verdict::Valid)
        }
        other => panic!("unknown mode {other}"),
    };
    for line in reader.lines() {
        let line = line.expect("the file reads");
        bytes += line.len() + 1;
        documents += 1;
        valid += usize::from(judge(&line));
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{mode} {bytes} {seconds:.3} {documents} {valid}");
}
