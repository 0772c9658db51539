//! Capture rules, judged across the exchanges of one run:
//!
//! - `x-accord-idempotency-key`: exchanges with the same key must carry
//!   equal request bodies (compared as JSON: key order and spacing do not
//!   matter) and get equal results (status and body);
//! - `x-accord-unique`: a value must not repeat.
//!
//! Each exchange leaves a [`Fact`] of hashes (never the payloads), and
//! [`judge`] reads the facts in input order, so the state is a few dozen
//! bytes per distinct key however large the bodies are.

use crate::diagnostic::{Diagnostic, Direction, Part};
use accord_catalog::rules::KeySource;
use serde_json::Value;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// Which capture rule a fact is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactKind {
    /// The operation's idempotency key.
    Idempotency,
    /// The operation's n-th `x-accord-unique` value.
    Unique(usize),
}

/// One capture rule of one operation: what every fact about it shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRule {
    /// The operation id.
    pub operation: String,
    /// The rule.
    pub kind: FactKind,
    /// Where the key is read, in words (`request body /requestId`).
    pub source: String,
    /// Request body or header.
    pub part: Part,
    /// The key's JSON pointer in the body, or the header name.
    pub at: String,
}

/// What one exchange showed a capture rule: hashes and where it is (about
/// 100 bytes, whatever the size of the bodies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The rule (shared by every fact about it).
    pub rule: Arc<FactRule>,
    /// A 128-bit hash of the key's value (as canonical JSON).
    pub key: u128,
    /// Hash of the request body (canonical JSON).
    pub request: u64,
    /// Hash of the response status and body, when the exchange has a response.
    pub result: Option<u64>,
    /// The input file (shared by the facts of one file).
    pub file: Arc<str>,
    /// The exchange's 0-based index in its file.
    pub entry: Option<u32>,
    /// 1-based line of the key in the file, when known.
    pub line: Option<u32>,
    /// 1-based column, with `line`.
    pub column: Option<u32>,
    /// Whether the request already has an error (then a capture finding
    /// does not turn a valid message invalid).
    pub failed: bool,
}

/// The value `source` names in a request, if present.
pub fn key_value<'v>(
    source: &KeySource,
    body: Option<&'v Value>,
    header: impl Fn(&str) -> Option<&'v str>,
) -> Option<Value> {
    match source {
        KeySource::Body(pointer) => body?.pointer(pointer).filter(|v| !v.is_null()).cloned(),
        KeySource::Header(name) => header(name).map(|h| Value::String(h.to_string())),
    }
}

/// `value` hashed as canonical JSON (object keys sorted) with `seed`.
pub fn hash(value: &Value, seed: u8) -> u64 {
    let mut h = DefaultHasher::new();
    seed.hash(&mut h);
    canonical(value, &mut h);
    h.finish()
}

/// A 128-bit hash of `value`: two 64-bit hashes with different seeds.
pub fn hash128(value: &Value) -> u128 {
    (u128::from(hash(value, 1)) << 64) | u128::from(hash(value, 2))
}

fn canonical(value: &Value, h: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            // 1 and 1.0 are the same JSON number.
            match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => i.to_string().hash(h),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => (f as i64).to_string().hash(h),
                _ => n.to_string().hash(h),
            }
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            for v in items {
                canonical(v, h);
            }
        }
        Value::Object(m) => {
            (5u8, m.len()).hash(h);
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                k.hash(h);
                canonical(&m[k], h);
            }
        }
    }
}

/// Where a fact is, for a message: `file entry #N line L`.
fn place(f: &Fact) -> String {
    let mut s = f.file.to_string();
    if let Some(e) = f.entry {
        s.push_str(&format!(" entry #{}", e + 1));
    }
    if let Some(l) = f.line {
        s.push_str(&format!(" line {l}"));
    }
    s
}

/// The first exchange seen with a key: its hashes and where it was.
struct First {
    request: u64,
    result: Option<u64>,
    place: String,
}

/// Judges capture rules one fact at a time, in input order (file by file,
/// entry by entry): a fact that conflicts with an earlier one with the same
/// key gives a finding at the later exchange, naming the earlier one. The
/// state is one entry per distinct key and rule, never the payloads.
#[derive(Default)]
pub struct CaptureJudge {
    /// By the rule's address (an identity only: the facts keep the rule alive) and key hash.
    seen: HashMap<(usize, u128), First>,
}

impl std::fmt::Debug for CaptureJudge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureJudge").field("keys", &self.seen.len()).finish()
    }
}

impl CaptureJudge {
    /// The finding `f` gives, judged against every fact observed before it.
    pub fn observe(&mut self, f: &Fact) -> Option<Diagnostic> {
        let first = match self.seen.entry((Arc::as_ptr(&f.rule) as usize, f.key)) {
            Entry::Vacant(v) => {
                v.insert(First { request: f.request, result: f.result, place: place(f) });
                return None;
            }
            Entry::Occupied(o) => o.into_mut(),
        };
        let there = &first.place;
        let rule = &f.rule;
        let message = match rule.kind {
            FactKind::Unique(_) => {
                format!("the value at {} repeats: it was first seen at {there}", rule.source)
            }
            FactKind::Idempotency if f.request != first.request => {
                format!("idempotency key ({}) reused with a different request body; first used at {there}", rule.source)
            }
            FactKind::Idempotency => match (first.result, f.result) {
                (Some(a), Some(b)) if a != b => format!(
                    "idempotency key ({}) got a different result (status or body) than the same request at {there}",
                    rule.source
                ),
                (None, Some(_)) => {
                    // The first use had no response: this one's result is the reference.
                    first.result = f.result;
                    return None;
                }
                _ => return None,
            },
        };
        let code = if matches!(rule.kind, FactKind::Unique(_)) { "unique" } else { "idempotency" };
        let mut d = Diagnostic::error(code, message, f.file.to_string()).with_entry(f.entry.map(|e| e as usize));
        d.operation = Some(rule.operation.clone());
        d.direction = Some(Direction::Request);
        d.part = Some(rule.part);
        d.instance_path = Some(rule.at.clone());
        d.line = f.line.map(|l| l as usize);
        d.column = f.column.map(|c| c as usize);
        Some(d)
    }
}

/// Reads `facts` in order and returns a finding for every exchange that
/// breaks a capture rule, naming the exchange it conflicts with.
#[cfg(test)]
fn judge(facts: &[Fact]) -> Vec<Diagnostic> {
    let mut judge = CaptureJudge::default();
    facts.iter().filter_map(|f| judge.observe(f)).collect()
}

impl super::super::Checker {
    /// The facts `exchange` gives the capture rules of `op`.
    pub(crate) fn capture_facts(
        &self,
        file: &str,
        exchange: &crate::capture::Exchange,
        op: &accord_catalog::openapi::Operation,
        rules: &accord_catalog::rules::CaptureRules,
        body: Option<&Value>,
    ) -> Vec<Fact> {
        let Some(request) = &exchange.request else { return Vec::new() };
        let request_hash = hash(body.unwrap_or(&Value::Null), 0);
        let result = exchange.response.as_ref().map(|r| {
            let parsed = r.body.as_ref().and_then(|b| super::super::parse_body(b).ok());
            let text = r.body.as_ref().map(|b| Value::String(b.text.to_string()));
            hash(&serde_json::json!([r.status, parsed.or(text)]), 0)
        });
        let file: Arc<str> = self.shared_file_name(file);
        let sources = rules
            .idempotency_key
            .iter()
            .map(|k| (FactKind::Idempotency, k))
            .chain(rules.unique.iter().enumerate().map(|(i, k)| (FactKind::Unique(i), k)));
        let mut out = Vec::new();
        for (kind, source) in sources {
            let Some(key) = key_value(source, body, |h| request.header(h)) else { continue };
            let rule = self.fact_rule(op, kind, source);
            let (line, column) = match (rule.part, request.body.as_ref()) {
                (Part::Body, Some(text)) => key_position(text, &rule.at),
                _ => (None, None),
            };
            out.push(Fact {
                rule,
                key: hash128(&key),
                request: request_hash,
                result,
                file: file.clone(),
                entry: exchange.index.map(|e| e as u32),
                line,
                column,
                failed: false,
            });
        }
        out
    }

    /// The shared description of one capture rule of `op` (made once per run).
    fn fact_rule(&self, op: &accord_catalog::openapi::Operation, kind: FactKind, source: &KeySource) -> Arc<FactRule> {
        let mut cache = self.fact_rules.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry((op.id.clone(), kind))
            .or_insert_with(|| {
                let (part, at) = match source {
                    KeySource::Body(p) => (Part::Body, p.clone()),
                    KeySource::Header(h) => (Part::Header, h.clone()),
                };
                Arc::new(FactRule { operation: op.id.clone(), kind, source: source.describe(), part, at })
            })
            .clone()
    }

    /// `file` as a shared string: the facts of one file hold one copy.
    fn shared_file_name(&self, file: &str) -> Arc<str> {
        let mut cache = self.fact_files.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.entry(file.to_string()).or_insert_with(|| Arc::from(file)).clone()
    }
}

/// Line and column (1-based, in the file) of the value at `pointer` in a body
/// that is a slice of the file (an NDJSON line); `None` for a body carried as
/// a string (HAR `text`), whose lines are not the file's.
fn key_position(body: &crate::capture::BodyText, pointer: &str) -> (Option<u32>, Option<u32>) {
    let Some(e) = &body.embedded else { return (None, None) };
    let Some((start, _)) = crate::diagnostic::locate_pointer(&body.text, pointer) else { return (None, None) };
    let at = (e.offset + start).min(e.container.len());
    let Some(before) = e.container.get(..at) else { return (None, None) };
    let line = e.first_line + before.matches('\n').count();
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (u32::try_from(line).ok(), u32::try_from(column).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fact(rule: &Arc<FactRule>, entry: u32, key: &Value, body: &Value, result: Option<&Value>) -> Fact {
        Fact {
            rule: rule.clone(),
            key: hash128(key),
            request: hash(body, 0),
            result: result.map(|r| hash(r, 0)),
            file: Arc::from("a.ndjson"),
            entry: Some(entry),
            line: Some(entry + 1),
            column: Some(1),
            failed: false,
        }
    }

    #[test]
    fn canonical_json_ignores_key_order_and_spelling_of_numbers() {
        assert_eq!(hash(&json!({"a": 1, "b": [1.0]}), 0), hash(&json!({"b": [1], "a": 1}), 0));
        assert_ne!(hash(&json!({"a": 1}), 0), hash(&json!({"a": "1"}), 0));
    }

    #[test]
    fn a_reused_key_with_another_body_or_result_is_flagged() {
        let k = json!("r1");
        let rule = Arc::new(FactRule {
            operation: "op".into(),
            kind: FactKind::Idempotency,
            source: "request body /requestId".into(),
            part: Part::Body,
            at: "/requestId".into(),
        });
        let fact = |e, k: &Value, b: &Value, r: Option<&Value>| fact(&rule, e, k, b, r);
        let facts = [
            fact(0, &k, &json!({"requestId": "r1", "x": 1}), Some(&json!([200, {"ok": 1}]))),
            fact(1, &k, &json!({"x": 1, "requestId": "r1"}), Some(&json!([200, {"ok": 1}]))),
            fact(2, &k, &json!({"requestId": "r1", "x": 2}), None),
            fact(3, &k, &json!({"requestId": "r1", "x": 1}), Some(&json!([500, {}]))),
            fact(4, &json!("r2"), &json!({"requestId": "r2"}), None),
        ];
        let found = judge(&facts);
        let entries: Vec<Option<usize>> = found.iter().map(|d| d.entry).collect();
        assert_eq!(entries, [Some(2), Some(3)]);
        assert!(found[0].message.contains("different request body; first used at a.ndjson entry #1 line 1"));
        assert!(found[1].message.contains("different result"));
    }
}
