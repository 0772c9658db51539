//! The catalog's operations → operation descriptors: for each operation, its
//! id (`<folder>.<operationId>`), method, path, request body type, and
//! response body type per documented status. The OpenAPI documents are read
//! by `accord-catalog`, exactly as the validator reads them.

use super::{Converter, module_of};
use crate::error::{Error, ErrorKind};
use crate::load::{At, Loc};
use crate::model::{BodyDef, OperationDef, ResponseDef, TypeRef};
use crate::name;
use accord_catalog::openapi::{Body, is_json_media};

impl Converter<'_> {
    fn body(&mut self, body: Option<&Body>, hint: (Vec<String>, String)) -> Result<BodyDef, Error> {
        let Some(body) = body else { return Ok(BodyDef::None) };
        // `*/*` is not a JSON declaration for the generated types: the body may be anything.
        if let Some(media) = body.media.iter().find(|m| is_json_media(&m.name) && m.name.trim() != "*/*") {
            return Ok(match (&media.schema, media.schema.as_ref().and_then(|l| self.set.get(l))) {
                (Some(loc), Some(schema)) => BodyDef::Json(self.type_for(&[(loc.clone(), schema.clone())], &hint)?),
                _ => BodyDef::Json(TypeRef::Any),
            });
        }
        Ok(if body.media.is_empty() { BodyDef::None } else { BodyDef::Text })
    }

    pub(super) fn operations(&mut self) -> Result<(), Error> {
        let operations =
            accord_catalog::openapi::read(self.set).map_err(|e| Error::bare(ErrorKind::Catalog(Box::new(e))))?;
        let mut seen: Vec<(String, Loc)> = Vec::new();
        for op in operations {
            let module = module_of(&op.location.file);
            let loc = op.location.clone();
            let type_name = name::type_name(&op.id.replace('.', "_"));
            if let Some((_, other)) = seen.iter().find(|(n, _)| *n == type_name) {
                return Err(loc.error(ErrorKind::NameClash {
                    name: type_name,
                    module: "operations".into(),
                    other: other.display(),
                }));
            }
            seen.push((type_name.clone(), loc.clone()));
            let op_type = name::type_name(&op.operation_id);
            let request = if op.request_body.is_some() {
                match self.body(op.request_body.as_ref(), (module.clone(), format!("{op_type}RequestBody")))? {
                    BodyDef::Json(t) => Some(t),
                    BodyDef::Text => Some(TypeRef::String),
                    BodyDef::None => None,
                }
            } else {
                match op.request_schema_location.as_ref().and_then(|l| Some((l, self.set.get(l)?))) {
                    Some((l, schema)) => Some(
                        self.type_for(&[(l.clone(), schema.clone())], &(module.clone(), format!("{op_type}Request")))?,
                    ),
                    None => None,
                }
            };
            let mut responses = Vec::new();
            for (status, response) in &op.responses {
                let variant = match status.as_str() {
                    "default" => "Default".to_string(),
                    s => format!("Status{}", s.to_ascii_lowercase()),
                };
                let hint = (module.clone(), format!("{op_type}{}Body", name::type_name(&variant)));
                let body = self.body(response.body.as_ref(), hint)?;
                let description = Some(response.description.clone()).filter(|d| !d.is_empty());
                responses.push(ResponseDef { status: status.clone(), variant, body, description });
            }
            let rules = self.rules()?;
            let raw = self.set.get(&op.location).and_then(|v| v.get("x-accord-rules")).cloned();
            let exchange_rules = rules
                .exchanges
                .get(&op.location)
                .map(|set| {
                    set.rules
                        .iter()
                        .enumerate()
                        .map(|(i, r)| crate::model::RuleDef {
                            id: r.id.clone(),
                            rule: r.source.clone(),
                            message: r.message.clone(),
                            message_expression: raw
                                .as_ref()
                                .and_then(|v| v.get(i))
                                .and_then(|v| v.get("messageExpression"))
                                .and_then(serde_json::Value::as_str)
                                .map(str::to_string),
                            field_path: r.field_path.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.space.operations.push(OperationDef {
                exchange_rules,
                id: op.id.clone(),
                name: type_name,
                method: op.method.clone(),
                path: op.path.clone(),
                summary: op.summary.clone(),
                request,
                responses,
            });
        }
        self.space.operations.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }
}
