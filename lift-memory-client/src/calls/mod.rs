//! The memory routes, and how their answers are decoded.

mod marketing;
mod memories;
mod service;
mod workflows;

use lift_sdk_core::{Error, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::metadata::{ResponseMetadata, WithMetadata};

/// Sends `request` and returns the envelope's `data` as a `T`.
pub(crate) async fn send_data<T: DeserializeOwned>(
    request: RequestBuilder,
    route: &str,
) -> Result<T, Error> {
    let response = request.send().await?;
    let envelope = response.envelope::<T>()?;
    match envelope.data {
        Some(data) => Ok(data),
        None => empty_data(&response, route),
    }
}

/// As [`send_data`], keeping the envelope's `metadata` in the answer.
pub(crate) async fn send_data_with_metadata<T>(
    request: RequestBuilder,
    route: &str,
) -> Result<T, Error>
where
    T: DeserializeOwned + WithMetadata,
{
    let response = request.send().await?;
    let envelope = response.envelope::<T>()?;
    let mut data = match envelope.data {
        Some(data) => data,
        None => empty_data(&response, route)?,
    };
    data.set_metadata(ResponseMetadata::from_envelope(envelope.metadata));
    Ok(data)
}

/// A `null` or missing `data` reads as `{}`: every field of the answer takes its default,
/// except the ids a caller relies on (a store's `memory_id`, a new space's `space_id`),
/// whose absence is a decode error.
fn empty_data<T: DeserializeOwned>(response: &Response, route: &str) -> Result<T, Error> {
    serde_json::from_value(Value::Object(Map::new())).map_err(|err| {
        Error::decode(format!(
            "{route} ({}) answered without data (request id {})",
            response.status(),
            response.request_id()
        ))
        .with_source(err)
    })
}
