//! Registration with the registry (and the observability service) for the whole life of the module.

mod backoff;
mod confirm;
mod credentials;
mod instance;
mod observability;
mod refusal;
mod registrar;
mod settings;

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use credentials::registry_client_with;
pub(crate) use credentials::{CredentialSource, registry_client, service_token_signer};
pub(crate) use instance::InstanceProbe;
#[cfg(test)]
pub(crate) use observability::ObservabilityRegistration;
pub(crate) use observability::register_with_observability;
pub(crate) use registrar::Registrar;
pub use settings::RegistrationSettings;
