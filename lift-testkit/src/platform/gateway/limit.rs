//! The gateway's rate limit (contract §4.5): a sliding window per client key, the key being
//! the first `X-Forwarded-For` entry, else `X-Real-IP`, else the socket's IP.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::HeaderMap;
use tokio::time::Instant;

/// How many requests one client key may make in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimit {
    /// Requests allowed in one window.
    pub(crate) requests: usize,
    /// The window's length.
    pub(crate) window: Duration,
}

impl RateLimit {
    /// The reference gateway's limit: 100 requests per 60 s.
    pub(crate) const REFERENCE: Self = Self {
        requests: 100,
        window: Duration::from_secs(60),
    };
}

/// The sliding windows of every client key.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: Option<RateLimit>,
    /// Whether a key over the limit stays blocked until [`reset`](Self::reset) (the
    /// reference's block set, never cleared).
    block_forever: bool,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    windows: HashMap<String, VecDeque<Instant>>,
    blocked: HashSet<String>,
}

impl Limiter {
    /// A limiter; `None` admits everything.
    pub(crate) fn new(limit: Option<RateLimit>, block_forever: bool) -> Self {
        Self {
            limit,
            block_forever,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Counts one request of `key`; `Err(retry_after)` when it is over the limit.
    pub(crate) fn admit(&self, key: &str) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.blocked.contains(key) {
            return Err(limit.window);
        }
        // Forget keys whose window has emptied, so the map stays small.
        if seen.windows.len() > 1024 {
            seen.windows.retain(|_, window| {
                window
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < limit.window)
            });
        }
        let window = seen.windows.entry(key.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|first| now.duration_since(*first) >= limit.window)
        {
            window.pop_front();
        }
        if window.len() >= limit.requests {
            let retry_after = window.front().map_or(limit.window, |first| {
                limit.window.saturating_sub(now.duration_since(*first))
            });
            if self.block_forever {
                seen.blocked.insert(key.to_owned());
            }
            return Err(retry_after);
        }
        window.push_back(now);
        Ok(())
    }

    /// Forgets every window and block.
    pub(crate) fn reset(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        *seen = Seen::default();
    }
}

/// The client key of a request, as the reference derives it.
pub(crate) fn client_key(headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(',').next().unwrap_or("").trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    header("x-forwarded-for")
        .or_else(|| header("x-real-ip"))
        .or_else(|| peer.map(|peer| peer.ip().to_string()))
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_window_slides_and_the_quirk_blocks_for_good() {
        let limit = RateLimit {
            requests: 2,
            window: Duration::from_secs(60),
        };
        let sliding = Limiter::new(Some(limit), false);
        assert!(sliding.admit("a").is_ok());
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(sliding.admit("a").is_ok());
        assert_eq!(sliding.admit("a"), Err(Duration::from_secs(50)));
        assert!(sliding.admit("b").is_ok(), "another key has its own window");
        tokio::time::advance(Duration::from_secs(50)).await;
        assert!(
            sliding.admit("a").is_ok(),
            "the first request left the window"
        );

        let blocking = Limiter::new(Some(limit), true);
        assert!(blocking.admit("a").is_ok());
        assert!(blocking.admit("a").is_ok());
        assert!(blocking.admit("a").is_err());
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert!(blocking.admit("a").is_err(), "blocked until reset");
        blocking.reset();
        assert!(blocking.admit("a").is_ok());
    }

    #[test]
    fn the_key_is_the_first_forwarded_for_entry_then_real_ip_then_the_peer() {
        let mut headers = HeaderMap::new();
        let peer: SocketAddr = "10.0.0.9:5000".parse().unwrap();
        assert_eq!(client_key(&headers, Some(peer)), "10.0.0.9");
        headers.insert("x-real-ip", "10.0.0.2".parse().unwrap());
        assert_eq!(client_key(&headers, Some(peer)), "10.0.0.2");
        headers.insert("x-forwarded-for", " 203.0.113.7, 10.0.0.1".parse().unwrap());
        assert_eq!(client_key(&headers, Some(peer)), "203.0.113.7");
    }
}
