//! What the `/conceptual-spaces` routes answer.

use std::collections::BTreeMap;

use lift_sdk_core::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::metadata::{ResponseMetadata, WithMetadata};
use crate::ids::SpaceId;
use lift_sdk_core::decode::null_as_default;

/// A conceptual space just created by
/// [`create_conceptual_space`](crate::MemoryClient::create_conceptual_space).
///
/// `space_id` is required: an answer without one is a decode error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ConceptualSpace {
    /// The new space's id, `space_{org_id}_{8 hex}`.
    pub space_id: SpaceId,
    /// Its name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Its dimensions, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dimensions: Vec<String>,
    /// The organisation that created it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub org_id: String,
    /// The envelope's metadata.
    #[serde(skip)]
    pub metadata: ResponseMetadata,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ConceptualSpace, mistyped);

impl WithMetadata for ConceptualSpace {
    fn set_metadata(&mut self, metadata: ResponseMetadata) {
        self.metadata = metadata;
    }
}

/// Every conceptual space the service holds (the list is not filtered by organisation).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ConceptualSpaces {
    /// The spaces by id (`conceptual_spaces` on the wire).
    #[serde(
        default,
        rename = "conceptual_spaces",
        deserialize_with = "null_as_default"
    )]
    pub spaces: BTreeMap<SpaceId, SpaceDetails>,
    /// How many spaces there are, as the service counts them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub count: u64,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ConceptualSpaces, mistyped);

impl ConceptualSpaces {
    /// The space with this id.
    #[must_use]
    pub fn get(&self, space_id: &str) -> Option<&SpaceDetails> {
        self.spaces.get(space_id)
    }

    /// The spaces, ordered by id.
    pub fn iter(&self) -> impl Iterator<Item = (&SpaceId, &SpaceDetails)> {
        self.spaces.iter()
    }

    /// Whether there are no spaces.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.spaces.is_empty()
    }
}

/// One entry of [`ConceptualSpaces`].
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct SpaceDetails {
    /// The space's name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Its dimensions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub dimensions: Vec<String>,
    /// How many concepts it holds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub concepts_count: u64,
    /// How many relationships it holds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub relationships_count: u64,
    /// When it was created (epoch seconds on the wire).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it last changed (epoch seconds on the wire).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Fields sent with another type than this SDK expects, kept as sent.
    #[serde(skip)]
    pub mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(SpaceDetails, mistyped);
