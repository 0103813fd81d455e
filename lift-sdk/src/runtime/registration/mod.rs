//! Registration with the registry (and the observability service) for the whole life of the module.

mod backoff;
mod credentials;
mod observability;
mod registrar;
mod settings;

#[cfg(test)]
mod tests;

pub(crate) use credentials::registry_client;
#[cfg(test)]
pub(crate) use credentials::{CredentialSource, registry_client_with};
#[cfg(test)]
pub(crate) use observability::ObservabilityRegistration;
pub(crate) use observability::register_with_observability;
pub(crate) use registrar::Registrar;
pub use settings::RegistrationSettings;
