//! The fixed RSA test keys and the JWKS document served for them on a wiremock server.

use std::sync::{Arc, RwLock};

use lift_auth::TokenIssuer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The path the JWKS is served under: the platform's contract names none, and this is where
/// most identity providers publish theirs. Verifiers take the whole URL, so only tests that
/// build it by hand depend on it.
pub(crate) const JWKS_PATH: &str = "/.well-known/jwks.json";

/// One fixed RSA key pair of the kit: its `kid` and PEMs. Committed rather than generated,
/// so the kit never generates keys at runtime and tokens stay reproducible.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RsaKey {
    pub(crate) kid: &'static str,
    pub(crate) private_pem: &'static str,
    pub(crate) public_pem: &'static str,
}

/// The signing key before any rotation.
pub(crate) const FIRST: RsaKey = RsaKey {
    kid: "test-rsa-1",
    private_pem: include_str!("../../keys/rsa-private.pem"),
    public_pem: include_str!("../../keys/rsa-public.pem"),
};

/// The key [`rotate`](super::TestTokens::rotate) switches to.
pub(crate) const SECOND: RsaKey = RsaKey {
    kid: "test-rsa-2",
    private_pem: include_str!("../../keys/rsa2-private.pem"),
    public_pem: include_str!("../../keys/rsa2-public.pem"),
};

impl RsaKey {
    /// The other fixed key: the next one after a rotation, and the one whose signature is
    /// wrong for this key's `kid`.
    pub(crate) fn other(self) -> Self {
        if self.kid == FIRST.kid { SECOND } else { FIRST }
    }

    /// An RS256 issuer signing with this key, its `kid` in every header.
    pub(crate) fn issuer(self) -> Result<TokenIssuer, lift_auth::Error> {
        TokenIssuer::builder()
            .rs256_pem(self.private_pem)
            .kid(self.kid)
            .build()
    }
}

/// A wiremock server publishing a JWKS that [`publish`](Self::publish) can replace while
/// verifiers hold its URL.
#[derive(Debug)]
pub(crate) struct JwksServer {
    server: MockServer,
    document: Arc<RwLock<serde_json::Value>>,
}

impl JwksServer {
    /// Starts the server on loopback, serving `document` at [`JWKS_PATH`].
    pub(crate) async fn start(document: serde_json::Value) -> Self {
        let server = MockServer::start().await;
        let document = Arc::new(RwLock::new(document));
        let served = Arc::clone(&document);
        // A responder reading shared state, so a rotation changes the set without
        // remounting (which would also forget the requests received so far).
        Mock::given(method("GET"))
            .and(path(JWKS_PATH))
            .respond_with(move |_: &Request| {
                let body = match served.read() {
                    Ok(document) => document.clone(),
                    Err(poisoned) => poisoned.into_inner().clone(),
                };
                ResponseTemplate::new(200).set_body_json(body)
            })
            .mount(&server)
            .await;
        Self { server, document }
    }

    /// Serves `document` from now on.
    pub(crate) fn publish(&self, document: serde_json::Value) {
        let mut current = match self.document.write() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = document;
    }

    /// The URL of the JWKS.
    pub(crate) fn url(&self) -> String {
        format!("{}{JWKS_PATH}", self.server.uri())
    }

    /// How many times the JWKS was requested.
    pub(crate) async fn requests(&self) -> usize {
        self.server.received_requests().await.map_or(0, |requests| {
            requests
                .iter()
                .filter(|request| request.url.path() == JWKS_PATH)
                .count()
        })
    }
}

/// The JWKS document (`{"keys": [...]}`) of `issuers`' public keys, each with its `kid`,
/// derived by lift-auth from the private keys.
pub(crate) fn document(issuers: &[&TokenIssuer]) -> Result<serde_json::Value, lift_auth::Error> {
    let keys = issuers
        .iter()
        .map(|issuer| issuer.public_jwk())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(serde_json::json!({ "keys": keys }))
}
