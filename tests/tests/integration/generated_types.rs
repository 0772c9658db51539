//! The generated types (`accord-types`) against the validator: for every
//! fixture and thousands of mutations of it, deserializing into the generated
//! type succeeds exactly when the validator finds no error. Also: valid
//! fixtures round-trip unchanged, and decimals keep their digits.

use accord_tests::{files_with_extension, repo_root};
use accord_types::operations::{roundtrip_request, roundtrip_response};
use accord_validator::capture::{BodyText, Exchange, Message};
use accord_validator::diagnostic::Severity;
use accord_validator::{CheckOptions, Checker};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A fixture: operation, direction (`None` = request, `Some(status)` = response) and payload.
pub(crate) struct Fixture {
    pub(crate) file: PathBuf,
    pub(crate) operation: String,
    pub(crate) status: Option<u16>,
    pub(crate) payload: Value,
}

pub(crate) fn fixtures(kind: &str) -> Vec<Fixture> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.join("valid").is_dir()) {
        let operation = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in files_with_extension(&dir.join(kind), "json") {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let head = name.split("--").next().unwrap();
            let status = match head.split_once('-') {
                Some((_, s)) => Some(s.parse().unwrap()),
                None if head == "response" => Some(200),
                None => None,
            };
            let payload: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            out.push(Fixture { file, operation: operation.clone(), status, payload });
        }
    }
    out
}

/// Whether the validator finds no error in the payload.
fn validator_accepts(checkers: &BTreeMap<String, Checker>, f: &Fixture, text: &str) -> bool {
    let message = Message { body: Some(BodyText::standalone(text)), status: f.status, ..Message::default() };
    let exchange = match f.status {
        None => Exchange { request: Some(message), ..Exchange::default() },
        Some(_) => Exchange { response: Some(message), ..Exchange::default() },
    };
    let out = checkers[&f.operation].check("fixture", &exchange);
    // Without headers or a URL, only the payload is checked (body, or the query object of a GET).
    !out.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The typed reading: the value serialized back, or why it was rejected.
fn typed(f: &Fixture, text: &str) -> Result<Value, String> {
    match f.status {
        None => roundtrip_request(&f.operation, text),
        Some(status) => roundtrip_response(&f.operation, status, text),
    }
    .unwrap_or_else(|| panic!("accord-types has no operation {}", f.operation))
}

/// Every `maxLength` in the catalog: strings are mutated to each limit and one past it.
pub(crate) fn length_limits() -> BTreeSet<u64> {
    let mut limits = BTreeSet::new();
    fn walk(v: &Value, limits: &mut BTreeSet<u64>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "maxLength" {
                        limits.extend(x.as_u64());
                    }
                    walk(x, limits);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, limits)),
            _ => {}
        }
    }
    for file in files_with_extension(&repo_root().join("schemas"), "json") {
        walk(&serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap(), &mut limits);
    }
    limits
}

/// JSON pointers of every value in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)
            }
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// The mutations of a payload, each with a label: every key removed, every
/// value swapped for each other JSON type, every string cut to each length
/// limit and one past it, every string misspelt (last character dropped,
/// case changed), and numbers moved off their value.
pub(crate) fn variants(payload: &Value, limits: &BTreeSet<u64>) -> Vec<(String, Value)> {
    let mut out = vec![("original".to_string(), payload.clone())];
    let mut ptrs = Vec::new();
    pointers(payload, String::new(), &mut ptrs);
    let swaps = [
        Value::Null,
        Value::Bool(true),
        serde_json::json!(0),
        serde_json::json!(1.5),
        serde_json::json!("x"),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    for p in &ptrs {
        let current = payload.pointer(p).unwrap().clone();
        let mut set = |label: String, new: Value| {
            let mut copy = payload.clone();
            *copy.pointer_mut(p).unwrap() = new;
            out.push((format!("{p}: {label}"), copy));
        };
        for s in &swaps {
            if std::mem::discriminant(s) != std::mem::discriminant(&current) {
                set(format!("type -> {s}"), s.clone());
            }
        }
        match &current {
            Value::String(s) => {
                for &n in limits.iter().chain(&[0]) {
                    for len in [n, n + 1] {
                        set(format!("length {len}"), Value::String("a".repeat(len as usize)));
                    }
                }
                let mut chars = s.chars();
                chars.next_back();
                set("last character dropped".into(), Value::String(chars.as_str().to_string()));
                set("lower case".into(), Value::String(s.to_lowercase()));
                set("upper case".into(), Value::String(s.to_uppercase()));
            }
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                set("-1".into(), serde_json::json!(-1));
                set("+1".into(), serde_json::json!(n.as_i64().map_or(Value::from(f + 1.0), |i| Value::from(i + 1))));
                set("as a float".into(), serde_json::json!(f + 0.5));
                set("as a string".into(), Value::String(n.to_string()));
            }
            _ => {}
        }
        // Remove the value itself (a key of its parent object).
        if let Some((parent, key)) = p.rsplit_once('/')
            && let Some(Value::Object(_)) = payload.pointer(parent)
        {
            let mut copy = payload.clone();
            let key = key.replace("~1", "/").replace("~0", "~");
            copy.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(&key);
            out.push((format!("{p}: removed"), copy));
        }
    }
    out
}

/// Disagreements that are documented as validator-only, with the reason. Empty: none are expected.
const VALIDATOR_ONLY: &[(&str, &str)] = &[];

#[test]
fn generated_types_accept_exactly_what_the_validator_accepts() {
    let catalog = super::catalog();
    let checkers: BTreeMap<String, Checker> = catalog
        .operations
        .iter()
        .map(|op| {
            let options = CheckOptions { operation: Some(op.id.clone()), strict: true, ..CheckOptions::default() };
            (op.id.clone(), Checker::new(catalog.clone(), options).unwrap())
        })
        .collect();
    let limits = length_limits();
    let (mut total, mut agree, mut accepted) = (0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    for f in fixtures("valid").into_iter().chain(fixtures("invalid")) {
        for (label, variant) in variants(&f.payload, &limits) {
            let text = serde_json::to_string_pretty(&variant).unwrap();
            let valid = validator_accepts(&checkers, &f, &text);
            let typed = typed(&f, &text);
            total += 1;
            accepted += usize::from(valid);
            if valid == typed.is_ok() {
                agree += 1;
            } else {
                let name = f.file.strip_prefix(repo_root()).unwrap().display().to_string();
                disagreements.push(format!(
                    "{name} [{label}]: validator says {}, generated type says {}",
                    if valid { "valid" } else { "invalid" },
                    match &typed {
                        Ok(_) => "valid".to_string(),
                        Err(e) => format!("invalid ({e})"),
                    }
                ));
            }
        }
    }
    println!(
        "fidelity: {agree} of {total} payloads agree ({accepted} valid, {} invalid by the validator); {} disagree",
        total - accepted,
        disagreements.len()
    );
    let unexplained: Vec<&String> =
        disagreements.iter().filter(|d| !VALIDATOR_ONLY.iter().any(|(pattern, _)| d.contains(pattern))).collect();
    assert!(
        unexplained.is_empty(),
        "{} disagreements:\n{}",
        unexplained.len(),
        unexplained.iter().take(40).map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert!(total > 5_000 && accepted > 100 && total - accepted > 1_000, "the variants exercise both sides");
}

#[test]
fn valid_fixtures_round_trip_unchanged() {
    let mut count = 0;
    for f in fixtures("valid") {
        let text = std::fs::read_to_string(&f.file).unwrap();
        let back = typed(&f, &text).unwrap_or_else(|e| panic!("{}: {e}", f.file.display()));
        assert_eq!(back, f.payload, "{} does not round-trip", f.file.display());
        count += 1;
    }
    assert!(count >= 30, "{count} valid fixtures");
}

#[test]
fn decimals_round_trip_digit_for_digit() {
    use accord_types::tuya::QueryOrderDetailsResponse;
    let body = r#"{"success": true, "t": 1700000000000, "result": {"mall_code": "m", "shop_code": "s", "order_id": "o",
        "total_price": 12345678901234567.89, "subtotal_price": "19.99", "current_total_price": 0.1}}"#;
    let response: QueryOrderDetailsResponse = serde_json::from_str(body).unwrap();
    let text = serde_json::to_string(&response).unwrap();
    for digits in ["12345678901234567.89", "\"19.99\"", "0.1"] {
        assert!(text.contains(digits), "{digits} not kept in {text}");
    }
    let QueryOrderDetailsResponse::QueryOrderDetailsSuccess(success) = response else { panic!("success envelope") };
    assert_eq!(success.result.total_price.unwrap().get().as_str(), "12345678901234567.89");
    // A decimal string that is not a decimal is rejected.
    assert!(serde_json::from_str::<QueryOrderDetailsResponse>(&body.replace("\"19.99\"", "\"19,99\"")).is_err());
}

#[test]
fn sensitive_values_never_show_in_debug_output() {
    use accord_types::xoxoday::GetOrderDetailsResponse;
    use accord_types::zonos::OrderNumbersRequest;
    let request: OrderNumbersRequest = serde_json::from_str(
        r#"{"store": 7, "secret": "123e4567-e89b-12d3-a456-426614174000", "sinceDate": "20240101"}"#,
    )
    .unwrap();
    let shown = format!("{request:?} {request:#?}");
    assert!(!shown.contains("123e4567"), "{shown}");
    assert!(shown.contains("OrderNumbersRequestSecret(<redacted>)"), "{shown}");
    assert_eq!(request.secret.as_str(), "123e4567-e89b-12d3-a456-426614174000", "still readable on purpose");

    let text = std::fs::read_to_string(
        repo_root().join("tests/fixtures/xoxoday.getOrderDetails/valid/response-200--sample.json"),
    )
    .unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let code = value.pointer("/data/getOrderDetails/data/vouchers/0/voucherCode").and_then(Value::as_str).unwrap();
    let response: GetOrderDetailsResponse = serde_json::from_str(&text).unwrap();
    assert!(!format!("{response:?}").contains(code), "voucher code {code} leaks through Debug");
}

/// The generated operation's `check_exchange` reports the rule ids and
/// messages the validator reports, exchange by exchange.
#[test]
fn check_exchange_agrees_with_the_validator() {
    use accord_types::operations::ZonosOrderNumbers;
    use accord_validator::{ReadOptions, run};
    let file = repo_root().join("validator/tests/fixtures/rules/zonos-statuses.ndjson");
    let checker = Checker::new(super::catalog(), CheckOptions::default()).unwrap();
    let report = run::run(&checker, &[file.display().to_string()], &ReadOptions::default());
    let mut by_validator: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| d.code == "rule" && d.severity == Severity::Error) {
        let (id, message) = d.message.strip_prefix("rule `").unwrap().split_once("` is broken: ").unwrap();
        by_validator.entry(d.entry.unwrap()).or_default().push((id.to_string(), message.to_string()));
    }
    let mut by_types: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
    for (i, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
        let e: Value = serde_json::from_str(line).unwrap();
        let lower = |h: &Value| -> Value {
            h.as_object().map_or(Value::Object(Default::default()), |m| {
                m.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect::<serde_json::Map<_, _>>().into()
            })
        };
        let request = serde_json::json!({"method": "POST", "path": "/v1/orderNumbers", "query": {}, "params": {},
            "headers": lower(&e["request"]["headers"]), "body": e["request"]["body"]});
        let response = serde_json::json!({"status": e["response"]["status"], "headers": lower(&e["response"]["headers"]),
            "body": e["response"]["body"]});
        let failures = ZonosOrderNumbers::check_exchange(&request, &response);
        if !failures.is_empty() {
            by_types.insert(i, failures);
        }
    }
    assert_eq!(by_validator.len(), 2, "{by_validator:?}");
    assert_eq!(by_types, by_validator);
}

/// A decimal of up to 4 digits and 2 places, as a JSON number, or as a string when `text`.
fn amount() -> impl proptest::strategy::Strategy<Value = (i64, u32, bool)> {
    use proptest::prelude::*;
    (0i64..20_000, 0u32..3, any::<bool>())
}

fn amount_json((units, scale, text): (i64, u32, bool)) -> Value {
    let s = rust_decimal::Decimal::new(units, scale).to_string();
    if text { Value::String(s) } else { serde_json::from_str(&s).unwrap() }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// For random amounts and counts, a message rule's verdict in the
    /// validator equals the generated type's (near misses included: the
    /// amounts are drawn so that many are exactly right).
    #[test]
    fn rule_verdicts_agree_with_the_generated_types(
        total in amount(), discount in amount(), charged in amount(), percent in amount(),
        exact in proptest::prelude::any::<bool>(),
        flags in proptest::collection::vec(proptest::prelude::any::<bool>(), 0..6),
        counts in (0u64..7, 0u64..7, 0u64..14), honest in proptest::prelude::any::<bool>(),
    ) {
        let catalog = super::catalog();
        let checkers: BTreeMap<String, Checker> = ["xoxoday.getOrderDetails", "zonos.orderNumbers"]
            .iter()
            .map(|id| (id.to_string(), Checker::new(catalog.clone(), CheckOptions { operation: Some(id.to_string()), strict: true, ..CheckOptions::default() }).unwrap()))
            .collect();
        // Xoxoday: half the time the charge is exactly total - discount.
        let mut details = serde_json::json!({"orderId": 1, "orderStatus": "complete", "deliveryStatus": "pending",
            "orderTotal": amount_json((total.0, total.1, false)), "orderDiscount": amount_json((discount.0, discount.1, false)),
            "discountPercent": amount_json((percent.0 % 10_000, percent.1, false)), "amountCharged": amount_json(charged)});
        if exact {
            let t = rust_decimal::Decimal::new(total.0, total.1);
            let d = rust_decimal::Decimal::new(discount.0, discount.1);
            details["amountCharged"] = Value::String((t - d).to_string());
        }
        let xoxo = serde_json::json!({"data": {"getOrderDetails": {"status": 1, "data": details}}});
        // Zonos: half the time the counts match the flags.
        let orders: Vec<Value> = flags.iter().enumerate()
            .map(|(i, t)| serde_json::json!({"id": format!("1-{i}"), "testOrder": t, "timestamp": "2015-01-01 00:33:14.0"}))
            .collect();
        let (live, test) = (flags.iter().filter(|t| !**t).count() as u64, flags.iter().filter(|t| **t).count() as u64);
        let (o, t, all) = if honest { (live, test, live + test) } else { counts };
        let zonos = serde_json::json!({"totalCount": all, "orderCount": o, "testOrderCount": t, "orders": orders});
        for (op, payload) in [("xoxoday.getOrderDetails", xoxo), ("zonos.orderNumbers", zonos)] {
            let f = Fixture { operation: op.to_string(), status: Some(200), file: PathBuf::new(), payload: Value::Null };
            let text = serde_json::to_string_pretty(&payload).unwrap();
            let valid = validator_accepts(&checkers, &f, &text);
            let typed = typed(&f, &text);
            proptest::prop_assert_eq!(valid, typed.is_ok(), "{}: {} / {:?}", op, text, typed.err());
        }
    }
}

/// What `accord diff --level source` says of a response enum that gains a
/// value, shown on the crate generated by `build.rs` from the built-in
/// catalog: the closed enum generated before rejects the new value, where a
/// reader of plain JSON would not notice (the wire level calls it a warning).
#[test]
fn a_generated_closed_enum_rejects_a_value_the_contract_adds() {
    use accord_types::dstore::OrderStatus;
    let known: OrderStatus = serde_json::from_str("\"COMPLETED\"").unwrap();
    assert_eq!(known, OrderStatus::Completed);
    let added = serde_json::from_str::<OrderStatus>("\"REFUNDED\"");
    assert!(added.is_err(), "a closed enum must reject a value it does not list");
    // The open list (x-accord-knownValues) keeps it instead.
    let open: accord_types::dstore::ResultCode = serde_json::from_str("\"SOME_NEW_CODE\"").unwrap();
    assert_eq!(open, accord_types::dstore::ResultCode::Other("SOME_NEW_CODE".into()));
}
