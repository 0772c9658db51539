//! The docs cannot drift: every command shown in a ```console block of the
//! README or the book (`docs/src/*.md`) is run here, through the `accord`
//! binary, from the repository root, and its output is compared with what
//! the page shows.
//!
//! A block holds commands (`$ accord ...`), each followed by its expected
//! standard output. In the expected text, a line `...` stands for any number
//! of lines and `[..]` for any text within a line; a last line `? N` is the
//! expected exit status (0 when absent). The diff rule table is the output
//! of `accord diff --list-rules`, byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Pages of the docs: the README and the book.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md")];
    let mut book: Vec<PathBuf> = std::fs::read_dir(repo().join("docs/src"))
        .expect("docs/src exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    book.sort();
    pages.extend(book);
    pages
}

/// One command of a console block and what it must print.
#[derive(Debug)]
struct Example {
    page: String,
    line: usize,
    command: String,
    expected: Vec<String>,
    status: i32,
}

fn examples(page: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(page).unwrap();
    let name = page.strip_prefix(repo()).unwrap_or(page).display().to_string();
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_console = !in_console && line.trim() == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                page: name.clone(),
                line: i + 1,
                command: command.to_string(),
                expected: Vec::new(),
                status: 0,
            });
        } else if let Some(status) = line.strip_prefix("? ") {
            let e = out.last_mut().expect("a status after a command");
            e.status = status.trim().parse().expect("`? N` holds a number");
        } else if let Some(e) = out.last_mut() {
            e.expected.push(line.to_string());
        }
    }
    out
}

/// Whether `actual` matches `pattern`, where `[..]` is any text.
fn line_matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let mut rest = actual;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else { return false };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// Whether the lines of `actual` match `expected` (`...` for any lines).
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((first, rest)) => actual.first().is_some_and(|a| line_matches(first, a)) && matches(rest, &actual[1..]),
    }
}

#[test]
fn every_command_in_the_docs_prints_what_the_docs_show() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_accord"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let all: Vec<Example> = pages().iter().flat_map(|p| examples(p)).collect();
    assert!(all.len() >= 10, "the docs show {} commands", all.len());
    let mut failures = Vec::new();
    for e in &all {
        assert!(
            e.command.starts_with("accord "),
            "{}:{}: a console command runs accord: {}",
            e.page,
            e.line,
            e.command
        );
        let o = Command::new("sh")
            .args(["-c", &e.command])
            .current_dir(repo())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let actual: Vec<&str> = stdout.lines().collect();
        let status = o.status.code().unwrap_or(-1);
        if !matches(&e.expected, &actual) || status != e.status {
            failures.push(format!(
                "{}:{}: `{}` exited {status} (docs say {}) and printed:\n{stdout}{}",
                e.page,
                e.line,
                e.command,
                e.status,
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} commands differ from the docs:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn the_diff_rule_page_is_the_output_of_list_rules() {
    let page = std::fs::read_to_string(repo().join("docs/src/diff-rules.md")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_accord")).args(["diff", "--list-rules"]).output().unwrap();
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(
        page.contains(&table),
        "docs/src/diff-rules.md is stale: regenerate its table with `accord diff --list-rules`"
    );
}

#[test]
fn the_matcher_matches_what_it_should() {
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    assert!(matches(&lines("a\n...\nz"), &["a", "b", "c", "z"]));
    assert!(matches(&lines("a\n...\nz"), &["a", "z"]));
    assert!(!matches(&lines("a\nz"), &["a", "b", "z"]));
    assert!(line_matches("checked [..] files", "checked 3 files"));
    assert!(!line_matches("checked [..] files", "checked 3 payloads"));
}

#[test]
fn the_readme_is_a_front_page() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.lines().count() <= 320, "README.md has {} lines", readme.lines().count());
    for command in ["cargo run -p accord-validator -- check examples/captures", "cargo test --workspace"] {
        assert!(readme.contains(command), "README.md lost `{command}`");
    }
}
