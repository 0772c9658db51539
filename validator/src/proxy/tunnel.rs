//! `CONNECT`: a tunnel intercepted with a minted certificate (the requests
//! inside are checked like any other), or passed through untouched and
//! counted unchecked when there is no CA.

use super::handle::{InFlight, Target, empty, problem, service};
use super::upstream::ProxyBody;
use super::{Ca, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::live::Problem;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Answers a `CONNECT` and serves the tunnel once the client has it.
pub(crate) async fn connect(shared: Arc<Shared>, ca: Option<Arc<Ca>>, req: Request<Incoming>) -> Response<ProxyBody> {
    let Some(authority) = req.uri().authority().cloned() else {
        return problem(Problem::Request, "CONNECT needs a host:port target", &[]);
    };
    let host = authority.host().to_string();
    let port = authority.port_u16().unwrap_or(443);
    match ca {
        Some(ca) => {
            let config = match ca.server_config(&host) {
                Ok(config) => config,
                Err(e) => return problem(Problem::Upstream, &e.to_string(), &[]),
            };
            let task = shared.clone();
            tokio::spawn(async move {
                let Ok(upgraded) = hyper::upgrade::on(req).await else { return };
                let acceptor = tokio_rustls::TlsAcceptor::from(config);
                let tls = match acceptor.accept(TokioIo::new(upgraded)).await {
                    Ok(tls) => tls,
                    Err(_) => {
                        task.counters.connection_errors.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                };
                let service = service(task.clone(), Target::Intercepted(authority));
                let served = auto::Builder::new(TokioExecutor::new())
                    .serve_connection_with_upgrades(TokioIo::new(tls), service)
                    .await;
                if served.is_err() {
                    task.counters.connection_errors.fetch_add(1, Ordering::Relaxed);
                }
            });
            Response::new(empty())
        }
        None => {
            let upstream = match tokio::net::TcpStream::connect((host.as_str(), port)).await {
                Ok(stream) => stream,
                Err(e) => {
                    return problem(Problem::Upstream, &format!("cannot open a tunnel to {authority}: {e}"), &[]);
                }
            };
            shared.counters.tunnels.fetch_add(1, Ordering::Relaxed);
            shared.counters.exchanges.fetch_add(1, Ordering::Relaxed);
            let note = (!shared.counters.said_tunnel.swap(true, Ordering::Relaxed)).then(|| {
                Diagnostic::new(
                    Severity::Warning,
                    "unchecked",
                    format!(
                        "a CONNECT tunnel to {authority} passed through without interception: its traffic is not checked (each tunnel is counted unchecked; give --ca-dir DIR to intercept)"
                    ),
                    shared.source.clone(),
                )
            });
            shared.session.push_unchecked(note);
            shared.activity.notify_waiters();
            let guard = InFlight::new(&shared);
            tokio::spawn(async move {
                let _guard = guard;
                if let Ok(upgraded) = hyper::upgrade::on(req).await {
                    let mut upstream = upstream;
                    let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut upstream).await;
                }
            });
            let mut response = Response::new(empty());
            *response.status_mut() = StatusCode::OK;
            response
        }
    }
}
