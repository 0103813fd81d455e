//! Response types, one file per endpoint family. They decode with the shared rules of
//! [`lift_sdk_core::decode`]: `null` is a default, and a field sent with another type is
//! kept raw in the type's `mistyped` map.

pub(crate) mod context;
pub(crate) mod info;
pub(crate) mod insights;
pub(crate) mod marketing;
pub(crate) mod marketing_request;
pub(crate) mod metadata;
pub(crate) mod metrics;
pub(crate) mod search;
pub(crate) mod spaces;
pub(crate) mod store;
pub(crate) mod workflow;
