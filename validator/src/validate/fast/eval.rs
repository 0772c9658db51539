//! Judging a document while serde_json parses it.
//!
//! A [`StateSeed`] is a `DeserializeSeed` for one value in one state. It
//! pushes one result per node of the state onto a shared stack, judges
//! scalars on the spot, hands each property or item to the seed of its own
//! state, folds the children's results into its own, and finally combines
//! applicators. Nothing is built: strings are looked at where the parser
//! holds them, and values no node constrains are skipped by [`Skip`], which
//! builds nothing but parses numbers and strings exactly as `serde_json::Value`
//! would (`IgnoredAny` does not: it lets `1e999` and lone surrogates through).
//!
//! Duplicate property names would make a streaming verdict differ from the
//! one jsonschema gives on the parsed value (which keeps the last): a
//! repeated name the state knows, or a repeated other name where it matters,
//! abandons the pass (the document goes to the full path).

use super::compile::{Automaton, Edge, Node, State, StateId};
use super::{ARRAY, BOOLEAN, INTEGER, NULL, NUMBER, OBJECT, STRING, TypeMask};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::fmt;

/// A node's result: ordered so that `and` is `max` and `or` is `min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tri {
    /// Every keyword holds.
    Valid,
    /// A keyword the fast path does not implement decides it.
    Unknown,
    /// A keyword the fast path implements fails.
    Invalid,
}

impl Tri {
    pub(super) fn and(self, other: Tri) -> Tri {
        self.max(other)
    }

    fn not(self) -> Tri {
        match self {
            Tri::Valid => Tri::Invalid,
            Tri::Invalid => Tri::Valid,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// Reusable stacks for one evaluation (results per node, hashes of property names).
#[derive(Default)]
pub struct Scratch {
    pub(super) results: Vec<Tri>,
    pub(super) hashes: Vec<u64>,
    /// The first reason a node deferred, if one did.
    pub deferred: Option<Defer>,
}

/// Why a node deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defer {
    /// A keyword the fast path does not implement (on this node).
    Keyword(usize),
    /// A pattern hit the regex engine's backtracking limit.
    RegexLimit,
    /// More property names in one state than it tracks.
    TooManyKeys,
    /// A keyword judged from the value's text, which this front end does not have (on this node).
    Span(usize),
}

/// The message of the error that abandons a pass.
pub const ABANDON: &str = "accord fast path: abandoned";

/// Judges one value of `state`, pushing its results onto `scratch.results`.
pub struct StateSeed<'a> {
    pub(super) automaton: &'a Automaton,
    pub(super) state: StateId,
    pub(super) scratch: &'a mut Scratch,
    /// The scalar's text, when the front end has it (the index does).
    pub(super) span: Option<&'a str>,
}

impl<'a> StateSeed<'a> {
    /// A seed for the document's root.
    pub fn root(automaton: &'a Automaton, scratch: &'a mut Scratch) -> Self {
        scratch.results.clear();
        scratch.hashes.clear();
        scratch.deferred = None;
        StateSeed { automaton, state: automaton.root, scratch, span: None }
    }
}

/// The result of the schema itself after a root seed ran.
pub fn root_result(automaton: &Automaton, scratch: &Scratch) -> Tri {
    scratch.results.get(automaton.root_position as usize).copied().unwrap_or(Tri::Unknown)
}

impl<'de> DeserializeSeed<'de> for StateSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl StateSeed<'_> {
    fn state(&self) -> &State {
        &self.automaton.states[self.state]
    }

    /// Pushes the results of a scalar of type `kind`, judged by `check`
    /// where a node checks more than the type.
    #[inline]
    fn scalar(self, kind: TypeMask, check: impl Fn(&Node) -> Tri) {
        let state = &self.automaton.states[self.state];
        let base = self.scratch.results.len();
        for (p, facts) in state.facts.iter().enumerate() {
            let r = if let Some(r) = facts.typed(kind) {
                r
            } else if facts.plain & kind != 0 {
                Tri::Valid
            } else {
                let node = &self.automaton.nodes[state.nodes[p]];
                let r = check(node);
                if facts.span_for & kind != 0 && r != Tri::Invalid {
                    let judged = span_check(node, kind, self.span);
                    if judged == Tri::Unknown && self.scratch.deferred.is_none() {
                        self.scratch.deferred = Some(Defer::Span(state.nodes[p]));
                    }
                    r.and(judged)
                } else {
                    r
                }
            };
            if r == Tri::Unknown && self.scratch.deferred.is_none() {
                let n = state.nodes[p];
                let keyword = facts.unknown_for & kind != 0;
                self.scratch.deferred = Some(if keyword { Defer::Keyword(n) } else { Defer::RegexLimit });
            }
            self.scratch.results.push(r);
        }
        finish(state, &mut self.scratch.results[base..]);
    }

    pub(super) fn number(self, n: Number) {
        let is_integer = n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0);
        let value = Value::Number(n);
        self.scalar(if is_integer { INTEGER } else { NUMBER }, |node| {
            let mut r = Tri::Valid;
            if let Some(v) = &node.number
                && !v.is_valid(&value)
            {
                r = Tri::Invalid;
            }
            r.and(known(node, &value, Value::is_number))
        });
    }

    pub(super) fn string(self, s: &str) {
        let length = if self.state().counts_characters { s.chars().count() as u64 } else { 0 };
        self.scalar(STRING, |node| {
            if node.min_length.is_some_and(|m| length < m) || node.max_length.is_some_and(|m| length > m) {
                return Tri::Invalid;
            }
            if !node.enums.iter().all(|list| list.iter().any(|v| v.as_str() == Some(s))) {
                return Tri::Invalid;
            }
            for regex in &node.patterns {
                match regex.is_match(s) {
                    Ok(true) => {}
                    Ok(false) => return Tri::Invalid,
                    Err(_) => return Tri::Unknown, // a backtracking limit: jsonschema decides
                }
            }
            if let Some(format) = &node.format
                && !format.is_valid(&Value::String(s.to_string()))
            {
                return Tri::Invalid;
            }
            match &node.known_values {
                Some(values)
                    if values.iter().any(Value::is_string) && !values.iter().any(|v| v.as_str() == Some(s)) =>
                {
                    Tri::Invalid
                }
                _ => Tri::Valid,
            }
        });
    }

    pub(super) fn simple(self, kind: TypeMask, value: Value) {
        self.scalar(kind, |node| {
            if !node.enums.iter().all(|list| list.contains(&value)) {
                return Tri::Invalid;
            }
            known(node, &value, |v| std::mem::discriminant(v) == std::mem::discriminant(&value))
        });
    }

    /// Pushes the opening results of an object or array; returns the base.
    pub(super) fn open(&mut self, kind: TypeMask) -> usize {
        let base = self.scratch.results.len();
        let state = &self.automaton.states[self.state];
        for (p, facts) in state.facts.iter().enumerate() {
            let r = if let Some(r) = facts.typed(kind) {
                r
            } else if facts.rejects & kind != 0 {
                // An `enum`/`const` list with no member of this container type.
                Tri::Invalid
            } else {
                Tri::Valid
            };
            if r == Tri::Unknown && self.scratch.deferred.is_none() {
                self.scratch.deferred = Some(Defer::Keyword(state.nodes[p]));
            }
            self.scratch.results.push(r);
        }
        base
    }

    /// Judges a child value along `edge` (or skips it) and folds its results in.
    fn child<T>(
        automaton: &Automaton,
        scratch: &mut Scratch,
        base: usize,
        edge: Option<&Edge>,
        next: impl FnOnce(Option<StateSeed<'_>>) -> Result<T, ()>,
    ) -> Result<T, ()> {
        let Some(edge) = edge else { return next(None) };
        let child_base = scratch.results.len();
        let seed = StateSeed { automaton, state: edge.state, scratch: &mut *scratch, span: None };
        let out = next(Some(seed))?;
        if scratch.results.len() == child_base {
            return Ok(out); // the end of an array: no value was judged
        }
        for (p, c) in &edge.links {
            let r = scratch.results[child_base + *c as usize];
            let slot = &mut scratch.results[base + *p as usize];
            *slot = slot.and(r);
        }
        scratch.results.truncate(child_base);
        Ok(out)
    }
}

/// `x-accord-knownValues`: values of a kind the list holds must be in it.
fn known(node: &Node, value: &Value, comparable: impl Fn(&Value) -> bool) -> Tri {
    match &node.known_values {
        Some(values) if values.iter().any(&comparable) && !values.contains(value) => Tri::Invalid,
        _ => Tri::Valid,
    }
}

/// Applicators, members first (the state's order): each node's result from its members'.
#[inline]
pub(super) fn finish(state: &State, results: &mut [Tri]) {
    if state.combines {
        combine(state, results);
    }
}

fn combine(state: &State, results: &mut [Tri]) {
    if state.cyclic {
        results.iter_mut().for_each(|r| *r = Tri::Unknown);
        return;
    }
    for (p, c) in state.combine.iter().enumerate() {
        let mut r = results[p];
        for m in &c.all_of {
            r = r.and(results[*m as usize]);
        }
        if !c.any_of.is_empty() {
            r = r.and(c.any_of.iter().map(|m| results[*m as usize]).min().unwrap_or(Tri::Invalid));
        }
        if !c.one_of.is_empty() {
            let valid = c.one_of.iter().filter(|m| results[**m as usize] == Tri::Valid).count();
            let unknown = c.one_of.iter().filter(|m| results[**m as usize] == Tri::Unknown).count();
            let one = match (valid, unknown) {
                (v, _) if v > 1 => Tri::Invalid,
                (_, u) if u > 0 => Tri::Unknown,
                (1, _) => Tri::Valid,
                _ => Tri::Invalid,
            };
            r = r.and(one);
        }
        if let Some(m) = c.not {
            r = r.and(results[m as usize].not());
        }
        if let Some((i, t, e)) = c.condition {
            let branch = match results[i as usize] {
                Tri::Valid => t.map_or(Tri::Valid, |t| results[t as usize]),
                Tri::Invalid => e.map_or(Tri::Valid, |e| results[e as usize]),
                Tri::Unknown => Tri::Unknown,
            };
            r = r.and(branch);
        }
        results[p] = r;
    }
}

impl<'de> Visitor<'de> for StateSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.simple(BOOLEAN, Value::Bool(v));
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.simple(NULL, Value::Null);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.number(v.into());
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.number(v.into());
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match Number::from_f64(v) {
            Some(n) => {
                self.number(n);
                Ok(())
            }
            None => Err(E::custom(ABANDON)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.string(v);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let base = self.open(ARRAY);
        let automaton = self.automaton;
        let state = &automaton.states[self.state];
        let mut count: u64 = 0;
        let mut failure = None;
        loop {
            let edge = state.positions.get(count as usize).map_or(state.rest.as_ref(), Option::as_ref);
            let step = StateSeed::child(automaton, self.scratch, base, edge, |seed| match seed {
                Some(seed) => seq.next_element_seed(seed).map(|o| o.is_some()).map_err(|e| failure = Some(e)),
                None => seq.next_element_seed(Skip).map(|o| o.is_some()).map_err(|e| failure = Some(e)),
            });
            match step {
                Ok(true) => count += 1,
                Ok(false) => break,
                Err(()) => return Err(failure.unwrap_or_else(|| de::Error::custom(ABANDON))),
            }
        }
        if let Some(d) = close_array(automaton, state, &mut self.scratch.results[base..], count, None) {
            self.scratch.deferred.get_or_insert(d);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let base = self.open(OBJECT);
        let automaton = self.automaton;
        let state = &automaton.states[self.state];
        if state.too_many_keys || !state.patterns.is_empty() {
            // Too many names to track, or `patternProperties` (which names are
            // additional depends on the patterns; only the index front end matches them).
            let why = match state.patterns.first() {
                Some((p, _, _)) => Defer::Span(state.nodes[*p as usize]),
                None => Defer::TooManyKeys,
            };
            self.scratch.deferred.get_or_insert(why);
            for r in &mut self.scratch.results[base..] {
                *r = (*r).max(Tri::Unknown);
            }
            while map.next_entry_seed(Skip, Skip)?.is_some() {}
            finish(state, &mut self.scratch.results[base..]);
            return Ok(());
        }
        let hash_base = self.scratch.hashes.len();
        let mut seen: u128 = 0;
        let mut count: u64 = 0;
        while let Some(hit) = map.next_key_seed(KeySeed { state })? {
            count += 1;
            let edge = match hit {
                Hit::Known(i) => {
                    let key = &state.keys[i];
                    let bit = 1u128 << key.bit;
                    if seen & bit != 0 {
                        return Err(de::Error::custom(ABANDON)); // a repeated name
                    }
                    seen |= bit;
                    key.edge.as_ref()
                }
                Hit::Other(hash) => {
                    if state.dedupe_other {
                        self.scratch.hashes.push(hash); // a collision only makes the pass defer
                    }
                    state.other.as_ref()
                }
            };
            let mut failure = None;
            let step = StateSeed::child(automaton, self.scratch, base, edge, |seed| match seed {
                Some(seed) => map.next_value_seed(seed).map_err(|e| failure = Some(e)),
                None => map.next_value_seed(Skip).map(|_| ()).map_err(|e| failure = Some(e)),
            });
            if step.is_err() {
                return Err(failure.unwrap_or_else(|| de::Error::custom(ABANDON)));
            }
        }
        close_object(automaton, state, self.scratch, base, (hash_base, seen, count), None)
            .map_err(|()| de::Error::custom(ABANDON))
    }
}

/// Closes an array of `count` items whose text is `span` (when the front
/// end has it): item counts, keywords judged from the text, deferrals, applicators.
pub(super) fn close_array(
    automaton: &Automaton,
    state: &State,
    results: &mut [Tri],
    count: u64,
    span: Option<&str>,
) -> Option<Defer> {
    for (p, n) in state.nodes.iter().enumerate() {
        let node = &automaton.nodes[*n];
        if node.min_items.is_some_and(|m| count < m) || node.max_items.is_some_and(|m| count > m) {
            results[p] = results[p].and(Tri::Invalid);
        }
    }
    let deferred = spans(automaton, state, ARRAY, results, span);
    settle(automaton, state, ARRAY, results);
    finish(state, results);
    deferred
}

/// Keywords judged from a container's text, on the positions whose result
/// is not already invalid; the first node left unknown, if any.
fn spans(
    automaton: &Automaton,
    state: &State,
    kind: TypeMask,
    results: &mut [Tri],
    span: Option<&str>,
) -> Option<Defer> {
    let mut deferred = None;
    for (p, facts) in state.facts.iter().enumerate() {
        if facts.span_for & kind != 0 && results[p] != Tri::Invalid {
            let r = span_check(&automaton.nodes[state.nodes[p]], kind, span);
            if r == Tri::Unknown {
                deferred.get_or_insert(Defer::Span(state.nodes[p]));
            }
            results[p] = results[p].and(r);
        }
    }
    deferred
}

/// The keywords judged from a value's whole text: `x-accord-maxSerializedLength`
/// (the compact serialization's characters, as the full path counts them) and
/// `enum`/`const` lists holding objects or arrays (a list holding an equal
/// value is met; no equal value defers, since jsonschema also calls `1` and
/// `1.0` equal). Without the text (the serde front end), unknown.
fn span_check(node: &Node, kind: TypeMask, span: Option<&str>) -> Tri {
    let Some(span) = span else { return Tri::Unknown };
    let containers =
        kind & (OBJECT | ARRAY) != 0 && node.enums.iter().any(|l| l.iter().any(|v| v.is_object() || v.is_array()));
    let unique = kind == ARRAY && node.unique;
    if node.max_serialized.is_none() && !containers && !unique {
        return Tri::Valid; // `contains`, `propertyNames`: judged by the walk itself
    }
    let Ok(value) = serde_json::from_str::<Value>(span) else { return Tri::Unknown };
    let mut r = Tri::Valid;
    if unique {
        static UNIQUE: std::sync::OnceLock<Option<jsonschema::Validator>> = std::sync::OnceLock::new();
        let validator = UNIQUE.get_or_init(|| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&serde_json::json!({"uniqueItems": true}))
                .ok()
        });
        match validator {
            Some(v) if !v.is_valid(&value) => return Tri::Invalid,
            Some(_) => {}
            None => r = Tri::Unknown,
        }
    }
    if let Some(limit) = node.max_serialized
        && crate::validate::keywords::serialized_length(&value) > limit
    {
        return Tri::Invalid;
    }
    if containers && !node.enums.iter().all(|list| list.contains(&value)) {
        // With no fractional or exponent number on either side, values that
        // differ as `Value`s differ for jsonschema too: invalid. Otherwise (`1`
        // against `1.0`) jsonschema decides.
        let exact = !has_float(&value) && node.enums.iter().flatten().all(|m| !has_float(m));
        r = if exact { Tri::Invalid } else { Tri::Unknown };
    }
    r
}

/// Whether `value` holds a number that is not an integer in `serde_json`'s reading.
fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// Closes an object of `count` properties whose known names are the bits of
/// `seen` and whose other names' hashes start at `hash_base`: `Err` on a
/// repeated name (or a hash collision), else required names, counts,
/// deferrals and applicators.
pub(super) fn close_object(
    automaton: &Automaton,
    state: &State,
    scratch: &mut Scratch,
    base: usize,
    (hash_base, seen, count): (usize, u128, u64),
    span: Option<&str>,
) -> Result<(), ()> {
    let hashes = &mut scratch.hashes[hash_base..];
    if hashes.len() > 1 {
        hashes.sort_unstable();
        if hashes.windows(2).any(|w| w[0] == w[1]) {
            return Err(());
        }
    }
    scratch.hashes.truncate(hash_base);
    let results = &mut scratch.results[base..];
    for (p, n) in state.nodes.iter().enumerate() {
        let node = &automaton.nodes[*n];
        let required = state.required[p];
        let short = seen & required != required;
        let counts = node.min_properties.is_some_and(|m| count < m) || node.max_properties.is_some_and(|m| count > m);
        let dependent = state.dependent[p].iter().any(|(name, needed)| seen & name != 0 && seen & needed != *needed);
        if short || counts || dependent {
            results[p] = results[p].and(Tri::Invalid);
        }
    }
    let deferred = spans(automaton, state, OBJECT, results, span);
    if scratch.deferred.is_none() {
        scratch.deferred = deferred;
    }
    let results = &mut scratch.results[base..];
    settle(automaton, state, OBJECT, results);
    finish(state, results);
    Ok(())
}

/// A node that defers on `kind` defers whatever its children said: what it
/// does not implement may change what they mean (`patternProperties` makes
/// fewer names additional).
pub(super) fn settle(_automaton: &Automaton, state: &State, kind: TypeMask, results: &mut [Tri]) {
    for (p, facts) in state.facts.iter().enumerate() {
        if facts.typed(kind) == Some(Tri::Unknown) {
            results[p] = Tri::Unknown;
        }
    }
}

/// A property name: one the state knows (by index), or another (by hash).
pub(super) enum Hit {
    Known(usize),
    Other(u64),
}

struct KeySeed<'a> {
    state: &'a State,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Hit;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Hit, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Hit;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Hit, E> {
        Ok(lookup(self.state, name.as_bytes()))
    }
}

/// The state's key for `name`, or the name's hash. Names of up to 16 bytes
/// are compared as their words; longer ones byte by byte after the words match.
#[inline]
pub(super) fn lookup(state: &State, name: &[u8]) -> Hit {
    let (head, tail) = super::compile::key_words(name);
    let hash = super::compile::key_hash(head, tail, name.len());
    let table = &state.table;
    if !table.is_empty() {
        let mask = table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let s = &table[slot];
            if s.key == u16::MAX {
                break;
            }
            if s.head == head
                && s.tail == tail
                && s.len as usize == name.len()
                && (name.len() <= 16 || state.keys[s.key as usize].name.as_bytes() == name)
            {
                return Hit::Known(s.key as usize);
            }
            slot = (slot + 1) & mask;
        }
    }
    Hit::Other(hash)
}

/// A value no node constrains: parsed (so the text is JSON exactly where
/// `serde_json::Value` says it is), never built.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() { Ok(()) } else { Err(E::custom(ABANDON)) }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry_seed(Skip, Skip)?.is_some() {}
        Ok(())
    }
}
