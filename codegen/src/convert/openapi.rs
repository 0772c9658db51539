//! OpenAPI 3.1 documents → operation descriptors: for each operation, its id
//! (`<folder>.<operationId>`), method, path, request body type, and response
//! body type per documented status.

use super::{Converter, is_openapi, module_of};
use crate::error::{Error, ErrorKind};
use crate::load::Loc;
use crate::model::{BodyDef, OperationDef, ResponseDef, TypeRef};
use crate::name;
use serde_json::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

impl Converter<'_> {
    /// Follows a `$ref` in an OpenAPI object (request bodies, responses).
    fn deref(&self, loc: &Loc, v: &Value) -> Result<(Loc, Value), Error> {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = self.set.resolve(loc, r)?;
                Ok((target.clone(), self.set.get(&target).cloned().unwrap_or(Value::Null)))
            }
            None => Ok((loc.clone(), v.clone())),
        }
    }

    fn body(&mut self, loc: &Loc, content: Option<&Value>, hint: (Vec<String>, String)) -> Result<BodyDef, Error> {
        let Some(content) = content.and_then(Value::as_object) else { return Ok(BodyDef::None) };
        if let Some((media, spec)) = content.iter().find(|(m, _)| is_json_media(m)) {
            let schema_loc = loc.join("content").join(media).join("schema");
            return Ok(match spec.get("schema") {
                Some(schema) => BodyDef::Json(self.type_for(&[(schema_loc, schema.clone())], &hint)?),
                None => BodyDef::Json(TypeRef::Any),
            });
        }
        Ok(if content.is_empty() { BodyDef::None } else { BodyDef::Text })
    }

    pub(super) fn operations(&mut self) -> Result<(), Error> {
        let docs: Vec<(String, Value)> =
            self.set.docs.iter().filter(|(_, d)| is_openapi(d)).map(|(f, d)| (f.clone(), d.clone())).collect();
        let mut seen: Vec<(String, Loc)> = Vec::new();
        for (file, doc) in docs {
            let module = module_of(&file);
            let Some(paths) = doc.get("paths").and_then(Value::as_object) else { continue };
            let paths_loc = Loc { file: file.clone(), pointer: "/paths".into() };
            for (path, item) in paths {
                for method in METHODS {
                    let Some(op) = item.get(*method) else { continue };
                    let loc = paths_loc.join(path).join(method);
                    let Some(op_id) = op.get("operationId").and_then(Value::as_str) else { continue };
                    let id =
                        if module.is_empty() { op_id.to_string() } else { format!("{}.{op_id}", module.join(".")) };
                    let type_name = name::type_name(&id.replace('.', "_"));
                    if let Some((_, other)) = seen.iter().find(|(n, _)| *n == type_name) {
                        return Err(loc.error(ErrorKind::NameClash {
                            name: type_name,
                            module: "operations".into(),
                            other: other.display(),
                        }));
                    }
                    seen.push((type_name.clone(), loc.clone()));
                    let op_type = name::type_name(op_id);
                    let request = match op.get("requestBody") {
                        Some(rb) => {
                            let (rb_loc, rb) = self.deref(&loc.join("requestBody"), rb)?;
                            match self.body(
                                &rb_loc,
                                rb.get("content"),
                                (module.clone(), format!("{op_type}RequestBody")),
                            )? {
                                BodyDef::Json(t) => Some(t),
                                BodyDef::Text => Some(TypeRef::String),
                                BodyDef::None => None,
                            }
                        }
                        None => match op.get("x-accord-request-schema") {
                            Some(schema) => Some(self.type_for(
                                &[(loc.join("x-accord-request-schema"), schema.clone())],
                                &(module.clone(), format!("{op_type}Request")),
                            )?),
                            None => None,
                        },
                    };
                    let mut responses = Vec::new();
                    for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                        let (r_loc, response) = self.deref(&loc.join("responses").join(status), response)?;
                        let variant = match status.as_str() {
                            "default" => "Default".to_string(),
                            s => format!("Status{}", s.to_ascii_lowercase()),
                        };
                        let hint = (module.clone(), format!("{op_type}{}Body", name::type_name(&variant)));
                        let body = self.body(&r_loc, response.get("content"), hint)?;
                        let description = response.get("description").and_then(Value::as_str).map(str::to_string);
                        responses.push(ResponseDef { status: status.clone(), variant, body, description });
                    }
                    self.space.operations.push(OperationDef {
                        id,
                        name: type_name,
                        method: method.to_ascii_uppercase(),
                        path: path.clone(),
                        summary: op.get("summary").and_then(Value::as_str).map(str::to_string),
                        request,
                        responses,
                    });
                }
            }
        }
        self.space.operations.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }
}
