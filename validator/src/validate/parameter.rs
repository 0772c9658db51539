//! Reading a parameter's text as the value its schema describes (OpenAPI 3.1
//! §4.8.12.4): `style` and `explode` for path (simple, label, matrix), query
//! (form, spaceDelimited, pipeDelimited, deepObject), header (simple) and
//! cookie (form); arrays and objects; `content`-typed parameters. Scalars are
//! typed by the schema (`?limit=31` is the integer 31, so `maximum` judges
//! it; `?limit=1e1` stays a string, so `type` does).
//!
//! Delimiters are recognised in the text as sent: a percent-encoded comma
//! (`%2C`) is part of an item, never a separator.

use crate::contract::{Parameter, ParameterIn, Shape, Style};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What a request carries, split for reading parameters.
#[derive(Debug, Default)]
pub struct Carried<'a> {
    /// Query pairs as sent: decoded name, raw (still percent-encoded) value,
    /// with form encoding's `+` already turned into `%20`.
    pub query: Vec<(String, String)>,
    /// Whether the request's URL is known (a plain payload file has none).
    pub has_url: bool,
    /// Path parameters as sent (still encoded), when the request was routed.
    pub path: Option<&'a BTreeMap<String, String>>,
    /// Headers, when the capture has them.
    pub headers: Option<&'a [(String, String)]>,
    /// Cookies from the `Cookie` header(s): name, raw value.
    pub cookies: Vec<(&'a str, &'a str)>,
}

impl<'a> Carried<'a> {
    /// Splits a request's URL query, path parameters and headers.
    pub fn new(
        url: Option<&'a str>,
        path: Option<&'a BTreeMap<String, String>>,
        headers: Option<&'a [(String, String)]>,
    ) -> Self {
        let query = url
            .and_then(|u| u.split('#').next().unwrap_or("").split_once('?'))
            .map(|(_, q)| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        // In a query, `+` is a space (form encoding); in a path or a cookie it is a `+`.
                        (decode(&k.replace('+', "%20")), v.replace('+', "%20"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let cookies = headers
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        Carried { query, has_url: url.is_some(), path, headers, cookies }
    }

    /// Whether the capture shows this parameter's location at all (a capture
    /// without headers says nothing about a missing header).
    pub fn sees(&self, location: ParameterIn) -> bool {
        match location {
            ParameterIn::Path => self.path.is_some(),
            ParameterIn::Query => self.has_url,
            ParameterIn::Header | ParameterIn::Cookie => self.headers.is_some(),
        }
    }
}

/// Why a parameter's text could not be read as its style says.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Diagnostic code: `style`, `repeated`, `allowEmptyValue` or `parse`.
    pub code: &'static str,
    /// What is wrong (never quoting the value: it may be a secret).
    pub message: String,
}

/// What a request carries for a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// Not sent.
    Missing,
    /// Sent with an empty value, which `allowEmptyValue` permits: nothing to validate.
    Empty,
    /// The value to validate against the schema.
    Value(Value),
}

/// Reads `param` from what the request carries.
pub fn read(param: &Parameter, carried: &Carried<'_>) -> Result<Read, Problem> {
    let shape = &param.shape;
    let problem = |code: &'static str, message: String| Problem { code, message };
    match param.location {
        ParameterIn::Query => read_query(param, carried),
        ParameterIn::Path => {
            let Some(raw) = carried.path.and_then(|p| p.get(&param.name)) else { return Ok(Read::Missing) };
            if let Some(media) = &param.content {
                return content(param, media, &decode(raw)).map(Read::Value);
            }
            let body = match param.style {
                Style::Label => raw.strip_prefix('.').ok_or_else(|| {
                    problem("style", format!("path parameter `{}` must start with `.` (style: label)", param.name))
                })?,
                Style::Matrix => {
                    return matrix(param, raw).map(Read::Value);
                }
                _ => raw.as_str(),
            };
            let sep = if param.style == Style::Label && param.explode { '.' } else { ',' };
            Ok(Read::Value(structured(body, sep, param.explode, shape, false)))
        }
        ParameterIn::Header => {
            let values: Vec<&str> = carried
                .headers
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.eq_ignore_ascii_case(&param.name))
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                return Ok(Read::Missing);
            }
            // Repeated header fields are one comma-separated list (RFC 9110 §5.3).
            let joined = values.join(", ");
            if let Some(media) = &param.content {
                return content(param, media, &joined).map(Read::Value);
            }
            if !shape.is_array() && !shape.is_object() {
                return Ok(Read::Value(scalar(joined.trim(), shape)));
            }
            let items: Vec<&str> = joined.split(',').map(str::trim).collect();
            Ok(Read::Value(collect(&items, param.explode, shape, true)))
        }
        ParameterIn::Cookie => {
            let values: Vec<&str> = carried.cookies.iter().filter(|(k, _)| *k == param.name).map(|(_, v)| *v).collect();
            match values.as_slice() {
                [] => Ok(Read::Missing),
                [one] => match &param.content {
                    Some(media) => content(param, media, &decode(one)).map(Read::Value),
                    None => Ok(Read::Value(structured(one, ',', false, shape, false))),
                },
                many => Err(repeated(param, many.len())),
            }
        }
    }
}

fn read_query(param: &Parameter, carried: &Carried<'_>) -> Result<Read, Problem> {
    let shape = &param.shape;
    if param.content.is_none() && param.style == Style::DeepObject {
        let prefix = format!("{}[", param.name);
        let mut object = Map::new();
        for (k, v) in &carried.query {
            let Some(key) = k.strip_prefix(&prefix).and_then(|r| r.strip_suffix(']')) else { continue };
            if key.contains('[') {
                return Err(Problem {
                    code: "style",
                    message: format!(
                        "query parameter `{k}` nests deeper than deepObject allows (one level: `{}[key]`)",
                        param.name
                    ),
                });
            }
            let item = shape.property(key).cloned().unwrap_or_default();
            object.insert(key.to_string(), scalar(&decode(v), &item));
        }
        return Ok(if object.is_empty() { Read::Missing } else { Read::Value(Value::Object(object)) });
    }
    if param.content.is_none() && param.style == Style::Form && param.explode && shape.is_object() {
        // `?color=green&size=L`: the object's properties are parameters of their own.
        let mut object = Map::new();
        for (k, v) in &carried.query {
            if let Some(item) = shape.properties.get(k) {
                object.insert(k.clone(), scalar(&decode(v), item));
            }
        }
        return Ok(if object.is_empty() { Read::Missing } else { Read::Value(Value::Object(object)) });
    }
    let values: Vec<&str> = carried.query.iter().filter(|(k, _)| *k == param.name).map(|(_, v)| v.as_str()).collect();
    if values.is_empty() {
        return Ok(Read::Missing);
    }
    if let Some(media) = &param.content {
        return match values.as_slice() {
            [one] => content(param, media, &decode(one)).map(Read::Value),
            many => Err(repeated(param, many.len())),
        };
    }
    if shape.is_array() && param.style == Style::Form && param.explode {
        let item = shape.items.as_deref().cloned().unwrap_or_default();
        return Ok(Read::Value(Value::Array(values.iter().map(|v| scalar(&decode(v), &item)).collect())));
    }
    let [raw] = values.as_slice() else { return Err(repeated(param, values.len())) };
    if raw.is_empty() && !shape.is_array() {
        return if param.allow_empty_value {
            Ok(Read::Empty)
        } else {
            Err(Problem {
                code: "allowEmptyValue",
                message: format!(
                    "query parameter `{}` is sent with an empty value, which it does not allow",
                    param.name
                ),
            })
        };
    }
    match param.style {
        Style::SpaceDelimited | Style::PipeDelimited if shape.is_array() => {
            let decoded = decode(raw);
            let sep = if param.style == Style::SpaceDelimited { ' ' } else { '|' };
            let items: Vec<&str> = decoded.split(sep).collect();
            Ok(Read::Value(collect(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false, shape, false)))
        }
        _ => Ok(Read::Value(structured(raw, ',', false, shape, false))),
    }
}

fn repeated(param: &Parameter, count: usize) -> Problem {
    let kind = if param.location == ParameterIn::Cookie { "cookie" } else { "query parameter" };
    Problem {
        code: "repeated",
        message: format!(
            "{kind} `{}` is sent {count} times, but it takes one value{}",
            param.name,
            if param.shape.is_array() { " (its style lists the items in one value)" } else { "" }
        ),
    }
}

/// `;name=value`, `;name=a,b`, `;name=a;name=b`, `;k=v;k2=v2` (matrix style).
fn matrix(param: &Parameter, raw: &str) -> Result<Value, Problem> {
    let bad = || Problem {
        code: "style",
        message: format!("path parameter `{}` must be written `;{}=...` (style: matrix)", param.name, param.name),
    };
    let body = raw.strip_prefix(';').ok_or_else(bad)?;
    let shape = &param.shape;
    let pairs: Vec<(&str, &str)> = body.split(';').map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
    if shape.is_object() && param.explode {
        let mut object = Map::new();
        for (k, v) in pairs {
            let k = decode(k);
            let item = shape.property(&k).cloned().unwrap_or_default();
            object.insert(k, scalar(&decode(v), &item));
        }
        return Ok(Value::Object(object));
    }
    if pairs.iter().any(|(k, _)| decode(k) != param.name) {
        return Err(bad());
    }
    if shape.is_array() && param.explode {
        let item = shape.items.as_deref().cloned().unwrap_or_default();
        return Ok(Value::Array(pairs.iter().map(|(_, v)| scalar(&decode(v), &item)).collect()));
    }
    match pairs.as_slice() {
        [(_, v)] => Ok(structured(v, ',', false, shape, false)),
        _ => Err(bad()),
    }
}

/// A value that is a scalar, or an array or object written as `sep`-separated
/// items (`a,b,c`; `k,v,k2,v2`; with `explode`, `k=v,k2=v2`).
fn structured(raw: &str, sep: char, explode: bool, shape: &Shape, trim: bool) -> Value {
    if !shape.is_array() && !shape.is_object() {
        return scalar(&decode(raw), shape);
    }
    let items: Vec<String> = raw.split(sep).map(|s| decode(if trim { s.trim() } else { s })).collect();
    collect(&items, explode, shape, trim)
}

/// Items already split (and decoded) into an array, or an object's keys and values.
fn collect<S: AsRef<str>>(items: &[S], explode: bool, shape: &Shape, trim: bool) -> Value {
    let items: Vec<&str> = items.iter().map(|s| if trim { s.as_ref().trim() } else { s.as_ref() }).collect();
    if shape.is_object() {
        let mut object = Map::new();
        if explode {
            for item in items {
                let (k, v) = item.split_once('=').unwrap_or((item, ""));
                let property = shape.property(k).cloned().unwrap_or_default();
                object.insert(k.to_string(), scalar(v, &property));
            }
        } else {
            for pair in items.chunks(2) {
                let property = shape.property(pair[0]).cloned().unwrap_or_default();
                // An odd count leaves a key without a value: the empty string, for the schema to judge.
                object.insert(pair[0].to_string(), scalar(pair.get(1).copied().unwrap_or(""), &property));
            }
        }
        return Value::Object(object);
    }
    if items.len() == 1 && items[0].is_empty() {
        return Value::Array(Vec::new());
    }
    let item = shape.items.as_deref().cloned().unwrap_or_default();
    Value::Array(items.iter().map(|s| scalar(s, &item)).collect())
}

/// A `content`-typed parameter: the decoded text is a document of `media`.
fn content(param: &Parameter, media: &str, text: &str) -> Result<Value, Problem> {
    if crate::contract::is_json_media(media) {
        serde_json::from_str(text).map_err(|e| Problem {
            code: "parse",
            message: format!(
                "{} `{}` is not valid JSON ({media}): {}",
                kind(param.location),
                param.name,
                crate::capture::strip_position(&e.to_string())
            ),
        })
    } else {
        Ok(Value::String(text.to_string()))
    }
}

/// The text as the JSON value the schema expects: a number when the schema
/// takes integers or numbers and the text is one, a boolean likewise, a string otherwise.
pub fn scalar(text: &str, shape: &Shape) -> Value {
    if shape.names("integer")
        && is_integer(text)
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        return v;
    }
    if shape.names("number")
        && is_number(text)
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        return v;
    }
    if shape.names("boolean") && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    if shape.names("null") && text == "null" && !shape.names("string") {
        return Value::Null;
    }
    Value::String(text.to_string())
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'))
}

fn is_number(text: &str) -> bool {
    // JSON number syntax only: no `inf`, `NaN`, `0x10`, leading `+` or `.5`.
    let t = text.strip_prefix('-').unwrap_or(text);
    t.starts_with(|c: char| c.is_ascii_digit()) && serde_json::from_str::<serde_json::Number>(text).is_ok()
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// `query parameter`, `header`, ...
pub fn kind(location: ParameterIn) -> &'static str {
    match location {
        ParameterIn::Header => "header",
        ParameterIn::Query => "query parameter",
        ParameterIn::Cookie => "cookie",
        ParameterIn::Path => "path parameter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(types: &[&str]) -> Shape {
        Shape { types: types.iter().map(|t| t.to_string()).collect(), ..Shape::default() }
    }

    fn param(name: &str, location: ParameterIn, style: Style, explode: bool, shape: Shape) -> Parameter {
        Parameter {
            name: name.into(),
            location,
            required: false,
            schema_uri: None,
            schema: None,
            sensitive: false,
            style,
            explode,
            allow_reserved: false,
            allow_empty_value: false,
            content: None,
            shape,
        }
    }

    fn array_of(item: &[&str]) -> Shape {
        Shape { items: Some(Box::new(shape(item))), ..shape(&["array"]) }
    }

    fn object_of(props: &[(&str, &[&str])]) -> Shape {
        Shape { properties: props.iter().map(|(k, t)| (k.to_string(), shape(t))).collect(), ..shape(&["object"]) }
    }

    fn query(url: &str, p: &Parameter) -> Result<Read, Problem> {
        read(p, &Carried::new(Some(url), None, None))
    }

    #[test]
    fn scalars_are_typed_by_the_schema() {
        let int = shape(&["integer"]);
        assert_eq!(scalar("31", &int), json!(31));
        assert_eq!(scalar("1e1", &int), json!("1e1"), "1e1 is not an integer literal");
        assert_eq!(scalar("007", &int), json!("007"));
        assert_eq!(scalar("1e1", &shape(&["number"])), json!(10.0));
        assert_eq!(scalar("true", &shape(&["boolean"])), json!(true));
        assert_eq!(scalar("31", &shape(&["string"])), json!("31"));
        assert_eq!(scalar("NaN", &shape(&["number"])), json!("NaN"));
    }

    #[test]
    fn query_styles() {
        let limit = param("limit", ParameterIn::Query, Style::Form, true, shape(&["integer"]));
        assert_eq!(query("/x?limit=31", &limit), Ok(Read::Value(json!(31))));
        assert_eq!(query("/x?limit=15&limit=16", &limit).unwrap_err().code, "repeated");
        assert_eq!(query("/x?limit=", &limit).unwrap_err().code, "allowEmptyValue");
        assert_eq!(query("/x?other=1", &limit), Ok(Read::Missing));
        let tags = param("tags", ParameterIn::Query, Style::Form, true, array_of(&["string"]));
        assert_eq!(query("/x?tags=a&tags=b", &tags), Ok(Read::Value(json!(["a", "b"]))));
        let ids = param("ids", ParameterIn::Query, Style::Form, false, array_of(&["integer"]));
        assert_eq!(query("/x?ids=1,2,3", &ids), Ok(Read::Value(json!([1, 2, 3]))));
        assert_eq!(query("/x?ids=1%2C2", &ids), Ok(Read::Value(json!(["1,2"]))), "an encoded comma is data");
        let space = param("ids", ParameterIn::Query, Style::SpaceDelimited, false, array_of(&["integer"]));
        assert_eq!(query("/x?ids=1%202", &space), Ok(Read::Value(json!([1, 2]))));
        let pipe = param("ids", ParameterIn::Query, Style::PipeDelimited, false, array_of(&["integer"]));
        assert_eq!(query("/x?ids=1|2", &pipe), Ok(Read::Value(json!([1, 2]))));
        let filter = param("filter", ParameterIn::Query, Style::DeepObject, true, object_of(&[("size", &["integer"])]));
        assert_eq!(
            query("/x?filter[color]=green&filter%5Bsize%5D=3", &filter),
            Ok(Read::Value(json!({"color": "green", "size": 3})))
        );
        let point = param("point", ParameterIn::Query, Style::Form, true, object_of(&[("x", &["integer"])]));
        assert_eq!(query("/x?x=1&y=2", &point), Ok(Read::Value(json!({"x": 1}))));
        let packed = param("id", ParameterIn::Query, Style::Form, false, object_of(&[("n", &["integer"])]));
        assert_eq!(query("/x?id=role,admin,n,5", &packed), Ok(Read::Value(json!({"role": "admin", "n": 5}))));
        let name = param("name", ParameterIn::Query, Style::Form, true, shape(&["string"]));
        assert_eq!(query("/x?name=a+b%2Bc", &name), Ok(Read::Value(json!("a b+c"))), "in a query `+` is a space");
        let mut json_param = param("q", ParameterIn::Query, Style::Form, true, Shape::default());
        json_param.content = Some("application/json".into());
        assert_eq!(query("/x?q=%7B%22a%22%3A1%7D", &json_param), Ok(Read::Value(json!({"a": 1}))));
        assert_eq!(query("/x?q=%7B", &json_param).unwrap_err().code, "parse");
    }

    #[test]
    fn path_header_and_cookie_styles() {
        let path: BTreeMap<String, String> = [
            ("id".to_string(), ".1.2".to_string()),
            ("m".to_string(), ";m=a,b".to_string()),
            ("file".to_string(), "a+b%20c".to_string()),
        ]
        .into();
        let carried = Carried { path: Some(&path), ..Carried::default() };
        let label = param("id", ParameterIn::Path, Style::Label, true, array_of(&["integer"]));
        assert_eq!(read(&label, &carried), Ok(Read::Value(json!([1, 2]))));
        let matrix = param("m", ParameterIn::Path, Style::Matrix, false, array_of(&["string"]));
        assert_eq!(read(&matrix, &carried), Ok(Read::Value(json!(["a", "b"]))));
        let file = param("file", ParameterIn::Path, Style::Simple, false, shape(&["string"]));
        assert_eq!(read(&file, &carried), Ok(Read::Value(json!("a+b c"))), "in a path `+` is a plus");
        let not_label = param("m", ParameterIn::Path, Style::Label, false, shape(&["string"]));
        assert_eq!(read(&not_label, &carried).unwrap_err().code, "style");
        let headers = vec![
            ("X-Ids".to_string(), "1, 2".to_string()),
            ("x-ids".to_string(), "3".to_string()),
            ("Cookie".to_string(), "session=abc; n=5; t=a+b".to_string()),
        ];
        let carried = Carried::new(None, None, Some(&headers));
        let ids = param("X-Ids", ParameterIn::Header, Style::Simple, false, array_of(&["integer"]));
        assert_eq!(read(&ids, &carried), Ok(Read::Value(json!([1, 2, 3]))));
        let n = param("n", ParameterIn::Cookie, Style::Form, false, shape(&["integer"]));
        assert_eq!(read(&n, &carried), Ok(Read::Value(json!(5))));
        let t = param("t", ParameterIn::Cookie, Style::Form, false, shape(&["string"]));
        assert_eq!(read(&t, &carried), Ok(Read::Value(json!("a+b"))), "in a cookie `+` is a plus");
        let gone = param("gone", ParameterIn::Cookie, Style::Form, false, shape(&["string"]));
        assert_eq!(read(&gone, &carried), Ok(Read::Missing));
    }
}
