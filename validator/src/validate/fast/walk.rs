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
use crate::capture::index::{Abandon, Cursor, is_integer};

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
                let span = self.cursor.token();
                let s = self.cursor.string()?;
                self.seed(state, Some(span)).string(&s);
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
                let number = self.cursor.number()?;
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
        let results = &mut self.scratch.results;
        for (p, c) in &edge.links {
            let r = results[child_base + *c as usize];
            let slot = &mut results[base + *p as usize];
            *slot = slot.and(r);
        }
        results.truncate(child_base);
        Ok(())
    }

    /// A scalar judged by a leaf state's facts alone, when they decide (its
    /// type fails, defers, or is all the node checks); `None`, with nothing
    /// consumed, when the node must look at the value.
    fn leaf(&mut self, facts: Facts) -> Result<Option<Tri>, Abandon> {
        let decide = |kind: TypeMask| {
            if facts.types & kind == 0 {
                Some(Tri::Invalid)
            } else if facts.unknown_for & kind != 0 {
                Some(Tri::Unknown)
            } else if facts.plain & kind != 0 {
                Some(Tri::Valid)
            } else {
                None
            }
        };
        let kind = match self.cursor.byte()? {
            b'"' => STRING,
            b'-' | b'0'..=b'9' => {
                if is_integer(&crate::capture::index::number(self.cursor.token())?) {
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
                let edge = match eval::lookup(state, name.as_bytes()) {
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
                self.child(base, edge)?;
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
        if !self.cursor.empty(b']')? {
            loop {
                let edge = state.positions.get(count as usize).map_or(state.rest.as_ref(), Option::as_ref);
                self.child(base, edge)?;
                count += 1;
                if !self.cursor.separator(b']')? {
                    break;
                }
            }
        }
        let span = self.cursor.span_since(start);
        if let Some(d) = eval::close_array(automaton, state, &mut self.scratch.results[base..], count, Some(span)) {
            self.scratch.deferred.get_or_insert(d);
        }
        self.cursor.leave();
        Ok(())
    }
}
