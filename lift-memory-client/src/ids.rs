//! Identifier newtypes: a memory id, a conceptual space id and a workflow id are not
//! interchangeable. Declared with [`lift_sdk_core::string_id!`], so an id a caller builds
//! is checked (no `/`, `\`, `?`, `#`, control character, blank, `.` or `..`) and an id the
//! service sent is kept as sent.

lift_sdk_core::string_id! {
    /// The id of a stored memory, such as `memory_{org_id}_{epoch}`.
    ///
    /// Opaque: the memory service's ids are not UUIDs, so nothing is parsed.
    ///
    /// ```
    /// use lift_memory_client::MemoryId;
    ///
    /// let id = MemoryId::new("memory_org-1_1795421411.61")?;
    /// assert_eq!(id.as_str(), "memory_org-1_1795421411.61");
    /// assert_eq!(id, "memory_org-1_1795421411.61");
    /// assert!(MemoryId::new("a/b").is_err());
    /// # Ok::<(), lift_memory_client::Error>(())
    /// ```
    pub struct MemoryId("memory id");
}

lift_sdk_core::string_id! {
    /// The id of a conceptual space, such as `space_{org_id}_{8 hex}`.
    ///
    /// Opaque, like [`MemoryId`].
    pub struct SpaceId("space id");
}

lift_sdk_core::string_id! {
    /// The id of a workflow the memory service ran, such as the one a batch search reports
    /// ([`BatchSearchResult::workflow_id`](crate::BatchSearchResult::workflow_id)).
    ///
    /// Opaque, like [`MemoryId`].
    pub struct WorkflowId("workflow id");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_strings() {
        let id: MemoryId = serde_json::from_str(r#""memory_a_1.5""#).unwrap();
        assert_eq!(id.as_str(), "memory_a_1.5");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""memory_a_1.5""#);
        assert_eq!(id.to_string(), "memory_a_1.5");
    }

    #[test]
    fn space_ids_work_as_map_keys() {
        let map: std::collections::BTreeMap<SpaceId, u8> =
            serde_json::from_str(r#"{"space_x_1":1}"#).unwrap();
        assert_eq!(map.get("space_x_1"), Some(&1));
    }

    #[test]
    fn ids_built_by_callers_are_checked() {
        for bad in ["", ".", "..", "a/b", "a\\b", "a?b", "a#b", "a\nb"] {
            assert!(WorkflowId::new(bad).is_err(), "{bad:?}");
            assert!(SpaceId::try_from(bad).is_err(), "{bad:?}");
        }
        let sent: WorkflowId = serde_json::from_str(r#""../x""#).unwrap();
        assert!(sent.as_path_segment().is_err());
    }
}
