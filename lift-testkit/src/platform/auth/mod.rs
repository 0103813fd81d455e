//! The fake platform's auth service (contract §3): register, log in, verify and refresh,
//! with real HS256 tokens from the shared secret and argon2-hashed passwords.

mod body;
mod causal;
mod handlers;
mod info;
mod password;
mod seed;
mod user;

#[cfg(test)]
mod tests;

use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use lift_auth::{Role, TokenIssuer, TokenVerifier};
use serde_json::Value;

pub use self::seed::SeedUser;
use self::user::{UserRecord, aware_utc_now};
use super::store::Durable;
use crate::mocks::uuid4;

#[allow(
    unused_imports,
    reason = "the platform core (FakePlatform, lift-dev) serves it"
)]
pub(crate) use self::handlers::router;

/// The collection users are saved in.
const USERS: &str = "users";

/// The auth service's state: the users (saved through the store before any answer that
/// reports a change), the seeded accounts reset restores, and what signs and checks tokens.
pub(crate) struct AuthState {
    store: Arc<dyn Durable>,
    issuer: TokenIssuer,
    verifier: TokenVerifier,
    /// The seed users' records as of `open`, for `reset`.
    seeded: Vec<UserRecord>,
    users: Mutex<Vec<UserRecord>>,
    /// When the service opened, for `/health/detailed`'s `uptime`.
    started: Instant,
}

/// Why a change to the users was not made.
#[derive(Debug)]
pub(crate) enum Refused<E> {
    /// The change itself refused (a duplicate, an unknown user…).
    Change(E),
    /// The store could not save it (the error); nothing changed.
    Store(io::Error),
}

impl AuthState {
    /// Loads the saved users from `store`, then adds each of `seed` whose e-mail and
    /// username are not taken yet (a seed user already stored keeps its stored record, as
    /// the reference seeds its admin only into an empty database), and saves the result.
    /// Tokens are signed and checked with `secret` (HS256; a secret shorter than 32 bytes,
    /// like the reference's default `your-secret-key`, is accepted).
    ///
    /// Hashes the seed users' passwords: blocking, a millisecond or so per user.
    ///
    /// # Errors
    ///
    /// When the saved users cannot be read or are not a list of users, when a seed
    /// password cannot be hashed, or when the store cannot save.
    pub(crate) fn open(
        store: Arc<dyn Durable>,
        secret: &str,
        seed: Vec<SeedUser>,
    ) -> io::Result<Self> {
        let invalid = |err: String| io::Error::new(io::ErrorKind::InvalidInput, err);
        let issuer = TokenIssuer::builder()
            .hs256(secret)
            .allow_weak_secret(true)
            .build()
            .map_err(|err| invalid(format!("token issuer: {err}")))?;
        let verifier = TokenVerifier::builder()
            .hs256(secret)
            .allow_weak_secret(true)
            .build()
            .map_err(|err| invalid(format!("token verifier: {err}")))?;
        let mut users: Vec<UserRecord> = match store.load(USERS)? {
            Some(saved) => serde_json::from_value(saved).map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("saved users do not load: {err}"),
                )
            })?,
            None => Vec::new(),
        };
        let mut seeded = Vec::with_capacity(seed.len());
        let mut added = false;
        for seed in seed {
            let stored = users
                .iter()
                .find(|user| user.email == seed.email || user.username == seed.username);
            if let Some(stored) = stored {
                seeded.push(stored.clone());
                continue;
            }
            let record = seed_record(seed)?;
            seeded.push(record.clone());
            users.push(record);
            added = true;
        }
        if added {
            store.save(USERS, &to_json(&users)?)?;
        }
        Ok(Self {
            store,
            issuer,
            verifier,
            seeded,
            users: Mutex::new(users),
            started: Instant::now(),
        })
    }

    /// Back to the seeded start: the seed users only, as `open` left them. Saved first;
    /// when the store fails, the users in memory are reset all the same (a test asked for
    /// it) and the next successful save persists them.
    pub(crate) fn reset(&self) {
        let mut users = self.lock();
        if let Ok(json) = to_json(&self.seeded) {
            // Ignored on purpose: see above.
            let _ = self.store.save(USERS, &json);
        }
        users.clone_from(&self.seeded);
    }

    /// A token for `user`, as the reference issues one: `sub` the user id, `org_id`, e-mail,
    /// roles with their default permissions, `memory_context` `org_{org_id}_context`, tier,
    /// integer `exp`/`iat` 24 hours apart.
    pub(crate) fn issue_token(&self, user: &UserRecord) -> String {
        let mut claims = self
            .issuer
            .claims(&user.id, &user.org_id, &user.email)
            .roles(user.roles());
        claims.subscription_tier = user.tier();
        // Signing HS256 claims that serialise to JSON does not fail.
        self.issuer.issue(&claims).unwrap_or_default()
    }

    /// A token for the user with `email`, if there is one.
    pub(crate) fn token_for(&self, email: &str) -> Option<String> {
        let user = self.lock().iter().find(|user| user.email == email).cloned();
        user.map(|user| self.issue_token(&user))
    }

    /// A token for the first user with the `admin` role (the seeded admin, unless it was
    /// replaced), if there is one.
    pub(crate) fn admin_token(&self) -> Option<String> {
        let admin = self
            .lock()
            .iter()
            .find(|user| user.has_role(&Role::Admin))
            .cloned();
        admin.map(|user| self.issue_token(&user))
    }

    /// The users as the service answers them (`id`, `email`, `username`, `full_name`,
    /// `is_active`, `is_verified`), plus `org_id` and `roles`; never a password or hash.
    pub(crate) fn users(&self) -> Vec<Value> {
        self.lock()
            .iter()
            .map(|user| {
                let mut public = user.public();
                public.insert("org_id".into(), Value::from(user.org_id.clone()));
                public.insert("roles".into(), Value::from(user.roles.clone()));
                Value::Object(public)
            })
            .collect()
    }

    /// The verifier of the tokens this service issues.
    pub(crate) fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    /// How many users there are.
    pub(crate) fn user_count(&self) -> usize {
        self.lock().len()
    }

    /// A copy of the users.
    pub(crate) fn users_snapshot(&self) -> Vec<UserRecord> {
        self.lock().clone()
    }

    /// A copy of the user `pick` finds.
    pub(crate) fn find(&self, pick: impl Fn(&UserRecord) -> bool) -> Option<UserRecord> {
        self.lock().iter().find(|user| pick(user)).cloned()
    }

    /// Applies `change` to a copy of the users and saves the copy; only once it is saved
    /// does it replace the users in memory. Blocking (the store syncs to disk): call it off
    /// the async executor.
    pub(crate) fn commit<T, E>(
        &self,
        change: impl FnOnce(&mut Vec<UserRecord>) -> Result<T, E>,
    ) -> Result<T, Refused<E>> {
        let mut users = self.lock();
        let mut next = users.clone();
        let outcome = change(&mut next).map_err(Refused::Change)?;
        let json = to_json(&next).map_err(Refused::Store)?;
        self.store.save(USERS, &json).map_err(Refused::Store)?;
        *users = next;
        Ok(outcome)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<UserRecord>> {
        self.users.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The stored record of a seed user, its password hashed.
fn seed_record(seed: SeedUser) -> io::Result<UserRecord> {
    let password_hash = password::hash(&seed.password)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err.to_string()))?;
    let id = seed.id.unwrap_or_else(uuid4);
    Ok(UserRecord {
        org_id: seed.org_id.unwrap_or_else(|| id.clone()),
        id,
        email: seed.email,
        username: seed.username,
        full_name: seed.full_name,
        password_hash,
        roles: seed
            .roles
            .iter()
            .map(|role| role.as_str().to_owned())
            .collect(),
        subscription_tier: seed.tier.as_str().to_owned(),
        is_active: true,
        is_verified: seed.is_verified,
        created_at: aware_utc_now(),
        last_login: None,
    })
}

fn to_json(users: &[UserRecord]) -> io::Result<Value> {
    serde_json::to_value(users).map_err(io::Error::other)
}
