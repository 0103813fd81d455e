//! Registration with the registry (and the observability service) for the whole life of the module.

// `serve` wires these in and `runtime` re-exports the public ones; until then they are
// unused and unreachable.
#![allow(unused_imports, unreachable_pub)]

mod backoff;
mod credentials;
mod observability;
mod registrar;
mod settings;

#[cfg(test)]
mod tests;

pub(crate) use credentials::{CredentialSource, registry_client, registry_client_with};
pub(crate) use observability::{ObservabilityRegistration, register_with_observability};
pub(crate) use registrar::Registrar;
pub use settings::RegistrationSettings;
