//! The benches' corpus: NDJSON envelopes built from the repository's fixtures
//! (8 templates, 2 of them invalid), each naming its operation.

/// One envelope line per fixture.
pub fn lines() -> Vec<String> {
    with_invalid(true)
}

/// The valid templates only (every body one the fast path judges).
#[allow(dead_code)]
pub fn valid_lines() -> Vec<String> {
    with_invalid(false)
}

/// The invalid templates' texts.
const INVALID: [&str; 3] = [
    include_str!("../../../tests/fixtures/dstore.inquireOrderDetail/invalid/response-200--enum.json"),
    include_str!("../../../tests/fixtures/tuya.queryOrderDetails/invalid/response-200--type-quantity.json"),
    include_str!("../../../tests/fixtures/zonos.orderNumbers/invalid/request--cross-field-both-selectors.json"),
];

fn with_invalid(invalid: bool) -> Vec<String> {
    let fixtures = [
        (
            "dstore.inquireOrderDetail",
            "response",
            include_str!("../../../tests/fixtures/dstore.inquireOrderDetail/valid/response-200--sample.json"),
        ),
        (
            "dstore.inquireOrderDetail",
            "response",
            include_str!("../../../tests/fixtures/dstore.inquireOrderDetail/invalid/response-200--enum.json"),
        ),
        (
            "dstore.syncStore",
            "request",
            include_str!("../../../tests/fixtures/dstore.syncStore/valid/request--sample-create-store.json"),
        ),
        (
            "tuya.queryOrderDetails",
            "response",
            include_str!("../../../tests/fixtures/tuya.queryOrderDetails/valid/response-200--sample.json"),
        ),
        (
            "tuya.queryOrderDetails",
            "response",
            include_str!("../../../tests/fixtures/tuya.queryOrderDetails/invalid/response-200--type-quantity.json"),
        ),
        (
            "zonos.orderNumbers",
            "response",
            include_str!("../../../tests/fixtures/zonos.orderNumbers/valid/response-200--sample-statuses.json"),
        ),
        (
            "zonos.orderNumbers",
            "request",
            include_str!("../../../tests/fixtures/zonos.orderNumbers/invalid/request--cross-field-both-selectors.json"),
        ),
        (
            "xoxoday.getOrderDetails",
            "response",
            include_str!("../../../tests/fixtures/xoxoday.getOrderDetails/valid/response-200--sample.json"),
        ),
    ];
    fixtures
        .iter()
        .filter(|(_, _, text)| invalid || !INVALID.contains(text))
        .map(|(op, dir, text)| {
            let body: serde_json::Value = serde_json::from_str(text).unwrap();
            let msg = if *dir == "request" {
                serde_json::json!({"method": "POST", "url": "/", "body": body})
            } else {
                serde_json::json!({"status": 200, "body": body})
            };
            serde_json::to_string(&serde_json::json!({"operation": op, *dir: msg})).unwrap()
        })
        .collect()
}
