//! The fast path against the full path on any text, through the engine's
//! public API: the first byte picks a message of the built-in catalog (an
//! operation's request, or one of its documented responses), the rest is the
//! body. A checker with the fast path and one without it must give the same
//! verdict and the same findings, whatever the text (the full path is
//! jsonschema's judgement). The fast path reads on its default front end,
//! the SIMD structural index; every SIMD width available here must build
//! the same index as the byte-at-a-time reference on the same text.
#![no_main]

use accord_validator::capture::index::{Index, Width, reference};
use accord_validator::{Catalog, CheckOptions, Checker, Exchange, Message};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

struct Setup {
    fast: Checker,
    full: Checker,
    /// (operation, `None` for the request or `Some(status)` for a response).
    messages: Vec<(String, Option<u16>)>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let catalog = Arc::new(Catalog::builtin().expect("built-in catalog"));
        let mut messages = Vec::new();
        for op in &catalog.operations {
            messages.push((op.id.clone(), None));
            messages.extend(op.responses.keys().filter_map(|s| s.parse().ok()).map(|s| (op.id.clone(), Some(s))));
        }
        let fast = Checker::new(catalog.clone(), CheckOptions::default()).expect("schemas compile");
        let full = Checker::new(catalog, CheckOptions { no_fast_path: true, ..CheckOptions::default() })
            .expect("schemas compile");
        Setup { fast, full, messages }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let expected = reference(rest).map(|i| (i.positions, i.escapes));
    for width in Width::ALL.into_iter().filter(|w| w.available()) {
        let mut index = Index::default();
        let got = index.build_with(rest, width).map(|()| (index.positions, index.escapes));
        assert_eq!(got, expected, "stage one with {} differs from the reference", width.name());
    }
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let setup = setup();
    let (operation, status) = &setup.messages[first as usize % setup.messages.len()];
    let message = match status {
        None => Message::request("POST", "/").with_body(text),
        Some(s) => Message::response(*s).with_body(text),
    };
    let exchange = match status {
        None => Exchange::new(Some(message), None),
        Some(_) => Exchange::new(None, Some(message)),
    };
    let exchange = Exchange { operation: Some(operation.clone()), ..exchange };
    let (fast, full) = (setup.fast.check("fuzz", &exchange), setup.full.check("fuzz", &exchange));
    assert_eq!((fast.valid, fast.invalid), (full.valid, full.invalid), "{operation} {status:?}: verdicts differ");
    assert_eq!(fast.diagnostics, full.diagnostics, "{operation} {status:?}: findings differ");
});
