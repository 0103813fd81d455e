//! The auth middleware: a tower [`Layer`](tower::Layer) for axum apps, its extractors and
//! guards.

mod auth_layer;
mod extract;
mod guard;
mod identity;
mod rejection;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use http::Request;
use tower::Service;

pub use auth_layer::{AuthMode, JwtAuthLayer};
pub use guard::{PermissionMarker, RequirePermission, RequireRole, RoleMarker, perm, role};
pub use identity::Authenticated;

/// The service made by [`JwtAuthLayer`]: authenticates each request, then calls the inner
/// service with the identity in the request extensions, or answers 401 itself.
#[derive(Clone)]
pub struct JwtAuth<S> {
    inner: S,
    layer: JwtAuthLayer,
}

impl<S> JwtAuth<S> {
    pub(crate) fn new(inner: S, layer: JwtAuthLayer) -> Self {
        Self { inner, layer }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The wrapped service, consuming the middleware.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for JwtAuth<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtAuth")
            .field("inner", &self.inner)
            .field("layer", &self.layer)
            .finish()
    }
}

/// The future of [`JwtAuth`]: boxed, because authenticating may fetch a JWKS.
pub type ResponseFuture<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

impl<S, B> Service<Request<B>> for JwtAuth<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone is not ready; the ready one goes into the future (tower's usual dance).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            match layer.authenticate(request.headers()).await {
                Ok(identity) => {
                    identity.apply(&mut request);
                    request.extensions_mut().insert(Arc::new(identity));
                    inner.call(request).await
                }
                Err(err) => Ok(err.into_response()),
            }
        })
    }
}
