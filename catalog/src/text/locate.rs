//! Maps a JSON pointer to the byte span of its value in the JSON text, and byte
//! offsets to 1-based line and column. Only run for payloads that fail, so the
//! cost of a second pass over the text is paid only when there is something to show.

use super::scan::{skip_ws, string_end, value_end};

/// Finds the byte span `(start, end)` of the value at `pointer` in `text`.
///
/// `pointer` is an RFC 6901 JSON pointer (`""` is the whole document). Returns
/// `None` when the text does not contain the path (for example when it is not
/// valid JSON). Never recurses, so deeply nested input cannot exhaust the stack.
pub fn locate_pointer(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if pointer.is_empty() {
        let end = value_end(bytes, pos)?;
        return Some((pos, end));
    }
    for raw in pointer.strip_prefix('/')?.split('/') {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match *bytes.get(pos)? {
            b'{' => {
                pos = skip_ws(bytes, pos + 1);
                loop {
                    if *bytes.get(pos)? != b'"' {
                        return None;
                    }
                    let key_end = string_end(bytes, pos)?;
                    let key: String = serde_json::from_str(&text[pos..key_end]).ok()?;
                    pos = skip_ws(bytes, key_end);
                    if *bytes.get(pos)? != b':' {
                        return None;
                    }
                    pos = skip_ws(bytes, pos + 1);
                    if key == segment {
                        break;
                    }
                    pos = skip_ws(bytes, value_end(bytes, pos)?);
                    match *bytes.get(pos)? {
                        b',' => pos = skip_ws(bytes, pos + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let index: usize = segment.parse().ok()?;
                pos = skip_ws(bytes, pos + 1);
                for _ in 0..index {
                    pos = skip_ws(bytes, value_end(bytes, pos)?);
                    match *bytes.get(pos)? {
                        b',' => pos = skip_ws(bytes, pos + 1),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
    }
    let end = value_end(bytes, pos)?;
    Some((pos, end))
}

/// The spans of the items of the array at `pointer` in `text`, in order; one
/// pass over the array, for finding many entries of a large document at once.
pub fn array_items(text: &str, pointer: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let (start, _) = locate_pointer(text, pointer)?;
    if bytes.get(start) != Some(&b'[') {
        return None;
    }
    let mut items = Vec::new();
    let mut pos = skip_ws(bytes, start + 1);
    if bytes.get(pos) == Some(&b']') {
        return Some(items);
    }
    loop {
        let end = value_end(bytes, pos)?;
        items.push((pos, end));
        pos = skip_ws(bytes, end);
        match *bytes.get(pos)? {
            b',' => pos = skip_ws(bytes, pos + 1),
            b']' => return Some(items),
            _ => return None,
        }
    }
}

/// The byte offset in `literal` (a JSON string literal, starting with its
/// opening quote) of the character that its decoded text has at 1-based
/// `line` and `column` (columns count characters, as [`LineIndex`] does).
/// Past the end of the text, the offset of the closing quote.
pub fn literal_offset(literal: &str, line: usize, column: usize) -> usize {
    let b = literal.as_bytes();
    let (mut l, mut c, mut i) = (1usize, 1usize, 1usize);
    let hex = |at: usize| literal.get(at..at + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
    while i < b.len() {
        if l > line || (l == line && c >= column) {
            return i;
        }
        match b[i] {
            b'"' => return i,
            b'\\' => match b.get(i + 1) {
                Some(b'n') => {
                    (l, c, i) = (l + 1, 1, i + 2);
                }
                Some(b'u') => {
                    let code = hex(i + 2);
                    i += 6;
                    // A surrogate pair is one character in two escapes.
                    if code.is_some_and(|h| (0xD800..0xDC00).contains(&h))
                        && b.get(i) == Some(&b'\\')
                        && b.get(i + 1) == Some(&b'u')
                    {
                        i += 6;
                    }
                    if code == Some(0x0A) {
                        (l, c) = (l + 1, 1);
                    } else {
                        c += 1;
                    }
                }
                Some(_) => {
                    (c, i) = (c + 1, i + 2);
                }
                None => return i,
            },
            byte => {
                let width = match byte {
                    0x00..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                (c, i) = (c + 1, i + width);
            }
        }
    }
    i.min(b.len())
}

/// Converts byte offsets in one text to 1-based line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// For texts with a line longer than [`CHECKPOINT`] bytes (a HAR written
    /// on one line): characters before each checkpoint's byte offset, so a
    /// column is counted from the nearest checkpoint, not from the line's start.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between column checkpoints.
const CHECKPOINT: usize = 1 << 16;

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        let long =
            starts.windows(2).any(|w| w[1] - w[0] > CHECKPOINT) || text.len() - starts[starts.len() - 1] > CHECKPOINT;
        let mut checkpoints = Vec::new();
        if long {
            let (mut at, mut chars) = (0usize, 0usize);
            while at < text.len() {
                let mut next = (at + CHECKPOINT).min(text.len());
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                at = next;
                checkpoints.push((at, chars));
            }
        }
        LineIndex { starts, checkpoints }
    }

    /// Characters in `text[..offset]` (`offset` on a character boundary), from the nearest checkpoint.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        let (at, chars) = if k == 0 { (0, 0) } else { self.checkpoints[k - 1] };
        chars + text.get(at..offset).map_or(offset - at, |s| s.chars().count())
    }

    /// 1-based `(line, column)` of byte `offset`; the column counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = if self.checkpoints.is_empty() || !text.is_char_boundary(offset) {
            text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start) + 1
        };
        (line + 1, column)
    }

    /// The byte range of 1-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_a_long_line_count_characters_from_checkpoints() {
        // One line of 300,000 bytes with multi-byte characters across checkpoint borders.
        let text: String =
            (0..100_000).map(|i| if i % 7 == 0 { 'é' } else { 'a' }).collect::<String>() + "\nb" + &"😀".repeat(40_000);
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        for offset in [0, 1, 65_535, 65_536, 65_537, 114_285, text.len() - 4, text.len()] {
            let offset = (offset..).find(|o| text.is_char_boundary(*o)).unwrap();
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = (text[..offset].matches('\n').count() + 1, text[line_start..offset].chars().count() + 1);
            assert_eq!(index.line_col(&text, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn maps_decoded_positions_into_a_literal() {
        let literal = r#""{\n  \"a\": \"\u00e9\ud83d\ude00x\"\n}""#;
        let decoded: String = serde_json::from_str(literal).unwrap();
        assert_eq!(decoded, "{\n  \"a\": \"é\u{1F600}x\"\n}");
        // Line 2, column 3 is the `"` before `a`.
        assert_eq!(&literal[literal_offset(literal, 2, 3)..][..3], "\\\"a");
        // Column 10 on line 2 is the emoji (a surrogate pair), column 11 the `x` after it.
        assert_eq!(&literal[literal_offset(literal, 2, 10)..][..6], "\\ud83d");
        assert_eq!(&literal[literal_offset(literal, 2, 11)..][..1], "x");
        assert_eq!(literal_offset(literal, 9, 1), literal.len() - 1, "past the end: the closing quote");
        let items = array_items(r#"{"a": [1, {"b": [2]}, "x,]"]}"#, "/a").unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(array_items("[]", ""), Some(vec![]));
    }

    #[test]
    fn locates_nested_values() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d~/e\": true\n}";
        let (s, e) = locate_pointer(text, "/a/b/1/c").unwrap();
        assert_eq!(&text[s..e], "\"x\"");
        let (s, e) = locate_pointer(text, "/d~0~1e").unwrap();
        assert_eq!(&text[s..e], "true");
        let (s, _) = locate_pointer(text, "").unwrap();
        assert_eq!(s, 0);
        assert!(locate_pointer(text, "/missing").is_none());
        assert!(locate_pointer(text, "/a/b/7").is_none());
    }

    #[test]
    fn escaped_keys_and_strings() {
        let text = r#"{"k\"ey": "v\\", "x": 1}"#;
        let (s, e) = locate_pointer(text, "/x").unwrap();
        assert_eq!(&text[s..e], "1");
        let (s, e) = locate_pointer(text, "/k\"ey").unwrap();
        assert_eq!(&text[s..e], r#""v\\""#);
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "{\n  \"é\": 1,\n  \"b\": 2\n}";
        let index = LineIndex::new(text);
        let (s, _) = locate_pointer(text, "/b").unwrap();
        assert_eq!(index.line_col(text, s), (3, 8));
        let (s, _) = locate_pointer(text, "/é").unwrap();
        assert_eq!(index.line_col(text, s), (2, 8));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let text = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(locate_pointer(&text, ""), Some((0, text.len())));
    }
}
