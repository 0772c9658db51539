//! The line of a JSON pointer in block-style YAML: each segment is found as a
//! `key:` (or the N-th `- ` item) indented deeper than its parent. Flow-style
//! collections (`{a: 1}`, `[1, 2]`) are not entered: the position is then
//! their parent's, which is still the right line to look at.

/// The 1-based line and column of the value at `pointer` in `text`, or of the
/// nearest enclosing key that can be found.
pub fn locate_yaml_pointer(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    locate_in(&lines, pointer)
}

/// A YAML document's lines, split once, for many look-ups in one text.
#[derive(Debug, Clone)]
pub struct YamlLines {
    lines: Vec<String>,
}

impl YamlLines {
    /// Splits `text` into lines.
    pub fn new(text: &str) -> Self {
        YamlLines { lines: text.lines().map(str::to_string).collect() }
    }

    /// What [`locate_yaml_pointer`] gives for this text.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        locate_in(&self.lines, pointer)
    }
}

fn locate_in<L: AsRef<str>>(lines: &[L], pointer: &str) -> Option<(usize, usize)> {
    let mut start = 0usize; // first line of the current node's block
    let mut parent_indent: isize = -1;
    let mut found = Some((1usize, 1usize));
    let segments = pointer.strip_prefix('/').map(|p| p.split('/').collect::<Vec<_>>()).unwrap_or_default();
    for raw in segments {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let mut hit = None;
        let mut item = 0usize;
        let mut child_indent: Option<usize> = None;
        for (i, line) in lines.iter().map(AsRef::as_ref).enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if (indent as isize) <= parent_indent {
                break;
            }
            let indent_here = *child_indent.get_or_insert(indent);
            if indent != indent_here {
                continue;
            }
            if trimmed.starts_with("- ") || trimmed == "-" {
                if segment.parse::<usize>() == Ok(item) {
                    hit = Some((i, indent, indent + 2));
                    break;
                }
                item += 1;
                continue;
            }
            if key_of(trimmed).is_some_and(|k| k == segment) {
                hit = Some((i, indent, indent));
                break;
            }
        }
        let Some((line, indent, column)) = hit else { return found };
        found = Some((line + 1, column + 1));
        // The node's children are the deeper-indented lines below it. (The first
        // key of a `- key: value` item shares the dash's line and is not searched:
        // a pointer to it stops at the item.)
        parent_indent = indent as isize;
        start = line + 1;
    }
    found
}

/// The key of a `key: value` line (quotes removed), if it is one.
fn key_of(line: &str) -> Option<&str> {
    let line = line.strip_prefix("- ").unwrap_or(line);
    if let Some(rest) = line.strip_prefix('"') {
        let close = rest.find('"')?;
        return rest[close + 1..].trim_start().starts_with(':').then(|| &rest[..close]);
    }
    if let Some(rest) = line.strip_prefix('\'') {
        let close = rest.find('\'')?;
        return rest[close + 1..].trim_start().starts_with(':').then(|| &rest[..close]);
    }
    let colon = line.find(": ").or_else(|| line.ends_with(':').then(|| line.len() - 1))?;
    Some(line[..colon].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_items_in_block_yaml() {
        let text = "openapi: 3.1.0\npaths:\n  /pets:\n    get:\n      parameters:\n        - name: limit\n          in: query\n        - name: tag\n          in: query\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(locate_yaml_pointer(text, "/paths/~1pets/get"), Some((4, 5)));
        assert_eq!(locate_yaml_pointer(text, "/paths/~1pets/get/responses/200/description"), Some((12, 11)));
        assert_eq!(locate_yaml_pointer(text, "/paths/~1pets/get/parameters/1"), Some((8, 11)));
        assert_eq!(locate_yaml_pointer(text, "/paths/~1pets/get/missing"), Some((4, 5)), "the nearest enclosing key");
    }
}
