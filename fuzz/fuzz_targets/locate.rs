//! Location mapping: a JSON pointer (first line) located in a text (the rest)
//! gives a span inside the text, and every offset maps to a line:column inside it.
#![no_main]

use accord_catalog::text::{LineIndex, locate_pointer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(all) = std::str::from_utf8(data) else { return };
    let (pointer, text) = all.split_once('\n').unwrap_or(("", all));
    if let Some((start, end)) = locate_pointer(text, pointer) {
        assert!(start <= end && end <= text.len(), "span {start}..{end} outside {} bytes", text.len());
    }
    let index = LineIndex::new(text);
    let lines = text.split('\n').count();
    for offset in [0, text.len() / 3, text.len() / 2, text.len()] {
        let (line, column) = index.line_col(text, offset);
        assert!(line >= 1 && line <= lines && column >= 1);
        let (s, e) = index.line_range(text, line);
        assert!(s <= e && e <= text.len());
    }
});
