//! The fast path: judging a JSON document while it is read, without
//! building it.
//!
//! Each schema is compiled once ([`compile`]) into an automaton of states
//! (the schemas that apply to one value together) and nodes (one schema
//! place each). Two front ends drive it:
//!
//! - **the structural index** (the default, [`FrontEnd::Index`]): a SIMD
//!   first stage (`crate::capture::index`: AVX-512BW, AVX2, SSE2 or a
//!   portable classifier, chosen at run time) finds every structural
//!   character and string boundary, and the automaton walks those positions
//!   (`walk`): known property names are matched by their words and a hash
//!   straight from the bytes, strings are sliced out only where a keyword
//!   reads them, numbers read only where a keyword reads them, and a value
//!   no schema constrains is stepped over by its positions. An NDJSON
//!   envelope is indexed once: its reader finds the fields and the body's
//!   positions, and the body is judged from that same index.
//! - **serde_json's parser** ([`FrontEnd::Serde`], `ACCORD_FAST_FRONT_END=serde`):
//!   the first front end, a `DeserializeSeed` that follows the automaton; kept
//!   as the reference the index is compared with.
//!
//! It is sound by construction: it answers [`Verdict::Valid`] only when every
//! keyword met on the way is one it implements exactly, and otherwise
//! [`Verdict::Invalid`] (an implemented keyword failed) or
//! [`Verdict::Unknown`] (a keyword it does not implement, a repeated
//! property name, or text `serde_json::Value` would not read). Callers take
//! only `Valid` on trust and send everything else to the full path, which
//! gives the exact diagnostics. The keywords implemented exactly, on both
//! front ends:
//!
//! - `type`, `enum`, `const` (scalars);
//! - `properties`, `required`, `additionalProperties`, `minProperties`,
//!   `maxProperties`, `dependentRequired`;
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
//! On the index front end only, from the value's text (its span):
//! `x-accord-maxSerializedLength` (the compact serialization's characters,
//! as the full path counts them) and `enum`/`const` lists holding objects or
//! arrays (a list holding an equal value is met; otherwise the value is
//! deferred, since jsonschema also calls `1` and `1.0` equal). The serde
//! front end defers on both.
//!
//! Deferred (to the full path) whenever a value reaches them:
//! `patternProperties`, `propertyNames`, `dependentSchemas`, `dependencies`,
//! `unevaluatedProperties` (objects); `contains`, `uniqueItems`,
//! `unevaluatedItems`, `additionalItems` (arrays); `content*` (strings);
//! `$dynamicRef`, `$recursiveRef`, `x-accord-rules`, a `$schema` other than
//! 2020-12 (all values). Schemas of other drafts get no fast path.

mod compile;
mod eval;
mod walk;

pub use compile::NotCompiled;
pub use eval::Tri as Verdict;

pub use crate::capture::index::FrontEnd;
use crate::capture::index::{self, Abandon, Cursor};
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

/// How many structural positions (4 bytes each) a thread's index keeps
/// between documents; a larger one is freed after its document.
const RETAINED_POSITIONS: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<eval::Scratch> = RefCell::new(eval::Scratch::default());
    static INDEX: RefCell<index::Index> = RefCell::new(index::Index::default());
}

impl FastValidator {
    /// Compiles the schema at `uri` of `catalog` (`format` asserted when `assert_formats`).
    pub fn new(catalog: &Catalog, uri: &str, assert_formats: bool) -> Result<Self, NotCompiled> {
        compile::compile(catalog, uri, assert_formats).map(|automaton| FastValidator { automaton })
    }

    /// Judges the JSON document `text`.
    pub fn check(&self, text: &str) -> Verdict {
        self.check_with(text, FrontEnd::chosen())
    }

    /// Judges `text` with the given front end.
    pub fn check_with(&self, text: &str, front: FrontEnd) -> Verdict {
        match front {
            FrontEnd::Index => INDEX.with(|cell| {
                let Ok(mut index) = cell.try_borrow_mut() else { return Verdict::Unknown };
                let verdict = match index.build(text.as_bytes()) {
                    Ok(()) => self.check_indexed(text, &index.positions, index.escapes).0,
                    Err(_) => Verdict::Unknown,
                };
                // A very large document's positions are not kept for the next one.
                if index.positions.capacity() > RETAINED_POSITIONS {
                    *index = index::Index::default();
                }
                verdict
            }),
            FrontEnd::Serde => self.judge_serde(text),
        }
    }

    /// Judges the value whose structural positions in `text` are
    /// `positions` (a slice of an index of `text`, which may be larger than
    /// the value: an envelope around a body). `escapes` says whether some
    /// string of `text` holds a backslash. Also says why a walk was abandoned.
    pub fn check_indexed(&self, text: &str, positions: &[u32], escapes: bool) -> (Verdict, Option<Abandon>) {
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else { return (Verdict::Unknown, None) };
            match walk::Walk::new(&self.automaton, &mut scratch, Cursor::new(text, positions, escapes)).document() {
                Ok(verdict) => (verdict, None),
                Err(why) => (Verdict::Unknown, Some(why)),
            }
        })
    }

    /// Judges `text`, and when the verdict is [`Verdict::Unknown`] says why:
    /// the keyword that deferred and where it is, a repeated property name,
    /// or text that does not parse. For tests and coverage reports.
    pub fn explain(&self, text: &str) -> (Verdict, Option<String>) {
        self.explain_with(text, FrontEnd::chosen())
    }

    /// [`explain`](Self::explain) with the given front end.
    pub fn explain_with(&self, text: &str, front: FrontEnd) -> (Verdict, Option<String>) {
        let abandoned = |repeated: bool| {
            let why = if repeated { "a repeated property name" } else { "the text does not parse" };
            (Verdict::Unknown, Some(why.to_string()))
        };
        let verdict = match front {
            FrontEnd::Index => {
                let mut index = index::Index::default();
                if index.build(text.as_bytes()).is_err() {
                    return abandoned(false);
                }
                match self.check_indexed(text, &index.positions, index.escapes) {
                    (_, Some(why)) => return abandoned(why == Abandon::Repeated),
                    (verdict, None) => verdict,
                }
            }
            FrontEnd::Serde => {
                let result = SCRATCH.with(|cell| {
                    let Ok(mut scratch) = cell.try_borrow_mut() else { return Ok(Verdict::Unknown) };
                    let mut de = serde_json::Deserializer::from_str(text);
                    let seed = eval::StateSeed::root(&self.automaton, &mut scratch);
                    match serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|()| de.end()) {
                        Ok(()) => Ok(eval::root_result(&self.automaton, &scratch)),
                        Err(e) => Err(e.to_string().contains(eval::ABANDON)),
                    }
                });
                match result {
                    Ok(verdict) => verdict,
                    Err(repeated) => return abandoned(repeated),
                }
            }
        };
        if verdict != Verdict::Unknown {
            return (verdict, None);
        }
        (verdict, Some(SCRATCH.with(|cell| cell.try_borrow().map(|s| self.reason(&s)).unwrap_or_default())))
    }

    /// Why the last evaluation on this thread deferred.
    fn reason(&self, scratch: &eval::Scratch) -> String {
        match scratch.deferred {
            Some(eval::Defer::Keyword(n)) => {
                let node = &self.automaton.nodes[n];
                format!("`{}` at {}", node.unknown_because.as_deref().unwrap_or("?"), node.place)
            }
            Some(eval::Defer::Span(n)) => {
                let node = &self.automaton.nodes[n];
                format!("`{}` at {}", node.span_because.as_deref().unwrap_or("?"), node.place)
            }
            Some(eval::Defer::RegexLimit) => "a pattern's backtracking limit".to_string(),
            None if self.automaton.states.iter().any(|s| s.cyclic) => "applicators that loop at one place".to_string(),
            Some(eval::Defer::TooManyKeys) => "more property names than one state tracks".to_string(),
            None => "no reason recorded".to_string(),
        }
    }

    /// The serde front end's pass (no explanation).
    fn judge_serde(&self, text: &str) -> Verdict {
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else { return Verdict::Unknown };
            let mut de = serde_json::Deserializer::from_str(text);
            let seed = eval::StateSeed::root(&self.automaton, &mut scratch);
            match serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|()| de.end()) {
                Ok(()) => eval::root_result(&self.automaton, &scratch),
                Err(_) => Verdict::Unknown,
            }
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
        self.covers_everything_with(FrontEnd::chosen())
    }

    /// [`covers_everything`](Self::covers_everything) for the given front end.
    pub fn covers_everything_with(&self, front: FrontEnd) -> bool {
        let judged = |n: &compile::Node| match front {
            FrontEnd::Index => !n.span_may_defer,
            FrontEnd::Serde => n.span_for == 0,
        };
        self.automaton.nodes.iter().all(|n| n.unknown_for == 0 && judged(n))
            && self.automaton.states.iter().all(|s| !s.cyclic && !s.too_many_keys)
    }

    /// How many schema places and states the automaton has.
    pub fn size(&self) -> (usize, usize) {
        (self.automaton.nodes.len(), self.automaton.states.len())
    }
}
