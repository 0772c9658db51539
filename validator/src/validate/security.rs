//! Whether a request meets its operation's security requirements: any one
//! requirement object, with every scheme in it (OpenAPI 3.1 §4.8.30).
//!
//! What a capture can show is checked: an API key's header, query parameter or
//! cookie is present and not empty; `Authorization` carries the HTTP scheme's
//! word (`Basic`, `Bearer`, ...) and credentials; OAuth 2.0 and OpenID Connect
//! carry a bearer token. Mutual TLS happens below HTTP and cannot be seen.

use super::parameter::Carried;
use crate::contract::{ParameterIn, Requirement, SchemeKind, SecurityScheme};

/// The result of checking one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Some requirement is met (or none is declared).
    Met,
    /// Some requirement needs only mutual TLS (with nothing else unmet): cannot be judged from a capture.
    Unseen,
    /// No requirement is met: why each failed.
    Unmet(Vec<String>),
}

/// Checks `carried` against `requirements` (alternatives).
pub fn check(requirements: &[Requirement], carried: &Carried<'_>) -> Verdict {
    if requirements.is_empty() {
        return Verdict::Met;
    }
    let mut reasons = Vec::new();
    let mut unseen = false;
    for requirement in requirements {
        let mut failed = None;
        let mut needs_tls = false;
        for scheme in &requirement.schemes {
            match missing(scheme, carried) {
                Some(why) => {
                    failed = Some(why);
                    break;
                }
                None if scheme.kind == SchemeKind::MutualTls => needs_tls = true,
                None => {}
            }
        }
        match failed {
            None if needs_tls => unseen = true,
            None => return Verdict::Met,
            Some(why) => reasons.push(why),
        }
    }
    if unseen { Verdict::Unseen } else { Verdict::Unmet(reasons) }
}

/// The first requirement every scheme of which the request shows (for
/// coverage: the requirement it used), if any.
pub fn met(requirements: &[Requirement], carried: &Carried<'_>) -> Option<usize> {
    requirements.iter().position(|r| r.schemes.iter().all(|s| missing(s, carried).is_none()))
}

/// Why `scheme` is not satisfied, or `None` when it is (or cannot be seen).
fn missing(scheme: &SecurityScheme, carried: &Carried<'_>) -> Option<String> {
    let header = |name: &str| {
        carried.headers.into_iter().flatten().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    };
    let authorization = |word: &str| -> Option<String> {
        match header("authorization") {
            None => Some(format!(
                "{} needs an `Authorization: {} ...` header, which is missing",
                scheme.describe(),
                title(word)
            )),
            Some(v) => {
                let mut parts = v.trim().splitn(2, ' ');
                let sent = parts.next().unwrap_or("");
                let credentials = parts.next().unwrap_or("").trim();
                if !sent.eq_ignore_ascii_case(word) {
                    Some(format!(
                        "{} needs `Authorization: {} ...`; the header uses the `{}` scheme",
                        scheme.describe(),
                        title(word),
                        shown_word(sent)
                    ))
                } else if credentials.is_empty() {
                    Some(format!("{} needs credentials after `{}`; there are none", scheme.describe(), title(word)))
                } else {
                    None
                }
            }
        }
    };
    match &scheme.kind {
        SchemeKind::ApiKey { name, location } => {
            let value = match location {
                ParameterIn::Header => header(name),
                ParameterIn::Query => carried.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()),
                ParameterIn::Cookie => carried.cookies.iter().find(|(k, _)| k == name).map(|(_, v)| *v),
                ParameterIn::Path => None,
            };
            match value {
                Some(v) if !v.trim().is_empty() => None,
                Some(_) => Some(format!("{} is sent empty", scheme.describe())),
                None => Some(format!("{} is missing", scheme.describe())),
            }
        }
        SchemeKind::Http { scheme: word } => authorization(word),
        SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => authorization("bearer"),
        SchemeKind::MutualTls => None,
    }
}

fn title(word: &str) -> String {
    let mut c = word.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The scheme word as sent, unless it looks like a credential rather than a word.
fn shown_word(word: &str) -> String {
    if word.len() <= 16 && word.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
        word.to_string()
    } else {
        "<unrecognised>".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(name: &str, kind: SchemeKind) -> SecurityScheme {
        SecurityScheme { name: name.into(), kind, scopes: Vec::new() }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn alternatives_and_conjunctions() {
        let bearer = scheme("bearer", SchemeKind::Http { scheme: "bearer".into() });
        let key = scheme("key", SchemeKind::ApiKey { name: "X-Key".into(), location: ParameterIn::Header });
        let oauth = scheme("oauth", SchemeKind::OAuth2);
        let either = vec![Requirement { schemes: vec![bearer.clone()] }, Requirement { schemes: vec![oauth] }];
        let both = vec![Requirement { schemes: vec![bearer.clone(), key.clone()] }];
        let h = headers(&[("Authorization", "Bearer t")]);
        let with_token = Carried::new(None, None, Some(&h));
        assert_eq!(check(&either, &with_token), Verdict::Met);
        assert!(matches!(check(&both, &with_token), Verdict::Unmet(r) if r[0].contains("X-Key")));
        let h = headers(&[("Authorization", "Basic dTpw")]);
        let basic = Carried::new(None, None, Some(&h));
        assert!(matches!(check(&either, &basic), Verdict::Unmet(r) if r.len() == 2 && r[0].contains("`Basic` scheme")));
        let anonymous = vec![Requirement { schemes: vec![bearer] }, Requirement { schemes: vec![] }];
        assert_eq!(check(&anonymous, &Carried::new(None, None, Some(&[]))), Verdict::Met);
        let tls = vec![Requirement { schemes: vec![scheme("mtls", SchemeKind::MutualTls)] }];
        assert_eq!(check(&tls, &Carried::new(None, None, Some(&[]))), Verdict::Unseen);
        let query_key = vec![Requirement {
            schemes: vec![scheme("q", SchemeKind::ApiKey { name: "api_key".into(), location: ParameterIn::Query })],
        }];
        assert_eq!(check(&query_key, &Carried::new(Some("/x?api_key=s3cret"), None, Some(&[]))), Verdict::Met);
        let cookie_key = vec![Requirement {
            schemes: vec![scheme("c", SchemeKind::ApiKey { name: "sid".into(), location: ParameterIn::Cookie })],
        }];
        let h = headers(&[("Cookie", "a=1; sid=")]);
        assert!(
            matches!(check(&cookie_key, &Carried::new(None, None, Some(&h))), Verdict::Unmet(r) if r[0].contains("empty"))
        );
    }
}
