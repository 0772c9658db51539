//! One request through the proxy: where it goes, how its bodies are tapped
//! or held, how the exchange is checked, and what the client gets back.

use super::upstream::ProxyBody;
use super::{Mode, Shared, tunnel};
use crate::capture::read_envelope;
use crate::diagnostic::{Diagnostic, Direction, Severity};
use crate::live::{BoxError, Captured, Collected, Observed, Problem, Seen, TapBody, collect_limited, problem_json};
use crate::validate::Outcome;
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode, Uri, Version};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::oneshot;

/// Where the requests of a connection come from.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The listener: reverse, or forward (absolute-form URLs and CONNECT).
    Listener,
    /// Inside an intercepted CONNECT tunnel to this authority.
    Intercepted(http::uri::Authority),
}

/// The hyper service of one connection.
#[derive(Clone)]
pub(crate) struct ProxyService {
    shared: Arc<Shared>,
    target: Target,
}

pub(crate) fn service(shared: Arc<Shared>, target: Target) -> ProxyService {
    ProxyService { shared, target }
}

impl hyper::service::Service<Request<Incoming>> for ProxyService {
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response<ProxyBody>, Infallible>> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let shared = self.shared.clone();
        let target = self.target.clone();
        Box::pin(async move { Ok(handle(shared, target, req).await) })
    }
}

/// Counts an exchange in flight until it has been checked (dropped).
pub(crate) struct InFlight(Arc<Shared>);

impl InFlight {
    pub(crate) fn new(shared: &Arc<Shared>) -> Self {
        shared.counters.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.counters.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(crate) fn empty() -> ProxyBody {
    Empty::<Bytes>::new().map_err(|never| match never {}).boxed()
}

fn full(bytes: impl Into<Bytes>) -> ProxyBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

/// An RFC 9457 answer.
pub(crate) fn problem(problem: Problem, detail: &str, findings: &[Diagnostic]) -> Response<ProxyBody> {
    let mut response = Response::new(full(problem_json(problem, detail, findings)));
    *response.status_mut() = StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::BAD_GATEWAY);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

async fn handle(shared: Arc<Shared>, target: Target, req: Request<Incoming>) -> Response<ProxyBody> {
    shared.touch();
    if req.method() == Method::CONNECT {
        return match (&shared.config.mode, &target) {
            (Mode::Forward { ca }, Target::Listener) => tunnel::connect(shared.clone(), ca.clone(), req).await,
            _ => problem(Problem::Request, "CONNECT is answered only by a forward proxy (--forward)", &[]),
        };
    }
    let (uri, url) = match resolve(&shared.config.mode, &target, req.uri()) {
        Ok(found) => found,
        Err(why) => return problem(Problem::Request, &why, &[]),
    };
    let guard = InFlight::new(&shared);
    if shared.config.enforce || shared.config.annotate {
        held(shared, req, uri, url, guard).await
    } else {
        streamed(shared, req, uri, url, guard).await
    }
}

/// The upstream URI of a request, and the URL the engine routes by.
fn resolve(mode: &Mode, target: &Target, uri: &Uri) -> Result<(Uri, String), String> {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    match (mode, target) {
        (_, Target::Intercepted(authority)) => {
            let url = format!("https://{authority}{path}");
            Ok((url.parse().map_err(|e| format!("cannot forward to {url}: {e}"))?, url))
        }
        (Mode::Reverse { upstream }, Target::Listener) => {
            let base = upstream.path().trim_end_matches('/');
            let scheme = upstream.scheme_str().unwrap_or("http");
            let authority = upstream.authority().map_or("", |a| a.as_str());
            let full = format!("{scheme}://{authority}{base}{path}");
            // Routed as the client asked: the path it sent, relative to the proxy.
            Ok((full.parse().map_err(|e| format!("cannot forward to {full}: {e}"))?, path.to_string()))
        }
        (Mode::Forward { .. }, Target::Listener) => match (uri.scheme_str(), uri.authority()) {
            (Some("http" | "https"), Some(_)) => Ok((uri.clone(), uri.to_string())),
            _ => Err(format!(
                "`{uri}` is not an absolute http:// URL: this is a forward proxy (set HTTP_PROXY/HTTPS_PROXY to it, or run it without --forward)"
            )),
        },
    }
}

const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "transfer-encoding",
    "upgrade",
];

/// Removes what belongs to one connection only (RFC 9110 §7.6.1), keeping
/// an upgrade's `Connection`/`Upgrade` pair.
fn strip_hop_by_hop(headers: &mut HeaderMap, upgrade: bool) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
        .filter(|n| !(upgrade && n == header::UPGRADE))
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        if upgrade && (name == "connection" || name == "upgrade") {
            continue;
        }
        headers.remove(name);
    }
}

fn is_upgrade<B>(req: &Request<B>) -> bool {
    req.headers().get(header::UPGRADE).is_some()
        && req
            .headers()
            .get_all(header::CONNECTION)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("upgrade")))
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/event-stream"))
}

/// The response head of an event stream, its body counted unchecked.
fn event_stream(parts: &http::response::Parts) -> Seen {
    Seen::response(parts, Captured::Omitted("text/event-stream: an open-ended stream".into()))
}

fn upstream_request(parts: &http::request::Parts, uri: Uri, body: ProxyBody, upgrade: bool) -> Request<ProxyBody> {
    let mut request = Request::new(body);
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = uri;
    // The client picks HTTP/2 by ALPN where the upstream offers it.
    *request.version_mut() = Version::HTTP_11;
    let mut headers = parts.headers.clone();
    // `TE: trailers` is per hop, and this hop passes trailers on: say so
    // upstream when the client said so.
    let trailers = headers
        .get_all(header::TE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("trailers")));
    strip_hop_by_hop(&mut headers, upgrade);
    if trailers {
        headers.insert(header::TE, HeaderValue::from_static("trailers"));
    }
    // The client sets Host from the upstream URI.
    headers.remove(header::HOST);
    *request.headers_mut() = headers;
    request
}

fn client_response(mut parts: http::response::Parts, body: ProxyBody) -> Response<ProxyBody> {
    let upgrade = parts.status == StatusCode::SWITCHING_PROTOCOLS;
    strip_hop_by_hop(&mut parts.headers, upgrade);
    parts.version = Version::HTTP_11;
    Response::from_parts(parts, body)
}

fn tapped(body: Incoming, limit: usize) -> (ProxyBody, oneshot::Receiver<Captured>) {
    let (tx, rx) = oneshot::channel();
    let body = TapBody::new(body, limit, move |captured| {
        let _ = tx.send(captured);
    });
    (body.map_err(|e| Box::new(e) as BoxError).boxed(), rx)
}

async fn captured(rx: oneshot::Receiver<Captured>) -> Captured {
    rx.await.unwrap_or_else(|_| Captured::Omitted("the body was cut short".into()))
}

/// Checks an exchange as `accord check` will read it: through the recording
/// when there is one (positions in the recording), else on its own. Also
/// says which source and entry its findings name.
fn check(shared: &Shared, observed: &Observed) -> (Outcome, String, usize) {
    let checker = shared.session.checker();
    if let Some(recorder) = &shared.config.recorder {
        let label = recorder.path().display().to_string();
        match recorder.record(observed) {
            Ok((entry, line)) => {
                if let Ok(exchange) = read_envelope(&line, entry + 1, Some(entry)) {
                    return (checker.check(&label, &exchange), label, entry);
                }
            }
            Err(e) => shared.session.push_finding(Diagnostic::error(
                "io",
                format!("cannot append this exchange to the recording: {e}"),
                label,
            )),
        }
    }
    let entry = shared.counters.next_entry.fetch_add(1, Ordering::Relaxed);
    (checker.check(&shared.source, &observed.exchange(entry)), shared.source.clone(), entry)
}

/// Folds a checked exchange into the session.
fn conclude(shared: &Shared, outcome: Outcome) {
    shared.session.push_outcome(outcome);
    shared.counters.exchanges.fetch_add(1, Ordering::Relaxed);
    shared.touch();
    shared.activity.notify_waiters();
}

/// An upstream that could not be reached: 502, and a finding of its own.
fn upstream_failed(shared: &Shared, request: Seen, uri: &Uri, error: &dyn std::fmt::Display) -> Response<ProxyBody> {
    let observed = Observed { request, response: None };
    let (outcome, file, entry) = check(shared, &observed);
    let detail = format!("the upstream {uri} could not be reached: {error}");
    let mut finding = Diagnostic::error("upstream", detail.clone(), file).with_entry(Some(entry));
    finding.direction = Some(Direction::Response);
    conclude(shared, outcome);
    shared.session.push_finding(finding.clone());
    problem(Problem::Upstream, &detail, &[finding])
}

fn said_once(flag: &std::sync::atomic::AtomicBool) -> bool {
    !flag.swap(true, Ordering::Relaxed)
}

/// A WebSocket (or other) upgrade: the two upgraded connections are joined
/// and the frames pass unchecked.
fn pass_upgrade(
    shared: &Arc<Shared>,
    client: hyper::upgrade::OnUpgrade,
    mut response: Response<Incoming>,
) -> Response<ProxyBody> {
    let upstream = hyper::upgrade::on(&mut response);
    shared.counters.websockets.fetch_add(1, Ordering::Relaxed);
    let note = said_once(&shared.counters.said_websocket).then(|| {
        Diagnostic::new(
            Severity::Warning,
            "unchecked",
            "a connection upgrade (WebSocket) passed through: its frames are not checked against the contract (each one is counted unchecked)",
            shared.source.clone(),
        )
    });
    shared.session.push_unchecked(note);
    shared.counters.exchanges.fetch_add(1, Ordering::Relaxed);
    shared.activity.notify_waiters();
    tokio::spawn(async move {
        if let (Ok(a), Ok(b)) = (client.await, upstream.await) {
            let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(a), &mut TokioIo::new(b)).await;
        }
    });
    let (parts, _) = response.into_parts();
    client_response(parts, empty())
}

/// Pass-through: bodies stream both ways while a copy is kept (up to
/// `--max-body`); the exchange is checked when the response ends.
async fn streamed(
    shared: Arc<Shared>,
    mut req: Request<Incoming>,
    uri: Uri,
    url: String,
    guard: InFlight,
) -> Response<ProxyBody> {
    let upgrade = is_upgrade(&req);
    let client_upgrade = upgrade.then(|| hyper::upgrade::on(&mut req));
    let (parts, body) = req.into_parts();
    let mut request = Seen::request(&parts, url, Captured::Complete(Bytes::new()));
    let (body, req_rx) = tapped(body, shared.config.max_body);
    let response = match shared.client.request(upstream_request(&parts, uri.clone(), body, upgrade)).await {
        Ok(response) => response,
        Err(e) => {
            request.body = captured(req_rx).await;
            return upstream_failed(&shared, request, &uri, &DisplayChain(&e));
        }
    };
    if let (Some(client), StatusCode::SWITCHING_PROTOCOLS) = (client_upgrade, response.status()) {
        drop(guard);
        return pass_upgrade(&shared, client, response);
    }
    let (parts, body) = response.into_parts();
    if is_event_stream(&parts.headers) {
        let seen = event_stream(&parts);
        let task = shared.clone();
        tokio::spawn(async move {
            request.body = captured(req_rx).await;
            let (outcome, ..) = check(&task, &Observed { request, response: Some(seen) });
            conclude(&task, outcome);
            drop(guard);
        });
        return client_response(parts, body.map_err(|e| Box::new(e) as BoxError).boxed());
    }
    let head = Seen::response(&parts, Captured::Complete(Bytes::new()));
    let (body, resp_rx) = tapped(body, shared.config.max_body);
    let task = shared.clone();
    tokio::spawn(async move {
        request.body = captured(req_rx).await;
        let mut response = head;
        response.body = captured(resp_rx).await;
        let (outcome, ..) = check(&task, &Observed { request, response: Some(response) });
        conclude(&task, outcome);
        drop(guard);
    });
    client_response(parts, body)
}

fn boxed_parts(collected: Collected<Incoming>, max: usize) -> (ProxyBody, Captured) {
    let (replay, captured) = collected.into_parts(max);
    (replay.map_err(|e| Box::new(e) as BoxError).boxed(), captured)
}

/// Held: bodies are collected (up to `--max-body`) so the exchange can be
/// judged before it is passed on (`--enforce`, `--annotate`).
async fn held(
    shared: Arc<Shared>,
    mut req: Request<Incoming>,
    uri: Uri,
    url: String,
    guard: InFlight,
) -> Response<ProxyBody> {
    let upgrade = is_upgrade(&req);
    let client_upgrade = upgrade.then(|| hyper::upgrade::on(&mut req));
    let (parts, body) = req.into_parts();
    let max = shared.config.max_body;
    let (forward, body) = match collect_limited(body, max).await {
        Ok(collected) => boxed_parts(collected, max),
        Err(e) => {
            drop(guard);
            return problem(Problem::Request, &format!("the request body could not be read: {e}"), &[]);
        }
    };
    let request = Seen::request(&parts, url, body);
    if shared.config.enforce && matches!(request.body, Captured::Complete(_)) {
        let alone = Observed { request: request.clone(), response: None };
        let before = shared.session.checker().check(&shared.source, &alone.exchange(0));
        if before.diagnostics.iter().any(|d| d.severity == Severity::Error && d.direction == Some(Direction::Request)) {
            let (outcome, ..) = check(&shared, &alone);
            let findings: Vec<Diagnostic> =
                outcome.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
            let mut answer =
                problem(Problem::Request, "the request breaks the API contract; it was not forwarded", &findings);
            annotate(&shared, &mut answer, &outcome);
            conclude(&shared, outcome);
            return answer;
        }
    }
    let response = match shared.client.request(upstream_request(&parts, uri.clone(), forward, upgrade)).await {
        Ok(response) => response,
        Err(e) => return upstream_failed(&shared, request, &uri, &DisplayChain(&e)),
    };
    if let (Some(client), StatusCode::SWITCHING_PROTOCOLS) = (client_upgrade, response.status()) {
        drop(guard);
        return pass_upgrade(&shared, client, response);
    }
    let (parts, body) = response.into_parts();
    if is_event_stream(&parts.headers) {
        let seen = event_stream(&parts);
        let (outcome, ..) = check(&shared, &Observed { request, response: Some(seen) });
        let mut answer = client_response(parts, body.map_err(|e| Box::new(e) as BoxError).boxed());
        annotate(&shared, &mut answer, &outcome);
        conclude(&shared, outcome);
        return answer;
    }
    let (forward, captured) = match collect_limited(body, max).await {
        Ok(collected) => boxed_parts(collected, max),
        Err(e) => {
            let request = request.clone();
            return upstream_failed(&shared, request, &uri, &format!("its response body could not be read: {e}"));
        }
    };
    let seen = Seen::response(&parts, captured);
    let (outcome, ..) = check(&shared, &Observed { request, response: Some(seen) });
    let broken: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.direction == Some(Direction::Response))
        .cloned()
        .collect();
    let mut answer = if shared.config.enforce && !broken.is_empty() {
        problem(Problem::Response, "the upstream's response breaks the API contract; it was replaced", &broken)
    } else {
        client_response(parts, forward)
    };
    annotate(&shared, &mut answer, &outcome);
    conclude(&shared, outcome);
    drop(guard);
    answer
}

/// `--annotate`: `Accord-Findings: errors=N, warnings=M, codes="a b"`.
fn annotate(shared: &Shared, response: &mut Response<ProxyBody>, outcome: &Outcome) {
    if !shared.config.annotate {
        return;
    }
    let count = |s: Severity| outcome.diagnostics.iter().filter(|d| d.severity == s).count();
    let mut codes: Vec<&str> =
        outcome.diagnostics.iter().filter(|d| d.severity != Severity::Note).map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let value = format!(
        "errors={}, warnings={}, codes=\"{}\"",
        count(Severity::Error),
        count(Severity::Warning),
        codes.join(" ")
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(HeaderName::from_static("accord-findings"), value);
    }
}

/// An error with its sources, as one line.
struct DisplayChain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(e) = source {
            write!(f, ": {e}")?;
            source = e.source();
        }
        Ok(())
    }
}
