//! A JWKS fetched from a URL: cached, refreshed on an unknown `kid` at most once per
//! interval, and kept while the endpoint is down.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lift_sdk_core::{RetryPolicy, Transport};
use tokio::time::Instant;

use super::{KeyCell, VerifyKey, parse_jwks};
use crate::error::{AuthErrorKind, Error};

/// The largest JWKS body accepted, in bytes. A set of a hundred RSA-4096 keys is about
/// 100 KiB; anything near this limit is not a key set.
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// What a remote JWKS accepts beyond the safe defaults.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Keep fetched HS256 keys shorter than 32 bytes (with `allow_symmetric`).
    pub(crate) allow_weak: bool,
    /// Accept an `http://` URL.
    pub(crate) allow_http: bool,
    /// Keep fetched symmetric (`oct`) keys.
    pub(crate) allow_symmetric: bool,
}

#[derive(Debug)]
pub(crate) struct RemoteJwks {
    transport: Transport,
    interval: Duration,
    /// Keys configured on the builder; fetched keys are added to them.
    base: Vec<VerifyKey>,
    options: Options,
    last_fetch: Mutex<Option<Instant>>,
    /// One fetch at a time; waiters re-check the cache when they get it.
    fetching: tokio::sync::Mutex<()>,
}

impl RemoteJwks {
    pub(crate) fn new(
        url: &str,
        interval: Duration,
        base: Vec<VerifyKey>,
        options: Options,
    ) -> Result<Self, Error> {
        let scheme = url.split_once("://").map(|(scheme, _)| scheme);
        let allowed = match scheme {
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => true,
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => options.allow_http,
            _ => false,
        };
        if !allowed {
            return Err(Error::with_detail(
                AuthErrorKind::Config,
                "jwks url must be https (allow_http_jwks(true) accepts http, for loopback and tests)",
            ));
        }
        let transport = Transport::builder(url)
            .service("jwks")
            .retry_policy(RetryPolicy::none())
            // A key set is a few KiB: stop reading a runaway body early.
            .max_body_size(MAX_JWKS_BYTES)
            .build()
            .map_err(|err| {
                Error::with_detail(AuthErrorKind::Config, "invalid jwks url").with_source(err)
            })?;
        Ok(Self {
            transport,
            interval,
            base,
            options,
            last_fetch: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// Fetches the set because `kid` is unknown, unless another caller fetched it while this
    /// one waited, or the last fetch is more recent than the interval. Returns whether the
    /// cache may now know the key.
    pub(crate) async fn refresh_for(
        &self,
        keys: &KeyCell,
        kid: Option<&str>,
    ) -> Result<bool, Error> {
        let (seen, _) = keys.load();
        let _one_at_a_time = self.fetching.lock().await;
        let (current, _) = keys.load();
        if !Arc::ptr_eq(&seen, &current) {
            // Another caller fetched while this one waited: retry with its keys.
            return Ok(true);
        }
        if let Some(kid) = kid
            && current.iter().any(|key| key.kid.as_deref() == Some(kid))
        {
            return Ok(true);
        }
        let recently = self
            .last_fetch
            .lock()
            .map(|last| last.is_some_and(|at| at.elapsed() < self.interval))
            .unwrap_or(false);
        if recently {
            if current.is_empty() {
                return Err(Error::with_detail(
                    AuthErrorKind::KeyUnavailable,
                    "jwks not fetched yet; next attempt after the refresh interval",
                ));
            }
            return Ok(false);
        }
        match self.fetch_locked(keys).await {
            Ok(()) => Ok(true),
            Err(err) if keys.load().0.is_empty() => Err(err),
            Err(err) => {
                // The endpoint is down: the last good keys keep serving.
                tracing::warn!(error = %err, "jwks refresh failed; keeping the last good keys");
                Ok(false)
            }
        }
    }

    /// Fetches the set now.
    pub(crate) async fn fetch_into(&self, keys: &KeyCell) -> Result<(), Error> {
        let _one_at_a_time = self.fetching.lock().await;
        self.fetch_locked(keys).await
    }

    async fn fetch_locked(&self, keys: &KeyCell) -> Result<(), Error> {
        if let Ok(mut last) = self.last_fetch.lock() {
            *last = Some(Instant::now());
        }
        let unavailable =
            |detail: &'static str| Error::with_detail(AuthErrorKind::KeyUnavailable, detail);
        let response = self.transport.get("").send().await.map_err(|err| {
            // `send` decodes nothing: its only decode error is a body over the limit.
            let detail = if err.kind() == lift_sdk_core::ErrorKind::Decode {
                "jwks body larger than MAX_JWKS_BYTES (1 MiB)"
            } else {
                "jwks fetch failed"
            };
            unavailable(detail).with_source(err)
        })?;
        let mut fetched = parse_jwks(response.bytes())
            .map_err(|err| unavailable("jwks document invalid").with_source(err))?;
        let options = self.options;
        // A published shared secret lets anyone who reads the set mint tokens.
        fetched.retain(|key| {
            let symmetric = key.secret_len.is_some();
            !symmetric
                || (options.allow_symmetric
                    && (options.allow_weak || !key.is_weak(super::MIN_SECRET_LEN)))
        });
        if fetched.is_empty() {
            return Err(unavailable("jwks has no usable key"));
        }
        let mut merged = self.base.clone();
        merged.extend(fetched);
        // A new generation: tokens cached under the old keys are verified again.
        keys.replace(merged);
        Ok(())
    }
}
