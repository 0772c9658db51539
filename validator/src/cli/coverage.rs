//! `accord coverage`: what the traffic exercised of the contract, and what it
//! never touched; with CI gates (`--min KIND=PERCENT`, `--baseline FILE`).
//! `accord check --coverage FILE` and `accord proxy --coverage FILE` write
//! the same report from the same counters.

use super::{CatalogArgs, CheckArgs, ColorChoice, Exit, FormatArg, InputArg, write_report};
use accord_validator::coverage::{Baseline, Coverage, CoverageReport, Gate, Minimum};
use accord_validator::diagnostic::{Diagnostic, Limit};
use accord_validator::render::{CoverageFormat, render_coverage};
use accord_validator::run::{self, NoProgress};
use accord_validator::{Checker, ReadOptions, Sink};
use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The formats of `accord coverage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormatArg {
    /// A table per kind, operations, missing in spec.
    Human,
    /// JSON (see `validator/coverage.schema.json`); what `--baseline` and `--from` read.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One self-contained HTML page (sortable, filterable, a drill-down per operation).
    Html,
    /// lcov over the lines of the OpenAPI documents, for an editor's coverage gutter.
    Lcov,
}

impl From<CoverageFormatArg> for CoverageFormat {
    fn from(f: CoverageFormatArg) -> Self {
        match f {
            CoverageFormatArg::Human => CoverageFormat::Human,
            CoverageFormatArg::Json => CoverageFormat::Json,
            CoverageFormatArg::Markdown => CoverageFormat::Markdown,
            CoverageFormatArg::Html => CoverageFormat::Html,
            CoverageFormatArg::Lcov => CoverageFormat::Lcov,
        }
    }
}

#[derive(Args, Debug)]
pub struct CoverageArgs {
    /// Captures to read (HAR, NDJSON, envelopes; files or directories; `-` for stdin).
    #[arg(value_name = "PATH", required_unless_present = "from")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Output format (default: by --output's extension, `.json`, `.md`, `.html`, `.info`; else human).
    #[arg(long, value_enum)]
    pub format: Option<CoverageFormatArg>,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) when the percentage of a unit kind is below PERCENT (repeatable),
    /// e.g. `--min operation=100 --min status=80`.
    #[arg(long = "min", value_name = "KIND=PERCENT")]
    pub min: Vec<Minimum>,
    /// A JSON coverage report from an earlier run: fail (exit 1) when a unit it had
    /// covered is no longer covered, or an operation added since is not covered.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Render and gate a JSON coverage report written earlier (by `--format json`,
    /// `check --coverage`, `proxy --coverage`) instead of reading traffic.
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    pub from: Option<PathBuf>,
    /// Read every input as this kind instead of detecting it from its content.
    #[arg(long = "input", value_enum, value_name = "KIND")]
    pub input: Option<InputArg>,
    /// Check every exchange against this operation instead of routing it (webhooks).
    #[arg(long, value_name = "ID")]
    pub operation: Option<String>,
    /// Never route a request to a host no server lists by its path alone.
    #[arg(long)]
    pub strict: bool,
    /// A base URL the captures were recorded against (repeatable), as for `accord check`.
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
}

/// A sink that drops findings: `accord coverage` counts, `accord check` reports.
struct Discard;

impl Sink for Discard {
    fn finding(&mut self, _finding: Diagnostic) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `accord coverage`.
pub fn coverage(args: CoverageArgs) -> Result<Exit> {
    let gate = Gate {
        minimums: args.min.clone(),
        baseline: args.baseline.as_deref().map(read_report).transpose()?.as_ref().map(Baseline::from_report),
    };
    let format = args
        .format
        .map(CoverageFormat::from)
        .or_else(|| args.output.as_deref().map(CoverageFormat::for_path))
        .unwrap_or(CoverageFormat::Human);
    let (report, nothing_checked) = match &args.from {
        Some(path) => (read_report(path)?, false),
        None => {
            let check = check_args(&args);
            let checker = super::check::checker(&check)?;
            let coverage = Arc::new(Coverage::new(checker.catalog()));
            let checker = checker.with_coverage(Arc::clone(&coverage));
            let options = ReadOptions {
                kind: args.input.map(Into::into),
                limit: Limit::default(),
                // As `accord check` by default: a larger single document is unreadable, not loaded.
                max_document_bytes: Some(256 << 20),
                ..ReadOptions::default()
            };
            let ended = run::stream(&checker, &args.inputs, &options, &NoProgress, &mut Discard)?;
            for problem in &ended.unreadable {
                eprintln!("accord: cannot read {problem}");
            }
            if !ended.unreadable.is_empty() {
                return Ok(Exit::Unusable);
            }
            let s = &ended.summary;
            eprintln!(
                "accord: {} exchange(s): {} message(s) valid, {} invalid, {} unchecked, {} unrouted (run `accord check` for the findings)",
                s.exchanges, s.valid, s.invalid, s.unchecked, s.unrouted
            );
            (coverage.report(checker.catalog()), s.valid + s.invalid == 0)
        }
    };
    write_report(args.output.as_deref(), |out| Ok(render_coverage(&report, format, out)?))?;
    if nothing_checked {
        eprintln!("accord: nothing was checked against the contract: the report covers nothing");
        return Ok(Exit::Findings);
    }
    let failures = gate.judge(&report);
    for failure in &failures {
        eprintln!("accord: coverage gate: {failure}");
    }
    Ok(if failures.is_empty() { Exit::Clean } else { Exit::Findings })
}

/// Reads a JSON coverage report, naming the file and position when it is not one.
pub fn read_report(path: &Path) -> Result<CoverageReport> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{}:{}:{}: not a JSON coverage report (`accord coverage --format json`): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Writes the coverage report of `coverage` to `path`, in the format its extension names.
pub fn write_file(coverage: &Coverage, checker: &Checker, path: &Path) -> Result<()> {
    let report = coverage.report(checker.catalog());
    write_report(Some(path), |out| Ok(render_coverage(&report, CoverageFormat::for_path(path), out)?))
}

/// The `accord check` arguments that build the same checker.
fn check_args(args: &CoverageArgs) -> CheckArgs {
    CheckArgs {
        inputs: args.inputs.clone(),
        catalog: CatalogArgs { schemas: args.catalog.schemas.clone() },
        format: FormatArg::Human,
        input: args.input,
        operation: args.operation.clone(),
        direction: None,
        status: None,
        strict: args.strict,
        servers: args.servers.clone(),
        schema: None,
        assert_format: false,
        no_fast_path: false,
        resolve: Vec::new(),
        map: Vec::new(),
        color: ColorChoice::Never,
        output: None,
        quiet: true,
        max_errors: None,
        max_document_size: 256,
        coverage: None,
    }
}
