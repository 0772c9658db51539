//! Media types per RFC 6838 and RFC 9110 §8.3.1: `type/subtype` compared
//! case-insensitively, parameters (`charset`, ...) ignored, `type/*` and `*/*`
//! ranges, and structured-syntax suffixes (`application/problem+json`).

/// The essence of a media type: `type/subtype`, lower case, without parameters.
pub fn essence(media: &str) -> String {
    media.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// How specifically the declared media type (or range) `declared` covers the
/// actual `Content-Type` `actual`: 3 for the same type, 2 for `type/*`, 1 for
/// `*/*`; `None` when it does not cover it.
pub fn covers(declared: &str, actual: &str) -> Option<u8> {
    let (d, a) = (essence(declared), essence(actual));
    if d == a {
        return Some(3);
    }
    if d == "*/*" {
        return Some(1);
    }
    let (dt, ds) = d.split_once('/')?;
    let (at, asub) = a.split_once('/')?;
    if dt != at {
        return None;
    }
    if ds == "*" {
        return Some(2);
    }
    // `application/*+json`: any subtype with that structured-syntax suffix (RFC 6839).
    let suffix = ds.strip_prefix('*')?;
    (suffix.starts_with('+') && asub.ends_with(suffix)).then_some(2)
}

/// What a body of this media type is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON (`application/json`, `*/*+json`).
    Json,
    /// Text (`text/*`): the body is one string.
    Text,
    /// `application/x-www-form-urlencoded`: an object of form fields.
    Form,
    /// `multipart/form-data`: an object of parts.
    Multipart,
    /// Bytes (`application/octet-stream`, `image/*`, `audio/*`, `video/*`,
    /// `font/*`, archives, PDF): judged by size only.
    Binary,
    /// A structured type Accord does not parse (XML, YAML, protobuf, ...):
    /// never judged, always reported as unchecked.
    Unsupported,
}

impl BodyKind {
    /// The kind for a media type (or `Content-Type` value).
    pub fn of(media: &str) -> BodyKind {
        let e = essence(media);
        if e == "application/json" || e.ends_with("+json") || e == "*/*" || e == "application/*" {
            BodyKind::Json
        } else if e.starts_with("text/") {
            BodyKind::Text
        } else if e == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if e == "multipart/form-data" || e == "multipart/mixed" {
            BodyKind::Multipart
        } else if ["image/", "audio/", "video/", "font/"].iter().any(|p| e.starts_with(p))
            || [
                "application/octet-stream",
                "application/pdf",
                "application/zip",
                "application/gzip",
                "application/x-tar",
                "application/x-7z-compressed",
            ]
            .contains(&e.as_str())
        {
            BodyKind::Binary
        } else {
            BodyKind::Unsupported
        }
    }
}

/// Whether a media type or `Content-Type` value denotes JSON.
pub fn is_json_media(media: &str) -> bool {
    BodyKind::of(media) == BodyKind::Json
}

/// The value of parameter `name` (e.g. `boundary`) of a media type, unquoted.
pub fn parameter(media: &str, name: &str) -> Option<String> {
    media.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6838_matching() {
        assert_eq!(covers("application/json", "Application/JSON; charset=utf-8"), Some(3));
        assert_eq!(covers("application/*", "application/problem+json"), Some(2));
        assert_eq!(covers("*/*", "image/png"), Some(1));
        assert_eq!(covers("application/json", "application/problem+json"), None);
        assert_eq!(covers("application/*+json", "application/problem+json"), Some(2));
        assert_eq!(covers("application/*+json", "application/json"), None);
        assert_eq!(covers("text/*", "application/json"), None);
        assert!(is_json_media("application/vnd.api+json; charset=utf-8"));
        assert!(!is_json_media("text/plain"));
        assert_eq!(BodyKind::of("text/html; charset=utf-8"), BodyKind::Text);
        assert_eq!(BodyKind::of("multipart/form-data; boundary=x"), BodyKind::Multipart);
        assert_eq!(BodyKind::of("application/octet-stream"), BodyKind::Binary);
        assert_eq!(BodyKind::of("image/png"), BodyKind::Binary);
        assert_eq!(BodyKind::of("application/xml"), BodyKind::Unsupported);
        assert_eq!(parameter("multipart/form-data; boundary=\"a b\"", "BOUNDARY").as_deref(), Some("a b"));
    }
}
