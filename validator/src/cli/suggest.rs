//! Suggestions for a mistyped flag, by spelling and by meaning.

use super::Cli;
use clap::CommandFactory;

/// For an unknown flag, the closest real one by spelling *and* meaning: a word
/// of the unknown flag that names a flag's value (`--schema-dir` and `DIR`)
/// counts, so `--schema-dir` suggests `--schemas DIR`, not `--schema FILE`.
/// Returns clap's message with that tip, when it differs from clap's own.
pub fn better_suggestion(e: &clap::Error) -> Option<String> {
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
