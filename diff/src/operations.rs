//! Operations, parameters, request bodies, responses, security and servers.

use crate::schema::{Area, Comparison, Side};
use crate::{Contract, Emit};
use accord_catalog::Location;
use accord_catalog::openapi::{Body, Operation, OperationKind, Parameter, ParameterIn};
use std::collections::{BTreeMap, BTreeSet};

/// How an operation is matched across versions: kind, method, and its path
/// template with parameter names left out (or the webhook's name).
fn key(op: &Operation) -> (bool, String, String) {
    (op.kind == OperationKind::Webhook, op.method.clone(), accord_catalog::openapi::template_shape(&op.path))
}

pub(crate) fn label(op: &Operation) -> String {
    match op.kind {
        OperationKind::Path => format!("{} {}", op.method, op.path),
        OperationKind::Webhook => format!("webhook {} {}", op.path, op.method),
    }
}

fn deprecated(contract: &Contract, op: &Operation) -> bool {
    contract.root.get(&op.location).and_then(|v| v.get("deprecated")).and_then(serde_json::Value::as_bool) == Some(true)
}

/// Compares every operation of `old` with its counterpart in `new`.
pub fn compare(old: &Contract, new: &Contract, emit: &mut Emit) {
    let index = |c: &'_ Contract| -> BTreeMap<(bool, String, String), usize> {
        c.operations.iter().enumerate().map(|(i, op)| (key(op), i)).collect()
    };
    let (oi, ni) = (index(old), index(new));
    let new_paths: BTreeSet<String> = new.operations.iter().map(|op| key(op).2).collect();
    for (k, &i) in &oi {
        let op = &old.operations[i];
        emit.operation = Some(label(op));
        match ni.get(k) {
            None => {
                let whole_path = !new_paths.contains(&k.2);
                let id = match (whole_path, deprecated(old, op)) {
                    _ if op.kind == OperationKind::Webhook => "webhook-removed",
                    (true, false) => "api-path-removed-without-deprecation",
                    (true, true) => "api-path-removed-with-deprecation",
                    (false, false) => "api-removed-without-deprecation",
                    (false, true) => "api-removed-with-deprecation",
                };
                emit.push(id, format!("{} was removed", label(op)), Some(op.location.clone()), None);
            }
            Some(&j) => operation(old, new, op, &new.operations[j], emit),
        }
    }
    for (k, &j) in &ni {
        if !oi.contains_key(k) {
            let op = &new.operations[j];
            emit.operation = Some(label(op));
            let id = if op.kind == OperationKind::Webhook { "webhook-added" } else { "endpoint-added" };
            emit.push(id, format!("{} was added", label(op)), None, Some(op.location.clone()));
        }
    }
    emit.operation = None;
    security_components(old, new, emit);
}

/// The security schemes declared in the `components` of each OpenAPI
/// document, by name: where each is declared.
fn declared_schemes(c: &Contract) -> BTreeMap<String, Location> {
    let mut out = BTreeMap::new();
    for d in c.root.openapi_documents() {
        let schemes = d.value.pointer("/components/securitySchemes").and_then(serde_json::Value::as_object);
        for name in schemes.into_iter().flat_map(|m| m.keys()) {
            let at = Location { file: d.path.clone(), pointer: "/components/securitySchemes".into() }.join(name);
            out.entry(name.clone()).or_insert(at);
        }
    }
    out
}

/// Security schemes declared or withdrawn. Schemes an operation uses are
/// judged with the operation; these are what the API offers.
fn security_components(old: &Contract, new: &Contract, emit: &mut Emit) {
    let (a, b) = (declared_schemes(old), declared_schemes(new));
    for (name, at) in a.iter().filter(|(n, _)| !b.contains_key(*n)) {
        emit.push(
            "api-security-component-removed",
            format!("the security scheme `{name}` was removed from components"),
            Some(at.clone()),
            None,
        );
    }
    for (name, at) in b.iter().filter(|(n, _)| !a.contains_key(*n)) {
        emit.push(
            "api-security-component-added",
            format!("the security scheme `{name}` was added to components"),
            None,
            Some(at.clone()),
        );
    }
}

fn operation(old: &Contract, new: &Contract, o: &Operation, n: &Operation, emit: &mut Emit) {
    let (ol, nl) = (&o.location, &n.location);
    match (deprecated(old, o), deprecated(new, n)) {
        (false, true) => emit.push(
            "endpoint-deprecated",
            format!("{} is now deprecated", label(n)),
            Some(ol.clone()),
            Some(nl.join("deprecated")),
        ),
        (true, false) => emit.push(
            "endpoint-reactivated",
            format!("{} is no longer deprecated", label(n)),
            Some(ol.join("deprecated")),
            Some(nl.clone()),
        ),
        _ => {}
    }
    if o.operation_id != n.operation_id && !o.operation_id.contains(':') && !n.operation_id.contains(':') {
        emit.push(
            "api-operation-id-updated",
            format!("operationId changed from `{}` to `{}`", o.operation_id, n.operation_id),
            Some(ol.join("operationId")),
            Some(nl.join("operationId")),
        );
    }
    parameters(old, new, o, n, emit);
    request_body(old, new, o, n, emit);
    responses(old, new, o, n, emit);
    security((declared(old, o, "security"), declared(new, n, "security")), o, n, emit);
    servers((declared(old, o, "servers"), declared(new, n, "servers")), o, n, emit);
    operation_rules(old, new, o, n, emit);
}

/// Exchange rules (by id), the idempotency key and unique values of an operation.
fn operation_rules(old: &Contract, new: &Contract, o: &Operation, n: &Operation, emit: &mut Emit) {
    use serde_json::Value;
    let (ov, nv) = (old.root.get(&o.location), new.root.get(&n.location));
    let get = |v: Option<&Value>, k: &str| v.and_then(|v| v.get(k)).cloned();
    let k = "x-accord-rules";
    let by_id = |v: Option<Value>| -> BTreeMap<String, (usize, Value)> {
        v.as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, r)| Some((r.get("id")?.as_str()?.to_string(), (i, r.clone()))))
            .collect()
    };
    let (a, b) = (by_id(get(ov, k)), by_id(get(nv, k)));
    let (ol, nl) = (&o.location, &n.location);
    for (id, (j, _)) in b.iter().filter(|(id, _)| !a.contains_key(*id)) {
        let at = nl.join(k).join(&j.to_string());
        emit.push("exchange-rule-added", format!("exchange rule `{id}` was added"), Some(ol.clone()), Some(at));
    }
    for (id, (i, _)) in a.iter().filter(|(id, _)| !b.contains_key(*id)) {
        let at = ol.join(k).join(&i.to_string());
        emit.push("exchange-rule-removed", format!("exchange rule `{id}` was removed"), Some(at), Some(nl.clone()));
    }
    for (id, (i, x)) in &a {
        let Some((j, y)) = b.get(id) else { continue };
        if x.get("rule") != y.get("rule") || x.get("fieldPath") != y.get("fieldPath") {
            let (oa, na) = (ol.join(k).join(&i.to_string()), nl.join(k).join(&j.to_string()));
            emit.push(
                "exchange-rule-changed",
                format!("exchange rule `{id}` now says something else"),
                Some(oa),
                Some(na),
            );
        }
    }
    let k = "x-accord-idempotency-key";
    let show = |v: &Value| v.as_str().map_or_else(|| v.to_string(), |s| format!("`{s}`"));
    match (get(ov, k), get(nv, k)) {
        (None, Some(b)) => emit.push(
            "idempotency-key-added",
            format!("idempotency key {} added", show(&b)),
            Some(ol.clone()),
            Some(nl.join(k)),
        ),
        (Some(a), None) => emit.push(
            "idempotency-key-removed",
            format!("idempotency key {} removed", show(&a)),
            Some(ol.join(k)),
            Some(nl.clone()),
        ),
        (Some(a), Some(b)) if a != b => emit.push(
            "idempotency-key-changed",
            format!("idempotency key moved from {} to {}", show(&a), show(&b)),
            Some(ol.join(k)),
            Some(nl.join(k)),
        ),
        _ => {}
    }
    let k = "x-accord-unique";
    let list = |v: Option<Value>| -> BTreeSet<String> {
        match v {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(Value::String(s)) => [s].into(),
            _ => BTreeSet::new(),
        }
    };
    let (a, b) = (list(get(ov, k)), list(get(nv, k)));
    for u in b.difference(&a) {
        emit.push(
            "unique-added",
            format!("`{u}` must now be unique across requests"),
            Some(ol.clone()),
            Some(nl.join(k)),
        );
    }
    for u in a.difference(&b) {
        emit.push("unique-removed", format!("`{u}` no longer has to be unique"), Some(ol.join(k)), Some(nl.clone()));
    }
}

/// Parameters match by location and name; path parameters by position (a
/// renamed path parameter is the same parameter).
fn parameters(old: &Contract, new: &Contract, o: &Operation, n: &Operation, emit: &mut Emit) {
    let path_index = |op: &Operation, p: &Parameter| op.path.find(&format!("{{{}}}", p.name));
    let same = |a: &Parameter, b: &Parameter| {
        a.location == b.location
            && match a.location {
                ParameterIn::Path => {
                    path_index(o, a).map(|i| o.path[..i].matches('{').count())
                        == path_index(n, b).map(|i| n.path[..i].matches('{').count())
                }
                ParameterIn::Header => a.name.eq_ignore_ascii_case(&b.name),
                _ => a.name == b.name,
            }
    };
    let place = |op: &Operation, p: &Parameter| p.schema.as_ref().map(parent).unwrap_or_else(|| op.location.clone());
    for p in &o.parameters {
        match n.parameters.iter().find(|q| same(p, q)) {
            None => emit.push(
                "request-parameter-removed",
                format!("{} parameter `{}` was removed", p.location.as_str(), p.name),
                Some(place(o, p)),
                Some(n.location.clone()),
            ),
            Some(q) => {
                let what = format!("{} parameter `{}`", q.location.as_str(), q.name);
                match (p.required, q.required) {
                    (false, true) => emit.push(
                        "request-parameter-became-required",
                        format!("{what} became required"),
                        Some(place(o, p)),
                        Some(place(n, q)),
                    ),
                    (true, false) => emit.push(
                        "request-parameter-became-optional",
                        format!("{what} became optional"),
                        Some(place(o, p)),
                        Some(place(n, q)),
                    ),
                    _ => {}
                }
                let flag = |c: &Contract, op: &Operation, x: &Parameter| {
                    c.root.get(&place(op, x)).and_then(|v| v.get("deprecated")).and_then(serde_json::Value::as_bool)
                        == Some(true)
                };
                if flag(new, n, q) && !flag(old, o, p) {
                    emit.push(
                        "request-parameter-deprecated",
                        format!("{what} is now deprecated"),
                        Some(place(o, p)),
                        Some(place(n, q)),
                    );
                } else if flag(old, o, p) && !flag(new, n, q) {
                    emit.push(
                        "request-parameter-reactivated",
                        format!("{what} is no longer deprecated"),
                        Some(place(o, p)),
                        Some(place(n, q)),
                    );
                }
                if p.style != q.style || p.explode != q.explode {
                    emit.push(
                        "request-parameter-style-changed",
                        format!(
                            "{what}: serialized as {}{} instead of {}{}",
                            q.style.as_str(),
                            if q.explode { " (explode)" } else { "" },
                            p.style.as_str(),
                            if p.explode { " (explode)" } else { "" }
                        ),
                        Some(place(o, p)),
                        Some(place(n, q)),
                    );
                }
                if let (Some(a), Some(b)) = (&p.schema, &q.schema) {
                    Comparison::new(&old.root, &new.root, Side::Request, Area::Parameter, emit)
                        .compare(a, b, &what, "");
                }
            }
        }
    }
    for q in &n.parameters {
        if !o.parameters.iter().any(|p| same(p, q)) {
            let what = format!("{} parameter `{}`", q.location.as_str(), q.name);
            let (id, text) = if q.required {
                ("new-required-request-parameter", format!("required {what} was added"))
            } else {
                ("new-optional-request-parameter", format!("optional {what} was added"))
            };
            emit.push(id, text, Some(o.location.clone()), Some(place(n, q)));
        }
    }
}

/// The location of the object holding `at` (a parameter, for its `schema`).
fn parent(at: &Location) -> Location {
    match at.pointer.rsplit_once('/') {
        Some((p, _)) => Location { file: at.file.clone(), pointer: p.to_string() },
        None => at.clone(),
    }
}

fn request_body(old: &Contract, new: &Contract, o: &Operation, n: &Operation, emit: &mut Emit) {
    let (ol, nl) = (o.location.join("requestBody"), n.location.join("requestBody"));
    match (&o.request_body, &n.request_body) {
        (None, Some(b)) => {
            let id = if b.required { "new-required-request-body" } else { "new-optional-request-body" };
            emit.push(
                id,
                format!("a request body was added{}", if b.required { " and is required" } else { "" }),
                Some(o.location.clone()),
                Some(nl),
            );
        }
        (Some(_), None) => {
            emit.push("request-body-removed", "the request body was removed".into(), Some(ol), Some(n.location.clone()))
        }
        (Some(a), Some(b)) => {
            match (a.required, b.required) {
                (false, true) => emit.push(
                    "request-body-became-required",
                    "the request body became required".into(),
                    Some(ol.clone()),
                    Some(nl.clone()),
                ),
                (true, false) => emit.push(
                    "request-body-became-optional",
                    "the request body became optional".into(),
                    Some(ol.clone()),
                    Some(nl.clone()),
                ),
                _ => {}
            }
            media((old, new), a, b, Side::Request, "the request body", (&ol, &nl), emit);
        }
        (None, None) => {}
    }
}

fn media(
    (old, new): (&Contract, &Contract),
    a: &Body,
    b: &Body,
    side: Side,
    name: &str,
    (ol, nl): (&Location, &Location),
    emit: &mut Emit,
) {
    let (removed, added) = match side {
        Side::Request => ("request-body-media-type-removed", "request-body-media-type-added"),
        Side::Response => ("response-media-type-removed", "response-media-type-added"),
    };
    let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    for m in &a.media {
        match b.media.iter().find(|x| essence(&x.name) == essence(&m.name)) {
            None => emit.push(
                removed,
                format!("{name}: media type `{}` was removed", m.name),
                Some(ol.join("content").join(&m.name)),
                Some(nl.clone()),
            ),
            Some(x) => {
                if let (Some(s), Some(t)) = (&m.schema, &x.schema) {
                    let what = if a.media.len() > 1 { format!("{name} ({})", m.name) } else { name.to_string() };
                    Comparison::new(&old.root, &new.root, side, Area::Body, emit).compare(s, t, &what, "");
                }
            }
        }
    }
    for x in &b.media {
        if !a.media.iter().any(|m| essence(&m.name) == essence(&x.name)) {
            emit.push(
                added,
                format!("{name}: media type `{}` was added", x.name),
                Some(ol.clone()),
                Some(nl.join("content").join(&x.name)),
            );
        }
    }
}

fn responses(old: &Contract, new: &Contract, o: &Operation, n: &Operation, emit: &mut Emit) {
    let success = |s: &str| s.starts_with('2');
    for (status, spec) in &o.responses {
        match n.responses.get(status) {
            None => {
                let id = if success(status) {
                    "response-success-status-removed"
                } else {
                    "response-non-success-status-removed"
                };
                emit.push(
                    id,
                    format!("response {status} was removed"),
                    Some(spec.location.clone()),
                    Some(n.location.join("responses")),
                );
            }
            Some(next) => {
                headers(old, new, status, (spec, next), emit);
                match (&spec.body, &next.body) {
                    (Some(a), Some(b)) => media(
                        (old, new),
                        a,
                        b,
                        Side::Response,
                        &format!("the {status} response body"),
                        (&spec.location, &next.location),
                        emit,
                    ),
                    (Some(a), None) => {
                        for m in &a.media {
                            emit.push(
                                "response-media-type-removed",
                                format!("the {status} response: media type `{}` was removed", m.name),
                                Some(spec.location.join("content").join(&m.name)),
                                Some(next.location.clone()),
                            );
                        }
                    }
                    (None, Some(b)) => {
                        for m in &b.media {
                            emit.push(
                                "response-media-type-added",
                                format!("the {status} response: media type `{}` was added", m.name),
                                Some(spec.location.clone()),
                                Some(next.location.join("content").join(&m.name)),
                            );
                        }
                    }
                    (None, None) => {}
                }
            }
        }
    }
    for (status, spec) in &n.responses {
        if o.responses.contains_key(status) {
            continue;
        }
        // Covered before by a range (`4XX`) or `default`, the status is news but no surprise.
        let range = status.chars().next().map(|c| format!("{c}XX"));
        let covered = o.responses.keys().any(|k| k == "default" || Some(k.to_ascii_uppercase()) == range);
        let id = match (covered, success(status)) {
            (false, _) => "response-status-added-without-default",
            (true, true) => "response-success-status-added",
            (true, false) => "response-non-success-status-added",
        };
        let text = if covered {
            format!("response {status} was added")
        } else {
            format!(
                "response {status} was added; clients of the old version were told of no such status and no default"
            )
        };
        emit.push(id, text, Some(o.location.join("responses")), Some(spec.location.clone()));
    }
}

/// The headers of one response in both versions.
fn headers(
    old: &Contract,
    new: &Contract,
    status: &str,
    (a, b): (&accord_catalog::openapi::ResponseSpec, &accord_catalog::openapi::ResponseSpec),
    emit: &mut Emit,
) {
    let find = |list: &[Parameter], name: &str| list.iter().find(|h| h.name.eq_ignore_ascii_case(name)).cloned();
    let at = |spec: &accord_catalog::openapi::ResponseSpec, h: &Parameter| spec.location.join("headers").join(&h.name);
    for h in &a.headers {
        let what = format!("the {status} response header `{}`", h.name);
        match find(&b.headers, &h.name) {
            None => {
                let id =
                    if h.required { "required-response-header-removed" } else { "optional-response-header-removed" };
                emit.push(id, format!("{what} was removed"), Some(at(a, h)), Some(b.location.clone()));
            }
            Some(g) => {
                match (h.required, g.required) {
                    (true, false) => emit.push(
                        "response-header-became-optional",
                        format!("{what} may now be absent"),
                        Some(at(a, h)),
                        Some(at(b, &g)),
                    ),
                    (false, true) => emit.push(
                        "response-header-became-required",
                        format!("{what} is now always sent"),
                        Some(at(a, h)),
                        Some(at(b, &g)),
                    ),
                    _ => {}
                }
                if let (Some(x), Some(y)) = (&h.schema, &g.schema) {
                    Comparison::new(&old.root, &new.root, Side::Response, Area::Parameter, emit)
                        .compare(x, y, &what, "");
                }
            }
        }
    }
    for g in b.headers.iter().filter(|g| find(&a.headers, &g.name).is_none()) {
        emit.push(
            "response-header-added",
            format!("the {status} response header `{}` was added", g.name),
            Some(a.location.clone()),
            Some(at(b, g)),
        );
    }
}

/// Where the `key` (`security`, `servers`) that applies to `op` is declared:
/// the operation's own, its path item's (servers only), or the document's.
fn declared(contract: &Contract, op: &Operation, key: &str) -> Location {
    let own = op.location.join(key);
    if contract.root.get(&own).is_some() {
        return own;
    }
    if let Some((item, _)) = op.location.pointer.rsplit_once('/') {
        let at = Location { file: op.location.file.clone(), pointer: format!("{item}/{key}") };
        if key == "servers" && contract.root.get(&at).is_some() {
            return at;
        }
    }
    let top = Location { file: op.location.file.clone(), pointer: format!("/{key}") };
    if contract.root.get(&top).is_some() { top } else { op.location.clone() }
}

fn security((ol, nl): (Location, Location), o: &Operation, n: &Operation, emit: &mut Emit) {
    let names = |op: &Operation| -> Vec<BTreeSet<String>> {
        op.security.iter().map(|r| r.schemes.iter().map(|s| s.name.clone()).collect()).collect()
    };
    let open = |reqs: &[BTreeSet<String>]| reqs.is_empty() || reqs.iter().any(BTreeSet::is_empty);
    let (a, b) = (names(o), names(n));
    let show = |r: &BTreeSet<String>| {
        if r.is_empty() { "anonymous access".to_string() } else { r.iter().cloned().collect::<Vec<_>>().join(" + ") }
    };
    match (open(&a), open(&b)) {
        (true, false) => {
            emit.push(
                "api-security-now-required",
                format!("credentials are now required: {}", b.iter().map(show).collect::<Vec<_>>().join(", or ")),
                Some(o.location.clone()),
                Some(nl),
            );
            return;
        }
        (false, true) => {
            emit.push(
                "api-security-no-longer-required",
                "credentials are no longer required".into(),
                Some(ol),
                Some(n.location.clone()),
            );
            return;
        }
        _ => {}
    }
    for r in a.iter().filter(|r| !b.contains(r) && !r.is_empty()) {
        emit.push(
            "api-security-removed",
            format!("the security requirement {} was removed", show(r)),
            Some(ol.clone()),
            Some(nl.clone()),
        );
    }
    for r in b.iter().filter(|r| !a.contains(r) && !r.is_empty()) {
        emit.push(
            "api-security-added",
            format!("the security requirement {} was added", show(r)),
            Some(ol.clone()),
            Some(nl.clone()),
        );
    }
    // A scheme both versions use, carried another way (an API key moved to
    // another header, Basic instead of Bearer): clients send what no longer counts.
    let schemes = |op: &Operation| -> BTreeMap<String, accord_catalog::openapi::SchemeKind> {
        op.security.iter().flat_map(|r| r.schemes.iter()).map(|s| (s.name.clone(), s.kind.clone())).collect()
    };
    let (sa, sb) = (schemes(o), schemes(n));
    for (name, kind) in &sa {
        if let Some(other) = sb.get(name).filter(|k| *k != kind) {
            emit.push(
                "api-security-scheme-changed",
                format!("the security scheme `{name}` changed from {} to {}", scheme_words(kind), scheme_words(other)),
                Some(ol.clone()),
                Some(nl.clone()),
            );
        }
    }
    // Requirements in both versions: the scopes each scheme asks for.
    for (ro, rn) in o.security.iter().flat_map(|x| n.security.iter().map(move |y| (x, y))) {
        let set = |r: &accord_catalog::openapi::Requirement| {
            r.schemes.iter().map(|s| s.name.clone()).collect::<BTreeSet<_>>()
        };
        if set(ro) != set(rn) {
            continue;
        }
        for (so, sn) in ro.schemes.iter().filter_map(|s| rn.schemes.iter().find(|t| t.name == s.name).map(|t| (s, t))) {
            for scope in sn.scopes.iter().filter(|s| !so.scopes.contains(s)) {
                emit.push(
                    "api-security-scope-added",
                    format!("`{}` now also requires the scope `{scope}`", sn.name),
                    Some(ol.clone()),
                    Some(nl.clone()),
                );
            }
            for scope in so.scopes.iter().filter(|s| !sn.scopes.contains(s)) {
                emit.push(
                    "api-security-scope-removed",
                    format!("`{}` no longer requires the scope `{scope}`", so.name),
                    Some(ol.clone()),
                    Some(nl.clone()),
                );
            }
        }
    }
}

/// `an API key in header X-Key`, `HTTP bearer`, `OAuth 2.0`.
fn scheme_words(kind: &accord_catalog::openapi::SchemeKind) -> String {
    use accord_catalog::openapi::SchemeKind as K;
    match kind {
        K::ApiKey { name, location } => format!("an API key in {} `{name}`", location.as_str()),
        K::Http { scheme } => format!("HTTP {scheme}"),
        K::OAuth2 => "OAuth 2.0".into(),
        K::OpenIdConnect => "OpenID Connect".into(),
        K::MutualTls => "mutual TLS".into(),
    }
}

fn servers((ol, nl): (Location, Location), o: &Operation, n: &Operation, emit: &mut Emit) {
    let urls = |op: &Operation| -> BTreeSet<String> {
        op.servers.iter().map(|s| s.url.trim_end_matches('/').to_string()).collect()
    };
    let (a, b) = (urls(o), urls(n));
    for s in a.difference(&b) {
        emit.push("api-server-removed", format!("server `{s}` was removed"), Some(ol.clone()), Some(nl.clone()));
    }
    for s in b.difference(&a) {
        emit.push("api-server-added", format!("server `{s}` was added"), Some(ol.clone()), Some(nl.clone()));
    }
}
