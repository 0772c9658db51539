//! `accord man`: the man page, or one page per command.

use super::{Cli, Exit, ManArgs};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Prints the man page, or writes one page per command into `--dir`.
pub fn man(args: ManArgs) -> Result<Exit> {
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
    Ok(Exit::Clean)
}
