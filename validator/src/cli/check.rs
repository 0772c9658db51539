//! `accord check`: route captured exchanges to operations and report every
//! contract violation, as the findings are made.

use super::progress::ProgressRenderer;
use super::{CheckArgs, ColorChoice, DirectionArg, Exit, FormatArg, load, write_report};
use accord_validator::ReadOptions;
use accord_validator::contract::{Catalog, OperationKind, RootBuilder};
use accord_validator::coverage::Coverage;
use accord_validator::diagnostic::{Direction, Limit};
use accord_validator::render::{HumanRenderer, ReportWriter};
use accord_validator::run::{self, NoProgress, Progress};
use accord_validator::{CheckOptions, Checker};
use anyhow::{Context, Result, anyhow};
use std::io::IsTerminal;

/// Runs `accord check`.
pub fn check(args: CheckArgs) -> Result<Exit> {
    let checker = checker(&args)?;
    let coverage = args.coverage.as_ref().map(|_| std::sync::Arc::new(Coverage::new(checker.catalog())));
    let checker = match &coverage {
        Some(c) => checker.with_coverage(std::sync::Arc::clone(c)),
        None => checker,
    };
    let direction = args.direction.map(|d| match d {
        DirectionArg::Request => Direction::Request,
        DirectionArg::Response => Direction::Response,
    });
    let options = ReadOptions {
        kind: args.input.map(Into::into),
        direction,
        status: args.status,
        limit: Limit { errors_only: args.quiet, max_errors: args.max_errors },
        record_cases: args.format == FormatArg::Junit,
        max_document_bytes: Some(args.max_document_size.saturating_mul(1 << 20)),
    };
    // A bar on stderr while the report goes elsewhere; on a terminal that shows
    // the report, the findings themselves stream (a bar would be drawn over them).
    let report_on_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let progress: Box<dyn Progress> = if !args.quiet && std::io::stderr().is_terminal() && !report_on_terminal {
        Box::new(ProgressRenderer::new())
    } else {
        Box::new(NoProgress)
    };
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
    let ended = write_report(args.output.as_deref(), |out| {
        let mut writer = ReportWriter::new(args.format.into(), human, Box::new(out)).with_context(|| {
            let tmp = std::env::temp_dir();
            format!("cannot create the temporary file a SARIF or JUnit report is spooled to (in {})", tmp.display())
        })?;
        let ended = run::stream(&checker, &args.inputs, &options, progress.as_ref(), &mut writer)?;
        writer.finish(&ended.summary)?;
        Ok(ended)
    })?;
    for problem in &ended.unreadable {
        eprintln!("accord: cannot read {problem}");
    }
    if let (Some(coverage), Some(path)) = (&coverage, &args.coverage) {
        super::coverage::write_file(coverage, &checker, path)?;
    }
    // Inputs that held exchanges of which not one message was judged: never a pass.
    let s = &ended.summary;
    let nothing_checked = s.valid + s.invalid == 0 && (s.exchanges > 0 || s.payloads > 0 || args.strict);
    if nothing_checked {
        eprintln!(
            "accord: nothing was checked against the contract: of {} exchange(s), {} matched no operation and {} message(s) could not be judged{}",
            s.exchanges,
            s.unrouted,
            s.unchecked,
            if args.servers.is_empty() && ended.host_refused {
                " (captures from a test host? declare it with --server URL)"
            } else {
                ""
            }
        );
    }
    Ok(if !ended.unreadable.is_empty() {
        Exit::Unusable
    } else if s.errors > 0 || nothing_checked {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// The checker the arguments ask for: generic mode (`--schema`) or a catalog.
pub(super) fn checker(args: &CheckArgs) -> Result<Checker> {
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
        let checker = Checker::for_schema(catalog, &uri, args.assert_format)
            .with_context(|| format!("the schema {} does not compile", schema.display()))?;
        return Ok(if args.no_fast_path { checker.without_fast_path() } else { checker });
    }
    let catalog = load(&args.catalog)?;
    if catalog.operations.is_empty() {
        // Nothing could be routed, so nothing would be checked: never a silent pass.
        let root = args.catalog.schemas.as_ref().map_or("the catalog".to_string(), |p| p.display().to_string());
        return Err(anyhow!(
            "{root} declares no operations (no OpenAPI document with `paths`): nothing could be checked"
        ));
    }
    let routable = catalog.operations.iter().any(|op| op.kind == OperationKind::Path);
    if !routable && args.operation.is_none() {
        eprintln!(
            "accord: the catalog declares only webhooks, which are never routed by URL: an exchange is checked only when it names its operation (--operation, or the envelope's `operation`)"
        );
    }
    if let Some(id) = &args.operation
        && catalog.operation(id).is_none()
    {
        let known: Vec<&str> = catalog.operations.iter().map(|o| o.id.as_str()).collect();
        return Err(anyhow!("--operation {id}: no such operation; known: {}", known.join(", ")));
    }
    if args.direction.is_some() && args.operation.is_none() {
        return Err(anyhow!("--direction needs --operation: a plain payload cannot be routed"));
    }
    Checker::new(
        catalog,
        CheckOptions {
            operation: args.operation.clone(),
            strict: args.strict,
            servers: args.servers.clone(),
            no_fast_path: args.no_fast_path,
            lenient_schemas: !args.strict,
        },
    )
    .context("the catalog's schemas do not compile")
}
