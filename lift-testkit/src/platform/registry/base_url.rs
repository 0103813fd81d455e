//! How the registry stores a module's `base_url`: normalised as Pydantic's `HttpUrl`
//! normalises it (contract §6.1), with the trailing `/` of an empty path only under the
//! quirk (contract §10 B8).

use serde_json::{Value, json};
use url::Url;

use super::answer::item;

/// `raw` normalised (scheme and host lower-cased, default port dropped, an empty path
/// written `/`), then, unless `trailing_slash`, without the `/` of an empty path; or the
/// 422 item Pydantic gives for it (`url_parsing`, `url_scheme`).
pub(crate) fn normalise(raw: &str, trailing_slash: bool) -> Result<String, Value> {
    let loc = [json!("body"), json!("base_url")];
    let url = Url::parse(raw).map_err(|err| {
        item(
            "url_parsing",
            &loc,
            &format!("Input should be a valid URL, {err}"),
            json!(raw),
            Some(json!({ "error": err.to_string() })),
            true,
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(item(
            "url_scheme",
            &loc,
            "URL scheme should be 'http' or 'https'",
            json!(raw),
            Some(json!({ "expected_schemes": "'http' or 'https'" })),
            true,
        ));
    }
    let normalised = url.as_str();
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    Ok(if bare && !trailing_slash {
        normalised.trim_end_matches('/').to_owned()
    } else {
        normalised.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_path_gets_its_slash_only_under_the_quirk() {
        assert_eq!(
            normalise("HTTP://Example.COM:80", true).unwrap(),
            "http://example.com/"
        );
        assert_eq!(
            normalise("http://example.com:80", false).unwrap(),
            "http://example.com"
        );
        assert_eq!(
            normalise("http://127.0.0.1:9/base", true).unwrap(),
            "http://127.0.0.1:9/base"
        );
        assert_eq!(
            normalise("http://h:9/base/", false).unwrap(),
            "http://h:9/base/"
        );
    }

    #[test]
    fn a_url_without_an_http_scheme_is_refused_as_pydantic_refuses_it() {
        let problem = normalise("localhost:9100", false).unwrap_err();
        assert_eq!(problem["type"], "url_scheme");
        assert_eq!(problem["loc"], json!(["body", "base_url"]));
        assert_eq!(
            normalise("not a url", false).unwrap_err()["type"],
            "url_parsing"
        );
    }
}
