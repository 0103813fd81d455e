//! Finding modules by name: ids change at every registration, names do not.

use lift_sdk_core::Error;

use super::RegistryClient;
use crate::page::ListModules;
use crate::record::ModuleRecord;

impl RegistryClient {
    /// Finds the most recently registered module called exactly `name`.
    ///
    /// This is how a client finds a module again: ids change at every registration and the
    /// registry accepts duplicate names, so the newest record (by `created_at`) wins.
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank name; any error of
    /// [`list_all`](Self::list_all).
    pub async fn find_by_name(&self, name: &str) -> Result<Option<ModuleRecord>, Error> {
        Ok(self.find_all_by_name(name).await?.into_iter().next())
    }

    /// Every module called exactly `name`, newest first (by `created_at`).
    ///
    /// # Errors
    ///
    /// An error of kind `InvalidInput` for a blank name; any error of
    /// [`list_all`](Self::list_all).
    pub async fn find_all_by_name(&self, name: &str) -> Result<Vec<ModuleRecord>, Error> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("module name must not be blank"));
        }
        let mut found: Vec<ModuleRecord> = self
            .list_all(ListModules::new())
            .await?
            .into_iter()
            .filter(|module| module.name == name)
            .collect();
        // Newest first; records without a timestamp go last, in listing order.
        found.sort_by_key(|module| std::cmp::Reverse(module.created_at));
        Ok(found)
    }
}
