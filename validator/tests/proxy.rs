//! `accord proxy` through the front door: the binary, started on port 0,
//! between real clients (`reqwest`, `curl`) and a real upstream (a hyper
//! server these tests start), all over loopback. Every wait is bounded in
//! time; every proxy stops by itself (`--exit-after`, `--idle-exit`, or a
//! signal the test sends).

use bytes::Bytes;
use http::{Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SHOP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proxy-shop.yaml");
const WAIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------- upstream

/// What the upstream saw.
#[derive(Default)]
struct Seen {
    hits: AtomicUsize,
    versions: Mutex<Vec<Version>>,
    /// `/slow` sends its second chunk only once this is notified.
    release: tokio::sync::Notify,
}

type UpBody = http_body_util::combinators::BoxBody<Bytes, std::convert::Infallible>;

/// A body whose frames come from a channel: chunks sent over time, trailers.
struct ChannelBody(tokio::sync::mpsc::Receiver<http_body::Frame<Bytes>>);

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|frame| frame.map(Ok))
    }
}

fn channel_body(
    frames: impl FnOnce(tokio::sync::mpsc::Sender<http_body::Frame<Bytes>>) -> tokio::task::JoinHandle<()>,
) -> UpBody {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    frames(tx);
    ChannelBody(rx).boxed()
}

async fn upstream_answer(req: Request<Incoming>, seen: Arc<Seen>) -> Result<Response<UpBody>, hyper::Error> {
    let path = req.uri().path().to_string();
    if path == "/slow" {
        seen.hits.fetch_add(1, Ordering::SeqCst);
        let body = channel_body(|tx| {
            tokio::spawn(async move {
                let _ = tx.send(http_body::Frame::data(Bytes::from("first;"))).await;
                seen.release.notified().await;
                let _ = tx.send(http_body::Frame::data(Bytes::from("second"))).await;
            })
        });
        return Ok(Response::builder().status(200).header("content-type", "text/plain").body(body).unwrap());
    }
    if path == "/trailers" {
        seen.hits.fetch_add(1, Ordering::SeqCst);
        let body = channel_body(|tx| {
            tokio::spawn(async move {
                let _ = tx.send(http_body::Frame::data(Bytes::from("payload"))).await;
                let mut trailers = http::HeaderMap::new();
                trailers.insert("x-checksum", http::HeaderValue::from_static("abc123"));
                let _ = tx.send(http_body::Frame::trailers(trailers)).await;
            })
        });
        return Ok(Response::builder()
            .status(200)
            .header("content-type", "text/plain")
            .header("trailer", "x-checksum")
            .body(body)
            .unwrap());
    }
    Ok(upstream_full(req, seen).await?.map(|b| b.boxed()))
}

async fn upstream_full(mut req: Request<Incoming>, seen: Arc<Seen>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    seen.hits.fetch_add(1, Ordering::SeqCst);
    if req.uri().path() == "/ws" && req.headers().contains_key("upgrade") {
        // A WebSocket-style upgrade: 101, then the raw connection echoes.
        let upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            let Ok(upgraded) = upgrade.await else { return };
            let mut io = TokioIo::new(upgraded);
            let mut buf = [0u8; 64];
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok(n) = io.read(&mut buf).await {
                if n == 0 || io.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        });
        return Ok(Response::builder()
            .status(101)
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .body(Full::new(Bytes::new()))
            .unwrap());
    }
    seen.versions.lock().unwrap().push(req.version());
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let method = req.method().clone();
    let body = req.into_body().collect().await?.to_bytes();
    let json = |status: u16, text: String| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-upstream", "yes")
            .body(Full::new(Bytes::from(text)))
            .unwrap()
    };
    Ok(match (method.as_str(), path.as_str()) {
        ("GET", p) if p.starts_with("/orders/") => {
            let id = &p["/orders/".len()..];
            let status = if id.ends_with("bad") { "lost" } else { "open" };
            json(200, format!(r#"{{"id": "{id}", "status": "{status}"}}"#))
        }
        ("POST", "/orders") => {
            let text = String::from_utf8_lossy(&body);
            let status = if text.contains("\"answer-badly\"") { "lost" } else { "open" };
            json(201, format!(r#"{{"id": "o-1", "status": "{status}"}}"#))
        }
        ("GET", "/big") => {
            let kib: usize = query.strip_prefix("kib=").and_then(|n| n.parse().ok()).unwrap_or(64);
            let filler = "x".repeat(1000);
            let items: Vec<String> = (0..kib).map(|i| format!(r#""k{i}": "{filler}""#)).collect();
            json(200, format!("{{{}}}", items.join(",")))
        }
        ("GET", "/events") => Response::builder()
            .status(200)
            .header("content-type", "text/event-stream")
            .body(Full::new(Bytes::from("data: one\n\ndata: two\n\n")))
            .unwrap(),
        _ => json(404, r#"{"error": "no such thing"}"#.into()),
    })
}

/// A hyper server on 127.0.0.1 port 0 (HTTP/1.1 and h2), optionally with TLS.
async fn upstream(tls: Option<Arc<rustls::ServerConfig>>) -> (SocketAddr, Arc<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let state = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let state = state.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| upstream_answer(req, state.clone()));
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                match tls {
                    Some(config) => {
                        let Ok(stream) = tokio_rustls::TlsAcceptor::from(config).accept(stream).await else { return };
                        let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                    }
                    None => {
                        let _ = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).await;
                    }
                }
            });
        }
    });
    (addr, seen)
}

/// A self-signed certificate for `localhost` and 127.0.0.1: the TLS config
/// of the upstream, and the PEM a client trusts.
fn upstream_tls(dir: &Path) -> (Arc<rustls::ServerConfig>, PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let pem = dir.join("upstream.pem");
    std::fs::write(&pem, cert.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    (Arc::new(config), pem)
}

// ------------------------------------------------------------------- proxy

/// A running `accord proxy`.
struct Accord {
    child: Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

/// What a stopped proxy printed, and how it exited.
struct Ended {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ended {
    /// The JSON Lines findings (`--format json`), without the summary line.
    fn findings(&self) -> Vec<Value> {
        self.lines().into_iter().filter(|v| v.get("summary").is_none()).collect()
    }

    fn summary(&self) -> Value {
        self.lines().into_iter().find_map(|v| v.get("summary").cloned()).expect("a summary line")
    }

    fn lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }
}

fn drain(mut from: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
}

impl Accord {
    /// Starts `accord proxy ARGS --listen 127.0.0.1:0` and waits for its address.
    fn start(args: &[&str]) -> Accord {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .arg("proxy")
            .args(args)
            .args(["--listen", "127.0.0.1:0", "--color", "never"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("accord starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        drain(child.stdout.take().unwrap(), stdout.clone());
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut reader = BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut sent = false;
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if !sent && let Some(at) = line.find("listening on http://") {
                    let addr = line[at + 20..].split([',', ' ', '\n']).next().unwrap().to_string();
                    let _ = tx.send(addr);
                    sent = true;
                }
                lines.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let addr = match rx.recv_timeout(WAIT) {
            Ok(addr) => addr.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("the proxy did not start: {}", stderr.lock().unwrap());
            }
        };
        Accord { child, addr, stdout, stderr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits (bounded) for the proxy to stop by itself.
    fn wait(mut self) -> Ended {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the proxy did not stop: {}", self.stderr.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The pipes' readers finish with the process.
        std::thread::sleep(Duration::from_millis(100));
        Ended {
            code: status.code(),
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
        }
    }

    /// Sends SIGINT and waits for the proxy to stop.
    fn interrupt(self) -> Ended {
        let ok = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
        self.wait()
    }
}

impl Drop for Accord {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn direct() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(WAIT).build().unwrap()
}

fn h2c() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().http2_prior_knowledge().timeout(WAIT).build().unwrap()
}

fn codes(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["instancePath"].as_str().unwrap_or("").to_string()))
        .collect()
}

// ------------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverse_proxy_passes_traffic_unchanged_over_http1_and_h2c_and_checks_it() {
    let (up, seen) = upstream(None).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--exit-after",
        "4",
    ]);
    for client in [direct(), h2c()] {
        for path in ["/orders/o-1", "/orders/o-bad"] {
            let direct = direct().get(format!("http://{up}{path}")).send().await.unwrap();
            let direct_headers = direct.headers().clone();
            let direct_body = direct.bytes().await.unwrap();
            let proxied = client.get(accord.url(path)).send().await.unwrap();
            assert_eq!(proxied.status(), StatusCode::OK);
            for name in ["content-type", "x-upstream", "content-length"] {
                assert_eq!(proxied.headers().get(name), direct_headers.get(name), "{name}");
            }
            assert_eq!(proxied.bytes().await.unwrap(), direct_body, "the body passes byte for byte");
        }
    }
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1), "{}", ended.stderr);
    let findings = ended.findings();
    assert_eq!(codes(&findings), vec![("enum".to_string(), "/status".to_string()); 2], "{}", ended.stdout);
    for f in &findings {
        assert_eq!(f["direction"], "response");
        assert_eq!(f["operation"], "getOrder");
        assert!(f["snippet"].as_str().unwrap().contains("\"lost\""), "{f}");
    }
    let summary = ended.summary();
    assert_eq!(
        (summary["exchanges"].as_u64(), summary["invalid"].as_u64(), summary["valid"].as_u64()),
        (Some(4), Some(2), Some(6))
    );
    // 4 through the proxy, 4 direct.
    assert_eq!(seen.hits.load(Ordering::SeqCst), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_checks_to_the_same_findings_and_keeps_no_secret() {
    let (up, _) = upstream(None).await;
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("traffic.ndjson");
    let rec = recording.to_str().unwrap();
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--record",
        rec,
        "--exit-after",
        "3",
    ]);
    let client = direct();
    let post = |body: &'static str| {
        client
            .post(accord.url("/orders"))
            .header("content-type", "application/json")
            .header("x-api-key", "KEY-0123456789")
            .body(body)
            .send()
    };
    assert_eq!(
        post(r#"{"item": "tea", "quantity": 0, "cardNumber": "4111111111111111"}"#).await.unwrap().status(),
        201
    );
    assert_eq!(post(r#"{"item": "answer-badly", "cardNumber": "41111111-SECRET"}"#).await.unwrap().status(), 201);
    assert_eq!(client.get(accord.url("/orders/o-bad?x=1")).send().await.unwrap().status(), 200);
    let ended = accord.wait();
    let live = ended.findings();
    assert!(!live.is_empty());

    let text = std::fs::read_to_string(&recording).unwrap();
    assert_eq!(text.lines().count(), 3);
    for secret in ["4111111111111111", "41111111-SECRET", "KEY-0123456789"] {
        assert!(!text.contains(secret), "the recording leaks {secret}:\n{text}");
        assert!(!ended.stdout.contains(secret), "the live output leaks {secret}");
    }

    let checked = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["check", "--schemas", SHOP, "--format", "jsonl", rec])
        .output()
        .unwrap();
    assert_eq!(checked.status.code(), Some(1));
    let again: Vec<Value> = String::from_utf8(checked.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("summary").is_none())
        .collect();
    // The same findings at the same positions, apart from the masked card
    // number, whose pattern finding is about a value the recording no longer holds.
    let key = |v: &Value| {
        (
            v["code"].clone(),
            v["entry"].clone(),
            v["instancePath"].clone(),
            v["line"].clone(),
            v["column"].clone(),
            v["message"].clone(),
        )
    };
    let masked = |v: &&Value| v["instancePath"] != "/cardNumber";
    // Live findings come as exchanges complete; the report of a file in entry order.
    let sorted = |findings: &[Value]| {
        let mut keys: Vec<_> = findings.iter().filter(masked).map(key).collect();
        keys.sort_by_key(|k| (k.1.as_u64(), k.3.as_u64(), k.4.as_u64()));
        keys
    };
    let (live_keys, again_keys) = (sorted(&live), sorted(&again));
    assert_eq!(live_keys, again_keys);
    let live_codes = codes(&live);
    assert!(live_codes.contains(&("minimum".into(), "/quantity".into())), "{live_codes:?}");
    assert!(live_codes.contains(&("pattern".into(), "/cardNumber".into())), "{live_codes:?}");
    assert!(live_codes.contains(&("enum".into(), "/status".into())), "{live_codes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforcement_answers_problems_and_keeps_bad_requests_from_the_upstream() {
    let (up, seen) = upstream(None).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--enforce",
        "--annotate",
        "--exit-after",
        "3",
    ]);
    let client = direct();
    let bad_request = client
        .post(accord.url("/orders"))
        .header("content-type", "application/json")
        .header("x-api-key", "k")
        .body(r#"{"item": "x", "cardNumber": "4111111111111111"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_request.status(), 400);
    assert_eq!(bad_request.headers()["content-type"], "application/problem+json");
    assert!(bad_request.headers()["accord-findings"].to_str().unwrap().contains("minLength"));
    let problem: Value = bad_request.json().await.unwrap();
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["errors"][0]["pointer"], "/item");
    assert_eq!(problem["errors"][0]["direction"], "request");
    assert_eq!(seen.hits.load(Ordering::SeqCst), 0, "a request that breaks the contract is not forwarded");

    let bad_response = client.get(accord.url("/orders/o-bad")).send().await.unwrap();
    assert_eq!(bad_response.status(), 502);
    let problem: Value = bad_response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["code"], "enum");
    assert_eq!(problem["errors"][0]["direction"], "response");

    let good = client.get(accord.url("/orders/o-1")).send().await.unwrap();
    assert_eq!(good.status(), 200);
    assert_eq!(good.headers()["accord-findings"], "errors=0, warnings=0, codes=\"\"");
    assert_eq!(good.text().await.unwrap(), r#"{"id": "o-1", "status": "open"}"#);
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1));
    assert_eq!(seen.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_an_upstream_that_is_down_and_a_client_that_sends_garbage() {
    // A port that was free a moment ago: nothing listens there.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{down}"),
        "--format",
        "json",
        "--exit-after",
        "2",
    ]);
    let mut raw = std::net::TcpStream::connect(accord.addr).unwrap();
    raw.set_read_timeout(Some(WAIT)).unwrap();
    std::io::Write::write_all(&mut raw, b"NOT HTTP AT ALL\x00\x01\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = raw.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    for _ in 0..2 {
        let response = direct().get(accord.url("/orders/o-1")).send().await.unwrap();
        assert_eq!(response.status(), 502);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["code"], "upstream");
    }
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1));
    let upstream: Vec<_> = ended.findings().into_iter().filter(|f| f["code"] == "upstream").collect();
    assert_eq!(upstream.len(), 2);
    assert_eq!(upstream[1]["entry"], 1);
    assert!(ended.stderr.contains("1 connection(s) ended in an HTTP or TLS error"), "{}", ended.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_writes_the_report() {
    let (up, _) = upstream(None).await;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.sarif");
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(direct().get(accord.url("/orders/o-bad")).send().await.unwrap().status(), 200);
    // The exchange is checked once its response ends; give it that moment.
    let deadline = Instant::now() + WAIT;
    while !accord.stdout.lock().unwrap().contains("error[enum]") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ended = accord.interrupt();
    assert_eq!(ended.code, Some(1), "{}", ended.stderr);
    assert!(ended.stderr.contains("stopped (signal)"), "{}", ended.stderr);
    assert!(ended.stdout.contains("error[enum]: `status` is \"lost\""), "{}", ended.stdout);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "enum");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_forwarded_whole_and_counted_unchecked() {
    let (up, _) = upstream(None).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--max-body",
        "4KiB",
        "--exit-after",
        "2",
    ]);
    let big = direct().get(accord.url("/big?kib=300")).send().await.unwrap().bytes().await.unwrap();
    let expected = direct().get(format!("http://{up}/big?kib=300")).send().await.unwrap().bytes().await.unwrap();
    assert!(big.len() > 300_000);
    assert_eq!(big, expected);
    let events = direct().get(accord.url("/events")).send().await.unwrap().text().await.unwrap();
    assert_eq!(events, "data: one\n\ndata: two\n\n");
    let ended = accord.wait();
    let unchecked: Vec<String> = ended
        .findings()
        .iter()
        .filter(|f| f["code"] == "unchecked")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    // Each exchange is checked as it completes: in either order.
    assert_eq!(unchecked.len(), 2, "{unchecked:?}");
    assert_eq!(
        unchecked.iter().filter(|m| m.contains("over the 4096-byte --max-body limit")).count(),
        1,
        "{unchecked:?}"
    );
    assert_eq!(unchecked.iter().filter(|m| m.contains("text/event-stream")).count(), 1, "{unchecked:?}");
    assert_eq!(ended.summary()["unchecked"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_proxy_checks_plain_http_and_passes_connect_through_without_a_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (tls, pem) = upstream_tls(dir.path());
    let (plain, _) = upstream(None).await;
    let (secure, seen) = upstream(Some(tls)).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--forward",
        "--format",
        "json",
        "--server",
        &format!("http://{plain}"),
        "--exit-after",
        "3",
    ]);
    let proxy = format!("http://{}", accord.addr);
    // A real curl, configured as users do.
    let curl = |url: String| {
        let proxy = proxy.clone();
        let pem = pem.clone();
        tokio::task::spawn_blocking(move || {
            Command::new("curl")
                .args(["-sS", "--max-time", "30", "--cacert", pem.to_str().unwrap(), &url])
                .env("http_proxy", &proxy)
                .env("https_proxy", &proxy)
                .env_remove("no_proxy")
                .env_remove("NO_PROXY")
                .output()
                .unwrap()
        })
    };
    let out = curl(format!("http://{plain}/orders/o-bad")).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!(r#"{{"id": "o-bad", "status": "lost"}}"#));
    for _ in 0..2 {
        let out = curl(format!("https://localhost:{}/orders/o-bad", secure.port())).await.unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), r#"{"id": "o-bad", "status": "lost"}"#);
    }
    assert_eq!(seen.hits.load(Ordering::SeqCst), 2);
    let ended = accord.wait();
    let findings = ended.findings();
    let checked: Vec<_> = findings.iter().filter(|f| f["code"] != "unchecked").cloned().collect();
    assert_eq!(codes(&checked), [("enum".to_string(), "/status".to_string())]);
    let tunnels: Vec<_> = findings.iter().filter(|f| f["code"] == "unchecked").collect();
    assert_eq!(tunnels.len(), 1, "said once: {findings:?}");
    assert!(tunnels[0]["message"].as_str().unwrap().contains("CONNECT tunnel"));
    assert_eq!(ended.summary()["unchecked"], 2);
    assert!(ended.stderr.contains("2 CONNECT tunnel(s)"), "{}", ended.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_proxy_intercepts_connect_with_its_ca_over_http1_and_h2() {
    let dir = tempfile::tempdir().unwrap();
    let (tls, pem) = upstream_tls(dir.path());
    let (secure, seen) = upstream(Some(tls)).await;
    let ca_dir = dir.path().join("ca");
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--forward",
        "--ca-dir",
        ca_dir.to_str().unwrap(),
        "--upstream-ca",
        pem.to_str().unwrap(),
        "--format",
        "json",
        "--server",
        &format!("https://localhost:{}", secure.port()),
        "--exit-after",
        "2",
    ]);
    assert!(accord.stderr.lock().unwrap().contains("created a local CA"));
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca_dir.join("accord-ca.pem")).unwrap()).unwrap();
    let proxy = reqwest::Proxy::all(format!("http://{}", accord.addr)).unwrap();
    let h1 = reqwest::Client::builder()
        .proxy(proxy.clone())
        .add_root_certificate(ca.clone())
        .http1_only()
        .timeout(WAIT)
        .build()
        .unwrap();
    let h2 = reqwest::Client::builder().proxy(proxy).add_root_certificate(ca).timeout(WAIT).build().unwrap();
    let url = format!("https://localhost:{}/orders/o-bad", secure.port());
    let one = h1.get(&url).send().await.unwrap();
    assert_eq!(one.version(), Version::HTTP_11);
    assert_eq!(one.text().await.unwrap(), r#"{"id": "o-bad", "status": "lost"}"#);
    let two = h2.get(&url).send().await.unwrap();
    assert_eq!(two.version(), Version::HTTP_2, "ALPN offers h2 inside the tunnel");
    assert_eq!(two.text().await.unwrap(), r#"{"id": "o-bad", "status": "lost"}"#);
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1));
    let findings = ended.findings();
    assert_eq!(codes(&findings), vec![("enum".to_string(), "/status".to_string()); 2], "{}", ended.stdout);
    assert!(findings[0]["file"].as_str().unwrap().starts_with("proxy http://"));
    // The proxy spoke HTTP/2 to the TLS upstream (ALPN) both times.
    assert_eq!(*seen.versions.lock().unwrap(), vec![Version::HTTP_2; 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reverse_proxy_to_a_tls_upstream_verifies_it_or_warns_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let (tls, pem) = upstream_tls(dir.path());
    let (secure, _) = upstream(Some(tls)).await;
    let upstream_url = format!("https://localhost:{}", secure.port());
    // Not trusted: 502 and a finding that says why.
    let accord =
        Accord::start(&["--schemas", SHOP, "--upstream", &upstream_url, "--format", "json", "--exit-after", "1"]);
    let response = direct().get(accord.url("/orders/o-1")).send().await.unwrap();
    assert_eq!(response.status(), 502);
    let ended = accord.wait();
    let finding = &ended.findings()[0];
    assert_eq!(finding["code"], "upstream");
    assert!(finding["message"].as_str().unwrap().to_lowercase().contains("certificate"), "{finding}");
    // Trusted by --upstream-ca.
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &upstream_url,
        "--upstream-ca",
        pem.to_str().unwrap(),
        "--format",
        "json",
        "--exit-after",
        "1",
    ]);
    assert_eq!(direct().get(accord.url("/orders/o-1")).send().await.unwrap().status(), 200);
    assert_eq!(accord.wait().code, Some(0));
    // Not verified at all, and said so.
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &upstream_url,
        "--insecure-upstream",
        "--format",
        "json",
        "--exit-after",
        "1",
    ]);
    assert!(accord.stderr.lock().unwrap().contains("WARNING: --insecure-upstream"));
    assert_eq!(direct().get(accord.url("/orders/o-1")).send().await.unwrap().status(), 200);
    assert_eq!(accord.wait().code, Some(0));
}

#[test]
fn an_idle_proxy_that_saw_nothing_is_not_a_pass() {
    let accord = Accord::start(&["--schemas", SHOP, "--upstream", "http://127.0.0.1:9", "--idle-exit", "0.5"]);
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1));
    assert!(ended.stderr.contains("stopped (idle)"), "{}", ended.stderr);
    assert!(ended.stderr.contains("nothing was checked"), "{}", ended.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_upgrade_passes_through_and_is_counted_unchecked() {
    let (up, _) = upstream(None).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--exit-after",
        "2",
    ]);
    let addr = accord.addr;
    let echoed = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
            .write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).unwrap(), 1, "the head ends");
            head.push(byte[0]);
        }
        stream.write_all(b"frame bytes").unwrap();
        let mut echo = [0u8; 11];
        stream.read_exact(&mut echo).unwrap();
        (String::from_utf8_lossy(&head).into_owned(), echo)
    })
    .await
    .unwrap();
    assert!(echoed.0.starts_with("HTTP/1.1 101"), "{}", echoed.0);
    assert_eq!(&echoed.1, b"frame bytes");
    assert_eq!(direct().get(accord.url("/orders/o-1")).send().await.unwrap().status(), 200);
    let ended = accord.wait();
    let findings = ended.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0]["message"].as_str().unwrap().contains("WebSocket"));
    assert_eq!(ended.summary()["unchecked"], 1);
    assert!(ended.stderr.contains("1 WebSocket upgrade(s)"), "{}", ended.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_stream_through_and_trailers_arrive() {
    let (up, seen) = upstream(None).await;
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "github",
        "--exit-after",
        "2",
    ]);
    // The first chunk reaches the client while the upstream still holds the second.
    let mut slow = direct().get(accord.url("/slow")).send().await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), slow.chunk()).await.expect("streamed, not buffered");
    assert_eq!(first.unwrap().unwrap(), "first;");
    seen.release.notify_one();
    assert_eq!(slow.chunk().await.unwrap().unwrap(), "second");
    assert!(slow.chunk().await.unwrap().is_none());

    // Trailers, over HTTP/1.1 chunked, both hops.
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http();
    let request =
        Request::get(format!("http://{up}/trailers")).header("te", "trailers").body(Full::new(Bytes::new())).unwrap();
    let response = client.request(request).await.unwrap();
    let collected = response.into_body().collect().await.unwrap();
    assert_eq!(
        collected.trailers().and_then(|t| t.get("x-checksum")).map(|v| v.to_str().unwrap()),
        Some("abc123"),
        "direct"
    );
    let request = Request::get(accord.url("/trailers")).header("te", "trailers").body(Full::new(Bytes::new())).unwrap();
    let response = client.request(request).await.unwrap();
    let collected = response.into_body().collect().await.unwrap();
    assert_eq!(collected.trailers().and_then(|t| t.get("x-checksum")).map(|v| v.to_str().unwrap()), Some("abc123"));
    assert_eq!(collected.to_bytes(), "payload");

    let ended = accord.wait();
    // Neither path is in the contract: two unrouted notes, as GitHub annotations.
    assert_eq!(ended.stdout.matches("::notice").count(), 2, "{}", ended.stdout);
    assert!(ended.stdout.contains("GET /slow matches no operation"), "{}", ended.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_secrets_keeps_them_and_says_so() {
    let (up, _) = upstream(None).await;
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("raw.ndjson");
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--record",
        recording.to_str().unwrap(),
        "--record-secrets",
        "--annotate",
        "--exit-after",
        "1",
    ]);
    assert!(accord.stderr.lock().unwrap().contains("--record-secrets"), "said at start");
    let response = direct()
        .post(accord.url("/orders"))
        .header("content-type", "application/json")
        .header("x-api-key", "KEY-0123456789")
        .body(r#"{"item": "tea", "cardNumber": "4111111111111111"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "annotation alone never alters traffic");
    assert_eq!(response.headers()["accord-findings"], "errors=0, warnings=0, codes=\"\"");
    assert_eq!(accord.wait().code, Some(0));
    let text = std::fs::read_to_string(&recording).unwrap();
    assert!(text.contains("4111111111111111") && text.contains("KEY-0123456789"), "{text}");
}

#[test]
fn an_address_in_use_is_a_clear_error_and_writes_no_report() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let (code, stderr) = refused(&[
        "--schemas",
        SHOP,
        "--upstream",
        "http://127.0.0.1:9",
        "--listen",
        &addr,
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on {addr}")), "{stderr}");
    assert!(!report.exists(), "no report for a run that never started");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left behind");
}

/// Runs `accord proxy ARGS` that must give up at once; its exit code and stderr.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("proxy")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the proxy did not give up");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (status.code(), stderr)
}

#[test]
fn bad_setup_is_a_clear_error_naming_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    // A CA directory whose key is not a key.
    let ca = dir.path().join("ca");
    std::fs::create_dir(&ca).unwrap();
    std::fs::write(ca.join("accord-ca.key"), "not a key\n").unwrap();
    let (code, stderr) =
        refused(&["--schemas", SHOP, "--forward", "--ca-dir", ca.to_str().unwrap(), "--listen", "127.0.0.1:0"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("accord-ca.key is not a PEM private key"), "{stderr}");
    // An upstream CA file without a certificate.
    let pem = dir.path().join("empty.pem");
    std::fs::write(&pem, "nothing here\n").unwrap();
    let (code, stderr) = refused(&[
        "--schemas",
        SHOP,
        "--upstream",
        "https://127.0.0.1:9",
        "--upstream-ca",
        pem.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("empty.pem holds no PEM certificate"), "{stderr}");
    // An upstream that is not an http(s) URL.
    let (code, stderr) =
        refused(&["--schemas", SHOP, "--upstream", "ftp://example.invalid/", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`ftp://example.invalid/` is not an absolute http:// or https:// URL"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_coverage_is_the_coverage_of_its_recording() {
    let (up, _) = upstream(None).await;
    let dir = tempfile::tempdir().unwrap();
    let (record, coverage) = (dir.path().join("traffic.ndjson"), dir.path().join("coverage.json"));
    let accord = Accord::start(&[
        "--schemas",
        SHOP,
        "--upstream",
        &format!("http://{up}"),
        "--format",
        "json",
        "--record",
        record.to_str().unwrap(),
        "--coverage",
        coverage.to_str().unwrap(),
        "--exit-after",
        "3",
    ]);
    for path in ["/orders/o-1", "/orders/o-bad", "/nowhere/12345"] {
        direct().get(accord.url(path)).send().await.unwrap().bytes().await.unwrap();
    }
    let ended = accord.wait();
    assert_eq!(ended.code, Some(1), "{}", ended.stderr);
    let live: Value = serde_json::from_str(&std::fs::read_to_string(&coverage).unwrap()).unwrap();
    let unit = |key: &str| {
        live["operations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["units"].as_array().unwrap())
            .find(|u| u["key"] == key)
            .cloned()
    };
    assert_eq!(unit("operation:getOrder").unwrap()["state"], "covered");
    assert_eq!(unit("operation:createOrder").unwrap()["state"], "not-covered");
    assert_eq!(live["missingInSpec"][0]["template"], "/nowhere/{id}");
    // `accord coverage` on the recording counts the same units the same way.
    let again = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["coverage", "--format", "json", "--schemas", SHOP, "--server", &format!("http://{up}")])
        .arg(&record)
        .output()
        .unwrap();
    let replayed: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(live["kinds"], replayed["kinds"], "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(live["operations"], replayed["operations"]);
    assert_eq!(live["missingInSpec"], replayed["missingInSpec"]);
}
