//! What a handler knows about its request and the platform: `ModuleContext`.

use std::sync::Arc;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use lift_auth::layer::Authenticated;
use lift_auth::{Caller, Claims, Token, UserContext, bearer_from_headers};
use lift_memory_client::MemoryClient;
use lift_registry_client::{ModuleId, RegistryClient};

use super::request_id::RequestId;
use super::state::RuntimeState;
use crate::{GatewayClient, LiftClient};

/// What the runtime hands every module request: its state and the module's client.
#[derive(Debug, Clone)]
pub(crate) struct ModuleShared {
    pub(crate) state: Arc<RuntimeState>,
    pub(crate) client: LiftClient,
}

/// The caller of a request and the platform, for a module's handlers (an extractor).
///
/// The clients it gives act **as the caller**: through the gateway they send the caller's
/// bearer token, directly they send the caller's user context, so a handler stores and
/// searches the caller's memory in one line. Every call they make inside the handler carries
/// the request's id ([`request_id`](Self::request_id)) and continues its `traceparent`.
///
/// ```no_run
/// use lift_sdk::memory::StoreRequest;
/// use lift_sdk::runtime::{HttpError, Json, ModuleContext};
///
/// #[derive(serde::Deserialize)]
/// struct Note {
///     text: String,
/// }
///
/// async fn add_note(ctx: ModuleContext, Json(note): Json<Note>) -> Result<String, HttpError> {
///     let stored = ctx.memory().store(StoreRequest::new(note.text)).await?;
///     Ok(stored.memory_id.to_string())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ModuleContext {
    caller: Caller,
    user: UserContext,
    claims: Option<Claims>,
    request_id: RequestId,
    shared: ModuleShared,
}

impl ModuleContext {
    /// The caller: their bearer token (when they sent one) and their user context.
    #[must_use]
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The caller's user context (user, org, roles, memory context).
    #[must_use]
    pub fn user(&self) -> &UserContext {
        &self.user
    }

    /// The caller's verified claims; `None` when the caller was identified by gateway
    /// headers.
    #[must_use]
    pub fn claims(&self) -> Option<&Claims> {
        self.claims.as_ref()
    }

    /// The memory service, as the caller.
    #[must_use]
    pub fn memory(&self) -> MemoryClient {
        self.shared.client.memory().for_user(&self.caller)
    }

    /// The registry, as the caller.
    #[must_use]
    pub fn registry(&self) -> RegistryClient {
        self.shared.client.registry().for_user(&self.caller)
    }

    /// The gateway, as the caller.
    #[must_use]
    pub fn gateway(&self) -> GatewayClient {
        self.shared.client.gateway().for_user(&self.caller)
    }

    /// Every client with the module's own credentials, for calls that are not the
    /// caller's.
    #[must_use]
    pub fn module_client(&self) -> &LiftClient {
        &self.shared.client
    }

    /// The registry's id for this module; `None` until it is registered.
    #[must_use]
    pub fn module_id(&self) -> Option<ModuleId> {
        self.shared.state.module_id()
    }

    /// The request's id, also sent on every downstream call.
    #[must_use]
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }
}

/// Why a [`ModuleContext`] could not be extracted: the handler is not served by the
/// runtime, or not behind its auth layer (a `500`: a wiring mistake, not the caller's).
#[derive(Debug, Clone, Copy)]
pub struct ContextRejection(&'static str);

impl IntoResponse for ContextRejection {
    fn into_response(self) -> Response {
        tracing::error!(problem = self.0, "ModuleContext is not available");
        let body = serde_json::json!({ "detail": "Internal Server Error" });
        (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ModuleContext {
    type Rejection = ContextRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let shared = parts
            .extensions
            .get::<ModuleShared>()
            .cloned()
            .ok_or(ContextRejection(
                "the route is not served by the Lift runtime",
            ))?;
        let authenticated = parts
            .extensions
            .get::<std::sync::Arc<Authenticated>>()
            .ok_or(ContextRejection("the route is not behind the auth layer"))?;
        let user = authenticated.context().clone();
        let claims = authenticated.claims().cloned();
        // The caller's own token travels on (the gateway forwards it, and it is what the
        // gateway accepts downstream); it was verified unless the module trusts headers.
        let caller = match bearer_from_headers(&parts.headers) {
            Ok(token) => Caller::new(Token::new(token), user.clone()),
            Err(_) => Caller::from_context(user.clone()),
        };
        let Ok(request_id) = RequestId::from_request_parts(parts, state).await;
        Ok(Self {
            caller,
            user,
            claims,
            request_id,
            shared,
        })
    }
}
