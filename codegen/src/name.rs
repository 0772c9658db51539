//! Rust names for schema names: UpperCamelCase types, snake_case fields and
//! modules, with keywords and non-identifiers made safe. Deterministic: the
//! same schemas always give the same names.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Words that cannot be raw identifiers either.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// A type or variant name: `order-status` → `OrderStatus`, `2xx` → `T2xx`.
pub fn type_name(s: &str) -> String {
    let mut name = clean(s).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if UNRAWABLE.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A field or module name: `orderStatus` → `order_status`; keywords become
/// raw identifiers (`r#type`) where Rust allows it.
pub fn field_name(s: &str) -> String {
    let mut name = clean(s).to_snake_case();
    if name.is_empty() {
        name = "empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if UNRAWABLE.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// A module name (never a raw identifier).
pub fn module_name(s: &str) -> String {
    let name = field_name(s);
    match name.strip_prefix("r#") {
        Some(k) => format!("{k}_"),
        None => name,
    }
}

/// `base`, or `base2`, `base3`, ... : the first that `taken` does not hold.
pub fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}{n}")).find(|c| !taken(c)).unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("inquire-order-detail"), "InquireOrderDetail");
        assert_eq!(type_name("URL + Pin"), "UrlPin");
        assert_eq!(type_name("2XX"), "T2xx");
        assert_eq!(type_name("ORDER_SUCCESS"), "OrderSuccess");
        assert_eq!(field_name("orderStatus"), "order_status");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("3d"), "_3d");
        assert_eq!(module_name("mod"), "mod_");
        assert_eq!(unique("A", |n| n == "A" || n == "A2"), "A3");
    }
}
