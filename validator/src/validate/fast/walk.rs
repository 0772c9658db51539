//! Stage two: the automaton walks the structural index.
//!
//! [`Walk`] moves a [`Cursor`] from one structural position to the next.
//! At a property name it hashes the name's bytes in place (no allocation,
//! no decoding unless the name holds a backslash) and looks it up in the
//! state's table; a value no node constrains is stepped over by its
//! positions alone. A string is sliced out of the text only where a node
//! reads it, a number read only where a node reads it or its text could be
//! out of range, and a scalar whose state checks only its type is judged
//! from its first byte without touching the result stack. What
//! `serde_json::Value` would reject abandons the walk, and the document
//! goes to the full path.

use super::compile::{Automaton, Edge, Facts, StateId};
use super::eval::{self, Defer, Hit, Scratch, StateSeed, Tri};
use super::{ARRAY, BOOLEAN, INTEGER, NULL, NUMBER, OBJECT, STRING, TypeMask};
use crate::capture::index::{Abandon, Cursor, decode, is_integer, number};

/// One walk of the automaton over an index.
pub struct Walk<'a> {
    cursor: Cursor<'a>,
    automaton: &'a Automaton,
    scratch: &'a mut Scratch,
}

impl<'a> Walk<'a> {
    /// A walk of the value the cursor stands on.
    pub fn new(automaton: &'a Automaton, scratch: &'a mut Scratch, cursor: Cursor<'a>) -> Self {
        Walk { cursor, automaton, scratch }
    }

    /// Judges the one value the positions hold (the root state), which
    /// must use them all.
    pub fn document(mut self) -> Result<Tri, Abandon> {
        self.scratch.results.clear();
        self.scratch.hashes.clear();
        self.scratch.deferred = None;
        self.value(Some(self.automaton.root))?;
        if !self.cursor.done() {
            return Err(Abandon::Parse);
        }
        Ok(eval::root_result(self.automaton, self.scratch))
    }

    fn seed(&mut self, state: StateId, span: Option<&'a str>) -> StateSeed<'_> {
        StateSeed { automaton: self.automaton, state, scratch: &mut *self.scratch, span }
    }

    /// Walks one value; judges it in `state`, or only checks it is JSON.
    fn value(&mut self, state: Option<StateId>) -> Result<(), Abandon> {
        let Some(state) = state else { return self.cursor.skip() };
        match self.cursor.byte()? {
            b'{' => self.object(state),
            b'[' => self.array(state),
            b'"' => {
                let (literal, escaped) = self.cursor.string_literal()?;
                let s = decode(literal, escaped)?;
                self.seed(state, Some(literal)).string(&s);
                Ok(())
            }
            b't' | b'f' | b'n' => {
                let span = self.cursor.token();
                let value = self.cursor.literal()?;
                let kind = if value.is_null() { NULL } else { BOOLEAN };
                self.seed(state, Some(span)).simple(kind, value);
                Ok(())
            }
            b'-' | b'0'..=b'9' => {
                let span = self.cursor.token();
                let number = number(span)?;
                self.cursor.at += 1;
                self.seed(state, Some(span)).number(number);
                Ok(())
            }
            _ => Err(Abandon::Parse),
        }
    }

    /// Judges the value along `edge` (or checks it) and folds its results into `base`.
    fn child(&mut self, base: usize, edge: Option<&Edge>) -> Result<(), Abandon> {
        let Some(edge) = edge else { return self.cursor.skip() };
        let automaton = self.automaton;
        if let Some(facts) = automaton.states[edge.state].leaf
            && let Some(r) = self.leaf(facts)?
        {
            if r == Tri::Unknown && self.scratch.deferred.is_none() {
                self.scratch.deferred = Some(Defer::Keyword(automaton.states[edge.state].nodes[0]));
            }
            for (p, _) in &edge.links {
                let slot = &mut self.scratch.results[base + *p as usize];
                *slot = slot.and(r);
            }
            return Ok(());
        }
        let child_base = self.scratch.results.len();
        self.value(Some(edge.state))?;
        self.fold(base, child_base, edge);
        Ok(())
    }

    /// An other name's value along `edge`, folded only into the positions
    /// whose patterns did not match the name (`patterned`).
    fn other_except(&mut self, base: usize, edge: &Edge, patterned: u128) -> Result<(), Abandon> {
        let links: Vec<(u16, u16)> = edge.links.iter().copied().filter(|(p, _)| patterned & (1 << *p) == 0).collect();
        if links.is_empty() {
            return self.cursor.skip();
        }
        let child_base = self.scratch.results.len();
        self.value(Some(edge.state))?;
        self.fold(base, child_base, &Edge { state: edge.state, links });
        Ok(())
    }

    /// Folds the child results at `child_base` into the parent's at `base`, and drops them.
    fn fold(&mut self, base: usize, child_base: usize, edge: &Edge) {
        let results = &mut self.scratch.results;
        for (p, c) in &edge.links {
            let r = results[child_base + *c as usize];
            let slot = &mut results[base + *p as usize];
            *slot = slot.and(r);
        }
        results.truncate(child_base);
    }

    /// A scalar judged by a leaf state's facts alone, when they decide (its
    /// type fails, defers, or is all the node checks); `None`, with nothing
    /// consumed, when the node must look at the value.
    fn leaf(&mut self, facts: Facts) -> Result<Option<Tri>, Abandon> {
        let decide = |kind: TypeMask| facts.typed(kind).or((facts.plain & kind != 0).then_some(Tri::Valid));
        let kind = match self.cursor.byte()? {
            b'"' => STRING,
            b'-' | b'0'..=b'9' => {
                if is_integer(&number(self.cursor.token())?) {
                    INTEGER
                } else {
                    NUMBER
                }
            }
            b't' | b'f' => BOOLEAN,
            b'n' => NULL,
            _ => return Ok(None),
        };
        let Some(r) = decide(kind) else { return Ok(None) };
        match kind {
            STRING => self.cursor.skip_string()?,
            BOOLEAN | NULL => drop(self.cursor.literal()?),
            _ => self.cursor.at += 1,
        }
        Ok(Some(r))
    }

    fn object(&mut self, id: StateId) -> Result<(), Abandon> {
        let start = self.cursor.offset();
        self.cursor.enter()?;
        let automaton = self.automaton;
        let state = &automaton.states[id];
        let base = self.seed(id, None).open(OBJECT);
        if state.too_many_keys {
            // More names than the state tracks: unknown, and the members only checked.
            self.scratch.deferred.get_or_insert(Defer::TooManyKeys);
            for r in &mut self.scratch.results[base..] {
                *r = (*r).max(Tri::Unknown);
            }
            if !self.cursor.empty(b'}')? {
                loop {
                    self.cursor.name()?;
                    self.cursor.skip()?;
                    if !self.cursor.separator(b'}')? {
                        break;
                    }
                }
            }
            eval::finish(state, &mut self.scratch.results[base..]);
            self.cursor.leave();
            return Ok(());
        }
        let hash_base = self.scratch.hashes.len();
        let (mut seen, mut count) = (0u128, 0u64);
        if !self.cursor.empty(b'}')? {
            loop {
                let name = self.cursor.name()?;
                count += 1;
                if let Some(names) = &state.names {
                    // `propertyNames`: the name judged as a string.
                    let child_base = self.scratch.results.len();
                    self.seed(names.state, None).string(&name);
                    self.fold(base, child_base, names);
                }
                // `patternProperties`: the value walked in each matching pattern's state
                // (from the same positions), and those positions left out of `additionalProperties`.
                let mut patterned: u128 = 0;
                if !state.patterns.is_empty() {
                    let value = self.cursor.at;
                    for (p, k, edge) in &state.patterns {
                        let (regex, _) = &automaton.nodes[state.nodes[*p as usize]].pattern_properties[*k];
                        // A pattern that hits the backtracking limit: jsonschema decides.
                        if regex.is_match(name.as_ref()).map_err(|_| Abandon::Parse)? {
                            patterned |= 1 << *p;
                            self.cursor.at = value;
                            self.child(base, Some(edge))?;
                        }
                    }
                    self.cursor.at = value;
                }
                let hit = eval::lookup(state, name.as_bytes());
                let other = matches!(hit, Hit::Other(_));
                let edge = match hit {
                    Hit::Known(i) => {
                        let key = &state.keys[i];
                        let bit = 1u128 << key.bit;
                        if seen & bit != 0 {
                            return Err(Abandon::Repeated);
                        }
                        seen |= bit;
                        key.edge.as_ref()
                    }
                    Hit::Other(hash) => {
                        if state.dedupe_other {
                            self.scratch.hashes.push(hash);
                        }
                        state.other.as_ref()
                    }
                };
                match (edge, other) {
                    (Some(edge), true) if patterned != 0 => self.other_except(base, edge, patterned)?,
                    _ => self.child(base, edge)?,
                }
                if !self.cursor.separator(b'}')? {
                    break;
                }
            }
        }
        let span = self.cursor.span_since(start);
        eval::close_object(automaton, state, self.scratch, base, (hash_base, seen, count), Some(span))
            .map_err(|()| Abandon::Repeated)?;
        self.cursor.leave();
        Ok(())
    }

    fn array(&mut self, id: StateId) -> Result<(), Abandon> {
        let start = self.cursor.offset();
        self.cursor.enter()?;
        let automaton = self.automaton;
        let state = &automaton.states[id];
        let base = self.seed(id, None).open(ARRAY);
        let mut count: u64 = 0;
        // `contains`: per position, the items valid and unknown in its schema.
        let mut tally = vec![(0u64, 0u64); if state.contains.is_some() { state.nodes.len() } else { 0 }];
        if !self.cursor.empty(b']')? {
            loop {
                let edge = state.positions.get(count as usize).map_or(state.rest.as_ref(), Option::as_ref);
                let item = self.cursor.at;
                self.child(base, edge)?;
                if let Some(contains) = &state.contains {
                    // The same item again, from the same positions: no second tokenization.
                    let after = std::mem::replace(&mut self.cursor.at, item);
                    let child_base = self.scratch.results.len();
                    self.value(Some(contains.state))?;
                    debug_assert_eq!(self.cursor.at, after);
                    for (p, c) in &contains.links {
                        match self.scratch.results[child_base + *c as usize] {
                            Tri::Valid => tally[*p as usize].0 += 1,
                            Tri::Unknown => tally[*p as usize].1 += 1,
                            Tri::Invalid => {}
                        }
                    }
                    self.scratch.results.truncate(child_base);
                }
                count += 1;
                if !self.cursor.separator(b']')? {
                    break;
                }
            }
        }
        for (p, (valid, unknown)) in tally.into_iter().enumerate() {
            let node = &automaton.nodes[state.nodes[p]];
            if node.contains.is_none() {
                continue;
            }
            let (min, max) = (node.min_contains.unwrap_or(1), node.max_contains);
            let r = if valid >= min && max.is_none_or(|m| valid + unknown <= m) {
                Tri::Valid
            } else if valid + unknown < min || max.is_some_and(|m| valid > m) {
                Tri::Invalid
            } else {
                Tri::Unknown
            };
            let slot = &mut self.scratch.results[base + p];
            *slot = slot.and(r);
        }
        let span = self.cursor.span_since(start);
        if let Some(d) = eval::close_array(automaton, state, &mut self.scratch.results[base..], count, Some(span)) {
            self.scratch.deferred.get_or_insert(d);
        }
        self.cursor.leave();
        Ok(())
    }
}
