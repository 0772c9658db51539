//! The same checks inside a Rust service: a `tower` layer that holds the
//! requests and responses of an `axum` or `hyper` service to the contract.
//!
//! ```no_run
//! use accord_validator::layer::CheckLayer;
//! use accord_validator::{Catalog, CheckOptions, Checker};
//! use std::sync::Arc;
//!
//! let checker = Arc::new(Checker::new(Catalog::load("schemas".as_ref())?, CheckOptions::default())?);
//! let layer = CheckLayer::new(checker)
//!     .on_finding(|finding| eprintln!("{}: {}", finding.code, finding.message))
//!     .enforce(true);
//! // axum: Router::new().route(...).layer(layer)
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Without enforcement the layer never alters traffic: bodies stream
//! through while a copy (up to [`CheckLayer::max_body`]) is kept, and the
//! exchange is checked when the response body ends. With
//! [`CheckLayer::enforce`], the request is read first: one that breaks the
//! contract is answered `400` (RFC 9457 `application/problem+json`) without
//! calling the service, and a response that breaks it is replaced by `502`.

use crate::diagnostic::{Diagnostic, Direction, Severity};
use crate::live::{BoxError, Captured, Observed, Problem, Seen, TapBody, collect_limited, problem_json};
use crate::run::Sink;
use crate::validate::{Checker, Outcome};
use crate::{Exchange, Session};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

/// The body type of requests the layer passes to the service, and of the
/// responses it returns.
pub type LayerBody = UnsyncBoxBody<Bytes, BoxError>;

/// Where the layer's outcomes go.
trait Report: Send + Sync {
    fn outcome(&self, outcome: Outcome);
}

impl<S: Sink + Send> Report for Session<S> {
    fn outcome(&self, outcome: Outcome) {
        self.push_outcome(outcome);
    }
}

struct Callback<F>(F);

impl<F: Fn(Diagnostic) + Send + Sync> Report for Callback<F> {
    fn outcome(&self, outcome: Outcome) {
        let mut findings = outcome.diagnostics;
        findings.sort_by_cached_key(Diagnostic::sort_key);
        for d in findings {
            (self.0)(d);
        }
    }
}

struct Shared {
    checker: Arc<Checker>,
    report: Option<Arc<dyn Report>>,
    enforce: bool,
    max_body: usize,
    source: String,
    next: AtomicUsize,
}

impl Shared {
    fn check(&self, observed: &Observed) -> Outcome {
        let entry = self.next.fetch_add(1, Ordering::Relaxed);
        self.checker.check(&self.source, &observed.exchange(entry))
    }

    fn report(&self, outcome: Outcome) {
        if let Some(report) = &self.report {
            report.outcome(outcome);
        }
    }
}

/// A `tower::Layer` that checks every exchange of the service it wraps.
#[derive(Clone)]
pub struct CheckLayer {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for CheckLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckLayer").field("enforce", &self.shared.enforce).finish_non_exhaustive()
    }
}

impl CheckLayer {
    /// A layer checking with `checker`; findings go nowhere until
    /// [`CheckLayer::on_finding`] or [`CheckLayer::session`] says where.
    pub fn new(checker: Arc<Checker>) -> Self {
        CheckLayer {
            shared: Arc::new(Shared {
                checker,
                report: None,
                enforce: false,
                max_body: 16 << 20,
                source: "service".into(),
                next: AtomicUsize::new(0),
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Arc::try_unwrap(self.shared).unwrap_or_else(|arc| Shared {
            checker: arc.checker.clone(),
            report: arc.report.clone(),
            enforce: arc.enforce,
            max_body: arc.max_body,
            source: arc.source.clone(),
            next: AtomicUsize::new(arc.next.load(Ordering::Relaxed)),
        });
        change(&mut shared);
        CheckLayer { shared: Arc::new(shared) }
    }

    /// Calls `f` with each finding, as each exchange is checked (in position order).
    pub fn on_finding(self, f: impl Fn(Diagnostic) + Send + Sync + 'static) -> Self {
        self.with(|s| s.report = Some(Arc::new(Callback(f))))
    }

    /// Pushes each exchange into `session` (counts, limits, capture rules,
    /// its sink), as `accord check` and `accord proxy` do.
    pub fn session<S: Sink + Send + 'static>(self, session: Arc<Session<S>>) -> Self {
        self.with(|s| s.report = Some(session as Arc<dyn Report>))
    }

    /// Answer contract-breaking requests with 400 and replace
    /// contract-breaking responses with 502 (`application/problem+json`).
    pub fn enforce(self, enforce: bool) -> Self {
        self.with(|s| s.enforce = enforce)
    }

    /// Bodies over `bytes` pass unchecked (default 16 MiB).
    pub fn max_body(self, bytes: usize) -> Self {
        self.with(|s| s.max_body = bytes)
    }

    /// The source name findings carry (default `service`).
    pub fn source(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.with(|s| s.source = name)
    }
}

impl<S> tower_layer::Layer<S> for CheckLayer {
    type Service = CheckService<S>;

    fn layer(&self, inner: S) -> CheckService<S> {
        CheckService { inner, shared: self.shared.clone() }
    }
}

/// The service [`CheckLayer`] wraps around another.
#[derive(Clone)]
pub struct CheckService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> std::fmt::Debug for CheckService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckService").finish_non_exhaustive()
    }
}

fn boxed<B>(body: B) -> LayerBody
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    body.map_err(Into::into).boxed_unsync()
}

fn problem(problem: Problem, detail: &str, findings: &[Diagnostic]) -> Response<LayerBody> {
    let mut response = Response::new(boxed(Full::new(Bytes::from(problem_json(problem, detail, findings)))));
    *response.status_mut() = StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::BAD_GATEWAY);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

fn errors(outcome: &Outcome, direction: Direction) -> Vec<Diagnostic> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.direction == Some(direction))
        .cloned()
        .collect()
}

fn url_of<B>(req: &Request<B>) -> String {
    req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string()
}

type Slot = Arc<Mutex<Option<Captured>>>;

/// The inner service's future, boxed: its type stays out of the state of
/// the layer's own future (which must be `Send` for every lifetime).
fn erased<T: 'static>(future: impl Future<Output = T> + Send + 'static) -> Pin<Box<dyn Future<Output = T> + Send>> {
    Box::pin(future)
}

impl<S, ReqBody, ResBody> tower_service::Service<Request<ReqBody>> for CheckService<S>
where
    S: tower_service::Service<Request<LayerBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ReqBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ReqBody::Error: Into<BoxError>,
    ResBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<LayerBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<LayerBody>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // The clone that was made ready is the one called (tower's idiom).
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        if shared.enforce { Box::pin(held(shared, inner, req)) } else { Box::pin(streamed(shared, inner, req)) }
    }
}

async fn streamed<S, ReqBody, ResBody>(
    shared: Arc<Shared>,
    mut inner: S,
    req: Request<ReqBody>,
) -> Result<Response<LayerBody>, S::Error>
where
    S: tower_service::Service<Request<LayerBody>, Response = Response<ResBody>> + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    ReqBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ReqBody::Error: Into<BoxError>,
    ResBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Into<BoxError>,
{
    let url = url_of(&req);
    let (parts, body) = req.into_parts();
    let request = Seen::request(&parts, url, Captured::Complete(Bytes::new()));
    let slot: Slot = Arc::new(Mutex::new(None));
    let filled = slot.clone();
    let body = TapBody::new(body, shared.max_body, move |c| {
        *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(c);
    });
    let response = erased(inner.call(Request::from_parts(parts, boxed(body)))).await?;
    let (parts, body) = response.into_parts();
    let head = Seen::response(&parts, Captured::Complete(Bytes::new()));
    let task = shared.clone();
    let body = TapBody::new(body, shared.max_body, move |captured| {
        let mut request = request;
        request.body = slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_else(|| Captured::Omitted("the service answered before it read the request body".into()));
        let mut response = head;
        response.body = captured;
        let outcome = task.check(&Observed { request, response: Some(response) });
        task.report(outcome);
    });
    Ok(Response::from_parts(parts, boxed(body)))
}

async fn held<S, ReqBody, ResBody>(
    shared: Arc<Shared>,
    mut inner: S,
    req: Request<ReqBody>,
) -> Result<Response<LayerBody>, S::Error>
where
    S: tower_service::Service<Request<LayerBody>, Response = Response<ResBody>> + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    ReqBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ReqBody::Error: Into<BoxError>,
    ResBody: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Into<BoxError>,
{
    let url = url_of(&req);
    let (parts, body) = req.into_parts();
    let max = shared.max_body;
    let (forward, captured) = match collect_limited(body, max).await {
        Ok(collected) => {
            let (replay, captured) = collected.into_parts(max);
            (boxed(replay), captured)
        }
        Err(e) => {
            let e: BoxError = e.into();
            return Ok(problem(Problem::Request, &format!("the request body could not be read: {e}"), &[]));
        }
    };
    let request = Seen::request(&parts, url, captured);
    let alone = Observed { request: request.clone(), response: None };
    if matches!(request.body, Captured::Complete(_)) {
        let before = shared.checker.check(&shared.source, &Exchange::new(Some(request.message()), None));
        if !errors(&before, Direction::Request).is_empty() {
            let outcome = shared.check(&alone);
            let broken = errors(&outcome, Direction::Request);
            let answer =
                problem(Problem::Request, "the request breaks the API contract; it was not passed on", &broken);
            shared.report(outcome);
            return Ok(answer);
        }
    }
    let response = erased(inner.call(Request::from_parts(parts, forward))).await?;
    let (parts, body) = response.into_parts();
    let (forward, captured) = match collect_limited(body, max).await {
        Ok(collected) => {
            let (replay, captured) = collected.into_parts(max);
            (boxed(replay), captured)
        }
        Err(e) => {
            let e: BoxError = e.into();
            return Ok(problem(Problem::Response, &format!("the service's response body could not be read: {e}"), &[]));
        }
    };
    let outcome = shared.check(&Observed { request, response: Some(Seen::response(&parts, captured)) });
    let broken = errors(&outcome, Direction::Response);
    let answer = if broken.is_empty() {
        Response::from_parts(parts, forward)
    } else {
        problem(Problem::Response, "the service's response breaks the API contract; it was replaced", &broken)
    };
    shared.report(outcome);
    Ok(answer)
}
