//! Generates one module of types per group of the JSON-Schema-Test-Suite's
//! required draft 2020-12, 2019-09, -07, -06 and -04 tests, through the
//! generator's public builder, the way any `build.rs` would: each group's
//! schema is written to a file (naming its draft in `$schema` where the suite
//! leaves it implied by the folder) and generated with the suite's remotes
//! served by `map` (no network). A group the generator refuses is recorded
//! with its error, never dropped.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let suite = manifest.join("../fixtures/json-schema-test-suite");
    let remotes = suite.join("remotes");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut modules = String::new();
    let mut table = String::from(
        "/// Every group of the required suites, in draft and file order.\npub static GROUPS: &[Group] = &[\n",
    );
    let drafts = [
        ("draft2020-12", None),
        ("draft2019-09", Some("https://json-schema.org/draft/2019-09/schema")),
        ("draft7", Some("http://json-schema.org/draft-07/schema#")),
        ("draft6", Some("http://json-schema.org/draft-06/schema#")),
        ("draft4", Some("http://json-schema.org/draft-04/schema#")),
    ];
    // Every draft is ~2,000 modules and a six-minute build on two cores; the
    // default (what `cargo test --workspace` and CI build) is 2020-12, -07 and
    // -04. `ACCORD_SUITE_DRAFTS=all` builds the five.
    println!("cargo:rerun-if-env-changed=ACCORD_SUITE_DRAFTS");
    let all = std::env::var("ACCORD_SUITE_DRAFTS").is_ok_and(|v| v == "all");
    let drafts = drafts.into_iter().filter(|(d, _)| all || matches!(*d, "draft2020-12" | "draft7" | "draft4"));
    for (draft, dialect) in drafts {
        let tests = suite.join("tests").join(draft);
        println!("cargo:rerun-if-changed={}", tests.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&tests)
            .expect("the vendored suite is readable")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
            let stem = file.file_stem().expect("a file name").to_string_lossy().into_owned();
            let groups: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(file).expect("readable")).expect("the suite is JSON");
            for (i, group) in groups.iter().enumerate() {
                let module =
                    format!("{}_{}_{i}", draft.replace('-', "_"), stem.replace(['-', '.'], "_").to_lowercase());
                let dir = out.join("groups").join(&module);
                std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
                let schema = dir.join("schema.json");
                let mut value = group["schema"].clone();
                if let (Some(dialect), Some(map)) = (dialect, value.as_object_mut()) {
                    map.entry("$schema").or_insert_with(|| dialect.into());
                }
                std::fs::write(&schema, serde_json::to_string_pretty(&value).expect("JSON")).expect("write");
                let generated = accord_codegen::Generator::new()
                    .schema_file(&schema)
                    .map("http://localhost:1234/", &remotes)
                    .generate();
                let description = group["description"].as_str().unwrap_or_default();
                match generated {
                    Ok(g) => {
                        let source = dir.join("types.rs");
                        std::fs::write(&source, &g.source).expect("write");
                        writeln!(
                        modules,
                        "/// Types of {draft}/{stem}.json, group {i}.\n#[allow(clippy::all)]\npub mod {module} {{ include!({:?}); }}",
                        source.display().to_string()
                    )
                        .expect("write to string");
                        let check = match g.root_types.first() {
                            Some((_, ty)) => format!(
                                "|v| ::serde_json::from_value::<{module}::{ty}>(v.clone()).map(|_| ()).map_err(|e| e.to_string())"
                            ),
                            None => "|_| Ok(())".to_string(),
                        };
                        let unenforced: Vec<String> =
                            g.validator_only.iter().map(|u| format!("{} ({})", u.keyword, u.loc.pointer)).collect();
                        writeln!(
                        table,
                        "    Group {{ draft: {draft:?}, file: {:?}, index: {i}, description: {description:?}, schema: {:?}, outcome: Ok({check}), validator_only: &{unenforced:?} }},",
                        format!("{stem}.json"),
                        schema.display().to_string(),
                    )
                    .expect("write to string");
                    }
                    Err(e) => {
                        writeln!(
                        table,
                        "    Group {{ draft: {draft:?}, file: {:?}, index: {i}, description: {description:?}, schema: {:?}, outcome: Err({:?}), validator_only: &[] }},",
                        format!("{stem}.json"),
                        schema.display().to_string(),
                        e.to_string(),
                    )
                    .expect("write to string");
                    }
                }
            }
        }
    }
    table.push_str("];\n");
    std::fs::write(out.join("groups.rs"), format!("{modules}\n{table}")).expect("write groups.rs");
}
