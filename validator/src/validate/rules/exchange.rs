//! Exchange rules: `x-accord-rules` on an operation, judged on a request
//! and its response together (`request`, `response`, `operation`).
//!
//! The values a rule sees:
//!
//! - `request`: `method`, `path`, `query` (name to value, or to a list when
//!   repeated), `headers` (lowercase name to value), `params` (path
//!   parameters) and `body` (the parsed JSON, or `null`);
//! - `response`: `status`, `headers` and `body`;
//! - `operation`: `id`, `method` and `path` (the template).

use super::super::{Checker, Site, parse_body};
use crate::capture::{BodyText, Exchange, Message};
use crate::diagnostic::{Diagnostic, LineIndex, Part, Severity, locate_pointer};
use crate::validate::findings::redact_values;
use accord_catalog::openapi::Operation;
use accord_catalog::rules::RuleSet;
use accord_rules::{Decimals, Projection, Verdict, to_cel};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The `request` value of an exchange rule.
pub fn request_value(request: &Message, path_params: Option<&BTreeMap<String, String>>, body: Option<&Value>) -> Value {
    let url = request.url.as_deref().unwrap_or("");
    let mut query = Map::new();
    for (k, v) in crate::route::query_pairs(url) {
        match query.get_mut(&k) {
            Some(Value::Array(list)) => list.push(Value::String(v)),
            Some(first) => *first = json!([first.clone(), v]),
            None => {
                query.insert(k, Value::String(v));
            }
        }
    }
    json!({
        "method": request.method.as_deref().unwrap_or("").to_ascii_uppercase(),
        "path": crate::route::url_path(url),
        "query": query,
        "headers": headers(request),
        "params": path_params.cloned().unwrap_or_default(),
        "body": body.cloned().unwrap_or(Value::Null),
    })
}

/// The `response` value of an exchange rule.
pub fn response_value(response: &Message, body: Option<&Value>) -> Value {
    json!({
        "status": response.status,
        "headers": headers(response),
        "body": body.cloned().unwrap_or(Value::Null),
    })
}

fn headers(m: &Message) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in m.headers.iter().flatten() {
        let k = k.to_ascii_lowercase();
        let joined = match out.get(&k).and_then(Value::as_str) {
            Some(prev) => format!("{prev}, {v}"),
            None => v.clone(),
        };
        out.insert(k, Value::String(joined));
    }
    out
}

/// Every failing rule of `set` on one exchange: (rule index, id, message, fieldPath segments, could not evaluate).
pub fn judge(
    set: &RuleSet,
    op: &Operation,
    request: &Value,
    response: &Value,
) -> Vec<(usize, String, String, Vec<String>, bool)> {
    let none = Decimals::none();
    let operation = json!({"id": op.id, "method": op.method.to_ascii_uppercase(), "path": op.path});
    let bound = [
        ("request", Projection::of(&set.rules, "request").apply(request, &none)),
        ("response", Projection::of(&set.rules, "response").apply(response, &none)),
        ("operation", to_cel(&operation, &none)),
    ];
    let mut out = Vec::new();
    for (i, rule) in set.rules.iter().enumerate() {
        match rule.evaluate(&bound) {
            Verdict::Pass => {}
            Verdict::Fail { message } => out.push((i, rule.id.clone(), message, rule.field_segments.clone(), false)),
            Verdict::Error { message } => out.push((i, rule.id.clone(), message, rule.field_segments.clone(), true)),
        }
    }
    out
}

impl Checker {
    /// Judges the operation's exchange rules on `exchange`, adding findings to
    /// the response's `out` (the exchange is judged once, when its response is).
    pub(crate) fn check_exchange_rules(
        &self,
        site: &Site<'_>,
        op: &Operation,
        exchange: &Exchange,
        path_params: Option<&BTreeMap<String, String>>,
        request_body: &super::super::Lazy<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(set) = self.catalog().rules.exchanges.get(&op.location) else { return };
        let request_body = request_body.value();
        let (Some(request), Some(response)) = (&exchange.request, &exchange.response) else {
            let mut d = site.diagnostic(
                Severity::Note,
                "rule",
                format!(
                    "{} exchange rule(s) of `{}` not checked: the capture has no {}",
                    set.rules.len(),
                    op.id,
                    if exchange.request.is_none() { "request" } else { "response" }
                ),
                Part::Body,
            );
            d.schema_path = Some(self.catalog().root.shown(&set.at));
            out.push(d);
            return;
        };
        let response_body = response.body.as_ref().and_then(|b| parse_body(b).ok());
        // A rule that could not be evaluated because it reads a body the capture
        // does not have as JSON is not judged: said in a note, never passed.
        let reads = |root: &str, i: usize| {
            set.rules[i].selections.iter().any(|s| s.root == root && s.path.first().is_some_and(|f| f == "body"))
        };
        let missing = |i: usize| {
            if reads("request", i) && request_body.is_none() {
                Some("request")
            } else if reads("response", i) && response_body.is_none() {
                Some("response")
            } else {
                None
            }
        };
        let req = request_value(request, path_params, request_body);
        let resp = response_value(response, response_body.as_ref());
        for (index, id, message, field, error) in judge(set, op, &req, &resp) {
            if let Some(which) = missing(index).filter(|_| error) {
                let mut d = site.diagnostic(
                    Severity::Note,
                    "rule",
                    format!("rule `{id}` not checked: the {which} has no JSON body"),
                    Part::Body,
                );
                d.schema_path = Some(self.catalog().root.shown(&set.at.join(&index.to_string())));
                out.push(d);
                continue;
            }
            // `fieldPath` `.response.body.orders[0]` points into that body.
            let (direction, part, body, instance): (_, Part, Option<&BodyText>, Vec<String>) =
                match field.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                    ["request", "body", rest @ ..] => (
                        crate::diagnostic::Direction::Request,
                        Part::Body,
                        request.body.as_ref(),
                        rest.iter().map(|s| s.to_string()).collect(),
                    ),
                    ["request", ..] => (crate::diagnostic::Direction::Request, Part::Header, None, Vec::new()),
                    ["response", "body", rest @ ..] => (
                        crate::diagnostic::Direction::Response,
                        Part::Body,
                        response.body.as_ref(),
                        rest.iter().map(|s| s.to_string()).collect(),
                    ),
                    _ => (crate::diagnostic::Direction::Response, Part::Body, response.body.as_ref(), Vec::new()),
                };
            let shown = redact_values(&message, &req, "", &self.catalog().redactor);
            let shown = redact_values(&shown, &resp, "", &self.catalog().redactor);
            let verb = if error { "could not be checked" } else { "is broken" };
            let mut d = site.diagnostic(Severity::Error, "rule", format!("rule `{id}` {verb}: {shown}"), part);
            d.direction = Some(direction);
            d.schema_path = Some(self.catalog().root.shown(&set.at.join(&index.to_string())));
            let pointer: String =
                instance.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
            if let Some(body) = body {
                let container = body.embedded.as_ref().map_or(&*body.text, |e| &*e.container);
                let index = LineIndex::new(container);
                let (start, end) = locate_pointer(&body.text, &pointer).unwrap_or((0, 1));
                let end = if matches!(body.text.as_bytes().get(start), Some(b'{' | b'[')) { start + 1 } else { end };
                self.place(&mut d, body, (start, end), &index, &std::cell::OnceCell::new());
            }
            d.instance_path = Some(pointer);
            out.push(d);
        }
    }
}
