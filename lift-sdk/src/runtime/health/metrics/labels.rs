//! The label sets of the runtime's metrics, built without allocating on the request path.

use std::hash::{Hash, Hasher};

use axum::extract::MatchedPath;
use http::Method;
use lift_sdk_core::{CallOutcome, ErrorKind};
use prometheus_client::encoding::{EncodeLabelSet, LabelSetEncoder};

/// `method` and `route` of an incoming request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteLabels {
    pub(crate) method: &'static str,
    pub(crate) route: Route,
}

/// `method`, `route` and `status` of an answered request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RequestLabels {
    pub(crate) route: RouteLabels,
    pub(crate) status: u16,
}

/// The route template axum matched (`/api/v1/reports/{id}`), never the raw path: raw paths
/// carry ids and would make a series per request. `unmatched` when no route matched.
#[derive(Debug, Clone)]
pub(crate) struct Route(pub(crate) Option<MatchedPath>);

impl Route {
    fn as_str(&self) -> &str {
        self.0.as_ref().map_or("unmatched", MatchedPath::as_str)
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// The method as a label: the standard ones by name, any other as `OTHER`, so a client
/// inventing methods cannot create series.
pub(crate) fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "OTHER",
    }
}

impl EncodeLabelSet for RouteLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeLabel as _;
        ("method", self.method).encode(encoder.encode_label())?;
        ("route", self.route.as_str()).encode(encoder.encode_label())
    }
}

impl EncodeLabelSet for RequestLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeLabel as _;
        self.route.encode(encoder)?;
        ("status", self.status).encode(encoder.encode_label())
    }
}

/// `service` of an outgoing call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ServiceLabels {
    pub(crate) service: String,
}

/// `service` and `outcome` of an outgoing call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CallLabels {
    pub(crate) service: ServiceLabels,
    pub(crate) outcome: &'static str,
}

impl EncodeLabelSet for ServiceLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeLabel as _;
        ("service", self.service.as_str()).encode(encoder.encode_label())
    }
}

impl EncodeLabelSet for CallLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        use prometheus_client::encoding::EncodeLabel as _;
        self.service.encode(encoder)?;
        ("outcome", self.outcome).encode(encoder.encode_label())
    }
}

/// How an outgoing call ended, in a closed set of words.
pub(crate) fn outcome(call: &CallOutcome<'_>) -> &'static str {
    let Some(kind) = call.error_kind else {
        return "success";
    };
    match kind {
        ErrorKind::Status => match call.status {
            Some(status) if status.is_client_error() => "client_error",
            Some(status) if status.is_server_error() => "server_error",
            _ => "error",
        },
        ErrorKind::Timeout => "timeout",
        ErrorKind::Connect => "connect_error",
        ErrorKind::CircuitOpen => "circuit_open",
        ErrorKind::Redirect => "redirect",
        ErrorKind::Decode => "decode_error",
        ErrorKind::Auth => "auth_error",
        ErrorKind::InvalidInput => "invalid_input",
        _ => "error",
    }
}
