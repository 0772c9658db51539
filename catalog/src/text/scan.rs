//! Lexical JSON scanning shared by location mapping and redaction: skipping
//! whitespace, strings and whole values by bytes, without recursion, so any
//! nesting depth is safe.

/// The offset of the first non-whitespace byte at or after `pos`.
pub fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// The offset just past the string starting at `start` (a `"`), if it is terminated.
pub fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start + 1;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' => pos += 2,
            b'"' => return Some(pos + 1),
            _ => pos += 1,
        }
    }
    None
}

/// The offset just past the value starting at `start`, if it is complete.
pub fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut pos = start;
            while pos < bytes.len() {
                match bytes[pos] {
                    b'"' => {
                        pos = string_end(bytes, pos)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(pos + 1);
                        }
                    }
                    _ => {}
                }
                pos += 1;
            }
            None
        }
        _ => {
            let mut pos = start;
            while pos < bytes.len() && !matches!(bytes[pos], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                pos += 1;
            }
            (pos > start).then_some(pos)
        }
    }
}
