//! Properties over arbitrary JSON (proptest): sent to every operation, as a
//! request and as each documented response, checking never panics; every
//! reported instance path resolves in the payload; every reported
//! line:column points inside the payload's text. Payloads are both wholly
//! arbitrary and fixtures with an arbitrary value grafted in.

use accord_tests::{files_with_extension, repo_root};
use accord_validator::capture::{BodyText, Exchange, Message};
use accord_validator::diagnostic::{Part, PositionBase};
use accord_validator::{CheckOptions, Checker};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub(crate) fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![Just("S"), Just("SUCCESS"), Just("ACCEPTED"), Just("2024-01-01T00:00:00Z"), Just("é\u{1F600}\n\"")]
            .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-zA-Z_]{1,10}",
                    Just("result".to_string()),
                    Just("secret".to_string()),
                    Just("orderStatus".to_string()),
                    Just("success".to_string()),
                    Just("data".to_string()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

struct Setup {
    checkers: BTreeMap<String, Checker>,
    statuses: BTreeMap<String, Vec<u16>>,
    fixtures: Vec<Value>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let catalog = super::catalog();
        let mut checkers = BTreeMap::new();
        let mut statuses = BTreeMap::new();
        for op in &catalog.operations {
            let options = CheckOptions { operation: Some(op.id.clone()), strict: true, ..CheckOptions::default() };
            checkers.insert(op.id.clone(), Checker::new(catalog.clone(), options).unwrap());
            let codes: Vec<u16> = op.responses.keys().filter_map(|s| s.parse().ok()).collect();
            statuses.insert(op.id.clone(), codes);
        }
        let fixtures = files_with_extension(&repo_root().join("tests/fixtures"), "json")
            .into_iter()
            .filter(|f| f.to_string_lossy().contains("/valid/") || f.to_string_lossy().contains("/invalid/"))
            .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
            .collect();
        Setup { checkers, statuses, fixtures }
    })
}

/// Checks `text` against every operation in every direction and asserts the location properties.
fn check_everywhere(text: &str) -> Result<(), TestCaseError> {
    let s = setup();
    let value: Option<Value> = serde_json::from_str(text).ok();
    let lines: Vec<&str> = text.split('\n').collect();
    for (id, checker) in &s.checkers {
        let mut messages = vec![(None, Message { body: Some(BodyText::standalone(text)), ..Message::default() })];
        for status in &s.statuses[id] {
            let m = Message { status: Some(*status), body: Some(BodyText::standalone(text)), ..Message::default() };
            messages.push((Some(*status), m));
        }
        for (status, message) in messages {
            let exchange = match status {
                None => Exchange { request: Some(message), ..Exchange::default() },
                Some(_) => Exchange { response: Some(message), ..Exchange::default() },
            };
            let out = checker.check("prop", &exchange);
            for d in out.diagnostics.iter().filter(|d| matches!(d.part, Some(Part::Body) | Some(Part::Query))) {
                if let (Some(path), Some(v)) = (&d.instance_path, &value)
                    && d.code != "parse"
                {
                    prop_assert!(v.pointer(path).is_some(), "{id}: {path} does not resolve in {text}");
                }
                if let (Some(line), Some(column)) = (d.line, d.column) {
                    prop_assert_eq!(d.position_in, Some(PositionBase::Payload));
                    prop_assert!(line >= 1 && line <= lines.len(), "{id}: line {line} of {}", lines.len());
                    let chars = lines[line - 1].chars().count();
                    prop_assert!(column >= 1 && column <= chars + 1, "{id}: column {column} of a {chars}-char line");
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_and_locations_resolve(value in json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { serde_json::to_string(&value).unwrap() };
        check_everywhere(&text)?;
    }

    #[test]
    fn fixtures_with_arbitrary_grafts(index in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), graft in json()) {
        let fixtures = &setup().fixtures;
        let mut payload = fixtures[index.index(fixtures.len())].clone();
        let mut pointers = Vec::new();
        fn walk(v: &Value, at: String, out: &mut Vec<String>) {
            out.push(at.clone());
            match v {
                Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
                Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, format!("{at}/{i}"), out)),
                _ => {}
            }
        }
        walk(&payload, String::new(), &mut pointers);
        let pointer = &pointers[at.index(pointers.len())];
        *payload.pointer_mut(pointer).unwrap() = graft;
        check_everywhere(&serde_json::to_string_pretty(&payload).unwrap())?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}|\\{\"[a-z]{1,8}\": \\PC{0,24}") {
        check_everywhere(&text)?;
    }
}
