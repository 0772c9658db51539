//! `accord diff`: the changes between two versions of a contract, breaking
//! ones first; ignores, git revisions and replayed captures.

use super::{DiffArgs, Exit, FailOn, write_report};
use accord_diff::ignore::{self, Ignore};
use accord_diff::{Contract, Level};
use accord_validator::contract::{Catalog, RootBuilder};
use accord_validator::render::{DiffReport, render_diff};
use accord_validator::run::Replay;
use accord_validator::{CheckOptions, Checker};
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `accord diff`.
pub fn diff(args: DiffArgs) -> Result<Exit> {
    if args.list_rules {
        let mut out = std::io::stdout().lock();
        writeln!(out, "| rule | level | meaning | example |\n| --- | --- | --- | --- |")?;
        for r in accord_diff::registry::rules() {
            writeln!(out, "| `{}` | {} | {} | {} |", r.id, r.level.as_str(), r.summary, r.example)?;
        }
        out.flush()?;
        return Ok(Exit::Clean);
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
    let mut report = DiffReport { changes: accord_diff::diff(&old, &new), ..Default::default() };
    if !args.captures.is_empty() {
        report.replayed = Some(replay(&roots.0, &roots.1, &args.captures)?);
    }
    let mut ignores = match &args.ignore_file {
        Some(file) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            ignore::parse(&file.display().to_string(), &text)?
        }
        None => Vec::new(),
    };
    for flag in &args.ignore {
        ignores.push(Ignore::from_flag(flag)?);
    }
    if !ignores.is_empty() {
        (report.changes, report.ignored) = ignore::apply(std::mem::take(&mut report.changes), &ignores);
    }
    write_report(args.output.as_deref(), |out| Ok(render_diff(args.format.into(), &report, out)?))?;
    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    // A message that OLD accepts and NEW rejects is a breaking change, proven.
    let proven = report.replayed.as_ref().is_some_and(|r| !r.regressions.is_empty());
    let failed = threshold.is_some_and(|t| report.changes.iter().any(|c| c.level >= t) || proven);
    Ok(if failed { Exit::Findings } else { Exit::Clean })
}

/// Checks `captures` against both versions (see [`accord_validator::run::replay`]).
fn replay(old: &Path, new: &Path, captures: &[PathBuf]) -> Result<Replay> {
    let inputs: Vec<String> = captures.iter().map(|p| p.display().to_string()).collect();
    let checker = |root: &Path| -> Result<Checker> {
        let catalog = Catalog::load(root).with_context(|| format!("cannot load {} for --captures", root.display()))?;
        Checker::new(catalog, CheckOptions::default())
            .with_context(|| format!("the schemas of {} do not compile", root.display()))
    };
    Ok(accord_validator::run::replay(&checker(old)?, &checker(new)?, &inputs))
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
