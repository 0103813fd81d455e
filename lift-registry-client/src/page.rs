//! One page of a paginated listing, and the parameters that ask for it.

use lift_sdk_core::decode::null_as_default;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::status::ModuleStatus;

/// The largest page size the registry accepts.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One page of results (`PaginatedResponse`, contract §2.3).
///
/// One bad item never fails a page: an item that does not decode (a module record without a
/// usable `id`, say) is kept, as sent, in [`skipped`](Self::skipped), and the other items
/// are read. Every other field reads `null` or another type as its default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items exist across all pages.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// The page size asked for.
    pub size: u32,
    /// How many pages exist (`ceil(total / size)`).
    pub pages: u32,
    /// Whether a later page exists.
    pub has_next: bool,
    /// Whether an earlier page exists.
    pub has_prev: bool,
    /// The items that could not be decoded as a `T`, as sent.
    pub skipped: Vec<Value>,
}

/// The page as sent, items still raw.
#[derive(Deserialize)]
#[serde(remote = "Self")]
struct RawPage {
    #[serde(default, deserialize_with = "null_as_default")]
    items: Vec<Value>,
    #[serde(default)]
    total: u64,
    #[serde(default)]
    page: u32,
    #[serde(default)]
    size: u32,
    #[serde(default)]
    pages: u32,
    #[serde(default)]
    has_next: bool,
    #[serde(default)]
    has_prev: bool,
    /// Not kept: a page's own fields are counts the client recomputes from.
    #[serde(skip)]
    mistyped: Map<String, Value>,
}

lift_sdk_core::tolerant_deserialize!(RawPage, mistyped);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <RawPage as Deserialize>::deserialize(deserializer)?;
        let mut items = Vec::with_capacity(raw.items.len());
        let mut skipped = Vec::new();
        for item in raw.items {
            match T::deserialize(&item) {
                Ok(decoded) => items.push(decoded),
                Err(_) => skipped.push(item),
            }
        }
        Ok(Self {
            items,
            total: raw.total,
            page: raw.page,
            size: raw.size,
            pages: raw.pages,
            has_next: raw.has_next,
            has_prev: raw.has_prev,
            skipped,
        })
    }
}

impl<T> Page<T> {
    /// The number of the next page, if there is one.
    #[must_use]
    pub fn next_page(&self) -> Option<u32> {
        self.has_next.then(|| self.page.saturating_add(1))
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The order of a sorted listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Ascending (the registry's default).
    Asc,
    /// Descending.
    Desc,
}

/// Which modules [`list`](crate::RegistryClient::list) asks for: page, size, sort and a
/// status filter. Every parameter is optional; the registry's defaults are page 1, size 10,
/// ascending.
///
/// ```
/// use lift_registry_client::{ListModules, ModuleStatus, SortOrder};
///
/// let params = ListModules::new()
///     .page(2)
///     .size(50)
///     .sort_by("name")
///     .sort_order(SortOrder::Desc)
///     .status(ModuleStatus::Active);
/// # drop(params);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[must_use]
pub struct ListModules {
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_order: Option<SortOrder>,
    #[serde(rename = "status_filter", skip_serializing_if = "Option::is_none")]
    status: Option<ModuleStatus>,
}

impl From<&Self> for ListModules {
    fn from(params: &Self) -> Self {
        params.clone()
    }
}

impl ListModules {
    /// No parameters: the registry's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page number, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// The page size, 1 to [`MAX_PAGE_SIZE`].
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// The field to sort by, e.g. `name` or `created_at`.
    pub fn sort_by(mut self, field: impl Into<String>) -> Self {
        self.sort_by = Some(field.into());
        self
    }

    /// The sort order.
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.sort_order = Some(order);
        self
    }

    /// Only modules with this lifecycle status (`status_filter` on the wire).
    pub fn status(mut self, status: ModuleStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The page asked for (1 when unset).
    #[must_use]
    pub fn page_number(&self) -> u32 {
        self.page.unwrap_or(1)
    }

    /// Whether a page size was set.
    pub(crate) fn has_size(&self) -> bool {
        self.size.is_some()
    }

    /// Checks the values the reference answers with a 500 rather than a 422 (contract §2.3).
    pub(crate) fn check(&self) -> Result<(), lift_sdk_core::Error> {
        if self.page == Some(0) {
            return Err(lift_sdk_core::Error::invalid_input(
                "page must be 1 or more, got 0",
            ));
        }
        if let Some(size) = self.size.filter(|size| !(1..=MAX_PAGE_SIZE).contains(size)) {
            return Err(lift_sdk_core::Error::invalid_input(format!(
                "size must be between 1 and {MAX_PAGE_SIZE}, got {size}"
            )));
        }
        if let Some(status) = self.status.as_ref().filter(|status| !status.is_known()) {
            return Err(lift_sdk_core::Error::invalid_input(format!(
                "status filter `{status}` is not one of active, inactive, maintenance, error"
            )));
        }
        if self.sort_by.as_deref().is_some_and(str::is_empty) {
            return Err(lift_sdk_core::Error::invalid_input(
                "sort_by must not be empty",
            ));
        }
        Ok(())
    }
}
