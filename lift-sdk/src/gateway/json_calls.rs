//! The JSON helpers every raw gateway handle offers, written once over its `request`.

/// Generates `get_json`, `post_json`, `put_json`, `patch_json` and `delete_json` on a handle
/// that has `fn request(&self, Method, &str) -> RequestBuilder`; `$errors` documents what
/// `get_json` (and so each of them) can fail with.
macro_rules! json_calls {
    ($errors:literal) => {
        /// `GET path`, decoded from bare JSON.
        ///
        /// # Errors
        ///
        #[doc = $errors]
        pub async fn get_json<T: serde::de::DeserializeOwned>(
            &self,
            path: &str,
        ) -> Result<T, lift_sdk_core::Error> {
            self.request(http::Method::GET, path).send_json().await
        }

        /// `POST path` with a JSON body (not retried once it may have been received).
        ///
        /// # Errors
        ///
        /// As [`get_json`](Self::get_json).
        pub async fn post_json<B, T>(&self, path: &str, body: &B) -> Result<T, lift_sdk_core::Error>
        where
            B: serde::Serialize + ?Sized,
            T: serde::de::DeserializeOwned,
        {
            self.request(http::Method::POST, path)
                .json(body)
                .send_json()
                .await
        }

        /// `PUT path` with a JSON body.
        ///
        /// # Errors
        ///
        /// As [`get_json`](Self::get_json).
        pub async fn put_json<B, T>(&self, path: &str, body: &B) -> Result<T, lift_sdk_core::Error>
        where
            B: serde::Serialize + ?Sized,
            T: serde::de::DeserializeOwned,
        {
            self.request(http::Method::PUT, path)
                .json(body)
                .send_json()
                .await
        }

        /// `PATCH path` with a JSON body.
        ///
        /// # Errors
        ///
        /// As [`get_json`](Self::get_json).
        pub async fn patch_json<B, T>(
            &self,
            path: &str,
            body: &B,
        ) -> Result<T, lift_sdk_core::Error>
        where
            B: serde::Serialize + ?Sized,
            T: serde::de::DeserializeOwned,
        {
            self.request(http::Method::PATCH, path)
                .json(body)
                .send_json()
                .await
        }

        /// `DELETE path`, decoded from bare JSON.
        ///
        /// # Errors
        ///
        /// As [`get_json`](Self::get_json).
        pub async fn delete_json<T: serde::de::DeserializeOwned>(
            &self,
            path: &str,
        ) -> Result<T, lift_sdk_core::Error> {
            self.request(http::Method::DELETE, path).send_json().await
        }
    };
}

pub(super) use json_calls;
