//! `accord`: check captured API traffic against a contract catalog.
//!
//! Exit codes: 0 no errors; 1 contract errors found; 2 usage errors, an
//! unusable catalog, or inputs that cannot be read at all. A closed pipe on
//! stdout is not an error.

use accord_validator::capture::InputKind;
use accord_validator::catalog::{Catalog, RootBuilder};
use accord_validator::check::{self, NoProgress, Progress, ReadOptions};
use accord_validator::diagnostic::{Direction, Limit};
use accord_validator::output::AtomicFile;
use accord_validator::render::{self, Format, HumanRenderer, ProgressRenderer};
use accord_validator::validate::{CheckOptions, Checker, compile, registry};
use anyhow::{Context, Result, anyhow};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Check captured API traffic (HAR, NDJSON, envelopes, payloads) against OpenAPI 3.1 + JSON Schema contracts.
#[derive(Parser, Debug)]
#[command(name = "accord", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Route captured exchanges to operations and report every contract violation.
    Check(CheckArgs),
    /// List the catalog's operations: id, method, path and documented statuses.
    List(ListArgs),
    /// Print the resolved schemas of one operation.
    Schema(SchemaArgs),
    /// Report the changes between two versions of a contract, breaking ones first.
    Diff(DiffArgs),
    /// Print a shell completion script (e.g. `accord completions bash > /etc/bash_completion.d/accord`).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory.
    Man(ManArgs),
}

#[derive(Args, Debug)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
struct ManArgs {
    /// Write `accord.1`, `accord-check.1`, ... into this directory instead of printing `accord.1`.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct CatalogArgs {
    /// A schema root laid out like Accord's `schemas/` (OpenAPI 3.1 documents plus JSON Schemas);
    /// defaults to the catalog built into the binary.
    #[arg(long, value_name = "DIR", global = true)]
    schemas: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files or directories to check; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    inputs: Vec<String>,
    #[command(flatten)]
    catalog: CatalogArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Read every input as this kind instead of detecting it from its content.
    #[arg(long = "input", value_enum, value_name = "KIND")]
    input: Option<InputKind>,
    /// Check every exchange against this operation instead of routing it.
    #[arg(long, value_name = "ID")]
    operation: Option<String>,
    /// For plain payload files: whether each is a request or a response body.
    #[arg(long, value_enum)]
    direction: Option<DirectionArg>,
    /// For plain response payloads: the HTTP status (default 200).
    #[arg(long, value_name = "N")]
    status: Option<u16>,
    /// Treat exchanges that match no operation as errors, and never route a request to a
    /// host no server lists by its path alone.
    #[arg(long)]
    strict: bool,
    /// A base URL the captures were recorded against (repeatable), such as a test host
    /// `http://localhost:8080`: it stands in for every server of the contract, whose base
    /// paths are kept (`https://api.example.com/v1` becomes `http://localhost:8080/v1`).
    #[arg(long = "server", value_name = "URL")]
    servers: Vec<String>,
    /// Generic mode: check each input as one JSON document against this JSON Schema
    /// (any draft its `$schema` names; 2020-12 by default). No catalog is needed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["operation", "direction", "status", "input", "strict", "servers"])]
    schema: Option<PathBuf>,
    /// Generic mode: assert `format` (the drafts' default treats it as an annotation;
    /// the built-in catalog always asserts it).
    #[arg(long, requires = "schema")]
    assert_format: bool,
    /// Judge every JSON body on the full path, without the streaming fast
    /// path: the same verdicts and findings, slower (for comparison).
    #[arg(long)]
    no_fast_path: bool,
    /// Generic mode: register a schema file, or every schema under a folder, by its `$id`
    /// (repeatable), so references to it resolve without a network.
    #[arg(long = "resolve", value_name = "PATH", requires = "schema")]
    resolve: Vec<PathBuf>,
    /// Generic mode: serve references under URI-PREFIX from files under DIR (repeatable),
    /// e.g. `--map http://localhost:1234/=remotes`. Nothing else is ever fetched.
    #[arg(long = "map", value_name = "URI-PREFIX=DIR", requires = "schema")]
    map: Vec<String>,
    /// When to use colour in human output (`NO_COLOR` is respected).
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Write the report to FILE (atomically: a temporary file renamed into place) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report errors only: no warnings, notes, summary line or progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Show at most N errors (the first in report order); the summary still counts them all.
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,
    /// Largest single document (payload, envelope, NDJSON line) read, in MiB; larger ones are
    /// reported unreadable without being loaded. HAR files are streamed and not limited.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    max_document_size: u64,
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// OLD and NEW: two schema roots (folders or single OpenAPI documents); with
    /// `--git`, one folder or document read at both revisions.
    #[arg(value_name = "PATH", num_args = 1..=2, required_unless_present = "list_rules")]
    paths: Vec<PathBuf>,
    /// Print every rule id with its level and meaning (Markdown) and exit.
    #[arg(long)]
    list_rules: bool,
    /// Read PATH at two git revisions, `OLD..NEW` (e.g. `main..HEAD`), from the
    /// repository, without touching the working tree.
    #[arg(long, value_name = "OLD..NEW")]
    git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: render::DiffFormat,
    /// Exit 1 when a change at this level or above is found.
    #[arg(long, value_enum, default_value = "breaking")]
    fail_on: FailOn,
    /// A JSON or YAML list of changes to ignore: `{rule, operation?, pointer?, reason}`
    /// (the reason is required).
    #[arg(long, value_name = "FILE")]
    ignore_file: Option<PathBuf>,
    /// Ignore one change on the command line (repeatable), with the same
    /// matching as an ignore file: `RULE[@OPERATION][#POINTER]=REASON`.
    #[arg(long, value_name = "RULE[@OPERATION][#POINTER]=REASON")]
    ignore: Vec<String>,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replay recorded exchanges (HAR, NDJSON, envelopes) through both versions
    /// and list the messages valid under OLD that NEW rejects.
    #[arg(long, value_name = "PATH")]
    captures: Vec<PathBuf>,
}

/// The level from which `accord diff` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Breaking changes fail the run.
    Breaking,
    /// Breaking changes and warnings fail the run.
    Warning,
    /// Never fail on changes (exit 0 unless the versions cannot be read).
    Never,
}

#[derive(Args, Debug)]
struct ListArgs {
    #[command(flatten)]
    catalog: CatalogArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct SchemaArgs {
    /// The operation id, e.g. `dstore.inquireOrderDetail`.
    id: String,
    #[command(flatten)]
    catalog: CatalogArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DirectionArg {
    Request,
    Response,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            match better_suggestion(&e) {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("accord: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// For an unknown flag, the closest real one by spelling *and* meaning: a word
/// of the unknown flag that names a flag's value (`--schema-dir` and `DIR`)
/// counts, so `--schema-dir` suggests `--schemas DIR`, not `--schema FILE`.
/// Returns clap's message with that tip, when it differs from clap's own.
fn better_suggestion(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(unknown)) = e.get(ContextKind::InvalidArg) else { return None };
    let unknown = unknown.split('=').next()?.trim_start_matches('-').to_ascii_lowercase();
    let root = Cli::command();
    let sub = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let command = sub.as_deref().and_then(|name| root.find_subcommand(name)).unwrap_or(&root);
    let words: Vec<&str> = unknown.split(['-', '_']).collect();
    let best = command
        .get_arguments()
        .filter_map(|a| {
            Some((a.get_long()?, a.get_value_names().and_then(|v| v.first()).map(|v| v.to_ascii_lowercase())))
        })
        .map(|(long, value)| {
            let mut score = strsim::jaro_winkler(&unknown, long);
            if value.is_some_and(|v| words.iter().skip(1).any(|w| *w == v)) {
                score += 0.3;
            }
            (score, long)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.7)?
        .1;
    let rendered = e.render().to_string();
    let tip = format!("  tip: a similar argument exists: '--{best}'");
    let mut lines: Vec<String> = rendered.lines().map(str::to_string).collect();
    match lines.iter().position(|l| l.trim_start().starts_with("tip: a similar argument exists")) {
        Some(i) if lines[i] == tip => return None,
        Some(i) => lines[i] = tip,
        None => lines.splice(1..1, [String::new(), tip]).for_each(drop),
    }
    // clap's usage line shows the flag it suggested; show the command's own usage instead.
    if let Some(i) = lines.iter().position(|l| l.starts_with("Usage:")) {
        let name = match &sub {
            Some(s) if root.find_subcommand(s).is_some() => format!("accord {s}"),
            _ => "accord".to_string(),
        };
        lines[i] = command.clone().bin_name(name).render_usage().to_string();
    }
    Some(lines.join("\n") + "\n")
}

/// Whether the error is a closed pipe on output (`accord ... | head`), which is
/// not a failure: directly, or inside serde_json's writer error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == pipe)
            || c.downcast_ref::<serde_json::Error>().is_some_and(|j| j.io_error_kind() == Some(pipe))
    })
}

fn load(args: &CatalogArgs) -> Result<Catalog> {
    match &args.schemas {
        Some(dir) => Catalog::load(dir).with_context(|| format!("cannot load the catalog in {}", dir.display())),
        None => Catalog::builtin().context("the built-in catalog does not load"),
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check_command(args),
        Command::List(args) => list_command(args),
        Command::Schema(args) => schema_command(args),
        Command::Diff(args) => diff_command(args),
        Command::Completions(args) => {
            // clap_complete panics when its writer fails: render first, then write (a closed pipe is an error here).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "accord", &mut script);
            let mut out = std::io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => man_command(args),
    }
}

fn man_command(args: ManArgs) -> Result<ExitCode> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write man pages to {}", dir.display()))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check_command(args: CheckArgs) -> Result<ExitCode> {
    if let Some(schema) = &args.schema {
        if args.catalog.schemas.is_some() {
            return Err(anyhow!("--schema (one JSON Schema) and --schemas (a catalog) cannot be used together"));
        }
        let mut builder = RootBuilder::new();
        for path in &args.resolve {
            builder = builder.resolve(path);
        }
        for map in &args.map {
            builder = builder.map_arg(map).context("--map")?;
        }
        let (catalog, uri) = Catalog::from_schema_file(builder, schema)
            .with_context(|| format!("cannot load the schema {}", schema.display()))?;
        let mut checker = Checker::for_schema(&catalog, &uri, args.assert_format)
            .with_context(|| format!("the schema {} does not compile", schema.display()))?;
        if args.no_fast_path {
            checker = checker.without_fast_path();
        }
        return run_checks(&checker, &args);
    }
    let catalog = load(&args.catalog)?;
    if catalog.operations.is_empty() {
        // Nothing could be routed, so nothing would be checked: never a silent pass.
        let root = args.catalog.schemas.as_ref().map_or("the catalog".to_string(), |p| p.display().to_string());
        return Err(anyhow!(
            "{root} declares no operations (no OpenAPI document with `paths`): nothing could be checked"
        ));
    }
    let routable = catalog.operations.iter().any(|op| op.kind == accord_validator::catalog::OperationKind::Path);
    if !routable && args.operation.is_none() {
        eprintln!(
            "accord: the catalog declares only webhooks, which are never routed by URL: an exchange is checked only when it names its operation (--operation, or the envelope's `operation`)"
        );
    }
    if let Some(id) = &args.operation {
        if catalog.operation(id).is_none() {
            let known: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
            return Err(anyhow!("--operation {id}: no such operation; known: {}", known.join(", ")));
        }
    }
    if args.direction.is_some() && args.operation.is_none() {
        return Err(anyhow!("--direction needs --operation: a plain payload cannot be routed"));
    }
    let checker = Checker::new(
        &catalog,
        CheckOptions {
            operation: args.operation.clone(),
            strict: args.strict,
            servers: args.servers.clone(),
            no_fast_path: args.no_fast_path,
            lenient_schemas: !args.strict,
        },
    )
    .context("the catalog's schemas do not compile")?;
    run_checks(&checker, &args)
}

/// Reads every input with `checker`, renders the report, and picks the exit code.
fn run_checks(checker: &Checker<'_>, args: &CheckArgs) -> Result<ExitCode> {
    let direction = args.direction.map(|d| match d {
        DirectionArg::Request => Direction::Request,
        DirectionArg::Response => Direction::Response,
    });
    let limit = Limit { errors_only: args.quiet, max_errors: args.max_errors };
    let record_cases = args.format == Format::Junit;
    let max_document_bytes = Some(args.max_document_size.saturating_mul(1 << 20));
    let options =
        ReadOptions { kind: args.input, direction, status: args.status, limit, record_cases, max_document_bytes };
    let progress: Box<dyn Progress> = if !args.quiet && std::io::stderr().is_terminal() {
        Box::new(ProgressRenderer::new())
    } else {
        Box::new(NoProgress)
    };
    let report = check::run_with_progress(checker, &args.inputs, &options, progress.as_ref());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let human = HumanRenderer { color, summary: !args.quiet };
    match &args.output {
        Some(path) => {
            let mut file = AtomicFile::create(path)
                .with_context(|| format!("cannot create a report file beside {}", path.display()))?;
            render::render_with(args.format, &report, &human, &mut file)
                .and_then(|()| file.commit())
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            render::render_with(args.format, &report, &human, &mut out)?;
            out.flush()?;
        }
    }
    for problem in &report.unreadable {
        eprintln!("accord: cannot read {problem}");
    }
    // Inputs that held exchanges of which not one message was judged: never a pass.
    let s = &report.summary;
    let nothing_checked = s.valid + s.invalid == 0 && (s.exchanges > 0 || s.payloads > 0 || args.strict);
    if nothing_checked {
        eprintln!(
            "accord: nothing was checked against the contract: of {} exchange(s), {} matched no operation and {} message(s) could not be judged{}",
            s.exchanges,
            s.unrouted,
            s.unchecked,
            if args.servers.is_empty()
                && report.diagnostics.iter().any(|d| d.code == "unrouted" && d.message.contains("servers do not allow"))
            {
                " (captures from a test host? declare it with --server URL)"
            } else {
                ""
            }
        );
    }
    Ok(if !report.unreadable.is_empty() {
        ExitCode::from(2)
    } else if report.has_errors() || nothing_checked {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn diff_command(args: DiffArgs) -> Result<ExitCode> {
    use accord_diff::{Contract, Level};
    if args.list_rules {
        let mut out = std::io::stdout().lock();
        writeln!(out, "| rule | level | meaning | example |\n| --- | --- | --- | --- |")?;
        for r in accord_diff::rules::rules() {
            writeln!(out, "| `{}` | {} | {} | {} |", r.id, r.level.as_str(), r.summary, r.example)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let read = |path: &Path, label: Option<String>| -> Result<Contract> {
        let root = RootBuilder::new().open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut contract =
            Contract::new(root).with_context(|| format!("cannot read the operations of {}", path.display()))?;
        contract.label = label;
        Ok(contract)
    };
    let _checkouts;
    let roots: (PathBuf, PathBuf);
    let (old, new) = match (&args.git, args.paths.as_slice()) {
        (Some(range), [path]) => {
            let (a, b) = range
                .split_once("..")
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| anyhow!("--git takes OLD..NEW, e.g. main..HEAD"))?;
            let old_dir = git_checkout(a, path)?;
            let new_dir = git_checkout(b, path)?;
            let shown = path.display().to_string();
            let old = read(&old_dir.1, Some(format!("{a}:{shown}")))?;
            let new = read(&new_dir.1, Some(format!("{b}:{shown}")))?;
            roots = (old_dir.1.clone(), new_dir.1.clone());
            _checkouts = (old_dir.0, new_dir.0);
            (old, new)
        }
        (Some(_), _) => return Err(anyhow!("--git takes one PATH, read at both revisions")),
        (None, [a, b]) => {
            roots = (a.clone(), b.clone());
            (read(a, None)?, read(b, None)?)
        }
        (None, _) => return Err(anyhow!("accord diff needs OLD and NEW (or --git OLD..NEW PATH)")),
    };
    let mut report = render::DiffReport { changes: accord_diff::diff(&old, &new), ..Default::default() };
    if !args.captures.is_empty() {
        report.replayed = Some(replay(&roots.0, &roots.1, &args.captures)?);
    }
    let mut rules = match &args.ignore_file {
        Some(file) => read_ignores(file)?,
        None => Vec::new(),
    };
    for flag in &args.ignore {
        rules.push(Ignore::from_flag(flag)?);
    }
    if !rules.is_empty() {
        let (kept, ignored): (Vec<_>, Vec<_>) =
            std::mem::take(&mut report.changes).into_iter().partition(|c| !rules.iter().any(|r| r.matches(c)));
        report.changes = kept;
        report.ignored = ignored
            .into_iter()
            .map(|c| {
                let reason = rules.iter().find(|r| r.matches(&c)).map(|r| r.reason.clone()).unwrap_or_default();
                (c, reason)
            })
            .collect();
    }
    match &args.output {
        Some(path) => {
            let mut file = AtomicFile::create(path)
                .with_context(|| format!("cannot create a report file beside {}", path.display()))?;
            render::render_diff(args.format, &report, &mut file)
                .and_then(|()| file.commit())
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            render::render_diff(args.format, &report, &mut out)?;
            out.flush()?;
        }
    }
    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    // A message that OLD accepts and NEW rejects is a breaking change, proven.
    let proven = report.replayed.as_ref().is_some_and(|r| !r.regressions.is_empty());
    let failed = threshold.is_some_and(|t| report.changes.iter().any(|c| c.level >= t) || proven);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Checks `captures` against both versions; the messages valid under the old
/// one and invalid under the new one, with the new version's errors.
fn replay(old: &Path, new: &Path, captures: &[PathBuf]) -> Result<render::Replay> {
    use accord_validator::diagnostic::Severity;
    let inputs: Vec<String> = captures.iter().map(|p| p.display().to_string()).collect();
    let options = ReadOptions { record_cases: true, ..ReadOptions::default() };
    let run = |root: &Path| -> Result<accord_validator::diagnostic::Report> {
        let catalog = Catalog::load(root).with_context(|| format!("cannot load {} for --captures", root.display()))?;
        let checker = Checker::new(&catalog, CheckOptions::default())
            .with_context(|| format!("the schemas of {} do not compile", root.display()))?;
        Ok(check::run(&checker, &inputs, &options))
    };
    let (before, after) = (run(old)?, run(new)?);
    let key = |c: &accord_validator::diagnostic::Case| (c.file.clone(), c.entry, c.direction);
    let valid_before: std::collections::BTreeSet<_> = before.cases.iter().filter(|c| c.valid).map(key).collect();
    let mut regressions = Vec::new();
    for case in after.cases.iter().filter(|c| !c.valid && valid_before.contains(&key(c))) {
        let errors = after
            .diagnostics
            .iter()
            .filter(|d| case.owns(d) && d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        regressions.push(render::Regression {
            file: case.file.clone(),
            entry: case.entry,
            operation: case.operation.clone(),
            direction: case.direction.map(|d| d.as_str().to_string()),
            errors,
        });
    }
    Ok(render::Replay { messages: after.cases.len(), valid_before: valid_before.len(), regressions })
}

/// One entry of an ignore file.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Ignore {
    rule: String,
    operation: Option<String>,
    pointer: Option<String>,
    reason: String,
}

impl Ignore {
    /// `RULE[@OPERATION][#POINTER]=REASON`, as given to `--ignore`.
    fn from_flag(flag: &str) -> Result<Self> {
        let shape = "expected RULE[@OPERATION][#POINTER]=REASON";
        let (spec, reason) = flag.split_once('=').ok_or_else(|| anyhow!("--ignore {flag:?}: no reason; {shape}"))?;
        let (spec, pointer) = match spec.split_once('#') {
            Some((s, p)) => (s, Some(p.to_string())),
            None => (spec, None),
        };
        let (rule, operation) = match spec.split_once('@') {
            Some((r, o)) => (r, Some(o.to_string())),
            None => (spec, None),
        };
        let ignore = Ignore { rule: rule.trim().to_string(), operation, pointer, reason: reason.to_string() };
        ignore.check(&format!("--ignore {flag:?}"))?;
        Ok(ignore)
    }

    /// A reason is required, and the rule must exist; `source` names where the entry came from.
    fn check(&self, source: &str) -> Result<()> {
        if self.reason.trim().is_empty() {
            return Err(anyhow!("{source}: the ignore entry for `{}` has an empty reason", self.rule));
        }
        if accord_diff::rules::rule(&self.rule).is_none() {
            return Err(anyhow!("{source}: `{}` is not a rule id of accord diff (see --list-rules)", self.rule));
        }
        Ok(())
    }

    fn matches(&self, c: &accord_diff::Change) -> bool {
        let pointer =
            |p: &Option<accord_diff::Place>| p.as_ref().is_some_and(|p| Some(&p.pointer) == self.pointer.as_ref());
        self.rule == c.rule
            && self.operation.as_ref().is_none_or(|o| c.operation.as_ref() == Some(o))
            && (self.pointer.is_none() || pointer(&c.old) || pointer(&c.new))
    }
}

fn read_ignores(path: &Path) -> Result<Vec<Ignore>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = accord_catalog::parse(&path.display().to_string(), &text)?;
    let rules: Vec<Ignore> = serde_json::from_value(value).with_context(|| {
        format!("{}: expected a list of {{rule, operation?, pointer?, reason}} (a reason is required)", path.display())
    })?;
    for r in &rules {
        r.check(&path.display().to_string())?;
    }
    Ok(rules)
}

/// Writes the files under `path` at revision `rev` of the repository holding
/// the current directory into a temporary folder; returns it and the path of
/// `path` inside it. The working tree is not touched.
fn git_checkout(rev: &str, path: &Path) -> Result<(tempfile::TempDir, PathBuf)> {
    let git = |args: &[&str]| -> Result<Vec<u8>> {
        let o = std::process::Command::new("git").args(args).output().context("cannot run git")?;
        if !o.status.success() {
            return Err(anyhow!("git {}: {}", args.join(" "), String::from_utf8_lossy(&o.stderr).trim()));
        }
        Ok(o.stdout)
    };
    let prefix = String::from_utf8(git(&["rev-parse", "--show-prefix"])?)?.trim().to_string();
    let shown = path.to_str().ok_or_else(|| anyhow!("{} is not UTF-8", path.display()))?;
    let full = format!("{prefix}{}", shown.trim_start_matches("./").trim_end_matches('/'));
    let names = String::from_utf8(git(&["ls-tree", "-r", "--name-only", "--full-tree", rev, "--", &full])?)?;
    if names.trim().is_empty() {
        return Err(anyhow!("{} does not exist at revision {rev}", path.display()));
    }
    let dir = tempfile::tempdir()?;
    for name in names.lines() {
        let bytes = git(&["show", &format!("{rev}:{name}")])?;
        let target = dir.path().join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, bytes)?;
    }
    let root = dir.path().join(&full);
    Ok((dir, root))
}

fn list_command(args: ListArgs) -> Result<ExitCode> {
    let catalog = load(&args.catalog)?;
    let documents = accord_catalog::openapi::documents(&catalog.root);
    let document_of = |op: &accord_validator::catalog::Operation| documents.iter().find(|d| d.path == op.document);
    for d in check::catalog_notes(&catalog) {
        let severity = if d.severity == accord_validator::diagnostic::Severity::Warning { "warning" } else { "note" };
        eprintln!("accord: {severity}: {}: {}", d.file, d.message);
    }
    // What each operation holds, so a hollow one (nothing read) shows.
    let counts = |op: &accord_validator::catalog::Operation| {
        let request_types = op.request_body.as_ref().map_or(0, |b| b.media.len());
        (op.parameters.len(), request_types, op.responses.len())
    };
    let shown_path = |op: &accord_validator::catalog::Operation| match op.kind {
        accord_validator::catalog::OperationKind::Path => op.path.clone(),
        accord_validator::catalog::OperationKind::Webhook => format!("webhook {}", op.path),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let ops: Vec<Value> = catalog
            .operations
            .iter()
            .map(|op| {
                let doc = document_of(op);
                let (parameters, request_types, _) = counts(op);
                json!({
                    "id": op.id,
                    "kind": op.kind,
                    "method": op.method,
                    "path": op.path,
                    "parameters": parameters,
                    "requestMediaTypes": request_types,
                    "statuses": op.responses.keys().collect::<Vec<_>>(),
                    "summary": op.summary,
                    "document": doc.map(|d| &d.path),
                    "openapi": doc.map(|d| &d.openapi),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &ops)?;
        writeln!(out)?;
    } else {
        let dwidth = documents.iter().map(|d| d.path.len()).max().unwrap_or(8).max(8);
        writeln!(out, "{:dwidth$}  {:7}  OPERATIONS  TITLE", "DOCUMENT", "OPENAPI")?;
        for d in &documents {
            let count =
                catalog.operations.iter().filter(|op| document_of(op).is_some_and(|x| x.path == d.path)).count();
            let title = match (&d.title, &d.version) {
                (Some(t), Some(v)) => format!("{t} ({v})"),
                (Some(t), None) => t.clone(),
                _ => String::new(),
            };
            writeln!(out, "{:dwidth$}  {:7}  {count:10}  {title}", d.path, d.openapi)?;
        }
        writeln!(out)?;
        let width = catalog.operations.iter().map(|o| o.id.len()).max().unwrap_or(2).max(2);
        let pwidth = catalog.operations.iter().map(|o| shown_path(o).len()).max().unwrap_or(4).max(4);
        writeln!(out, "{:width$}  {:7}  {:pwidth$}  PARAMS  BODIES  STATUSES", "ID", "METHOD", "PATH")?;
        for op in &catalog.operations {
            let statuses: Vec<&str> = op.responses.keys().map(String::as_str).collect();
            let (parameters, request_types, n) = counts(op);
            let statuses = if n == 0 { "(none)".to_string() } else { format!("{n}: {}", statuses.join(",")) };
            writeln!(
                out,
                "{:width$}  {:7}  {:pwidth$}  {parameters:6}  {request_types:6}  {statuses}",
                op.id,
                op.method,
                shown_path(op)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An operation's exchange rules and capture rules, for `accord schema`
/// (message rules stay in the schemas they belong to, shown above).
fn operation_rules(catalog: &Catalog, op: &accord_validator::catalog::Operation) -> Value {
    let exchange: Vec<Value> = catalog.rules.exchanges.get(&op.location).map_or_else(Vec::new, |set| {
        set.rules
            .iter()
            .map(|r| json!({"id": r.id, "rule": r.source, "message": r.message, "fieldPath": r.field_path}))
            .collect()
    });
    let capture = catalog.rules.captures.get(&op.location);
    json!({
        "exchange": exchange,
        "idempotencyKey": capture.and_then(|c| c.idempotency_key.as_ref()).map(|k| k.describe()),
        "unique": capture.map(|c| c.unique.iter().map(|k| k.describe()).collect::<Vec<_>>()).unwrap_or_default(),
    })
}

fn schema_command(args: SchemaArgs) -> Result<ExitCode> {
    let catalog = load(&args.catalog)?;
    let op = catalog.operation(&args.id).ok_or_else(|| {
        let known: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
        anyhow!("no operation `{}`; known: {}", args.id, known.join(", "))
    })?;
    let registry = registry(&catalog);
    let resolve = |uri: &str| -> Result<Value> {
        compile(&catalog, uri, true).map_err(|e| anyhow!("{}: {e}", catalog.display_uri(uri)))?;
        jsonschema::options()
            .with_registry(registry)
            .dereference(&json!({"$ref": uri}))
            .map_err(|e| anyhow!("{}: {e}", catalog.display_uri(uri)))
    };
    let mut parameters = serde_json::Map::new();
    for p in &op.parameters {
        let schema = match &p.schema_uri {
            Some(u) => resolve(u)?,
            None => json!({}),
        };
        let mut entry = json!({"required": p.required, "style": p.style, "explode": p.explode, "schema": schema});
        if let Some(media) = &p.content {
            entry["content"] = json!(media);
        }
        if p.allow_empty_value {
            entry["allowEmptyValue"] = json!(true);
        }
        if p.allow_reserved {
            entry["allowReserved"] = json!(true);
        }
        parameters.insert(format!("{}:{}", p.location.as_str(), p.name), entry);
    }
    let body = |b: &accord_validator::catalog::Body| -> Result<Value> {
        let mut media = serde_json::Map::new();
        for m in &b.media {
            media.insert(
                m.name.clone(),
                match &m.schema_uri {
                    Some(u) => resolve(u)?,
                    None => json!({}),
                },
            );
        }
        Ok(json!({"required": b.required, "content": media}))
    };
    let mut responses = serde_json::Map::new();
    for (status, spec) in &op.responses {
        responses.insert(
            status.clone(),
            json!({"description": spec.description, "body": spec.body.as_ref().map(&body).transpose()?}),
        );
    }
    let doc = json!({
        "operation": op.id,
        "method": op.method,
        "path": op.path,
        "kind": op.kind,
        "servers": op.servers.iter().map(|s| &s.url).collect::<Vec<_>>(),
        "security": op.security,
        "parameters": parameters,
        "requestBody": op.request_body.as_ref().map(&body).transpose()?,
        "responses": responses,
        "rules": operation_rules(&catalog, op),
    });
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}
