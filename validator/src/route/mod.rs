//! Matching a captured request to an operation of the catalog.
//!
//! By method and URL path against the path templates, under one of the
//! operation's servers (its host, when the capture has one, and its base
//! path such as `/chef`, which is stripped), then by a body discriminator
//! where the catalog declares one. Literal segments beat template segments,
//! so `/orders/latest` wins over `/orders/{id}`.
//!
//! Test hosts: each `--server URL` stands in for every server of the catalog
//! (its host replaces theirs, its path goes before their base paths). Without
//! one, a request to a host no server lists is routed by its path alone when
//! exactly one operation fits, and the route says so ([`Route::unlisted_host`]).

mod template;

pub use template::PathTemplate;

use crate::capture::Message;
use crate::contract::{Catalog, Operation, OperationKind, Server};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A request matched to an operation, with the values it carried.
#[derive(Debug, Clone)]
pub struct Route<'c> {
    /// The matched operation.
    pub operation: &'c Operation,
    /// Path parameters by name (as sent, still percent-encoded).
    pub path_params: BTreeMap<String, String>,
    /// Set when the request went to a host that no server of the operation
    /// (nor any `--server`) lists, and was routed by its path alone: its
    /// origin (`http://localhost:8080`).
    pub unlisted_host: Option<String>,
}

/// Why a request matched no operation.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// Operations whose method and path matched but whose servers do not allow
    /// the request's host or base path, with those servers' URLs.
    pub wrong_server: Vec<(String, Vec<String>)>,
}

/// Routes requests against one catalog.
#[derive(Debug)]
pub struct Router {
    catalog: Arc<Catalog>,
    /// Path templates with the index of their operation in the catalog.
    entries: Vec<(PathTemplate, usize)>,
    /// Test hosts (`--server`), each standing in for every operation's servers.
    test_servers: Vec<Server>,
    /// Whether a request to an unlisted host may be routed by its path alone.
    by_path_alone: bool,
}

/// How a [`Router`] treats hosts the catalog's servers do not list.
#[derive(Debug, Clone, Default)]
pub struct HostPolicy {
    /// Base URLs the captures were recorded against (`--server`): each stands
    /// in for every server of every document, base paths kept.
    pub test_servers: Vec<String>,
    /// Refuse requests to unlisted hosts instead of routing them by path (`--strict`).
    pub strict: bool,
}

impl Router {
    /// Prepares the templates of every operation of `catalog` (webhooks are
    /// never routed by URL: they are called on the consumer's servers).
    pub fn new(catalog: Arc<Catalog>) -> Self {
        Self::with_hosts(catalog, &HostPolicy { test_servers: Vec::new(), strict: true })
    }

    /// A router with test hosts and a policy for unlisted ones.
    pub fn with_hosts(catalog: Arc<Catalog>, hosts: &HostPolicy) -> Self {
        let test_servers = hosts
            .test_servers
            .iter()
            .flat_map(|u| accord_catalog::openapi::server::servers(Some(&serde_json::json!([{ "url": u }]))))
            .collect();
        Router {
            entries: catalog
                .operations
                .iter()
                .enumerate()
                .filter(|(_, op)| op.kind == OperationKind::Path)
                .map(|(i, op)| (PathTemplate::parse(&op.path), i))
                .collect(),
            catalog,
            test_servers,
            by_path_alone: !hosts.strict,
        }
    }

    /// The best-matching operation for `request`, if any. `body` gives the
    /// parsed request body, asked for only when a candidate has a discriminator.
    pub fn route<'b>(&self, request: &Message, body: &dyn Fn() -> Option<&'b Value>) -> Result<Route<'_>, Miss> {
        let mut miss = Miss::default();
        let (Some(method), Some(url)) = (request.method.as_deref(), request.url.as_deref()) else { return Err(miss) };
        let method = method.to_ascii_uppercase();
        let authority = url_authority(url).or_else(|| request.header("host"));
        let mut best: Option<(usize, Route<'_>)> = None;
        // Operations whose path fits when the host is not held to their servers.
        let mut by_path: Vec<(usize, &Operation, BTreeMap<String, String>)> = Vec::new();
        let discriminated = |op: &Operation| match &op.discriminator {
            Some(d) => body().and_then(|b| b.pointer(&d.pointer)) == Some(&d.value),
            None => true,
        };
        for (template, index) in &self.entries {
            let op = &self.catalog.operations[*index];
            if op.method != method {
                continue;
            }
            let matched = match_path(template, op, url, authority)
                .or_else(|| self.test_servers.iter().find_map(|t| via_test_server(t, template, op, url, authority)));
            let Some(params) = matched else {
                if let Some(params) = match_path(template, op, url, None) {
                    if discriminated(op) {
                        let score = template.literal_count() * 2 + usize::from(op.discriminator.is_some());
                        by_path.push((score, op, params));
                    }
                    miss.wrong_server.push((op.id.clone(), op.servers.iter().map(|s| s.url.clone()).collect()));
                } else if template.matches(&url_path(url)).is_some() {
                    miss.wrong_server.push((op.id.clone(), op.servers.iter().map(|s| s.url.clone()).collect()));
                }
                continue;
            };
            if !discriminated(op) {
                continue;
            }
            let score = template.literal_count() * 2 + usize::from(op.discriminator.is_some());
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, Route { operation: op, path_params: params, unlisted_host: None }));
            }
        }
        if let Some((_, route)) = best {
            return Ok(route);
        }
        // A host no server lists (a test host): routed by path when exactly one
        // operation fits best (literal segments preferred, as above).
        let top = by_path.iter().map(|(score, _, _)| *score).max();
        let mut fits = by_path.into_iter().filter(|(score, _, _)| Some(*score) == top);
        match (self.by_path_alone, authority, fits.next(), fits.next()) {
            (true, Some(host), Some((_, op, params)), None) => {
                let scheme = url.split_once("://").map_or("http", |(s, _)| s).to_ascii_lowercase();
                let origin = format!("{scheme}://{}", host.to_ascii_lowercase());
                Ok(Route { operation: op, path_params: params, unlisted_host: Some(origin) })
            }
            _ => Err(miss),
        }
    }
}

/// The path parameters of `url` for `op` when it is sent to one of the
/// operation's servers (host ignored when `authority` is `None`).
pub fn path_params(op: &Operation, url: &str) -> Option<BTreeMap<String, String>> {
    match_path(&PathTemplate::parse(&op.path), op, url, None)
}

fn match_path(
    template: &PathTemplate,
    op: &Operation,
    url: &str,
    authority: Option<&str>,
) -> Option<BTreeMap<String, String>> {
    let path = url_path(url);
    op.servers
        .iter()
        .filter(|s| s.allows_host(authority))
        .flat_map(|s| s.strip_base(&path))
        .find_map(|rest| template.matches(rest))
}

/// The path parameters of `url` sent to the test server `test`: its host in
/// place of the operation's servers' hosts, its path before their base paths.
fn via_test_server(
    test: &Server,
    template: &PathTemplate,
    op: &Operation,
    url: &str,
    authority: Option<&str>,
) -> Option<BTreeMap<String, String>> {
    if !test.allows_host(authority) {
        return None;
    }
    let path = url_path(url);
    test.strip_base(&path)
        .into_iter()
        .flat_map(|rest| op.servers.iter().flat_map(move |s| s.strip_base(rest)))
        .find_map(|rest| template.matches(rest))
}

/// The authority (`host[:port]`) of an absolute URL, without user info.
pub fn url_authority(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    Some(authority.rsplit_once('@').map_or(authority, |(_, h)| h))
}

/// The path of a URL (absolute, or just a path with an optional query), percent-decoding left to the caller.
pub fn url_path(url: &str) -> String {
    let without_fragment = url.split('#').next().unwrap_or("");
    let without_query = without_fragment.split('?').next().unwrap_or("");
    let path = match without_query.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => without_query,
    };
    if path.is_empty() { "/".to_string() } else { path.to_string() }
}

/// The decoded query parameters of a URL, in order.
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let without_fragment = url.split('#').next().unwrap_or("");
    match without_fragment.split_once('?') {
        Some((_, q)) => url::form_urlencoded::parse(q.as_bytes()).into_owned().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries() {
        assert_eq!(url_path("https://h.example:8443/chef/v1/oauth/api?x=1#f"), "/chef/v1/oauth/api");
        assert_eq!(url_path("/v1/orderNumbers"), "/v1/orderNumbers");
        assert_eq!(url_path("https://h.example"), "/");
        assert_eq!(
            query_pairs("/x?a=1&b=%20c&a=2"),
            vec![("a".into(), "1".into()), ("b".into(), " c".into()), ("a".into(), "2".into())]
        );
    }

    #[test]
    fn routes_builtin_catalog() {
        let catalog = Catalog::builtin().unwrap();
        let router = Router::new(Arc::new(catalog));
        let msg = |m: &str, u: &str| Message { method: Some(m.into()), url: Some(u.into()), ..Message::default() };
        let r = router
            .route(&msg("GET", "https://openapi.tuyaus.com/v1.0/mall/plugin/order/123?mall_code=a"), &|| None)
            .unwrap();
        assert_eq!(url_authority("https://u:p@h.example:8443/x"), Some("h.example:8443"));
        let wrong = router.route(&msg("POST", "https://evil.example/chef/v1/oauth/api"), &|| None).unwrap_err();
        assert_eq!(wrong.wrong_server.len(), 1, "right path, host no server allows");
        assert!(
            router.route(&msg("POST", "https://accounts.xoxoday.com/v1/oauth/api"), &|| None).is_err(),
            "base path missing"
        );
        assert_eq!(r.operation.id, "tuya.queryOrderDetails");
        assert_eq!(r.path_params["order_id"], "123");
        let body = serde_json::json!({"query": "plumProAPI.mutation.getOrderDetails"});
        let r = router.route(&msg("POST", "https://accounts.xoxoday.com/chef/v1/oauth/api"), &|| Some(&body)).unwrap();
        assert_eq!(r.operation.id, "xoxoday.getOrderDetails");
        let other = serde_json::json!({"query": "plumProAPI.mutation.placeOrder"});
        assert!(
            router.route(&msg("POST", "https://accounts.xoxoday.com/chef/v1/oauth/api"), &|| Some(&other)).is_err()
        );
        assert!(router.route(&msg("GET", "/v2/pos/syncStore"), &|| None).is_err());
        assert_eq!(router.route(&msg("post", "/v2/pos/syncStore"), &|| None).unwrap().operation.id, "dstore.syncStore");
    }
}
