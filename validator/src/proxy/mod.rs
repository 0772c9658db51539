//! The checking proxy behind `accord proxy`: it passes traffic on unchanged
//! (unless told to enforce), and holds every exchange to the contract with
//! the same engine, findings, positions and redaction as `accord check`.
//!
//! - **Reverse** ([`Mode::Reverse`]): clients call the proxy as if it were
//!   the upstream; HTTP/1.1 and HTTP/2 (h2c) on the listener, ALPN to a TLS
//!   upstream.
//! - **Forward** ([`Mode::Forward`]): clients configured with `HTTP_PROXY` /
//!   `HTTPS_PROXY`. Plain HTTP is checked; `CONNECT` tunnels are intercepted
//!   with certificates minted by a local [`Ca`] when there is one, and passed
//!   through unchecked (counted, said once) when there is not.
//!
//! Each exchange is checked when its response ends and pushed into a
//! [`Session`]; findings go to the session's sink as they are made. Nothing
//! is kept per exchange but the session's compact capture-rule facts.

mod ca;
mod handle;
mod tunnel;
mod upstream;

pub use ca::{CA_CERT_FILE, CA_KEY_FILE, Ca, CaError};
pub use upstream::{UpstreamError, UpstreamTls};

use crate::Session;
use crate::live::Recorder;
use crate::run::Sink;
use handle::Target;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// The session a proxy pushes into: its sink may be anything that is `Send`.
pub type ProxySession = Session<Box<dyn Sink + Send>>;

/// How clients reach the proxy.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Clients call the proxy in place of `upstream` (`http://` or `https://`, with an optional base path).
    Reverse {
        /// Where requests go.
        upstream: http::Uri,
    },
    /// Clients use the proxy as their `HTTP_PROXY`/`HTTPS_PROXY`.
    Forward {
        /// The CA that mints certificates to intercept `CONNECT` tunnels; `None` passes them through.
        ca: Option<Arc<Ca>>,
    },
}

/// What a proxy does with the traffic.
#[derive(Debug)]
pub struct Config {
    /// Reverse or forward.
    pub mode: Mode,
    /// Bodies over this many bytes are forwarded but not kept (and not checked).
    pub max_body: usize,
    /// Answer a request that breaks the contract with 400 (not forwarded), and
    /// replace a response that breaks it with 502, both `application/problem+json`.
    pub enforce: bool,
    /// Add an `Accord-Findings` header (count and codes) to every response.
    pub annotate: bool,
    /// Append each exchange to this recording.
    pub recorder: Option<Recorder>,
    /// How the upstream's TLS is verified.
    pub upstream_tls: UpstreamTls,
    /// Stop after this many exchanges.
    pub exit_after: Option<u64>,
    /// Stop after this long without traffic.
    pub idle_exit: Option<Duration>,
    /// How long connections still open get to finish once the proxy stops.
    pub grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Forward { ca: None },
            max_body: 16 << 20,
            enforce: false,
            annotate: false,
            recorder: None,
            upstream_tls: UpstreamTls::default(),
            exit_after: None,
            idle_exit: None,
            grace: Duration::from_secs(5),
        }
    }
}

/// Why a proxy cannot start or run.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The upstream client cannot be set up.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// A reverse upstream that is not an absolute `http(s)://` URL.
    #[error("the upstream `{0}` is not an absolute http:// or https:// URL")]
    UpstreamUrl(String),
}

/// Why a proxy stopped, and what passed through it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Exchanges checked (or counted unchecked).
    pub exchanges: u64,
    /// `CONNECT` tunnels passed through without interception.
    pub tunnels: u64,
    /// WebSocket upgrades passed through.
    pub websockets: u64,
    /// Connections that ended in an HTTP or TLS error (malformed requests among them).
    pub connection_errors: u64,
    /// Exchanges still running when the grace period ended.
    pub abandoned: u64,
    /// Why it stopped: `signal`, `exit-after`, `idle`.
    pub stopped_by: &'static str,
}

/// Counters shared by every connection.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) exchanges: AtomicU64,
    pub(crate) tunnels: AtomicU64,
    pub(crate) websockets: AtomicU64,
    pub(crate) connection_errors: AtomicU64,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) next_entry: AtomicUsize,
    pub(crate) said_tunnel: std::sync::atomic::AtomicBool,
    pub(crate) said_websocket: std::sync::atomic::AtomicBool,
    pub(crate) last_activity_ms: AtomicU64,
}

/// What every request handler shares.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) session: Arc<ProxySession>,
    pub(crate) client: upstream::Client,
    pub(crate) counters: Counters,
    pub(crate) activity: tokio::sync::Notify,
    pub(crate) started: Instant,
    /// The label of findings when nothing is recorded (`proxy http://ADDR`).
    pub(crate) source: String,
}

impl Shared {
    pub(crate) fn touch(&self) {
        self.counters.last_activity_ms.store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

/// A bound proxy, ready to serve.
pub struct Proxy {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("addr", &self.listener.local_addr().ok()).finish_non_exhaustive()
    }
}

impl Proxy {
    /// Binds `addr` (and nothing else) for a proxy that pushes into `session`.
    pub async fn bind(addr: SocketAddr, config: Config, session: Arc<ProxySession>) -> Result<Proxy, ProxyError> {
        if let Mode::Reverse { upstream } = &config.mode {
            let ok = matches!(upstream.scheme_str(), Some("http" | "https")) && upstream.authority().is_some();
            if !ok {
                return Err(ProxyError::UpstreamUrl(upstream.to_string()));
            }
        }
        let client = upstream::client(&config.upstream_tls)?;
        let listener = TcpListener::bind(addr).await.map_err(|source| ProxyError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(|source| ProxyError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            config,
            session,
            client,
            counters: Counters::default(),
            activity: tokio::sync::Notify::new(),
            started: Instant::now(),
            source: format!("proxy http://{local}"),
        });
        Ok(Proxy { listener, shared })
    }

    /// The address the proxy listens on (the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `stop` resolves, `exit_after` exchanges were handled, or
    /// no traffic came for `idle_exit`; then lets open exchanges finish
    /// (up to the grace period) and returns what passed.
    pub async fn serve(self, stop: impl std::future::Future<Output = ()>) -> Stats {
        let Proxy { listener, shared } = self;
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(stop);
        let stopped_by = loop {
            let idle = async {
                match shared.config.idle_exit {
                    Some(limit) => loop {
                        let last = Duration::from_millis(shared.counters.last_activity_ms.load(Ordering::Relaxed));
                        let quiet = shared.started.elapsed().saturating_sub(last);
                        let busy = shared.counters.in_flight.load(Ordering::Relaxed) > 0;
                        if quiet >= limit && !busy {
                            return;
                        }
                        let wait = if busy { Duration::from_millis(100) } else { limit - quiet };
                        tokio::time::sleep(wait.max(Duration::from_millis(10))).await;
                    },
                    None => std::future::pending().await,
                }
            };
            let enough = async {
                match shared.config.exit_after {
                    Some(n) => loop {
                        let notified = shared.activity.notified();
                        if shared.counters.exchanges.load(Ordering::Relaxed) >= n {
                            return;
                        }
                        notified.await;
                    },
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _peer)) = accepted else {
                        // Out of file descriptors, say: back off rather than spin.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    shared.touch();
                    let shared = shared.clone();
                    let builder = auto::Builder::new(TokioExecutor::new());
                    let service = handle::service(shared.clone(), Target::Listener);
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        if conn.await.is_err() {
                            shared.counters.connection_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
                () = &mut stop => break "signal",
                () = enough => break "exit-after",
                () = idle => break "idle",
            }
        };
        drop(listener);
        let _ = tokio::time::timeout(shared.config.grace, graceful.shutdown()).await;
        // Exchanges whose check runs after the connection closed.
        let deadline = Instant::now() + shared.config.grace;
        while shared.counters.in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let c = &shared.counters;
        Stats {
            exchanges: c.exchanges.load(Ordering::Relaxed),
            tunnels: c.tunnels.load(Ordering::Relaxed),
            websockets: c.websockets.load(Ordering::Relaxed),
            connection_errors: c.connection_errors.load(Ordering::Relaxed),
            abandoned: c.in_flight.load(Ordering::Relaxed) as u64,
            stopped_by,
        }
    }
}
