//! The reviewed SIMD module: the only `unsafe` code in Accord.
//!
//! Each function classifies one 64-byte block into bit masks (bit `i` for
//! byte `i`): quotes, backslashes, the six structural operators
//! `{ } [ ] : ,`, JSON whitespace, and control characters (below 0x20). The
//! rest of the structural index (escapes, strings, scalars) is safe code on
//! those masks, shared by every width (`super::stage1`).
//!
//! Review notes: the `unsafe` here is of two kinds only.
//! 1. Unaligned loads from `block: &[u8; 64]`: every load reads 16, 32 or 64
//!    bytes at offset 0, 16, 32 or 48, so it stays inside the array.
//! 2. Calling a `#[target_feature]` function: [`Width::detect`] returns a
//!    width only after `is_x86_feature_detected!` confirmed the CPU has it,
//!    and [`Width`] values for x86 features cannot be made on other targets.
//!    A width forced by `ACCORD_SIMD` that the CPU lacks falls back to the
//!    best detected one (`super::Width::chosen`).

#![allow(unsafe_code)]

/// The masks of one 64-byte block.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Masks {
    /// `"`.
    pub quote: u64,
    /// `\`.
    pub backslash: u64,
    /// `{ } [ ] : ,`.
    pub op: u64,
    /// Space, tab, line feed, carriage return.
    pub whitespace: u64,
    /// Bytes below 0x20.
    pub control: u64,
}

/// The portable classifier: eight bytes at a time in a `u64` (SWAR).
pub fn classify_portable(block: &[u8; 64]) -> Masks {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // 0x80 in every byte of `v` equal to `byte`, exactly (no borrow between bytes).
    let eq = |v: u64, byte: u8| -> u64 {
        let x = v ^ (ONES * byte as u64);
        !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
    };
    // The top bit of each byte gathered into 8 bits (byte 0 to bit 0).
    let gather = |v: u64| -> u64 { ((v & 0x8080_8080_8080_8080) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56 };
    let mut m = Masks::default();
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        let shift = 8 * k as u32;
        m.quote |= gather(eq(v, b'"')) << shift;
        m.backslash |= gather(eq(v, b'\\')) << shift;
        let op = eq(v, b'{') | eq(v, b'}') | eq(v, b'[') | eq(v, b']') | eq(v, b':') | eq(v, b',');
        m.op |= gather(op) << shift;
        let ws = eq(v, b' ') | eq(v, b'\t') | eq(v, b'\n') | eq(v, b'\r');
        m.whitespace |= gather(ws) << shift;
        // Below 0x20: the top three bits are clear (the same exact zero test on them).
        let high3 = v & 0xe0e0_e0e0_e0e0_e0e0;
        let control = !(((high3 & LOW7).wrapping_add(LOW7)) | high3 | LOW7);
        m.control |= gather(control) << shift;
    }
    m
}

/// The SIMD widths this build can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// 64 bytes per instruction (x86-64 with AVX-512BW).
    Avx512,
    /// 32 bytes (x86-64 with AVX2).
    Avx2,
    /// 16 bytes (every x86-64).
    Sse2,
    /// Eight bytes in a `u64`, on any target.
    Portable,
}

impl Width {
    /// Every width, widest first.
    pub const ALL: [Width; 4] = [Width::Avx512, Width::Avx2, Width::Sse2, Width::Portable];

    /// Whether this CPU runs `self`.
    pub fn available(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Width::Avx512 => std::arch::is_x86_feature_detected!("avx512bw"),
            #[cfg(target_arch = "x86_64")]
            Width::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Width::Sse2 => true,
            Width::Portable => true,
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The widest width this CPU runs.
    pub fn detect() -> Width {
        Width::ALL.into_iter().find(|w| w.available()).unwrap_or(Width::Portable)
    }

    /// Its name, as `ACCORD_SIMD` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Width::Avx512 => "avx512",
            Width::Avx2 => "avx2",
            Width::Sse2 => "sse2",
            Width::Portable => "portable",
        }
    }

    /// Classifies `block`; `self` must be [`available`](Width::available).
    #[inline]
    pub fn classify(self, block: &[u8; 64]) -> Masks {
        match self {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: callers hold a width that `available` confirmed (see `super::Width::chosen`).
            Width::Avx512 => unsafe { x86::classify_avx512(block) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above, AVX2 was detected.
            Width::Avx2 => unsafe { x86::classify_avx2(block) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is part of every x86-64 CPU.
            Width::Sse2 => unsafe { x86::classify_sse2(block) },
            _ => classify_portable(block),
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Masks;
    use std::arch::x86_64::*;

    /// SSE2 is part of x86-64: always present.
    #[target_feature(enable = "sse2")]
    pub fn classify_sse2(block: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for k in 0..4 {
            // SAFETY: reads bytes 16k..16k+16 of a 64-byte array (k < 4).
            let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * k).cast()) };
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let bits = |x: __m128i| (_mm_movemask_epi8(x) as u16 as u64) << (16 * k);
            m.quote |= bits(eq(b'"'));
            m.backslash |= bits(eq(b'\\'));
            let op = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(eq(b'{'), eq(b'}')), _mm_or_si128(eq(b'['), eq(b']'))),
                _mm_or_si128(eq(b':'), eq(b',')),
            );
            m.op |= bits(op);
            let ws = _mm_or_si128(_mm_or_si128(eq(b' '), eq(b'\t')), _mm_or_si128(eq(b'\n'), eq(b'\r')));
            m.whitespace |= bits(ws);
            // Unsigned b < 0x20  <=>  max(b, 0x1f) == 0x1f.
            let low = _mm_set1_epi8(0x1f);
            m.control |= bits(_mm_cmpeq_epi8(_mm_max_epu8(v, low), low));
        }
        m
    }

    #[target_feature(enable = "avx2")]
    pub fn classify_avx2(block: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for k in 0..2 {
            // SAFETY: reads bytes 32k..32k+32 of a 64-byte array (k < 2).
            let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * k).cast()) };
            let eq = |b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
            let bits = |x: __m256i| (_mm256_movemask_epi8(x) as u32 as u64) << (32 * k);
            m.quote |= bits(eq(b'"'));
            m.backslash |= bits(eq(b'\\'));
            let op = _mm256_or_si256(
                _mm256_or_si256(_mm256_or_si256(eq(b'{'), eq(b'}')), _mm256_or_si256(eq(b'['), eq(b']'))),
                _mm256_or_si256(eq(b':'), eq(b',')),
            );
            m.op |= bits(op);
            let ws = _mm256_or_si256(_mm256_or_si256(eq(b' '), eq(b'\t')), _mm256_or_si256(eq(b'\n'), eq(b'\r')));
            m.whitespace |= bits(ws);
            let low = _mm256_set1_epi8(0x1f);
            m.control |= bits(_mm256_cmpeq_epi8(_mm256_max_epu8(v, low), low));
        }
        m
    }

    #[target_feature(enable = "avx512bw")]
    pub fn classify_avx512(block: &[u8; 64]) -> Masks {
        // SAFETY: reads the 64 bytes of the array.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let eq = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
        Masks {
            quote: eq(b'"'),
            backslash: eq(b'\\'),
            op: eq(b'{') | eq(b'}') | eq(b'[') | eq(b']') | eq(b':') | eq(b','),
            whitespace: eq(b' ') | eq(b'\t') | eq(b'\n') | eq(b'\r'),
            control: _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20)),
        }
    }
}
