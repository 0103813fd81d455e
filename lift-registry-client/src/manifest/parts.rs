//! The typed parts of a manifest: memory requirements, UI components and metadata.

use lift_sdk_core::SearchType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The typed keys of [`MemoryRequirements`], [`UiComponent`] and [`ManifestMetadata`]: a
/// key of these found in `extra` was sent with another type (validation refuses it).
pub(crate) const MEMORY_REQUIREMENTS_KEYS: &[&str] = &[
    "read_access",
    "write_access",
    "search_types",
    "memory_types",
];
pub(crate) const UI_COMPONENT_KEYS: &[&str] =
    &["name", "path", "permissions", "description", "type"];
pub(crate) const METADATA_KEYS: &[&str] = &[
    "description",
    "author",
    "category",
    "tags",
    "documentation_url",
    "support_contact",
];

lift_sdk_core::string_enum! {
    /// The kind of a UI component (`type` in `module.json`).
    pub enum UiComponentKind {
        /// `dashboard`.
        Dashboard => "dashboard",
        /// `widget`.
        Widget => "widget",
        /// `page`.
        Page => "page",
    }
}

/// What a module needs from the memory service (`memory_requirements`).
///
/// Unknown keys are kept in [`extra`](Self::extra) and written back, and so is a known key
/// sent with another type (another client may have stored `"tags": "analytics"`): it is kept
/// raw in `extra`, written back as it came, and the typed field takes its default. `null`
/// reads as the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct MemoryRequirements {
    /// Whether the module reads memory.
    #[serde(default)]
    pub read_access: bool,
    /// Whether the module writes memory.
    #[serde(default)]
    pub write_access: bool,
    /// The search types the module uses; [`validate`](crate::ModuleManifest::validate)
    /// refuses unknown ones.
    #[serde(default)]
    pub search_types: Vec<SearchType>,
    /// The memory types the module stores or reads, e.g. `general`.
    #[serde(default)]
    pub memory_types: Vec<String>,
    /// Every other key, and any typed key sent with another type, kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(MemoryRequirements, extra, serialize);

impl MemoryRequirements {
    /// Requirements with the given access flags and no search or memory types.
    #[must_use]
    pub fn new(read_access: bool, write_access: bool) -> Self {
        Self {
            read_access,
            write_access,
            ..Self::default()
        }
    }

    /// Adds a search type.
    #[must_use]
    pub fn search_type(mut self, search_type: SearchType) -> Self {
        self.search_types.push(search_type);
        self
    }

    /// Adds a memory type.
    #[must_use]
    pub fn memory_type(mut self, memory_type: impl Into<String>) -> Self {
        self.memory_types.push(memory_type.into());
        self
    }
}

/// A UI component a module contributes (`ui_components[]`).
///
/// Unknown keys are kept in [`extra`](Self::extra) and written back, and so is a known key
/// sent with another type (another client may have stored `"tags": "analytics"`): it is kept
/// raw in `extra`, written back as it came, and the typed field takes its default. `null`
/// reads as the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct UiComponent {
    /// The component's name, e.g. `Attribution Dashboard`.
    #[serde(default)]
    pub name: String,
    /// Where the UI mounts it, e.g. `/dashboard`.
    #[serde(default)]
    pub path: String,
    /// The permissions the component needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `dashboard`, `widget` or `page` (`type` on the wire).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<UiComponentKind>,
    /// Every other key, and any typed key sent with another type, kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(UiComponent, extra, serialize);

impl UiComponent {
    /// A component with a name and a path.
    #[must_use]
    pub fn new(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            path: path.into(),
            ..Self::default()
        }
    }

    /// Adds a permission the component needs.
    #[must_use]
    pub fn permission(mut self, permission: impl Into<String>) -> Self {
        self.permissions.push(permission.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the kind (`type`).
    #[must_use]
    pub fn kind(mut self, kind: UiComponentKind) -> Self {
        self.kind = Some(kind);
        self
    }
}

/// Descriptive metadata of a module (`metadata`).
///
/// Unknown keys are kept in [`extra`](Self::extra) and written back, and so is a known key
/// sent with another type (another client may have stored `"tags": "analytics"`): it is kept
/// raw in `extra`, written back as it came, and the typed field takes its default. `null`
/// reads as the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[non_exhaustive]
pub struct ManifestMetadata {
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// A category such as `analytics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Where the module's documentation lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<String>,
    /// Who to contact for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_contact: Option<String>,
    /// Every other key, and any typed key sent with another type, kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(ManifestMetadata, extra, serialize);

impl ManifestMetadata {
    /// Empty metadata.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the author.
    #[must_use]
    pub fn author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    /// Sets the category.
    #[must_use]
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }
}
