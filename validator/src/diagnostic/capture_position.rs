//! File positions for findings that are not inside a body: a header, a query
//! or path parameter, a cookie, the status, a security requirement, a body
//! that could not be read, an unrouted exchange. They point at the place in
//! the HAR entry or capture envelope that carries it: the header's entry, the
//! URL, the status, the body's text.

use super::{Diagnostic, Direction, Part, PositionBase};
use accord_catalog::text::{LineIndex, locate_pointer};
use serde_json::Value;

/// Whether `d` belongs to an entry but has no position yet.
pub fn needs_anchor(d: &Diagnostic) -> bool {
    d.line.is_none()
}

/// Sets a file position on every diagnostic of `diagnostics` that [`needs_anchor`],
/// given the text of its HAR entry or envelope (`text`, which starts at byte
/// `offset` of `container`, whose first line is file line `first_line`).
pub fn anchor_all(
    container: &str,
    offset: usize,
    text: &str,
    first_line: usize,
    har: bool,
    diagnostics: &mut [Diagnostic],
) {
    anchor_all_indexed(container, offset, text, first_line, har, None, diagnostics);
}

/// [`anchor_all`] with the line index of `container` already built (a HAR
/// file's, shared by all its entries, so placing each finding costs no pass over the file).
pub fn anchor_all_indexed(
    container: &str,
    offset: usize,
    text: &str,
    first_line: usize,
    har: bool,
    shared: Option<&LineIndex>,
    diagnostics: &mut [Diagnostic],
) {
    let mut parsed: Option<Option<Value>> = None;
    let mut own: Option<LineIndex> = None;
    for d in diagnostics.iter_mut().filter(|d| needs_anchor(d)) {
        let value = parsed.get_or_insert_with(|| serde_json::from_str(text).ok());
        let Some(value) = value.as_ref() else { return };
        let Some(at) = anchors(d, har, value).into_iter().find_map(|p| locate_pointer(text, &p)) else { continue };
        let index = match shared {
            Some(index) => index,
            None => own.get_or_insert_with(|| LineIndex::new(container)),
        };
        let (line, column) = index.line_col(container, offset + at.0);
        d.line = Some(line + first_line - 1);
        d.column = Some(column);
        d.position_in = Some(PositionBase::File);
    }
}

/// Pointers (best first) into a HAR entry or an envelope for what `d` is about.
fn anchors(d: &Diagnostic, har: bool, entry: &Value) -> Vec<String> {
    let side = match d.direction {
        Some(Direction::Response) => "/response",
        _ => "/request",
    };
    let name = d
        .instance_path
        .as_deref()
        .and_then(|p| p.strip_prefix('/'))
        .map(|p| p.split('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~"))
        .unwrap_or_default();
    let mut out = Vec::new();
    match d.part {
        None => out.extend(["/request/url".to_string(), "/request".into(), "/operation".into()]),
        Some(Part::Header) => {
            for header in [name.as_str(), "cookie", "authorization"] {
                if let Some(p) = header_pointer(entry, side, header) {
                    out.push(p);
                }
            }
            out.push(format!("{side}/headers"));
        }
        Some(Part::Query) => {
            if har && let Some(i) = named_item(entry.pointer("/request/queryString"), &name, false) {
                out.push(format!("/request/queryString/{i}"));
            }
            out.push("/request/url".into());
        }
        Some(Part::Path) => out.push("/request/url".into()),
        Some(Part::Status) => out.push("/response/status".into()),
        Some(Part::Body) => {
            if har {
                let content = if side == "/request" { "/request/postData" } else { "/response/content" };
                out.push(format!("{content}/text"));
                out.push(content.into());
            } else {
                out.push(format!("{side}/body"));
                out.push(format!("{side}/bodyText"));
            }
        }
    }
    out.push(side.into());
    out.push(String::new());
    out
}

/// The pointer to header `name` (case-insensitive) in a list of `{name, value}` or a map.
fn header_pointer(entry: &Value, side: &str, name: &str) -> Option<String> {
    let headers = entry.pointer(&format!("{side}/headers"))?;
    match headers {
        Value::Object(map) => map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .map(|k| format!("{side}/headers/{}", k.replace('~', "~0").replace('/', "~1"))),
        Value::Array(_) => named_item(Some(headers), name, true).map(|i| format!("{side}/headers/{i}")),
        _ => None,
    }
}

fn named_item(list: Option<&Value>, name: &str, fold_case: bool) -> Option<usize> {
    list?.as_array()?.iter().position(|item| {
        item.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| if fold_case { n.eq_ignore_ascii_case(name) } else { n == name })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_point_at_headers_urls_and_statuses() {
        let entry = "{\"request\": {\"method\": \"GET\", \"url\": \"/x?limit=31\",\n \"headers\": [{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"x-key\", \"value\": \"\"}]},\n \"response\": {\"status\": 503, \"content\": {\"text\": \"e30=\", \"encoding\": \"base64\"}}}";
        let mut diags = vec![
            Diagnostic::error("required", "m", "f").with_entry(Some(0)),
            Diagnostic::error("maximum", "m", "f").with_entry(Some(0)),
            Diagnostic::error("status", "m", "f").with_entry(Some(0)),
            Diagnostic::error("encoding", "m", "f").with_entry(Some(0)),
        ];
        (diags[0].part, diags[0].instance_path, diags[0].direction) =
            (Some(Part::Header), Some("/X-Key".into()), Some(Direction::Request));
        (diags[1].part, diags[1].direction) = (Some(Part::Query), Some(Direction::Request));
        (diags[2].part, diags[2].direction) = (Some(Part::Status), Some(Direction::Response));
        (diags[3].part, diags[3].direction) = (Some(Part::Body), Some(Direction::Response));
        let container = format!("{{\"log\": {{\"entries\": [\n{entry}]}}}}");
        let offset = container.find("{\"request\"").unwrap();
        anchor_all(&container, offset, entry, 1, true, &mut diags);
        let at = |d: &Diagnostic| {
            let line = container.lines().nth(d.line.unwrap() - 1).unwrap();
            line.chars().skip(d.column.unwrap() - 1).take(12).collect::<String>()
        };
        assert_eq!(at(&diags[0]), "{\"name\": \"x-");
        assert_eq!(at(&diags[1]), "\"/x?limit=31");
        assert_eq!(at(&diags[2]), "503, \"conten");
        assert_eq!(at(&diags[3]), "\"e30=\", \"enc");
        assert!(diags.iter().all(|d| d.position_in == Some(PositionBase::File)));
    }
}
