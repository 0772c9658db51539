//! Every rule id `accord diff` reports, with its level and what it means.
//! The level belongs to the id: the direction is part of the id
//! (`request-…`, `response-…`), so a request that accepts less and a
//! response that can return more are the breaking halves.

use crate::change::Level;
use std::sync::OnceLock;

/// One rule: a stable id, its level, and a one-line description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `request-property-max-length-decreased`.
    pub id: String,
    /// How much it matters.
    pub level: Level,
    /// What it means.
    pub summary: String,
}

use Level::{Breaking as B, Info as I, Warning as W};

/// Schema changes, judged by direction: (kind, level in requests, level in responses, meaning).
const SCHEMA_KINDS: &[(&str, Level, Level, &str)] = &[
    ("type-changed", B, B, "the type changed to one that neither includes nor is included in the old"),
    ("type-widened", I, B, "the type now admits more (e.g. integer to number)"),
    ("type-narrowed", B, I, "the type now admits less"),
    ("became-nullable", I, B, "null is now allowed"),
    ("became-not-nullable", B, I, "null is no longer allowed"),
    ("became-enum", B, I, "values are now restricted to an enum"),
    ("enum-value-removed", B, I, "an enum value was removed"),
    ("enum-value-added", I, W, "an enum value was added"),
    ("max-length-decreased", B, I, "maxLength was lowered"),
    ("max-length-increased", I, B, "maxLength was raised"),
    ("max-length-set", B, I, "a maxLength was added"),
    ("max-length-unset", I, B, "the maxLength was removed"),
    ("min-length-increased", B, I, "minLength was raised"),
    ("min-length-decreased", I, B, "minLength was lowered"),
    ("max-decreased", B, I, "the maximum was lowered (or made exclusive)"),
    ("max-increased", I, B, "the maximum was raised or removed"),
    ("max-set", B, I, "a maximum was added"),
    ("min-increased", B, I, "the minimum was raised (or made exclusive)"),
    ("min-decreased", I, B, "the minimum was lowered or removed"),
    ("min-set", B, I, "a minimum was added"),
    ("max-items-decreased", B, I, "maxItems was lowered or added"),
    ("max-items-increased", I, B, "maxItems was raised or removed"),
    ("min-items-increased", B, I, "minItems was raised or added"),
    ("min-items-decreased", I, B, "minItems was lowered or removed"),
    ("pattern-added", B, I, "a pattern was added"),
    ("pattern-changed", W, W, "the pattern changed"),
    ("pattern-removed", I, W, "the pattern was removed"),
    ("format-added", B, I, "a format was added"),
    ("format-changed", W, W, "the format changed"),
    ("format-removed", I, W, "the format was removed"),
    ("additional-properties-closed", B, I, "unknown properties are no longer allowed"),
    ("additional-properties-opened", I, W, "unknown properties are now allowed"),
    ("all-of-added", B, I, "an allOf member was added (more to satisfy)"),
    ("all-of-removed", W, W, "an allOf member was removed"),
    ("one-of-added", I, B, "a oneOf alternative was added"),
    ("one-of-removed", B, I, "a oneOf alternative was removed"),
    ("any-of-added", I, B, "an anyOf alternative was added"),
    ("any-of-removed", B, I, "an anyOf alternative was removed"),
    ("default-value-changed", B, I, "the default changed (a client that omits the value gets another)"),
    ("deprecated", I, I, "marked deprecated"),
    ("max-serialized-length-decreased", B, I, "x-accord-maxSerializedLength was lowered or added"),
    ("max-serialized-length-increased", I, B, "x-accord-maxSerializedLength was raised or removed"),
    ("known-value-removed", W, I, "a value of an open list (x-accord-knownValues) was removed"),
    ("known-value-added", I, I, "a value of an open list (x-accord-knownValues) was added"),
    ("sensitive-removed", B, B, "x-accord-sensitive was removed: the value will be shown in diagnostics"),
    ("sensitive-added", I, I, "x-accord-sensitive was added: the value is no longer shown in diagnostics"),
    ("changed-compatibility-unknown", W, W, "changed in a way Accord cannot judge (the keywords are named)"),
];

/// Schema places: the id prefix and whether it is on the request side.
const SCHEMA_PLACES: &[(&str, bool)] = &[
    ("request-body", true),
    ("request-property", true),
    ("request-parameter", true),
    ("response-body", false),
    ("response-property", false),
    ("response-header", false),
];

/// Rules about operations, parameters, bodies, responses, security and servers.
const OTHER: &[(&str, Level, &str)] = &[
    ("endpoint-added", I, "an operation was added"),
    ("api-path-removed-without-deprecation", B, "a path was removed without being deprecated first"),
    ("api-path-removed-with-deprecation", I, "a deprecated path was removed"),
    ("api-removed-without-deprecation", B, "an operation was removed without being deprecated first"),
    ("api-removed-with-deprecation", I, "a deprecated operation was removed"),
    ("endpoint-deprecated", I, "an operation was deprecated"),
    ("endpoint-reactivated", I, "an operation is no longer deprecated"),
    ("api-operation-id-updated", W, "the operationId changed (generated clients rename the method)"),
    ("new-required-request-parameter", B, "a required parameter was added"),
    ("new-optional-request-parameter", I, "an optional parameter was added"),
    ("request-parameter-removed", W, "a parameter was removed (servers may reject it)"),
    ("request-parameter-became-required", B, "a parameter became required"),
    ("request-parameter-became-optional", I, "a parameter became optional"),
    ("request-parameter-style-changed", B, "a parameter's style or explode changed: clients serialize it differently"),
    ("new-required-request-body", B, "a required request body was added"),
    ("new-optional-request-body", I, "an optional request body was added"),
    ("request-body-removed", W, "the request body was removed"),
    ("request-body-became-required", B, "the request body became required"),
    ("request-body-became-optional", I, "the request body became optional"),
    ("request-body-media-type-added", I, "a request media type was added"),
    ("request-body-media-type-removed", B, "a request media type was removed"),
    ("response-success-status-removed", B, "a success status was removed"),
    ("response-non-success-status-removed", W, "an error status was removed"),
    (
        "response-success-status-added",
        I,
        "a success status was added that the old version covered by a range or default",
    ),
    (
        "response-non-success-status-added",
        I,
        "an error status was added that the old version covered by a range or default",
    ),
    ("response-status-added-without-default", B, "a status was added that the old version did not document at all"),
    ("response-media-type-added", I, "a response media type was added"),
    ("response-media-type-removed", B, "a response media type was removed"),
    ("new-required-request-property", B, "a required request property was added"),
    ("new-optional-request-property", I, "an optional request property was added"),
    ("request-property-removed", W, "a request property was removed"),
    ("request-property-became-required", B, "a request property became required"),
    ("request-property-became-optional", I, "a request property became optional"),
    ("response-required-property-added", I, "a required response property was added"),
    ("response-optional-property-added", I, "an optional response property was added"),
    ("response-required-property-removed", B, "a required response property was removed"),
    ("response-optional-property-removed", W, "an optional response property was removed"),
    ("response-property-became-optional", B, "a response property became optional"),
    ("response-property-became-required", I, "a response property became required"),
    ("api-security-now-required", B, "an operation that needed no credentials now needs them"),
    ("api-security-no-longer-required", I, "an operation no longer needs credentials"),
    ("api-security-added", I, "a security requirement was added as a new alternative"),
    ("api-security-removed", W, "a security requirement (an alternative) was removed"),
    ("required-response-header-removed", B, "a response header that was always sent was removed"),
    ("optional-response-header-removed", W, "an optional response header was removed"),
    ("response-header-became-optional", B, "a response header that was always sent may now be absent"),
    ("response-header-became-required", I, "a response header is now always sent"),
    ("response-header-added", I, "a response header was added"),
    ("api-security-scope-added", B, "a scope was added to a requirement: tokens without it are refused"),
    ("api-security-scope-removed", I, "a scope was removed from a requirement"),
    ("api-server-added", I, "a server was added"),
    ("api-server-removed", W, "a server was removed"),
];

/// Every rule, in a stable order.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut out: Vec<Rule> = OTHER
            .iter()
            .map(|(id, level, summary)| Rule { id: id.to_string(), level: *level, summary: summary.to_string() })
            .collect();
        for (prefix, request) in SCHEMA_PLACES {
            for (kind, req, resp, summary) in SCHEMA_KINDS {
                out.push(Rule {
                    id: format!("{prefix}-{kind}"),
                    level: if *request { *req } else { *resp },
                    summary: summary.to_string(),
                });
            }
        }
        out
    })
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = rules().iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(rule("request-property-max-length-decreased").unwrap().level, Level::Breaking);
        assert_eq!(rule("response-property-max-length-decreased").unwrap().level, Level::Info);
    }
}
