//! OpenAPI path templates: `/v1.0/mall/plugin/order/{order_id}`.

use std::collections::BTreeMap;

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A segment with parameters, split into literal prefix, names and separators.
    Pattern(Vec<Piece>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone)]
pub struct PathTemplate {
    segments: Vec<Segment>,
}

impl PathTemplate {
    /// Parses a template; `{name}` may stand for a whole segment or part of one.
    pub fn parse(template: &str) -> Self {
        let segments = template
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if !s.contains('{') {
                    return Segment::Literal(s.to_string());
                }
                let mut pieces = Vec::new();
                let mut rest = s;
                while let Some(open) = rest.find('{') {
                    if open > 0 {
                        pieces.push(Piece::Text(rest[..open].to_string()));
                    }
                    let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
                    pieces.push(Piece::Param(rest[open + 1..close].to_string()));
                    rest = rest.get(close + 1..).unwrap_or("");
                }
                if !rest.is_empty() {
                    pieces.push(Piece::Text(rest.to_string()));
                }
                Segment::Pattern(pieces)
            })
            .collect();
        PathTemplate { segments }
    }

    /// How many segments are literal (for preferring specific matches).
    pub fn literal_count(&self) -> usize {
        self.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count()
    }

    /// The parameters if `path` matches, percent-decoded.
    pub fn matches(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(lit) => {
                    if lit != part && decode(part) != *lit {
                        return None;
                    }
                }
                Segment::Pattern(pieces) => match_pieces(pieces, part, &mut params)?,
            }
        }
        Some(params)
    }
}

fn match_pieces(pieces: &[Piece], mut part: &str, params: &mut BTreeMap<String, String>) -> Option<()> {
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(t) => part = part.strip_prefix(t.as_str())?,
            Piece::Param(name) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Text(next)) => part.find(next.as_str())?,
                    _ => part.len(),
                };
                if end == 0 {
                    return None;
                }
                params.insert(name.clone(), decode(&part[..end]));
                part = &part[end..];
            }
        }
    }
    part.is_empty().then_some(())
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| s.to_string(), |(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_and_partial_segments() {
        let t = PathTemplate::parse("/v1.0/mall/plugin/order/{order_id}");
        assert_eq!(t.matches("/v1.0/mall/plugin/order/12%2034").unwrap()["order_id"], "12 34");
        assert!(t.matches("/v1.0/mall/plugin/order/").is_none());
        assert!(t.matches("/v1.0/mall/plugin/order/1/2").is_none());
        let t = PathTemplate::parse("/files/{name}.{ext}");
        let p = t.matches("/files/report.pdf").unwrap();
        assert_eq!((p["name"].as_str(), p["ext"].as_str()), ("report", "pdf"));
        assert_eq!(t.literal_count(), 1);
    }
}
