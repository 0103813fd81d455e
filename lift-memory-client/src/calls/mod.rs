//! The memory routes, and how their answers are decoded.

mod marketing;
mod memories;
mod service;
mod workflows;

use lift_sdk_core::{Error, RequestBuilder};
use serde::de::DeserializeOwned;

use crate::model::metadata::{ResponseMetadata, WithMetadata};

/// Sends `request` and returns the envelope's `data`, keeping the envelope's `metadata` in
/// the answer. A `null` or missing `data` follows the core's one rule
/// ([`Response::data`](lift_sdk_core::Response::data)).
pub(crate) async fn send_data_with_metadata<T>(request: RequestBuilder) -> Result<T, Error>
where
    T: DeserializeOwned + WithMetadata,
{
    let response = request.send().await?;
    let envelope = response.envelope::<T>()?;
    let mut data = match envelope.data {
        Some(data) => data,
        None => response.data()?,
    };
    data.set_metadata(ResponseMetadata::from_envelope(envelope.metadata));
    Ok(data)
}
