//! `--format github`: GitHub Actions workflow commands, one per diagnostic,
//! escaped as the runner requires (`%`, `\r`, `\n` everywhere; also `:` and
//! `,` in properties).

use crate::diagnostic::{Diagnostic, Severity};
use std::io::{self, Write};

/// Renders `::error file=...,line=...,col=...,title=...::message` lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubRenderer;

/// Escapes a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl GithubRenderer {
    /// Writes the workflow command of one diagnostic.
    pub fn finding(&self, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
        {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut props = vec![format!("file={}", escape_property(&d.file))];
            // Always a place in the file (for a payload carried as a string, where that string has it).
            if let Some((l, c)) = d.file_position() {
                props.push(format!("line={l}"));
                if let Some(c) = c {
                    props.push(format!("col={c}"));
                }
            }
            let mut title = format!("accord {}", d.code);
            if let Some(op) = &d.operation {
                title.push_str(&format!(" ({op})"));
            }
            props.push(format!("title={}", escape_property(&title)));
            let mut message = d.message.clone();
            if let Some(entry) = d.entry {
                message = format!("entry #{}: {message}", entry + 1);
            }
            if let Some(p) = &d.instance_path {
                message.push_str(&format!("\nat {}", if p.is_empty() { "/" } else { p }));
            }
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            writeln!(out, "::{command} {}::{}", props.join(","), escape_data(&message))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_requires() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
