//! The OpenAPI 3.1 documents the reference services publish (`/openapi.json` of the gateway,
//! auth, memory and registry), embedded in the kit, and a checker that matches a request to
//! its operation and validates its body, query and path parameters against the operation's
//! JSON Schemas (with the [`jsonschema`] crate, draft 2020-12, formats checked).
//!
//! - [`OpenApi::check`] checks one request and names its [`Route`].
//! - [`SchemaCheck::mount`] checks every request a wiremock [`MockServer`](wiremock::MockServer)
//!   receives and fails the test, when dropped, naming each request the service would refuse.
//! - [`OpenApi::routes`] lists every operation, for route-coverage tests.
//!
//! A request's path is matched as the service sees it, or with the service's gateway prefix
//! (`/memory`, `/registry`, `/auth`) in front, so one document checks both routing modes.

mod document;
mod params;
mod pydantic;
mod server;

use std::fmt;

pub use document::{OpenApi, Route};
pub use pydantic::PydanticError;
pub use server::{CheckedServer, SchemaCheck};

/// A reference service that publishes an OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Service {
    /// The API gateway (`gateway.json`).
    Gateway,
    /// The auth service (`auth.json`).
    Auth,
    /// The memory service (`memory.json`).
    Memory,
    /// The registry service (`registry.json`).
    Registry,
}

impl Service {
    /// The four services, gateway first.
    pub const ALL: [Self; 4] = [Self::Gateway, Self::Auth, Self::Memory, Self::Registry];

    /// The service's name, as the documents' file names and the gateway prefixes spell it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Auth => "auth",
            Self::Memory => "memory",
            Self::Registry => "registry",
        }
    }

    /// The prefix under which the gateway forwards to this service (`/memory`), if any.
    #[must_use]
    pub fn gateway_prefix(self) -> Option<&'static str> {
        match self {
            Self::Gateway => None,
            Self::Auth => Some("/auth"),
            Self::Memory => Some("/memory"),
            Self::Registry => Some("/registry"),
        }
    }

    /// The embedded OpenAPI document, as the service published it.
    #[must_use]
    pub fn document(self) -> &'static str {
        match self {
            Self::Gateway => include_str!("../../openapi/gateway.json"),
            Self::Auth => include_str!("../../openapi/auth.json"),
            Self::Memory => include_str!("../../openapi/memory.json"),
            Self::Registry => include_str!("../../openapi/registry.json"),
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One reason the service would refuse a request (FastAPI answers 422), or a request that
/// matches no operation of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The request, as `METHOD /path`.
    pub request: String,
    /// The operation it matched, if any.
    pub route: Option<Route>,
    /// Where in the request: `body/limit`, `query name`, `path year`, or empty.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// Whether the service answers 422 to it. `false` for what the service ignores (a query
    /// parameter or a body the operation does not take) and for a request no operation
    /// matches (a 404): still client bugs, so [`SchemaCheck`] reports them all.
    pub refused: bool,
    /// How Pydantic words it in a 422 item, for a schema keyword it has a wording for.
    pub pydantic: Option<PydanticError>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.request)?;
        if let Some(route) = &self.route {
            write!(f, " ({route})")?;
        }
        if !self.location.is_empty() {
            write!(f, " at {}", self.location)?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_documents_equal_the_repository_fixtures() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/openapi");
        if !fixtures.exists() {
            // Packaged crate: the repository's fixtures are not there.
            return;
        }
        for service in Service::ALL {
            let path = fixtures.join(format!("{}.json", service.name()));
            let on_disk = std::fs::read_to_string(&path).unwrap();
            assert_eq!(on_disk, service.document(), "{} differs", path.display());
        }
    }
}
