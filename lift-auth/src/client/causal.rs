//! Auth's self-description, detailed health and the `/causal/…` routes.

use http::header::AUTHORIZATION;
use lift_sdk_core::{Error, ServiceHealth};
use serde_json::Value;

use super::AuthClient;
use super::causal_types::{
    AuthServiceInfo, CausalAccessRequest, CausalCapabilities, CausalPermissions, CausalRoleRequest,
};

impl AuthClient {
    /// `GET /`: the service's version and the endpoints it lists.
    ///
    /// # Errors
    ///
    /// A transport error, or `Decode` for a malformed answer.
    pub async fn info(&self) -> Result<AuthServiceInfo, Error> {
        let mut url = self.transport.url("")?;
        if !url.path().ends_with('/') {
            // Through the gateway, `{gateway}/auth` without the slash earns a 307.
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        self.transport
            .request_url(http::Method::GET, url)
            .send_data()
            .await
    }

    /// `GET /health/detailed`: health with the database's state and the user and session
    /// counts in [`dependencies`](ServiceHealth::dependencies). A failing database is
    /// reported as status `unhealthy` with a 200.
    ///
    /// # Errors
    ///
    /// A transport error, or `Decode` for a body that is not a health object.
    pub async fn health_detailed(&self) -> Result<ServiceHealth, Error> {
        self.transport.get("/health/detailed").send_json().await
    }

    /// `GET /causal/capabilities` (no credentials): permission levels, data scopes, tier
    /// limits and inference methods.
    ///
    /// ```no_run
    /// # async fn run(auth: lift_auth::AuthClient) -> Result<(), lift_sdk_core::Error> {
    /// let capabilities = auth.causal_capabilities().await?;
    /// println!("methods: {:?}", capabilities.available_methods);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// A transport error, or `Decode` for a malformed answer.
    pub async fn causal_capabilities(&self) -> Result<CausalCapabilities, Error> {
        self.transport.get("/causal/capabilities").send_data().await
    }

    /// `GET /causal/permissions/{user_id}` as the holder of `token` (the user themself, or
    /// an admin).
    ///
    /// # Errors
    ///
    /// `InvalidInput`, before anything is sent, for a blank user id or a token that cannot
    /// be a header; a `Status` error (403 for another user without `admin`, 404, 500 for an
    /// id that is not a UUID), or a transport error.
    pub async fn causal_permissions(
        &self,
        token: &str,
        user_id: &str,
    ) -> Result<CausalPermissions, Error> {
        if user_id.trim().is_empty() {
            return Err(Error::invalid_input("user id must not be empty"));
        }
        self.transport
            .get(["causal", "permissions", user_id])
            .header(AUTHORIZATION, crate::provider::bearer_value(token)?)
            .send_data()
            .await
    }

    /// `POST /causal/access/validate` as the holder of `token`. The reference documents no
    /// answer (its handler fails with 500 at snapshot a866ea0), so the envelope's `data` is
    /// returned as JSON.
    ///
    /// # Errors
    ///
    /// A `Status` error (500 `Access validation failed` at the reference snapshot), or a
    /// transport error.
    pub async fn validate_causal_access(
        &self,
        token: &str,
        request: &CausalAccessRequest,
    ) -> Result<Value, Error> {
        self.transport
            .post("/causal/access/validate")
            .header(AUTHORIZATION, crate::provider::bearer_value(token)?)
            .json(request)
            .idempotent(true)
            .send_data()
            .await
    }

    /// `POST /causal/roles/assign` as the holder of `token`, an admin. The answer's `data`
    /// is returned as JSON (undocumented; the reference fails with 500 at a866ea0).
    ///
    /// # Errors
    ///
    /// A `Status` error (403 when not admin, 500 `Role assignment failed` at the reference
    /// snapshot), or a transport error.
    pub async fn assign_causal_role(
        &self,
        token: &str,
        request: &CausalRoleRequest,
    ) -> Result<Value, Error> {
        self.transport
            .post("/causal/roles/assign")
            .header(AUTHORIZATION, crate::provider::bearer_value(token)?)
            .json(request)
            .send_data()
            .await
    }
}
