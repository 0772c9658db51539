//! The fast path against jsonschema on any text: the first byte picks one of
//! the built-in catalog's JSON body schemas, the rest is the document.
//! Whenever the fast path answers, it must be jsonschema's answer: `Valid`
//! only for text that parses and is valid, `Invalid` only for text that
//! parses and is invalid. (`Unknown` is always allowed: the full path decides.)
#![no_main]

use accord_validator::catalog::Catalog;
use accord_validator::validate::compile;
use accord_validator::validate::fast::{FastValidator, Verdict};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn pairs() -> &'static [(String, FastValidator, jsonschema::Validator)] {
    static PAIRS: OnceLock<Vec<(String, FastValidator, jsonschema::Validator)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let catalog: &'static Catalog = Box::leak(Box::new(Catalog::builtin().expect("built-in catalog")));
        let mut uris: Vec<String> = Vec::new();
        for op in &catalog.operations {
            uris.extend(op.request_schema.clone());
            let bodies = op.request_body.iter().chain(op.responses.values().filter_map(|r| r.body.as_ref()));
            uris.extend(bodies.flat_map(|b| &b.media).filter_map(|m| m.schema_uri.clone()));
        }
        uris.sort();
        uris.dedup();
        uris.into_iter()
            .map(|uri| {
                let fast = FastValidator::new(catalog, &uri, true).expect("a fast path");
                let full = compile(catalog, &uri, true).expect("compiles");
                (uri, fast, full)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let pairs = pairs();
    let (uri, fast, full) = &pairs[first as usize % pairs.len()];
    let verdict = fast.check(text);
    if verdict == Verdict::Unknown {
        return;
    }
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("{uri}: the fast path says {verdict:?} on text that does not parse: {e}"),
    };
    assert_eq!(full.is_valid(&value), verdict == Verdict::Valid, "{uri}: the fast path says {verdict:?}");
});
