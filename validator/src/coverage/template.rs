//! Missing in spec: traffic no operation matches, grouped by an inferred
//! path template, so `/v2/users/123` and `/v2/users/456` are one endpoint,
//! `/v2/users/{id}`.
//!
//! A segment becomes a parameter on its own when it looks like a value
//! rather than a name: a number (`{id}`), a UUID (`{uuid}`), a date
//! (`{date}`), an e-mail address (`{email}`), an opaque token mixing letters
//! and digits (`{id}`), or a slug of three or more words (`{slug}`). Version
//! segments (`v2`, `v1.1`, `2.0`) stay literal. Then, across groups, a
//! position where three or more groups differ only by a literal segment
//! (`/users/alice/repos`, `/users/bob/repos`, ...) becomes `{name}`.

use std::collections::BTreeMap;

/// Most groups kept; traffic to further templates is only counted.
pub const MAX_GROUPS: usize = 1000;
/// Literal paths kept per group, as examples.
const EXAMPLES: usize = 3;
/// How many groups must differ at one literal position to merge into `{name}`.
const MERGE_AT: usize = 3;

/// One undocumented endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// The inferred template (`/v2/users/{id}`).
    pub template: String,
    /// Requests by method.
    pub methods: BTreeMap<String, u64>,
    /// Responses by status (`none` when the capture has no response).
    pub statuses: BTreeMap<String, u64>,
    /// Exchanges in the group.
    pub count: u64,
    /// Up to three paths as sent (query left out), the first in sorted order.
    pub examples: Vec<String>,
}

/// The groups of unrouted traffic, bounded in number.
#[derive(Debug, Default)]
pub struct Missing {
    groups: BTreeMap<String, Group>,
    /// Exchanges to templates past [`MAX_GROUPS`].
    pub dropped: u64,
}

impl Missing {
    /// Counts one unrouted exchange.
    pub fn add(&mut self, method: &str, path: &str, status: Option<u16>) {
        let template = infer(path);
        if !self.groups.contains_key(&template) && self.groups.len() >= MAX_GROUPS {
            self.dropped += 1;
            return;
        }
        let group = self.groups.entry(template.clone()).or_insert_with(|| Group { template, ..Group::default() });
        group.count += 1;
        *group.methods.entry(method.to_ascii_uppercase()).or_default() += 1;
        let status = status.map_or("none".to_string(), |s| s.to_string());
        *group.statuses.entry(status).or_default() += 1;
        add_example(&mut group.examples, path);
    }

    /// The groups, with literal positions shared by several merged; busiest first.
    pub fn groups(&self) -> Vec<Group> {
        let mut groups: Vec<Group> = self.groups.values().cloned().collect();
        loop {
            let merged = merge_once(&mut groups);
            if !merged {
                break;
            }
        }
        groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.template.cmp(&b.template)));
        groups
    }
}

/// Keeps the [`EXAMPLES`] smallest distinct paths, sorted: the same
/// examples whatever order the exchanges were counted in.
fn add_example(examples: &mut Vec<String>, path: &str) {
    if let Err(at) = examples.binary_search_by(|e| e.as_str().cmp(path))
        && at < EXAMPLES
    {
        examples.insert(at, path.to_string());
        examples.truncate(EXAMPLES);
    }
}

/// The template of one path (query and fragment dropped).
pub fn infer(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<String> = path.split('/').map(|s| segment(s).unwrap_or_else(|| s.to_string())).collect();
    let joined = segments.join("/");
    if joined.is_empty() { "/".to_string() } else { joined }
}

/// The parameter a segment stands for, when it looks like a value.
fn segment(s: &str) -> Option<String> {
    if s.is_empty() || is_version(s) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    let s = decoded.as_ref();
    let name = if s.bytes().all(|b| b.is_ascii_digit()) {
        "id"
    } else if is_uuid(s) {
        "uuid"
    } else if is_date(s) {
        "date"
    } else if s.contains('@') && s.contains('.') {
        "email"
    } else if is_token(s) {
        "id"
    } else if is_slug(s) {
        "slug"
    } else {
        return None;
    };
    Some(format!("{{{name}}}"))
}

/// `v2`, `v1.1`, `V3`, `2.0`.
fn is_version(s: &str) -> bool {
    let digits = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let dotted = digits.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    dotted && (s.len() != digits.len() || digits.contains('.'))
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `2024-05-01`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// An opaque identifier: letters and digits mixed (`ord_8f7Zk2Lq`, a hex digest).
fn is_token(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
    let plain = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    plain && letters > 0 && ((s.len() >= 16 && digits > 0) || (s.len() >= 6 && digits >= 3))
}

/// Three or more lower-case words joined by hyphens (`my-first-post`).
fn is_slug(s: &str) -> bool {
    let words: Vec<&str> = s.split('-').collect();
    words.len() >= 3
        && words.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Merges groups that differ at one literal position only, when at least
/// [`MERGE_AT`] do; returns whether anything merged.
fn merge_once(groups: &mut Vec<Group>) -> bool {
    let mut buckets: BTreeMap<(usize, String), Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        let segments: Vec<&str> = g.template.split('/').collect();
        for p in 1..segments.len() {
            let s = segments[p];
            if s.is_empty() || s.starts_with('{') || is_version(s) {
                continue;
            }
            let mut shape = segments.clone();
            shape[p] = "\u{0}";
            buckets.entry((p, shape.join("/"))).or_default().push(i);
        }
    }
    let Some(((p, _), members)) = buckets.into_iter().find(|(_, m)| m.len() >= MERGE_AT) else { return false };
    let mut merged = Group::default();
    let mut segments: Vec<String> = groups[members[0]].template.split('/').map(str::to_string).collect();
    segments[p] = "{name}".to_string();
    merged.template = segments.join("/");
    for &i in &members {
        let g = &groups[i];
        merged.count += g.count;
        for (k, v) in &g.methods {
            *merged.methods.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &g.statuses {
            *merged.statuses.entry(k.clone()).or_default() += v;
        }
        for e in &g.examples {
            add_example(&mut merged.examples, e);
        }
    }
    let mut i = 0;
    groups.retain(|_| {
        i += 1;
        !members.contains(&(i - 1))
    });
    // The merged template may equal one already present: fold into it.
    match groups.iter_mut().find(|g| g.template == merged.template) {
        Some(g) => {
            g.count += merged.count;
            for (k, v) in merged.methods {
                *g.methods.entry(k).or_default() += v;
            }
            for (k, v) in merged.statuses {
                *g.statuses.entry(k).or_default() += v;
            }
            for e in &merged.examples {
                add_example(&mut g.examples, e);
            }
        }
        None => groups.push(merged),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_that_look_like_values_become_parameters() {
        assert_eq!(infer("/v2/users/123"), "/v2/users/{id}");
        assert_eq!(infer("/v2/users/456?expand=1"), "/v2/users/{id}");
        assert_eq!(
            infer("/api/v1.1/orders/3f1c9a4e-8b2d-4c6e-9f0a-1b2c3d4e5f60/items"),
            "/api/v1.1/orders/{uuid}/items"
        );
        assert_eq!(infer("/blog/posts/my-first-post"), "/blog/posts/{slug}");
        assert_eq!(infer("/reports/2024-05-01"), "/reports/{date}");
        assert_eq!(infer("/users/jo%40example.com"), "/users/{email}");
        assert_eq!(infer("/charges/ch_3MtwBwLkdIwHu7ix28a3tqPa"), "/charges/{id}");
        assert_eq!(infer("/repos/5f9c1a2b3c4d5e6f7a8b9c0d"), "/repos/{id}");
        // Names and versions stay literal.
        assert_eq!(infer("/v2/order-details/base64"), "/v2/order-details/base64");
        assert_eq!(infer("/2.0/status"), "/2.0/status");
        assert_eq!(infer("/oauth2/token"), "/oauth2/token");
        assert_eq!(infer("/"), "/");
        assert_eq!(infer(""), "/");
    }

    #[test]
    fn literal_paths_and_templated_ones_group_together() {
        let mut missing = Missing::default();
        missing.add("get", "/v2/users/123", Some(200));
        missing.add("GET", "/v2/users/456", Some(404));
        missing.add("DELETE", "/v2/users/789", Some(204));
        missing.add("GET", "/v2/users/me", Some(200));
        missing.add("GET", "/users/alice/repos", Some(200));
        missing.add("GET", "/users/bob/repos", Some(200));
        missing.add("GET", "/users/carol/repos", None);
        missing.add("GET", "/health", Some(200));
        let groups = missing.groups();
        let templates: Vec<&str> = groups.iter().map(|g| g.template.as_str()).collect();
        assert_eq!(templates, ["/users/{name}/repos", "/v2/users/{id}", "/health", "/v2/users/me"]);
        let users = &groups[1];
        assert_eq!(users.count, 3);
        assert_eq!(users.methods, BTreeMap::from([("DELETE".into(), 1), ("GET".into(), 2)]));
        assert_eq!(users.statuses.get("404"), Some(&1));
        assert_eq!(groups[0].statuses.get("none"), Some(&1));
        assert_eq!(groups[0].examples.len(), 3);
    }

    #[test]
    fn two_literal_neighbours_are_not_enough_to_merge() {
        let mut missing = Missing::default();
        missing.add("GET", "/orders/open", Some(200));
        missing.add("GET", "/orders/closed", Some(200));
        assert_eq!(missing.groups().len(), 2);
    }

    #[test]
    fn groups_are_bounded() {
        let mut missing = Missing::default();
        for i in 0..(MAX_GROUPS + 10) {
            missing.add("GET", &format!("/x{i}"), Some(200));
        }
        assert_eq!(missing.dropped, 10);
    }
}
