//! Every rule id `accord diff` reports, with its severity, its level and
//! what it means. Both belong to the id: the direction is part of the id
//! (`request-…`, `response-…`), so a request that accepts less and a
//! response that can return more are the breaking halves.
//!
//! The level is where the change breaks: `wire` for every breaking
//! severity; `source` for the rest when the code `accord-codegen` generates
//! changes incompatibly (the mutation tests generate both versions of the
//! built-in catalog and assert it, rule by rule); `none` otherwise. A
//! finding's own level is computed from the generated code of the two
//! versions compared (see `crate::source`); the rule's is what that
//! computation gives on the built-in catalog.

use crate::change::{Level, Severity};
use std::sync::OnceLock;

/// One rule: a stable id, its level, and a one-line description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `request-property-max-length-decreased`.
    pub id: String,
    /// How much it matters on the wire.
    pub severity: Severity,
    /// The level at which it breaks.
    pub level: Level,
    /// What it means.
    pub summary: String,
    /// A change that causes it.
    pub example: String,
}

use Severity::{Breaking as B, Info as I, Warning as W};

/// Schema changes, judged by direction: (kind, level in requests, level in responses, meaning, example).
const SCHEMA_KINDS: &[(&str, Severity, Severity, &str, &str)] = &[
    (
        "type-changed",
        B,
        B,
        "the type changed to one that neither includes nor is included in the old",
        "`type: string` → `boolean`",
    ),
    ("type-widened", I, B, "the type now admits more (e.g. integer to number)", "`type: integer` → `number`"),
    ("type-narrowed", B, I, "the type now admits less", "`type: number` → `integer`"),
    ("became-nullable", I, B, "null is now allowed", "`type: string` → `[string, \"null\"]`"),
    ("became-not-nullable", B, I, "null is no longer allowed", "`type: [string, \"null\"]` → `string`"),
    ("became-enum", B, I, "values are now restricted to an enum", "no enum → `enum: [a, b]`"),
    ("enum-removed", I, B, "values are no longer restricted to an enum", "`enum: [a, b]` → no enum"),
    ("enum-value-removed", B, I, "an enum value was removed", "`enum: [a, b]` → `[a]`"),
    ("enum-value-added", I, W, "an enum value was added", "`enum: [a]` → `[a, b]`"),
    ("max-length-decreased", B, I, "maxLength was lowered", "`maxLength: 64` → `8`"),
    ("max-length-increased", I, B, "maxLength was raised", "`maxLength: 8` → `64`"),
    ("max-length-set", B, I, "a maxLength was added", "no maxLength → `maxLength: 8`"),
    ("max-length-unset", I, B, "the maxLength was removed", "`maxLength: 8` → none"),
    ("min-length-increased", B, I, "minLength was raised", "`minLength: 1` → `4`"),
    ("min-length-decreased", I, B, "minLength was lowered", "`minLength: 4` → `1`"),
    ("max-decreased", B, I, "the maximum was lowered (or made exclusive)", "`maximum: 10` → `5`"),
    ("max-increased", I, B, "the maximum was raised or removed", "`maximum: 5` → `10`, or removed"),
    ("max-set", B, I, "a maximum was added", "no maximum → `maximum: 5`"),
    ("min-increased", B, I, "the minimum was raised (or made exclusive)", "`minimum: 1` → `5`"),
    ("min-decreased", I, B, "the minimum was lowered or removed", "`minimum: 5` → `1`, or removed"),
    ("min-set", B, I, "a minimum was added", "no minimum → `minimum: 1`"),
    ("max-items-decreased", B, I, "maxItems was lowered or added", "`maxItems: 10` → `5`"),
    ("max-items-increased", I, B, "maxItems was raised or removed", "`maxItems: 5` → `10`"),
    ("min-items-increased", B, I, "minItems was raised or added", "`minItems: 1` → `3`"),
    ("min-items-decreased", I, B, "minItems was lowered or removed", "`minItems: 3` → `1`"),
    ("pattern-added", B, I, "a pattern was added", "no pattern → `^[a-z]+$`"),
    ("pattern-changed", W, W, "the pattern changed", "`^[a-z]+$` → `^[A-Z]+$`"),
    ("pattern-removed", I, W, "the pattern was removed", "`^[a-z]+$` → none (or `.*`)"),
    ("format-added", B, I, "a format was added", "no format → `format: uuid`"),
    ("format-changed", W, W, "the format changed", "`format: date` → `uuid`"),
    ("format-removed", I, W, "the format was removed", "`format: uuid` → none"),
    (
        "additional-properties-closed",
        B,
        I,
        "unknown properties are no longer allowed",
        "→ `additionalProperties: false`",
    ),
    (
        "additional-properties-opened",
        I,
        W,
        "unknown properties are now allowed",
        "`additionalProperties: false` → none",
    ),
    ("all-of-added", B, I, "an allOf member was added (more to satisfy)", "an `allOf` member added"),
    ("all-of-removed", W, W, "an allOf member was removed", "an `allOf` member removed"),
    ("one-of-added", I, B, "a oneOf alternative was added", "a `oneOf` alternative added"),
    ("one-of-removed", B, I, "a oneOf alternative was removed", "a `oneOf` alternative removed"),
    ("any-of-added", I, B, "an anyOf alternative was added", "an `anyOf` alternative added"),
    ("any-of-removed", B, I, "an anyOf alternative was removed", "an `anyOf` alternative removed"),
    (
        "default-value-changed",
        B,
        I,
        "the default changed (a client that omits the value gets another)",
        "`default: a` → `b`",
    ),
    ("deprecated", I, I, "marked deprecated", "→ `deprecated: true`"),
    (
        "max-serialized-length-decreased",
        B,
        I,
        "x-accord-maxSerializedLength was lowered or added",
        "`x-accord-maxSerializedLength: 100` → `50`",
    ),
    (
        "max-serialized-length-increased",
        I,
        B,
        "x-accord-maxSerializedLength was raised or removed",
        "`x-accord-maxSerializedLength: 50` → `100`",
    ),
    (
        "known-value-removed",
        W,
        I,
        "a value of an open list (x-accord-knownValues) was removed",
        "`x-accord-knownValues: [a, b]` → `[a]`",
    ),
    (
        "known-value-added",
        I,
        I,
        "a value of an open list (x-accord-knownValues) was added",
        "`x-accord-knownValues: [a]` → `[a, b]`",
    ),
    (
        "sensitive-removed",
        B,
        B,
        "x-accord-sensitive was removed: the value will be shown in diagnostics",
        "`x-accord-sensitive: secret` → none",
    ),
    (
        "sensitive-added",
        I,
        I,
        "x-accord-sensitive was added: the value is no longer shown in diagnostics",
        "none → `x-accord-sensitive: secret`",
    ),
    (
        "contains-added",
        B,
        I,
        "a `contains` was added: arrays must now hold a matching item",
        "no contains → `contains: {const: x}`",
    ),
    ("contains-removed", I, B, "the `contains` was removed", "`contains: {const: x}` → none"),
    (
        "dependent-required-added",
        B,
        I,
        "a property now requires another (dependentRequired)",
        "→ `dependentRequired: {a: [b]}`",
    ),
    (
        "dependent-required-removed",
        I,
        B,
        "a dependentRequired rule was dropped",
        "`dependentRequired: {a: [b]}` → none",
    ),
    ("dependent-required-changed", W, W, "a dependentRequired rule names other properties", "`{a: [b]}` → `{a: [c]}`"),
    ("exclusive-max-decreased", B, I, "the exclusive maximum was lowered", "`exclusiveMaximum: 10` → `5`"),
    ("exclusive-max-increased", I, B, "the exclusive maximum was raised or removed", "`exclusiveMaximum: 5` → `10`"),
    ("exclusive-max-set", B, I, "an exclusive maximum was added", "no bound → `exclusiveMaximum: 5`"),
    ("exclusive-min-increased", B, I, "the exclusive minimum was raised", "`exclusiveMinimum: 1` → `5`"),
    ("exclusive-min-decreased", I, B, "the exclusive minimum was lowered or removed", "`exclusiveMinimum: 5` → `1`"),
    ("exclusive-min-set", B, I, "an exclusive minimum was added", "no bound → `exclusiveMinimum: 1`"),
    ("const-changed", B, B, "the one allowed value changed", "`const: a` → `const: b`"),
    ("reactivated", I, I, "no longer deprecated", "`deprecated: true` → none"),
    (
        "additional-properties-restricted",
        B,
        I,
        "unknown properties must now match a schema",
        "none → `additionalProperties: {type: string}`",
    ),
    (
        "all-of-added-annotation-only",
        I,
        I,
        "an allOf member of annotations only was added (it constrains nothing)",
        "an `allOf` member `{description: …}` added",
    ),
    ("if-added", B, I, "an `if` condition was added", "none → `if: {…}`"),
    ("if-removed", I, B, "the `if` condition was removed", "`if: {…}` → none"),
    ("then-added", B, I, "a `then` branch was added", "none → `then: {…}`"),
    ("then-removed", I, B, "the `then` branch was removed", "`then: {…}` → none"),
    ("else-added", B, I, "an `else` branch was added", "none → `else: {…}`"),
    ("else-removed", I, B, "the `else` branch was removed", "`else: {…}` → none"),
    ("not-added", B, I, "a `not` rule was added", "none → `not: {const: x}`"),
    ("not-removed", I, B, "the `not` rule was removed", "`not: {const: x}` → none"),
    ("items-added", B, I, "an `items` schema was added", "none → `items: {type: string}`"),
    ("items-removed", I, B, "the `items` schema was removed", "`items: {type: string}` → none"),
    (
        "prefix-items-added",
        B,
        I,
        "`prefixItems` (or positions of it) were added",
        "none → `prefixItems: [{type: integer}]`",
    ),
    (
        "prefix-items-removed",
        I,
        B,
        "`prefixItems` (or positions of it) were removed",
        "`prefixItems: [{type: integer}]` → none",
    ),
    ("property-names-added", B, I, "a `propertyNames` rule was added", "none → `propertyNames: {maxLength: 8}`"),
    ("property-names-removed", I, B, "the `propertyNames` rule was removed", "`propertyNames: {maxLength: 8}` → none"),
    (
        "unevaluated-properties-added",
        B,
        I,
        "`unevaluatedProperties` was added",
        "none → `unevaluatedProperties: false`",
    ),
    (
        "unevaluated-properties-removed",
        I,
        B,
        "`unevaluatedProperties` was removed",
        "`unevaluatedProperties: false` → none",
    ),
    ("unevaluated-items-added", B, I, "`unevaluatedItems` was added", "none → `unevaluatedItems: false`"),
    ("unevaluated-items-removed", I, B, "`unevaluatedItems` was removed", "`unevaluatedItems: false` → none"),
    (
        "content-schema-added",
        B,
        I,
        "a `contentSchema` for the encoded content was added",
        "none → `contentSchema: {type: object}`",
    ),
    ("content-schema-removed", I, B, "the `contentSchema` was removed", "`contentSchema: {type: object}` → none"),
    (
        "content-media-type-changed",
        B,
        B,
        "the media type of the string's content changed",
        "`contentMediaType: application/json` → `text/csv`",
    ),
    (
        "content-encoding-changed",
        B,
        B,
        "the encoding of the string's content changed",
        "`contentEncoding: base64` → `base32`",
    ),
    (
        "pattern-property-added",
        B,
        I,
        "a `patternProperties` entry was added",
        "`patternProperties: {\"^x-\": {type: string}}` added",
    ),
    (
        "pattern-property-removed",
        I,
        B,
        "a `patternProperties` entry was removed",
        "`patternProperties: {\"^x-\": …}` removed",
    ),
    (
        "dependent-schema-added",
        B,
        I,
        "a `dependentSchemas` entry was added",
        "`dependentSchemas: {a: {required: [b]}}` added",
    ),
    ("dependent-schema-removed", I, B, "a `dependentSchemas` entry was removed", "`dependentSchemas: {a: …}` removed"),
    ("min-contains-increased", B, I, "arrays must hold more matching items (minContains)", "`minContains: 1` → `2`"),
    ("min-contains-decreased", I, B, "arrays may hold fewer matching items (minContains)", "`minContains: 2` → `1`"),
    (
        "max-contains-increased",
        I,
        B,
        "arrays may hold more matching items (maxContains)",
        "`maxContains: 2` → `5`, or removed",
    ),
    (
        "max-contains-decreased",
        B,
        I,
        "arrays may hold fewer matching items (maxContains)",
        "`maxContains: 5` → `2`, or added",
    ),
    ("discriminator-added", I, I, "a discriminator was added", "none → `discriminator: {propertyName: kind}`"),
    ("discriminator-removed", I, I, "the discriminator was removed", "`discriminator: {propertyName: kind}` → none"),
    (
        "discriminator-property-name-changed",
        W,
        W,
        "the discriminator names another property (generated code dispatches on it)",
        "`propertyName: kind` → `type`",
    ),
    (
        "discriminator-mapping-added",
        I,
        I,
        "a discriminator mapping value was added",
        "`mapping: {cat: …}` → `{cat: …, dog: …}`",
    ),
    (
        "discriminator-mapping-deleted",
        I,
        I,
        "a discriminator mapping value was deleted",
        "`mapping: {cat: …, dog: …}` → `{cat: …}`",
    ),
    (
        "discriminator-mapping-changed",
        I,
        I,
        "a discriminator value maps to another schema",
        "`cat: Cat` → `cat: Feline`",
    ),
    ("rule-added", B, I, "a CEL rule (x-accord-rules) was added", "`x-accord-rules: [{id: total, ...}]` added"),
    ("rule-removed", I, W, "a CEL rule (x-accord-rules) was removed", "rule `total` removed"),
    ("rule-changed", W, W, "a CEL rule's expression or fieldPath changed", "rule `total`: `a == b` → `a <= b`"),
    (
        "changed-compatibility-unknown",
        W,
        W,
        "changed in a way Accord cannot judge (the keywords are named)",
        "`minProperties: 1` added",
    ),
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

/// Rules about operations, parameters, bodies, responses, security and servers: (id, level, meaning, example).
const OTHER: &[(&str, Severity, &str, &str)] = &[
    ("endpoint-added", I, "an operation was added", "`GET /pets` added"),
    (
        "api-path-removed-without-deprecation",
        B,
        "a path was removed without being deprecated first",
        "`/pets` removed, never deprecated",
    ),
    (
        "api-path-removed-with-deprecation",
        I,
        "a deprecated path was removed",
        "`/pets` removed after `deprecated: true`",
    ),
    (
        "api-removed-without-deprecation",
        B,
        "an operation was removed without being deprecated first",
        "`GET /pets` removed, `POST /pets` kept",
    ),
    ("api-removed-with-deprecation", I, "a deprecated operation was removed", "deprecated `GET /pets` removed"),
    ("endpoint-deprecated", I, "an operation was deprecated", "→ `deprecated: true` on the operation"),
    ("endpoint-reactivated", I, "an operation is no longer deprecated", "`deprecated: true` removed"),
    (
        "api-operation-id-updated",
        W,
        "the operationId changed (generated clients rename the method)",
        "`operationId: listPets` → `getPets`",
    ),
    ("new-required-request-parameter", B, "a required parameter was added", "query `zz`, `required: true`, added"),
    ("new-optional-request-parameter", I, "an optional parameter was added", "query `zz` added"),
    ("request-parameter-removed", W, "a parameter was removed (servers may reject it)", "query `zz` removed"),
    ("request-parameter-became-required", B, "a parameter became required", "`required: false` → `true`"),
    ("request-parameter-became-optional", I, "a parameter became optional", "`required: true` → `false`"),
    (
        "request-parameter-style-changed",
        B,
        "a parameter's style or explode changed: clients serialize it differently",
        "`form` → `pipeDelimited`",
    ),
    ("new-required-request-body", B, "a required request body was added", "a GET gains a required body"),
    ("new-optional-request-body", I, "an optional request body was added", "a GET gains an optional body"),
    (
        "request-body-removed",
        B,
        "the request body was removed (clients still send one the operation no longer reads)",
        "`requestBody` removed",
    ),
    ("request-body-became-required", B, "the request body became required", "`requestBody.required: false` → `true`"),
    ("request-body-became-optional", I, "the request body became optional", "`requestBody.required: true` → `false`"),
    ("request-body-media-type-added", I, "a request media type was added", "`application/xml` added"),
    (
        "request-body-media-type-removed",
        B,
        "a request media type was removed",
        "`application/json` → `application/vnd.x+json`",
    ),
    ("response-success-status-removed", B, "a success status was removed", "`200` removed"),
    ("response-non-success-status-removed", W, "an error status was removed", "`404` removed"),
    (
        "response-success-status-added",
        I,
        "a success status was added that the old version covered by a range or default",
        "`201` added beside `default`",
    ),
    (
        "response-non-success-status-added",
        I,
        "an error status was added that the old version covered by a range or default",
        "`404` added beside `default`",
    ),
    (
        "response-status-added-without-default",
        B,
        "a status was added that the old version did not document at all",
        "`299` added, no `default`, no `2XX`",
    ),
    ("response-media-type-added", I, "a response media type was added", "`text/plain` added to `200`"),
    ("response-media-type-removed", B, "a response media type was removed", "`application/json` removed from `200`"),
    (
        "new-required-request-property",
        B,
        "a required request property was added",
        "`zz` added to `properties` and `required`",
    ),
    ("new-optional-request-property", I, "an optional request property was added", "`zz` added to `properties`"),
    ("request-property-removed", W, "a request property was removed", "`zz` removed from `properties`"),
    ("request-property-became-required", B, "a request property became required", "`zz` added to `required`"),
    (
        "new-required-request-property-with-default",
        B,
        "a required request property with a default was added (a required value's default is never used)",
        "`zz: {default: 1}` added to `properties` and `required`",
    ),
    (
        "request-property-became-required-with-default",
        B,
        "a request property with a default became required",
        "`zz: {default: 1}` added to `required`",
    ),
    ("request-property-became-optional", I, "a request property became optional", "`zz` removed from `required`"),
    ("response-required-property-added", I, "a required response property was added", "`zz` added, required"),
    ("response-optional-property-added", I, "an optional response property was added", "`zz` added, optional"),
    ("response-required-property-removed", B, "a required response property was removed", "required `zz` removed"),
    ("response-optional-property-removed", W, "an optional response property was removed", "optional `zz` removed"),
    ("response-property-became-optional", B, "a response property became optional", "`zz` removed from `required`"),
    (
        "response-required-property-became-not-write-only",
        W,
        "a required property that was write-only (never returned) is now returned",
        "`zz: {writeOnly: true}` → `zz: {}`, required",
    ),
    (
        "response-required-property-became-write-only",
        B,
        "a required response property became write-only: responses stop carrying it",
        "`zz: {}` → `zz: {writeOnly: true}`, required",
    ),
    ("response-property-became-required", I, "a response property became required", "`zz` added to `required`"),
    (
        "api-security-now-required",
        B,
        "an operation that needed no credentials now needs them",
        "`security: []` → the document's bearer",
    ),
    ("api-security-no-longer-required", I, "an operation no longer needs credentials", "bearer → `security: []`"),
    (
        "api-security-added",
        I,
        "a security requirement was added as a new alternative",
        "`[bearer]` → `[bearer] or [apiKey]`",
    ),
    (
        "api-security-removed",
        W,
        "a security requirement (an alternative) was removed",
        "`[bearer] or [apiKey]` → `[bearer]`",
    ),
    (
        "required-response-header-removed",
        B,
        "a response header that was always sent was removed",
        "required `X-Trace` removed",
    ),
    ("optional-response-header-removed", W, "an optional response header was removed", "optional `X-Trace` removed"),
    (
        "response-header-became-optional",
        B,
        "a response header that was always sent may now be absent",
        "`X-Trace` `required: true` → `false`",
    ),
    (
        "response-header-became-required",
        I,
        "a response header is now always sent",
        "`X-Trace` `required: false` → `true`",
    ),
    ("response-header-added", I, "a response header was added", "`X-Trace` added"),
    (
        "api-security-scope-added",
        B,
        "a scope was added to a requirement: tokens without it are refused",
        "`bearerAuth: []` → `[orders:read]`",
    ),
    ("api-security-scope-removed", I, "a scope was removed from a requirement", "`bearerAuth: [orders:read]` → `[]`"),
    ("webhook-added", I, "a webhook was added", "`webhooks: {orderPaid: …}` added"),
    (
        "webhook-removed",
        B,
        "a webhook was removed: receivers stop getting its calls",
        "`webhooks: {orderPaid: …}` removed",
    ),
    (
        "api-security-component-added",
        I,
        "a security scheme was declared in components",
        "`components.securitySchemes.apiKey` added",
    ),
    (
        "api-security-component-removed",
        I,
        "a security scheme no operation uses was withdrawn from components",
        "`components.securitySchemes.apiKey` removed",
    ),
    (
        "api-security-scheme-changed",
        B,
        "a scheme an operation uses now carries credentials another way",
        "API key header `X-Key` → `X-Api-Key`",
    ),
    (
        "exchange-rule-added",
        W,
        "an exchange rule was added to an operation",
        "`x-accord-rules` on `POST /orders` gains a rule",
    ),
    ("exchange-rule-removed", I, "an exchange rule was removed from an operation", "an operation's rule removed"),
    (
        "exchange-rule-changed",
        W,
        "an exchange rule's expression or fieldPath changed",
        "`request.body.a == 1` → `== 2`",
    ),
    (
        "idempotency-key-added",
        I,
        "the operation now has an idempotency key (repeated requests are deduplicated)",
        "→ `x-accord-idempotency-key: /requestId`",
    ),
    (
        "idempotency-key-removed",
        B,
        "the operation no longer has an idempotency key: clients' retries are no longer safe",
        "`x-accord-idempotency-key: /requestId` removed",
    ),
    (
        "idempotency-key-changed",
        B,
        "the idempotency key is read from another place: clients send it where it is no longer read",
        "`/requestId` → `header:Idempotency-Key`",
    ),
    ("unique-added", W, "a value must now be unique across requests (x-accord-unique)", "→ `x-accord-unique: [/id]`"),
    ("unique-removed", I, "a value no longer has to be unique across requests", "`x-accord-unique: [/id]` removed"),
    ("api-server-added", I, "a server was added", "`https://sandbox…` added"),
    ("api-server-removed", W, "a server was removed", "`https://staging…` removed"),
];

/// Where a schema rule kind changes the generated Rust: in a body (an
/// object, a struct) or in a property (a value, a field's type or newtype).
/// Parameters and headers are not generated, so never.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Generated {
    Body,
    Property,
    Both,
}

/// Schema rule kinds that change the generated Rust incompatibly, and where.
/// A value with a keyword the type model cannot express (an `allOf`, an `if`,
/// a `not`, `dependentRequired`, a CEL rule...) is generated as a checked JSON
/// value rather than a typed newtype, so adding or removing one on a property
/// changes its type's methods.
const SOURCE_KINDS: &[(&str, Generated)] = &[
    ("type-changed", Generated::Both),
    ("type-widened", Generated::Property),
    ("type-narrowed", Generated::Property),
    ("became-nullable", Generated::Both),
    ("became-not-nullable", Generated::Property),
    ("became-enum", Generated::Property),
    ("enum-removed", Generated::Both),
    ("enum-value-removed", Generated::Property),
    ("enum-value-added", Generated::Property),
    ("all-of-added", Generated::Property),
    ("all-of-removed", Generated::Property),
    ("all-of-added-annotation-only", Generated::Property),
    ("one-of-added", Generated::Both),
    ("one-of-removed", Generated::Both),
    ("any-of-added", Generated::Both),
    ("any-of-removed", Generated::Both),
    ("known-value-removed", Generated::Property),
    ("known-value-added", Generated::Property),
    ("sensitive-removed", Generated::Property),
    ("sensitive-added", Generated::Property),
    ("const-changed", Generated::Both),
    ("if-added", Generated::Both),
    ("if-removed", Generated::Property),
    ("not-added", Generated::Property),
    ("not-removed", Generated::Property),
    ("dependent-required-added", Generated::Property),
    ("dependent-required-removed", Generated::Property),
    ("property-names-added", Generated::Property),
    ("property-names-removed", Generated::Property),
    ("pattern-property-added", Generated::Property),
    ("pattern-property-removed", Generated::Property),
    ("dependent-schema-added", Generated::Property),
    ("dependent-schema-removed", Generated::Property),
    ("rule-added", Generated::Property),
    ("rule-removed", Generated::Property),
    ("changed-compatibility-unknown", Generated::Property),
];

/// Operation rules, and schema rules at one place only, that change the
/// generated Rust incompatibly (when they do not break the wire). A request
/// body that stops rejecting unknown properties keeps them in a new
/// `additional_properties` field.
const SOURCE_OTHER: &[&str] = &[
    "request-body-additional-properties-opened",
    "api-operation-id-updated",
    "api-removed-with-deprecation",
    "api-path-removed-with-deprecation",
    "response-success-status-added",
    "response-non-success-status-added",
    "response-non-success-status-removed",
    "new-optional-request-body",
    "request-body-became-optional",
    "new-optional-request-property",
    "request-property-removed",
    "request-property-became-optional",
    "response-required-property-added",
    "response-optional-property-added",
    "response-optional-property-removed",
    "response-property-became-required",
    "exchange-rule-removed",
];

fn level(severity: Severity, source: bool) -> Level {
    match (severity, source) {
        (Severity::Breaking, _) => Level::Wire,
        (_, true) => Level::Source,
        _ => Level::None,
    }
}

/// Every rule, in a stable order.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut out: Vec<Rule> = OTHER
            .iter()
            .map(|(id, severity, summary, example)| Rule {
                id: id.to_string(),
                severity: *severity,
                level: level(*severity, SOURCE_OTHER.contains(id)),
                summary: summary.to_string(),
                example: example.to_string(),
            })
            .collect();
        for (prefix, request) in SCHEMA_PLACES {
            for (kind, req, resp, summary, example) in SCHEMA_KINDS {
                let severity = if *request { *req } else { *resp };
                let generated = SOURCE_KINDS.iter().find(|(k, _)| k == kind).map(|(_, g)| *g);
                let id = format!("{prefix}-{kind}");
                let source = SOURCE_OTHER.contains(&id.as_str())
                    || generated.is_some_and(|g| match *prefix {
                        p if p.ends_with("parameter") || p.ends_with("header") => false,
                        p if p.ends_with("body") => g != Generated::Property,
                        _ => g != Generated::Body,
                    });
                out.push(Rule {
                    id,
                    severity,
                    level: level(severity, source),
                    summary: summary.to_string(),
                    example: example.to_string(),
                });
            }
        }
        for (id, summary, example) in EXTRA {
            out.push(Rule {
                id: id.to_string(),
                severity: Severity::Info,
                level: Level::Source,
                summary: summary.to_string(),
                example: example.to_string(),
            });
        }
        for (id, severity, summary, example) in STABILITY {
            out.push(Rule {
                id: id.to_string(),
                severity: *severity,
                level: Level::None,
                summary: summary.to_string(),
                example: example.to_string(),
            });
        }
        out
    })
}

/// Rules found in the generated code only: (id, meaning, example).
const EXTRA: &[(&str, &str, &str)] = &[(
    "generated-api-changed",
    "the generated Rust changed incompatibly where no contract rule explains it (e.g. a `$defs` entry renamed: the wire is the same, the type's name is not)",
    "`$defs/Pet` → `$defs/Animal`: type `Pet` renamed `Animal`",
)];

/// Stability marks (`x-accord-stability`): (id, severity, meaning, example).
const STABILITY: &[(&str, Severity, &str, &str)] = &[
    (
        "stability-experimental-removed",
        I,
        "an operation or schema is no longer marked experimental: its breaks now fail the run",
        "`x-accord-stability: experimental` removed",
    ),
    (
        "stability-experimental-added",
        W,
        "a stable operation or schema is now marked experimental: its future breaks will not fail the run",
        "→ `x-accord-stability: experimental`",
    ),
];

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
        assert_eq!(rule("request-property-max-length-decreased").unwrap().severity, Severity::Breaking);
        assert_eq!(rule("request-property-max-length-decreased").unwrap().level, Level::Wire);
        assert_eq!(rule("response-property-max-length-decreased").unwrap().severity, Severity::Info);
        assert_eq!(rule("response-property-max-length-decreased").unwrap().level, Level::None);
        assert_eq!(rule("response-property-enum-value-added").unwrap().level, Level::Source);
        assert_eq!(rule("response-header-enum-value-added").unwrap().level, Level::None);
    }
}
