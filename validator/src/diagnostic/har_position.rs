//! Positions in a HAR file for diagnostics about a body the HAR carries as a
//! JSON string: their own line:column count in the decoded payload; this finds
//! the same character inside the escaped string in the file.

use super::{Diagnostic, Direction, PositionBase};
use accord_catalog::text::{LineIndex, array_items, literal_offset, locate_pointer};

/// Whether `d` belongs to a HAR entry and has no file position yet: it is
/// positioned in a payload, or not at all (a header, the status, ...).
pub fn needs_har_position(d: &Diagnostic) -> bool {
    d.entry.is_some()
        && ((d.position_in == Some(PositionBase::Payload) && d.line.is_some() && d.direction.is_some())
            || d.line.is_none())
}

/// Sets a file position on every diagnostic that [`needs_har_position`],
/// given the HAR file's `text`. See [`HarPlacer`].
#[cfg(test)]
fn place_in_har(text: &str, diagnostics: &mut [Diagnostic]) {
    if let Some(placer) = HarPlacer::new(text) {
        placer.place(diagnostics);
    }
}

/// Finds file positions in one HAR file, entry after entry: made once per
/// file (one pass finds every entry), then used for each batch of findings.
/// Each body is located within its own entry. A finding in a base64 body
/// points at the start of the encoded text (a decoded position has no
/// counterpart in it); one outside any body points at the header, URL,
/// status or body it is about.
#[derive(Debug)]
pub struct HarPlacer<'t> {
    text: &'t str,
    entries: Vec<(usize, usize)>,
    index: LineIndex,
}

impl<'t> HarPlacer<'t> {
    /// Indexes the entries of the HAR `text`; `None` if it has no `/log/entries`.
    pub fn new(text: &'t str) -> Option<Self> {
        let entries = array_items(text, "/log/entries")?;
        Some(HarPlacer { text, entries, index: LineIndex::new(text) })
    }

    /// Sets a file position on every diagnostic that [`needs_har_position`].
    pub fn place(&self, diagnostics: &mut [Diagnostic]) {
        let (text, entries, index) = (self.text, &self.entries, &self.index);
        for d in diagnostics.iter_mut().filter(|d| needs_har_position(d)) {
            if d.line.is_none() {
                if let Some(&(start, end)) = d.entry.and_then(|e| entries.get(e)) {
                    let d = std::slice::from_mut(d);
                    super::capture_position::anchor_all_indexed(
                        text,
                        start,
                        &text[start..end],
                        1,
                        true,
                        Some(index),
                        d,
                    );
                }
                continue;
            }
            let (Some(entry), Some(line), Some(direction)) = (d.entry, d.line, d.direction) else { continue };
            let Some(&(start, end)) = entries.get(entry) else { continue };
            let (content, body) = match direction {
                Direction::Request => ("/request/postData", "/request/postData/text"),
                Direction::Response => ("/response/content", "/response/content/text"),
            };
            let entry_text = &text[start..end];
            let encoding = format!("{content}/encoding");
            if locate_pointer(entry_text, &encoding)
                .is_some_and(|(a, b)| entry_text[a..b].eq_ignore_ascii_case("\"base64\""))
            {
                if let Some((s, _)) = locate_pointer(entry_text, body) {
                    let (file_line, file_column) = index.line_col(text, start + s);
                    d.file_line = Some(file_line);
                    d.file_column = Some(file_column);
                }
                continue;
            }
            let Some((s, _)) = locate_pointer(entry_text, body) else { continue };
            if entry_text.as_bytes().get(s) != Some(&b'"') {
                continue;
            }
            let offset = start + s + literal_offset(&entry_text[s..], line, d.column.unwrap_or(1));
            let (file_line, file_column) = index.line_col(text, offset);
            d.file_line = Some(file_line);
            d.file_column = Some(file_column);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload_diag(entry: usize, direction: Direction, line: usize, column: usize) -> Diagnostic {
        let mut d = Diagnostic::error("type", "m", "x.har").with_entry(Some(entry));
        d.direction = Some(direction);
        (d.line, d.column, d.position_in) = (Some(line), Some(column), Some(PositionBase::Payload));
        d
    }

    #[test]
    fn finds_the_payload_character_inside_the_escaped_string() {
        let har = "{\"log\": {\"entries\": [\n {\"request\": {\"postData\": {\"text\": \"{\\n  \\\"a\\\": 1}\"}}},\n {\"response\": {\"content\": {\"text\": \"e30=\", \"encoding\": \"base64\"}}}\n]}}";
        let mut diags = vec![payload_diag(0, Direction::Request, 2, 3), payload_diag(1, Direction::Response, 1, 1)];
        place_in_har(har, &mut diags);
        let line = har.lines().nth(diags[0].file_line.unwrap() - 1).unwrap();
        let at: String = line.chars().skip(diags[0].file_column.unwrap() - 1).take(3).collect();
        assert_eq!(at, "\\\"a", "payload 2:3 is the quote before a");
        let line = har.lines().nth(diags[1].file_line.unwrap() - 1).unwrap();
        let at: String = line.chars().skip(diags[1].file_column.unwrap() - 1).take(5).collect();
        assert_eq!(at, "\"e30=", "a base64 body's findings point at the start of the encoded text");
    }
}
