//! Keeping user-context headers away from the gateway (contract §4.2, §10 D15).

use std::sync::Arc;

use lift_core::http::HeaderMap;
use lift_core::{AuthProvider, Error, async_trait};

/// The headers the gateway derives from the token. A client-sent copy would be forwarded
/// first and win downstream, overriding the token's identity.
pub(crate) const USER_CONTEXT_HEADERS: [&str; 6] = [
    "x-user-id",
    "x-org-id",
    "x-organization-id",
    "x-memory-context",
    "x-user-roles",
    "x-module-id",
];

/// Wraps the credentials of a gateway client: whatever the inner provider or the
/// transport's default headers add, no user-context header leaves the client.
#[derive(Debug)]
pub(crate) struct GatewayAuth {
    inner: Option<Arc<dyn AuthProvider>>,
}

impl GatewayAuth {
    pub(crate) fn new(inner: Option<Arc<dyn AuthProvider>>) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl AuthProvider for GatewayAuth {
    async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        if let Some(inner) = &self.inner {
            inner.authorize(headers).await?;
        }
        for name in USER_CONTEXT_HEADERS {
            headers.remove(name);
        }
        Ok(())
    }

    async fn refresh(&self) -> Result<bool, Error> {
        match &self.inner {
            Some(inner) => inner.refresh().await,
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use lift_core::http::HeaderValue;

    use super::*;

    #[derive(Debug)]
    struct Everything;

    #[async_trait]
    impl AuthProvider for Everything {
        async fn authorize(&self, headers: &mut HeaderMap) -> Result<(), Error> {
            headers.insert("authorization", HeaderValue::from_static("Bearer t"));
            for name in USER_CONTEXT_HEADERS {
                headers.insert(name, HeaderValue::from_static("spoofed"));
            }
            Ok(())
        }
    }

    #[tokio::test]
    async fn strips_user_context_headers_and_keeps_the_token() {
        let mut headers = HeaderMap::new();
        headers.insert("x-user-roles", HeaderValue::from_static("admin"));
        let auth = GatewayAuth::new(Some(Arc::new(Everything)));

        auth.authorize(&mut headers).await.unwrap();

        assert_eq!(headers.len(), 1);
        assert_eq!(headers["authorization"], "Bearer t");
    }
}
