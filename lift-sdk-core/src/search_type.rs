//! The search strategies of the memory service, shared by the memory client and the
//! manifest's memory requirements.

crate::string_enum! {
    /// How the memory service ranks results (`search_type` on the wire), and which
    /// strategies a module declares in `memory_requirements.search_types`.
    ///
    /// The service accepts exactly `hybrid` (its default), `neural`, `conceptual` and
    /// `knowledge`. A value this SDK does not know decodes as [`Other`](Self::Other) rather
    /// than failing, and is sent back verbatim. Re-exported by the memory and registry
    /// clients.
    ///
    /// ```
    /// use lift_sdk_core::SearchType;
    ///
    /// assert_eq!("neural".parse::<SearchType>(), Ok(SearchType::Neural));
    /// assert_eq!(SearchType::default().as_str(), "hybrid");
    /// assert_eq!(SearchType::from("semantic"), SearchType::Other("semantic".to_owned()));
    /// ```
    #[derive(Default)]
    pub enum SearchType {
        /// `hybrid`: neural and conceptual ranking combined (the service default).
        #[default]
        Hybrid => "hybrid",
        /// `neural`: embedding similarity.
        Neural => "neural",
        /// `conceptual`: conceptual-space similarity.
        Conceptual => "conceptual",
        /// `knowledge`: knowledge-graph traversal.
        Knowledge => "knowledge",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_and_unknown_values() {
        for (wire, value) in [
            ("hybrid", SearchType::Hybrid),
            ("neural", SearchType::Neural),
            ("conceptual", SearchType::Conceptual),
            ("knowledge", SearchType::Knowledge),
            ("fuzzy", SearchType::Other("fuzzy".to_owned())),
        ] {
            let json = format!("\"{wire}\"");
            assert_eq!(serde_json::from_str::<SearchType>(&json).unwrap(), value);
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        assert_eq!(
            serde_json::from_str::<SearchType>("3").unwrap(),
            SearchType::Other("3".to_owned())
        );
    }
}
