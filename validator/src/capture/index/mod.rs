//! The structural index: stage one of the fast path's front end.
//!
//! As in simdjson (Langdale and Lemire, "Parsing Gigabytes of JSON per
//! Second", 2019), each 64-byte block is classified into bit masks by SIMD
//! compares ([`simd`], the one module with `unsafe`), and plain integer
//! arithmetic on those masks finds which quotes are escaped, which bytes are
//! inside strings (a prefix XOR of the quote mask), and so the position of
//! every structural character outside strings: `{ } [ ] : ,`, each opening
//! quote, and the first byte of every number and literal. A [`Cursor`]
//! reads JSON along those positions (the envelope reader finds its fields
//! with one), and the fast path's automaton walks them
//! (`crate::validate::fast`); nothing between them is read unless needed.
//!
//! The width (AVX-512BW, AVX2, SSE2, or a portable eight-bytes-in-a-`u64`
//! classifier) is chosen once at run time; `ACCORD_SIMD=avx512|avx2|sse2|portable`
//! forces one (a width the CPU lacks is not taken). Every width gives the
//! same index, which the tests check against a byte-at-a-time reference.

mod cursor;
pub mod simd;

pub use cursor::{Abandon, Cursor, decode, is_integer, number};

pub use simd::Width;
use std::sync::OnceLock;

/// How the fast path reads a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontEnd {
    /// A SIMD structural index walked by the automaton (the default).
    Index,
    /// serde_json's parser driving the automaton through a `DeserializeSeed`
    /// (the first front end, kept as the reference the index is compared with).
    Serde,
}

impl FrontEnd {
    /// The front end in use: `Index`, or `Serde` when the environment sets
    /// `ACCORD_FAST_FRONT_END=serde` (the reference for side-by-side benches:
    /// then envelopes are read by serde too, and bodies tokenized again).
    pub fn chosen() -> FrontEnd {
        static CHOSEN: std::sync::OnceLock<FrontEnd> = std::sync::OnceLock::new();
        *CHOSEN.get_or_init(|| match std::env::var("ACCORD_FAST_FRONT_END").as_deref() {
            Ok("serde") => FrontEnd::Serde,
            _ => FrontEnd::Index,
        })
    }
}

/// Why a text has no index. The walk then leaves the document to the full
/// path, which reports what is wrong with it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexError {
    /// A control character (below 0x20) inside a string.
    Control,
    /// A string that does not end.
    Unterminated,
    /// Longer than positions of 32 bits can address.
    TooLong,
}

/// The structural positions of one text.
#[derive(Debug, Default, Clone)]
pub struct Index {
    /// Byte offsets of the structural characters, in order.
    pub positions: Vec<u32>,
    /// Whether some string holds a backslash (then strings are decoded
    /// exactly where they are read, and checked where they are skipped).
    pub escapes: bool,
}

const ODD: u64 = 0xAAAA_AAAA_AAAA_AAAA;

/// What one block leaves to the next.
#[derive(Default)]
struct Carry {
    /// The next block's first byte is escaped.
    escaped: u64,
    /// All ones when the block ends inside a string.
    in_string: u64,
    /// 1 when the block ends in a scalar byte (not a quote).
    scalar: u64,
}

impl Carry {
    /// The bytes escaped by a backslash (simdjson's odd-length series).
    fn escaped(&mut self, backslash: u64) -> u64 {
        if backslash == 0 {
            return std::mem::take(&mut self.escaped);
        }
        let potential = backslash & !self.escaped;
        let maybe_escaped = (potential << 1) | ODD;
        let codes = maybe_escaped.wrapping_sub(potential) ^ ODD;
        let escaped = codes ^ (backslash | self.escaped);
        self.escaped = (codes & backslash) >> 63;
        escaped
    }
}

/// Each bit set when an odd number of bits at or below it are set.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

impl Width {
    /// The width every index is built with: the widest the CPU runs, unless
    /// `ACCORD_SIMD` names another it runs.
    pub fn chosen() -> Width {
        static CHOSEN: OnceLock<Width> = OnceLock::new();
        *CHOSEN.get_or_init(|| {
            let forced = std::env::var("ACCORD_SIMD").ok();
            Width::ALL
                .into_iter()
                .find(|w| forced.as_deref() == Some(w.name()) && w.available())
                .unwrap_or_else(Width::detect)
        })
    }
}

impl Index {
    /// Indexes `text` with the chosen width, reusing this index's storage.
    pub fn build(&mut self, text: &[u8]) -> Result<(), IndexError> {
        self.build_with(text, Width::chosen())
    }

    /// Indexes `text` with `width` (the portable one if the CPU lacks it).
    pub fn build_with(&mut self, text: &[u8], width: Width) -> Result<(), IndexError> {
        let width = if width.available() { width } else { Width::Portable };
        self.positions.clear();
        self.escapes = false;
        if text.len() >= u32::MAX as usize {
            return Err(IndexError::TooLong);
        }
        let mut carry = Carry::default();
        let mut chunks = text.chunks_exact(64);
        let mut offset = 0u32;
        for chunk in &mut chunks {
            let block: &[u8; 64] = chunk.try_into().map_err(|_| IndexError::TooLong)?;
            self.block(width.classify(block), &mut carry, offset)?;
            offset += 64;
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last block, padded with spaces (whitespace: no structure, no scalar).
            let mut block = [b' '; 64];
            block[..rest.len()].copy_from_slice(rest);
            self.block(width.classify(&block), &mut carry, offset)?;
        }
        if carry.in_string != 0 {
            return Err(IndexError::Unterminated);
        }
        Ok(())
    }

    #[inline]
    fn block(&mut self, m: simd::Masks, carry: &mut Carry, offset: u32) -> Result<(), IndexError> {
        let escaped = carry.escaped(m.backslash);
        let quote = m.quote & !escaped;
        // Inside a string: from an opening quote up to (not including) its closing quote.
        let in_string = prefix_xor(quote) ^ carry.in_string;
        carry.in_string = ((in_string as i64) >> 63) as u64;
        if m.control & in_string != 0 {
            return Err(IndexError::Control);
        }
        if m.backslash & in_string != 0 {
            self.escapes = true;
        }
        // A string's content and its closing quote.
        let string_tail = in_string ^ quote;
        let scalar = !(m.op | m.whitespace);
        let nonquote_scalar = scalar & !quote;
        let follows_scalar = (nonquote_scalar << 1) | carry.scalar;
        carry.scalar = nonquote_scalar >> 63;
        let mut structural = (m.op | (scalar & !follows_scalar)) & !string_tail;
        self.positions.reserve(structural.count_ones() as usize);
        while structural != 0 {
            self.positions.push(offset + structural.trailing_zeros());
            structural &= structural - 1;
        }
        Ok(())
    }
}

/// A byte-at-a-time reference of [`Index::build`], for the tests: the same
/// positions and flags, or the same error.
pub fn reference(text: &[u8]) -> Result<Index, IndexError> {
    if text.len() >= u32::MAX as usize {
        return Err(IndexError::TooLong);
    }
    let mut index = Index::default();
    let (mut in_string, mut escaped, mut after_scalar) = (false, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_string {
            if b < 0x20 {
                return Err(IndexError::Control);
            }
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
                index.escapes = true;
            } else if b == b'"' {
                in_string = false;
            }
            after_scalar = false;
            continue;
        }
        let quote = b == b'"' && !escaped;
        escaped = !escaped && b == b'\\';
        match b {
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                index.positions.push(i as u32);
                after_scalar = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' => after_scalar = false,
            _ if quote => {
                if !after_scalar {
                    index.positions.push(i as u32);
                }
                in_string = true;
                after_scalar = false;
            }
            _ => {
                if !after_scalar {
                    index.positions.push(i as u32);
                }
                after_scalar = true;
            }
        }
    }
    if in_string {
        return Err(IndexError::Unterminated);
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_width(text: &[u8]) {
        let expected = reference(text).map(|i| (i.positions, i.escapes));
        for width in Width::ALL.into_iter().filter(|w| w.available()) {
            let mut index = Index::default();
            let got = index.build_with(text, width).map(|()| (index.positions.clone(), index.escapes));
            assert_eq!(got, expected, "{} on {:?}", width.name(), String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn widths_agree_with_the_reference() {
        let cases: &[&[u8]] = &[
            b"",
            b"   ",
            br#"{"a":1,"b":[true,false,null],"c":"x\"y","d":-1.5e3}"#,
            br#"["\\", "\\\"", "\\\\\"", "a\\\\"]"#,
            b"\"unterminated",
            b"\"control\x01\"",
            br#"{"a" : "b" , "c":[ 1 , 2 ]}"#,
            br#"tru e 12x "a"b"#,
            br#"\"abc" "#,
        ];
        for case in cases {
            every_width(case);
        }
        // Blocks of every length around the 64-byte boundary, escapes across it.
        for n in 0..200 {
            let mut text = vec![b'['];
            text.extend(std::iter::repeat_n(b'"', 1));
            text.extend(std::iter::repeat_n(b'\\', n % 7));
            text.extend(std::iter::repeat_n(b'x', n));
            text.extend(br#"","y",1,{"k":null}]"#);
            every_width(&text);
        }
    }

    #[test]
    fn random_bytes_agree_with_the_reference() {
        // A fixed xorshift: no dependency, the same bytes every run.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = b"{}[]:,\"\\ \t\n\r\x01abc0-19e.tfn";
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 300) as usize;
            let text: Vec<u8> = (0..len)
                .map(|i| {
                    let r = state.rotate_left(i as u32 % 64) ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    alphabet[(r % alphabet.len() as u64) as usize]
                })
                .collect();
            every_width(&text);
        }
    }
}
