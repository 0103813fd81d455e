//! One service's document: its operations, matched by method and path template.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::params::{Param, Schema};
use super::pydantic::PydanticError;
use super::{Service, Violation};

/// One operation of a document: the service, the method and the path template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    /// The service whose document lists the operation.
    pub service: Service,
    /// The method, upper case.
    pub method: String,
    /// The path template as the document writes it (`/workflows/{workflow_id}/status`).
    pub path: String,
}

impl Route {
    /// A route.
    #[must_use]
    pub fn new(service: Service, method: &str, path: &str) -> Self {
        Self {
            service,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.service, self.method, self.path)
    }
}

/// A request's path parameters, by name, decoded.
type PathParams = Vec<(String, String)>;

#[derive(Debug)]
struct Operation {
    route: Route,
    segments: Vec<String>,
    body: Option<Schema>,
    body_required: bool,
    query: Vec<Param>,
    path_params: Vec<Param>,
}

/// A service's OpenAPI document, ready to check requests against.
///
/// Cheap to clone; compiled schemas are cached and shared.
#[derive(Debug, Clone)]
pub struct OpenApi {
    service: Service,
    operations: Arc<Vec<Operation>>,
}

impl OpenApi {
    /// The embedded document of `service`.
    ///
    /// # Panics
    ///
    /// Never for the embedded documents, which a test parses: only if one were not JSON.
    #[must_use]
    pub fn new(service: Service) -> Self {
        #[allow(
            clippy::expect_used,
            reason = "the embedded documents are fixed and tested"
        )]
        let document: Value =
            serde_json::from_str(service.document()).expect("embedded OpenAPI document is JSON");
        let components = Arc::new(document.get("components").cloned().unwrap_or(Value::Null));
        let mut operations = Vec::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                operations.push(Operation::new(
                    service,
                    method,
                    path,
                    operation,
                    &components,
                ));
            }
        }
        Self {
            service,
            operations: Arc::new(operations),
        }
    }

    /// The service.
    #[must_use]
    pub fn service(&self) -> Service {
        self.service
    }

    /// Every operation the document lists.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.operations.iter().map(|operation| &operation.route)
    }

    /// The operation `method path` reaches, the path as the service sees it or with the
    /// service's gateway prefix in front.
    #[must_use]
    pub fn route(&self, method: &str, path: &str) -> Option<&Route> {
        self.find(method, path)
            .map(|(operation, _)| &operation.route)
    }

    fn find(&self, method: &str, path: &str) -> Option<(&Operation, PathParams)> {
        let direct = self.find_exact(method, path);
        if direct.is_some() {
            return direct;
        }
        let prefix = self.service.gateway_prefix()?;
        let rest = path.strip_prefix(prefix)?;
        if rest.is_empty() || rest.starts_with('/') {
            self.find_exact(method, if rest.is_empty() { "/" } else { rest })
        } else {
            None
        }
    }

    fn find_exact(&self, method: &str, path: &str) -> Option<(&Operation, Vec<(String, String)>)> {
        let pieces: Vec<&str> = path.split('/').skip(1).collect();
        // A literal template wins over one with parameters (FastAPI tries routes in order,
        // and the documents list `/search/batch` before nothing ambiguous, but be safe).
        let mut best: Option<(&Operation, PathParams, usize)> = None;
        for operation in self.operations.iter() {
            if !operation.route.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if let Some(params) = operation.match_path(&pieces) {
                let literals = operation
                    .segments
                    .iter()
                    .filter(|s| !s.starts_with('{'))
                    .count();
                if best.as_ref().is_none_or(|(_, _, n)| literals > *n) {
                    best = Some((operation, params, literals));
                }
            }
        }
        best.map(|(operation, params, _)| (operation, params))
    }

    /// Checks one request: `path` without its query, `query` the raw query string (without
    /// `?`), `body` the raw body. Returns the operation it reached.
    ///
    /// # Errors
    ///
    /// Every [`Violation`]: no operation for the method and path, a missing required query
    /// parameter, a query or path parameter or a body the schema refuses, a body sent to an
    /// operation that takes none, or a query parameter the operation does not declare (the
    /// service ignores it, so sending it is a client bug).
    pub fn check(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
    ) -> Result<Route, Vec<Violation>> {
        let request = format!("{} {path}", method.to_ascii_uppercase());
        let Some((operation, path_params)) = self.find(method, path) else {
            return Err(vec![Violation {
                request,
                route: None,
                location: String::new(),
                message: format!("no operation of the {} document matches", self.service),
                refused: false,
                pydantic: None,
            }]);
        };
        let mut violations = Vec::new();
        let mut report = |location: String, message: String, refused: bool, pydantic| {
            violations.push(Violation {
                request: request.clone(),
                route: Some(operation.route.clone()),
                location,
                message,
                refused,
                pydantic,
            });
        };
        for (name, value) in &path_params {
            if let Some(param) = operation.path_params.iter().find(|p| &p.name == name) {
                for (message, pydantic) in param.check(value) {
                    report(format!("path {name}"), message, true, pydantic);
                }
            }
        }
        operation.check_query(query, &mut report);
        operation.check_body(body, &mut report);
        if violations.is_empty() {
            Ok(operation.route.clone())
        } else {
            Err(violations)
        }
    }
}

impl Operation {
    fn new(
        service: Service,
        method: &str,
        path: &str,
        operation: &Value,
        components: &Arc<Value>,
    ) -> Self {
        let body = operation.pointer("/requestBody/content/application~1json/schema");
        let parameters = operation.get("parameters").and_then(Value::as_array);
        let params_in = |place: &str| -> Vec<Param> {
            parameters
                .into_iter()
                .flatten()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some(place))
                .filter_map(|p| Param::new(p, components))
                .collect()
        };
        Self {
            route: Route::new(service, method, path),
            segments: path.split('/').skip(1).map(str::to_owned).collect(),
            body: body.map(|schema| Schema::new(schema, components)),
            body_required: operation
                .pointer("/requestBody/required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            query: params_in("query"),
            path_params: params_in("path"),
        }
    }

    /// The path parameters, if `pieces` match the template. The gateway's trailing `{path}`
    /// (FastAPI's `{path:path}`) takes the rest of the path, slashes included.
    fn match_path(&self, pieces: &[&str]) -> Option<PathParams> {
        let mut params = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            let last = index + 1 == self.segments.len();
            if segment == "{path}" && last {
                let rest = pieces.get(index..)?;
                if rest.is_empty() {
                    return None;
                }
                params.push(("path".to_owned(), rest.join("/")));
                return Some(params);
            }
            let piece = *pieces.get(index)?;
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if !piece.is_empty() => {
                    params.push((name.to_owned(), decode(piece, false)))
                }
                Some(_) => return None,
                None if segment == piece => {}
                None => return None,
            }
        }
        (pieces.len() == self.segments.len()).then_some(params)
    }

    fn check_query(
        &self,
        query: &str,
        report: &mut impl FnMut(String, String, bool, Option<PydanticError>),
    ) {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name, true), decode(value, true))
            })
            .collect();
        let forwards = self.route.service == Service::Gateway;
        for (name, value) in &pairs {
            match self.query.iter().find(|param| &param.name == name) {
                Some(param) => {
                    for (message, pydantic) in param.check(value) {
                        report(format!("query {name}"), message, true, pydantic);
                    }
                }
                // The gateway forwards every query parameter to the service behind it.
                None if forwards => {}
                None => report(
                    format!("query {name}"),
                    "not a parameter of this operation: the service ignores it".to_owned(),
                    false,
                    None,
                ),
            }
        }
        for param in self.query.iter().filter(|param| param.required) {
            if !pairs.iter().any(|(name, _)| name == &param.name) {
                report(
                    format!("query {}", param.name),
                    "required, missing".to_owned(),
                    true,
                    None,
                );
            }
        }
    }

    fn check_body(
        &self,
        body: &[u8],
        report: &mut impl FnMut(String, String, bool, Option<PydanticError>),
    ) {
        let forwards = self.route.service == Service::Gateway;
        match &self.body {
            None if body.is_empty() || forwards => {}
            None => report(
                "body".to_owned(),
                "this operation takes no body: the service ignores it".to_owned(),
                false,
                None,
            ),
            Some(_) if body.is_empty() => {
                if self.body_required {
                    report(
                        "body".to_owned(),
                        "required, missing".to_owned(),
                        true,
                        None,
                    );
                }
            }
            Some(schema) => match serde_json::from_slice::<Value>(body) {
                Ok(value) => {
                    for (location, message, pydantic) in schema.errors(&value) {
                        report(format!("body{location}"), message, true, pydantic);
                    }
                }
                Err(err) => report("body".to_owned(), format!("not JSON: {err}"), true, None),
            },
        }
    }
}

/// Percent-decodes a path segment or a query piece (where `+` is a space).
pub(super) fn decode(text: &str, query: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let hex = || {
            let pair = bytes.get(index + 1..index + 3)?;
            u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()
        };
        match (byte, hex()) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            (b'+', _) if query => {
                out.push(b' ');
                index += 1;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The schema document a validator is compiled from: `schema` with the document's
/// `components` beside it, so `#/components/schemas/…` references resolve.
pub(super) fn rooted(schema: &Value, components: &Value) -> Value {
    let mut root = match schema {
        Value::Object(map) => map.clone(),
        Value::Bool(true) => Map::new(),
        other => {
            let mut map = Map::new();
            map.insert("allOf".to_owned(), Value::Array(vec![other.clone()]));
            map
        }
    };
    root.insert("components".to_owned(), components.clone());
    Value::Object(root)
}
