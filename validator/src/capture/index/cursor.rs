//! Reading JSON along a structural index: the grammar, with no schema.
//!
//! A [`Cursor`] stands on one structural position at a time. It checks
//! that each position holds what may come next, that each scalar's text (up
//! to the next position, less whitespace) is a whole literal, number or
//! string, and that nesting stays within serde_json's limit, so a text it
//! accepts is one `serde_json::Value` accepts. Strings are sliced out only
//! where a caller asks for them; numbers are read by serde_json itself
//! except plain integers.

use serde_json::Number;
use std::borrow::Cow;

/// Why a reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandon {
    /// The text is not JSON as `serde_json::Value` reads it.
    Parse,
    /// A repeated property name where it matters.
    Repeated,
}

/// serde_json's nesting limit (it refuses the 128th level).
const MAX_DEPTH: u32 = 127;

/// A position in a text and its structural index.
pub struct Cursor<'a> {
    text: &'a str,
    positions: &'a [u32],
    escapes: bool,
    /// The next position to read.
    pub at: usize,
    depth: u32,
}

/// The kind of scalar a number is, as the fast path classifies it.
pub fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

impl<'a> Cursor<'a> {
    /// A cursor on `positions[0]`; `escapes` says whether some string of
    /// `text` holds a backslash.
    pub fn new(text: &'a str, positions: &'a [u32], escapes: bool) -> Self {
        Cursor { text, positions, escapes, at: 0, depth: 0 }
    }

    /// Whether every position has been read.
    pub fn done(&self) -> bool {
        self.at == self.positions.len()
    }

    /// The byte at the current position.
    pub fn byte(&self) -> Result<u8, Abandon> {
        let p = *self.positions.get(self.at).ok_or(Abandon::Parse)?;
        Ok(self.text.as_bytes()[p as usize])
    }

    /// The byte offset of the current position.
    pub fn offset(&self) -> usize {
        self.positions.get(self.at).map_or(self.text.len(), |p| *p as usize)
    }

    /// The text from byte `start` to the end of the last position read (a
    /// container just closed).
    pub fn span_since(&self, start: usize) -> &'a str {
        let text: &'a str = self.text;
        let end = self.at.checked_sub(1).and_then(|i| self.positions.get(i)).map_or(start, |p| *p as usize + 1);
        &text[start..end.max(start)]
    }

    /// Whether some string of the text holds a backslash.
    pub fn escapes(&self) -> bool {
        self.escapes
    }

    /// The end of the scalar at position `at` (the next position, less whitespace).
    fn token_end(&self, at: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = self.positions.get(at + 1).map_or(bytes.len(), |p| *p as usize);
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        end
    }

    /// The scalar token at the current position (not consumed).
    pub fn token(&self) -> &'a str {
        let start = self.positions[self.at] as usize;
        let text: &'a str = self.text;
        &text[start..self.token_end(self.at)]
    }

    /// The string at the current position, consumed: its text with the
    /// quotes, and whether it holds a backslash.
    pub fn string_literal(&mut self) -> Result<(&'a str, bool), Abandon> {
        let start = *self.positions.get(self.at).ok_or(Abandon::Parse)? as usize;
        let end = self.token_end(self.at);
        self.at += 1;
        let text: &'a str = self.text;
        if end < start + 2 || text.as_bytes()[start] != b'"' || text.as_bytes()[end - 1] != b'"' {
            return Err(Abandon::Parse);
        }
        let literal = text.get(start..end).ok_or(Abandon::Parse)?;
        let escaped = self.escapes && memchr::memchr(b'\\', literal.as_bytes()).is_some();
        Ok((literal, escaped))
    }

    /// Steps over a string stage one saw end (when the text has no escapes,
    /// only whitespace lies between its closing quote and the next position).
    pub fn skip_string(&mut self) -> Result<(), Abandon> {
        if self.escapes {
            let (literal, escaped) = self.string_literal()?;
            if escaped {
                decode(literal, escaped)?;
            }
        } else {
            self.at += 1;
        }
        Ok(())
    }

    /// The string at the current position, consumed and decoded.
    pub fn string(&mut self) -> Result<Cow<'a, str>, Abandon> {
        let (literal, escaped) = self.string_literal()?;
        decode(literal, escaped)
    }

    /// The number at the current position, consumed.
    pub fn number(&mut self) -> Result<Number, Abandon> {
        let n = number(self.token())?;
        self.at += 1;
        Ok(n)
    }

    /// The literal `true`, `false` or `null` at the current position, consumed.
    pub fn literal(&mut self) -> Result<serde_json::Value, Abandon> {
        let value = match self.token().as_bytes() {
            b"true" => serde_json::Value::Bool(true),
            b"false" => serde_json::Value::Bool(false),
            b"null" => serde_json::Value::Null,
            _ => return Err(Abandon::Parse),
        };
        self.at += 1;
        Ok(value)
    }

    /// Steps into the object or array at the current position.
    pub fn enter(&mut self) -> Result<(), Abandon> {
        self.depth += 1;
        self.at += 1;
        if self.depth > MAX_DEPTH { Err(Abandon::Parse) } else { Ok(()) }
    }

    /// Steps out of an object or array.
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Consumes the closing `close` if it is next (an empty object or array).
    pub fn empty(&mut self, close: u8) -> Result<bool, Abandon> {
        if self.byte()? == close {
            self.at += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// After a member: `,` (more follow) or the closing `close` (the end).
    pub fn separator(&mut self, close: u8) -> Result<bool, Abandon> {
        let b = self.byte()?;
        self.at += 1;
        match b {
            b',' => Ok(true),
            b if b == close => Ok(false),
            _ => Err(Abandon::Parse),
        }
    }

    /// A property name and its colon, consumed: decoded only when it holds a
    /// backslash. The hottest step of a walk, so it reads the name's two
    /// positions (its opening quote, the colon) directly.
    #[inline]
    pub fn name(&mut self) -> Result<Cow<'a, str>, Abandon> {
        let text: &'a str = self.text;
        let bytes = text.as_bytes();
        let (Some(&open), Some(&colon)) = (self.positions.get(self.at), self.positions.get(self.at + 1)) else {
            return Err(Abandon::Parse);
        };
        let (open, colon) = (open as usize, colon as usize);
        if bytes[open] != b'"' || bytes[colon] != b':' {
            return Err(Abandon::Parse);
        }
        let mut end = colon;
        while end > open + 1 && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        if end < open + 2 || bytes[end - 1] != b'"' {
            return Err(Abandon::Parse);
        }
        self.at += 2;
        let literal = text.get(open..end).ok_or(Abandon::Parse)?;
        let escaped = self.escapes && memchr::memchr(b'\\', literal.as_bytes()).is_some();
        decode(literal, escaped)
    }

    /// Steps over one value, checking it is JSON.
    pub fn skip(&mut self) -> Result<(), Abandon> {
        match self.byte()? {
            b'{' => {
                self.enter()?;
                if !self.empty(b'}')? {
                    loop {
                        self.name()?;
                        self.skip()?;
                        if !self.separator(b'}')? {
                            break;
                        }
                    }
                }
                self.leave();
                Ok(())
            }
            b'[' => {
                self.enter()?;
                if !self.empty(b']')? {
                    loop {
                        self.skip()?;
                        if !self.separator(b']')? {
                            break;
                        }
                    }
                }
                self.leave();
                Ok(())
            }
            b'"' => self.skip_string(),
            b't' | b'f' | b'n' => self.literal().map(drop),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            _ => Err(Abandon::Parse),
        }
    }
}

/// A string literal's value: a slice of the text, or decoded as serde_json decodes it.
#[inline]
pub fn decode(literal: &str, escaped: bool) -> Result<Cow<'_, str>, Abandon> {
    if escaped {
        serde_json::from_str::<String>(literal).map(Cow::Owned).map_err(|_| Abandon::Parse)
    } else {
        Ok(Cow::Borrowed(&literal[1..literal.len() - 1]))
    }
}

/// A number's value as `serde_json::Value` reads it: a plain integer of at
/// most 18 digits is read here, any other text by serde_json itself (grammar,
/// range, `-0`, fractions); `Err` when it is not a JSON number in range.
pub fn number(token: &str) -> Result<Number, Abandon> {
    let bytes = token.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    let plain = !digits.is_empty()
        && digits.len() <= 18
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || (digits.len() == 1 && !negative));
    if plain {
        let magnitude = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
        return Ok(Number::from(if negative { -magnitude } else { magnitude }));
    }
    serde_json::from_str::<Number>(token).map_err(|_| Abandon::Parse)
}
