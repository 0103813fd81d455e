//! Schemas compiled on first use, and the parameters that carry one.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::document::rooted;
use super::pydantic::{PydanticError, describe};

/// One schema error: where in the instance (a JSON pointer), the message, and Pydantic's
/// wording of it.
pub(super) type SchemaError = (String, String, Option<PydanticError>);

/// A JSON Schema from the document, compiled (draft 2020-12, formats checked) on first use.
#[derive(Debug)]
pub(super) struct Schema {
    root: Value,
    compiled: OnceLock<Result<jsonschema::Validator, String>>,
}

impl Schema {
    pub(super) fn new(schema: &Value, components: &Arc<Value>) -> Self {
        Self {
            root: rooted(schema, components),
            compiled: OnceLock::new(),
        }
    }

    /// Each error as (`/json/pointer` into the instance, message, Pydantic's wording).
    pub(super) fn errors(&self, instance: &Value) -> Vec<SchemaError> {
        let compiled = self.compiled.get_or_init(|| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&self.root)
                .map_err(|err| err.to_string())
        });
        match compiled {
            Ok(validator) => validator
                .iter_errors(instance)
                .map(|error| {
                    let pydantic = describe(&error);
                    (
                        error.instance_path().to_string(),
                        error.to_string(),
                        pydantic,
                    )
                })
                .collect(),
            Err(err) => vec![(
                String::new(),
                format!("schema does not compile: {err}"),
                None,
            )],
        }
    }
}

/// A query or path parameter.
#[derive(Debug)]
pub(super) struct Param {
    pub(super) name: String,
    pub(super) required: bool,
    schema: Schema,
}

impl Param {
    pub(super) fn new(param: &Value, components: &Arc<Value>) -> Option<Self> {
        Some(Self {
            name: param.get("name")?.as_str()?.to_owned(),
            required: param.get("required").and_then(Value::as_bool) == Some(true),
            schema: Schema::new(
                param.get("schema").unwrap_or(&Value::Bool(true)),
                components,
            ),
        })
    }

    /// The schema's complaints about `value`. The value arrives as text, so it passes when
    /// either the text or the number or boolean it spells satisfies the schema, as FastAPI
    /// coerces it.
    pub(super) fn check(&self, value: &str) -> Vec<(String, Option<PydanticError>)> {
        let text = Value::String(value.to_owned());
        let text_errors = self.schema.errors(&text);
        if text_errors.is_empty() {
            return Vec::new();
        }
        let parsed = match value {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => serde_json::from_str::<serde_json::Number>(value)
                .ok()
                .map(Value::Number),
        };
        if let Some(parsed) = parsed {
            let parsed_errors = self.schema.errors(&parsed);
            if parsed_errors.is_empty() {
                return Vec::new();
            }
            return parsed_errors
                .into_iter()
                .map(|(_, message, pydantic)| (message, pydantic))
                .collect();
        }
        text_errors
            .into_iter()
            .map(|(_, message, pydantic)| (message, pydantic))
            .collect()
    }
}
