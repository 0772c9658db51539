//! How long generating the built-in catalog takes, and what the generated
//! crate costs to build, each next to a baseline measured in the same run.
//!
//! `cargo bench -p accord-codegen --bench generate [-- --no-build]`
//!
//! 1. Generation: `Generator::generate` on `schemas/` (load, convert, emit,
//!    prettyplease), against reading and parsing the same files with
//!    serde_json alone. Median of 30 runs each.
//!    The same on typify's `github.json` (GitHub's webhook payloads, 456 KB,
//!    vendored under `tests/fixtures/typify-schemas/`): median of 5 runs.
//! 2. Build: after touching one schema file, `cargo build -p accord-types`
//!    (rerun the build script, recompile the generated crate) against, after
//!    touching `validator/src/lib.rs`, `cargo build -p accord-validator --lib`.
//!    Dev profile, dependencies already built; median of 3 runs each.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

fn time<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn touch(path: &Path) {
    let file = std::fs::File::options().append(true).open(path).expect("file to touch");
    file.set_modified(std::time::SystemTime::now()).expect("set mtime");
}

fn cargo_build(root: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet"])
        .args(args)
        .current_dir(root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build {args:?} failed");
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let schemas = root.join("schemas");
    let files: Vec<PathBuf> = {
        let mut out = Vec::new();
        let mut stack = vec![schemas.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    out.push(p);
                }
            }
        }
        out
    };
    let bytes: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();

    let parse = time(30, || {
        for f in &files {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            std::hint::black_box(v);
        }
    });
    let generator = accord_codegen::Generator::new().schema_dir(&schemas);
    let mut generated = None;
    let generate = time(30, || generated = Some(generator.generate().unwrap()));
    let generated = generated.unwrap();
    println!(
        "catalog: {} files, {:.1} KB of JSON -> {} types, {} operations, {} lines of Rust",
        files.len(),
        bytes as f64 / 1e3,
        generated.types,
        generated.operations,
        generated.source.lines().count()
    );
    println!("read + parse with serde_json (baseline): {:8.2} ms", parse.as_secs_f64() * 1e3);
    println!(
        "accord-codegen generate:                 {:8.2} ms  ({:.1}x the baseline)",
        generate.as_secs_f64() * 1e3,
        generate.as_secs_f64() / parse.as_secs_f64()
    );

    // A large schema nobody here wrote.
    let github = root.join("tests/fixtures/typify-schemas/github.json");
    let github_bytes = std::fs::metadata(&github).unwrap().len();
    let parse = time(5, || {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&github).unwrap()).unwrap();
        std::hint::black_box(v);
    });
    let generator = accord_codegen::Generator::new().schema_file(&github);
    let mut generated = None;
    let generate = time(5, || generated = Some(generator.generate().unwrap()));
    let generated = generated.unwrap();
    println!(
        "github.json: {:.1} KB of JSON -> {} types, {} lines of Rust ({} keywords validator-only)",
        github_bytes as f64 / 1e3,
        generated.types,
        generated.source.lines().count(),
        generated.validator_only.len()
    );
    println!("read + parse with serde_json (baseline): {:8.2} ms", parse.as_secs_f64() * 1e3);
    println!(
        "accord-codegen generate:                 {:8.2} ms  ({:.1}x the baseline)",
        generate.as_secs_f64() * 1e3,
        generate.as_secs_f64() / parse.as_secs_f64()
    );

    if std::env::args().any(|a| a == "--no-build") {
        return;
    }
    // Warm up: everything built once, so only the touched crate rebuilds.
    cargo_build(&root, &["-p", "accord-types", "-p", "accord-validator"]);
    let schema = schemas.join("dstore/common.schema.json");
    let types = time(3, || {
        touch(&schema);
        cargo_build(&root, &["-p", "accord-types"]);
    });
    let validator_lib = root.join("validator/src/lib.rs");
    let validator = time(3, || {
        touch(&validator_lib);
        cargo_build(&root, &["-p", "accord-validator", "--lib"]);
    });
    println!(
        "rebuild accord-types after a schema change (build script + generated crate): {:6.2} s",
        types.as_secs_f64()
    );
    println!(
        "rebuild accord-validator lib after a source change (baseline):              {:6.2} s  (accord-types takes {:.2}x)",
        validator.as_secs_f64(),
        types.as_secs_f64() / validator.as_secs_f64()
    );
}
