//! Telling a stale record of this instance from a live replica at the same base URL.
//!
//! Every process has an instance id (in its `/health` body and its record's metadata). A
//! record with this module's name and base URL may be a leftover of this instance (a crash,
//! a lost answer), or the record of another live process that serves the same URL (two
//! replicas given one `LIFT_MODULE_PUBLIC_URL`). Deleting the second would evict a live
//! replica, so before a record is deleted as stale its URL is asked who answers there.

use std::time::Duration;

use reqwest::Client;
use serde::Deserialize;

/// The key of the instance id in a record's metadata.
pub(crate) const INSTANCE_ID_KEY: &str = "lift_instance_id";

/// How long the probe of a record's URL may take: a live instance answers `/health` at once.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Asks a base URL which instance answers there.
#[derive(Debug, Clone)]
pub(crate) struct InstanceProbe {
    /// This process's instance id.
    pub(crate) this: String,
    /// The path of the liveness endpoint on a base URL (the manifest's `health_endpoint`).
    pub(crate) health_path: String,
    pub(crate) http: Client,
}

/// Who answers at a record's base URL.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// This process.
    This,
    /// Another live instance, with this id.
    Other(String),
    /// Nobody that says who it is: no answer, another status, or a body without an id.
    Unknown,
}

#[derive(Deserialize)]
struct Health {
    instance_id: Option<String>,
}

impl InstanceProbe {
    /// Who answers `GET {base_url}{health_path}`.
    pub(crate) async fn owner_of(&self, base_url: &str) -> Owner {
        let url = format!("{}{}", base_url.trim_end_matches('/'), self.health_path);
        let answer = self.http.get(&url).timeout(PROBE_TIMEOUT).send().await;
        let health = match answer {
            Ok(response) if response.status().is_success() => response.json::<Health>().await,
            Ok(_) | Err(_) => return Owner::Unknown,
        };
        match health {
            Ok(Health {
                instance_id: Some(id),
            }) if id == self.this => Owner::This,
            Ok(Health {
                instance_id: Some(id),
            }) => Owner::Other(id),
            Ok(Health { instance_id: None }) | Err(_) => Owner::Unknown,
        }
    }
}
