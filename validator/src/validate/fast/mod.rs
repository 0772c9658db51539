//! The fast path: judging a JSON document while it is parsed, without
//! building it.
//!
//! Each schema is compiled once ([`compile`]) into an automaton of states
//! (the schemas that apply to one value together) and nodes (one schema
//! place each). [`FastValidator::check`] runs serde_json's parser over the
//! text with a seed that follows the automaton: scalars are judged where the
//! parser holds them, values no schema constrains are skipped, and no
//! `serde_json::Value` is built.
//!
//! It is sound by construction: it answers [`Verdict::Valid`] only when every
//! keyword met on the way is one it implements exactly, and otherwise
//! [`Verdict::Invalid`] (an implemented keyword failed) or
//! [`Verdict::Unknown`] (a keyword it does not implement, a repeated
//! property name, or text that does not parse). Callers take only `Valid`
//! on trust and send everything else to the full path, which gives the
//! exact diagnostics. The keywords implemented exactly:
//!
//! - `type`, `enum`, `const` (scalars; lists holding objects or arrays
//!   defer when the value is one);
//! - `properties`, `required`, `additionalProperties`, `minProperties`,
//!   `maxProperties`;
//! - `minLength`, `maxLength` (characters), `pattern` (ECMA-262 translated
//!   as jsonschema translates it, same engine), `format` (judged by
//!   jsonschema itself, compiled from the keyword alone);
//! - `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
//!   `multipleOf` (judged by jsonschema on the number, which needs no
//!   allocation);
//! - `items`, `prefixItems`, `minItems`, `maxItems`;
//! - `$ref`, `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`;
//! - `x-accord-knownValues` (scalars).
//!
//! Deferred (to the full path) whenever a value reaches them:
//! `patternProperties`, `propertyNames`, `dependentRequired`,
//! `dependentSchemas`, `dependencies`, `unevaluatedProperties` (objects);
//! `contains`, `uniqueItems`, `unevaluatedItems`, `additionalItems` (arrays);
//! `content*` (strings); `$dynamicRef`, `$recursiveRef`,
//! `x-accord-maxSerializedLength`, `x-accord-rules`, a `$schema` other than
//! 2020-12 (all values). Schemas of other drafts get no fast path.

mod compile;
mod eval;

pub use compile::NotCompiled;
pub use eval::Tri as Verdict;

use crate::contract::Catalog;
use compile::Automaton;
use std::cell::RefCell;

/// A set of JSON types, one bit each.
pub type TypeMask = u8;
/// `null`.
pub const NULL: TypeMask = 1;
/// `true`, `false`.
pub const BOOLEAN: TypeMask = 2;
/// A number with no fractional part.
pub const INTEGER: TypeMask = 4;
/// A number with a fractional part.
pub const NUMBER: TypeMask = 8;
/// A string.
pub const STRING: TypeMask = 16;
/// An array.
pub const ARRAY: TypeMask = 32;
/// An object.
pub const OBJECT: TypeMask = 64;

/// One schema compiled for the fast path.
pub struct FastValidator {
    automaton: Automaton,
}

impl std::fmt::Debug for FastValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastValidator")
            .field("nodes", &self.automaton.nodes.len())
            .field("states", &self.automaton.states.len())
            .finish()
    }
}

thread_local! {
    static SCRATCH: RefCell<eval::Scratch> = RefCell::new(eval::Scratch::default());
}

impl FastValidator {
    /// Compiles the schema at `uri` of `catalog` (`format` asserted when `assert_formats`).
    pub fn new(catalog: &Catalog, uri: &str, assert_formats: bool) -> Result<Self, NotCompiled> {
        compile::compile(catalog, uri, assert_formats).map(|automaton| FastValidator { automaton })
    }

    /// Judges the JSON document `text`.
    pub fn check(&self, text: &str) -> Verdict {
        self.judge(text, false).0
    }

    /// Judges `text`, and when the verdict is [`Verdict::Unknown`] says why:
    /// the keyword that deferred and where it is, a repeated property name,
    /// or text that does not parse. For tests and coverage reports.
    pub fn explain(&self, text: &str) -> (Verdict, Option<String>) {
        self.judge(text, true)
    }

    fn judge(&self, text: &str, explain: bool) -> (Verdict, Option<String>) {
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else { return (Verdict::Unknown, None) };
            let mut de = serde_json::Deserializer::from_str(text);
            let seed = eval::StateSeed::root(&self.automaton, &mut scratch);
            let verdict = match serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|()| de.end()) {
                Ok(()) => eval::root_result(&self.automaton, &scratch),
                Err(e) if explain => {
                    let why = if e.to_string().contains(eval::ABANDON) {
                        "a repeated property name"
                    } else {
                        "the text does not parse"
                    };
                    return (Verdict::Unknown, Some(why.to_string()));
                }
                Err(_) => Verdict::Unknown,
            };
            if verdict != Verdict::Unknown || !explain {
                return (verdict, None);
            }
            let why = match scratch.deferred {
                Some(eval::Defer::Keyword(n)) => {
                    let node = &self.automaton.nodes[n];
                    format!("`{}` at {}", node.unknown_because.as_deref().unwrap_or("?"), node.place)
                }
                Some(eval::Defer::RegexLimit) => "a pattern's backtracking limit".to_string(),
                None if self.automaton.states.iter().any(|s| s.cyclic) => {
                    "applicators that loop at one place".to_string()
                }
                Some(eval::Defer::TooManyKeys) => "more property names than one state tracks".to_string(),
                None => "no reason recorded".to_string(),
            };
            (verdict, Some(why))
        })
    }

    /// The keywords that make some schema place defer, with how many places each.
    pub fn deferred_keywords(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for node in &self.automaton.nodes {
            if let Some(k) = &node.unknown_because {
                *counts.entry(k.clone()).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// Whether every schema place uses only keywords the fast path
    /// implements (then it never defers on a document that parses without
    /// repeated property names).
    pub fn covers_everything(&self) -> bool {
        self.automaton.nodes.iter().all(|n| n.unknown_for == 0)
            && self.automaton.states.iter().all(|s| !s.cyclic && !s.too_many_keys)
    }

    /// How many schema places and states the automaton has.
    pub fn size(&self) -> (usize, usize) {
        (self.automaton.nodes.len(), self.automaton.states.len())
    }
}
