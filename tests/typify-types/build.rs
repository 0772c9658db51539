//! Generates one module per schema of typify's test suite (vendored in
//! `../fixtures/typify-schemas/` with its licence), through the generator's
//! public builder as any `build.rs` would. A schema the generator refuses is
//! recorded with its error (the test checks which and why), never dropped.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../fixtures/typify-schemas");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the vendored schemas are readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut modules = String::new();
    let mut table = String::from("/// Every schema, in file order.\npub static SCHEMAS: &[Schema] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().expect("a file name").to_string_lossy().into_owned();
        let module = name.trim_end_matches(".json").replace('-', "_");
        match accord_codegen::Generator::new().schema_file(file).generate() {
            Ok(g) => {
                let source = out.join(format!("{module}.rs"));
                std::fs::write(&source, &g.source).expect("OUT_DIR is writable");
                writeln!(
                    modules,
                    "/// Types of `{name}`.\n#[allow(clippy::all)]\npub mod {module} {{ include!({:?}); }}",
                    source.display().to_string()
                )
                .expect("write to string");
                writeln!(
                    table,
                    "    Schema {{ file: {name:?}, outcome: Ok(Stats {{ types: {}, lines: {}, validator_only: {} }}) }},",
                    g.types,
                    g.source.lines().count(),
                    g.validator_only.len()
                )
                .expect("write to string");
            }
            Err(e) => {
                writeln!(table, "    Schema {{ file: {name:?}, outcome: Err({:?}) }},", e.to_string())
                    .expect("write to string");
            }
        }
    }
    table.push_str("];\n");
    std::fs::write(out.join("schemas.rs"), format!("{modules}\n{table}")).expect("write schemas.rs");
}
