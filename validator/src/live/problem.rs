//! RFC 9457 `application/problem+json` answers: what an enforcing proxy or
//! layer sends instead of traffic that breaks the contract.

use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{Value, json};

/// Why Accord answered instead of the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The request breaks the contract (400; not forwarded).
    Request,
    /// The response breaks the contract (502; replaced).
    Response,
    /// The upstream could not be reached or failed (502).
    Upstream,
}

impl Problem {
    /// The HTTP status of the answer.
    pub fn status(self) -> u16 {
        match self {
            Problem::Request => 400,
            Problem::Response | Problem::Upstream => 502,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Problem::Request => "request-breaks-contract",
            Problem::Response => "response-breaks-contract",
            Problem::Upstream => "upstream-unavailable",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Problem::Request => "The request breaks the API contract",
            Problem::Response => "The upstream's response breaks the API contract",
            Problem::Upstream => "The upstream could not be reached",
        }
    }
}

/// The problem document: `type`, `title`, `status`, `detail`, and the
/// `errors` (each finding's code, message, side, part, JSON pointer, schema
/// location and position). Messages are already redacted by the engine.
pub fn problem_json(problem: Problem, detail: &str, findings: &[Diagnostic]) -> Vec<u8> {
    let errors: Vec<Value> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut e = json!({"code": d.code, "message": d.message});
            let put = |e: &mut Value, k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    e[k] = v;
                }
            };
            put(&mut e, "operation", d.operation.clone().map(Value::String));
            put(&mut e, "direction", d.direction.map(|x| Value::String(x.as_str().into())));
            put(&mut e, "part", d.part.map(|x| Value::String(x.as_str().into())));
            put(&mut e, "pointer", d.instance_path.clone().map(Value::String));
            put(&mut e, "schemaPath", d.schema_path.clone().map(Value::String));
            put(&mut e, "line", d.line.map(Value::from));
            put(&mut e, "column", d.column.map(Value::from));
            e
        })
        .collect();
    let body = json!({
        "type": format!("https://accord.invalid/problems/{}", problem.slug()),
        "title": problem.title(),
        "status": problem.status(),
        "detail": detail,
        "errors": errors,
    });
    let mut out = serde_json::to_vec_pretty(&body).unwrap_or_default();
    out.push(b'\n');
    out
}
