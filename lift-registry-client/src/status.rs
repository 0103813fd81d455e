//! A module's lifecycle status and its health as the registry last probed it.

lift_sdk_core::string_enum! {
    /// The lifecycle status of a registered module (`ModuleStatus` of the contract).
    ///
    /// The registry sets `active` at registration, whatever the module's health, and never
    /// changes it on its own; only an [`update`](crate::RegistryClient::update) does.
    ///
    /// ```
    /// use lift_registry_client::ModuleStatus;
    ///
    /// assert_eq!(ModuleStatus::from("maintenance"), ModuleStatus::Maintenance);
    /// assert_eq!(ModuleStatus::from("retired"), ModuleStatus::Other("retired".into()));
    /// ```
    pub enum ModuleStatus {
        /// `active`: serving (the status every module gets at registration).
        Active => "active",
        /// `inactive`: switched off by an operator.
        Inactive => "inactive",
        /// `maintenance`: temporarily out of service.
        Maintenance => "maintenance",
        /// `error`: marked failed by an operator.
        Error => "error",
    }
}

lift_sdk_core::string_enum! {
    /// The result of the registry's last health probe of a module.
    ///
    /// ```
    /// use lift_registry_client::ModuleHealth;
    ///
    /// assert!(ModuleHealth::from("healthy").is_healthy());
    /// assert!(!ModuleHealth::from("unreachable").is_healthy());
    /// assert_eq!(ModuleHealth::default(), ModuleHealth::Unknown);
    /// ```
    #[derive(Default)]
    pub enum ModuleHealth {
        /// `healthy`: the health endpoint answered 200 with a JSON body.
        Healthy => "healthy",
        /// `unhealthy`: the health endpoint answered with another status.
        Unhealthy => "unhealthy",
        /// `unreachable`: no answer within 5 s, a connection error, or a 200 that is not JSON.
        Unreachable => "unreachable",
        /// `unknown`: not probed (after an update that changed no URL, or in the summary);
        /// also the default when a probe result has no status.
        #[default]
        Unknown => "unknown",
    }
}

impl ModuleHealth {
    /// Whether the module was found healthy.
    #[must_use]
    pub fn is_healthy(&self) -> bool {
        *self == Self::Healthy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_through_json() {
        for status in ModuleStatus::KNOWN {
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            let back: ModuleStatus = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, status);
            assert!(back.is_known());
        }
        for health in ModuleHealth::KNOWN {
            let back: ModuleHealth = serde_json::from_str(&format!("\"{health}\"")).unwrap();
            assert_eq!(&back, health);
        }
    }

    #[test]
    fn unknown_values_are_kept() {
        let status: ModuleStatus = serde_json::from_str("\"draining\"").unwrap();
        assert_eq!(status, ModuleStatus::Other("draining".into()));
        assert!(!status.is_known());
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"draining\"");
        let health: ModuleHealth = serde_json::from_str("\"degraded\"").unwrap();
        assert_eq!(health.as_str(), "degraded");
    }
}
