//! Baselines for the side-by-side bench (`bench/peers.sh`): one thread over a
//! JSON Lines file, reading it line by line as Accord does.
//!
//! `cargo run --release -p accord-validator --example scan -- MODE FILE [SCHEMA]`
//!
//! MODE is `scan` (serde_json into `IgnoredAny`: the parse alone, the
//! practical limit), `value` (serde_json into `Value`), `jsonschema`
//! (`Value`, then jsonschema's `is_valid`), `sonic` (sonic-rs building its
//! own DOM, `sonic_rs::Value`, used natively), `index` (the fast path's
//! SIMD structural index alone), `walk` (the index and a grammar walk
//! along it, judging nothing), `fast` (Accord's fast path alone, on the
//! structural index) or `fast-serde` (the fast path on its first front end,
//! serde_json's parser); the fast modes count the documents judged valid.
//! Prints `MODE BYTES SECONDS DOCUMENTS VALID` on one line.

use accord_catalog::RootBuilder;
use accord_validator::capture::index::{Cursor, Index};
use accord_validator::contract::Catalog;
use accord_validator::validate::fast::{FastValidator, FrontEnd, Verdict};
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, file) = match args.as_slice() {
        [mode, file, ..] => (mode.as_str(), file.as_str()),
        _ => {
            eprintln!("usage: scan scan|value|sonic|jsonschema|index|walk|fast|fast-serde FILE [SCHEMA]");
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
        "sonic" => Box::new(|line| sonic_rs::from_str::<sonic_rs::Value>(line).is_ok()),
        "index" => {
            let index = std::cell::RefCell::new(Index::default());
            Box::new(move |line| index.borrow_mut().build(line.as_bytes()).is_ok())
        }
        "walk" => {
            let index = std::cell::RefCell::new(Index::default());
            Box::new(move |line| {
                let mut index = index.borrow_mut();
                if index.build(line.as_bytes()).is_err() {
                    return false;
                }
                let mut cursor = Cursor::new(line, &index.positions, index.escapes);
                cursor.skip().is_ok() && cursor.done()
            })
        }
        "fast" | "fast-serde" => {
            let (catalog, uri) = loaded.as_ref().expect("fast needs a SCHEMA");
            let fast = FastValidator::new(catalog, uri, true).expect("it has a fast path");
            let front = if mode == "fast" { FrontEnd::Index } else { FrontEnd::Serde };
            Box::new(move |line| fast.check_with(line, front) == Verdict::Valid)
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
