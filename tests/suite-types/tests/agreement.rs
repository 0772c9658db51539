//! "Deserializes exactly when valid", measured on schemas nobody here wrote:
//! every case of the JSON-Schema-Test-Suite's required draft 2020-12, 2019-09,
//! -07, -06 and -04 tests is
//! read with the type `accord-codegen` generated for its group (see
//! `build.rs`), and the verdict is compared with the suite's and with the
//! validator's (the library `accord check --schema` runs) on the same schema file.
//!
//! The default build covers 2020-12, draft-07 and draft-04;
//! `ACCORD_SUITE_DRAFTS=all cargo test -p accord-suite-types -- --nocapture`
//! adds 2019-09 and draft-06 (a six-minute build on two cores).
//!
//! A disagreement is allowed only in a group where the generator itself
//! listed a keyword as validator-only; everything is counted per keyword
//! file and printed (`cargo test -p accord-suite-types -- --nocapture`).

use accord_suite_types::{GROUPS, Group};
use accord_validator::contract::{Catalog, RootBuilder};
use accord_validator::validate::Checker;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/json-schema-test-suite")
}

#[derive(Default)]
struct PerFile {
    cases: usize,
    agree: usize,
    agree_with_validator: usize,
    explained: usize,
    refused_cases: usize,
    validator_disagrees: usize,
}

fn validator_verdicts(group: &Group, cases: &[Value]) -> Vec<bool> {
    let builder = RootBuilder::new().map("http://localhost:1234/", suite().join("remotes"));
    let (catalog, uri) = Catalog::from_schema_file(builder, Path::new(group.schema)).expect("the schema loads");
    let checker = Checker::for_schema(catalog, &uri, false).expect("the schema compiles");
    cases
        .iter()
        .map(|case| {
            let text: Arc<str> = Arc::from(serde_json::to_string(&case["data"]).unwrap());
            checker.check_document("case.json", text).invalid == 0
        })
        .collect()
}

#[test]
fn generated_types_deserialize_exactly_when_valid() {
    let mut files: BTreeMap<(&str, &str), Vec<Value>> = BTreeMap::new();
    let mut per_file: BTreeMap<(&str, &str), PerFile> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut refused = Vec::new();
    for group in GROUPS {
        let groups = files.entry((group.draft, group.file)).or_insert_with(|| {
            let text = std::fs::read_to_string(suite().join("tests").join(group.draft).join(group.file)).unwrap();
            serde_json::from_str(&text).unwrap()
        });
        let cases = groups[group.index]["tests"].as_array().unwrap().clone();
        let tally = per_file.entry((group.draft, group.file)).or_default();
        let check = match group.outcome {
            Ok(check) => check,
            Err(e) => {
                tally.cases += cases.len();
                tally.refused_cases += cases.len();
                refused.push(format!("{}/{} #{} {}: {e}", group.draft, group.file, group.index, group.description));
                continue;
            }
        };
        let validator = validator_verdicts(group, &cases);
        for (case, by_validator) in cases.iter().zip(validator) {
            let expected = case["valid"].as_bool().unwrap();
            let generated = check(&case["data"]).is_ok();
            tally.cases += 1;
            if by_validator != expected {
                tally.validator_disagrees += 1;
            }
            if generated == by_validator {
                tally.agree_with_validator += 1;
            }
            if generated == expected {
                tally.agree += 1;
            } else if !group.validator_only.is_empty() {
                tally.explained += 1;
            } else {
                unexplained.push(format!(
                    "{}/{} #{} {} / {}: generated type says {}, suite says {} (data {})",
                    group.draft,
                    group.file,
                    group.index,
                    group.description,
                    case["description"].as_str().unwrap_or(""),
                    if generated { "valid" } else { "invalid" },
                    if expected { "valid" } else { "invalid" },
                    case["data"]
                ));
            }
        }
    }
    println!("{:<48} {:>6} {:>6} {:>9} {:>8}", "keyword file", "cases", "agree", "listed", "refused");
    let mut by_draft: BTreeMap<&str, PerFile> = BTreeMap::new();
    for ((draft, file), t) in &per_file {
        println!(
            "{:<48} {:>6} {:>6} {:>9} {:>8}",
            format!("{draft}/{file}"),
            t.cases,
            t.agree,
            t.explained,
            t.refused_cases
        );
        let d = by_draft.entry(draft).or_default();
        d.cases += t.cases;
        d.agree += t.agree;
        d.agree_with_validator += t.agree_with_validator;
        d.explained += t.explained;
        d.refused_cases += t.refused_cases;
        assert_eq!(t.validator_disagrees, 0, "{draft}/{file}: the validator disagrees with the suite");
    }
    let mut cases = 0;
    for (draft, d) in &by_draft {
        println!(
            "{draft}: {} of {} cases agree with the suite ({:.1}%) and {} with the validator; {} disagree where the generator listed a keyword as validator-only; {} in refused groups",
            d.agree,
            d.cases,
            100.0 * d.agree as f64 / d.cases as f64,
            d.agree_with_validator,
            d.explained,
            d.refused_cases
        );
        cases += d.cases;
    }
    for r in &refused {
        println!("  refused: {r}");
    }
    for u in &unexplained {
        println!("  UNEXPLAINED: {u}");
    }
    assert!(cases > 2500, "the suites were read");
    assert!(unexplained.is_empty(), "{} cases disagree with no keyword listed as validator-only", unexplained.len());
}
