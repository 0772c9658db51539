//! Accord's custom vocabulary, registered with the jsonschema compiler.
//!
//! One file per keyword, each a factory plus a [`jsonschema::Keyword`]. The
//! annotation-only keywords (`x-accord-sensitive`, `x-accord-message`,
//! `x-accord-source`, `x-accord-type`) need no validator: tools read them from
//! the schema documents.

mod known_values;
mod max_serialized_length;
pub mod rules;

use jsonschema::ValidationOptions;

/// The keyword for a limit on an instance's serialized length.
pub const MAX_SERIALIZED_LENGTH: &str = "x-accord-maxSerializedLength";
/// The keyword listing the known values of an open list.
pub const KNOWN_VALUES: &str = "x-accord-knownValues";
/// The keyword holding CEL rules.
pub const RULES: &str = accord_catalog::rules::RULES;

/// Registers every custom keyword on `options`; `rules` are the catalog's compiled message rules.
pub fn register(options: ValidationOptions<'_>, rules: rules::ByAddress) -> ValidationOptions<'_> {
    options
        .with_keyword(MAX_SERIALIZED_LENGTH, max_serialized_length::factory)
        .with_keyword(KNOWN_VALUES, known_values::factory)
        .with_keyword(RULES, rules::factory(rules))
}

pub use max_serialized_length::serialized_length;
