//! The command line: arguments, the exit status, and what every subcommand
//! shares (loading a catalog, writing a report). One file per subcommand;
//! each turns its arguments into calls of the `accord_validator` library
//! and an [`Exit`].

pub mod check;
pub mod completions;
pub mod coverage;
pub mod diff;
pub mod list;
pub mod man;
pub mod output;
pub mod progress;
pub mod proxy;
pub mod schema;
pub mod suggest;

use accord_validator::capture::InputKind;
use accord_validator::contract::Catalog;
use accord_validator::render::{DiffFormat, Format};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use output::AtomicFile;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// How a run of `accord` ends: the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: nothing wrong (or only warnings and notes).
    Clean,
    /// 1: contract errors found, a breaking change at the `--fail-on` level,
    /// or inputs held exchanges of which nothing could be checked.
    Findings,
    /// 2: a usage error, an unusable catalog, or inputs that cannot be read at all.
    Unusable,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(match exit {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Unusable => 2,
        })
    }
}

/// Loads the catalog `--schemas` names, or the built-in one.
pub fn load(args: &CatalogArgs) -> Result<Catalog> {
    match &args.schemas {
        Some(dir) => Catalog::load(dir).with_context(|| format!("cannot load the catalog in {}", dir.display())),
        None => Catalog::builtin().context("the built-in catalog does not load"),
    }
}

/// Writes a report with `write`: to `output` atomically (a temporary file
/// renamed into place once complete), or to stdout (buffered unless it is a
/// terminal, so a person watching sees each finding as it is made).
pub fn write_report<T>(output: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    match output {
        Some(path) => {
            let mut file = AtomicFile::create(path)
                .with_context(|| format!("cannot create a report file beside {}", path.display()))?;
            // Buffered: renderers write a line at a time.
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut file);
            let value =
                write(&mut buffered).with_context(|| format!("cannot write the report to {}", path.display()))?;
            buffered.flush().with_context(|| format!("cannot write the report to {}", path.display()))?;
            drop(buffered);
            file.commit().with_context(|| format!("cannot write the report to {}", path.display()))?;
            Ok(value)
        }
        None => {
            let stdout = std::io::stdout();
            let value = if stdout.is_terminal() {
                let mut out = stdout.lock();
                let value = write(&mut out)?;
                out.flush()?;
                value
            } else {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
                let value = write(&mut out)?;
                out.flush()?;
                value
            };
            Ok(value)
        }
    }
}

/// `--format` of `accord check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// rustc-like text with source snippets (default).
    Human,
    /// One JSON report (see `validator/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: a test suite per input file, a test case per checked message.
    Junit,
    /// JSON Lines: one finding per line as it is made, then a `{"summary": ...}` line.
    Jsonl,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
            FormatArg::Jsonl => Format::JsonLines,
        }
    }
}

/// `--input` of `accord check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputArg {
    /// HTTP Archive 1.2 (browser devtools, mitmproxy, Charles, Fiddler).
    Har,
    /// One capture envelope per line.
    Ndjson,
    /// One capture envelope: `{"operation"?, "request"?, "response"?}`.
    Envelope,
    /// A bare request or response body (needs `--operation` and `--direction`).
    Payload,
}

impl From<InputArg> for InputKind {
    fn from(k: InputArg) -> Self {
        match k {
            InputArg::Har => InputKind::Har,
            InputArg::Ndjson => InputKind::Ndjson,
            InputArg::Envelope => InputKind::Envelope,
            InputArg::Payload => InputKind::Payload,
        }
    }
}

/// `--format` of `accord diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormatArg {
    /// Plain text, one block per change, breaking first.
    Human,
    /// One JSON report (see `validator/diff.schema.json`).
    Json,
    /// A Markdown report for a pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands (annotations on the new version).
    Github,
    /// SARIF 2.1.0 (one rule per rule id; results on the new version, or the old one for removals).
    Sarif,
}

impl From<DiffFormatArg> for DiffFormat {
    fn from(f: DiffFormatArg) -> Self {
        match f {
            DiffFormatArg::Human => DiffFormat::Human,
            DiffFormatArg::Json => DiffFormat::Json,
            DiffFormatArg::Markdown => DiffFormat::Markdown,
            DiffFormatArg::Github => DiffFormat::Github,
            DiffFormatArg::Sarif => DiffFormat::Sarif,
        }
    }
}

/// Check captured API traffic (HAR, NDJSON, envelopes, payloads) against OpenAPI 3.1 + JSON Schema contracts.
#[derive(Parser, Debug)]
#[command(name = "accord", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    /// The subcommand.
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Route captured exchanges to operations and report every contract violation.
    Check(CheckArgs),
    /// List the catalog's operations: id, method, path and documented statuses.
    List(ListArgs),
    /// Print the resolved schemas of one operation.
    Schema(SchemaArgs),
    /// Report the changes between two versions of a contract, breaking ones first.
    Diff(DiffArgs),
    /// Report what the traffic exercised of the contract (per unit kind), what it never
    /// touched, and the endpoints it used that the contract lacks; gate CI on it.
    Coverage(coverage::CoverageArgs),
    /// Watch live traffic as a reverse or forward proxy, check every exchange as it
    /// completes, record it, and (optionally) enforce the contract.
    Proxy(proxy::ProxyArgs),
    /// Print a shell completion script (e.g. `accord completions bash > /etc/bash_completion.d/accord`).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory.
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write `accord.1`, `accord-check.1`, ... into this directory instead of printing `accord.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CatalogArgs {
    /// A schema root laid out like Accord's `schemas/` (OpenAPI 3.1 documents plus JSON Schemas);
    /// defaults to the catalog built into the binary.
    #[arg(long, value_name = "DIR", global = true)]
    pub schemas: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: FormatArg,
    /// Read every input as this kind instead of detecting it from its content.
    #[arg(long = "input", value_enum, value_name = "KIND")]
    pub input: Option<InputArg>,
    /// Check every exchange against this operation instead of routing it.
    #[arg(long, value_name = "ID")]
    pub operation: Option<String>,
    /// For plain payload files: whether each is a request or a response body.
    #[arg(long, value_enum)]
    pub direction: Option<DirectionArg>,
    /// For plain response payloads: the HTTP status (default 200).
    #[arg(long, value_name = "N")]
    pub status: Option<u16>,
    /// Treat exchanges that match no operation as errors, and never route a request to a
    /// host no server lists by its path alone.
    #[arg(long)]
    pub strict: bool,
    /// A base URL the captures were recorded against (repeatable), such as a test host
    /// `http://localhost:8080`: it stands in for every server of the contract, whose base
    /// paths are kept (`https://api.example.com/v1` becomes `http://localhost:8080/v1`).
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
    /// Generic mode: check each input as one JSON document against this JSON Schema
    /// (any draft its `$schema` names; 2020-12 by default). No catalog is needed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["operation", "direction", "status", "input", "strict", "servers"])]
    pub schema: Option<PathBuf>,
    /// Generic mode: assert `format` (the drafts' default treats it as an annotation;
    /// the built-in catalog always asserts it).
    #[arg(long, requires = "schema")]
    pub assert_format: bool,
    /// Judge every JSON body on the full path, without the streaming fast
    /// path: the same verdicts and findings, slower (for comparison).
    #[arg(long)]
    pub no_fast_path: bool,
    /// Generic mode: register a schema file, or every schema under a folder, by its `$id`
    /// (repeatable), so references to it resolve without a network.
    #[arg(long = "resolve", value_name = "PATH", requires = "schema")]
    pub resolve: Vec<PathBuf>,
    /// Generic mode: serve references under URI-PREFIX from files under DIR (repeatable),
    /// e.g. `--map http://localhost:1234/=remotes`. Nothing else is ever fetched.
    #[arg(long = "map", value_name = "URI-PREFIX=DIR", requires = "schema")]
    pub map: Vec<String>,
    /// When to use colour in human output (`NO_COLOR` is respected).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Write the report to FILE (atomically: a temporary file renamed into place) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report errors only: no warnings, notes, summary line or progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show at most N errors (the first in report order); the summary still counts them all.
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,
    /// Largest single document (payload, envelope, NDJSON line) read, in MiB; larger ones are
    /// reported unreadable without being loaded. HAR files are streamed and not limited.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_document_size: u64,
    /// Also write a coverage report of the run to FILE, in the format its extension
    /// names (`.json`, `.md`, `.html`, `.info` for lcov; else human text).
    #[arg(long, value_name = "FILE", conflicts_with = "schema")]
    pub coverage: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// OLD and NEW: two schema roots (folders or single OpenAPI documents); with
    /// `--git`, one folder or document read at both revisions.
    #[arg(value_name = "PATH", num_args = 1..=2, required_unless_present = "list_rules")]
    pub paths: Vec<PathBuf>,
    /// Print every rule id with its severity, level and meaning (Markdown) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// The level whose breaks fail the run: `wire` (the default: what every
    /// client and server of the contract sees) or `source` (also what breaks
    /// the Rust `accord-codegen` generates: computed by generating both versions).
    #[arg(long, value_enum, default_value = "wire")]
    pub level: LevelArg,
    /// Read PATH at two git revisions, `OLD..NEW` (e.g. `main..HEAD`), from the
    /// repository, without touching the working tree.
    #[arg(long, value_name = "OLD..NEW")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormatArg,
    /// What fails the run (exit 1): changes that break at `--level`, also
    /// warnings, only breaks some captured exchange touched (`touched`, with
    /// `--captures`), or nothing.
    #[arg(long, value_enum, default_value = "breaking")]
    pub fail_on: FailOn,
    /// A JSON or YAML list of changes to ignore: `{rule, operation?, pointer?, reason}`
    /// (the reason is required).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// Ignore one change on the command line (repeatable), with the same
    /// matching as an ignore file: `RULE[@OPERATION][#POINTER]=REASON`.
    #[arg(long, value_name = "RULE[@OPERATION][#POINTER]=REASON")]
    pub ignore: Vec<String>,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replay recorded exchanges (HAR, NDJSON, envelopes) through both versions,
    /// list the messages valid under OLD that NEW rejects, and say for every
    /// change how often the traffic used what it touches (ranked by that use).
    #[arg(long, value_name = "PATH")]
    pub captures: Vec<PathBuf>,
}

/// The level whose breaks fail `accord diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Breaks of the wire: a valid message rejected, a reader surprised.
    Wire,
    /// Breaks of the wire or of the Rust generated by `accord-codegen`.
    Source,
}

/// What fails `accord diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Changes that break at `--level` fail the run.
    Breaking,
    /// Those, and warnings, fail the run.
    Warning,
    /// Only changes that break at `--level` and that some captured exchange
    /// touched (needs `--captures`); the untouched ones are counted in a warning.
    Touched,
    /// Never fail on changes (exit 0 unless the versions cannot be read).
    Never,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The operation id, e.g. `dstore.inquireOrderDetail`.
    pub id: String,
    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DirectionArg {
    Request,
    Response,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
