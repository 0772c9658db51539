//! Server URLs (OpenAPI 3.1 §4.8.5) as templates: `https://{region}.api.example.com/{basePath}`
//! with its variables' `enum` and `default`, or a relative URL such as `/v2`.

use serde::Serialize;
use serde_json::Value;

/// One piece of a server URL template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Piece {
    /// Text that must appear as written (hosts compare case-insensitively).
    Literal(String),
    /// A `{variable}`: one of `values` when it has an `enum`, otherwise any text without `/`.
    Variable {
        /// The variable's name.
        name: String,
        /// Its `enum`, if declared.
        values: Option<Vec<String>>,
        /// Its `default`.
        default: String,
    },
}

/// A server: the host it allows (none for a relative URL) and its base path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Server {
    /// The URL as declared.
    pub url: String,
    /// The authority (`host[:port]`) template; `None` for a relative URL, which allows any host.
    #[serde(skip)]
    pub host: Option<Vec<Piece>>,
    /// The base path template, without a trailing `/`.
    #[serde(skip)]
    pub path: Vec<Piece>,
}

/// The servers of a `servers` array. An absent or empty array means the one server `/`.
pub fn servers(value: Option<&Value>) -> Vec<Server> {
    let mut out: Vec<Server> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let url = s.get("url")?.as_str()?;
            Some(parse(url, s.get("variables")))
        })
        .collect();
    if out.is_empty() {
        out.push(parse("/", None));
    }
    out
}

fn parse(url: &str, variables: Option<&Value>) -> Server {
    let (host, path) = match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => (Some(&rest[..i]), &rest[i..]),
            None => (Some(rest), ""),
        },
        // Protocol-relative `//host/path`, or a path relative to the document (taken from `/`).
        None => match url.strip_prefix("//") {
            Some(rest) => match rest.find('/') {
                Some(i) => (Some(&rest[..i]), &rest[i..]),
                None => (Some(rest), ""),
            },
            None => (None, url),
        },
    };
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() || path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    Server { url: url.to_string(), host: host.map(|h| pieces(h, variables)), path: pieces(&path, variables) }
}

fn pieces(text: &str, variables: Option<&Value>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            out.push(Piece::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        let var = variables.and_then(|v| v.get(name));
        let values = var
            .and_then(|v| v.get("enum"))
            .and_then(Value::as_array)
            .map(|vs| vs.iter().filter_map(Value::as_str).map(str::to_string).collect());
        let default = var.and_then(|v| v.get("default")).and_then(Value::as_str).unwrap_or_default().to_string();
        out.push(Piece::Variable { name: name.to_string(), values, default });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest.to_string()));
    }
    out
}

impl Server {
    /// Whether a request to `authority` (`host[:port]`, if the capture has one) may go to this server.
    pub fn allows_host(&self, authority: Option<&str>) -> bool {
        match (&self.host, authority) {
            (Some(template), Some(authority)) => {
                let authority = authority.to_ascii_lowercase();
                let bare = strip_default_port(&authority);
                ends(template, &authority, true).contains(&authority.len())
                    || ends(template, bare, true).contains(&bare.len())
            }
            _ => true,
        }
    }

    /// The rest of `path` after each way this server's base path can be a prefix of it.
    pub fn strip_base<'p>(&self, path: &'p str) -> Vec<&'p str> {
        let mut out: Vec<&str> = ends(&self.path, path, false)
            .into_iter()
            .map(|end| &path[end..])
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .map(|rest| if rest.is_empty() { "/" } else { rest })
            .collect();
        out.dedup();
        out
    }

    /// The server's URL with every variable at its default.
    pub fn default_url(&self) -> String {
        let render = |ps: &[Piece]| {
            ps.iter()
                .map(|p| match p {
                    Piece::Literal(s) => s.clone(),
                    Piece::Variable { default, .. } => default.clone(),
                })
                .collect::<String>()
        };
        match &self.host {
            Some(h) => format!("//{}{}", render(h), render(&self.path)),
            None => render(&self.path),
        }
    }
}

fn strip_default_port(authority: &str) -> &str {
    authority.strip_suffix(":443").or_else(|| authority.strip_suffix(":80")).unwrap_or(authority)
}

/// Every byte offset of `text` at which `template` can end when matched from its start.
fn ends(template: &[Piece], text: &str, fold_case: bool) -> Vec<usize> {
    let mut positions = vec![0usize];
    for piece in template {
        let mut next = Vec::new();
        for &at in &positions {
            let rest = &text[at..];
            match piece {
                Piece::Literal(lit) => {
                    let hit = rest
                        .get(..lit.len())
                        .is_some_and(|head| if fold_case { head.eq_ignore_ascii_case(lit) } else { head == lit });
                    if hit {
                        next.push(at + lit.len());
                    }
                }
                Piece::Variable { values: Some(values), .. } => {
                    for v in values {
                        let hit = rest
                            .get(..v.len())
                            .is_some_and(|head| if fold_case { head.eq_ignore_ascii_case(v) } else { head == v });
                        if hit {
                            next.push(at + v.len());
                        }
                    }
                }
                Piece::Variable { default, .. } => {
                    // Any text without `/`, or the default (which may hold slashes, e.g. `v2/beta`).
                    let limit = rest.find('/').unwrap_or(rest.len());
                    next.extend((1..=limit).filter(|&n| rest.is_char_boundary(n)).map(|n| at + n));
                    if rest.starts_with(default.as_str()) {
                        next.push(at + default.len());
                    }
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        positions = next;
        if positions.is_empty() {
            break;
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_with_variables() {
        let list = json!([{"url": "https://{region}.api.example.com/{basePath}",
            "variables": {"region": {"enum": ["eu", "us"], "default": "eu"}, "basePath": {"default": "v2"}}}]);
        let s = &servers(Some(&list))[0];
        assert!(s.allows_host(Some("eu.api.example.com")));
        assert!(s.allows_host(Some("US.api.example.com:443")));
        assert!(!s.allows_host(Some("ap.api.example.com")));
        assert!(s.allows_host(None), "a capture without a host is not held to one");
        assert_eq!(s.strip_base("/v2/pets/1"), ["/pets/1"]);
        assert_eq!(s.strip_base("/v3/pets"), ["/pets"]);
        assert_eq!(s.strip_base("/pets"), ["/"], "`pets` is a value of basePath");
        assert_eq!(s.default_url(), "//eu.api.example.com/v2");
    }

    #[test]
    fn relative_and_absent_servers() {
        let s = &servers(Some(&json!([{"url": "/api/v3"}])))[0];
        assert!(s.host.is_none() && s.allows_host(Some("anything.example")));
        assert_eq!(s.strip_base("/api/v3/pet"), ["/pet"]);
        assert!(s.strip_base("/api/v30/pet").is_empty());
        assert!(s.strip_base("/pet").is_empty());
        let any = &servers(None)[0];
        assert_eq!(any.strip_base("/pet"), ["/pet"]);
        let bare = &servers(Some(&json!([{"url": "https://api.example.com"}])))[0];
        assert_eq!(bare.strip_base("/pet"), ["/pet"]);
        assert!(!bare.allows_host(Some("evil.example")));
    }
}
