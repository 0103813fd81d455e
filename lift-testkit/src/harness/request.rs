//! One request to the module under test: `HarnessRequest`.

use std::fmt;

use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use lift_sdk::auth::{Role, SubscriptionTier};
use serde::Serialize;

use super::ModuleHarness;
use super::error::HarnessError;
use super::response::HarnessResponse;

/// A request to the module under test, from [`ModuleHarness::get`] and its siblings; sent
/// with [`send`](Self::send).
///
/// The caller is chosen with [`as_user`](Self::as_user) (a token minted with the harness's
/// [`TestTokens`](crate::tokens::TestTokens), refined with [`org`](Self::org),
/// [`roles`](Self::roles), [`permissions`](Self::permissions) and [`tier`](Self::tier)), or
/// with [`bearer`](Self::bearer) (any token, bad ones included). Without either, the
/// request carries no `Authorization` header.
///
/// Problems found while building (a header that is not valid, a body that does not
/// serialize, a user without tokens to mint with) are reported by `send`, which then sends
/// nothing.
#[must_use = "a request does nothing until `send` is awaited"]
pub struct HarnessRequest<'h> {
    harness: &'h ModuleHarness,
    method: Method,
    path: String,
    url: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    caller: Caller,
    user: UserSettings,
    problem: Option<String>,
}

/// Who the request is made as.
enum Caller {
    Anonymous,
    Bearer(String),
    User(String),
}

/// The claims of a minted user token (`None`: the token builder's default).
#[derive(Default)]
struct UserSettings {
    org: Option<String>,
    roles: Option<Vec<Role>>,
    permissions: Option<Vec<String>>,
    tier: Option<SubscriptionTier>,
}

impl<'h> HarnessRequest<'h> {
    pub(crate) fn new(
        harness: &'h ModuleHarness,
        method: Method,
        path: String,
        url: String,
    ) -> Self {
        Self {
            harness,
            method,
            path,
            url,
            headers: HeaderMap::new(),
            body: None,
            caller: Caller::Anonymous,
            user: UserSettings::default(),
            problem: None,
        }
    }

    /// Calls as user `user_id`, with a token minted by the harness's
    /// [`TestTokens`](crate::tokens::TestTokens) (defaults: organisation `test-org`, role
    /// `user`, free tier, valid for an hour).
    pub fn as_user(mut self, user_id: impl Into<String>) -> Self {
        self.caller = Caller::User(user_id.into());
        self
    }

    /// The organisation of the [`as_user`](Self::as_user) token.
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.user.org = Some(org.into());
        self
    }

    /// The roles of the [`as_user`](Self::as_user) token (and their default permissions).
    pub fn roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.user.roles = Some(roles.into_iter().collect());
        self
    }

    /// The permissions of the [`as_user`](Self::as_user) token, instead of its roles'.
    pub fn permissions(mut self, permissions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.user.permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }

    /// The subscription tier of the [`as_user`](Self::as_user) token.
    pub fn tier(mut self, tier: SubscriptionTier) -> Self {
        self.user.tier = Some(tier);
        self
    }

    /// Calls with `token` as the bearer, as it is (an expired or forged one too).
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.caller = Caller::Bearer(token.into());
        self
    }

    /// Adds header `name: value` (kept next to any other value of the same name).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => self.defer(format!(
                "header `{name}` is not a valid header name and value"
            )),
        }
        self
    }

    /// Sends `body` as JSON (with `content-type: application/json`).
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                self.body = Some(bytes);
            }
            Err(err) => self.defer(format!("the JSON body does not serialize: {err}")),
        }
        self
    }

    /// Sends `body` as it is (set a `content-type` with [`header`](Self::header)).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sends the request and reads the whole answer, whatever its status.
    ///
    /// # Errors
    ///
    /// [`HarnessError::InvalidRequest`] for a problem found while building (nothing is
    /// sent), [`HarnessError::Request`] when the module does not answer.
    pub async fn send(self) -> Result<HarnessResponse, HarnessError> {
        let request = self.to_string();
        if let Some(reason) = self.problem {
            return Err(HarnessError::InvalidRequest { request, reason });
        }
        let mut headers = self.headers;
        let token = match self.caller {
            Caller::Anonymous => None,
            Caller::Bearer(token) => Some(token),
            Caller::User(user_id) => Some(mint(self.harness, &user_id, self.user, &request)?),
        };
        if let Some(token) = token {
            let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                HarnessError::InvalidRequest {
                    request: request.clone(),
                    reason: "the bearer token is not a valid header value".to_owned(),
                }
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let mut outgoing = self
            .harness
            .http
            .request(self.method, &self.url)
            .headers(headers);
        if let Some(body) = self.body {
            outgoing = outgoing.body(body);
        }
        let failed = |source| HarnessError::Request {
            request: request.clone(),
            source,
        };
        let answer = outgoing.send().await.map_err(failed)?;
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = answer.bytes().await.map_err(failed)?.to_vec();
        Ok(HarnessResponse {
            request,
            status,
            headers,
            body,
        })
    }

    fn defer(&mut self, reason: String) {
        self.problem.get_or_insert(reason);
    }
}

/// A token for `user_id` with `settings`, minted with the harness's tokens.
fn mint(
    harness: &ModuleHarness,
    user_id: &str,
    settings: UserSettings,
    request: &str,
) -> Result<String, HarnessError> {
    let tokens = harness
        .tokens
        .as_ref()
        .ok_or_else(|| HarnessError::InvalidRequest {
            request: request.to_owned(),
            reason: "as_user needs TestTokens to mint with: give the harness some with \
                     ModuleHarnessBuilder::tokens, or send a token with bearer"
                .to_owned(),
        })?;
    let mut token = tokens.user(user_id);
    if let Some(org) = settings.org {
        token = token.org(org);
    }
    if let Some(roles) = settings.roles {
        token = token.roles(roles);
    }
    if let Some(permissions) = settings.permissions {
        token = token.permissions(permissions);
    }
    if let Some(tier) = settings.tier {
        token = token.tier(tier);
    }
    Ok(token.issue())
}

/// `METHOD /path`, then `as <user>` or `with a bearer token`: how errors name the request.
impl fmt::Display for HarnessRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        match &self.caller {
            Caller::Anonymous => Ok(()),
            Caller::Bearer(_) => f.write_str(" with a bearer token"),
            Caller::User(user_id) => write!(f, " as {user_id}"),
        }
    }
}

impl fmt::Debug for HarnessRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token: only who the request is made as.
        f.debug_struct("HarnessRequest")
            .field("request", &self.to_string())
            .field("url", &self.url)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}
