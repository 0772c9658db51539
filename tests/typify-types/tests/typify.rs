//! The generator on typify's test schemas: every schema generates (and this
//! crate compiled them all under `#![deny(warnings)]`), except those whose
//! references do not resolve under the JSON Schema specification: typify
//! resolves `#/components/schemas/X` and `#/$definitions/X` by the last name,
//! the specification by JSON pointer, and these documents have no
//! `components` and no `$definitions`. Those are refused, naming the reference.

use accord_typify_types::SCHEMAS;

#[test]
fn every_schema_generates_and_compiles_but_those_with_unresolvable_references() {
    let mut refused = Vec::new();
    for s in SCHEMAS {
        match &s.outcome {
            Ok(stats) => println!(
                "{:<36} {:>5} types {:>7} lines {:>3} validator-only",
                s.file, stats.types, stats.lines, stats.validator_only
            ),
            Err(e) => {
                println!("{:<36} refused: {e}", s.file);
                refused.push((s.file, *e));
            }
        }
    }
    assert_eq!(SCHEMAS.len(), 22, "every vendored schema was tried");
    let files: Vec<&str> = refused.iter().map(|(f, _)| *f).collect();
    assert_eq!(files, ["merged-schemas.json", "types-with-defaults.json", "various-enums.json"]);
    for (file, e) in &refused {
        assert!(e.starts_with(file), "the error names the file: {e}");
        assert!(e.contains("`$ref` #/components/schemas/") || e.contains("`$ref` #/$definitions/"), "{e}");
        assert!(e.contains("points at nothing"), "{e}");
    }
}

#[test]
fn github_webhooks_output_size() {
    let github = SCHEMAS.iter().find(|s| s.file == "github.json").unwrap();
    let stats = github.outcome.as_ref().unwrap();
    // typify generates 1,148 types for this schema; see the README for the comparison.
    println!("github.json: {} types, {} lines", stats.types, stats.lines);
    assert!(stats.types > 500, "{stats:?}");
}
