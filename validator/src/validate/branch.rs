//! Leaf-first diagnostics for `oneOf`/`anyOf`: when no alternative matches,
//! report the errors of the alternative that fits best, not only "matches
//! none of the allowed forms".
//!
//! The best alternative is, in order: the one an OpenAPI `discriminator`
//! selects; the only one whose tag (`const` or `enum` on a property the value
//! has) agrees with the value; otherwise the one whose errors are fewest and
//! deepest. When even the best alternative fails on the value's own type, the
//! parent error is kept instead: its list of forms says more.

use crate::contract::{Catalog, Location};
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::collections::BTreeSet;

/// The alternatives of a failed `oneOf`/`anyOf`, if `error` is one.
pub fn alternatives<'e>(error: &'e ValidationError<'_>) -> Option<&'e [Vec<ValidationError<'static>>]> {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => Some(context),
        _ => None,
    }
}

/// A chosen alternative: its index and whether a tag or discriminator chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Index of the alternative.
    pub index: usize,
    /// Whether a discriminator or a tag selected it (rather than a closeness score).
    pub selected: bool,
    /// The discriminator's property and the value that selected it, when one did.
    pub by: Option<(String, String)>,
}

/// The alternative that fits `error`'s instance best, or `None` when the
/// parent error says more (every alternative fails on the value's type).
pub fn best(error: &ValidationError<'_>, catalog: &Catalog) -> Option<Choice> {
    let context = alternatives(error)?;
    if context.is_empty() {
        return None;
    }
    let base = error.instance_path().as_str();
    let depth = |e: &ValidationError<'_>| e.instance_path().as_str().matches('/').count();
    let base_depth = base.matches('/').count();
    if let Some((index, by)) = discriminated(error, catalog).filter(|(i, _)| *i < context.len()) {
        return Some(Choice { index, selected: true, by: Some(by) });
    }
    // A tag: `const`/`enum` failing on a direct property of the value.
    let tag_failed = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().any(|e| {
            matches!(e.kind(), ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. })
                && depth(e) == base_depth + 1
        })
    };
    let untagged: Vec<usize> = (0..context.len()).filter(|&i| !tag_failed(&context[i])).collect();
    if untagged.len() == 1 && context.len() > 1 {
        return Some(Choice { index: untagged[0], selected: true, by: None });
    }
    // Closest: not failing on the value's own type, fewest errors, deepest.
    let type_at_root = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().any(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }) && depth(e) == base_depth)
    };
    let index =
        (0..context.len()).filter(|&i| !type_at_root(&context[i]) && !tag_failed(&context[i])).min_by_key(|&i| {
            let errors = &context[i];
            (errors.len(), std::cmp::Reverse(errors.iter().map(depth).max().unwrap_or(0)))
        })?;
    Some(Choice { index, selected: false, by: None })
}

/// The branch an OpenAPI `discriminator` beside the `oneOf`/`anyOf` selects.
fn discriminated(error: &ValidationError<'_>, catalog: &Catalog) -> Option<(usize, (String, String))> {
    let at = keyword_location(error, catalog)?;
    let (parent, _) = at.pointer.rsplit_once('/')?;
    let owner = catalog.root.get_at(&at.file, parent)?;
    let discriminator = owner.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?;
    let tag = error.instance().get(property)?.as_str()?;
    let target = discriminator
        .get("mapping")
        .and_then(|m| m.get(tag))
        .and_then(Value::as_str)
        .map_or_else(|| format!("/{tag}"), str::to_string);
    let branches = catalog.root.get_at(&at.file, &at.pointer)?.as_array()?;
    let index = branches.iter().position(|b| {
        b.get("$ref").and_then(Value::as_str).is_some_and(|r| {
            r == target
                || r.ends_with(&format!("/{tag}"))
                || r.rsplit('/').next().and_then(|f| f.split('.').next()) == Some(tag)
        })
    })?;
    Some((index, (property.to_string(), tag.to_string())))
}

fn keyword_location(error: &ValidationError<'_>, catalog: &Catalog) -> Option<Location> {
    let uri = error.absolute_keyword_location()?;
    catalog.root.locate_uri(uri.as_str())
}

/// Property names the alternatives of a failed `oneOf`/`anyOf` declare (after
/// one `$ref`, and through `allOf`): an `unevaluatedProperties` error beside
/// it about these names is a cascade of the same failure, not news.
pub fn declared_properties(error: &ValidationError<'_>, catalog: &Catalog) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Some(at) = keyword_location(error, catalog) else { return names };
    let count = catalog.root.get(&at).and_then(Value::as_array).map_or(0, Vec::len);
    let mut stack: Vec<(Location, usize)> = (0..count).map(|i| (at.join(&i.to_string()), 0)).collect();
    while let Some((loc, hops)) = stack.pop() {
        let Some(schema) = catalog.root.get(&loc) else { continue };
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            names.extend(props.keys().cloned());
        }
        if hops > 8 {
            continue;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str)
            && let Ok((target, _)) = catalog.root.follow(&loc, r)
        {
            stack.push((target, hops + 1));
        }
        for (i, _) in schema.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
            stack.push((loc.join("allOf").join(&i.to_string()), hops + 1));
        }
    }
    names
}
