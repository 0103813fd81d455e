//! Why a manifest could not be read or is not valid.

use std::error::Error as StdError;
use std::fmt;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A `module.json` that cannot be read, does not parse, or fails validation.
///
/// [`field`](Self::field) names the offending field (for example `version`,
/// `permissions[2]` or `memory_requirements.search_types[0]`) when there is one, and so
/// does the message. When a manifest is refused by
/// [`RegistryClient::register`](crate::RegistryClient::register), this error becomes the
/// source of a [`lift_sdk_core::Error`] of kind
/// [`InvalidInput`](lift_sdk_core::ErrorKind::InvalidInput).
///
/// ```
/// use lift_registry_client::{ManifestErrorKind, ModuleManifest};
///
/// let manifest = ModuleManifest::new("analytics", "1.0");
/// let err = manifest.validate().unwrap_err();
/// assert_eq!(err.kind(), ManifestErrorKind::Invalid);
/// assert_eq!(err.field(), Some("version"));
/// assert_eq!(err.to_string(), "invalid manifest field `version`: `1.0` is not a semver version");
/// ```
pub struct ManifestError {
    kind: ManifestErrorKind,
    field: Option<String>,
    message: String,
    source: Option<BoxError>,
}

/// What kind of failure a [`ManifestError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManifestErrorKind {
    /// The file could not be read.
    Read,
    /// The text is not a JSON manifest.
    Parse,
    /// A field has a value the contract does not allow.
    Invalid,
}

impl ManifestError {
    pub(crate) fn read(path: &str, source: std::io::Error) -> Self {
        Self {
            kind: ManifestErrorKind::Read,
            field: None,
            message: format!("cannot read manifest `{path}`"),
            source: Some(Box::new(source)),
        }
    }

    pub(crate) fn parse(source: serde_json::Error) -> Self {
        Self {
            kind: ManifestErrorKind::Parse,
            field: None,
            message: format!(
                "cannot parse manifest at line {} column {}",
                source.line(),
                source.column()
            ),
            source: Some(Box::new(source)),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, problem: impl fmt::Display) -> Self {
        let field = field.into();
        Self {
            kind: ManifestErrorKind::Invalid,
            message: format!("invalid manifest field `{field}`: {problem}"),
            field: Some(field),
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn in_file(mut self, path: &str) -> Self {
        self.message = format!("{} (in `{path}`)", self.message);
        self
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> ManifestErrorKind {
        self.kind
    }

    /// The field that is not valid, as a path such as `permissions[2]`.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ManifestError");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(field) = &self.field {
            d.field("field", field);
        }
        if let Some(source) = &self.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for ManifestError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_ref()
            .map(|source| &**source as &(dyn StdError + 'static))
    }
}

impl From<ManifestError> for lift_sdk_core::Error {
    /// An error of kind [`InvalidInput`](lift_sdk_core::ErrorKind::InvalidInput) whose
    /// [`source()`](StdError::source) is the `ManifestError` itself, so
    /// [`field()`](ManifestError::field) stays reachable by downcasting: the manifest was
    /// refused before anything was sent.
    fn from(err: ManifestError) -> Self {
        let message = match err.field() {
            Some(field) => format!("manifest refused at `{field}`"),
            None => "manifest refused".to_owned(),
        };
        Self::invalid_input(message).with_source(err)
    }
}
