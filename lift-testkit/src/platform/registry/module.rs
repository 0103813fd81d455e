//! A registered module as the registry stores it (`ModuleRecord`, contract §6.2), and the
//! registration and update bodies it is made from (contract §6.1), checked field by field
//! as Pydantic would check them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::answer::item;
use super::base_url;
use crate::mocks::{naive_utc_now, uuid4};

/// The lifecycle statuses a module may have (`ModuleStatus`).
pub(crate) const STATUSES: [&str; 4] = ["active", "inactive", "maintenance", "error"];

/// Pydantic's message for a value outside [`STATUSES`].
pub(crate) const STATUS_MSG: &str =
    "Input should be 'active', 'inactive', 'maintenance' or 'error'";

/// A registered module, its fields in the order the reference serialises them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Module {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) base_url: String,
    pub(crate) health_endpoint: String,
    pub(crate) api_prefix: String,
    pub(crate) status: String,
    pub(crate) features: Vec<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) memory_requirements: Map<String, Value>,
    pub(crate) ui_components: Vec<Value>,
    pub(crate) metadata: Map<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: Option<String>,
    pub(crate) registered_by: String,
}

/// The fields of a registration or an update that were sent, already checked.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    name: Option<String>,
    version: Option<String>,
    base_url: Option<String>,
    health_endpoint: Option<String>,
    api_prefix: Option<String>,
    features: Option<Vec<String>>,
    permissions: Option<Vec<String>>,
    memory_requirements: Option<Map<String, Value>>,
    ui_components: Option<Vec<Value>>,
    metadata: Option<Map<String, Value>>,
    status: Option<String>,
}

/// Which body is being read: a registration requires `name`, `version` and `base_url`; an
/// update requires nothing and may set `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    /// `ModuleRegistrationRequest`.
    Registration,
    /// The update body of `PUT /modules/{id}`.
    Update,
}

impl Fields {
    /// Reads `bytes` as `kind`: the fields sent (unknown ones dropped, `null` in an update
    /// meaning "unchanged"), or the 422 items of every problem.
    pub(crate) fn parse(
        bytes: &[u8],
        kind: Body,
        trailing_slash: bool,
    ) -> Result<Self, Vec<Value>> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![item(
                "missing",
                &[json!("body")],
                "Field required",
                Value::Null,
                None,
                true,
            )]);
        }
        let body: Value =
            serde_json::from_slice(bytes).map_err(|err| vec![json_invalid(bytes, &err)])?;
        let Value::Object(object) = &body else {
            return Err(vec![item(
                "model_attributes_type",
                &[json!("body")],
                "Input should be a valid dictionary or object to extract fields from",
                body,
                None,
                true,
            )]);
        };
        let mut reader = Reader {
            object,
            body: &body,
            kind,
            problems: Vec::new(),
        };
        let fields = Self {
            name: reader.string("name", true),
            version: reader.string("version", true),
            base_url: reader.base_url(trailing_slash),
            health_endpoint: reader.string("health_endpoint", false),
            api_prefix: reader.string("api_prefix", false),
            features: reader.strings("features"),
            permissions: reader.strings("permissions"),
            memory_requirements: reader.object("memory_requirements"),
            ui_components: reader.objects("ui_components"),
            metadata: reader.object("metadata"),
            status: if kind == Body::Update {
                reader.status()
            } else {
                None
            },
        };
        if reader.problems.is_empty() {
            Ok(fields)
        } else {
            Err(reader.problems)
        }
    }

    /// A new module from a registration: a fresh UUID, status `active`, registered now by
    /// `user_id`.
    pub(crate) fn into_module(self, user_id: &str) -> Module {
        Module {
            id: uuid4(),
            name: self.name.unwrap_or_default(),
            version: self.version.unwrap_or_default(),
            base_url: self.base_url.unwrap_or_default(),
            health_endpoint: self.health_endpoint.unwrap_or_else(|| "/health".to_owned()),
            api_prefix: self.api_prefix.unwrap_or_else(|| "/api/v1".to_owned()),
            status: "active".to_owned(),
            features: self.features.unwrap_or_default(),
            permissions: self.permissions.unwrap_or_default(),
            memory_requirements: self.memory_requirements.unwrap_or_default(),
            ui_components: self.ui_components.unwrap_or_default(),
            metadata: self.metadata.unwrap_or_default(),
            created_at: naive_utc_now(),
            updated_at: None,
            registered_by: user_id.to_owned(),
        }
    }

    /// Whether applying these fields to `module` changes where it is probed.
    pub(crate) fn moves(&self, module: &Module) -> bool {
        self.base_url
            .as_ref()
            .is_some_and(|url| *url != module.base_url)
            || self
                .health_endpoint
                .as_ref()
                .is_some_and(|path| *path != module.health_endpoint)
    }

    /// `module` with these fields applied, updated now.
    pub(crate) fn apply(&self, module: &Module) -> Module {
        fn set<T: Clone>(target: &mut T, value: Option<&T>) {
            if let Some(value) = value {
                target.clone_from(value);
            }
        }
        let mut updated = module.clone();
        set(&mut updated.name, self.name.as_ref());
        set(&mut updated.version, self.version.as_ref());
        set(&mut updated.base_url, self.base_url.as_ref());
        set(&mut updated.health_endpoint, self.health_endpoint.as_ref());
        set(&mut updated.api_prefix, self.api_prefix.as_ref());
        set(&mut updated.features, self.features.as_ref());
        set(&mut updated.permissions, self.permissions.as_ref());
        set(
            &mut updated.memory_requirements,
            self.memory_requirements.as_ref(),
        );
        set(&mut updated.ui_components, self.ui_components.as_ref());
        set(&mut updated.metadata, self.metadata.as_ref());
        set(&mut updated.status, self.status.as_ref());
        updated.updated_at = Some(naive_utc_now());
        updated
    }
}

/// FastAPI's 422 item for a body that is not JSON: `loc` ends with the byte offset of the
/// error (the length of a body cut short), `input` is `{}`.
fn json_invalid(bytes: &[u8], err: &serde_json::Error) -> Value {
    let offset: usize = if err.is_eof() {
        bytes.len()
    } else {
        bytes
            .split(|&byte| byte == b'\n')
            .take(err.line().saturating_sub(1))
            .map(|line| line.len() + 1)
            .sum::<usize>()
            + err.column().saturating_sub(1)
    };
    item(
        "json_invalid",
        &[json!("body"), json!(offset.min(bytes.len()))],
        "JSON decode error",
        json!({}),
        Some(json!({ "error": err.to_string() })),
        false,
    )
}

/// Reads the fields of one body, collecting every problem.
struct Reader<'a> {
    object: &'a Map<String, Value>,
    body: &'a Value,
    kind: Body,
    problems: Vec<Value>,
}

impl Reader<'_> {
    /// The value of `field`, or `None` (with a `missing` problem if `required` in a
    /// registration). `null` counts as absent in an update.
    fn value(&mut self, field: &str, required: bool) -> Option<Value> {
        match self.object.get(field) {
            None => {
                if required && self.kind == Body::Registration {
                    let body = self.body.clone();
                    self.problem("missing", &[json!(field)], "Field required", body);
                }
                None
            }
            Some(Value::Null) if self.kind == Body::Update => None,
            Some(value) => Some(value.clone()),
        }
    }

    fn problem(&mut self, kind: &str, loc: &[Value], msg: &str, input: Value) {
        let mut full = vec![json!("body")];
        full.extend_from_slice(loc);
        self.problems
            .push(item(kind, &full, msg, input, None, true));
    }

    fn string(&mut self, field: &str, required: bool) -> Option<String> {
        match self.value(field, required)? {
            Value::String(text) => Some(text),
            other => {
                self.problem(
                    "string_type",
                    &[json!(field)],
                    "Input should be a valid string",
                    other,
                );
                None
            }
        }
    }

    fn list(&mut self, field: &str) -> Option<Vec<Value>> {
        match self.value(field, false)? {
            Value::Array(items) => Some(items),
            other => {
                self.problem(
                    "list_type",
                    &[json!(field)],
                    "Input should be a valid list",
                    other,
                );
                None
            }
        }
    }

    fn strings(&mut self, field: &str) -> Option<Vec<String>> {
        let mut strings = Vec::new();
        let mut valid = true;
        for (i, value) in self.list(field)?.into_iter().enumerate() {
            match value {
                Value::String(text) => strings.push(text),
                other => {
                    valid = false;
                    self.problem(
                        "string_type",
                        &[json!(field), json!(i)],
                        "Input should be a valid string",
                        other,
                    );
                }
            }
        }
        valid.then_some(strings)
    }

    fn object(&mut self, field: &str) -> Option<Map<String, Value>> {
        match self.value(field, false)? {
            Value::Object(object) => Some(object),
            other => {
                self.problem(
                    "dict_type",
                    &[json!(field)],
                    "Input should be a valid dictionary",
                    other,
                );
                None
            }
        }
    }

    fn objects(&mut self, field: &str) -> Option<Vec<Value>> {
        let items = self.list(field)?;
        let mut valid = true;
        for (i, value) in items.iter().enumerate() {
            if !value.is_object() {
                valid = false;
                self.problem(
                    "dict_type",
                    &[json!(field), json!(i)],
                    "Input should be a valid dictionary",
                    value.clone(),
                );
            }
        }
        valid.then_some(items)
    }

    fn base_url(&mut self, trailing_slash: bool) -> Option<String> {
        match self.value("base_url", true)? {
            Value::String(text) => match base_url::normalise(&text, trailing_slash) {
                Ok(url) => Some(url),
                Err(problem) => {
                    self.problems.push(problem);
                    None
                }
            },
            other => {
                self.problem(
                    "url_type",
                    &[json!("base_url")],
                    "URL input should be a string or URL",
                    other,
                );
                None
            }
        }
    }

    fn status(&mut self) -> Option<String> {
        match self.value("status", false)? {
            Value::String(status) if STATUSES.contains(&status.as_str()) => Some(status),
            other => {
                self.problems.push(item(
                    "enum",
                    &[json!("body"), json!("status")],
                    STATUS_MSG,
                    other,
                    Some(json!({ "expected": "'active', 'inactive', 'maintenance' or 'error'" })),
                    false,
                ));
                None
            }
        }
    }
}
