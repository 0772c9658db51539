//! Turning jsonschema errors into findings a person understands without
//! opening the schema: the field by name, the value (unless sensitive), the
//! limit, the allowed values with a did-you-mean, and for cross-field rules
//! the schema's own wording (`x-accord-message`).

use super::keywords::{DISCRIMINATOR, KNOWN_VALUES, MAX_SERIALIZED_LENGTH, OPENAPI_FORMAT, RULES, serialized_length};
use super::rules::message::Failure;
use crate::contract::Catalog;
use crate::diagnostic::{Redactor, Severity};
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use std::collections::BTreeSet;

/// One finding before it is placed in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The keyword (or Accord code).
    pub code: String,
    /// The message.
    pub message: String,
    /// Help: a did-you-mean or the schema's description.
    pub help: Option<String>,
    /// JSON pointer to the offending value.
    pub instance_path: String,
    /// Absolute keyword location, when known.
    pub schema_uri: Option<String>,
}

/// Where in the catalog a keyword lives.
struct SchemaSite<'c> {
    catalog: &'c Catalog,
    doc: String,
    pointer: String,
}

impl<'c> SchemaSite<'c> {
    fn parse(catalog: &'c Catalog, uri: &str) -> Option<Self> {
        let at = catalog.root.locate_uri(uri)?;
        Some(SchemaSite { catalog, doc: at.file, pointer: at.pointer })
    }

    /// The keyword's own value.
    fn keyword_value(&self) -> Option<&'c Value> {
        self.catalog.root.get_at(&self.doc, &self.pointer)
    }

    /// The schema object holding the keyword.
    fn parent(&self) -> Option<&'c Value> {
        let (parent, _) = self.pointer.rsplit_once('/')?;
        self.catalog.root.get_at(&self.doc, parent)
    }

    /// The nearest `x-accord-message` on the way up from the keyword.
    fn rule_message(&self) -> Option<&'c str> {
        let mut pointer = self.pointer.as_str();
        loop {
            if let Some(m) = self
                .catalog
                .root
                .get_at(&self.doc, pointer)
                .and_then(|v| v.get("x-accord-message"))
                .and_then(Value::as_str)
            {
                return Some(m);
            }
            pointer = pointer.rsplit_once('/')?.0;
        }
    }

    /// The nearest `description` on the way up, stopping at a `$defs` entry.
    fn description(&self) -> Option<&'c str> {
        let mut pointer = self.pointer.as_str();
        loop {
            pointer = pointer.rsplit_once('/')?.0;
            let value = self.catalog.root.get_at(&self.doc, pointer)?;
            if let Some(d) = value.get("description").and_then(Value::as_str) {
                return Some(d);
            }
            if pointer.rsplit_once('/').is_some_and(|(p, _)| p.ends_with("$defs")) {
                return None;
            }
        }
    }
}

/// A readable name for the value at `pointer`: `result.commodity_list[0].quantity`.
pub fn field_name(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the body".to_string();
    }
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() && !out.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    format!("`{out}`")
}

/// Shows a value: compact JSON cut to a readable length, or its kind and size when sensitive.
pub fn show_value(value: &Value, sensitive: bool) -> String {
    if sensitive {
        return Redactor::describe(value);
    }
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// The closest candidate to `value`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.eq_ignore_ascii_case(value) {
            return Some(c);
        }
        let d = strsim::levenshtein(&value.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if d <= (c.chars().count() / 3).max(2) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn list(values: &[Value], sensitive: bool) -> String {
    if sensitive {
        return format!("{} allowed values", values.len());
    }
    let shown: Vec<String> = values.iter().take(12).map(|v| show_value(v, false)).collect();
    let more = values.len().saturating_sub(12);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn describe_branch(schema: &Value) -> String {
    let mut parts = Vec::new();
    match schema.get("type") {
        Some(Value::String(t)) => parts.push(t.clone()),
        Some(Value::Array(ts)) => parts.push(ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or ")),
        _ => {}
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        parts.push(format!("matching `{p}`"));
    }
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        parts.push(format!("in {f} format"));
    }
    if let Some(m) = schema.get("minimum") {
        parts.push(format!("at least {m}"));
    }
    if let Some(r) = schema.get("required").and_then(Value::as_array) {
        let names: Vec<String> = r.iter().filter_map(Value::as_str).map(|s| format!("`{s}`")).collect();
        parts.push(format!("with {}", names.join(", ")));
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        parts.push(r.rsplit('/').next().unwrap_or(r).to_string());
    }
    if parts.is_empty() { "a schema".to_string() } else { parts.join(" ") }
}

/// Findings for every error of one validation, leaf first: a failed
/// `oneOf`/`anyOf` is reported by the errors of its best-fitting alternative
/// (see [`super::branch`]), and an `unevaluatedProperties` error beside it
/// leaves out the properties its alternatives declare (a cascade of the same failure).
pub fn all_findings<'v>(
    errors: impl Iterator<Item = ValidationError<'v>>,
    catalog: &Catalog,
    redactor: &Redactor,
) -> Vec<Finding> {
    let errors: Vec<ValidationError<'v>> = errors.collect();
    let mut cascades: Vec<(String, BTreeSet<String>)> = Vec::new();
    for e in errors.iter().filter(|e| super::branch::alternatives(e).is_some()) {
        cascades.push((e.instance_path().as_str().to_string(), super::branch::declared_properties(e, catalog)));
    }
    let mut out = Vec::new();
    for e in &errors {
        let mut skip = BTreeSet::new();
        if matches!(e.kind(), ValidationErrorKind::UnevaluatedProperties { .. }) {
            for (path, names) in &cascades {
                if path == e.instance_path().as_str() {
                    skip.extend(names.iter().cloned());
                }
            }
        }
        out.extend(findings_skipping(e, catalog, redactor, &skip));
    }
    out
}

/// Findings for one jsonschema error.
pub fn findings(error: &ValidationError<'_>, catalog: &Catalog, redactor: &Redactor) -> Vec<Finding> {
    findings_skipping(error, catalog, redactor, &BTreeSet::new())
}

fn findings_skipping(
    error: &ValidationError<'_>,
    catalog: &Catalog,
    redactor: &Redactor,
    skip: &BTreeSet<String>,
) -> Vec<Finding> {
    let instance_path = error.instance_path().as_str().to_string();
    // The numeric OpenAPI format is judged by a keyword the catalog adds beside
    // `format`: the location shown is the `format` the author wrote.
    let schema_uri = error.absolute_keyword_location().map(|u| {
        let u = u.as_str();
        match u.strip_suffix(OPENAPI_FORMAT) {
            Some(base) => format!("{base}format"),
            None => u.to_string(),
        }
    });
    let site = schema_uri.as_deref().and_then(|u| SchemaSite::parse(catalog, u));
    let sensitive = redactor.is_sensitive_pointer(&instance_path);
    let instance: &Value = error.instance();
    let name = field_name(&instance_path);
    let shown = show_value(instance, sensitive);
    let rule = site.as_ref().and_then(SchemaSite::rule_message);
    let description = site.as_ref().and_then(SchemaSite::description).map(str::to_string);
    let mut severity = Severity::Error;
    let mut help = description.clone();
    let mut code = error.kind().keyword().to_string();
    let finding = |severity, code: String, message: String, help: Option<String>, path: String| Finding {
        severity,
        code,
        message,
        help,
        instance_path: path,
        schema_uri: schema_uri.clone(),
    };

    let message = match error.kind() {
        ValidationErrorKind::MaxLength { limit } => {
            format!(
                "{name} is {} characters long; the limit is {limit}",
                instance.as_str().map_or(0, |s| s.chars().count())
            )
        }
        ValidationErrorKind::MinLength { limit } => {
            let len = instance.as_str().map_or(0, |s| s.chars().count());
            if len == 0 {
                format!("{name} is empty; it needs at least {limit} character(s)")
            } else {
                format!("{name} is {len} characters long; it needs at least {limit}")
            }
        }
        ValidationErrorKind::Enum { options } => {
            let options = options.as_array().cloned().unwrap_or_default();
            let suggestion = instance
                .as_str()
                .filter(|_| !sensitive)
                .and_then(|s| did_you_mean(s, options.iter().filter_map(Value::as_str)));
            help = match suggestion {
                Some(s) => Some(format!("did you mean \"{s}\"?")),
                None => description,
            };
            format!("{name} is {shown}, which is not one of the allowed values: {}", list(&options, sensitive))
        }
        ValidationErrorKind::Constant { expected_value } => {
            let expected = show_value(expected_value, sensitive);
            match rule {
                Some(r) => {
                    code = "const".into();
                    format!("{r}: {name} is {shown}, expected {expected}")
                }
                None => format!("{name} is {shown}; it must be {expected}"),
            }
        }
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or_default();
            let owner = if instance_path.is_empty() { String::new() } else { format!(" in {name}") };
            let dependent = site.as_ref().filter(|s| s.pointer.contains("/dependentRequired")).and_then(|s| {
                let (map_ptr, _) = s.pointer.split_once("/dependentRequired")?;
                let map = s.catalog.root.get_at(&s.doc, &format!("{map_ptr}/dependentRequired"))?.as_object()?;
                map.iter()
                    .find(|(k, deps)| {
                        instance.get(k.as_str()).is_some()
                            && deps.as_array().is_some_and(|d| d.iter().any(|x| x.as_str() == Some(prop)))
                    })
                    .map(|(k, _)| k.clone())
            });
            if let Some(trigger) = dependent {
                code = "dependentRequired".into();
                format!("`{prop}` is required{owner} because `{trigger}` is present")
            } else {
                match rule {
                    Some(r) => format!("{r}: `{prop}` is missing{owner}"),
                    None => format!("`{prop}` is required{owner} but missing"),
                }
            }
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
            if rule.is_none() && super::branch::best(error, catalog).is_some() =>
        {
            let choice = super::branch::best(error, catalog).unwrap_or(super::branch::Choice {
                index: 0,
                selected: false,
                by: None,
            });
            let context = super::branch::alternatives(error).unwrap_or_default();
            let forms = context.len();
            let why = match (&choice.by, choice.selected) {
                (Some((property, value)), _) => {
                    let path = format!("{instance_path}/{}", property.replace('~', "~0").replace('/', "~1"));
                    let shown = show_value(&Value::String(value.clone()), redactor.is_sensitive_pointer(&path));
                    format!("the form its discriminator `{property}` = {shown} selects")
                }
                (None, true) => "the form its tag selects".to_string(),
                (None, false) => "the closest form".to_string(),
            };
            let note = format!(
                "{name} matches none of the {forms} allowed forms ({code}); these are the errors of {why}, #{}",
                choice.index + 1
            );
            let mut out = Vec::new();
            for e in &context[choice.index] {
                for mut f in findings(e, catalog, redactor) {
                    f.help = Some(match f.help {
                        Some(h) => format!("{h} ({note})"),
                        None => note.clone(),
                    });
                    out.push(f);
                }
            }
            return out;
        }
        ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let owner = if instance_path.is_empty() { String::new() } else { format!(" in {name}") };
            return unexpected
                .iter()
                .filter(|key| !skip.contains(*key))
                .map(|key| {
                    let path = format!("{instance_path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    finding(
                        Severity::Error,
                        "unevaluatedProperties".into(),
                        format!("unknown field `{key}`{owner}"),
                        Some("no schema that applies here declares this field".into()),
                        path,
                    )
                })
                .collect();
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let declared: Vec<String> = site
                .as_ref()
                .and_then(SchemaSite::parent)
                .and_then(|p| p.get("properties"))
                .and_then(Value::as_object)
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            return unexpected
                .iter()
                .map(|key| {
                    let path = format!("{instance_path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    let owner = if instance_path.is_empty() { String::new() } else { format!(" in {name}") };
                    let help = match did_you_mean(key, declared.iter().map(String::as_str)) {
                        Some(s) => Some(format!("did you mean `{s}`?")),
                        None if !declared.is_empty() => Some(format!(
                            "known fields: {}",
                            declared.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                        )),
                        None => None,
                    };
                    finding(
                        Severity::Error,
                        "additionalProperties".into(),
                        format!("unknown field `{key}`{owner}"),
                        help,
                        path,
                    )
                })
                .collect();
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match site.as_ref().and_then(SchemaSite::keyword_value) {
                Some(Value::String(t)) => t.clone(),
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
                _ => match kind {
                    TypeKind::Single(t) => format!("{t:?}").to_lowercase(),
                    TypeKind::Multiple(_) => "another type".to_string(),
                },
            };
            format!("{name} is {}; expected {expected}", json_kind(instance))
        }
        ValidationErrorKind::Format { format } => format!("{name} is {shown}, which is not a valid {format}"),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{name} is {shown}, which does not match the pattern `{pattern}`")
        }
        ValidationErrorKind::Minimum { limit } => format!("{name} is {shown}; the minimum is {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("{name} is {shown}; the maximum is {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("{name} is {shown}; it must be greater than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("{name} is {shown}; it must be less than {limit}"),
        ValidationErrorKind::MaxItems { limit } => {
            format!("{name} has {} items; the limit is {limit}", instance.as_array().map_or(0, Vec::len))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("{name} has {} items; it needs at least {limit}", instance.as_array().map_or(0, Vec::len))
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("{name} has {} fields; the limit is {limit}", instance.as_object().map_or(0, |o| o.len()))
        }
        ValidationErrorKind::MinProperties { limit } => {
            format!("{name} has {} fields; it needs at least {limit}", instance.as_object().map_or(0, |o| o.len()))
        }
        ValidationErrorKind::UniqueItems => format!("{name} has duplicate items"),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => match rule {
            Some(r) => r.to_string(),
            None => {
                let forms: Vec<String> = site
                    .as_ref()
                    .and_then(SchemaSite::keyword_value)
                    .and_then(Value::as_array)
                    .map(|bs| bs.iter().map(describe_branch).collect())
                    .unwrap_or_default();
                format!("{name} is {shown}, which matches none of the allowed forms: {}", forms.join("; "))
            }
        },
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            format!("{name} matches more than one of the allowed forms; exactly one must match")
        }
        ValidationErrorKind::Not { .. } => match rule {
            Some(r) => r.to_string(),
            None => format!("{name} matches a schema it must not match"),
        },
        ValidationErrorKind::Custom { keyword, message } if keyword == MAX_SERIALIZED_LENGTH => {
            let limit = site.as_ref().and_then(SchemaSite::keyword_value).and_then(Value::as_u64).unwrap_or(0);
            let _ = message;
            format!("{name} serializes to {} characters; the limit is {limit}", serialized_length(instance))
        }
        ValidationErrorKind::Custom { keyword, message } if keyword == DISCRIMINATOR => {
            let Ok(unknown) = serde_json::from_str::<super::keywords::discriminator::Unknown>(message) else {
                return Vec::new();
            };
            let path = format!("{instance_path}/{}", unknown.property.replace('~', "~0").replace('/', "~1"));
            let sensitive = redactor.is_sensitive_pointer(&path);
            let shown = show_value(&Value::String(unknown.value.clone()), sensitive);
            let owner = if instance_path.is_empty() { String::new() } else { format!(" in {name}") };
            let listed: Vec<String> = unknown.allowed.iter().map(|v| format!("\"{v}\"")).collect();
            let help =
                match did_you_mean(&unknown.value, unknown.allowed.iter().map(String::as_str)).filter(|_| !sensitive) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("the discriminator `{}` chooses the schema by this value", unknown.property),
                };
            let message = format!(
                "`{}`{owner} is {shown}, which names no schema of its discriminator; it names one of: {}",
                unknown.property,
                listed.join(", ")
            );
            return vec![finding(Severity::Error, "discriminator".into(), message, Some(help), path)];
        }
        ValidationErrorKind::Custom { keyword, .. } if keyword == OPENAPI_FORMAT => {
            // Reported as the `format` keyword the schema's author wrote.
            code = "format".to_string();
            let format = site.as_ref().and_then(SchemaSite::keyword_value).and_then(Value::as_str).unwrap_or("");
            format!("{name} is {shown}, which is not {format} ({})", super::keywords::openapi_format::describe(format))
        }
        ValidationErrorKind::Custom { keyword, .. } if keyword == KNOWN_VALUES => {
            severity = Severity::Warning;
            let known = site
                .as_ref()
                .and_then(SchemaSite::keyword_value)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let suggestion = instance
                .as_str()
                .filter(|_| !sensitive)
                .and_then(|s| did_you_mean(s, known.iter().filter_map(Value::as_str)));
            help = Some(match suggestion {
                Some(s) => format!("did you mean \"{s}\"? The list is open, so other values are allowed"),
                None => "the provider documents this list as open, so other values are allowed".to_string(),
            });
            format!("{name} is {shown}, which is not a known value ({})", list(&known, sensitive))
        }
        ValidationErrorKind::Custom { keyword, message } if keyword == RULES => {
            let failed: Vec<Failure> = serde_json::from_str(message).unwrap_or_default();
            // The sensitive values of the instance, found once for all its failures.
            let mut secrets = Vec::new();
            sensitive_leaves(instance, redactor.is_sensitive_pointer(&instance_path), redactor, &mut secrets);
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
            let redact = |m: &str| {
                secrets
                    .iter()
                    .filter(|s| !s.is_empty())
                    .fold(m.to_string(), |acc, s| acc.replace(s.as_str(), "<redacted>"))
            };
            return failed
                .into_iter()
                .map(|f| {
                    // The failure points at its `fieldPath` when the value has it, else at the value.
                    let below: String =
                        f.field.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
                    let path = if instance.pointer(&below).is_some() {
                        format!("{instance_path}{below}")
                    } else {
                        instance_path.clone()
                    };
                    let text = redact(&f.message);
                    let verb = if f.error { "could not be checked" } else { "is broken" };
                    Finding {
                        severity: Severity::Error,
                        code: "rule".into(),
                        message: format!("rule `{}` {verb}: {text}", f.id),
                        help: None,
                        instance_path: path,
                        schema_uri: schema_uri.as_ref().map(|u| format!("{u}/{}", f.index)),
                    }
                })
                .collect();
        }
        ValidationErrorKind::Custom { message, .. } => format!("{name} {message}"),
        ValidationErrorKind::FalseSchema => format!("{name} is not allowed here"),
        _ if sensitive => format!("{name} violates `{code}`"),
        _ => format!("{name}: {error}"),
    };
    vec![finding(severity, code, message, help, instance_path)]
}

/// `message` with every sensitive value of `instance` (at `base` in the
/// payload) masked: a rule's message may quote what it read.
pub fn redact_values(message: &str, instance: &Value, base: &str, redactor: &Redactor) -> String {
    let mut secrets = Vec::new();
    sensitive_leaves(instance, redactor.is_sensitive_pointer(base), redactor, &mut secrets);
    // Longest first, so a secret that contains another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = message.to_string();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(s.as_str(), "<redacted>");
    }
    out
}

/// The text of every leaf below a sensitive field (one pass, no pointers built).
fn sensitive_leaves(v: &Value, sensitive: bool, redactor: &Redactor, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                sensitive_leaves(x, sensitive || redactor.is_sensitive_field(k), redactor, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| sensitive_leaves(x, sensitive, redactor, out)),
        Value::String(s) if sensitive => out.push(s.clone()),
        Value::Number(n) if sensitive => out.push(n.to_string()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_suggestions() {
        assert_eq!(field_name(""), "the body");
        assert_eq!(field_name("/result/commodity_list/0/quantity"), "`result.commodity_list[0].quantity`");
        assert_eq!(did_you_mean("CANCELED", ["CANCELLED", "REJECTED"]), Some("CANCELLED"));
        assert_eq!(did_you_mean("Delivered", ["pending", "delivered"]), Some("delivered"));
        assert_eq!(did_you_mean("ZZZZZZ", ["CANCELLED", "REJECTED"]), None);
        assert_eq!(show_value(&serde_json::json!("secret"), true), "<redacted 6-character string>");
    }
}
