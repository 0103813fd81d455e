//! The registry's module identifier.

lift_sdk_core::string_id! {
    /// The id the registry assigned to a registered module (a UUID in practice).
    ///
    /// It is **not** the `module_id` of `module.json`: the registry generates a new id at
    /// every registration, and forgets every id when it restarts, so clients find a module
    /// again by name ([`RegistryClient::find_by_name`](crate::RegistryClient::find_by_name)).
    /// Treat it as an opaque string; it is never parsed as a UUID.
    ///
    /// Built by a caller, an id is checked: `/`, `\`, `?`, `#`, control characters, blank,
    /// `.` and `..` are refused, because the reference gateway decodes `%2F` before routing
    /// and `../health` would reach the registry's own `/health`. An id read from the registry
    /// is kept as sent and checked again before the client puts it in a path.
    ///
    /// ```
    /// use lift_registry_client::ModuleId;
    ///
    /// let id = ModuleId::new("7c840860-4c75-40c1-b743-675f948a4201")?;
    /// assert_eq!(id.as_str(), "7c840860-4c75-40c1-b743-675f948a4201");
    /// assert_eq!(id.to_string(), id.as_str());
    /// assert!(ModuleId::new("../health").is_err());
    /// # Ok::<(), lift_registry_client::Error>(())
    /// ```
    pub struct ModuleId("module id");
}
