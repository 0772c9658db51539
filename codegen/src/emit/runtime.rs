//! Support code emitted once into every generated file, as module
//! `__accord::rt`: the checks generated types run while deserializing, and
//! the exact [`Decimal`]. It is ordinary Rust, compiled and unit-tested in
//! `accord-codegen` too; it uses only `serde`, `serde_json` (with
//! `raw_value`), `schemars` and `fancy-regex`.

use ::std::borrow::Cow;
use ::std::fmt;

/// A value broke a rule of its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    /// What was expected, in words.
    pub message: String,
}

impl ConstraintError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        ConstraintError { message: message.into() }
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ::std::error::Error for ConstraintError {}

/// Length in Unicode code points, as JSON Schema counts it.
pub fn char_len(s: &str) -> u64 {
    s.chars().count() as u64
}

/// JSON equality as JSON Schema defines it: numbers compare by value.
pub fn json_eq(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
    use ::serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(p), Some(q), _, _) => p == q,
            (_, _, Some(p), Some(q)) => p == q,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `v` is an integer in JSON Schema's sense (`1.0` is one).
pub fn is_integer(v: &::serde_json::Value) -> bool {
    match v {
        ::serde_json::Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

/// Whether the array's items are pairwise unequal.
pub fn unique_items(items: &[::serde_json::Value]) -> bool {
    items.iter().enumerate().all(|(i, a)| items[i + 1..].iter().all(|b| !json_eq(a, b)))
}

/// Length of `v` serialized as compact JSON, in Unicode code points
/// (`x-accord-maxSerializedLength`).
pub fn serialized_len(v: &::serde_json::Value) -> u64 {
    ::serde_json::to_string(v).map_or(u64::MAX, |s| char_len(&s))
}

/// A number as `f64`, for comparing with a schema's bounds.
pub trait ToF64 {
    /// The value as `f64` (large integers round).
    fn to_f64(&self) -> f64;
}

impl ToF64 for i64 {
    fn to_f64(&self) -> f64 {
        *self as f64
    }
}

impl ToF64 for i32 {
    fn to_f64(&self) -> f64 {
        f64::from(*self)
    }
}

impl ToF64 for ::serde_json::Number {
    fn to_f64(&self) -> f64 {
        self.as_f64().unwrap_or(f64::NAN)
    }
}

/// [`ToF64::to_f64`] as a function.
pub fn to_f64<T: ToF64>(value: &T) -> f64 {
    value.to_f64()
}

/// Whether `n` is a multiple of `m`.
pub fn multiple_of(n: f64, m: f64) -> bool {
    if m == 0.0 {
        return false;
    }
    let q = n / m;
    q.is_finite() && (q - q.round()).abs() < 1e-9
}

fn digits(s: &str, at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real calendar day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) {
        (Some(y), Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
        _ => false,
    }
}

/// RFC 3339 `full-time`: `HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (digits(s, 0, 2), digits(s, 3, 2), digits(s, 6, 2)) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            matches!((digits(rest, 1, 2), digits(rest, 4, 2)), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

/// RFC 3339 `date-time`.
pub fn is_date_time(s: &str) -> bool {
    match s.as_bytes().get(10) {
        Some(b'T' | b't') => is_date(&s[..10]) && is_time(&s[11..]),
        _ => false,
    }
}

/// A hyphenated UUID: 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Base64 (RFC 4648, standard alphabet, padded), as OpenAPI's `byte` format says.
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    let pad = b.iter().rev().take_while(|c| **c == b'=').count();
    b.len().is_multiple_of(4)
        && pad <= 2
        && b[..b.len() - pad].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

/// An absolute URI (RFC 3986): a scheme, `:`, then only characters a URI may hold.
pub fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    let mut sc = scheme.bytes();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
    {
        return false;
    }
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// An exact decimal, as a JSON number or a decimal string: kept as written,
/// so `12345678901234567.89` and `"19.99"` serialize back digit for digit.
/// Parse [`Decimal::as_str`] with a decimal crate to compute with it.
#[derive(Clone)]
pub struct Decimal {
    raw: Box<::serde_json::value::RawValue>,
}

impl Decimal {
    /// The digits as written (without quotes when the JSON had a string).
    pub fn as_str(&self) -> Cow<'_, str> {
        match ::serde_json::from_str::<String>(self.raw.get()) {
            Ok(s) => Cow::Owned(s),
            Err(_) => Cow::Borrowed(self.raw.get()),
        }
    }

    /// Whether the JSON carried the decimal as a string.
    pub fn is_string(&self) -> bool {
        self.raw.get().starts_with('"')
    }

    /// The decimal as a JSON value (numbers become `f64`: use it for checks, not sums).
    pub fn to_value(&self) -> ::serde_json::Value {
        ::serde_json::from_str(self.raw.get()).unwrap_or(::serde_json::Value::Null)
    }

    /// A decimal from its JSON text: a number (`19.99`) or a string (`"19.99"`).
    pub fn from_json(text: &str) -> Result<Self, ConstraintError> {
        let raw = ::serde_json::value::RawValue::from_string(text.trim().to_string())
            .map_err(|e| ConstraintError::new(format!("not JSON: {e}")))?;
        match raw.get().as_bytes().first() {
            Some(b'"' | b'-' | b'0'..=b'9') => Ok(Decimal { raw }),
            _ => Err(ConstraintError::new("a decimal must be a JSON number or string")),
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.raw.get())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl Eq for Decimal {}

impl ::serde::Serialize for Decimal {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> ::serde::Deserialize<'de> for Decimal {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
        match raw.get().as_bytes().first() {
            Some(b'"' | b'-' | b'0'..=b'9') => Ok(Decimal { raw }),
            _ => Err(::serde::de::Error::custom(format!("expected a decimal number or string, found {}", raw.get()))),
        }
    }
}

impl ::schemars::JsonSchema for Decimal {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Decimal")
    }

    fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
        ::schemars::json_schema!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}]})
    }
}

/// Reads a `T` the way JSON Schema reads numbers: where `T` asks for an
/// integer, a float with no fractional part (`1.0`, `-3e2`) is that integer.
/// Nothing else changes: a `serde_json::Value` or a decimal still sees the
/// number as written. Generated types read every field through it.
pub struct Lenient<T>(::std::marker::PhantomData<T>);

impl<T> Lenient<T> {
    /// The seed.
    pub fn new() -> Self {
        Lenient(::std::marker::PhantomData)
    }
}

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: ::serde::Deserialize<'de>> ::serde::de::DeserializeSeed<'de> for Lenient<T> {
    type Value = T;
    fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(Integral(deserializer))
    }
}

/// `serde_json::from_str`, reading integers as [`Lenient`] does.
pub fn from_str<'de, T: ::serde::Deserialize<'de>>(text: &'de str) -> Result<T, ::serde_json::Error> {
    use ::serde::de::DeserializeSeed;
    let mut de = ::serde_json::Deserializer::from_str(text);
    let value = Lenient::<T>::new().deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A deserializer that carries [`Lenient`] into nested values and turns
/// integral floats into integers where an integer is asked for.
struct Integral<D>(D);

/// A visitor of nested values (options, sequences, maps) that keeps the adapter on.
struct Nested<V>(V);

/// A visitor for an integer target: integral floats become integers.
struct ToInteger<V>(V);

/// A seed that keeps the adapter on.
struct Seed<S>(S);

macro_rules! forward_nested {
    ($($method:ident ( $($arg:ident : $ty:ty),* )),* $(,)?) => {
        $(fn $method<V: ::serde::de::Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* Nested(visitor))
        })*
    };
}

macro_rules! forward_integer {
    ($($method:ident),* $(,)?) => {
        $(fn $method<V: ::serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(ToInteger(visitor))
        })*
    };
}

impl<'de, D: ::serde::Deserializer<'de>> ::serde::Deserializer<'de> for Integral<D> {
    type Error = D::Error;
    forward_integer!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
    );
    forward_nested!(
        deserialize_any(), deserialize_bool(), deserialize_f32(), deserialize_f64(), deserialize_char(),
        deserialize_str(), deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(), deserialize_map(),
        deserialize_identifier(), deserialize_ignored_any(),
        deserialize_unit_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    );
    // serde_json's raw values travel as a newtype struct with a private name:
    // they must reach serde_json untouched.
    fn deserialize_newtype_struct<V: ::serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! visit_same {
    ($($method:ident ( $ty:ty )),* $(,)?) => {
        $(fn $method<E: ::serde::de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        })*
    };
}

macro_rules! visit_nested {
    () => {
        visit_same!(
            visit_bool(bool),
            visit_i8(i8),
            visit_i16(i16),
            visit_i32(i32),
            visit_i64(i64),
            visit_i128(i128),
            visit_u8(u8),
            visit_u16(u16),
            visit_u32(u32),
            visit_u64(u64),
            visit_u128(u128),
            visit_f32(f32),
            visit_char(char),
            visit_str(&str),
            visit_borrowed_str(&'de str),
            visit_string(String),
            visit_bytes(&[u8]),
            visit_borrowed_bytes(&'de [u8]),
            visit_byte_buf(Vec<u8>),
        );
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
        fn visit_none<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_none()
        }
        fn visit_unit<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_unit()
        }
        fn visit_some<D2: ::serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            self.0.visit_some(Integral(d))
        }
        fn visit_newtype_struct<D2: ::serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            self.0.visit_newtype_struct(Integral(d))
        }
        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            self.0.visit_seq(Nested(seq))
        }
        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            self.0.visit_map(Nested(map))
        }
        fn visit_enum<A: ::serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.0.visit_enum(data)
        }
    };
}

impl<'de, V: ::serde::de::Visitor<'de>> ::serde::de::Visitor<'de> for Nested<V> {
    type Value = V::Value;
    visit_nested!();
    fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.visit_f64(v)
    }
}

impl<'de, V: ::serde::de::Visitor<'de>> ::serde::de::Visitor<'de> for ToInteger<V> {
    type Value = V::Value;
    visit_nested!();
    fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // 2^63 and beyond do not fit an i64, nor 2^64 a u64: those stay floats (and fail).
        if v.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&v) {
            self.0.visit_i64(v as i64)
        } else if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
            self.0.visit_u64(v as u64)
        } else {
            self.0.visit_f64(v)
        }
    }
}

impl<'de, A: ::serde::de::SeqAccess<'de>> ::serde::de::SeqAccess<'de> for Nested<A> {
    type Error = A::Error;
    fn next_element_seed<S: ::serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: ::serde::de::MapAccess<'de>> ::serde::de::MapAccess<'de> for Nested<A> {
    type Error = A::Error;
    fn next_key_seed<K: ::serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }
    fn next_value_seed<S: ::serde::de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, S: ::serde::de::DeserializeSeed<'de>> ::serde::de::DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Integral(deserializer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01") && !is_date("20240101"));
        assert!(is_date_time("2024-01-31T23:59:59.123+08:00") && is_date_time("2024-01-31t00:00:00z"));
        assert!(!is_date_time("2024-01-31 00:00:00Z") && !is_date_time("2024-01-31T24:00:00Z"));
        assert!(!is_date_time("2024-01-31T00:00:00") && !is_date_time("2024-01-31T00:00:00+0800"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000") && !is_uuid("123e4567e89b12d3a456426614174000"));
        assert!(is_uri("https://example.com/a?b=c#d") && is_uri("urn:isbn:0451450523"));
        assert!(!is_uri("example.com/path") && !is_uri("https://exa mple.com") && !is_uri("http://x/%zz"));
    }

    #[test]
    fn json_equality_compares_numbers_by_value() {
        use ::serde_json::json;
        assert!(json_eq(&json!(1), &json!(1.0)) && json_eq(&json!({"a": [1]}), &json!({"a": [1.0]})));
        assert!(!json_eq(&json!("1"), &json!(1)) && is_integer(&json!(2.0)) && !is_integer(&json!(2.5)));
    }

    #[test]
    fn decimals_keep_their_digits() {
        for text in ["12345678901234567.89", "\"19.99\"", "-0.5"] {
            let d: Decimal = ::serde_json::from_str(text).unwrap();
            assert_eq!(::serde_json::to_string(&d).unwrap(), text);
        }
        assert!(::serde_json::from_str::<Decimal>("true").is_err());
        assert_eq!(Decimal::from_json("\"1.5\"").unwrap().as_str(), "1.5");
    }
}
