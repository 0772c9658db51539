//! Predicates and primitive checks as Rust expressions. A predicate is an
//! expression of type `bool` over a variable `v: &serde_json::Value`; nested
//! predicates rebind `v` in closures.

use super::Emitter;
use crate::model::{Check, Eval, Format, Pred, PrimCheck};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// An expression building the JSON value `v` (a `serde_json::Value`). Built
/// from typed parts, so any string (control characters, quotes, non-ASCII)
/// and any number comes out exactly.
pub(crate) fn value_tokens(v: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match v {
        Value::Null => quote!(::serde_json::Value::Null),
        Value::Bool(b) => quote!(::serde_json::Value::Bool(#b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                quote!(::serde_json::Value::from(#i))
            } else if let Some(u) = n.as_u64() {
                quote!(::serde_json::Value::from(#u))
            } else {
                let f = Literal::f64_suffixed(n.as_f64().unwrap_or(0.0));
                quote!(::serde_json::Value::from(#f))
            }
        }
        Value::String(s) => quote!(::serde_json::Value::String(::std::string::String::from(#s))),
        Value::Array(items) => {
            let items = items.iter().map(value_tokens);
            quote!(::serde_json::Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = value_tokens(v);
                quote!((::std::string::String::from(#k), #v))
            });
            quote!(::serde_json::Value::Object([#(#entries),*].into_iter().collect::<::serde_json::Map<::std::string::String, ::serde_json::Value>>()))
        }
    }
}

/// How tightly an emitted expression binds, to parenthesize only where Rust needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Prec {
    /// Calls, paths, literals, `!x`.
    Atom,
    /// `a <= b`, `a == b`.
    Cmp,
    /// `a && b`.
    And,
    /// `a || b`.
    Or,
    /// `if c { a } else { b }`.
    If,
}

/// An expression with its precedence.
pub(crate) type Expr = (TokenStream, Prec);

/// `e`, parenthesized if it binds looser than `max`.
fn wrap((e, p): Expr, max: Prec) -> TokenStream {
    if p > max { quote!((#e)) } else { e }
}

/// `a && b && ...`, or `true`.
fn and(parts: Vec<Expr>) -> Expr {
    match parts.len() {
        0 => (quote!(true), Prec::Atom),
        1 => parts.into_iter().next().unwrap_or((quote!(true), Prec::Atom)),
        _ => {
            let parts: Vec<TokenStream> = parts.into_iter().map(|e| wrap(e, Prec::And)).collect();
            (quote!(#(#parts)&&*), Prec::And)
        }
    }
}

/// `a || b || ...`, or `false`.
fn or(parts: Vec<Expr>) -> Expr {
    match parts.len() {
        0 => (quote!(false), Prec::Atom),
        1 => parts.into_iter().next().unwrap_or((quote!(false), Prec::Atom)),
        _ => {
            let parts: Vec<TokenStream> = parts.into_iter().map(|e| wrap(e, Prec::Or)).collect();
            (quote!(#(#parts)||*), Prec::Or)
        }
    }
}

/// `!e`.
pub(crate) fn not(e: Expr) -> TokenStream {
    let e = wrap(e, Prec::Atom);
    quote!(!#e)
}

fn f64_lit(x: f64) -> Literal {
    Literal::f64_suffixed(x)
}

fn format_fn(f: Format) -> TokenStream {
    match f {
        Format::DateTime => quote!(is_date_time),
        Format::Date => quote!(is_date),
        Format::Time => quote!(is_time),
        Format::Uuid => quote!(is_uuid),
        Format::Uri => quote!(is_uri),
        Format::Byte => quote!(is_base64),
    }
}

impl Emitter<'_> {
    /// Statements adding the properties `eval` evaluates (of the object `o`,
    /// the value `v`) to the set `e`.
    fn eval_fill(&self, eval: &Eval, module: &[String]) -> TokenStream {
        match eval {
            Eval::Names(names) => quote!(#(e.insert(#names);)*),
            Eval::Patterns(ids) if ids.is_empty() => quote!(),
            Eval::Patterns(ids) => {
                let res: Vec<TokenStream> = ids.iter().map(|i| self.pattern_path(*i, module)).collect();
                quote!(for k in o.keys() { if false #(|| #res.is_match(k).unwrap_or(false))* { e.insert(k.as_str()); } })
            }
            Eval::All => quote!(e.extend(o.keys().map(::std::string::String::as_str));),
            Eval::When(p, inner) => {
                let (p, inner) = (self.pred(p, module), self.eval_fill(inner, module));
                quote!(if #p { #inner })
            }
            Eval::IfElse(c, yes, no) => {
                let (c, yes, no) = (self.pred(c, module), self.eval_fill(yes, module), self.eval_fill(no, module));
                quote!(if #c { #yes } else { #no })
            }
            Eval::Seq(parts) => {
                let parts = parts.iter().map(|p| self.eval_fill(p, module));
                quote!(#(#parts)*)
            }
        }
    }

    /// The expression for `p` over `v`, ready to stand anywhere an expression may.
    pub(crate) fn pred(&self, p: &Pred, module: &[String]) -> TokenStream {
        self.pred_expr(p, module).0
    }

    /// The expression for `p` over `v`, with its precedence.
    pub(crate) fn pred_expr(&self, p: &Pred, module: &[String]) -> Expr {
        let rt = self.rt(module);
        let acc = self.accord(module);
        let sub = |p: &Pred| self.pred(p, module);
        // The closure parameter for the value a sub-predicate reads: `_` when it reads none.
        let bind = |p: &Pred| if super::mentions(&self.pred(p, module), "v") { quote!(v) } else { quote!(_) };
        let atom = |t: TokenStream| (t, Prec::Atom);
        let cmp = |t: TokenStream| (t, Prec::Cmp);
        match p {
            Pred::True => atom(quote!(true)),
            Pred::False => atom(quote!(false)),
            Pred::Type(types) => {
                let tests: Vec<Expr> = types
                    .iter()
                    .map(|t| match t.as_str() {
                        "string" => atom(quote!(v.is_string())),
                        "integer" => atom(quote!(#rt::is_integer(v))),
                        "number" => atom(quote!(v.is_number())),
                        "boolean" => atom(quote!(v.is_boolean())),
                        "object" => atom(quote!(v.is_object())),
                        "array" => atom(quote!(v.is_array())),
                        "null" => atom(quote!(v.is_null())),
                        _ => atom(quote!(false)),
                    })
                    .collect();
                or(tests)
            }
            Pred::Const(c) => {
                let c = value_tokens(c);
                atom(quote!(#rt::json_eq(v, &#c)))
            }
            Pred::Enum(values) => {
                let values: Vec<TokenStream> = values.iter().map(value_tokens).collect();
                atom(quote!([#(#values),*].iter().any(|c| #rt::json_eq(v, c))))
            }
            Pred::Prim(check) => atom(self.prim_pred(check, module)),
            Pred::Required(names) => {
                if names.is_empty() {
                    return atom(quote!(true));
                }
                let has = and(names.iter().map(|n| atom(quote!(o.contains_key(#n)))).collect()).0;
                atom(quote!(v.as_object().is_none_or(|o| #has)))
            }
            Pred::Property(name, p) => {
                let b = bind(p);
                let p = sub(p);
                atom(quote!(v.as_object().and_then(|o| o.get(#name)).is_none_or(|#b| #p)))
            }
            Pred::Unevaluated { eval, pred } => {
                let fill = self.eval_fill(eval, module);
                let b = bind(pred);
                let p = sub(pred);
                atom(quote!(v.as_object().is_none_or(|o| {
                    #[allow(unused_mut)]
                    let mut e: ::std::collections::BTreeSet<&str> = ::std::collections::BTreeSet::new();
                    #fill
                    o.iter().filter(|(k, _)| !e.contains(k.as_str())).all(|(_, #b)| #p)
                })))
            }
            Pred::Additional { known, patterns, pred } => {
                let b = bind(pred);
                let p = sub(pred);
                let res: Vec<TokenStream> = patterns.iter().map(|i| self.pattern_path(*i, module)).collect();
                atom(quote!(v.as_object().is_none_or(|o| o.iter()
                    .filter(|(k, _)| ![#(#known),*].contains(&k.as_str()) #(&& !#res.is_match(k).unwrap_or(false))*)
                    .all(|(_, #b)| #p))))
            }
            Pred::PatternProperty(i, pred) => {
                let re = self.pattern_path(*i, module);
                let b = bind(pred);
                let p = sub(pred);
                atom(
                    quote!(v.as_object().is_none_or(|o| o.iter().filter(|(k, _)| #re.is_match(k).unwrap_or(false)).all(|(_, #b)| #p))),
                )
            }
            Pred::DependentRequired(name, deps) => {
                let has = wrap(and(deps.iter().map(|n| atom(quote!(o.contains_key(#n)))).collect()), Prec::Or);
                atom(quote!(v.as_object().is_none_or(|o| !o.contains_key(#name) || #has)))
            }
            Pred::DependentSchema(name, pred) => {
                let p = wrap(self.pred_expr(pred, module), Prec::Or);
                (quote!(v.as_object().is_none_or(|o| !o.contains_key(#name)) || #p), Prec::Or)
            }
            Pred::Properties { min, max } => {
                let min = min.unwrap_or(0) as usize;
                let max = max.map_or(usize::MAX, |m| m as usize);
                atom(quote!(v.as_object().is_none_or(|o| (#min..=#max).contains(&o.len()))))
            }
            Pred::PropertyNames(pred) => {
                let p = sub(pred);
                if !super::mentions(&p, "v") {
                    atom(quote!(v.as_object().is_none_or(|o| o.keys().all(|_| #p))))
                } else {
                    atom(
                        quote!(v.as_object().is_none_or(|o| o.keys().all(|k| { let v = &::serde_json::Value::String(k.clone()); #p }))),
                    )
                }
            }
            Pred::Items { from, pred } => {
                let b = bind(pred);
                let p = sub(pred);
                atom(quote!(v.as_array().is_none_or(|a| a.iter().skip(#from).all(|#b| #p))))
            }
            Pred::PrefixItems(preds) => {
                let checks: Vec<Expr> = preds
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let b = bind(p);
                        let p = sub(p);
                        atom(quote!(a.get(#i).is_none_or(|#b| #p)))
                    })
                    .collect();
                let all = and(checks).0;
                atom(quote!(v.as_array().is_none_or(|a| #all)))
            }
            Pred::ItemCount { min, max } => {
                let min = min.unwrap_or(0) as usize;
                let max = max.map_or(usize::MAX, |m| m as usize);
                atom(quote!(v.as_array().is_none_or(|a| (#min..=#max).contains(&a.len()))))
            }
            Pred::UniqueItems => atom(quote!(v.as_array().is_none_or(|a| #rt::unique_items(a)))),
            Pred::Contains { pred, min, max } => {
                let b = bind(pred);
                let p = sub(pred);
                let max = max.unwrap_or(u64::MAX);
                atom(
                    quote!(v.as_array().is_none_or(|a| (#min..=#max).contains(&(a.iter().filter(|#b| #p).count() as u64)))),
                )
            }
            Pred::MaxSerializedLength(n) => cmp(quote!(#rt::serialized_len(v) <= #n)),
            Pred::Rules(i) => {
                let f = format_ident!("rules_{}", *i);
                atom(quote!(#acc::#f(v)))
            }
            Pred::AllOf(ps) => and(ps.iter().map(|p| self.pred_expr(p, module)).collect()),
            Pred::AnyOf(ps) => or(ps.iter().map(|p| self.pred_expr(p, module)).collect()),
            Pred::OneOf(ps) => {
                let ps: Vec<TokenStream> = ps.iter().map(sub).collect();
                cmp(quote!([#(#ps),*].iter().filter(|b| **b).count() == 1))
            }
            Pred::Not(p) => match &**p {
                Pred::Not(inner) => self.pred_expr(inner, module),
                other => atom(not(self.pred_expr(other, module))),
            },
            Pred::If(c, t, e) if **e == Pred::True => {
                // `if c then t`: `!c || t`.
                or(vec![(not(self.pred_expr(c, module)), Prec::Atom), self.pred_expr(t, module)])
            }
            Pred::If(c, t, e) => {
                let c = wrap(self.pred_expr(c, module), Prec::Or);
                let (t, e) = (sub(t), sub(e));
                (quote!(if #c { #t } else { #e }), Prec::If)
            }
            Pred::Call(id) => {
                let f = format_ident!("pred_{}", *id);
                atom(quote!(#acc::#f(v)))
            }
        }
    }

    /// A primitive check inside a predicate: applies to its JSON type, passes others.
    fn prim_pred(&self, check: &PrimCheck, module: &[String]) -> TokenStream {
        let rt = self.rt(module);
        match check {
            PrimCheck::MinLength(n) => quote!(v.as_str().is_none_or(|s| #rt::char_len(s) >= #n)),
            PrimCheck::MaxLength(n) => quote!(v.as_str().is_none_or(|s| #rt::char_len(s) <= #n)),
            PrimCheck::Pattern(i) => {
                let re = self.pattern_path(*i, module);
                quote!(v.as_str().is_none_or(|s| #re.is_match(s).unwrap_or(false)))
            }
            PrimCheck::Format(f) => {
                let f = format_fn(*f);
                quote!(v.as_str().is_none_or(#rt::#f))
            }
            PrimCheck::Minimum(x) => {
                let x = f64_lit(*x);
                quote!(v.as_f64().is_none_or(|n| n >= #x))
            }
            PrimCheck::Maximum(x) => {
                let x = f64_lit(*x);
                quote!(v.as_f64().is_none_or(|n| n <= #x))
            }
            PrimCheck::ExclusiveMinimum(x) => {
                let x = f64_lit(*x);
                quote!(v.as_f64().is_none_or(|n| n > #x))
            }
            PrimCheck::ExclusiveMaximum(x) => {
                let x = f64_lit(*x);
                quote!(v.as_f64().is_none_or(|n| n < #x))
            }
            PrimCheck::MultipleOf(x) => {
                let x = f64_lit(*x);
                quote!(v.as_f64().is_none_or(|n| #rt::multiple_of(n, #x)))
            }
            PrimCheck::OneOf(values) => {
                let values: Vec<TokenStream> = values.iter().map(value_tokens).collect();
                quote!([#(#values),*].iter().any(|c| #rt::json_eq(v, c)))
            }
        }
    }

    /// Statements returning `Err(ConstraintError)` from the enclosing fn when a check fails.
    pub(crate) fn checks(&self, checks: &[Check], module: &[String]) -> TokenStream {
        let rt = self.rt(module);
        let stmts = checks.iter().map(|c| {
            let failed = match &c.pred {
                Pred::Not(inner) => self.pred(inner, module),
                other => not(self.pred_expr(other, module)),
            };
            let message = &c.message;
            quote!(if #failed { return ::std::result::Result::Err(#rt::ConstraintError::new(#message)); })
        });
        quote!(#(#stmts)*)
    }

    /// Statements checking a typed primitive `value` (a `String`, `i64` or `serde_json::Number`).
    /// Messages never show the value itself (it may be a secret), only lengths and limits.
    pub(crate) fn prim_checks(&self, checks: &[PrimCheck], module: &[String], string: bool) -> TokenStream {
        let rt = self.rt(module);
        let fail = |msg: TokenStream| quote!(return ::std::result::Result::Err(#rt::ConstraintError::new(#msg)););
        let stmts = checks.iter().map(|c| match c {
            PrimCheck::MinLength(n) => {
                let f = fail(quote!(::std::format!("must be at least {} characters long, not {}", #n, len)));
                quote!({ let len = #rt::char_len(&value); if len < #n { #f } })
            }
            PrimCheck::MaxLength(n) => {
                let f = fail(quote!(::std::format!("must be at most {} characters long, not {}", #n, len)));
                quote!({ let len = #rt::char_len(&value); if len > #n { #f } })
            }
            PrimCheck::Pattern(i) => {
                let re = self.pattern_path(*i, module);
                let text = format!("must match the pattern {}", self.space.patterns[*i]);
                let f = fail(quote!(#text));
                quote!(if !#re.is_match(&value).unwrap_or(false) { #f })
            }
            PrimCheck::Format(fmt) => {
                let func = format_fn(*fmt);
                let text = format!("must be a valid {}", fmt.as_str());
                let f = fail(quote!(#text));
                quote!(if !#rt::#func(&value) { #f })
            }
            other => {
                let as_f64 = if string { quote!(0.0) } else { quote!(#rt::to_f64(&value)) };
                // The failing condition, stated directly (clippy dislikes negated comparisons).
                let (fails, text) = match other {
                    PrimCheck::Minimum(x) => {
                        let l = f64_lit(*x);
                        (quote!(n < #l), format!("must be at least {x}"))
                    }
                    PrimCheck::Maximum(x) => {
                        let l = f64_lit(*x);
                        (quote!(n > #l), format!("must be at most {x}"))
                    }
                    PrimCheck::ExclusiveMinimum(x) => {
                        let l = f64_lit(*x);
                        (quote!(n <= #l), format!("must be greater than {x}"))
                    }
                    PrimCheck::ExclusiveMaximum(x) => {
                        let l = f64_lit(*x);
                        (quote!(n >= #l), format!("must be less than {x}"))
                    }
                    PrimCheck::MultipleOf(x) => {
                        let l = f64_lit(*x);
                        (quote!(!#rt::multiple_of(n, #l)), format!("must be a multiple of {x}"))
                    }
                    PrimCheck::OneOf(values) => {
                        let shown: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                        let values: Vec<TokenStream> = values.iter().map(value_tokens).collect();
                        let text = format!("must be one of {}", shown.join(", "));
                        let f = fail(quote!(#text));
                        return quote!({
                            let v = &::serde_json::json!(value);
                            if ![#(#values),*].iter().any(|c| #rt::json_eq(v, c)) { #f }
                        });
                    }
                    _ => unreachable!("string checks handled above"),
                };
                let f = fail(quote!(#text));
                quote!({ let n: f64 = #as_f64; if #fails { #f } })
            }
        });
        quote!(#(#stmts)*)
    }
}
