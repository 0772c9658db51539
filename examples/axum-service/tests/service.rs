//! The tower layer in a real axum server on loopback, called by a real
//! client: findings reach a callback or a session, and enforcement answers
//! problem+json.

use accord_axum_example::{app, checker};
use accord_validator::layer::CheckLayer;
use accord_validator::{Diagnostic, Report, Session};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn serve(layer: CheckLayer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(layer)).await });
    addr
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Waits (bounded) until `ready` holds: a response's check runs when its body ends.
async fn eventually(ready: impl Fn() -> bool) {
    for _ in 0..500 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 5 s");
}

#[tokio::test]
async fn findings_reach_the_callback_and_traffic_is_not_altered() {
    let seen: Arc<Mutex<Vec<Diagnostic>>> = Arc::default();
    let sink = seen.clone();
    let addr = serve(CheckLayer::new(checker().unwrap()).on_finding(move |d| sink.lock().unwrap().push(d))).await;
    let ok = client().get(format!("http://{addr}/orders/o-1")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let bad = client().get(format!("http://{addr}/orders/o-bad")).send().await.unwrap();
    assert_eq!(bad.status(), 200, "without enforcement the layer never alters traffic");
    assert_eq!(bad.text().await.unwrap(), r#"{"id":"o-bad","status":"lost"}"#);
    eventually(|| !seen.lock().unwrap().is_empty()).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!((seen[0].code.as_str(), seen[0].instance_path.as_deref()), ("enum", Some("/status")));
    assert_eq!(seen[0].operation.as_deref(), Some("getOrder"));
}

#[tokio::test]
async fn a_session_counts_every_exchange() {
    let session = Arc::new(Session::new(checker().unwrap(), Report::default()));
    let addr = serve(CheckLayer::new(checker().unwrap()).session(session.clone())).await;
    for id in ["a", "b-bad", "c"] {
        client().get(format!("http://{addr}/orders/{id}")).send().await.unwrap().bytes().await.unwrap();
    }
    client().get(format!("http://{addr}/nowhere")).send().await.unwrap().bytes().await.unwrap();
    eventually(|| session.summary().exchanges == 4).await;
    let summary = session.summary();
    assert_eq!((summary.valid, summary.invalid, summary.unrouted, summary.errors), (5, 1, 1, 1));
}

#[tokio::test]
async fn enforcement_replaces_a_response_that_breaks_the_contract() {
    let addr = serve(CheckLayer::new(checker().unwrap()).enforce(true)).await;
    let bad = client().get(format!("http://{addr}/orders/o-bad")).send().await.unwrap();
    assert_eq!(bad.status(), 502);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/status");
    let ok = client().get(format!("http://{addr}/orders/o-1")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), r#"{"id":"o-1","status":"open"}"#);
}

#[tokio::test]
async fn coverage_inside_the_service_counts_what_its_traffic_reached() {
    use accord_validator::coverage::{Coverage, Kind, State};
    let checker = Arc::try_unwrap(checker().unwrap()).unwrap();
    let coverage = Arc::new(Coverage::new(checker.catalog()));
    let checker = Arc::new(checker.with_coverage(coverage.clone()));
    let addr = serve(CheckLayer::new(checker.clone())).await;
    for path in ["/orders/o-1", "/orders/o-2-bad", "/nowhere/42"] {
        client().get(format!("http://{addr}{path}")).send().await.unwrap().bytes().await.unwrap();
    }
    eventually(|| coverage.exchanges() == 3).await;
    let report = coverage.report(checker.catalog());
    let get_order = report.operations.iter().find(|o| o.id == "getOrder").unwrap();
    assert_eq!(get_order.state, State::Covered);
    let value = |label: &str| get_order.units.iter().find(|u| u.label.ends_with(label)).map(|u| u.state);
    assert_eq!(value("/status = \"open\""), Some(State::Covered), "{:#?}", get_order.units);
    assert_eq!(value("/status = \"shipped\""), Some(State::NotCovered));
    let operations = report.kind(Kind::Operation).unwrap();
    assert_eq!((operations.covered, operations.units), (1, 1), "{operations:?}");
    assert_eq!(report.missing_in_spec[0].template, "/nowhere/{id}");
}
