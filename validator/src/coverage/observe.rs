//! What one routed exchange reached: the units of its request and of its
//! response, each message with whether it was free of errors.

use super::body::{walk_text, walk_value};
use super::plan::{MediaPlan, Plan};
use crate::capture::{Exchange, Message};
use crate::contract::Operation;
use crate::validate::Lazy;
use crate::validate::body::{choose, form, kind};
use crate::validate::parameter::{self, Carried, Read};
use accord_catalog::openapi::media::BodyKind;
use serde_json::Value;
use std::collections::BTreeMap;

/// The units one message reached.
#[derive(Debug, Default)]
pub(crate) struct MessageHits {
    pub hits: Vec<u32>,
    /// Whether the message had no error.
    pub valid: bool,
}

/// What one exchange reached.
#[derive(Debug, Default)]
pub(crate) struct Observation<'a> {
    pub file: &'a str,
    pub entry: Option<usize>,
    pub messages: Vec<MessageHits>,
    /// A response status the operation does not document: (operation, status).
    pub undocumented: Option<(usize, u16)>,
}

/// The request's units (operation, parameters and their values, security, media type, body).
pub(crate) fn request(
    plan: &Plan,
    index: usize,
    op: &Operation,
    request: &Message,
    path_params: Option<&BTreeMap<String, String>>,
    body: &Lazy<'_>,
) -> Vec<u32> {
    // A coverage of another catalog than the checker's counts nothing.
    let Some(op_plan) = plan.operations.get(index) else { return Vec::new() };
    let mut hits = vec![op_plan.unit];
    let carried = Carried::new(request.url.as_deref(), path_params, request.headers.as_deref());
    for (param, p_plan) in op.parameters.iter().zip(&op_plan.parameters) {
        if !carried.sees(param.location) {
            continue;
        }
        match parameter::read(param, &carried) {
            Ok(Read::Value(value)) => {
                hits.push(p_plan.unit);
                for (v, unit) in &p_plan.values {
                    let sent = match &value {
                        Value::Array(items) => items.contains(v),
                        one => one == v,
                    };
                    if sent {
                        hits.push(*unit);
                    }
                }
            }
            Ok(Read::Empty) | Err(_) => hits.push(p_plan.unit),
            Ok(Read::Missing) => {}
        }
    }
    if request.headers.is_some()
        && let Some(i) = crate::validate::security::met(&op.security, &carried)
    {
        hits.extend(op_plan.security.get(i));
    }
    if let Some(spec) = &op.request_body {
        message_body(plan, spec, &op_plan.request, request, Some(body), &mut hits);
    }
    hits
}

/// The response's units (status, headers, media type, body); `None` when its
/// status is not documented (the status, if any, is returned instead).
pub(crate) fn response(plan: &Plan, index: usize, op: &Operation, response: &Message) -> Result<Vec<u32>, Option<u16>> {
    let Some(op_plan) = plan.operations.get(index) else { return Ok(Vec::new()) };
    let status = response.status.ok_or(None)?;
    let (key, spec) = op.response_for(status).ok_or(Some(status))?;
    let Some(r_plan) = op_plan.responses.get(key) else { return Err(Some(status)) };
    let mut hits = vec![op_plan.unit, r_plan.unit];
    for (name, unit) in &r_plan.headers {
        if response.headers.iter().flatten().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            hits.push(*unit);
        }
    }
    if let Some(spec) = &spec.body {
        message_body(plan, spec, &r_plan.media, response, None, &mut hits);
    }
    Ok(hits)
}

/// The media type a message's `Content-Type` selects, and what its body reaches.
fn message_body(
    plan: &Plan,
    spec: &crate::contract::Body,
    media_plans: &[(String, MediaPlan)],
    message: &Message,
    parsed: Option<&Lazy<'_>>,
    hits: &mut Vec<u32>,
) {
    let Some(body) = message.body.as_ref().filter(|b| !b.text.is_empty() && b.decode_error.is_none()) else {
        return;
    };
    let content_type = message.header("content-type");
    let Some(media) = choose(spec, content_type) else { return };
    let Some((_, m_plan)) = media_plans.iter().find(|(name, _)| *name == media.name) else { return };
    hits.push(m_plan.unit);
    let Some(node) = m_plan.body else { return };
    match kind(media, content_type) {
        BodyKind::Json => match parsed.and_then(Lazy::parsed) {
            Some(value) => walk_value(plan, node, value, hits),
            None => walk_text(plan, node, &body.text, hits),
        },
        BodyKind::Text => walk_value(plan, node, &Value::String(body.text.to_string()), hits),
        BodyKind::Form => {
            if let Ok(value) = form(&body.text, media) {
                walk_value(plan, node, &value, hits);
            }
        }
        BodyKind::Multipart => {
            if let Ok((value, _)) = crate::validate::body::multipart_parts(&body.text, content_type, media) {
                walk_value(plan, node, &value, hits);
            }
        }
        BodyKind::Binary | BodyKind::Unsupported => {}
    }
}

/// The method and path of an exchange's request, for missing-in-spec grouping.
pub(crate) fn unrouted(exchange: &Exchange) -> Option<(&str, String)> {
    let request = exchange.request.as_ref()?;
    Some((request.method.as_deref()?, crate::route::url_path(request.url.as_deref()?)))
}
