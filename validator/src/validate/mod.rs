//! Checking one exchange against its operation: request body, path and query
//! parameters, required headers and security, response status and body, and
//! the CEL rules at their three levels (`rules/`). A [`Checker`] does it for
//! any number of threads; what it finds is an [`Outcome`] (findings, counts,
//! and the facts capture rules judge across a run).

pub(crate) mod body;
mod branch;
mod compile;
#[doc(hidden)]
/// Not part of the API: the streaming fast path, public only for the tests
/// that hold it to jsonschema's verdicts.
pub mod fast;
mod findings;
pub(crate) mod keywords;
pub(crate) mod parameter;
pub(crate) mod rules;
pub(crate) mod security;

pub(crate) use compile::CompiledSchemas;
#[doc(hidden)]
pub use compile::{compile, compile_generic, registry};
pub(crate) use findings::{all_findings, did_you_mean, show_value};

use crate::capture::{BodyText, Exchange, Message};
use crate::contract::is_json_media;
use crate::contract::{Body, Catalog, Operation, Parameter, ParameterIn};
use crate::diagnostic::{
    Case, Diagnostic, Direction, LineIndex, Part, PositionBase, Severity, Snippet, locate_pointer,
};
use crate::options::CheckOptions;
use crate::route::{Router, url_path};
use accord_catalog::openapi::media::BodyKind;
use parameter::{Carried, Read};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What checking one exchange produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Messages checked.
    pub payloads: usize,
    /// Messages without errors.
    pub valid: usize,
    /// Messages with errors.
    pub invalid: usize,
    /// Messages without errors of which a part was not checked (no schema,
    /// unsupported media type): never counted as valid.
    pub unchecked: usize,
    /// 1 if the exchange matched no operation.
    pub unrouted: usize,
    /// The messages checked, one per request or response.
    pub cases: Vec<Case>,
    /// What capture rules need from this exchange (judged across the run).
    pub facts: Vec<rules::capture::Fact>,
}

/// Checks exchanges against a catalog; built once per run and shared by all threads.
#[derive(Debug)]
pub struct Checker {
    catalog: std::sync::Arc<Catalog>,
    router: Router,
    compiled: CompiledSchemas,
    options: CheckOptions,
    /// Generic mode: every input is a document checked against this schema.
    schema_uri: Option<String>,
    /// Capture rules' shared descriptions, by operation and rule.
    fact_rules: std::sync::Mutex<HashMap<(String, rules::capture::FactKind), std::sync::Arc<rules::capture::FactRule>>>,
    /// Input file names shared by the facts of each file.
    fact_files: std::sync::Mutex<HashMap<String, std::sync::Arc<str>>>,
    /// Coverage counters, when coverage is on.
    coverage: Option<std::sync::Arc<crate::coverage::Coverage>>,
}

/// Where the message being checked sits, for labelling diagnostics.
pub(crate) struct Site<'a> {
    file: &'a str,
    entry: Option<usize>,
    operation: &'a str,
    direction: Direction,
}

impl Site<'_> {
    fn diagnostic(&self, severity: Severity, code: &str, message: String, part: Part) -> Diagnostic {
        let mut d = Diagnostic::new(severity, code, message, self.file).with_entry(self.entry);
        d.operation = Some(self.operation.to_string());
        d.direction = Some(self.direction);
        d.part = Some(part);
        d
    }
}

impl Checker {
    /// Compiles every schema of `catalog` (once) and prepares the router.
    /// With `options.lenient_schemas`, a schema that does not compile leaves
    /// what it describes unchecked (see [`Checker::broken_schemas`]) instead
    /// of failing.
    pub fn new(
        catalog: impl Into<std::sync::Arc<Catalog>>,
        options: CheckOptions,
    ) -> Result<Self, crate::error::CatalogError> {
        let catalog = catalog.into();
        let compiled = CompiledSchemas::compile_all(&catalog, options.lenient_schemas)?;
        let hosts = crate::route::HostPolicy { test_servers: options.servers.clone(), strict: options.strict };
        Ok(Checker {
            router: Router::with_hosts(catalog.clone(), &hosts),
            catalog,
            compiled,
            options,
            schema_uri: None,
            fact_rules: Default::default(),
            fact_files: Default::default(),
            coverage: None,
        })
    }

    /// Generic mode: a checker that validates whole documents against the
    /// schema at `uri` (see [`Catalog::from_schema_file`]), asserting `format`
    /// only when `assert_formats` is set.
    pub fn for_schema(
        catalog: impl Into<std::sync::Arc<Catalog>>,
        uri: &str,
        assert_formats: bool,
    ) -> Result<Self, crate::error::CatalogError> {
        let catalog = catalog.into();
        let compiled = CompiledSchemas::single(&catalog, uri, assert_formats)?;
        Ok(Checker {
            router: Router::new(catalog.clone()),
            catalog,
            compiled,
            options: CheckOptions::default(),
            schema_uri: Some(uri.to_string()),
            fact_rules: Default::default(),
            fact_files: Default::default(),
            coverage: None,
        })
    }

    /// In generic mode, the schema every input is checked against.
    pub fn schema_uri(&self) -> Option<&str> {
        self.schema_uri.as_deref()
    }

    /// Generic mode: checks one whole document (a file's text) against the schema.
    pub fn check_document(&self, file: &str, text: std::sync::Arc<str>) -> Outcome {
        self.document(file, text, None, 1)
    }

    /// Generic mode on JSON Lines: checks the document on line `line`
    /// (entry `index`) of `file`; positions count in the file.
    pub fn check_line(&self, file: &str, text: std::sync::Arc<str>, index: usize, line: usize) -> Outcome {
        self.document(file, text, Some(index), line)
    }

    fn document(&self, file: &str, text: std::sync::Arc<str>, entry: Option<usize>, first_line: usize) -> Outcome {
        let mut out = Outcome::default();
        let Some(validator) = self.schema_uri.as_deref().and_then(|u| self.compiled.get(u)) else { return out };
        let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = BodyText {
            text: if offset == 0 { text.clone() } else { std::sync::Arc::from(&text[offset..]) },
            embedded: Some(crate::capture::Embedded { container: text.clone(), offset, first_line, index: None }),
            decode_error: None,
            bytes: None,
            literal: None,
        };
        let make = |severity: Severity, code: &str, message: String| {
            let mut d = Diagnostic::new(severity, code, message, file).with_entry(entry);
            d.part = Some(Part::Body);
            d
        };
        let mut diags = Vec::new();
        let fast = self.schema_uri.as_deref().and_then(|u| self.fast(u));
        // A document the fast path judges valid needs no parse and gives no finding.
        let judged_valid = fast.is_some_and(|f| fast_valid(f, &body));
        if !judged_valid {
            match parse_body(&body) {
                Ok(value) => self.report_errors(validator, &value, &body, &make, true, &mut diags),
                Err(BodyProblem { message, offset }) => {
                    let mut d = make(Severity::Error, "parse", format!("the document is not valid JSON: {message}"));
                    let span = (offset, offset.saturating_add(1));
                    self.place(&mut d, &body, span, &LineIndex::new(&text), &std::cell::OnceCell::new());
                    diags.push(d);
                }
            }
        }
        out.payloads = 1;
        let valid = !diags.iter().any(|d| d.severity == Severity::Error);
        if valid {
            out.valid = 1;
        } else {
            out.invalid = 1;
        }
        out.cases.push(Case { file: file.to_string(), entry, operation: None, direction: None, valid });
        out.diagnostics = diags;
        out
    }

    /// Counts every exchange this checker checks into `coverage`, which
    /// must have been built from this checker's catalog ([`Checker::catalog`]).
    pub fn with_coverage(mut self, coverage: std::sync::Arc<crate::coverage::Coverage>) -> Self {
        self.coverage = Some(coverage);
        self
    }

    /// The coverage counters this checker feeds, if coverage is on.
    pub fn coverage(&self) -> Option<&std::sync::Arc<crate::coverage::Coverage>> {
        self.coverage.as_ref()
    }

    /// Turns the fast path off: every JSON body is judged on the full path.
    pub fn without_fast_path(mut self) -> Self {
        self.options.no_fast_path = true;
        self
    }

    /// The fast path for the schema at `uri`, unless it is off or the schema has none.
    fn fast(&self, uri: &str) -> Option<&fast::FastValidator> {
        if self.options.no_fast_path { None } else { self.compiled.fast(uri) }
    }

    /// Schemas of the catalog that did not compile (lenient loading): URI to
    /// the compiler's message, naming the file and pointer.
    pub fn broken_schemas(&self) -> &std::collections::BTreeMap<String, String> {
        self.compiled.broken()
    }

    /// Why the schema at `uri` has no validator, when it did not compile.
    fn not_compiled(&self, uri: Option<&str>) -> Option<&str> {
        uri.and_then(|u| self.compiled.broken().get(u)).map(String::as_str)
    }

    /// Whether unrouted inputs are errors in this run.
    pub fn is_strict(&self) -> bool {
        self.options.strict
    }

    /// The operation every exchange is checked against, if one was forced.
    pub fn forced_operation(&self) -> Option<&str> {
        self.options.operation.as_deref()
    }

    /// The catalog being checked against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Checks one exchange of `file`.
    pub fn check(&self, file: &str, exchange: &Exchange) -> Outcome {
        let mut out = self.check_exchange(file, exchange);
        if let Some(origin) = &exchange.origin {
            let text = &*origin.container;
            crate::diagnostic::anchor_all(text, 0, text, origin.first_line, false, &mut out.diagnostics);
            // A key read from a header is placed like a header finding.
            for fact in out.facts.iter_mut().filter(|f| f.line.is_none() && f.rule.part == Part::Header) {
                let mut d = vec![
                    Diagnostic::new(Severity::Note, "idempotency", String::new(), file).with_entry(exchange.index),
                ];
                d[0].direction = Some(Direction::Request);
                d[0].part = Some(fact.rule.part);
                d[0].instance_path = Some(fact.rule.at.clone());
                crate::diagnostic::anchor_all(text, 0, text, origin.first_line, false, &mut d);
                fact.line = d[0].line.and_then(|l| u32::try_from(l).ok());
                fact.column = d[0].column.and_then(|c| u32::try_from(c).ok());
            }
        }
        out
    }

    fn check_exchange(&self, file: &str, exchange: &Exchange) -> Outcome {
        let mut out = Outcome::default();
        let request_body = Lazy::new(exchange.request.as_ref().and_then(|r| r.body.as_ref()));
        let forced = self.options.operation.as_deref().or(exchange.operation.as_deref());
        let (operation, path_params) = match forced {
            Some(id) => match self.catalog.operation(id) {
                Some(op) => {
                    let params = exchange
                        .request
                        .as_ref()
                        .and_then(|r| r.url.as_deref())
                        .and_then(|u| crate::route::path_params(op, u));
                    (op, params)
                }
                None => {
                    let known: Vec<&str> = self.catalog.operations.iter().map(|o| o.id.as_str()).collect();
                    let mut d =
                        Diagnostic::error("unknown-operation", format!("operation `{id}` is not in the catalog"), file)
                            .with_entry(exchange.index);
                    d.help = Some(match did_you_mean(id, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("known operations: {}", known.join(", ")),
                    });
                    out.diagnostics.push(d);
                    out.unrouted = 1;
                    return out;
                }
            },
            None => {
                let routed = match &exchange.request {
                    Some(r) => self.router.route(r, &|| request_body.value()),
                    None => Err(crate::route::Miss::default()),
                };
                match routed {
                    Ok(route) => {
                        if let Some(host) = &route.unlisted_host {
                            out.diagnostics.push(unlisted_host(file, exchange, host));
                        }
                        (route.operation, Some(route.path_params))
                    }
                    Err(miss) => {
                        out.unrouted = 1;
                        out.diagnostics.push(self.unrouted(file, exchange, &miss));
                        if let Some(coverage) = &self.coverage
                            && let Some((method, path)) = crate::coverage::unrouted(exchange)
                        {
                            let status = exchange.response.as_ref().and_then(|r| r.status);
                            coverage.record_unrouted(method, &path, status);
                        }
                        return out;
                    }
                }
            }
        };
        let covering = self.coverage.as_ref().map(|c| {
            let index = self.catalog.operations.iter().position(|o| std::ptr::eq(o, operation)).unwrap_or(0);
            (c, index)
        });
        let mut observation = crate::coverage::Observation { file, entry: exchange.index, ..Default::default() };
        if let Some(request) = &exchange.request {
            let site = Site { file, entry: exchange.index, operation: &operation.id, direction: Direction::Request };
            let mut diags = Vec::new();
            let checked =
                self.check_request(&site, operation, request, path_params.as_ref(), &request_body, &mut diags);
            if exchange.response.is_none() {
                self.check_exchange_rules(&site, operation, exchange, path_params.as_ref(), &request_body, &mut diags);
            }
            if let Some((coverage, index)) = &covering {
                let hits = crate::coverage::observe::request(
                    coverage.plan(),
                    *index,
                    operation,
                    request,
                    path_params.as_ref(),
                    &request_body,
                );
                observation.messages.push(crate::coverage::MessageHits { hits, valid: !has_errors(&diags) });
            }
            out.tally(&site, diags, checked);
        }
        if let Some(capture) = self.catalog.rules.captures.get(&operation.location) {
            out.facts = self.capture_facts(file, exchange, operation, capture, request_body.value());
        }
        if let Some(response) = &exchange.response {
            let site = Site { file, entry: exchange.index, operation: &operation.id, direction: Direction::Response };
            let mut diags = Vec::new();
            let head = exchange
                .request
                .as_ref()
                .and_then(|r| r.method.as_deref())
                .is_some_and(|m| m.eq_ignore_ascii_case("HEAD"));
            let checked = self.check_response(&site, operation, response, head, &mut diags);
            self.check_exchange_rules(&site, operation, exchange, path_params.as_ref(), &request_body, &mut diags);
            if let Some((coverage, index)) = &covering {
                match crate::coverage::observe::response(coverage.plan(), *index, operation, response) {
                    Ok(hits) => {
                        observation.messages.push(crate::coverage::MessageHits { hits, valid: !has_errors(&diags) })
                    }
                    Err(status) => observation.undocumented = status.map(|s| (*index, s)),
                }
            }
            out.tally(&site, diags, checked);
        }
        if let Some((coverage, _)) = covering {
            coverage.record(observation);
        }
        out
    }

    fn unrouted(&self, file: &str, exchange: &Exchange, miss: &crate::route::Miss) -> Diagnostic {
        let strict_hint = |help: String| {
            if self.options.strict { format!("{help} (--strict refuses such hosts; pass --server URL)") } else { help }
        };
        let severity = if self.options.strict { Severity::Error } else { Severity::Note };
        let (message, help) = match &exchange.request {
            Some(Message { method: Some(m), url: Some(u), .. }) => {
                let path = url_path(u);
                match miss.wrong_server.first() {
                    Some((id, servers)) => (
                        format!("{m} {path} matches `{id}` only on a host or base path its servers do not allow"),
                        Some(strict_hint(format!("`{id}` is served at {}", servers.join(", ")))),
                    ),
                    None => (
                        format!("{m} {path} matches no operation in the catalog"),
                        Some("run `accord list` to see the catalog's operations, or pass --operation".to_string()),
                    ),
                }
            }
            _ => (
                "this capture has no request method and URL to route by".to_string(),
                Some("pass --operation ID, or name the operation in the envelope's `operation` field".to_string()),
            ),
        };
        Diagnostic::new(severity, "unrouted", message, file).with_entry(exchange.index).with_help(help)
    }

    /// Checks a request; returns whether everything in it was checked.
    fn check_request(
        &self,
        site: &Site<'_>,
        op: &Operation,
        request: &Message,
        path_params: Option<&BTreeMap<String, String>>,
        body: &Lazy<'_>,
        out: &mut Vec<Diagnostic>,
    ) -> bool {
        let carried = Carried::new(request.url.as_deref(), path_params, request.headers.as_deref());
        for param in &op.parameters {
            if carried.sees(param.location) {
                self.check_parameter(site, param, &carried, out);
            }
        }
        let mut checked = true;
        if request.headers.is_some() {
            match security::check(&op.security, &carried) {
                security::Verdict::Met => {}
                security::Verdict::Unseen => {
                    let mut d = site.diagnostic(
                        Severity::Note,
                        "unchecked",
                        "the security requirement is mutual TLS, which a capture does not show: not checked".into(),
                        Part::Header,
                    );
                    d.help = Some("Accord checks what HTTP shows; verify client certificates at the TLS layer".into());
                    out.push(d);
                    checked = false;
                }
                security::Verdict::Unmet(reasons) => {
                    let message = match reasons.as_slice() {
                        [one] => format!("security requirement not met: {one}"),
                        many => format!("no security requirement is met: {}", many.join("; or ")),
                    };
                    let mut d = site.diagnostic(Severity::Error, "security", message, Part::Header);
                    d.instance_path = Some(security_pointer(&op.security));
                    d.help = Some(format!(
                        "send {}",
                        op.security.iter().map(|r| r.describe()).collect::<Vec<_>>().join(", or ")
                    ));
                    out.push(d);
                }
            }
        }
        if let Some(spec) = &op.request_body {
            checked &= self.check_body(site, spec, request, body, out);
        } else if let (Some(uri), Some(_)) = (&op.request_schema, &request.body) {
            // A body-less operation given a plain payload: the payload is its parameters as one object.
            let spec = Body {
                required: false,
                media: vec![crate::contract::MediaType {
                    name: "application/json".into(),
                    schema_uri: Some(uri.clone()),
                    schema: None,
                    shape: crate::contract::Shape::default(),
                    encoding: BTreeMap::new(),
                    encoding_styles: BTreeMap::new(),
                    encoding_headers: BTreeMap::new(),
                }],
            };
            let before = out.len();
            checked &= self.check_body(site, &spec, request, body, out);
            for d in &mut out[before..] {
                if d.part == Some(Part::Body) && d.code != "parse" {
                    d.part = Some(Part::Query);
                }
            }
        }
        checked
    }

    fn check_parameter(&self, site: &Site<'_>, param: &Parameter, carried: &Carried<'_>, out: &mut Vec<Diagnostic>) {
        let kind = parameter::kind(param.location);
        let part = match param.location {
            ParameterIn::Header | ParameterIn::Cookie => Part::Header,
            ParameterIn::Query => Part::Query,
            ParameterIn::Path => Part::Path,
        };
        let pointer = format!("/{}", param.name.replace('~', "~0").replace('/', "~1"));
        let value = match parameter::read(param, carried) {
            Ok(Read::Value(v)) => v,
            Ok(Read::Empty) => return,
            Ok(Read::Missing) => {
                if param.required {
                    let mut d = site.diagnostic(
                        Severity::Error,
                        "required",
                        format!("{kind} `{}` is required but missing", param.name),
                        part,
                    );
                    d.instance_path = Some(pointer);
                    out.push(d);
                }
                return;
            }
            Err(problem) => {
                let mut d = site.diagnostic(Severity::Error, problem.code, problem.message, part);
                d.instance_path = Some(pointer);
                d.help = Some(format!(
                    "`{}` is a {kind} of style `{}`{}",
                    param.name,
                    param.style.as_str(),
                    if param.explode { " with explode" } else { "" }
                ));
                out.push(d);
                return;
            }
        };
        let Some(validator) = param.schema_uri.as_deref().and_then(|u| self.compiled.get(u)) else {
            if let Some(why) = self.not_compiled(param.schema_uri.as_deref()) {
                let mut d = site.diagnostic(
                    Severity::Warning,
                    "unchecked",
                    format!("{kind} `{}` was not checked: its schema does not compile ({why})", param.name),
                    part,
                );
                d.instance_path = Some(pointer);
                out.push(d);
            }
            return;
        };
        if validator.is_valid(&value) {
            return;
        }
        let sensitive = param.sensitive
            || (matches!(param.location, ParameterIn::Header | ParameterIn::Cookie)
                && self.catalog.redactor.is_sensitive_header(&param.name))
            || self.catalog.redactor.is_sensitive_field(&param.name);
        let raw_texts: Vec<String> = leaf_texts(&value);
        for f in all_findings(validator.iter_errors(&value), &self.catalog, &self.catalog.redactor) {
            let detail = f.message.replace("the body", &format!("{kind} `{}`", param.name));
            let detail = if sensitive {
                raw_texts
                    .iter()
                    .fold(detail, |m, raw| redact_message(&m, raw, &show_value(&Value::String(raw.clone()), true)))
            } else {
                detail
            };
            let mut d = site.diagnostic(f.severity, &f.code, detail, part);
            d.help = f.help;
            d.instance_path = Some(format!("{pointer}{}", f.instance_path));
            d.schema_path = f.schema_uri.map(|u| self.catalog.display_uri(&u));
            out.push(d);
        }
    }

    /// Checks a response (to a HEAD request when `head`); returns whether everything in it was checked.
    fn check_response(
        &self,
        site: &Site<'_>,
        op: &Operation,
        response: &Message,
        head: bool,
        out: &mut Vec<Diagnostic>,
    ) -> bool {
        let Some(status) = response.status else {
            out.push(site.diagnostic(
                Severity::Error,
                "status",
                "the response has no status code".into(),
                Part::Status,
            ));
            return true;
        };
        let has_body = response.body.as_ref().is_some_and(|b| !b.text.is_empty() || b.decode_error.is_some());
        if has_body && (status == 204 || status == 304 || head) {
            let why = if head { "a response to HEAD".to_string() } else { format!("a {status} response") };
            let mut d = site.diagnostic(
                Severity::Error,
                "body",
                format!("{why} has a body; HTTP does not allow one (RFC 9110 §6.4.1)"),
                Part::Body,
            );
            d.help = Some("send no content, or use a status that carries it".into());
            out.push(d);
            return true;
        }
        if op.responses.is_empty() {
            // Nothing to check against: say so, never count silence as conformance.
            let mut d = site.diagnostic(
                Severity::Warning,
                "unchecked",
                format!("`{}` documents no responses: this response (status {status}) was not checked", op.id),
                Part::Status,
            );
            d.help = Some("document the operation's responses in the OpenAPI catalog".into());
            out.push(d);
            return false;
        }
        let Some((_, spec)) = op.response_for(status) else {
            let documented: Vec<&str> = op.responses.keys().map(String::as_str).collect();
            let mut d = site.diagnostic(
                Severity::Error,
                "status",
                format!("status {status} is not documented for `{}`", op.id),
                Part::Status,
            );
            d.help = Some(format!("documented statuses: {}", documented.join(", ")));
            out.push(d);
            return true;
        };
        if response.headers.is_some() {
            let carried = Carried::new(None, None, response.headers.as_deref());
            for header in &spec.headers {
                self.check_parameter(site, header, &carried, out);
            }
        }
        match &spec.body {
            Some(body_spec) if !head && status != 204 && status != 304 => {
                self.check_body(site, body_spec, response, &Lazy::new(response.body.as_ref()), out)
            }
            _ => true,
        }
    }

    /// Checks a body against the media types of `spec`; returns whether it
    /// was checked. Its findings name the media type that judged it.
    fn check_body(
        &self,
        site: &Site<'_>,
        spec: &Body,
        message: &Message,
        parsed: &Lazy<'_>,
        out: &mut Vec<Diagnostic>,
    ) -> bool {
        let start = out.len();
        let checked = self.check_body_as(site, spec, message, parsed, out);
        if let Some(media) = body::choose(spec, message.header("content-type")) {
            for d in out[start..].iter_mut().filter(|d| d.part == Some(Part::Body)) {
                d.media_type = Some(media.name.clone());
            }
        }
        checked
    }

    fn check_body_as(
        &self,
        site: &Site<'_>,
        spec: &Body,
        message: &Message,
        parsed: &Lazy<'_>,
        out: &mut Vec<Diagnostic>,
    ) -> bool {
        let direction = site.direction.as_str();
        let Some(body) = message.body.as_ref().filter(|b| !b.text.is_empty() || b.decode_error.is_some()) else {
            if message.body_omitted {
                let why = match &message.omitted_because {
                    Some(why) => format!("the {direction} body was not captured ({why}): not checked"),
                    None => format!(
                        "the capture does not include the {direction} body (its size is recorded, its text is not): not checked"
                    ),
                };
                let mut d = site.diagnostic(Severity::Warning, "unchecked", why, Part::Body);
                if message.omitted_because.is_none() {
                    d.help = Some("export the HAR with content (e.g. \"Save all as HAR with content\")".into());
                }
                out.push(d);
                return false;
            }
            // No content: wrong when the contract requires a body, or when a response
            // declares content and no declared schema accepts the empty text.
            let required = spec.required
                || (site.direction == Direction::Response
                    && !spec.media.is_empty()
                    && !spec.media.iter().any(|m| self.accepts_empty(m)));
            if required {
                let declared: Vec<&str> = spec.media.iter().map(|m| m.name.as_str()).collect();
                out.push(site.diagnostic(
                    Severity::Error,
                    "required",
                    format!("the {direction} body is empty; the contract declares {}", declared.join(", ")),
                    Part::Body,
                ));
            }
            return true;
        };
        let content_type = message.header("content-type");
        let Some(media) = body::choose(spec, content_type) else {
            let ct = content_type.unwrap_or_default();
            let declared: Vec<&str> = spec.media.iter().map(|m| m.name.as_str()).collect();
            let mut d = site.diagnostic(
                Severity::Error,
                "content-type",
                format!("Content-Type is `{ct}`; the contract declares {}", declared.join(", ")),
                Part::Header,
            );
            d.instance_path = Some("/Content-Type".into());
            if !is_json_media(ct) && spec.media.iter().any(|m| m.is_json()) {
                d.help = Some(format!("the body starts with {}", preview(&body.text)));
            }
            out.push(d);
            return true;
        };
        let kind = body::kind(media, content_type);
        // Bytes that are not text in their charset are wrong only where text is
        // due: a binary body is judged by its size, a multipart body part by part.
        let lossy;
        let body = match (&body.decode_error, &body.bytes, kind) {
            (Some(_), Some(_), BodyKind::Binary) => body,
            (Some(_), Some(bytes), BodyKind::Multipart) => {
                lossy = BodyText::standalone(String::from_utf8_lossy(bytes).into_owned());
                &lossy
            }
            (Some(problem), _, _) => {
                out.push(site.diagnostic(Severity::Error, "encoding", problem.clone(), Part::Body));
                return true;
            }
            (None, _, _) => body,
        };
        let make =
            |severity: Severity, code: &str, message: String| site.diagnostic(severity, code, message, Part::Body);
        let validator = media.schema_uri.as_deref().and_then(|u| self.compiled.get(u));
        let unchecked = |out: &mut Vec<Diagnostic>, why: String| {
            let mut d = site.diagnostic(Severity::Warning, "unchecked", why, Part::Body);
            d.help = Some("declare a schema for this media type to have it checked".into());
            out.push(d);
            false
        };
        if kind == BodyKind::Unsupported {
            return unchecked(
                out,
                format!("the {direction} body ({}) is of a media type Accord does not read: not checked", media.name),
            );
        }
        if let Some(why) = self.not_compiled(media.schema_uri.as_deref()) {
            return unchecked(
                out,
                format!("the {direction} body ({}) was not checked: its schema does not compile ({why})", media.name),
            );
        }
        if validator.is_none() && kind != BodyKind::Binary {
            return unchecked(
                out,
                format!("the {direction} body ({}) has no schema in the contract: not checked", media.name),
            );
        }
        if kind == BodyKind::Json && !parsed.is_parsed() {
            // The fast path: a body it judges valid needs no value and gives no finding.
            let fast = media.schema_uri.as_deref().and_then(|u| self.fast(u));
            if fast.is_some_and(|f| fast_valid(f, body)) {
                return true;
            }
        }
        let value = match kind {
            BodyKind::Json => match parsed.get() {
                Some(Ok(v)) => v.clone(),
                Some(Err(BodyProblem { message: m, offset })) => {
                    let mut d = site.diagnostic(
                        Severity::Error,
                        "parse",
                        format!("the {direction} body is not valid JSON: {m}"),
                        Part::Body,
                    );
                    if !is_json_media(content_type.unwrap_or("application/json"))
                        || body.text.trim_start().starts_with('<')
                    {
                        d.help = Some(format!("the body starts with {}", preview(&body.text)));
                    }
                    let container = body.embedded.as_ref().map_or(&*body.text, |e| &*e.container);
                    let span = (*offset, offset.saturating_add(1));
                    self.place(&mut d, body, span, &LineIndex::new(container), &std::cell::OnceCell::new());
                    out.push(d);
                    return true;
                }
                None => return true,
            },
            BodyKind::Text => Value::String(body.text.to_string()),
            BodyKind::Form | BodyKind::Multipart => {
                let read = if kind == BodyKind::Form {
                    body::form(&body.text, media).map(|v| (v, Vec::new()))
                } else {
                    body::multipart_parts(&body.text, content_type, media)
                };
                match read {
                    Ok((v, parts)) => {
                        self.check_part_headers(site, media, &parts, body, out);
                        v
                    }
                    Err(problem) => {
                        let mut d = make(Severity::Error, "parse", format!("the {direction} body: {problem}"));
                        let container = body.embedded.as_ref().map_or(&*body.text, |e| &*e.container);
                        self.place(&mut d, body, (0, 1), &LineIndex::new(container), &std::cell::OnceCell::new());
                        out.push(d);
                        return true;
                    }
                }
            }
            BodyKind::Unsupported => return false,
            BodyKind::Binary => {
                let schema = media.schema.as_ref().and_then(|l| self.catalog.root.get(l));
                let (min, max) = body::size_limits(schema);
                let size = body.size() as u64;
                let (code, bound) = match (min, max) {
                    (Some(min), _) if size < min => ("minLength", format!("at least {min}")),
                    (_, Some(max)) if size > max => ("maxLength", format!("at most {max}")),
                    _ => return true,
                };
                let mut d = make(
                    Severity::Error,
                    code,
                    format!("the {direction} body ({}) is {size} bytes; the contract allows {bound}", media.name),
                );
                d.instance_path = Some(String::new());
                out.push(d);
                return true;
            }
        };
        if let Some(validator) = validator {
            // A form or multipart body is not JSON text the redactor can mask: show no snippet of it.
            let show_text = !matches!(kind, BodyKind::Form | BodyKind::Multipart);
            self.report_errors(validator, &value, body, &make, show_text, out);
        }
        true
    }

    /// `encoding.headers` of a multipart body: each part whose field declares
    /// headers carries the required ones, and each header's value (typed by its
    /// schema, as a response header's is) is valid. Findings are at the field.
    fn check_part_headers(
        &self,
        site: &Site<'_>,
        media: &crate::contract::MediaType,
        parts: &[body::PartHeaders],
        body: &BodyText,
        out: &mut Vec<Diagnostic>,
    ) {
        let container = body.embedded.as_ref().map_or(&*body.text, |e| &*e.container);
        for (field, declared) in &media.encoding_headers {
            let pointer = format!("/{}", field.replace('~', "~0").replace('/', "~1"));
            for (_, headers) in parts.iter().filter(|(name, _)| name == field) {
                for spec in declared {
                    let mut push = |code: &str, message: String| {
                        let mut d = site.diagnostic(Severity::Error, code, message, Part::Body);
                        d.instance_path = Some(pointer.clone());
                        d.schema_path = spec.schema_uri.as_deref().map(|u| self.catalog.display_uri(u));
                        self.place(&mut d, body, (0, 1), &LineIndex::new(container), &std::cell::OnceCell::new());
                        // Multipart text is not JSON the redactor can mask: no snippet of it.
                        d.snippet = None;
                        out.push(d);
                    };
                    let Some((_, raw)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&spec.name)) else {
                        if spec.required {
                            push(
                                "required",
                                format!("part `{field}` has no `{}` header, which it requires", spec.name),
                            );
                        }
                        continue;
                    };
                    let Some(validator) = spec.schema_uri.as_deref().and_then(|u| self.compiled.get(u)) else {
                        continue;
                    };
                    let value = parameter::scalar(raw, &spec.shape);
                    let redactor = &self.catalog.redactor;
                    for f in all_findings(validator.iter_errors(&value), &self.catalog, redactor) {
                        let detail = if spec.sensitive {
                            redact_message(&f.message, raw, &show_value(&Value::String(raw.clone()), true))
                        } else {
                            f.message.clone()
                        };
                        let detail = detail.replace("the body", &format!("header `{}` of part `{field}`", spec.name));
                        push(&f.code, detail);
                    }
                }
            }
        }
    }

    /// Whether an empty body is acceptable for `media`: a text type whose schema accepts `""`.
    fn accepts_empty(&self, media: &crate::contract::MediaType) -> bool {
        match body::kind(media, None) {
            BodyKind::Text | BodyKind::Binary => match media.schema_uri.as_deref().and_then(|u| self.compiled.get(u)) {
                Some(v) => v.is_valid(&Value::String(String::new())),
                None => true,
            },
            BodyKind::Form | BodyKind::Multipart | BodyKind::Unsupported => true,
            BodyKind::Json => false,
        }
    }

    /// One diagnostic per finding of `validator` on `value` (parsed from `body`), placed in the text.
    fn report_errors(
        &self,
        validator: &jsonschema::Validator,
        value: &Value,
        body: &BodyText,
        make: &dyn Fn(Severity, &str, String) -> Diagnostic,
        show_text: bool,
        out: &mut Vec<Diagnostic>,
    ) {
        if validator.is_valid(value) {
            return;
        }
        let container = body.embedded.as_ref().map_or(&*body.text, |e| &*e.container);
        let index = LineIndex::new(container);
        let masked = std::cell::OnceCell::new();
        for f in all_findings(validator.iter_errors(value), &self.catalog, &self.catalog.redactor) {
            let mut d = make(f.severity, &f.code, f.message);
            d.help = f.help;
            d.schema_path = f.schema_uri.map(|u| self.catalog.display_uri(&u));
            let span = locate_pointer(&body.text, &f.instance_path);
            d.instance_path = Some(f.instance_path);
            // Point at the opening character of objects and arrays rather than their
            // whole extent; where the pointer cannot be found in the text (a form or
            // multipart body, a text body), at the body's start.
            let (start, end) = span.unwrap_or((0, 1));
            let end = if matches!(body.text.as_bytes().get(start), Some(b'{' | b'[')) { start + 1 } else { end };
            self.place(&mut d, body, (start, end), &index, &masked);
            if !show_text {
                d.snippet = None;
            }
            out.push(d);
        }
    }

    /// Sets line, column and a redacted snippet for the byte span `start..end`
    /// of `body`; `index` indexes the text positions count in (see `capture::Embedded`).
    ///
    /// `masked` caches the redacted copy of that text: masking the whole text
    /// once (not the window) means a window that starts inside a sensitive
    /// value still hides it.
    fn place(
        &self,
        d: &mut Diagnostic,
        body: &BodyText,
        (start, end): (usize, usize),
        index: &LineIndex,
        masked: &std::cell::OnceCell<String>,
    ) {
        let (text, base, offset, first_line): (&str, PositionBase, usize, usize) = match &body.embedded {
            Some(e) => (&e.container, PositionBase::File, e.offset, e.first_line),
            None => (&body.text, PositionBase::Payload, 0, 1),
        };
        let mut start = (offset + start).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (offset + end).min(text.len()).max(start);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let (line, column) = index.line_col(text, start);
        d.line = Some(line + first_line - 1);
        d.column = Some(column);
        d.position_in = Some(base);
        if let (PositionBase::Payload, Some(lit)) = (base, &body.literal) {
            // The payload is a string literal in the file: find the same character there.
            let offset = lit.start + crate::diagnostic::literal_offset(&lit.container[lit.start..], line, column);
            let (file_line, file_column) = LineIndex::new(&lit.container).line_col(&lit.container, offset);
            d.file_line = Some(file_line + lit.first_line - 1);
            d.file_column = Some(file_column);
        }
        let (ls, le) = index.line_range(text, line);
        // Short lines go to the renderer whole (it trims long lines itself);
        // very long lines (minified payloads) are cut to a window first.
        let (mut ws, mut we) = (ls, le);
        if le - ls > MAX_SNIPPET_LINE {
            ws = start.saturating_sub(60).max(ls);
            we = (end.max(start + 1) + 60).min(le).max(ws);
        }
        while !text.is_char_boundary(ws) {
            ws += 1;
        }
        while !text.is_char_boundary(we) {
            we -= 1;
        }
        let window = masked.get_or_init(|| self.catalog.redactor.mask_text(text)).get(ws..we).unwrap_or("").to_string();
        let whole_line = ws == ls;
        let label_start = (start - ws).min(window.len());
        let label_end = (end.min(we) - ws).max(label_start + usize::from(label_start < window.len())).min(window.len());
        d.snippet =
            Some(Snippet { text: window, line: line + first_line - 1, start: label_start, end: label_end, whole_line });
    }
}

impl Outcome {
    fn tally(&mut self, site: &Site<'_>, diags: Vec<Diagnostic>, checked: bool) {
        self.payloads += 1;
        let valid = !diags.iter().any(|d| d.severity == Severity::Error);
        let checked = checked && !diags.iter().any(|d| d.code == "unchecked");
        if !valid {
            self.invalid += 1;
        } else if checked {
            self.valid += 1;
        } else {
            self.unchecked += 1;
        }
        self.cases.push(Case {
            file: site.file.to_string(),
            entry: site.entry,
            operation: Some(site.operation.to_string()),
            direction: Some(site.direction),
            valid,
        });
        self.diagnostics.extend(diags);
    }
}

/// Longest line shown whole in a snippet; longer lines are windowed.
const MAX_SNIPPET_LINE: usize = 2048;

/// Why a body could not be parsed, and where.
#[derive(Debug, Clone)]
pub struct BodyProblem {
    message: String,
    offset: usize,
}

/// A body parsed only when something needs its value: routing by a
/// discriminator, rules, or a body the fast path did not judge valid.
pub(crate) struct Lazy<'a> {
    body: Option<&'a BodyText>,
    value: std::cell::OnceCell<Result<Value, BodyProblem>>,
}

impl<'a> Lazy<'a> {
    pub(crate) fn new(body: Option<&'a BodyText>) -> Self {
        Lazy { body, value: std::cell::OnceCell::new() }
    }

    /// The parse, done on first use; `None` without a body.
    pub(crate) fn get(&self) -> Option<&Result<Value, BodyProblem>> {
        self.body.map(|b| self.value.get_or_init(|| parse_body(b)))
    }

    /// The value, if there is a body and it parses.
    pub(crate) fn value(&self) -> Option<&Value> {
        self.get()?.as_ref().ok()
    }

    /// Whether the body was parsed already.
    pub(crate) fn is_parsed(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if the body was parsed already and parses.
    pub(crate) fn parsed(&self) -> Option<&Value> {
        self.value.get()?.as_ref().ok()
    }
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

fn parse_body(body: &BodyText) -> Result<Value, BodyProblem> {
    if body.decode_error.is_some() {
        return Err(BodyProblem { message: "body could not be decoded".into(), offset: 0 });
    }
    if body.text.trim().is_empty() {
        return Err(BodyProblem { message: "the body is empty".into(), offset: 0 });
    }
    serde_json::from_str(&body.text).map_err(|e| {
        let index = LineIndex::new(&body.text);
        let (ls, _) = if e.line() > 0 { index.line_range(&body.text, e.line()) } else { (0, 0) };
        let offset = (ls + e.column().saturating_sub(1)).min(body.text.len());
        BodyProblem { message: crate::capture::strip_position(&e.to_string()), offset }
    })
}

/// Where a security finding points: the header, query parameter or cookie the
/// first requirement's first scheme uses (`/Authorization` for HTTP schemes).
fn security_pointer(requirements: &[crate::contract::Requirement]) -> String {
    use crate::contract::SchemeKind;
    match requirements.first().and_then(|r| r.schemes.first()).map(|s| &s.kind) {
        Some(SchemeKind::ApiKey { name, .. }) => format!("/{}", name.replace('~', "~0").replace('/', "~1")),
        _ => "/Authorization".into(),
    }
}

/// The texts of every string, number and boolean in `value` (a parameter read
/// from text), so a sensitive parameter's message can mask each of them.
fn leaf_texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(leaf_texts).collect(),
        Value::Object(map) => map.values().flat_map(leaf_texts).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

fn preview(text: &str) -> String {
    let first: String = text.trim_start().chars().take(40).collect();
    format!("{:?}", first.lines().next().unwrap_or(""))
}

fn redact_message(message: &str, raw: &str, shown: &str) -> String {
    if raw.is_empty() {
        message.to_string()
    } else {
        message.replace(&serde_json::to_string(raw).unwrap_or_default(), shown).replace(raw, shown)
    }
}

/// The warning for a request routed by its path alone because its host is
/// one no server lists. Every exchange gets one; the run keeps the first per
/// host and counts the rest (see `run::collect`).
fn unlisted_host(file: &str, exchange: &Exchange, origin: &str) -> Diagnostic {
    let host = origin.split_once("://").map_or(origin, |(_, h)| h);
    let mut d = Diagnostic::new(
        Severity::Warning,
        "server",
        format!("`{host}` is a host no server of the contract lists: its requests were routed by their path alone"),
        file,
    )
    .with_entry(exchange.index)
    .with_help(Some(format!(
        "if it is a test host, declare it: --server {origin} (--strict refuses such requests instead)"
    )));
    d.direction = Some(Direction::Request);
    d.part = Some(Part::Path);
    d
}

/// Whether the fast path judges `body` valid: along the container's index
/// when the reader left one (no second tokenization), else from its text.
fn fast_valid(fast: &fast::FastValidator, body: &BodyText) -> bool {
    let indexed = body.embedded.as_ref().and_then(|e| Some((e, e.index.as_ref()?)));
    match indexed {
        Some((e, ix)) if fast::FrontEnd::chosen() == fast::FrontEnd::Index => {
            let positions = &ix.index.positions[ix.positions.clone()];
            fast.check_indexed(&e.container[..ix.end], positions, ix.index.escapes).0 == fast::Verdict::Valid
        }
        _ => fast.check(&body.text) == fast::Verdict::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Exchange;

    #[test]
    fn broken_non_ascii_bodies_get_a_position_and_no_panic() {
        let catalog = Catalog::builtin().unwrap();
        let checker = Checker::new(
            catalog,
            CheckOptions { operation: Some("dstore.syncStore".into()), ..CheckOptions::default() },
        )
        .unwrap();
        for text in ["{\"requestId\": \"é", "{\"requestId\": \"ééé\" é}", "é", "{\"a\":\n\"\u{1F600}\u{1F600}"] {
            let body = BodyText::standalone(text);
            let exchange =
                Exchange { request: Some(Message { body: Some(body), ..Message::default() }), ..Exchange::default() };
            let out = checker.check("x", &exchange);
            let parse = out.diagnostics.iter().find(|d| d.code == "parse").expect("a parse diagnostic");
            assert!(parse.line.is_some() && parse.column.is_some(), "{text:?}");
            let s = parse.snippet.as_ref().unwrap();
            assert!(s.text.is_char_boundary(s.start) && s.text.is_char_boundary(s.end), "{text:?}");
            let mut report = crate::diagnostic::Report::default();
            report.extend(out.diagnostics);
            let mut rendered = Vec::new();
            crate::render::render(crate::render::Format::Human, &report, false, &mut rendered).unwrap();
            assert!(String::from_utf8(rendered).unwrap().contains("error[parse]"));
        }
    }
}
