//! The four search strategies of the memory service.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How the memory service ranks results (`search_type` on the wire).
///
/// The service accepts exactly `hybrid` (its default), `neural`, `conceptual` and
/// `knowledge`. A value this SDK does not know yet decodes as [`Other`](Self::Other) rather
/// than failing, and is sent back verbatim.
///
/// ```
/// use lift_memory_client::SearchType;
///
/// assert_eq!("neural".parse::<SearchType>(), Ok(SearchType::Neural));
/// assert_eq!(SearchType::default().as_str(), "hybrid");
/// assert_eq!(
///     "semantic".parse::<SearchType>(),
///     Ok(SearchType::Other("semantic".to_owned()))
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SearchType {
    /// Neural and conceptual ranking combined (the service default).
    #[default]
    Hybrid,
    /// Embedding similarity.
    Neural,
    /// Conceptual-space similarity.
    Conceptual,
    /// Knowledge-graph traversal.
    Knowledge,
    /// A value this SDK does not know, kept as sent.
    Other(String),
}

impl SearchType {
    /// The wire name, e.g. `"hybrid"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Hybrid => "hybrid",
            Self::Neural => "neural",
            Self::Conceptual => "conceptual",
            Self::Knowledge => "knowledge",
            Self::Other(other) => other,
        }
    }

    fn from_wire(value: &str) -> Self {
        match value {
            "hybrid" => Self::Hybrid,
            "neural" => Self::Neural,
            "conceptual" => Self::Conceptual,
            "knowledge" => Self::Knowledge,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for SearchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SearchType {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_wire(value))
    }
}

impl Serialize for SearchType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SearchType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::from_wire(&value))
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
    }
}
