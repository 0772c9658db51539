//! `accord`: check captured API traffic against a contract catalog.
//!
//! `main` parses and dispatches; each subcommand lives in its own file under
//! `cli/`, and the exit status is [`cli::Exit`]: 0 no errors; 1 contract
//! errors found; 2 usage errors, an unusable catalog, or inputs that cannot
//! be read at all. A closed pipe on stdout is not an error.

mod cli;

use clap::Parser;
use cli::{Cli, Command, Exit};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            match cli::suggest::better_suggestion(&e) {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return if e.use_stderr() { Exit::Unusable.into() } else { Exit::Clean.into() };
        }
    };
    let result = match cli.command {
        Command::Check(args) => cli::check::check(args),
        Command::List(args) => cli::list::list(args),
        Command::Schema(args) => cli::schema::schema(args),
        Command::Diff(args) => cli::diff::diff(args),
        Command::Coverage(args) => cli::coverage::coverage(args),
        Command::Proxy(args) => cli::proxy::proxy(args),
        Command::Completions(args) => cli::completions::completions(args),
        Command::Man(args) => cli::man::man(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Clean.into(),
        Err(e) => {
            eprintln!("accord: {e:#}");
            Exit::Unusable.into()
        }
    }
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
