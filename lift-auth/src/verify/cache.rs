//! A bounded cache of verified tokens: every request of a session presents the same bearer
//! token, so its signature is checked once and its claims are served from memory afterwards.
//!
//! Keyed by the whole compact token. That is safe: only tokens that passed every check are
//! stored; the hasher is randomly seeded per cache (an attacker cannot aim many tokens at one
//! bucket); and the process already holds each token in its request. The token never leaves
//! the map: it is in no `Debug` output, log line or error.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::claims::Claims;

/// The number of tokens cached when none is configured.
pub(crate) const DEFAULT_CACHE_CAPACITY: usize = 10_000;

/// Fewer entries per shard than this make the shards pointless (quick_cache's own floor).
const MIN_SHARD_ENTRIES: usize = 32;

/// One verified token: its claims (shared, so a hit copies no more than the caller receives)
/// and the generation of the key set that verified it.
#[derive(Clone)]
struct Entry {
    claims: Arc<Claims>,
    generation: u64,
}

/// Verified tokens, at most `capacity` of them, evicted by S3-FIFO (quick_cache): sharded
/// locks, no global lock on the hot path.
pub(crate) struct TokenCache {
    entries: Cache<Box<str>, Entry>,
    capacity: usize,
}

impl TokenCache {
    /// A cache of at most `capacity` tokens, or `None` for 0 (caching off).
    pub(crate) fn new(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return None;
        }
        // quick_cache rounds each shard's share up; a share rounded down keeps the total at or
        // under `capacity` (a few entries fewer at most).
        let parallelism = std::thread::available_parallelism().map_or(4, NonZeroUsize::get);
        let mut shards = (parallelism * 4).next_power_of_two();
        while shards > 1 && capacity / shards < MIN_SHARD_ENTRIES {
            shards /= 2;
        }
        let capacity = capacity / shards * shards;
        let options = quick_cache::OptionsBuilder::new()
            .shards(shards)
            .estimated_items_capacity(capacity)
            .weight_capacity(u64::try_from(capacity).unwrap_or(u64::MAX))
            .build()
            // Fails only without a weight capacity, which is set above.
            .ok()?;
        let entries = Cache::with_options(
            options,
            quick_cache::UnitWeighter,
            // Randomly seeded per cache (foldhash), against hash flooding.
            quick_cache::DefaultHashBuilder::default(),
            quick_cache::sync::DefaultLifecycle::default(),
        );
        Some(Self { entries, capacity })
    }

    /// The claims of `token` if it was verified under the key set `generation`. An entry
    /// from an older key set is dropped: the token must be verified again.
    pub(crate) fn get(&self, token: &str, generation: u64) -> Option<Arc<Claims>> {
        let entry = self.entries.get(token)?;
        if entry.generation == generation {
            return Some(entry.claims);
        }
        self.entries
            .remove_if(token, |entry| entry.generation != generation);
        None
    }

    /// Records that `token` passed every check under the key set `generation`.
    pub(crate) fn insert(&self, token: &str, claims: Arc<Claims>, generation: u64) {
        self.entries
            .insert(token.into(), Entry { claims, generation });
    }

    pub(crate) fn remove(&self, token: &str) {
        self.entries.remove(token);
    }

    pub(crate) fn clear(&self) {
        self.entries.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

impl fmt::Debug for TokenCache {
    // The keys are tokens: only sizes are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::claims::NumericDate;
    use crate::verify::signature_checks;
    use crate::{TokenIssuer, TokenVerifier};

    const SECRET: &str = "lift-shared-secret-for-tests-0123456789abcdef";

    fn claims(sub: &str) -> Claims {
        Claims::new(
            sub,
            "org-1",
            "ana@example.com",
            NumericDate::from_secs(4_000_000_000),
        )
    }

    #[test]
    fn zero_capacity_is_no_cache() {
        assert!(TokenCache::new(0).is_none());
    }

    #[test]
    fn a_flood_of_distinct_tokens_stays_within_capacity() {
        for capacity in [1, 31, 33, 100, 1_000, 10_000] {
            let cache = TokenCache::new(capacity).unwrap();
            let shared = Arc::new(claims("user-1"));
            for n in 0..capacity * 4 {
                cache.insert(&format!("token-{n}"), Arc::clone(&shared), 0);
                assert!(cache.len() <= capacity, "{capacity}: {}", cache.len());
            }
            assert!(cache.len() > 0);
        }
    }

    #[test]
    fn an_entry_of_an_older_key_set_is_not_served() {
        let cache = TokenCache::new(10).unwrap();
        cache.insert("token", Arc::new(claims("user-1")), 3);

        assert!(cache.get("token", 3).is_some());
        assert!(cache.get("token", 4).is_none());
        assert_eq!(cache.len(), 0, "the stale entry is dropped");
    }

    #[test]
    fn debug_shows_sizes_not_tokens() {
        let cache = TokenCache::new(10).unwrap();
        cache.insert("secret-token-value", Arc::new(claims("user-1")), 0);

        let debug = format!("{cache:?}");
        assert!(!debug.contains("secret-token-value"), "{debug}");
        assert!(debug.contains("len: 1"), "{debug}");
    }

    #[test]
    fn a_hit_checks_no_signature() {
        let issuer = TokenIssuer::hs256(SECRET).unwrap();
        let verifier = TokenVerifier::hs256(SECRET).unwrap();
        let token = issuer
            .issue(&issuer.claims("user-1", "org-1", "ana@example.com"))
            .unwrap();

        let before = signature_checks();
        let first = verifier.verify(&token).unwrap();
        let second = verifier.verify(&token).unwrap();
        let third = verifier.verify(&token).unwrap();

        assert_eq!(signature_checks() - before, 1);
        assert_eq!(first, second);
        assert_eq!(first, third);
    }

    #[test]
    fn without_a_cache_every_call_checks_the_signature() {
        let issuer = TokenIssuer::hs256(SECRET).unwrap();
        let verifier = TokenVerifier::builder()
            .hs256(SECRET)
            .cache_capacity(0)
            .build()
            .unwrap();
        let token = issuer
            .issue(&issuer.claims("user-1", "org-1", "ana@example.com"))
            .unwrap();

        let before = signature_checks();
        verifier.verify(&token).unwrap();
        verifier.verify(&token).unwrap();

        assert_eq!(signature_checks() - before, 2);
    }

    #[test]
    fn an_expired_hit_is_evicted_and_checked_again_next_time() {
        let issuer = TokenIssuer::hs256(SECRET).unwrap();
        let verifier = TokenVerifier::hs256(SECRET).unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut short_lived = claims("user-1");
        short_lived.exp = NumericDate::from_secs(1_800_000_100);
        short_lived.iat = Some(NumericDate::from_secs(1_800_000_000));
        let token = issuer.issue(&short_lived).unwrap();
        verifier.verify_at(&token, now).unwrap();

        let later = now + Duration::from_secs(100 + 60);
        let err = verifier.verify_at(&token, later).unwrap_err();

        assert_eq!(err.kind(), crate::AuthErrorKind::Expired);
        assert_eq!(verifier.cached_tokens(), 0);
        let before = signature_checks();
        verifier.verify_at(&token, now).unwrap();
        assert_eq!(
            signature_checks() - before,
            1,
            "verified again after eviction"
        );
    }
}
