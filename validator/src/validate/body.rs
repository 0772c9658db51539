//! Bodies that are not JSON, read as the value their schema describes:
//! `text/*` as one string, `application/x-www-form-urlencoded` as an object of
//! fields, `multipart/form-data` part by part (JSON parts as JSON), and
//! anything else as bytes judged by size. Plus the choice of the declared
//! media type a `Content-Type` selects (RFC 6838: most specific range wins).

use crate::contract::{Body, MediaType, Parameter, ParameterIn, Style};
use accord_catalog::openapi::media::{BodyKind, covers, is_json_media, parameter};
use serde_json::{Map, Value};

/// The declared media type that covers `content_type` most specifically; without
/// a `Content-Type`, the first JSON media type, else the first declared one.
pub fn choose<'s>(spec: &'s Body, content_type: Option<&str>) -> Option<&'s MediaType> {
    match content_type {
        Some(ct) => spec
            .media
            .iter()
            .filter_map(|m| covers(&m.name, ct).map(|rank| (rank, m)))
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, m)| m),
        None => spec
            .media
            .iter()
            .find(|m| m.is_json() && !m.name.contains('*'))
            .or_else(|| spec.media.iter().find(|m| m.is_json()))
            .or(spec.media.first()),
    }
}

/// How to read a body: by the actual `Content-Type` when the declared type is a range.
pub fn kind(media: &MediaType, content_type: Option<&str>) -> BodyKind {
    match content_type {
        Some(ct) if media.name.contains('*') => BodyKind::of(ct),
        _ => BodyKind::of(&media.name),
    }
}

/// An `application/x-www-form-urlencoded` body as an object: fields typed by
/// the schema's properties, repeated fields as arrays, fields whose `encoding`
/// is JSON (or, without one, whose property is an object) parsed as JSON. A
/// field whose `encoding` sets `style` or `explode` is read as a query
/// parameter of that style is (OpenAPI 3.1 §4.8.15): `deepObject`
/// `addr[city]=Oslo`, exploded `form` objects spread over the body's own
/// fields, `a,b` lists, `spaceDelimited` and `pipeDelimited` arrays.
pub fn form(text: &str, media: &MediaType) -> Result<Value, String> {
    let mut object = Map::new();
    let mut consumed: Vec<String> = Vec::new();
    if !media.encoding_styles.is_empty() {
        let query = format!("?{}", text.trim());
        let carried = super::parameter::Carried::new(Some(&query), None, None);
        for (name, (style, explode)) in &media.encoding_styles {
            let shape = media.shape.property(name).cloned().unwrap_or_default();
            match style {
                Style::DeepObject => consumed.extend(
                    carried.query.iter().filter(|(k, _)| k.starts_with(&format!("{name}["))).map(|(k, _)| k.clone()),
                ),
                Style::Form if *explode && shape.is_object() => consumed.extend(shape.properties.keys().cloned()),
                _ => consumed.push(name.clone()),
            }
            let field = Parameter {
                name: name.clone(),
                location: ParameterIn::Query,
                required: false,
                schema_uri: None,
                schema: None,
                sensitive: false,
                style: *style,
                explode: *explode,
                allow_reserved: true,
                allow_empty_value: true,
                content: None,
                shape,
            };
            match super::parameter::read(&field, &carried) {
                Ok(super::parameter::Read::Value(v)) => {
                    object.insert(name.clone(), v);
                }
                Ok(_) => {}
                Err(problem) => return Err(format!("field `{name}`: {}", problem.message)),
            }
        }
    }
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(text.trim().as_bytes()) {
        if consumed.iter().any(|c| *c == k) || object.contains_key(k.as_ref()) {
            continue;
        }
        match fields.iter_mut().find(|(name, _)| *name == k) {
            Some((_, values)) => values.push(v.into_owned()),
            None => fields.push((k.into_owned(), vec![v.into_owned()])),
        }
    }
    for (name, values) in fields {
        let value = field(&name, values, None, media)?;
        object.insert(name, value);
    }
    Ok(Value::Object(object))
}

/// The value of a `multipart/form-data` body alone (see [`multipart_parts`]).
#[cfg(test)]
pub fn multipart(text: &str, content_type: Option<&str>, media: &MediaType) -> Result<Value, String> {
    multipart_parts(text, content_type, media).map(|(value, _)| value)
}

/// The headers of one multipart part: its field name and each header line.
pub type PartHeaders = (String, Vec<(String, String)>);

/// A `multipart/form-data` body as an object of its parts, each read by its
/// own `Content-Type`, else the media type's `encoding`, else by OpenAPI's
/// default for its property (an object part is JSON): JSON parts as JSON,
/// text parts typed by the schema, files as strings; with the headers of
/// every part, in order, for `encoding.headers`.
pub fn multipart_parts(
    text: &str,
    content_type: Option<&str>,
    media: &MediaType,
) -> Result<(Value, Vec<PartHeaders>), String> {
    let mut headers_of: Vec<PartHeaders> = Vec::new();
    let boundary = content_type
        .and_then(|ct| parameter(ct, "boundary"))
        .ok_or("a multipart body needs `boundary` in its Content-Type, and there is none")?;
    let delimiter = format!("--{boundary}");
    let mut parts: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    let mut sections = text.split(delimiter.as_str());
    sections.next(); // the preamble
    let mut closed = false;
    for section in sections {
        if section.starts_with("--") {
            closed = true;
            break;
        }
        let section = section.strip_prefix("\r\n").or_else(|| section.strip_prefix('\n')).unwrap_or(section);
        let (head, content) = section
            .split_once("\r\n\r\n")
            .or_else(|| section.split_once("\n\n"))
            .ok_or("a multipart part has no blank line between its headers and its content")?;
        let content = content.strip_suffix("\r\n").or_else(|| content.strip_suffix('\n')).unwrap_or(content);
        let mut name = None;
        let mut part_type = None;
        let mut headers = Vec::new();
        for line in head.lines() {
            let Some((k, v)) = line.split_once(':') else { continue };
            headers.push((k.trim().to_string(), v.trim().to_string()));
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = parameter(v, "name");
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                part_type = Some(v.trim().to_string());
            }
        }
        let name = name.ok_or("a multipart part has no `Content-Disposition: form-data; name=...`")?;
        headers_of.push((name.clone(), headers));
        match parts.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, values, _)) => values.push(content.to_string()),
            None => parts.push((name, vec![content.to_string()], part_type)),
        }
    }
    if !closed {
        return Err(format!("the multipart body does not end with its closing delimiter `{delimiter}--`"));
    }
    let mut object = Map::new();
    for (name, values, part_type) in parts {
        let value = field(&name, values, part_type.as_deref(), media)?;
        object.insert(name, value);
    }
    Ok((Value::Object(object), headers_of))
}

fn field(name: &str, values: Vec<String>, part_type: Option<&str>, media: &MediaType) -> Result<Value, String> {
    let shape = media.shape.property(name).cloned().unwrap_or_default();
    let declared = media.encoding.get(name).map(String::as_str);
    let item_shape = if shape.is_array() { shape.items.as_deref().cloned().unwrap_or_default() } else { shape.clone() };
    // The part's own `Content-Type`, else the `encoding`'s, else OpenAPI's default
    // (§4.8.15.1): an object is `application/json`; a primitive `text/plain`;
    // binary data `application/octet-stream` (read as text, judged as a string).
    let json = match part_type.or(declared) {
        Some(t) => is_json_media(t),
        None => item_shape.names("object") && !item_shape.admits("string"),
    };
    let read = |text: &str| -> Result<Value, String> {
        if json {
            serde_json::from_str(text).map_err(|e| {
                format!(
                    "field `{name}` is declared JSON but does not parse: {}",
                    crate::capture::strip_position(&e.to_string())
                )
            })
        } else {
            Ok(super::parameter::scalar(text, &item_shape))
        }
    };
    if values.len() == 1 && !shape.is_array() {
        return read(&values[0]);
    }
    values.iter().map(|v| read(v)).collect::<Result<Vec<_>, _>>().map(Value::Array)
}

/// `maxLength`/`minLength` of a binary body's schema, in bytes.
pub fn size_limits(schema: Option<&Value>) -> (Option<u64>, Option<u64>) {
    let get = |k: &str| schema.and_then(|s| s.get(k)).and_then(Value::as_u64);
    (get("minLength"), get("maxLength"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Shape;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn media(name: &str, props: &[(&str, &str)], encoding: &[(&str, &str)]) -> MediaType {
        let shape = Shape {
            types: ["object".to_string()].into(),
            properties: props
                .iter()
                .map(|(k, t)| {
                    let mut s = Shape { types: [t.to_string()].into(), ..Shape::default() };
                    if *t == "array" {
                        s.items = Some(Box::new(Shape { types: ["integer".to_string()].into(), ..Shape::default() }));
                    }
                    (k.to_string(), s)
                })
                .collect(),
            ..Shape::default()
        };
        MediaType {
            name: name.into(),
            schema_uri: None,
            schema: None,
            shape,
            encoding: encoding.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
            encoding_styles: BTreeMap::new(),
            encoding_headers: BTreeMap::new(),
        }
    }

    #[test]
    fn chooses_the_most_specific_media_type() {
        let spec = Body {
            required: false,
            media: vec![media("*/*", &[], &[]), media("application/json", &[], &[]), media("text/*", &[], &[])],
        };
        assert_eq!(choose(&spec, Some("application/json; charset=utf-8")).unwrap().name, "application/json");
        assert_eq!(choose(&spec, Some("text/plain")).unwrap().name, "text/*");
        assert_eq!(choose(&spec, Some("image/png")).unwrap().name, "*/*");
        assert_eq!(choose(&spec, None).unwrap().name, "application/json");
        let only_json = Body { required: false, media: vec![media("application/json", &[], &[])] };
        assert!(choose(&only_json, Some("application/problem+json")).is_none());
    }

    #[test]
    fn form_bodies() {
        let m = media(
            "application/x-www-form-urlencoded",
            &[("n", "integer"), ("ids", "array")],
            &[("meta", "application/json")],
        );
        let v = form("n=5&ids=1&ids=2&name=a+b&meta=%7B%22x%22%3A1%7D", &m).unwrap();
        assert_eq!(v, json!({"n": 5, "ids": [1, 2], "name": "a b", "meta": {"x": 1}}));
        assert!(form("meta=%7B", &m).unwrap_err().contains("`meta`"));
    }

    #[test]
    fn form_fields_follow_their_encoding_style() {
        let mut m = media("application/x-www-form-urlencoded", &[("n", "integer"), ("ids", "array")], &[]);
        let object = |props: &[(&str, &str)]| Shape {
            types: ["object".to_string()].into(),
            properties: props
                .iter()
                .map(|(k, t)| (k.to_string(), Shape { types: [t.to_string()].into(), ..Shape::default() }))
                .collect(),
            ..Shape::default()
        };
        m.shape.properties.insert("addr".into(), object(&[("city", "string"), ("zip", "integer")]));
        m.shape.properties.insert("size".into(), object(&[("w", "integer"), ("h", "integer")]));
        m.shape.properties.insert("meta".into(), object(&[("x", "integer")]));
        m.encoding_styles.insert("addr".into(), (Style::DeepObject, true));
        m.encoding_styles.insert("size".into(), (Style::Form, true));
        m.encoding_styles.insert("ids".into(), (Style::PipeDelimited, false));
        let v = form("n=5&addr%5Bcity%5D=Oslo&addr[zip]=150&w=3&h=4&ids=1|2|3&meta=%7B%22x%22%3A1%7D", &m).unwrap();
        assert_eq!(
            v,
            json!({"addr": {"city": "Oslo", "zip": 150}, "size": {"w": 3, "h": 4}, "ids": [1, 2, 3], "n": 5, "meta": {"x": 1}}),
            "deepObject, exploded form object, pipeDelimited; an object without a style is JSON"
        );
        assert!(form("addr[city][x]=1", &m).unwrap_err().contains("`addr`"));
    }

    #[test]
    fn multipart_bodies() {
        let m = media("multipart/form-data", &[("n", "integer")], &[]);
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n7\r\n--XyZ\r\nContent-Disposition: form-data; name=\"doc\"\r\nContent-Type: application/json\r\n\r\n{\"a\": [1]}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n";
        let v = multipart(body, Some("multipart/form-data; boundary=XyZ"), &m).unwrap();
        assert_eq!(v, json!({"n": 7, "doc": {"a": [1]}, "file": "hello"}));
        assert!(multipart(body, Some("multipart/form-data"), &m).unwrap_err().contains("boundary"));
        // A part without its own Content-Type takes OpenAPI's default for its
        // property: an object is JSON, a string stays text.
        let upload = media("multipart/form-data", &[("attributes", "object"), ("file", "string")], &[]);
        let body = "--B\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\r\n{\"name\": \"a.png\", \"parent\": {\"id\": \"0\"}}\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n{not json}\r\n--B--\r\n";
        let v = multipart(body, Some("multipart/form-data; boundary=B"), &upload).unwrap();
        assert_eq!(v, json!({"attributes": {"name": "a.png", "parent": {"id": "0"}}, "file": "{not json}"}));
        let broken = body.replace("\"parent\"", "parent");
        assert!(
            multipart(&broken, Some("multipart/form-data; boundary=B"), &upload).unwrap_err().contains("`attributes`")
        );
        assert!(
            multipart(&body[..body.len() - 9], Some("multipart/form-data; boundary=XyZ"), &m)
                .unwrap_err()
                .contains("closing")
        );
    }
}
