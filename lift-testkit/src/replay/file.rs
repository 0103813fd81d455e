//! Reading capture files: the format of `fixtures/liftos-captures/*.json`, checked so that
//! a loaded capture can always be served.

use std::fmt;
use std::path::{Path, PathBuf};

use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::capture::{Capture, RecordedRequest, RecordedResponse};
use super::error::ReplayError;

impl Capture {
    /// Loads one capture file.
    ///
    /// # Errors
    ///
    /// [`ReplayError::Io`] if it cannot be read, [`ReplayError::Json`] if it is not in the
    /// capture format, [`ReplayError::Invalid`] if a method, status or header could not go
    /// over the wire; each names the file and the JSON path of the bad value.
    pub fn load(file: impl AsRef<Path>) -> Result<Self, ReplayError> {
        let file = file.as_ref();
        let text = std::fs::read(file).map_err(|source| ReplayError::Io {
            path: file.to_owned(),
            source,
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&text);
        let raw: RawCapture =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
                ReplayError::Json {
                    path: file.to_owned(),
                    json_path: err.path().to_string(),
                    source: err.into_inner(),
                }
            })?;
        raw.check(file)
    }

    /// Loads a capture file, or every capture of a folder in file-name order.
    ///
    /// In a folder, only its own `*.json` files count (not sub-folders), and files whose
    /// name starts with `_` (indexes such as `_index.json`) are skipped.
    ///
    /// # Errors
    ///
    /// As [`Capture::load`], for the folder or the first file that fails.
    pub fn load_all(path: impl AsRef<Path>) -> Result<Vec<Self>, ReplayError> {
        let path = path.as_ref();
        if path.is_dir() {
            capture_files(path)?.iter().map(Self::load).collect()
        } else {
            Ok(vec![Self::load(path)?])
        }
    }

    /// Loads the capture of folder `dir` whose file name is `name` (`.json` optional) or
    /// starts with `name-`: `"07"` finds `07-registry-health.json`.
    ///
    /// # Errors
    ///
    /// [`ReplayError::NotFound`] if no file matches, else as [`Capture::load`].
    pub fn find(dir: impl AsRef<Path>, name: &str) -> Result<Self, ReplayError> {
        let dir = dir.as_ref();
        let stem = name.strip_suffix(".json").unwrap_or(name);
        let prefix = format!("{stem}-");
        let file = capture_files(dir)?.into_iter().find(|file| {
            file.file_stem()
                .and_then(|file_stem| file_stem.to_str())
                .is_some_and(|file_stem| file_stem == stem || file_stem.starts_with(&prefix))
        });
        match file {
            Some(file) => Self::load(file),
            None => Err(ReplayError::NotFound {
                dir: dir.to_owned(),
                name: name.to_owned(),
            }),
        }
    }
}

/// The `*.json` files of a folder, without `_`-prefixed ones, sorted by name.
fn capture_files(dir: &Path) -> Result<Vec<PathBuf>, ReplayError> {
    let io = |source| ReplayError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_capture = path.extension().is_some_and(|ext| ext == "json")
            && path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| !name.starts_with('_'))
            && path.is_file();
        if is_capture {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

// The file format, as parsed; `RawCapture::check` turns it into a `Capture`.
#[derive(Deserialize)]
struct RawCapture {
    id: String,
    #[serde(default)]
    target: Option<RawTarget>,
    request: RawRequest,
    response: RawResponse,
}

#[derive(Deserialize)]
struct RawTarget {
    service: String,
}

#[derive(Deserialize)]
struct RawRequest {
    method: String,
    path: String,
    #[serde(default, deserialize_with = "ordered_map")]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    body_raw: Option<String>,
}

#[derive(Deserialize)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: Option<Value>,
    body_raw: String,
}

impl RawCapture {
    fn check(self, file: &Path) -> Result<Capture, ReplayError> {
        let invalid = |json_path: String, reason: String| ReplayError::Invalid {
            path: file.to_owned(),
            json_path,
            reason,
        };
        let method = Method::from_bytes(self.request.method.as_bytes())
            .map_err(|err| invalid("request.method".to_owned(), err.to_string()))?;
        if !self.request.path.starts_with('/') {
            return Err(invalid(
                "request.path".to_owned(),
                "a path must start with `/`".to_owned(),
            ));
        }
        let (path, query) = match self.request.path.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (self.request.path, None),
        };
        let status = StatusCode::from_u16(self.response.status)
            .map_err(|err| invalid("response.status".to_owned(), err.to_string()))?;
        let mut wire_headers = Vec::with_capacity(self.response.headers.len());
        for (index, (name, value)) in self.response.headers.iter().enumerate() {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|err| invalid(format!("response.headers[{index}][0]"), err.to_string()))?;
            let value = HeaderValue::from_str(value)
                .map_err(|err| invalid(format!("response.headers[{index}][1]"), err.to_string()))?;
            wire_headers.push((name, value));
        }
        Ok(Capture {
            name: self.id,
            service: self.target.map(|target| target.service),
            file: file.to_owned(),
            request: RecordedRequest {
                method,
                path,
                query,
                headers: self.request.headers,
                body: self.request.body,
                body_raw: self.request.body_raw,
            },
            response: RecordedResponse {
                status,
                headers: self.response.headers,
                wire_headers,
                body: self.response.body,
                body_raw: self.response.body_raw,
            },
        })
    }
}

/// A JSON object of strings, in document order (a map type would sort or lose it).
fn ordered_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, String)>, D::Error> {
    struct Pairs;

    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of header names to string values")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::new();
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }

    deserializer.deserialize_map(Pairs)
}
