//! One generated item per model type: structs with a hand-written
//! `Deserialize` that enforces required fields, unknown fields and
//! cross-field rules; enums; checked newtypes; unions chosen by tag or by
//! trying each variant; conditionals; constants; checked JSON values.

use super::pred::value_tokens;
use super::{Emitter, doc_attr};
use crate::model::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

const DERIVE_DATA: &[&str] = &["Debug", "Clone", "PartialEq", "::serde::Serialize", "::schemars::JsonSchema"];

fn ident(name: &str) -> syn::Ident {
    syn::parse_str::<syn::Ident>(name).unwrap_or_else(|_| format_ident!("{}", name.trim_start_matches("r#")))
}

impl Emitter<'_> {
    pub(crate) fn item(&self, id: TypeId) -> TokenStream {
        let entry = &self.space.types[id];
        let m = &entry.module;
        let name = ident(&entry.name);
        let mut doc_text = entry.doc.clone().unwrap_or_default();
        if !doc_text.is_empty() {
            doc_text.push_str("\n\n");
        }
        doc_text.push_str(&format!("Generated from `{}`.", entry.origin.display()));
        let doc = doc_attr(Some(&doc_text));
        let shape = entry.shape.clone().unwrap_or(Shape::Alias(TypeRef::Any));
        match &shape {
            Shape::Alias(t) => {
                let t = self.ty(t, m);
                quote!(#doc pub type #name = #t;)
            }
            Shape::Struct(s) => self.structure(&name, &doc, s, m),
            Shape::Enum(variants) => self.closed_enum(&name, &doc, variants),
            Shape::OpenEnum(o) => self.open_enum(&name, &doc, o, m),
            Shape::Newtype(n) => self.newtype(&name, &doc, n, m),
            Shape::Decimal(checks) => self.decimal(&name, &doc, checks, m),
            Shape::Const(v) => self.constant(&name, &doc, v, m),
            Shape::Union(u) => self.union(&name, &doc, u, m),
            Shape::Conditional(c) => self.conditional(&name, &doc, c, m),
            Shape::Json(checks) => self.json(&name, &doc, checks, m),
        }
    }

    /// `Deserialize` by reading `inner` (integers as JSON Schema reads them:
    /// `1.0` is 1) and passing it through `Name::new`, which checks it.
    fn deserialize_via_new(rt: &TokenStream, name: &syn::Ident, inner: &TokenStream) -> TokenStream {
        let read = if inner.to_string() == "i64" {
            quote!(let value = ::serde::de::DeserializeSeed::deserialize(#rt::Lenient::<#inner>::new(), deserializer)?;)
        } else {
            quote!(let value = <#inner as ::serde::Deserialize>::deserialize(deserializer)?;)
        };
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    #read
                    #name::new(value).map_err(<__D::Error as ::serde::de::Error>::custom)
                }
            }
        }
    }

    fn field_type(&self, f: &Field, m: &[String]) -> TokenStream {
        let t = self.ty(&f.ty, m);
        if f.boxed { quote!(::std::boxed::Box<#t>) } else { t }
    }

    fn structure(&self, name: &syn::Ident, doc: &TokenStream, s: &StructShape, m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let derive = self.derive(DERIVE_DATA);
        let deny = matches!(s.additional, Additional::Deny).then(|| quote!(#[serde(deny_unknown_fields)]));
        let fields = s.fields.iter().map(|f| {
            let fname = ident(&f.rust_name);
            let json = &f.json_name;
            let fallback = format!("The `{}` property.", f.json_name);
            let fdoc = doc_attr(Some(f.doc.as_deref().unwrap_or(&fallback)));
            let t = self.field_type(f, m);
            if f.required {
                quote!(#fdoc #[serde(rename = #json)] pub #fname: #t,)
            } else {
                quote!(#fdoc #[serde(rename = #json, default, skip_serializing_if = "::std::option::Option::is_none")] pub #fname: ::std::option::Option<#t>,)
            }
        });
        let extra = match &s.additional {
            Additional::Deny => quote!(),
            Additional::Keep(t) => {
                let t = self.ty(t, m);
                quote! {
                    /// Properties the schema does not list, kept so the value serializes back unchanged.
                    #[serde(flatten)]
                    pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #t>,
                }
            }
        };
        // Deserialize: one pass over the map, no buffering (exact decimals stay exact).
        let slots = s.fields.iter().enumerate().map(|(i, f)| {
            let slot = format_ident!("field_{}", i);
            let t = self.field_type(f, m);
            quote!(let mut #slot: ::std::option::Option<#t> = ::std::option::Option::None;)
        });
        let arms = s.fields.iter().enumerate().map(|(i, f)| {
            let slot = format_ident!("field_{}", i);
            let json = &f.json_name;
            let read = if plain_integer(&f.ty) {
                quote!(map.next_value_seed(#rt::Lenient::new())?)
            } else {
                quote!(map.next_value()?)
            };
            quote! {
                #json => {
                    if #slot.is_some() {
                        return ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::duplicate_field(#json));
                    }
                    #slot = ::std::option::Option::Some(#read);
                }
            }
        });
        let names: Vec<&str> = s.fields.iter().map(|f| f.json_name.as_str()).collect();
        let (extra_init, other_arm, extra_field) = match &s.additional {
            Additional::Deny => (
                quote!(),
                quote!(other => return ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::unknown_field(other, FIELDS)),),
                quote!(),
            ),
            Additional::Keep(t) if plain_integer(t) => (
                quote!(let mut additional_properties = ::std::collections::BTreeMap::new();),
                quote!(_ => { additional_properties.insert(key, map.next_value_seed(#rt::Lenient::new())?); }),
                quote!(additional_properties,),
            ),
            Additional::Keep(_) => (
                quote!(let mut additional_properties = ::std::collections::BTreeMap::new();),
                quote!(_ => { additional_properties.insert(key, map.next_value()?); }),
                quote!(additional_properties,),
            ),
        };
        let build = s.fields.iter().enumerate().map(|(i, f)| {
            let slot = format_ident!("field_{}", i);
            let fname = ident(&f.rust_name);
            let json = &f.json_name;
            if f.required {
                quote!(#fname: #slot.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#json))?,)
            } else {
                quote!(#fname: #slot,)
            }
        });
        let (check_fn, check_call) = if s.checks.is_empty() {
            (quote!(), quote!())
        } else {
            let checks = self.checks(&s.checks, m);
            (
                quote! {
                    impl #name {
                        /// Checks the rules between this object's properties (the schema's
                        /// `if`/`then`, `not`, `dependentRequired`, ...). Deserializing runs
                        /// it; call it after building a value by hand.
                        pub fn check_rules(&self) -> ::std::result::Result<(), #rt::ConstraintError> {
                            let value = ::serde_json::to_value(self).map_err(|e| #rt::ConstraintError::new(e.to_string()))?;
                            let v = &value;
                            let _ = v; // a constant check reads no value
                            #checks
                            ::std::result::Result::Ok(())
                        }
                    }
                },
                quote!(value.check_rules().map_err(<__A::Error as ::serde::de::Error>::custom)?;),
            )
        };
        let expecting = format!("an object ({name})");
        let fields_const = if matches!(s.additional, Additional::Deny) {
            quote!(const FIELDS: &[&str] = &[#(#names),*];)
        } else {
            quote!()
        };
        let read_keys = if s.fields.is_empty() && matches!(s.additional, Additional::Deny) {
            // No property is allowed: the first key is an error.
            quote! {
                if let ::std::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
                    return ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::unknown_field(&key, FIELDS));
                }
            }
        } else {
            quote! {
                while let ::std::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
                    match key.as_str() {
                        #(#arms)*
                        #other_arm
                    }
                }
            }
        };
        quote! {
            #doc
            #derive
            #deny
            pub struct #name {
                #(#fields)*
                #extra
            }

            #check_fn

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    struct __Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<#name, __A::Error> {
                            #fields_const
                            #(#slots)*
                            #extra_init
                            #read_keys
                            let value = #name { #(#build)* #extra_field };
                            #check_call
                            ::std::result::Result::Ok(value)
                        }
                    }
                    deserializer.deserialize_map(__Visitor)
                }
            }
        }
    }

    fn closed_enum(&self, name: &syn::Ident, doc: &TokenStream, variants: &[EnumVariant]) -> TokenStream {
        let derive = self.derive(&[
            "Debug",
            "Clone",
            "Copy",
            "PartialEq",
            "Eq",
            "Hash",
            "PartialOrd",
            "Ord",
            "::serde::Serialize",
            "::serde::Deserialize",
            "::schemars::JsonSchema",
        ]);
        let vs = variants.iter().map(|v| {
            let n = ident(&v.name);
            let value = &v.value;
            let d = super::doc_safe(&format!(" `{value}`"));
            quote!(#[doc = #d] #[serde(rename = #value)] #n,)
        });
        let arms = variants.iter().map(|v| {
            let n = ident(&v.name);
            let value = &v.value;
            quote!(#name::#n => #value,)
        });
        quote! {
            #doc
            #derive
            pub enum #name { #(#vs)* }

            impl #name {
                /// The JSON string.
                pub fn as_str(&self) -> &'static str {
                    match self { #(#arms)* }
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    }

    fn open_enum(&self, name: &syn::Ident, doc: &TokenStream, o: &OpenEnumShape, m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let derive = self.derive(&["Debug", "Clone", "PartialEq", "Eq", "Hash"]);
        let vs = o.known.iter().map(|v| {
            let n = ident(&v.name);
            let d = super::doc_safe(&format!(" `{}`", v.value));
            quote!(#[doc = #d] #n,)
        });
        let as_str = o.known.iter().map(|v| {
            let n = ident(&v.name);
            let value = &v.value;
            quote!(#name::#n => #value,)
        });
        let from = o.known.iter().map(|v| {
            let n = ident(&v.name);
            let value = &v.value;
            quote!(#value => #name::#n,)
        });
        let checks = self.prim_checks(&o.checks, m, true);
        let deserialize = Self::deserialize_via_new(&self.rt(m), name, &quote!(::std::string::String));
        let known: Vec<&str> = o.known.iter().map(|v| v.value.as_str()).collect();
        let schema_name = name.to_string();
        quote! {
            #doc
            ///
            /// The list is open: values other than the documented ones are kept in `Other`.
            #derive
            pub enum #name {
                #(#vs)*
                /// A value the schema does not list.
                Other(::std::string::String),
            }

            impl #name {
                /// The JSON string.
                pub fn as_str(&self) -> &str {
                    match self { #(#as_str)* #name::Other(s) => s.as_str() }
                }

                /// The value for `value`, if it meets the schema's constraints.
                pub fn new(value: ::std::string::String) -> ::std::result::Result<Self, #rt::ConstraintError> {
                    #checks
                    ::std::result::Result::Ok(match value.as_str() { #(#from)* _ => #name::Other(value) })
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            #deserialize

            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#schema_name)
                }
                fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    ::schemars::json_schema!({"type": "string", "examples": [#(#known),*]})
                }
            }
        }
    }

    fn newtype(&self, name: &syn::Ident, doc: &TokenStream, n: &NewtypeShape, m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let (inner, string) = match n.prim {
            Prim::String => (quote!(::std::string::String), true),
            Prim::Integer => (quote!(i64), false),
            Prim::Int32 => (quote!(i32), false),
            Prim::Number => (quote!(::serde_json::Number), false),
        };
        let checks = self.prim_checks(&n.checks, m, string);
        let deserialize = Self::deserialize_via_new(&rt, name, &inner);
        // A sensitive value never shows in `Debug` (logs, panics) and has no `Display`.
        let derive = if n.sensitive {
            self.derive(&["Clone", "PartialEq", "::serde::Serialize", "::schemars::JsonSchema"])
        } else {
            self.derive(DERIVE_DATA)
        };
        let debug = if n.sensitive {
            let shown = format!("{name}(<redacted>)");
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#shown)
                    }
                }
            }
        } else {
            quote!()
        };
        let accessors = match n.prim {
            Prim::String => quote! {
                /// The string.
                pub fn as_str(&self) -> &str { &self.0 }
            },
            Prim::Integer => quote! {
                /// The integer.
                pub fn get(&self) -> i64 { self.0 }
            },
            Prim::Int32 => quote! {
                /// The integer.
                pub fn get(&self) -> i32 { self.0 }
            },
            Prim::Number => quote! {
                /// The number.
                pub fn get(&self) -> &::serde_json::Number { &self.0 }
            },
        };
        let display = if string && !n.sensitive {
            quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(&self.0) }
                }
            }
        } else {
            quote!()
        };
        let str_conv = if string {
            quote! {
                impl ::std::convert::TryFrom<&str> for #name {
                    type Error = #rt::ConstraintError;
                    fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> { #name::new(value.to_string()) }
                }

                #display
            }
        } else {
            quote!()
        };
        quote! {
            #doc
            #derive
            #[serde(transparent)]
            pub struct #name(#inner);

            impl #name {
                /// The value, if it meets the schema's constraints.
                pub fn new(value: #inner) -> ::std::result::Result<Self, #rt::ConstraintError> {
                    #checks
                    ::std::result::Result::Ok(#name(value))
                }
                #accessors
                /// The inner value.
                pub fn into_inner(self) -> #inner { self.0 }
            }

            impl ::std::convert::TryFrom<#inner> for #name {
                type Error = #rt::ConstraintError;
                fn try_from(value: #inner) -> ::std::result::Result<Self, Self::Error> { #name::new(value) }
            }

            #str_conv
            #debug

            #deserialize
        }
    }

    fn decimal(&self, name: &syn::Ident, doc: &TokenStream, checks: &[Check], m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let derive = self.derive(DERIVE_DATA);
        let checks = self.checks(checks, m);
        let deserialize = Self::deserialize_via_new(&rt, name, &quote!(#rt::Decimal));
        quote! {
            #doc
            ///
            /// An exact decimal: serializes back digit for digit, as a number or a string as it came.
            #derive
            #[serde(transparent)]
            pub struct #name(#rt::Decimal);

            impl #name {
                /// The decimal, if it meets the schema's constraints.
                pub fn new(value: #rt::Decimal) -> ::std::result::Result<Self, #rt::ConstraintError> {
                    let json = value.to_value();
                    let v = &json;
                    #checks
                    ::std::result::Result::Ok(#name(value))
                }
                /// The decimal.
                pub fn get(&self) -> &#rt::Decimal { &self.0 }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { ::std::fmt::Display::fmt(&self.0, f) }
            }

            #deserialize
        }
    }

    fn constant(&self, name: &syn::Ident, doc: &TokenStream, value: &serde_json::Value, m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let always = super::doc_safe(&format!(" Always `{value}`."));
        let derive = self.derive(&["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash", "Default"]);
        let tokens = value_tokens(value);
        let expecting = format!("expected the constant {value}");
        let schema_name = name.to_string();
        quote! {
            #doc
            ///
            #[doc = #always]
            #derive
            pub struct #name;

            impl #name {
                /// The constant's JSON value.
                pub fn value() -> ::serde_json::Value { #tokens }
            }

            impl ::serde::Serialize for #name {
                fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                    ::serde::Serialize::serialize(&#name::value(), serializer)
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    if #rt::json_eq(&value, &#name::value()) {
                        ::std::result::Result::Ok(#name)
                    } else {
                        ::std::result::Result::Err(<__D::Error as ::serde::de::Error>::custom(#expecting))
                    }
                }
            }

            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#schema_name)
                }
                fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    let mut schema = ::serde_json::Map::new();
                    schema.insert(::std::string::String::from("const"), #name::value());
                    ::schemars::Schema::from(schema)
                }
            }
        }
    }

    fn union(&self, name: &syn::Ident, doc: &TokenStream, u: &UnionShape, m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let derive = self.derive(DERIVE_DATA);
        let vs = u.variants.iter().map(|v| {
            let n = ident(&v.name);
            let t = self.ty(&v.ty, m);
            let d = format!(" A value matching the `{}` variant.", v.name);
            quote!(#[doc = #d] #n(#t),)
        });
        let need_value = !u.checks.is_empty() || u.tag.is_some();
        let check_call = self.check_call(&u.checks, m);
        let value = if need_value {
            quote! {
                let json: ::serde_json::Value = ::serde_json::from_str(text).map_err(<__D::Error as ::serde::de::Error>::custom)?;
                let v = &json;
                #check_call
            }
        } else {
            quote!()
        };

        let pick = if let Some(tag) = &u.tag {
            let property = &tag.property;
            let arms = u.variants.iter().zip(&tag.values).map(|(v, value)| {
                let n = ident(&v.name);
                let t = self.ty(&v.ty, m);
                let from = reader(&rt, &v.ty);
                let value = value_tokens(value);
                quote! {
                    if #rt::json_eq(found, &#value) {
                        return #from::<#t>(text).map(#name::#n).map_err(<__D::Error as ::serde::de::Error>::custom);
                    }
                }
            });
            let none = format!("`{property}` does not name a variant of {name}");
            quote! {
                if let ::std::option::Option::Some(found) = v.get(#property) {
                    #(#arms)*
                }
                ::std::result::Result::Err(<__D::Error as ::serde::de::Error>::custom(#none))
            }
        } else {
            let tries = u.variants.iter().map(|v| {
                let n = ident(&v.name);
                let t = self.ty(&v.ty, m);
                let from = reader(&rt, &v.ty);
                let label = v.name.clone();
                match u.kind {
                    UnionKind::AnyOf => quote! {
                        match #from::<#t>(text) {
                            ::std::result::Result::Ok(x) => return ::std::result::Result::Ok(#name::#n(x)),
                            ::std::result::Result::Err(e) => errors.push(::std::format!("{}: {}", #label, e)),
                        }
                    },
                    UnionKind::OneOf => quote! {
                        match #from::<#t>(text) {
                            ::std::result::Result::Ok(x) => { matched += 1; found.get_or_insert(#name::#n(x)); }
                            ::std::result::Result::Err(e) => errors.push(::std::format!("{}: {}", #label, e)),
                        }
                    },
                }
            });
            let none = format!("matches no variant of {name}");
            match u.kind {
                UnionKind::AnyOf => quote! {
                    let mut errors: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    #(#tries)*
                    ::std::result::Result::Err(<__D::Error as ::serde::de::Error>::custom(::std::format!("{} ({})", #none, errors.join("; "))))
                },
                UnionKind::OneOf => {
                    let many = format!("matches more than one variant of {name} (oneOf)");
                    quote! {
                        let mut errors: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                        let mut matched = 0usize;
                        let mut found: ::std::option::Option<#name> = ::std::option::Option::None;
                        #(#tries)*
                        match (matched, found) {
                            (1, ::std::option::Option::Some(x)) => ::std::result::Result::Ok(x),
                            (0, _) => ::std::result::Result::Err(<__D::Error as ::serde::de::Error>::custom(::std::format!("{} ({})", #none, errors.join("; ")))),
                            _ => ::std::result::Result::Err(<__D::Error as ::serde::de::Error>::custom(#many)),
                        }
                    }
                }
            }
        };
        quote! {
            #doc
            #derive
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name { #(#vs)* }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    // Read once as raw JSON text, then into the variant that fits:
                    // no buffering through serde's untagged machinery, so decimals stay exact.
                    let raw = <::std::boxed::Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
                    let text = raw.get();
                    #value
                    #pick
                }
            }
        }
    }

    fn conditional(&self, name: &syn::Ident, doc: &TokenStream, c: &ConditionalShape, m: &[String]) -> TokenStream {
        let derive = self.derive(DERIVE_DATA);
        let (tn, tt) = (ident(&c.then.name), self.ty(&c.then.ty, m));
        let (en, et) = (ident(&c.otherwise.name), self.ty(&c.otherwise.ty, m));
        let (tn, en) = if tn == en { (format_ident!("Then"), format_ident!("Else")) } else { (tn, en) };
        let check_call = self.check_call(&c.checks, m);
        let condition = self.pred(&c.condition, m);
        let rt = self.rt(m);
        let (then_from, else_from) = (reader(&rt, &c.then.ty), reader(&rt, &c.otherwise.ty));

        quote! {
            #doc
            ///
            /// The schema's `if` decides which variant a value is read as.
            #derive
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                /// The `if` holds (`then`).
                #tn(#tt),
                /// The `if` does not hold (`else`).
                #en(#et),
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    let raw = <::std::boxed::Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
                    let text = raw.get();
                    let json: ::serde_json::Value = ::serde_json::from_str(text).map_err(<__D::Error as ::serde::de::Error>::custom)?;
                    let v = &json;
                    #check_call
                    if #condition {
                        #then_from::<#tt>(text).map(#name::#tn).map_err(<__D::Error as ::serde::de::Error>::custom)
                    } else {
                        #else_from::<#et>(text).map(#name::#en).map_err(<__D::Error as ::serde::de::Error>::custom)
                    }
                }
            }
        }
    }

    /// Statements running `checks` on `v` inside a `deserialize`, failing it with their message.
    fn check_call(&self, checks: &[Check], m: &[String]) -> TokenStream {
        if checks.is_empty() {
            return quote!();
        }
        let rt = self.rt(m);
        let body = self.checks(checks, m);
        quote! {
            fn check(v: &::serde_json::Value) -> ::std::result::Result<(), #rt::ConstraintError> {
                #body
                ::std::result::Result::Ok(())
            }
            check(v).map_err(<__D::Error as ::serde::de::Error>::custom)?;
        }
    }

    fn json(&self, name: &syn::Ident, doc: &TokenStream, checks: &[Check], m: &[String]) -> TokenStream {
        let rt = self.rt(m);
        let derive = self.derive(DERIVE_DATA);
        let checks = self.checks(checks, m);
        let deserialize = Self::deserialize_via_new(&self.rt(m), name, &quote!(::serde_json::Value));
        quote! {
            #doc
            ///
            /// A JSON value checked against its schema (the Rust type system cannot say more here).
            #derive
            #[serde(transparent)]
            pub struct #name(::serde_json::Value);

            impl #name {
                /// The value, if it matches the schema.
                pub fn new(value: ::serde_json::Value) -> ::std::result::Result<Self, #rt::ConstraintError> {
                    let v = &value;
                    let _ = v; // a constant check reads no value
                    #checks
                    ::std::result::Result::Ok(#name(value))
                }
                /// The JSON value.
                pub fn get(&self) -> &::serde_json::Value { &self.0 }
                /// The inner JSON value.
                pub fn into_inner(self) -> ::serde_json::Value { self.0 }
            }

            #deserialize
        }
    }
}

/// Whether reading a `t` needs the runtime's `Lenient` (so `1.0` reads as an
/// integer): it holds an `i64` outside any generated type, which reads its
/// own fields leniently.
fn plain_integer(t: &TypeRef) -> bool {
    match t {
        TypeRef::Integer | TypeRef::Int32 => true,
        TypeRef::Vec(inner) | TypeRef::Option(inner) | TypeRef::Map(inner) => plain_integer(inner),
        _ => false,
    }
}

/// The function that reads a `t` from JSON text.
fn reader(rt: &TokenStream, t: &TypeRef) -> TokenStream {
    if plain_integer(t) { quote!(#rt::from_str) } else { quote!(::serde_json::from_str) }
}
