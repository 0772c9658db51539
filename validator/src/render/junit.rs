//! `--format junit`: JUnit XML as CI test-report viewers read it (GitLab,
//! Jenkins, Azure Pipelines, CircleCI, GitHub test-report actions). One
//! `<testsuite>` per input file, one `<testcase>` per checked message named
//! `operation direction #entry`; a message with errors carries one
//! `<failure>` listing them all. Findings that belong to no checked message
//! (an unparsable file, a malformed HAR entry, an unrouted exchange) get a
//! test case of their own: failed for errors, skipped for notes.
//!
//! The run must send cases (`ReadOptions::record_cases`); without them,
//! valid messages are missing and findings are grouped by exchange.
//!
//! Memory: the renderer holds one exchange's findings and test cases at a
//! time. Each finished test case goes to a spool (a temporary file) for its
//! suite, whose totals are written before it when the next file starts; each
//! finished suite goes to a second spool, since the document's totals come
//! first. A finding that arrives for a file whose suite is already written
//! (the one `server` warning per unlisted host, sent at the end of a run)
//! opens a second suite of the same name.

use super::spool::Spool;
use crate::diagnostic::{Case, Diagnostic, PositionBase, Report, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Renders a JUnit XML report as the findings come.
#[derive(Debug)]
pub struct JunitRenderer {
    /// Finished suites.
    suites: Spool,
    /// The current suite's finished test cases.
    cases: Spool,
    /// The current suite's file and counts (tests, failures, errors, skipped).
    suite: Option<(String, [usize; 4])>,
    /// The current exchange's cases and findings.
    current: Report,
    /// The document's counts.
    totals: [usize; 4],
}

/// What a test case ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Passed,
    Failed,
    /// The input could not be read at all (JUnit's `<error>`).
    Errored,
    Skipped,
}

struct TestCase<'r> {
    entry: Option<usize>,
    name: String,
    verdict: Verdict,
    diagnostics: Vec<&'r Diagnostic>,
}

#[derive(Default)]
struct Suite<'r> {
    cases: Vec<TestCase<'r>>,
}

impl Suite<'_> {
    fn count(&self, verdict: Verdict) -> usize {
        self.cases.iter().filter(|c| c.verdict == verdict).count()
    }
}

type CaseKey<'r> = (&'r str, Option<usize>, Option<&'r str>, Option<crate::diagnostic::Direction>);

fn key(d: &Diagnostic) -> CaseKey<'_> {
    (d.file.as_str(), d.entry, d.operation.as_deref(), d.direction)
}

fn case_key(c: &Case) -> CaseKey<'_> {
    (c.file.as_str(), c.entry, c.operation.as_deref(), c.direction)
}

fn suites(report: &Report) -> BTreeMap<&str, Suite<'_>> {
    let mut by_key: BTreeMap<CaseKey<'_>, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_key.entry(key(d)).or_default().push(d);
    }
    let mut suites: BTreeMap<&str, Suite<'_>> = BTreeMap::new();
    for case in &report.cases {
        let diagnostics = by_key.remove(&case_key(case)).unwrap_or_default();
        let verdict = if case.valid { Verdict::Passed } else { Verdict::Failed };
        suites.entry(case.file.as_str()).or_default().cases.push(TestCase {
            entry: case.entry,
            name: case.name(),
            verdict,
            diagnostics,
        });
    }
    // Findings about no checked message: one test case per file entry.
    let mut orphans: BTreeMap<(&str, Option<usize>), Vec<&Diagnostic>> = BTreeMap::new();
    for ((file, entry, _, _), diagnostics) in by_key {
        orphans.entry((file, entry)).or_default().extend(diagnostics);
    }
    for ((file, entry), diagnostics) in orphans {
        let verdict = if diagnostics.iter().any(|d| d.severity == Severity::Error && d.code == "io") {
            Verdict::Errored
        } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            Verdict::Failed
        } else if diagnostics.iter().any(|d| d.code == "unrouted") {
            Verdict::Skipped
        } else {
            Verdict::Passed
        };
        let kind = if diagnostics.iter().all(|d| d.code == "unrouted") { "unrouted" } else { "capture" };
        let name = match entry {
            Some(e) => format!("{kind} #{e}"),
            None => "file".to_string(),
        };
        suites.entry(file).or_default().cases.push(TestCase { entry, name, verdict, diagnostics });
    }
    for suite in suites.values_mut() {
        suite.cases.sort_by_key(|c| c.entry); // stable: request before response
    }
    suites
}

/// Escapes text for XML 1.0 content and attribute values. Characters XML 1.0
/// cannot carry at all (most control characters) are written as `\u{..}`.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A diagnostic as plain text: the body of a `<failure>` or `<system-out>`.
fn describe(d: &Diagnostic) -> String {
    let mut text = format!("{}[{}]: {}", severity(d.severity), d.code, d.message);
    let mut at = d.file.clone();
    if let Some((l, c)) = d.file_position() {
        at.push_str(&format!(":{l}"));
        if let Some(c) = c {
            at.push_str(&format!(":{c}"));
        }
    }
    if let (Some(PositionBase::Payload), Some(l), Some(c)) = (d.position_in, d.line, d.column) {
        at.push_str(&format!(" (payload line {l}, column {c})"));
    }
    text.push_str(&format!("\n  --> {at}"));
    let mut context = Vec::new();
    if let Some(p) = d.part {
        context.push(p.as_str().to_string());
    }
    if let Some(p) = &d.instance_path {
        context.push(format!("at {}", if p.is_empty() { "/" } else { p }));
    }
    if let Some(s) = &d.schema_path {
        context.push(format!("schema {s}"));
    }
    if !context.is_empty() {
        text.push_str(&format!("\n  = note: {}", context.join(", ")));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\n  = help: {h}"));
    }
    text
}

impl JunitRenderer {
    /// A renderer with empty spools.
    pub fn new() -> io::Result<Self> {
        Ok(JunitRenderer {
            suites: Spool::new()?,
            cases: Spool::new()?,
            suite: None,
            current: Report::default(),
            totals: [0; 4],
        })
    }

    /// Takes one finding.
    pub fn finding(&mut self, d: &Diagnostic) -> io::Result<()> {
        self.turn(&d.file, d.entry)?;
        self.current.diagnostics.push(d.clone());
        Ok(())
    }

    /// Takes one checked message.
    pub fn case(&mut self, c: Case) -> io::Result<()> {
        self.turn(&c.file, c.entry)?;
        self.current.cases.push(c);
        Ok(())
    }

    /// Writes the exchange held when (`file`, `entry`) is another one's, and
    /// the suite when `file` is another file.
    fn turn(&mut self, file: &str, entry: Option<usize>) -> io::Result<()> {
        let held = (self.current.diagnostics.first().map(|d| (&d.file, d.entry))).or(self
            .current
            .cases
            .first()
            .map(|c| (&c.file, c.entry)));
        if held.is_some_and(|(f, e)| f != file || e != entry) {
            self.flush_exchange()?;
        }
        if self.suite.as_ref().is_some_and(|(f, _)| f != file) {
            self.flush_suite()?;
        }
        if self.suite.is_none() {
            self.suite = Some((file.to_string(), [0; 4]));
        }
        Ok(())
    }

    /// Writes the test cases of the exchange held.
    fn flush_exchange(&mut self) -> io::Result<()> {
        let current = std::mem::take(&mut self.current);
        let Some((file, counts)) = self.suite.as_mut() else { return Ok(()) };
        let file = escape_xml(file);
        let mut text = Vec::new();
        for suite in suites(&current).values() {
            counts[0] += suite.cases.len();
            counts[1] += suite.count(Verdict::Failed);
            counts[2] += suite.count(Verdict::Errored);
            counts[3] += suite.count(Verdict::Skipped);
            for case in &suite.cases {
                write_case(&mut text, &file, case)?;
            }
        }
        self.cases.write(&text)
    }

    /// Writes the current suite: its totals, then its spooled test cases.
    fn flush_suite(&mut self) -> io::Result<()> {
        self.flush_exchange()?;
        let Some((file, counts)) = self.suite.take() else { return Ok(()) };
        let [tests, failures, errors, skipped] = counts;
        for (total, n) in self.totals.iter_mut().zip(counts) {
            *total += n;
        }
        let head = format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n",
            escape_xml(&file)
        );
        self.suites.write(head.as_bytes())?;
        let cases = std::mem::replace(&mut self.cases, Spool::new()?);
        self.suites.append(cases)?;
        self.suites.write(b"  </testsuite>\n")
    }

    /// Writes the XML document followed by a newline.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.flush_suite()?;
        let [tests, failures, errors, skipped] = self.totals;
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="accord" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}">"#
        )?;
        self.suites.copy_to(out)?;
        writeln!(out, "</testsuites>")
    }
}

fn write_case(out: &mut dyn Write, file: &str, case: &TestCase<'_>) -> io::Result<()> {
    let name = escape_xml(&case.name);
    let (errors, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        case.diagnostics.iter().partition(|d| d.severity == Severity::Error);
    if case.verdict == Verdict::Passed && others.is_empty() {
        return writeln!(out, r#"    <testcase name="{name}" classname="{file}"/>"#);
    }
    writeln!(out, r#"    <testcase name="{name}" classname="{file}">"#)?;
    match case.verdict {
        Verdict::Failed | Verdict::Errored => {
            let element = if case.verdict == Verdict::Errored { "error" } else { "failure" };
            let (message, kind) = match errors.first() {
                Some(d) => (d.message.clone(), d.code.clone()),
                None => {
                    ("errors found but left out of this report (--quiet or --max-errors)".to_string(), "omitted".into())
                }
            };
            let body: Vec<String> = errors.iter().map(|d| describe(d)).collect();
            writeln!(
                out,
                r#"      <{element} message="{}" type="{}">{}</{element}>"#,
                escape_xml(&message),
                escape_xml(&kind),
                escape_xml(&body.join("\n\n"))
            )?;
        }
        Verdict::Skipped => {
            let message = others.first().map(|d| d.message.as_str()).unwrap_or("not checked");
            writeln!(out, r#"      <skipped message="{}"/>"#, escape_xml(message))?;
        }
        Verdict::Passed => {}
    }
    if !others.is_empty() {
        let body: Vec<String> = others.iter().map(|d| describe(d)).collect();
        writeln!(out, "      <system-out>{}</system-out>", escape_xml(&body.join("\n\n")))?;
    }
    writeln!(out, "    </testcase>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Direction;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(escape_xml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
        assert_eq!(escape_xml("nul\u{0}bell\u{7}\ttab"), "nul\\u{0}bell\\u{7}\ttab");
    }

    #[test]
    fn cases_pass_fail_and_orphans_parse_back() {
        let mut report = Report::default();
        let case = |entry, valid| Case {
            file: "a.har".into(),
            entry: Some(entry),
            operation: Some("op".into()),
            direction: Some(Direction::Response),
            valid,
        };
        report.cases = vec![case(0, true), case(1, false)];
        let mut d = Diagnostic::error("enum", "bad <value>", "a.har").with_entry(Some(1));
        d.operation = Some("op".into());
        d.direction = Some(Direction::Response);
        report.extend([d, Diagnostic::new(Severity::Note, "unrouted", "GET /x", "a.har").with_entry(Some(2))]);
        report.extend([Diagnostic::error("io", "cannot read", "b.json")]);
        let mut out = Vec::new();
        super::super::render(super::super::Format::Junit, &report, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(
            ["tests", "failures", "errors", "skipped"].map(|a| root.attribute(a).unwrap()),
            ["4", "1", "1", "1"]
        );
        let names: Vec<&str> =
            root.descendants().filter(|n| n.has_tag_name("testcase")).map(|n| n.attribute("name").unwrap()).collect();
        assert_eq!(names, ["op response #0", "op response #1", "unrouted #2", "file"]);
        let suites: Vec<&str> =
            root.children().filter(|n| n.has_tag_name("testsuite")).map(|n| n.attribute("name").unwrap()).collect();
        assert_eq!(suites, ["a.har", "b.json"]);
        let failure = root.descendants().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("bad <value>"));
    }
}
