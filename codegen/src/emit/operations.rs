//! Operation descriptors: the `Operation` trait, one type per operation of
//! the OpenAPI documents, and per operation an enum of its documented
//! responses.

use super::{Emitter, doc_attr};
use crate::model::{BodyDef, OperationDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Emitter<'_> {
    pub(crate) fn operations(&self) -> TokenStream {
        let m = vec!["operations".to_string()];
        let ids: Vec<&str> = self.space.operations.iter().map(|o| o.id.as_str()).collect();
        let ops = self.space.operations.iter().map(|op| self.operation(op, &m));
        let by_id_request = self.space.operations.iter().map(|op| {
            let name = format_ident!("{}", op.name);
            let id = &op.id;
            quote!(#id => ::std::option::Option::Some(
                <#name as Operation>::parse_request(body)
                    .map_err(|e| e.to_string())
                    .and_then(|r| ::serde_json::to_value(r).map_err(|e| e.to_string()))
            ),)
        });
        let by_id_response = self.space.operations.iter().map(|op| {
            let name = format_ident!("{}", op.name);
            let id = &op.id;
            quote!(#id => ::std::option::Option::Some(
                <#name as Operation>::parse_response(status, body)
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.to_json().map_err(|e| e.to_string()))
            ),)
        });
        let registry = self.space.operations.iter().map(|op| {
            let name = format_ident!("{}", op.name);
            quote!(Descriptor::of::<#name>(),)
        });
        quote! {
            /// Operation descriptors generated from the OpenAPI documents: one type per
            /// operation implementing the `Operation` trait.
            pub mod operations {
                /// An API operation: its id, method, path template, and the types of its
                /// request body and responses.
                pub trait Operation {
                    /// `<folder>.<operationId>`.
                    const ID: &'static str;
                    /// HTTP method, upper case.
                    const METHOD: &'static str;
                    /// Path template, as in the OpenAPI document.
                    const PATH: &'static str;
                    /// The documented response statuses (`200`, `4XX`, `default`).
                    const STATUSES: &'static [&'static str];
                    /// The request body type (`()` when the operation takes none).
                    type Request;
                    /// The documented responses: one variant per status.
                    type Response;
                    /// Reads a request body.
                    fn parse_request(body: &str) -> ::std::result::Result<Self::Request, ::serde_json::Error>;
                    /// Reads a response body given its status.
                    fn parse_response(status: u16, body: &str) -> ::std::result::Result<Self::Response, ResponseError>;
                }

                /// Why a response could not be read.
                #[derive(Debug)]
                pub enum ResponseError {
                    /// The status is not documented for the operation.
                    UndocumentedStatus(u16),
                    /// The body does not fit the status's schema.
                    Body(::serde_json::Error),
                }

                impl ::std::fmt::Display for ResponseError {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self {
                            ResponseError::UndocumentedStatus(s) => write!(f, "status {s} is not documented for this operation"),
                            ResponseError::Body(e) => write!(f, "the response body does not match its schema: {e}"),
                        }
                    }
                }

                impl ::std::error::Error for ResponseError {}

                impl ::std::convert::From<::serde_json::Error> for ResponseError {
                    fn from(e: ::serde_json::Error) -> Self {
                        ResponseError::Body(e)
                    }
                }

                /// An operation's constants, for listing operations at run time.
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub struct Descriptor {
                    /// `<folder>.<operationId>`.
                    pub id: &'static str,
                    /// HTTP method.
                    pub method: &'static str,
                    /// Path template.
                    pub path: &'static str,
                    /// Documented statuses.
                    pub statuses: &'static [&'static str],
                }

                impl Descriptor {
                    /// The descriptor of `O`.
                    pub const fn of<O: Operation>() -> Self {
                        Descriptor { id: O::ID, method: O::METHOD, path: O::PATH, statuses: O::STATUSES }
                    }
                }

                /// Every operation, sorted by id.
                pub const OPERATIONS: &[Descriptor] = &[#(#registry)*];

                /// Every operation id, sorted.
                pub const OPERATION_IDS: &[&str] = &[#(#ids),*];

                /// Reads a request body of operation `id` into its type and serializes it
                /// back: `Ok` exactly when the body is valid. `None` for an unknown id.
                pub fn roundtrip_request(id: &str, body: &str) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
                    let _ = body; // unused when the schemas declare no operations
                    match id {
                        #(#by_id_request)*
                        _ => ::std::option::Option::None,
                    }
                }

                /// Reads a response body of operation `id` with `status` into its type and
                /// serializes the body back: `Ok` exactly when it is valid. `None` for an unknown id.
                pub fn roundtrip_response(id: &str, status: u16, body: &str) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
                    let _ = (status, body); // unused when the schemas declare no operations
                    match id {
                        #(#by_id_response)*
                        _ => ::std::option::Option::None,
                    }
                }

                #(#ops)*
            }
        }
    }

    fn operation(&self, op: &OperationDef, m: &[String]) -> TokenStream {
        let name = format_ident!("{}", op.name);
        let response = format_ident!("{}Response", op.name);
        let (id, method, path) = (&op.id, &op.method, &op.path);
        let mut doc = format!("`{method} {path}` (`{id}`)");
        if let Some(s) = &op.summary {
            doc = format!("{s}\n\n{doc}");
        }
        let doc = doc_attr(Some(&doc));
        let statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
        let (request, parse_request) = match &op.request {
            Some(t) => {
                let t = self.ty(t, m);
                (t, quote!(::serde_json::from_str(body)))
            }
            None => (
                quote!(()),
                quote!({
                    let _ = body;
                    ::std::result::Result::Ok(())
                }),
            ),
        };
        let variants = op.responses.iter().map(|r| {
            let v = format_ident!("{}", r.variant);
            let d = doc_attr(Some(&format!("`{}`: {}", r.status, r.description.as_deref().unwrap_or(""))));
            let ranged = r.status == "default" || r.status.to_ascii_uppercase().ends_with("XX");
            let body = match &r.body {
                BodyDef::None => None,
                BodyDef::Json(t) => Some(self.ty(t, m)),
                BodyDef::Text => Some(quote!(::std::string::String)),
            };
            match (ranged, body) {
                (false, None) => quote!(#d #v,),
                (false, Some(b)) => quote!(#d #v(#b),),
                (true, None) => quote!(#d #v { /** The actual status. */ status: u16 },),
                (true, Some(b)) => quote!(#d #v { /** The actual status. */ status: u16, /** The body. */ body: #b },),
            }
        });
        let mut exact = Vec::new();
        let mut ranges = Vec::new();
        let mut default = None;
        for r in &op.responses {
            let v = format_ident!("{}", r.variant);
            let read = match &r.body {
                BodyDef::None => None,
                BodyDef::Json(_) => Some(quote!(::serde_json::from_str(body)?)),
                BodyDef::Text => Some(quote!(body.to_string())),
            };
            if r.status == "default" {
                default = Some(match &read {
                    None => quote!(status => ::std::result::Result::Ok(#response::#v { status }),),
                    Some(read) => quote!(status => ::std::result::Result::Ok(#response::#v { status, body: #read }),),
                });
            } else if let Ok(code) = r.status.parse::<u16>() {
                exact.push(match &read {
                    None => quote!(#code => ::std::result::Result::Ok(#response::#v),),
                    Some(read) => quote!(#code => ::std::result::Result::Ok(#response::#v(#read)),),
                });
            } else if let Some(hundreds) = r.status.chars().next().and_then(|c| c.to_digit(10)) {
                let (lo, hi) = ((hundreds * 100) as u16, (hundreds * 100 + 99) as u16);
                ranges.push(match &read {
                    None => quote!(status @ #lo..=#hi => ::std::result::Result::Ok(#response::#v { status }),),
                    Some(read) => {
                        quote!(status @ #lo..=#hi => ::std::result::Result::Ok(#response::#v { status, body: #read }),)
                    }
                });
            }
        }
        let to_json = op.responses.iter().map(|r| {
            let v = format_ident!("{}", r.variant);
            let ranged = r.status == "default" || r.status.to_ascii_uppercase().ends_with("XX");
            match (&r.body, ranged) {
                (BodyDef::None, false) => {
                    quote!(#response::#v => ::std::result::Result::Ok(::serde_json::Value::Null),)
                }
                (BodyDef::None, true) => {
                    quote!(#response::#v { .. } => ::std::result::Result::Ok(::serde_json::Value::Null),)
                }
                (_, false) => quote!(#response::#v(body) => ::serde_json::to_value(body),),
                (_, true) => quote!(#response::#v { body, .. } => ::serde_json::to_value(body),),
            }
        });
        let fallback =
            default.unwrap_or(quote!(status => ::std::result::Result::Err(ResponseError::UndocumentedStatus(status)),));
        // With no documented response, every status is undocumented (no `match` with one arm).
        let parse_body = if op.responses.is_empty() {
            quote!(::std::result::Result::Err(ResponseError::UndocumentedStatus(status)))
        } else {
            quote!(match status { #(#exact)* #(#ranges)* #fallback })
        };
        // An operation that documents no responses has an empty enum: `*self` matches nothing.
        let to_json_body =
            if op.responses.is_empty() { quote!(match *self {}) } else { quote!(match self { #(#to_json)* }) };
        let response_doc = format!(" The documented responses of `{id}`.");
        let check_exchange = self.check_exchange(op);
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            pub struct #name;

            #[doc = #response_doc]
            #[derive(Debug, Clone, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #response { #(#variants)* }

            impl #response {
                /// The body as JSON (`null` when the response has none).
                pub fn to_json(&self) -> ::std::result::Result<::serde_json::Value, ::serde_json::Error> {
                    #to_json_body
                }
            }

            #check_exchange

            impl Operation for #name {
                const ID: &'static str = #id;
                const METHOD: &'static str = #method;
                const PATH: &'static str = #path;
                const STATUSES: &'static [&'static str] = &[#(#statuses),*];
                type Request = #request;
                type Response = #response;
                fn parse_request(body: &str) -> ::std::result::Result<Self::Request, ::serde_json::Error> {
                    #parse_request
                }
                fn parse_response(status: u16, body: &str) -> ::std::result::Result<Self::Response, ResponseError> {
                    let _ = body;
                    #parse_body
                }
            }
        }
    }

    /// `check_exchange`: the operation's exchange rules on a request and its
    /// response, evaluated by `accord-rules` as the validator evaluates them.
    fn check_exchange(&self, op: &OperationDef) -> TokenStream {
        if op.exchange_rules.is_empty() {
            return quote!();
        }
        let name = format_ident!("{}", op.name);
        let (id, method, path) = (&op.id, &op.method, &op.path);
        let opt = |o: &Option<String>| match o {
            Some(s) => quote!(::std::option::Option::Some(#s)),
            None => quote!(::std::option::Option::None),
        };
        let specs = op.exchange_rules.iter().map(|r| {
            let (rid, rule) = (&r.id, &r.rule);
            let (message, expr, field) = (opt(&r.message), opt(&r.message_expression), opt(&r.field_path));
            quote! {
                ::accord_rules::compile(
                    &::accord_rules::RuleSpec { id: #rid, rule: #rule, message: #message, message_expression: #expr, field_path: #field },
                    &["request", "response", "operation"],
                ).expect("checked when the code was generated")
            }
        });
        let ids: Vec<&String> = op.exchange_rules.iter().map(|r| &r.id).collect();
        let doc = format!(
            " The exchange rules of `{id}` ({}) on a request and its response.\n\n `request` is `{{method, path, query, headers, params, body}}` (header names in lower case), `response` is `{{status, headers, body}}`, as `accord check` builds them. Returns each rule that fails (or cannot be evaluated) as (rule id, message): the ids and messages the validator reports.",
            ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
        );
        quote! {
            impl #name {
                #[doc = #doc]
                pub fn check_exchange(
                    request: &::serde_json::Value,
                    response: &::serde_json::Value,
                ) -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> {
                    static RULES: ::std::sync::LazyLock<::std::vec::Vec<::accord_rules::Rule>> =
                        ::std::sync::LazyLock::new(|| ::std::vec![#(#specs),*]);
                    let none = ::accord_rules::Decimals::none();
                    let operation = ::serde_json::json!({"id": #id, "method": #method, "path": #path});
                    let bound = [
                        ("request", ::accord_rules::Projection::of(RULES.iter(), "request").apply(request, &none)),
                        ("response", ::accord_rules::Projection::of(RULES.iter(), "response").apply(response, &none)),
                        ("operation", ::accord_rules::to_cel(&operation, &none)),
                    ];
                    RULES
                        .iter()
                        .filter_map(|r| match r.evaluate(&bound) {
                            ::accord_rules::Verdict::Pass => ::std::option::Option::None,
                            ::accord_rules::Verdict::Fail { message } | ::accord_rules::Verdict::Error { message } => {
                                ::std::option::Option::Some((r.id.clone(), message))
                            }
                        })
                        .collect()
                }
            }
        }
    }
}
