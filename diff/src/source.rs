//! The `source` level, computed: both versions are generated with
//! `accord-codegen` (as a consumer's `build.rs` would), their public APIs are
//! read back and compared (`accord_codegen::api`), and every difference is
//! mapped to the contract change that caused it, by place: a type's schema,
//! a field's property, an operation's status or body. A change the generated
//! code breaks on is `source` (unless it already breaks the wire); one it
//! does not is `none`. A difference no contract change explains (a `$defs`
//! entry renamed, say) becomes a `generated-api-changed` finding of its own,
//! placed at the schemas it comes from.

use crate::change::{GeneratedChange, Level, Severity};
use crate::{Change, Contract, registry};
use accord_catalog::Location;
use accord_codegen::api::{Api, ApiChange, Origin, compare};

/// What the computation compared.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SourceSummary {
    /// Public items generated for the old version.
    pub old_items: usize,
    /// Public items generated for the new version.
    pub new_items: usize,
    /// Differences between the two public APIs.
    pub differences: usize,
    /// Of them, the ones code built on the old generation can break on.
    pub breaking: usize,
    /// Breaking differences no contract change explained (reported as `generated-api-changed`).
    pub unexplained: usize,
}

/// Why the source level could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// `accord-codegen` cannot generate one version.
    #[error("accord-codegen cannot generate the {version} version: {error}")]
    Generate {
        /// `old` or `new`.
        version: &'static str,
        /// The generator's error (file and JSON pointer).
        error: Box<accord_codegen::Error>,
    },
}

/// The public API of the code generated for `contract`.
fn api(contract: &Contract, version: &'static str) -> Result<Api, SourceError> {
    accord_codegen::Generator::new()
        .api_of_root(&contract.root)
        .map_err(|error| SourceError::Generate { version, error: Box::new(error) })
}

/// Keywords whose value is not a schema: a change placed at one (or at an
/// entry of one) is about the schema that holds it.
const LEAF_KEYWORDS: &[&str] = &[
    "required",
    "enum",
    "type",
    "const",
    "format",
    "pattern",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "default",
    "nullable",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
    "dependentRequired",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];

/// The pointer of the schema a change at `pointer` is about: `/$defs/A/required/1` → `/$defs/A`.
pub fn schema_pointer(pointer: &str) -> &str {
    let mut p = pointer;
    loop {
        let Some((parent, last)) = p.rsplit_once('/') else { return p };
        let index_of_leaf =
            last.parse::<usize>().is_ok() && parent.rsplit_once('/').is_some_and(|(_, k)| LEAF_KEYWORDS.contains(&k));
        if LEAF_KEYWORDS.contains(&last) || last.starts_with("x-accord-") || index_of_leaf {
            p = parent;
        } else {
            return p;
        }
    }
}

/// Whether `long` is `short` or lies under it.
pub fn under(long: &str, short: &str) -> bool {
    long == short || long.strip_prefix(short).is_some_and(|rest| rest.starts_with('/'))
}

/// How closely a change's place matches an origin: the length of the shorter
/// pointer when one lies under the other in the same file (a change placed at
/// a keyword such as `required` counts as placed at its schema).
fn closeness(at: Option<&Location>, origin: Option<&Origin>) -> Option<usize> {
    let (at, Some(Origin::Schema { file, pointer })) = (at?, origin) else { return None };
    if at.file != *file {
        return None;
    }
    let place = schema_pointer(&at.pointer);
    (under(place, pointer) || under(pointer, place)).then(|| place.len().min(pointer.len()))
}

/// Whether `rule` is about the part of an operation `topic` names.
fn about(rule: &str, topic: &str) -> bool {
    match topic {
        "status" => rule.contains("status"),
        "request" => rule.contains("request-body"),
        "response" => rule.contains("response-media-type") || rule.contains("status"),
        _ => ["api-", "endpoint-", "webhook-", "exchange-rule-", "idempotency-", "unique-"]
            .iter()
            .any(|p| rule.starts_with(p)),
    }
}

/// The changes `difference` is explained by.
fn explained_by(difference: &ApiChange, changes: &[Change]) -> Vec<usize> {
    if let Some(Origin::Operation { label: Some(label), .. }) = difference.old.as_ref().or(difference.new.as_ref()) {
        let topic = difference.topic.unwrap_or("operation");
        return (0..changes.len())
            .filter(|&i| changes[i].operation.as_deref() == Some(label) && about(changes[i].rule, topic))
            .collect();
    }
    let scores: Vec<Option<usize>> = changes
        .iter()
        .map(|c| {
            let old = closeness(c.at.0.as_ref(), difference.old.as_ref());
            let new = closeness(c.at.1.as_ref(), difference.new.as_ref());
            old.max(new)
        })
        .collect();
    let Some(best) = scores.iter().flatten().max().copied() else { return Vec::new() };
    (0..changes.len()).filter(|&i| scores[i] == Some(best)).collect()
}

fn location(origin: Option<&Origin>) -> Option<Location> {
    match origin? {
        Origin::Schema { file, pointer } => Some(Location { file: file.clone(), pointer: pointer.clone() }),
        Origin::Operation { .. } => None,
    }
}

/// Generates both versions, compares their public APIs, and sets each
/// change's level and generated differences; adds `generated-api-changed`
/// findings, placed, for the differences no change explains. On error the changes keep their rules' levels.
pub fn apply(old: &Contract, new: &Contract, changes: &mut Vec<Change>) -> Result<SourceSummary, SourceError> {
    let (before, after) = (api(old, "old")?, api(new, "new")?);
    let differences = compare(&before, &after);
    let mut summary = SourceSummary {
        old_items: before.items.len(),
        new_items: after.items.len(),
        differences: differences.len(),
        breaking: differences.iter().filter(|d| d.breaking).count(),
        unexplained: 0,
    };
    let mut extra = Vec::new();
    for d in differences.iter().filter(|d| d.breaking) {
        let owners = explained_by(d, changes);
        let generated = GeneratedChange { item: d.item.clone(), change: d.description.clone(), breaking: d.breaking };
        if owners.is_empty() {
            summary.unexplained += 1;
            let rule = registry::rule("generated-api-changed").expect("a registered rule");
            let operation = match d.old.as_ref().or(d.new.as_ref()) {
                Some(Origin::Operation { label, .. }) => label.clone(),
                _ => None,
            };
            extra.push(Change {
                rule: rule.id.as_str(),
                severity: rule.severity,
                level: rule.level,
                experimental: false,
                message: d.description.clone(),
                operation,
                old: None,
                new: None,
                generated: vec![generated],
                usage: None,
                at: (location(d.old.as_ref()), location(d.new.as_ref())),
            });
            continue;
        }
        for i in owners {
            if !changes[i].generated.contains(&generated) {
                changes[i].generated.push(generated.clone());
            }
        }
    }
    for c in changes.iter_mut() {
        c.level = match c.severity {
            Severity::Breaking => Level::Wire,
            _ if c.generated.iter().any(|g| g.breaking) => Level::Source,
            _ => Level::None,
        };
    }
    crate::place::place_all(old, new, &mut extra);
    crate::stability::exempt(old, &mut extra);
    changes.extend(extra);
    Ok(summary)
}
