//! The public API of generated code, read back from the source with `syn`,
//! and the differences between two generations. `accord diff` uses it to say
//! whether a contract change breaks the Rust that consumers generate (its
//! `source` level): what is compared is what a consumer's code can name.
//!
//! ```
//! use accord_codegen::api::{Api, compare};
//! let old = Api::of("/// Generated from `s.json#/$defs/Status`.\n\
//!     #[derive(Debug, Clone, Copy)] pub enum Status { A }").unwrap();
//! let new = Api::of("/// Generated from `s.json#/$defs/Status`.\n\
//!     #[derive(Debug, Clone, Copy)] pub enum Status { A, B }").unwrap();
//! let changes = compare(&old, &new);
//! assert_eq!(changes.len(), 1);
//! assert!(changes[0].breaking);
//! assert_eq!(changes[0].description, "enum `Status` gains variant `B`: the closed enum generated before rejects the new value, and exhaustive matches miss it");
//! ```

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};

/// Where a generated item comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A schema: the document (relative to the schema root) and the JSON pointer in it.
    Schema {
        /// The document.
        file: String,
        /// The JSON pointer of the schema.
        pointer: String,
    },
    /// An operation, by its id (`<folder>.<operationId>`), with its `METHOD /path` when the code says it.
    Operation {
        /// The operation id.
        id: String,
        /// `METHOD /path`.
        label: Option<String>,
    },
}

/// What a member of an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemberKind {
    /// A public field (named, or `0` for a newtype's inner value).
    Field,
    /// An enum variant.
    Variant,
    /// A public function of an inherent impl, or a trait's function.
    Method,
    /// An associated constant.
    Const,
    /// An associated type.
    Type,
    /// A trait the type implements (by impl or derive).
    Impl,
}

impl MemberKind {
    fn noun(self) -> &'static str {
        match self {
            MemberKind::Field => "field",
            MemberKind::Variant => "variant",
            MemberKind::Method => "function",
            MemberKind::Const => "constant",
            MemberKind::Type => "associated type",
            MemberKind::Impl => "trait implementation",
        }
    }
}

/// One member: its kind, its signature (a type, a variant's payload, a
/// function's signature, a constant's type and value), and the JSON name it
/// reads when serde renames it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// What it is.
    pub kind: MemberKind,
    /// Its signature as tokens.
    pub signature: String,
    /// The JSON property or value it stands for (`#[serde(rename = ...)]`).
    pub json: Option<String>,
}

/// One public item of the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its Rust path from the generated file's top (`dstore::OrderStatus`).
    pub path: String,
    /// `struct`, `enum`, `trait`, `const`, `fn`, `type` or `static`.
    pub kind: &'static str,
    /// Where it comes from, when its documentation says so.
    pub origin: Option<Origin>,
    /// Its members, by name (`field result_code`, `variant Status200`, `impl Display`, ...).
    pub members: BTreeMap<(MemberKind, String), Member>,
    /// An enum with an `Other` variant for values it does not list.
    pub open: bool,
    /// A struct that rejects unknown JSON properties.
    pub closed: bool,
    /// For constants, functions and aliases: the whole signature.
    pub signature: String,
}

/// The public API of one generation, by Rust path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    /// Every public item, by path.
    pub items: BTreeMap<String, Item>,
}

/// One difference between two generations' public APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// The item's path in the old generation (or the new one, for an addition).
    pub item: String,
    /// The member, when the change is to one (`variant B`).
    pub member: Option<String>,
    /// What changed, in plain words.
    pub description: String,
    /// Whether code that used the old API (or data the old types read) can break.
    pub breaking: bool,
    /// Where the changed part comes from in the old contract.
    pub old: Option<Origin>,
    /// Where it comes from in the new contract.
    pub new: Option<Origin>,
    /// For operations: what part of the operation (`status`, `request`, `response`, `operation`).
    pub topic: Option<&'static str>,
}

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the generated code does not parse: {0}")]
pub struct ParseError(String);

fn docs(attrs: &[syn::Attribute]) -> String {
    let mut out = String::new();
    for a in attrs {
        if let syn::Meta::NameValue(nv) = &a.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
        {
            out.push_str(s.value().trim());
            out.push('\n');
        }
    }
    out
}

/// The text between the first pair of backticks after `marker`.
fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let start = rest.find('`')? + 1;
    let len = rest[start..].find('`')?;
    Some(&rest[start..start + len])
}

fn origin(docs: &str) -> Option<Origin> {
    if let Some(at) = quoted_after(docs, "Generated from ") {
        let (file, pointer) = at.split_once('#').unwrap_or((at, ""));
        return Some(Origin::Schema { file: file.to_string(), pointer: pointer.to_string() });
    }
    if let Some(id) = quoted_after(docs, "The documented responses of ") {
        return Some(Origin::Operation { id: id.to_string(), label: None });
    }
    // An operation type: "`METHOD /path` (`id`)".
    for line in docs.lines() {
        if let Some(rest) = line.strip_prefix('`')
            && let Some((label, tail)) = rest.split_once("` (`")
            && let Some(id) = tail.strip_suffix("`)")
        {
            return Some(Origin::Operation { id: id.to_string(), label: Some(label.to_string()) });
        }
    }
    None
}

/// Tokens as a person writes them: `::std::string::String`, `Result<Self, E>`, `fn new(value: i64) -> Self`.
fn tokens(t: &impl ToTokens) -> String {
    tidy(&t.to_token_stream().to_string())
}

fn tidy(text: &str) -> String {
    let word = |t: &str| t.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"');
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<&str> = None;
    for t in text.split_whitespace() {
        if let Some(a) = prev {
            let first = t.chars().next().unwrap_or(' ');
            let tight_before = if t.starts_with("::") {
                word(a)
            } else {
                matches!(first, ',' | '>' | ')' | ']' | ';' | '<' | ':') || (first == '(' && word(a))
            };
            let tight_after = a.ends_with("::") || matches!(a.chars().last(), Some('<' | '(' | '[' | '&'));
            if !tight_before && !tight_after {
                out.push(' ');
            }
        }
        out.push_str(t);
        prev = Some(t);
    }
    out
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let s: syn::LitStr = meta.value()?.parse()?;
                out = Some(s.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _: proc_macro2::TokenStream = content.parse()?;
            }
            Ok(())
        });
    }
    out
}

fn serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| tokens(&a.meta).contains(flag))
}

fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) = a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        {
            out.extend(paths.iter().map(last_segment));
        }
    }
    out
}

fn last_segment(p: &syn::Path) -> String {
    p.segments.last().map(tokens).unwrap_or_default()
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

/// `#[doc(hidden)]`: not part of the API a consumer is meant to use.
fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc") && tokens(&a.meta).replace(' ', "").contains("doc(hidden)"))
}

fn fn_signature(sig: &syn::Signature) -> String {
    tokens(sig)
}

/// The name a type path ends in (`super::dstore::Store` → `Store`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

impl Api {
    /// Reads the public API of generated `source`.
    pub fn of(source: &str) -> Result<Api, ParseError> {
        let file = syn::parse_file(source).map_err(|e| ParseError(e.to_string()))?;
        Ok(Api::of_file(&file))
    }

    /// The public API of a parsed file.
    pub fn of_file(file: &syn::File) -> Api {
        let mut api = Api::default();
        api.items_in(&file.items, &[]);
        // A response enum names its operation's id only; give it the operation's `METHOD /path`.
        let labels: BTreeMap<String, String> = api
            .items
            .values()
            .filter_map(|i| match &i.origin {
                Some(Origin::Operation { id, label: Some(l) }) => Some((id.clone(), l.clone())),
                _ => None,
            })
            .collect();
        for item in api.items.values_mut() {
            if let Some(Origin::Operation { id, label }) = &mut item.origin
                && label.is_none()
            {
                *label = labels.get(id).cloned();
            }
        }
        api
    }

    fn items_in(&mut self, items: &[syn::Item], module: &[String]) {
        let path = |name: &str| module.iter().map(String::as_str).chain([name]).collect::<Vec<_>>().join("::");
        let mut impls = Vec::new();
        for item in items {
            match item {
                // The runtime the generated code carries (patterns, rule
                // checks) is its own business, not the contract's API.
                syn::Item::Mod(m) if m.ident == "__accord" || hidden(&m.attrs) => {}
                syn::Item::Mod(m) if is_pub(&m.vis) => {
                    if let Some((_, inner)) = &m.content {
                        let mut sub = module.to_vec();
                        sub.push(m.ident.to_string());
                        self.items_in(inner, &sub);
                    }
                }
                syn::Item::Struct(s) if is_pub(&s.vis) => {
                    let mut members = BTreeMap::new();
                    for (i, f) in s.fields.iter().enumerate() {
                        if !is_pub(&f.vis) {
                            continue;
                        }
                        let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_else(|| i.to_string());
                        let json = serde_rename(&f.attrs).or_else(|| f.ident.as_ref().map(|i| i.to_string()));
                        members.insert(
                            (MemberKind::Field, name),
                            Member { kind: MemberKind::Field, signature: tokens(&f.ty), json },
                        );
                    }
                    let shape = match &s.fields {
                        syn::Fields::Named(_) => "{..}",
                        syn::Fields::Unnamed(_) => "(..)",
                        syn::Fields::Unit => ";",
                    };
                    for d in derives(&s.attrs) {
                        members.insert(
                            (MemberKind::Impl, d.clone()),
                            Member { kind: MemberKind::Impl, signature: d, json: None },
                        );
                    }
                    self.insert(Item {
                        path: path(&s.ident.to_string()),
                        kind: "struct",
                        origin: origin(&docs(&s.attrs)),
                        members,
                        open: false,
                        closed: serde_flag(&s.attrs, "deny_unknown_fields"),
                        signature: format!("struct{} {shape}", tokens(&s.generics)),
                    });
                }
                syn::Item::Enum(e) if is_pub(&e.vis) => {
                    let mut members = BTreeMap::new();
                    let mut open = false;
                    for v in &e.variants {
                        let name = v.ident.to_string();
                        open |= name == "Other" && matches!(v.fields, syn::Fields::Unnamed(_));
                        let json = serde_rename(&v.attrs);
                        members.insert(
                            (MemberKind::Variant, name),
                            Member { kind: MemberKind::Variant, signature: tokens(&v.fields), json },
                        );
                    }
                    for d in derives(&e.attrs) {
                        members.insert(
                            (MemberKind::Impl, d.clone()),
                            Member { kind: MemberKind::Impl, signature: d, json: None },
                        );
                    }
                    self.insert(Item {
                        path: path(&e.ident.to_string()),
                        kind: "enum",
                        origin: origin(&docs(&e.attrs)),
                        members,
                        open,
                        closed: false,
                        signature: format!("enum{}", tokens(&e.generics)),
                    });
                }
                syn::Item::Trait(t) if is_pub(&t.vis) => {
                    let mut members = BTreeMap::new();
                    for ti in &t.items {
                        let (kind, name, sig) = match ti {
                            syn::TraitItem::Const(c) => (MemberKind::Const, c.ident.to_string(), tokens(&c.ty)),
                            syn::TraitItem::Type(ty) => (MemberKind::Type, ty.ident.to_string(), tokens(&ty.bounds)),
                            syn::TraitItem::Fn(f) => {
                                (MemberKind::Method, f.sig.ident.to_string(), fn_signature(&f.sig))
                            }
                            _ => continue,
                        };
                        members.insert((kind, name), Member { kind, signature: sig, json: None });
                    }
                    self.insert(Item {
                        path: path(&t.ident.to_string()),
                        kind: "trait",
                        origin: origin(&docs(&t.attrs)),
                        members,
                        open: false,
                        closed: false,
                        signature: format!("trait{}", tokens(&t.generics)),
                    });
                }
                syn::Item::Const(c) if is_pub(&c.vis) => self.insert(Item {
                    path: path(&c.ident.to_string()),
                    kind: "const",
                    origin: origin(&docs(&c.attrs)),
                    members: BTreeMap::new(),
                    open: false,
                    closed: false,
                    signature: format!("{}: {} = {}", c.ident, tokens(&c.ty), tokens(&c.expr)),
                }),
                syn::Item::Static(s) if is_pub(&s.vis) => self.insert(Item {
                    path: path(&s.ident.to_string()),
                    kind: "static",
                    origin: origin(&docs(&s.attrs)),
                    members: BTreeMap::new(),
                    open: false,
                    closed: false,
                    signature: tokens(&s.ty),
                }),
                syn::Item::Fn(f) if is_pub(&f.vis) => self.insert(Item {
                    path: path(&f.sig.ident.to_string()),
                    kind: "fn",
                    origin: origin(&docs(&f.attrs)),
                    members: BTreeMap::new(),
                    open: false,
                    closed: false,
                    signature: fn_signature(&f.sig),
                }),
                syn::Item::Type(t) if is_pub(&t.vis) => self.insert(Item {
                    path: path(&t.ident.to_string()),
                    kind: "type",
                    origin: origin(&docs(&t.attrs)),
                    members: BTreeMap::new(),
                    open: false,
                    closed: false,
                    signature: tokens(&t.ty),
                }),
                syn::Item::Impl(i) => impls.push(i),
                _ => {}
            }
        }
        // Impls after the types they extend (in the same module).
        for i in impls {
            let Some(target) = type_name(&i.self_ty) else { continue };
            let Some(item) = self.items.get_mut(&path(&target)) else { continue };
            if let Some((_, trait_path, _)) = &i.trait_ {
                let name = tokens(trait_path.segments.last().expect("a trait path has a segment"));
                let short = last_segment(trait_path);
                item.members
                    .insert((MemberKind::Impl, short), Member { kind: MemberKind::Impl, signature: name, json: None });
            }
            for ii in &i.items {
                let in_trait = i.trait_.is_some();
                let (kind, name, sig) = match ii {
                    syn::ImplItem::Const(c) if in_trait || is_pub(&c.vis) => {
                        (MemberKind::Const, c.ident.to_string(), format!("{} = {}", tokens(&c.ty), tokens(&c.expr)))
                    }
                    syn::ImplItem::Type(t) if in_trait || is_pub(&t.vis) => {
                        (MemberKind::Type, t.ident.to_string(), tokens(&t.ty))
                    }
                    syn::ImplItem::Fn(f) if !in_trait && is_pub(&f.vis) => {
                        (MemberKind::Method, f.sig.ident.to_string(), fn_signature(&f.sig))
                    }
                    _ => continue,
                };
                item.members.insert((kind, name), Member { kind, signature: sig, json: None });
            }
        }
    }

    fn insert(&mut self, item: Item) {
        self.items.insert(item.path.clone(), item);
    }
}

/// The origin of a member: a struct field's property under its type's schema.
fn member_origin(item: &Item, member: Option<&Member>) -> Option<Origin> {
    match (&item.origin, member) {
        (Some(Origin::Schema { file, pointer }), Some(m)) if m.kind == MemberKind::Field && m.json.is_some() => {
            let name = m.json.as_deref().unwrap_or_default().replace('~', "~0").replace('/', "~1");
            Some(Origin::Schema { file: file.clone(), pointer: format!("{pointer}/properties/{name}") })
        }
        (o, _) => o.clone(),
    }
}

fn topic(item: &Item, member: Option<&(MemberKind, String)>) -> Option<&'static str> {
    if !matches!(item.origin, Some(Origin::Operation { .. })) {
        return None;
    }
    Some(match member {
        Some((MemberKind::Variant, _)) => "status",
        Some((MemberKind::Type, n)) if n == "Request" => "request",
        Some((MemberKind::Type, _)) => "response",
        Some((MemberKind::Const, n)) if n == "STATUSES" => "status",
        _ => "operation",
    })
}

/// Replaces whole identifiers of `text` by their new names.
fn renamed(text: &str, renames: &BTreeMap<String, String>) -> String {
    if renames.is_empty() {
        return text.to_string();
    }
    text.split(' ').map(|w| renames.get(w).map(String::as_str).unwrap_or(w)).collect::<Vec<_>>().join(" ")
}

/// The type part of a constant's signature (`NAME: T = value` or `T = value`).
fn const_type(signature: &str) -> &str {
    signature.split_once(" = ").map_or(signature, |(t, _)| t)
}

fn short(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The differences from `old` to `new`, in a stable order. A type that only
/// changed its name (the same origin, or the same members) is one rename.
pub fn compare(old: &Api, new: &Api) -> Vec<ApiChange> {
    let mut out = Vec::new();
    let removed: Vec<&Item> = old.items.values().filter(|i| !new.items.contains_key(&i.path)).collect();
    let added: Vec<&Item> = new.items.values().filter(|i| !old.items.contains_key(&i.path)).collect();
    // Renames: a removed and an added item of the same kind with the same origin, or else the same members.
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for r in &removed {
        let same_origin = added.iter().find(|a| {
            !taken.contains(a.path.as_str()) && a.kind == r.kind && a.origin.is_some() && a.origin == r.origin
        });
        let same_members = || {
            let mut matches = added.iter().filter(|a| {
                !taken.contains(a.path.as_str()) && a.kind == r.kind && !a.members.is_empty() && a.members == r.members
            });
            match (matches.next(), matches.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        };
        if let Some(a) = same_origin.or_else(same_members) {
            taken.insert(&a.path);
            renames.insert(short(&r.path).to_string(), short(&a.path).to_string());
            out.push(ApiChange {
                item: r.path.clone(),
                member: None,
                description: format!("{} `{}` is renamed `{}`", r.kind, r.path, a.path),
                breaking: true,
                old: r.origin.clone(),
                new: a.origin.clone(),
                topic: topic(r, None),
            });
        }
    }
    let renamed_to: BTreeSet<&str> = taken.clone();
    let renamed_from: BTreeSet<String> = out.iter().map(|c| c.item.clone()).collect();
    for r in removed.iter().filter(|r| !renamed_from.contains(&r.path)) {
        out.push(ApiChange {
            item: r.path.clone(),
            member: None,
            description: format!("{} `{}` is removed", r.kind, r.path),
            breaking: true,
            old: r.origin.clone(),
            new: None,
            topic: topic(r, None),
        });
    }
    for a in added.iter().filter(|a| !renamed_to.contains(a.path.as_str())) {
        out.push(ApiChange {
            item: a.path.clone(),
            member: None,
            description: format!("{} `{}` is added", a.kind, a.path),
            breaking: false,
            old: None,
            new: a.origin.clone(),
            topic: topic(a, None),
        });
    }
    // Items present in both (renamed ones compared with their new selves).
    let pairs = old.items.values().filter_map(|o| {
        let n = new.items.get(&o.path).or_else(|| {
            let to = renames.get(short(&o.path))?;
            let prefix = &o.path[..o.path.len() - short(&o.path).len()];
            new.items.get(&format!("{prefix}{to}"))
        })?;
        Some((o, n))
    });
    for (o, n) in pairs {
        item_changes(o, n, &renames, &mut out);
    }
    out
}

fn item_changes(o: &Item, n: &Item, renames: &BTreeMap<String, String>, out: &mut Vec<ApiChange>) {
    let change = |member: Option<&(MemberKind, String)>, description: String, breaking: bool| {
        let om = member.and_then(|k| o.members.get(k));
        let nm = member.and_then(|k| n.members.get(k));
        ApiChange {
            item: o.path.clone(),
            member: member.map(|(k, name)| format!("{} {name}", k.noun())),
            description,
            breaking,
            old: member_origin(o, om.or(nm)),
            new: member_origin(n, nm.or(om)),
            topic: topic(o, member),
        }
    };
    let what = format!("{} `{}`", o.kind, o.path);
    if o.kind != n.kind || renamed(&o.signature, renames) != n.signature {
        // A constant that keeps its type and changes its value breaks no code.
        let breaking = o.kind != n.kind || o.kind != "const" || const_type(&o.signature) != const_type(&n.signature);
        out.push(change(None, format!("{what} changes from `{}` to `{}`", o.signature, n.signature), breaking));
        return;
    }
    if o.closed != n.closed {
        let description = if n.closed {
            format!("{what} now rejects JSON properties it does not name")
        } else {
            format!("{what} now accepts JSON properties it does not name")
        };
        out.push(change(None, description, n.closed));
    }
    for (key, om) in &o.members {
        let (kind, name) = key;
        match n.members.get(key) {
            None => out.push(change(Some(key), format!("{what} loses {} `{name}`", kind.noun()), true)),
            Some(nm) if renamed(&om.signature, renames) != nm.signature || om.json != nm.json => {
                let breaking = om.json != nm.json
                    || *kind != MemberKind::Const
                    || const_type(&renamed(&om.signature, renames)) != const_type(&nm.signature);
                let description = if om.json != nm.json {
                    format!(
                        "{what}: {} `{name}` now stands for `{}` (was `{}`)",
                        kind.noun(),
                        nm.json.as_deref().unwrap_or("?"),
                        om.json.as_deref().unwrap_or("?")
                    )
                } else {
                    format!("{what}: {} `{name}` changes from `{}` to `{}`", kind.noun(), om.signature, nm.signature)
                };
                out.push(change(Some(key), description, breaking));
            }
            Some(_) => {}
        }
    }
    for (key, nm) in &n.members {
        let (kind, name) = key;
        if o.members.contains_key(key) {
            continue;
        }
        let (description, breaking) = match (kind, o.kind) {
            (MemberKind::Variant, "enum") if n.open => (
                format!(
                    "enum `{}` gains variant `{name}`: the open enum generated before reads the value as `Other`; exhaustive matches miss the new variant",
                    o.path
                ),
                true,
            ),
            (MemberKind::Variant, _) => (
                format!(
                    "enum `{}` gains variant `{name}`: the closed enum generated before rejects the new value, and exhaustive matches miss it",
                    o.path
                ),
                true,
            ),
            (MemberKind::Field, _) => (
                format!(
                    "struct `{}` gains field `{name}`{}: struct expressions that build it must name the field",
                    o.path,
                    nm.json.as_deref().filter(|j| j != name).map(|j| format!(" (`{j}`)")).unwrap_or_default()
                ),
                true,
            ),
            (MemberKind::Impl, _) => (format!("{what} now implements `{name}`"), false),
            _ => (format!("{what} gains {} `{name}`", kind.noun()), false),
        };
        out.push(change(Some(key), description, breaking));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(src: &str) -> Api {
        Api::of(src).unwrap()
    }

    #[test]
    fn fields_variants_and_renames() {
        let old = api(r#"
            pub mod shop {
                /// Generated from `pet.json#/$defs/Pet`.
                #[derive(Debug, Clone)]
                pub struct Pet { pub name: String, pub owner: Owner }
                /// Generated from `pet.json#/$defs/Owner`.
                #[serde(deny_unknown_fields)]
                pub struct Owner { #[serde(rename = "fullName")] pub full_name: String, pub age: Option<i64>, pub kind: Kind }
                /// Generated from `pet.json#/$defs/Kind`.
                pub enum Kind { Cat, Dog, Other(String) }
                impl ::std::fmt::Display for Kind { fn fmt(&self, f: &mut Formatter) -> Result { Ok(()) } }
                impl Kind { pub fn as_str(&self) -> &str { "" } }
            }"#);
        let new = api(r#"
            pub mod shop {
                /// Generated from `pet.json#/$defs/Animal`.
                #[derive(Debug, Clone)]
                pub struct Animal { pub name: String, pub owner: Owner }
                /// Generated from `pet.json#/$defs/Owner`.
                pub struct Owner { #[serde(rename = "fullName")] pub full_name: String, pub age: Option<f64>, pub kind: Kind, pub tag: Option<String> }
                /// Generated from `pet.json#/$defs/Kind`.
                pub enum Kind { Cat, Dog, Bird, Other(String) }
                impl Kind { pub fn as_str(&self) -> &str { "" } }
            }"#);
        let changes = compare(&old, &new);
        let text: Vec<String> = changes.iter().map(|c| format!("{} {}", c.breaking, c.description)).collect();
        assert_eq!(
            text,
            [
                "true struct `shop::Pet` is renamed `shop::Animal`",
                "true enum `shop::Kind` loses trait implementation `Display`",
                "true enum `shop::Kind` gains variant `Bird`: the open enum generated before reads the value as `Other`; exhaustive matches miss the new variant",
                "false struct `shop::Owner` now accepts JSON properties it does not name",
                "true struct `shop::Owner`: field `age` changes from `Option<i64>` to `Option<f64>`",
                "true struct `shop::Owner` gains field `tag`: struct expressions that build it must name the field",
            ]
        );
        // A field's origin is its property under its type's schema.
        assert_eq!(
            changes[4].new,
            Some(Origin::Schema { file: "pet.json".into(), pointer: "/$defs/Owner/properties/age".into() })
        );
    }

    #[test]
    fn tokens_read_as_written() {
        let sig: syn::Signature =
            syn::parse_str("fn new(value: ::std::string::String) -> ::std::result::Result<Self, super::E>").unwrap();
        assert_eq!(tokens(&sig), "fn new(value: ::std::string::String) -> ::std::result::Result<Self, super::E>");
        let ty: syn::Type = syn::parse_str("&'static [&'static str]").unwrap();
        assert_eq!(tokens(&ty), "&'static [&'static str]");
    }

    #[test]
    fn operations_carry_their_label_and_topic() {
        let src = |status: &str| {
            format!(
                r#"pub mod operations {{
                /// `GET /pets` (`shop.listPets`)
                pub struct ShopListPets;
                /// The documented responses of `shop.listPets`.
                pub enum ShopListPetsResponse {{ {status}(super::Pets) }}
            }}"#
            )
        };
        let changes = compare(&api(&src("Status200")), &api(&src("Status201")));
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|c| c.topic == Some("status") && c.breaking));
        assert_eq!(
            changes[0].old,
            Some(Origin::Operation { id: "shop.listPets".into(), label: Some("GET /pets".into()) })
        );
        assert!(Api::of("pub struct {").is_err());
    }
}
