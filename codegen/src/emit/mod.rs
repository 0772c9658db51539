//! Stage three: the type model → Rust source. Items are collected per module
//! in a `BTreeMap`, so output is deterministic; generated code uses absolute
//! paths (`::serde::...`) and paths relative to its own module, so the file
//! works wherever it is `include!`d.

mod operations;
mod pred;
// Compiled here too so its unit tests run; emitted from its source text.
#[cfg(test)]
#[allow(dead_code)]
mod runtime;
mod types;

use crate::error::{Error, ErrorKind};
use crate::model::{TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The runtime module's source, emitted as `__accord::rt`.
const RUNTIME: &str = include_str!("runtime.rs");

/// Turns a [`TypeSpace`] into tokens.
pub struct Emitter<'a> {
    space: &'a TypeSpace,
    derives: Vec<syn::Path>,
}

/// Text from a schema made safe for a doc comment: control characters
/// (a bare carriage return is a compile error there) are written as escapes.
pub(crate) fn doc_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Whether the tokens mention the identifier `name` (a closure parameter
/// that a constant predicate never reads would warn).
pub(crate) fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// Escapes a schema description for a doc comment (brackets and angle
/// brackets would be read as links and HTML).
pub(crate) fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(d) => {
            let d = doc_safe(d);
            let escaped = d.replace('[', "\\[").replace(']', "\\]").replace('<', "\\<").replace('>', "\\>");
            let lines = escaped.lines().map(|l| format!(" {l}"));
            quote!(#(#[doc = #lines])*)
        }
        None => quote!(),
    }
}

impl<'a> Emitter<'a> {
    /// An emitter adding `derives` to every generated type.
    pub fn new(space: &'a TypeSpace, derives: &[String]) -> Result<Self, Error> {
        let derives = derives
            .iter()
            .map(|d| {
                syn::parse_str::<syn::Path>(d)
                    .map_err(|e| Error::bare(ErrorKind::Emit(format!("extra derive `{d}` is not a path: {e}"))))
            })
            .collect::<Result<_, _>>()?;
        Ok(Emitter { space, derives })
    }

    /// `super::super::` back to the top of the output from `module`.
    fn up(module: &[String]) -> TokenStream {
        let supers = module.iter().map(|_| quote!(super::));
        quote!(#(#supers)*)
    }

    /// Path to the `__accord` module from `module`.
    pub(crate) fn accord(&self, module: &[String]) -> TokenStream {
        let up = Self::up(module);
        quote!(#up __accord)
    }

    /// Path to the runtime module from `module`.
    pub(crate) fn rt(&self, module: &[String]) -> TokenStream {
        let acc = self.accord(module);
        quote!(#acc::rt)
    }

    /// Path to regex `i` from `module`.
    pub(crate) fn pattern_path(&self, i: usize, module: &[String]) -> TokenStream {
        let acc = self.accord(module);
        let name = format_ident!("PATTERN_{}", i);
        quote!(#acc::#name)
    }

    /// Path to the item `name` in module `to`, from module `from`.
    pub(crate) fn path(from: &[String], to: &[String], name: &str) -> TokenStream {
        let name = syn::parse_str::<syn::Ident>(name).unwrap_or_else(|_| format_ident!("{}", name));
        if from == to {
            return quote!(#name);
        }
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        let supers = from[common..].iter().map(|_| quote!(super::));
        let downs = to[common..].iter().map(|m| format_ident!("{}", m));
        quote!(#(#supers)* #(#downs::)* #name)
    }

    /// A type expression, as seen from `module`.
    pub(crate) fn ty(&self, t: &TypeRef, module: &[String]) -> TokenStream {
        match t {
            TypeRef::Named(id) => {
                let entry = &self.space.types[*id];
                Self::path(module, &entry.module, &entry.name)
            }
            TypeRef::String => quote!(::std::string::String),
            TypeRef::Integer => quote!(i64),
            TypeRef::Int32 => quote!(i32),
            TypeRef::Number => quote!(::serde_json::Number),
            TypeRef::Bool => quote!(bool),
            TypeRef::Null => quote!(()),
            TypeRef::Any => quote!(::serde_json::Value),
            TypeRef::Object => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
            TypeRef::Vec(inner) => {
                let inner = self.ty(inner, module);
                quote!(::std::vec::Vec<#inner>)
            }
            TypeRef::Option(inner) => {
                let inner = self.ty(inner, module);
                quote!(::std::option::Option<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.ty(inner, module);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
        }
    }

    /// `#[derive(...)]` with the standard derives, `more`, and the configured extras (deduplicated).
    pub(crate) fn derive(&self, base: &[&str]) -> TokenStream {
        let mut names: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        let mut paths: Vec<TokenStream> =
            base.iter().map(|s| syn::parse_str::<syn::Path>(s).map(|p| quote!(#p)).unwrap_or_default()).collect();
        for d in &self.derives {
            let last = d.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            if !names.iter().any(|n| n.rsplit("::").next() == Some(last.as_str())) {
                names.push(last);
                paths.push(quote!(#d));
            }
        }
        quote!(#[derive(#(#paths),*)])
    }

    /// The whole output as a token stream.
    pub fn tokens(&self) -> TokenStream {
        let mut modules: BTreeMap<Vec<String>, Vec<TokenStream>> = BTreeMap::new();
        modules.entry(Vec::new()).or_default();
        for (id, entry) in self.space.types.iter().enumerate() {
            let items = self.item(id);
            modules.entry(entry.module.clone()).or_default().push(items);
        }
        let mut out = self.nest(&modules, &[]);
        out.extend(self.accord_module());
        out.extend(self.operations());
        out
    }

    /// The items of `prefix` and, as `pub mod`s, of the modules under it.
    fn nest(&self, modules: &BTreeMap<Vec<String>, Vec<TokenStream>>, prefix: &[String]) -> TokenStream {
        let own = modules.get(prefix).cloned().unwrap_or_default();
        let mut children: Vec<&String> = modules
            .keys()
            .filter(|k| k.len() > prefix.len() && k.starts_with(prefix))
            .map(|k| &k[prefix.len()])
            .collect();
        children.dedup();
        let subs = children.into_iter().map(|child| {
            let mut path = prefix.to_vec();
            path.push(child.clone());
            let inner = self.nest(modules, &path);
            let ident = format_ident!("{}", child);
            let doc = doc_safe(&format!(" Types generated from the schemas in `{}/`.", path.join("/")));
            quote!(#[doc = #doc] pub mod #ident { #inner })
        });
        quote!(#(#own)* #(#subs)*)
    }

    /// `__accord`: the runtime, the regexes and the predicate functions.
    fn accord_module(&self) -> TokenStream {
        let runtime: syn::File =
            syn::parse_str(RUNTIME).unwrap_or_else(|_| syn::File { shebang: None, attrs: vec![], items: vec![] });
        let items: Vec<&syn::Item> = runtime
            .items
            .iter()
            .filter(|item| !matches!(item, syn::Item::Mod(m) if m.attrs.iter().any(|a| a.path().is_ident("cfg"))))
            .collect();
        let patterns = self.space.patterns.iter().enumerate().map(|(i, p)| {
            let name = format_ident!("PATTERN_{}", i);
            let doc = doc_safe(&format!(" `{}`", self.space.pattern_sources.get(i).unwrap_or(p)));
            quote! {
                #[doc = #doc]
                pub static #name: ::std::sync::LazyLock<::fancy_regex::Regex> =
                    ::std::sync::LazyLock::new(|| ::fancy_regex::Regex::new(#p).expect("checked when the code was generated"));
            }
        });
        let module = vec!["__accord".to_string()];
        let preds = self.space.preds.iter().enumerate().map(|(i, entry)| {
            let name = format_ident!("pred_{}", i);
            let doc = doc_safe(&format!(" Whether `v` matches {}.", entry.origin.display()));
            let body = entry.pred.as_ref().map(|p| self.pred(p, &module)).unwrap_or(quote!(true));
            quote! {
                #[doc = #doc]
                #[allow(unused_variables)] // a constant predicate reads no value
                pub fn #name(v: &::serde_json::Value) -> bool { #body }
            }
        });
        let rule_sets = self.space.rule_sets.iter().enumerate().map(|(i, set)| self.rule_set(i, set));
        quote! {
            /// Support code for the generated types: runtime checks, regular
            /// expressions and predicates. Not part of the public API.
            #[doc(hidden)]
            pub mod __accord {
                /// Runtime checks and the exact decimal type.
                pub mod rt { #(#items)* }
                #(#patterns)*
                #(#preds)*
                #(#rule_sets)*
            }
        }
    }
}

impl Emitter<'_> {
    /// `rules_N`: whether the CEL rules of one `x-accord-rules` list hold,
    /// evaluated by `accord-rules` (compiled once, on first use) exactly as
    /// the validator evaluates them.
    fn rule_set(&self, i: usize, set: &crate::model::RuleSetDef) -> TokenStream {
        let name = format_ident!("rules_{}", i);
        let rules_name = format_ident!("RULES_{}", i);
        let decimals_name = format_ident!("DECIMALS_{}", i);
        let projection_name = format_ident!("PROJECTION_{}", i);
        let opt = |o: &Option<String>| match o {
            Some(s) => quote!(::std::option::Option::Some(#s)),
            None => quote!(::std::option::Option::None),
        };
        let specs = set.rules.iter().map(|r| {
            let (id, rule) = (&r.id, &r.rule);
            let (message, expr, field) = (opt(&r.message), opt(&r.message_expression), opt(&r.field_path));
            quote! {
                ::accord_rules::compile(
                    &::accord_rules::RuleSpec { id: #id, rule: #rule, message: #message, message_expression: #expr, field_path: #field },
                    &["self"],
                ).expect("checked when the code was generated")
            }
        });
        let decimals = set.decimals.iter().map(|p| quote!(::std::vec![#(#p.to_string()),*]));
        let gate = match &set.types {
            Some(types) => quote! {
                let kind = match v {
                    ::serde_json::Value::Null => "null",
                    ::serde_json::Value::Bool(_) => "boolean",
                    ::serde_json::Value::Number(_) if rt::is_integer(v) => "integer",
                    ::serde_json::Value::Number(_) => "number",
                    ::serde_json::Value::String(_) => "string",
                    ::serde_json::Value::Array(_) => "array",
                    ::serde_json::Value::Object(_) => "object",
                };
                if ![#(#types),*].iter().any(|t| *t == kind || (*t == "number" && kind == "integer")) {
                    return true;
                }
            },
            None => quote!(),
        };
        let doc = doc_safe(&format!(" Whether the rules at {} hold for `v`.", set.origin.display()));
        quote! {
            static #rules_name: ::std::sync::LazyLock<::std::vec::Vec<::accord_rules::Rule>> =
                ::std::sync::LazyLock::new(|| ::std::vec![#(#specs),*]);
            static #decimals_name: ::std::sync::LazyLock<::accord_rules::Decimals> =
                ::std::sync::LazyLock::new(|| ::accord_rules::Decimals::new(::std::vec![#(#decimals),*]));
            static #projection_name: ::std::sync::LazyLock<::accord_rules::Projection> =
                ::std::sync::LazyLock::new(|| ::accord_rules::Projection::of(#rules_name.iter(), "self"));
            #[doc = #doc]
            pub fn #name(v: &::serde_json::Value) -> bool {
                #gate
                let bound = [("self", #projection_name.apply(v, &#decimals_name))];
                #rules_name.iter().all(|r| r.evaluate(&bound) == ::accord_rules::Verdict::Pass)
            }
        }
    }
}

/// Formats tokens as a Rust source file.
pub fn format(tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::bare(ErrorKind::Emit(e.to_string())))?;
    Ok(prettyplease::unparse(&file))
}
