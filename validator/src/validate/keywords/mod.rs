//! Accord's custom vocabulary, registered with the jsonschema compiler.
//!
//! One file per keyword, each a factory plus a [`jsonschema::Keyword`]. The
//! annotation-only keywords (`x-accord-sensitive`, `x-accord-message`,
//! `x-accord-source`, `x-accord-type`) need no validator: tools read them from
//! the schema documents.

pub mod discriminator;
mod known_values;
mod max_serialized_length;
pub mod openapi_format;

use jsonschema::ValidationOptions;

/// The keyword for a limit on an instance's serialized length.
pub const MAX_SERIALIZED_LENGTH: &str = "x-accord-maxSerializedLength";
/// The keyword listing the known values of an open list.
pub const KNOWN_VALUES: &str = "x-accord-knownValues";
/// The keyword the catalog sets beside a numeric OpenAPI `format` (`int32`, ...).
pub const OPENAPI_FORMAT: &str = accord_catalog::openapi::formats::KEYWORD;
/// The keyword holding CEL rules.
pub const RULES: &str = accord_catalog::rules::RULES;

/// The keyword of OpenAPI's discriminator, asserted (see [`discriminator`]).
pub const DISCRIMINATOR: &str = "discriminator";

/// Registers every custom keyword on `options`; `rules` are the catalog's
/// compiled message rules, `discriminators` what each discriminator allows.
pub fn register(
    options: ValidationOptions<'_>,
    rules: super::rules::message::ByAddress,
    discriminators: discriminator::ByAddress,
) -> ValidationOptions<'_> {
    string_formats(options)
        .with_keyword(DISCRIMINATOR, discriminator::factory(discriminators))
        .with_keyword(MAX_SERIALIZED_LENGTH, max_serialized_length::factory)
        .with_keyword(KNOWN_VALUES, known_values::factory)
        .with_keyword(OPENAPI_FORMAT, openapi_format::factory)
        .with_keyword(RULES, super::rules::message::factory(rules))
}

pub use max_serialized_length::serialized_length;

/// OpenAPI's string formats beside JSON Schema's: `byte` is base64;
/// `binary` and `password` are annotations.
pub fn string_formats(options: ValidationOptions<'_>) -> ValidationOptions<'_> {
    options.with_format("byte", is_base64).with_format("binary", |_: &str| true).with_format("password", |_: &str| true)
}

/// Whether `text` is base64 (RFC 4648, padded), as OpenAPI's `byte` format says.
fn is_base64(text: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).is_ok()
}
