//! Deciding what kind of capture a file holds, from its content.

/// The kinds of input `accord check` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// HTTP Archive 1.2 (browser devtools, mitmproxy, Charles, Fiddler).
    Har,
    /// One capture envelope per line.
    Ndjson,
    /// One capture envelope: `{"operation"?, "request"?, "response"?}`.
    Envelope,
    /// A bare request or response body (needs `--operation` and `--direction`).
    Payload,
}

/// Guesses the kind of a file from its first bytes (up to 64 KiB are enough).
pub fn detect(prefix: &[u8]) -> InputKind {
    let text = String::from_utf8_lossy(prefix);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with('{') {
        return InputKind::Payload;
    }
    let after_brace = trimmed[1..].trim_start();
    if after_brace.starts_with("\"log\"") {
        return InputKind::Har;
    }
    // NDJSON: the first line is a whole object and another object line follows.
    let mut lines = trimmed.lines().map(str::trim).filter(|l| !l.is_empty());
    if let (Some(first), Some(second)) = (lines.next(), lines.next())
        && second.starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok()
        && first.ends_with('}')
    {
        return InputKind::Ndjson;
    }
    // An envelope has `request` or `response` at the top; other keys (a log
    // pipeline's timestamps and ids) may stand beside them. A bare payload with
    // such keys is read as a payload when `--direction` says it is one.
    let keys = top_level_keys(after_brace);
    if keys.iter().any(|k| k == "request" || k == "response") {
        return InputKind::Envelope;
    }
    InputKind::Payload
}

/// The keys of the top-level object, as far as the prefix shows them.
fn top_level_keys(after_brace: &str) -> Vec<String> {
    let mut keys = Vec::new();
    // Scan lexically: track depth, collect strings at depth 0 followed by ':'.
    let bytes = after_brace.as_bytes();
    let (mut depth, mut pos) = (0i32, 0usize);
    while pos < bytes.len() {
        match bytes[pos] {
            b'"' => {
                let start = pos;
                pos += 1;
                while pos < bytes.len() && bytes[pos] != b'"' {
                    pos += if bytes[pos] == b'\\' { 2 } else { 1 };
                }
                let end = (pos + 1).min(bytes.len());
                let mut next = end;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                if depth == 0
                    && bytes.get(next) == Some(&b':')
                    && let Ok(k) = serde_json::from_str::<String>(&after_brace[start..end])
                {
                    keys.push(k);
                }
                pos = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            _ => {}
        }
        pos += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind() {
        assert_eq!(detect(b"{\n  \"log\": {\"version\": \"1.2\"}}"), InputKind::Har);
        assert_eq!(detect(b"{\"request\": {}}\n{\"response\": {}}\n"), InputKind::Ndjson);
        assert_eq!(
            detect(b"{\"operation\": \"x\", \"response\": {\"status\": 200, \"body\": {\"a\": 1}}}"),
            InputKind::Envelope
        );
        assert_eq!(detect(b"{\"requestOrderId\": \"x\"}"), InputKind::Payload);
        assert_eq!(detect(b"{\"operation\": \"x\"}"), InputKind::Payload);
        assert_eq!(detect(b""), InputKind::Payload);
        assert_eq!(detect(b"\xef\xbb\xbf{\"log\":{}}"), InputKind::Har);
        // A log pipeline's keys beside the envelope's.
        assert_eq!(
            detect(b"{\"ts\": \"2026-11-27T06:00:00Z\", \"traceId\": \"ab\", \"response\": {\"status\": 200}}"),
            InputKind::Envelope
        );
    }
}
