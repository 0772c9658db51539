//! `accord completions SHELL`: a shell completion script.

use super::{Cli, CompletionsArgs, Exit};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// Prints a shell completion script.
pub fn completions(args: CompletionsArgs) -> Result<Exit> {
    // clap_complete panics when its writer fails: render first, then write (a closed pipe is an error here).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "accord", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Clean)
}
