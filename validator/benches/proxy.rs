//! `accord proxy` under load, over loopback, against a plain pass-through
//! proxy built the same way (hyper + hyper-util, same client and server
//! stacks) in the same run.
//!
//! Three processes: the upstream (a hyper server answering valid orders),
//! the proxy under test (the `accord` binary, or this bench re-executed as
//! the pass-through baseline), and this process, the load generator.
//!
//! 1. Latency at a fixed rate (default 1,000 requests per second from 50
//!    concurrent clients, 10 s): p50/p99 direct, through the baseline and
//!    through `accord proxy`; the added latency is the difference.
//! 2. Throughput, closed loop (50 clients, as fast as they go, 10 s):
//!    `accord proxy` against the baseline.
//! 3. Peak RSS of `accord proxy` (VmHWM) after N exchanges (default 1,000,000).
//!
//! `cargo bench -p accord-validator --bench proxy [-- EXCHANGES [SECONDS]]`

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const RATE: u64 = 1000;
const SHOP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proxy-shop.yaml");
const NEW_ORDER: &str = r#"{"item": "tea", "quantity": 2, "cardNumber": "4111111111111111"}"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("--serve-upstream") => return serve(None),
        Some("--serve-passthrough") => return serve(Some(args[1].parse().expect("upstream address"))),
        _ => {}
    }
    let exchanges: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(bench(exchanges, Duration::from_secs(seconds)));
}

// ------------------------------------------------------------ child roles

/// This bench re-executed as the upstream (`None`) or as the pass-through
/// proxy to `upstream`; prints `listening on ADDR` and serves until killed.
fn serve(upstream: Option<SocketAddr>) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on {}", listener.local_addr().unwrap());
        let client: Client<HttpConnector, Incoming> = Client::builder(TokioExecutor::new()).build_http();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            let client = client.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let client = client.clone();
                    async move {
                        match upstream {
                            None => {
                                Ok::<_, hyper::Error>(answer(req).await?.map(|b| b.map_err(|n| match n {}).boxed()))
                            }
                            Some(up) => {
                                let (mut parts, body) = req.into_parts();
                                let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
                                parts.uri = format!("http://{up}{path}").parse().unwrap();
                                parts.headers.remove("host");
                                let response = client.request(Request::from_parts(parts, body)).await.unwrap();
                                Ok(response.map(|b| b.boxed()))
                            }
                        }
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let post = req.method() == http::Method::POST;
    let id = req.uri().path().rsplit('/').next().unwrap_or("o").to_string();
    req.into_body().collect().await?;
    let (status, body) = if post {
        (201, r#"{"id": "o-new", "status": "open"}"#.to_string())
    } else {
        (200, format!(r#"{{"id": "{id}", "status": "shipped"}}"#))
    };
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap())
}

// ----------------------------------------------------------------- driver

struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Process {
    fn start(mut command: Command, from_stderr: bool) -> Process {
        let mut child = command
            .stdout(if from_stderr { Stdio::null() } else { Stdio::piped() })
            .stderr(if from_stderr { Stdio::piped() } else { Stdio::inherit() })
            .spawn()
            .unwrap();
        let out: Box<dyn std::io::Read + Send> =
            if from_stderr { Box::new(child.stderr.take().unwrap()) } else { Box::new(child.stdout.take().unwrap()) };
        let mut reader = BufReader::new(out);
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "the process ended before it listened");
            if let Some(at) = line.find("listening on ") {
                let rest = line[at + 13..].trim_start_matches("http://");
                break rest.split([',', ' ', '\n']).next().unwrap().parse().unwrap();
            }
        };
        // Keep draining so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        Process { child, addr }
    }

    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request(addr: SocketAddr, n: u64) -> Request<Full<Bytes>> {
    if n.is_multiple_of(2) {
        Request::get(format!("http://{addr}/orders/o-{n}")).body(Full::new(Bytes::new())).unwrap()
    } else {
        Request::post(format!("http://{addr}/orders"))
            .header("content-type", "application/json")
            .header("x-api-key", "bench-key")
            .body(Full::new(Bytes::from_static(NEW_ORDER.as_bytes())))
            .unwrap()
    }
}

/// Sends through `addr` from CLIENTS connections: at `rate` requests per
/// second in all (None: as fast as they go) for `time`, or until `total`
/// requests were sent. Returns the latencies (µs) and the elapsed time.
async fn load(addr: SocketAddr, rate: Option<u64>, time: Duration, total: u64) -> (Vec<u64>, Duration) {
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let sent = sent.clone();
        tasks.push(tokio::spawn(async move {
            let client: Client<HttpConnector, Full<Bytes>> =
                Client::builder(TokioExecutor::new()).pool_max_idle_per_host(1).build_http();
            let mut latencies = Vec::new();
            let mut tick = rate.map(|r| {
                let mut i = tokio::time::interval(Duration::from_micros(1_000_000 * CLIENTS as u64 / r));
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                i
            });
            // Spread the clients' first ticks over one period.
            if let Some(r) = rate {
                tokio::time::sleep(Duration::from_micros(1_000_000 / r * c as u64)).await;
            }
            loop {
                if let Some(t) = &mut tick {
                    t.tick().await;
                }
                let n = sent.fetch_add(1, Ordering::Relaxed);
                if n >= total || started.elapsed() >= time {
                    break;
                }
                let at = Instant::now();
                let response = client.request(request(addr, n)).await.expect("a response");
                assert!(response.status().is_success(), "{}", response.status());
                response.into_body().collect().await.expect("a body");
                latencies.push(at.elapsed().as_micros() as u64);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (all, started.elapsed())
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

async fn bench(exchanges: u64, time: Duration) {
    let me = std::env::current_exe().unwrap();
    let accord = env!("CARGO_BIN_EXE_accord");
    let upstream = Process::start(
        {
            let mut c = Command::new(&me);
            c.arg("--serve-upstream");
            c
        },
        false,
    );
    let passthrough = Process::start(
        {
            let mut c = Command::new(&me);
            c.args(["--serve-passthrough", &upstream.addr.to_string()]);
            c
        },
        false,
    );
    let start_accord = || {
        let mut c = Command::new(accord);
        c.args([
            "proxy",
            "--schemas",
            SHOP,
            "--upstream",
            &format!("http://{}", upstream.addr),
            "--listen",
            "127.0.0.1:0",
        ]);
        c.args(["--format", "json", "--quiet"]);
        Process::start(c, true)
    };
    let checked = start_accord();
    println!("accord proxy bench: {CLIENTS} clients over loopback, valid exchanges (GET /orders/{{id}}, POST /orders)");
    // Warm up every path once.
    for addr in [upstream.addr, passthrough.addr, checked.addr] {
        load(addr, None, Duration::from_secs(1), 2_000).await;
    }

    println!("\n1. latency at {RATE} requests/s for {} s (ms)", time.as_secs());
    println!("{:<24} {:>8} {:>8} {:>8} {:>10}", "path", "p50", "p90", "p99", "requests");
    let mut p = Vec::new();
    for (name, addr) in
        [("direct", upstream.addr), ("pass-through proxy", passthrough.addr), ("accord proxy", checked.addr)]
    {
        let (mut lat, _) = load(addr, Some(RATE), time, u64::MAX).await;
        lat.sort_unstable();
        let (p50, p90, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.9), percentile(&lat, 0.99));
        println!("{name:<24} {p50:>8.3} {p90:>8.3} {p99:>8.3} {:>10}", lat.len());
        p.push((p50, p99));
    }
    println!(
        "added by accord proxy over direct: p50 {:.3} ms, p99 {:.3} ms (pass-through proxy: p50 {:.3} ms, p99 {:.3} ms)",
        p[2].0 - p[0].0,
        p[2].1 - p[0].1,
        p[1].0 - p[0].0,
        p[1].1 - p[0].1
    );

    println!("\n2. throughput, closed loop, {} s", time.as_secs());
    let mut rates = Vec::new();
    for (name, addr) in
        [("direct", upstream.addr), ("pass-through proxy", passthrough.addr), ("accord proxy", checked.addr)]
    {
        let (lat, elapsed) = load(addr, None, time, u64::MAX).await;
        let rate = lat.len() as f64 / elapsed.as_secs_f64();
        println!("{name:<24} {rate:>10.0} requests/s");
        rates.push(rate);
    }
    println!("accord proxy / pass-through proxy: {:.2}", rates[2] / rates[1]);
    drop(checked);

    println!("\n3. peak RSS over {exchanges} exchanges");
    let checked = start_accord();
    let idle = checked.peak_rss_mib();
    let started = Instant::now();
    let (lat, _) = load(checked.addr, None, Duration::from_secs(86_400), exchanges).await;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "accord proxy: {} exchanges in {elapsed:.0} s ({:.0}/s); peak RSS {:.1} MiB (at start {idle:.1} MiB); pass-through proxy peak RSS {:.1} MiB",
        lat.len(),
        lat.len() as f64 / elapsed,
        checked.peak_rss_mib(),
        passthrough.peak_rss_mib()
    );
}
