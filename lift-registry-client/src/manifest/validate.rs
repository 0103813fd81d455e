//! The field checks shared by manifests and updates.

use super::error::ManifestError;
use serde_json::{Map, Value};

use super::parts::{MEMORY_REQUIREMENTS_KEYS, MemoryRequirements, UI_COMPONENT_KEYS, UiComponent};

/// `name` must not be blank.
pub(crate) fn check_name(name: &str) -> Result<(), ManifestError> {
    if name.trim().is_empty() {
        return Err(ManifestError::invalid(
            "name",
            "is required and must not be blank",
        ));
    }
    Ok(())
}

/// `version` must be a semantic version such as `1.2.3` or `1.0.0-beta.1`.
pub(crate) fn check_version(version: &str) -> Result<(), ManifestError> {
    if version.trim().is_empty() {
        return Err(ManifestError::invalid(
            "version",
            "is required and must not be blank",
        ));
    }
    semver::Version::parse(version).map(drop).map_err(|err| {
        ManifestError::invalid(
            "version",
            format_args!("`{version}` is not a semver version"),
        )
        .with_source(err)
    })
}

/// `base_url` must be an absolute http(s) URL with a host, no query and no fragment.
/// Returns it without surrounding blanks and without trailing `/` (the registry adds one
/// and the reference gateway then builds `//` paths, contract §10 B8).
pub(crate) fn normalize_base_url(base_url: &str) -> Result<String, ManifestError> {
    let trimmed = base_url.trim();
    let url = url::Url::parse(trimmed).map_err(|err| {
        ManifestError::invalid(
            "base_url",
            format_args!("`{base_url}` is not an absolute url"),
        )
        .with_source(err)
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ManifestError::invalid(
            "base_url",
            format_args!("`{base_url}` must use http or https"),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ManifestError::invalid(
            "base_url",
            format_args!("`{base_url}` has no host"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ManifestError::invalid(
            "base_url",
            format_args!("`{base_url}` must not have a query or a fragment"),
        ));
    }
    Ok(trimmed.trim_end_matches('/').to_owned())
}

/// `health_endpoint` and `api_prefix` are absolute paths: they start with `/`.
pub(crate) fn check_path(field: &str, path: &str) -> Result<(), ManifestError> {
    if !path.starts_with('/') {
        return Err(ManifestError::invalid(
            field,
            format_args!("`{path}` must start with `/`"),
        ));
    }
    if path.chars().any(char::is_whitespace) || path.contains(['?', '#']) {
        return Err(ManifestError::invalid(
            field,
            format_args!("`{path}` must be a plain path (no blanks, query or fragment)"),
        ));
    }
    Ok(())
}

/// Whether `permission` has the form `resource:action` or `resource:sub:action`, each part
/// made of lower-case letters, digits and `_` (contract §3.2).
pub(crate) fn is_valid_permission(permission: &str) -> bool {
    let parts = permission.split(':');
    let count = parts.clone().count();
    (2..=3).contains(&count)
        && parts.into_iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Every permission is well formed.
pub(crate) fn check_permissions(field: &str, permissions: &[String]) -> Result<(), ManifestError> {
    for (i, permission) in permissions.iter().enumerate() {
        if !is_valid_permission(permission) {
            return Err(ManifestError::invalid(
                format!("{field}[{i}]"),
                format_args!(
                    "`{permission}` is not a permission of the form `resource:action` or \
                     `resource:sub:action` (lower case letters, digits and `_`)"
                ),
            ));
        }
    }
    Ok(())
}

/// No typed key of a part sits in its `extra`: decoding keeps a key sent with another type
/// there (`"read_access": "yes"`), which a manifest must not register with.
pub(crate) fn check_mistyped(
    field: &str,
    extra: &Map<String, Value>,
    keys: &[&str],
) -> Result<(), ManifestError> {
    match keys.iter().find(|key| extra.contains_key(**key)) {
        Some(key) => Err(ManifestError::invalid(
            format!("{field}.{key}"),
            format_args!("has the wrong type (`{}`)", extra[*key]),
        )),
        None => Ok(()),
    }
}

/// Every search type is one the memory service knows, and no field has the wrong type.
pub(crate) fn check_memory_requirements(
    field: &str,
    requirements: &MemoryRequirements,
) -> Result<(), ManifestError> {
    check_mistyped(field, &requirements.extra, MEMORY_REQUIREMENTS_KEYS)?;
    for (i, search_type) in requirements.search_types.iter().enumerate() {
        if !search_type.is_known() {
            return Err(ManifestError::invalid(
                format!("{field}.search_types[{i}]"),
                format_args!(
                    "`{search_type}` is not a search type (expected hybrid, neural, conceptual \
                     or knowledge)"
                ),
            ));
        }
    }
    Ok(())
}

/// Every UI component has a name, an absolute path and valid permissions.
pub(crate) fn check_ui_components(
    field: &str,
    components: &[UiComponent],
) -> Result<(), ManifestError> {
    for (i, component) in components.iter().enumerate() {
        check_mistyped(
            &format!("{field}[{i}]"),
            &component.extra,
            UI_COMPONENT_KEYS,
        )?;
        if component.name.trim().is_empty() {
            return Err(ManifestError::invalid(
                format!("{field}[{i}].name"),
                "is required and must not be blank",
            ));
        }
        check_path(&format!("{field}[{i}].path"), &component.path)?;
        check_permissions(&format!("{field}[{i}].permissions"), &component.permissions)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_syntax() {
        for good in [
            "memory:read",
            "causal:experiments:run",
            "llm:integrate",
            "a1:b_2",
        ] {
            assert!(is_valid_permission(good), "{good}");
        }
        for bad in [
            "",
            "read",
            "memory:",
            ":read",
            "Memory:read",
            "memory:*",
            "a:b:c:d",
            "memory read",
            "memory:re-ad",
            "memory::read",
        ] {
            assert!(!is_valid_permission(bad), "{bad}");
        }
    }

    #[test]
    fn base_url_is_normalised() {
        assert_eq!(
            normalize_base_url(" http://h:9100/ ").unwrap(),
            "http://h:9100"
        );
        assert_eq!(
            normalize_base_url("https://h/base//").unwrap(),
            "https://h/base"
        );
        for bad in [
            "localhost:9100",
            "ftp://h",
            "http://",
            "/relative",
            "http://h/?q=1",
        ] {
            let err = normalize_base_url(bad).unwrap_err();
            assert_eq!(err.field(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn versions() {
        assert!(check_version("1.0.0").is_ok());
        assert!(check_version("2.1.0-beta.1+build.5").is_ok());
        for bad in ["", "1", "1.0", "v1.0.0", "latest"] {
            assert_eq!(
                check_version(bad).unwrap_err().field(),
                Some("version"),
                "{bad}"
            );
        }
    }

    #[test]
    fn paths() {
        assert!(check_path("health_endpoint", "/health").is_ok());
        for bad in ["health", "", "/he alth", "/h?x=1"] {
            assert!(check_path("health_endpoint", bad).is_err(), "{bad}");
        }
    }
}
