//! `accord proxy`: a reverse or forward proxy that checks every exchange as
//! it completes, prints each finding as it is made, records the traffic,
//! and writes the final report when it stops.

use super::output::AtomicFile;
use super::{CatalogArgs, ColorChoice, Exit, FormatArg, load};
use accord_validator::coverage::Coverage;
use accord_validator::diagnostic::{Case, Diagnostic, Summary};
use accord_validator::live::Recorder;
use accord_validator::proxy::{Ca, Config, Mode, Proxy, ProxySession, UpstreamTls};
use accord_validator::render::{Format, HumanRenderer, ReportWriter};
use accord_validator::run::Sink;
use accord_validator::{CheckOptions, Checker, Session};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ProxyArgs {
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Reverse mode: the upstream clients reach through the proxy (`http://` or
    /// `https://`, with an optional base path).
    #[arg(long, value_name = "URL", required_unless_present = "forward", conflicts_with = "forward")]
    pub upstream: Option<String>,
    /// Forward mode, for clients configured with HTTP_PROXY/HTTPS_PROXY: plain
    /// HTTP and CONNECT (passed through unchecked, unless --ca-dir is given).
    #[arg(long)]
    pub forward: bool,
    /// Forward mode: intercept CONNECT tunnels with certificates minted by a local
    /// CA kept in DIR (created on first use; the proxy prints how to trust it).
    #[arg(long, value_name = "DIR", requires = "forward")]
    pub ca_dir: Option<PathBuf>,
    /// The address to listen on, and nothing else (port 0 picks a free port; the
    /// address is printed on stderr).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// How findings are printed as they happen, on stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub format: LiveFormat,
    /// When the proxy stops, write the final report to FILE.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a coverage report of the traffic seen to FILE when the proxy stops,
    /// in the format its extension names (`.json`, `.md`, `.html`, `.info`; else human).
    #[arg(long, value_name = "FILE")]
    pub coverage: Option<PathBuf>,
    /// The format of --output (default: by its extension, `.sarif`, `.xml`, `.jsonl`,
    /// `.txt`; otherwise json).
    #[arg(long, value_enum, requires = "output")]
    pub report_format: Option<FormatArg>,
    /// Append each exchange to FILE as a capture envelope (NDJSON, what `accord
    /// check` reads), flushed per exchange, with sensitive values masked.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Keep sensitive values in the recording (it is then not safe to share).
    #[arg(long, requires = "record")]
    pub record_secrets: bool,
    /// Answer a request that breaks the contract with 400 (not forwarded) and
    /// replace a response that breaks it with 502, as application/problem+json.
    #[arg(long)]
    pub enforce: bool,
    /// Add an `Accord-Findings` header (error and warning counts, codes) to each response.
    #[arg(long)]
    pub annotate: bool,
    /// Bodies larger than this are forwarded but not kept, and counted unchecked
    /// (bytes, or with a unit: 512KiB, 16MiB, 1GiB).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_body: usize,
    /// Trust the CA certificates in this PEM file for the upstream, besides the system's roots.
    #[arg(long, value_name = "FILE")]
    pub upstream_ca: Option<PathBuf>,
    /// Do not verify the upstream's certificate at all (a test upstream only).
    #[arg(long)]
    pub insecure_upstream: bool,
    /// Stop after N exchanges.
    #[arg(long, value_name = "N")]
    pub exit_after: Option<u64>,
    /// Stop after this many seconds without traffic.
    #[arg(long, value_name = "SECONDS")]
    pub idle_exit: Option<f64>,
    /// A base URL the traffic is addressed to (repeatable), standing in for the
    /// contract's servers, as with `accord check --server`.
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
    /// Treat exchanges that match no operation as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print errors only (no warnings, notes or summary line).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// When to use colour in human output (`NO_COLOR` is respected).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// How `accord proxy` prints findings as they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LiveFormat {
    /// rustc-like text with source snippets.
    Human,
    /// GitHub Actions workflow commands (annotations in a CI log).
    Github,
    /// JSON Lines: one finding per line, then a `{"summary": ...}` line.
    Json,
}

fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: usize = digits.parse().map_err(|_| format!("`{text}` is not a size (e.g. 16MiB, 512KiB, 1000)"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use B, KiB, MiB or GiB)")),
    };
    n.checked_mul(factor).ok_or_else(|| format!("`{text}` is too large"))
}

fn report_format(path: &Path, chosen: Option<FormatArg>) -> Format {
    if let Some(f) = chosen {
        return f.into();
    }
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("sarif") => Format::Sarif,
        Some("xml") => Format::Junit,
        Some("jsonl") | Some("ndjson") => Format::JsonLines,
        Some("txt") | Some("log") => Format::Human,
        _ => Format::Json,
    }
}

/// What the session's sink hands the writer thread.
enum Event {
    Finding(Box<Diagnostic>),
    Case(Case),
    Done(Summary),
}

/// The session's sink: everything goes to the writer thread, so no report
/// is written under the session's lock.
struct ToWriter(mpsc::Sender<Event>);

impl Sink for ToWriter {
    fn finding(&mut self, finding: Diagnostic) -> std::io::Result<()> {
        self.0.send(Event::Finding(Box::new(finding))).map_err(|_| std::io::Error::other("the report writer stopped"))
    }

    fn case(&mut self, case: Case) -> std::io::Result<()> {
        self.0.send(Event::Case(case)).map_err(|_| std::io::Error::other("the report writer stopped"))
    }
}

/// Runs `accord proxy`.
pub fn proxy(args: ProxyArgs) -> Result<Exit> {
    let catalog = load(&args.catalog)?;
    if catalog.operations.is_empty() {
        bail!("the catalog declares no operations (no OpenAPI document with `paths`): nothing could be checked");
    }
    let redactor = catalog.redactor.clone();
    let checker = Checker::new(
        catalog,
        CheckOptions {
            operation: None,
            strict: args.strict,
            servers: args.servers.clone(),
            no_fast_path: false,
            lenient_schemas: !args.strict,
        },
    )
    .context("the catalog's schemas do not compile")?;
    let coverage = args.coverage.as_ref().map(|_| Arc::new(Coverage::new(checker.catalog())));
    let checker = match &coverage {
        Some(c) => checker.with_coverage(Arc::clone(c)),
        None => checker,
    };
    let checker = Arc::new(checker);
    let mode = match (&args.upstream, args.forward) {
        (Some(url), _) => {
            Mode::Reverse { upstream: url.parse().map_err(|e| anyhow!("--upstream {url}: not a URL ({e})"))? }
        }
        (None, true) => {
            let ca = match &args.ca_dir {
                Some(dir) => {
                    let (ca, created) =
                        Ca::load_or_create(dir).with_context(|| format!("--ca-dir {}", dir.display()))?;
                    say_ca(&ca, created);
                    Some(Arc::new(ca))
                }
                None => None,
            };
            Mode::Forward { ca }
        }
        (None, false) => bail!("give --upstream URL (reverse proxy) or --forward"),
    };
    if args.insecure_upstream {
        eprintln!(
            "accord proxy: WARNING: --insecure-upstream: the upstream's TLS certificate is NOT verified; anyone on the path can read and change this traffic"
        );
    }
    let recorder = match &args.record {
        Some(path) => {
            if args.record_secrets {
                eprintln!(
                    "accord proxy: --record-secrets: {} keeps sensitive values (credentials, fields the contract marks sensitive) as they passed; do not share it",
                    path.display()
                );
            }
            let mask = (!args.record_secrets).then_some(redactor);
            Some(Recorder::open(path, mask).with_context(|| format!("cannot open the recording {}", path.display()))?)
        }
        None => None,
    };
    let config = Config {
        mode,
        max_body: args.max_body,
        enforce: args.enforce,
        annotate: args.annotate,
        recorder,
        upstream_tls: UpstreamTls { extra_ca: args.upstream_ca.clone(), insecure: args.insecure_upstream },
        exit_after: args.exit_after,
        idle_exit: args.idle_exit.map(Duration::from_secs_f64),
        grace: Duration::from_secs(5),
    };

    // Findings are written by their own thread, live on stdout and, when the
    // proxy stops, into --output.
    let (events, received) = mpsc::channel::<Event>();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let live_format = match args.format {
        LiveFormat::Human => Format::Human,
        LiveFormat::Github => Format::Github,
        LiveFormat::Json => Format::JsonLines,
    };
    let quiet = args.quiet;
    let output = args.output.clone().map(|path| {
        let format = report_format(&path, args.report_format);
        (path, format)
    });
    let writer = std::thread::spawn(move || write_reports(received, live_format, color, quiet, output));

    let session: Arc<ProxySession> = Arc::new(Session::with_limit(
        Arc::clone(&checker),
        Box::new(ToWriter(events.clone())),
        accord_validator::diagnostic::Limit { errors_only: quiet, max_errors: None },
    ));
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    let served = runtime.block_on(async {
        let proxy = Proxy::bind(args.listen, config, session.clone()).await?;
        let addr = proxy.local_addr();
        match (&args.upstream, &args.ca_dir) {
            (Some(upstream), _) => eprintln!("accord proxy: listening on http://{addr}, forwarding to {upstream}"),
            (None, Some(_)) => {
                eprintln!("accord proxy: listening on http://{addr} as a forward proxy, intercepting TLS")
            }
            (None, None) => eprintln!(
                "accord proxy: listening on http://{addr} as a forward proxy (CONNECT passes through unchecked)"
            ),
        }
        let _ = std::io::stderr().flush();
        Ok::<_, anyhow::Error>(proxy.serve(stopped()).await)
    });
    // Tasks still holding the session (tunnels, upgraded connections) end here.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let stats = match served {
        Ok(stats) => stats,
        Err(e) => {
            // No `Done`: the writer ends without writing a report (a run that
            // never started has nothing to report).
            drop(session);
            drop(events);
            let _ = writer.join();
            return Err(e);
        }
    };
    let session = Arc::try_unwrap(session).map_err(|_| anyhow!("the proxy's session is still in use"))?;
    let finished = session.finish().context("cannot write the findings")?;
    let mut sink = finished.sink;
    for d in finished.captures {
        sink.finding(d)?;
    }
    let summary = finished.summary;
    let _ = events.send(Event::Done(summary.clone()));
    drop(sink);
    drop(events);
    let written = writer.join().map_err(|_| anyhow!("the report writer failed"))?;
    written?;
    if let (Some(coverage), Some(path)) = (&coverage, &args.coverage) {
        super::coverage::write_file(coverage, &checker, path)?;
    }
    eprintln!(
        "accord proxy: stopped ({}): {} exchange(s); {} CONNECT tunnel(s) and {} WebSocket upgrade(s) passed through unchecked; {} connection(s) ended in an HTTP or TLS error{}",
        stats.stopped_by,
        stats.exchanges,
        stats.tunnels,
        stats.websockets,
        stats.connection_errors,
        if stats.abandoned > 0 {
            format!("; {} exchange(s) still open were not checked", stats.abandoned)
        } else {
            String::new()
        }
    );
    let nothing_checked = summary.valid + summary.invalid == 0;
    if nothing_checked {
        eprintln!(
            "accord proxy: nothing was checked against the contract: of {} exchange(s), {} matched no operation and {} message(s) could not be judged",
            summary.exchanges, summary.unrouted, summary.unchecked
        );
    }
    Ok(if summary.errors > 0 || nothing_checked { Exit::Findings } else { Exit::Clean })
}

fn say_ca(ca: &Ca, created: bool) {
    let path = ca.cert_path().display();
    if created {
        eprintln!(
            "accord proxy: created a local CA: {path}\n  Clients must trust it to be intercepted, e.g.:\n    curl --proxy http://ADDR --cacert {path} https://...\n    Debian/Ubuntu: sudo cp {path} /usr/local/share/ca-certificates/accord-ca.crt && sudo update-ca-certificates\n    macOS: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {path}\n    Firefox: Settings > Certificates > Import; Node.js: NODE_EXTRA_CA_CERTS={path}\n  Its key ({}) can impersonate any site to a client that trusts it: keep it private.",
            ca.cert_path().with_file_name(accord_validator::proxy::CA_KEY_FILE).display()
        );
    } else {
        eprintln!("accord proxy: intercepting TLS with the local CA {path}");
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The writer thread: each finding live on stdout and into the report; at
/// `Done`, both are finished with the summary.
fn write_reports(
    events: mpsc::Receiver<Event>,
    live_format: Format,
    color: bool,
    quiet: bool,
    output: Option<(PathBuf, Format)>,
) -> Result<()> {
    let human = HumanRenderer { color, summary: !quiet };
    let mut live = ReportWriter::new(live_format, human, Box::new(std::io::stdout()))?;
    let mut file = match &output {
        Some((path, _)) => Some(
            AtomicFile::create(path)
                .with_context(|| format!("cannot create a report file beside {}", path.display()))?,
        ),
        None => None,
    };
    let plain = HumanRenderer { color: false, summary: true };
    let mut report = match (&output, file.as_mut()) {
        (Some((_, format)), Some(file)) => Some(ReportWriter::new(*format, plain, Box::new(file))?),
        _ => None,
    };
    let path = output.as_ref().map(|(p, _)| p.clone()).unwrap_or_default();
    let mut live_ok = true;
    let mut summary = None;
    for event in events {
        match event {
            Event::Finding(d) => {
                let d = *d;
                if live_ok && live.finding(d.clone()).is_err() {
                    // A closed stdout stops the live view, not the report.
                    live_ok = false;
                }
                if let Some(r) = &mut report {
                    r.finding(d).with_context(|| format!("cannot write {}", path.display()))?;
                }
            }
            Event::Case(c) => {
                if let Some(r) = &mut report {
                    r.case(c).with_context(|| format!("cannot write {}", path.display()))?;
                }
            }
            Event::Done(s) => {
                summary = Some(s);
                break;
            }
        }
    }
    let Some(summary) = summary else { return Ok(()) };
    if live_ok {
        let _ = live.finish(&summary);
    }
    if let Some(r) = report.take() {
        r.finish(&summary).with_context(|| format!("cannot write {}", path.display()))?;
    }
    drop(report);
    if let Some(file) = file {
        file.commit().with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
