//! Extractors reading what [`JwtAuthLayer`](super::JwtAuthLayer) verified.

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use super::identity::Authenticated;
use crate::claims::Claims;
use crate::context::UserContext;
use crate::error::{AuthErrorKind, Error};

pub(crate) fn identity(parts: &Parts) -> Option<&Arc<Authenticated>> {
    parts.extensions.get::<Arc<Authenticated>>()
}

fn missing() -> Error {
    Error::with_detail(AuthErrorKind::MissingToken, "not authenticated")
}

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        identity(parts)
            .map(|id| Self::clone(id))
            .ok_or_else(missing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Authenticated {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(identity(parts).map(|id| Self::clone(id)))
    }
}

/// The verified claims. Rejects with 401 when the caller was identified by gateway headers
/// (no token) or not at all.
impl<S: Send + Sync> FromRequestParts<S> for Claims {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        identity(parts)
            .and_then(|id| id.claims().cloned())
            .ok_or_else(missing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Claims {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(identity(parts).and_then(|id| id.claims().cloned()))
    }
}

/// The caller's context, from a token or from the gateway's headers (per the layer's mode).
impl<S: Send + Sync> FromRequestParts<S> for UserContext {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        identity(parts)
            .map(|id| id.context().clone())
            .ok_or_else(missing)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for UserContext {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(identity(parts).map(|id| id.context().clone()))
    }
}
