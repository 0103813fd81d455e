//! Joining a request path onto a service's base URL.

use url::Url;

use crate::Error;

mod sealed {
    pub trait Sealed {}
}

/// A request path a [`Transport`](crate::Transport) can join onto its base URL.
///
/// Two forms exist, and the joined URL never contains `//` and never gains a trailing slash:
///
/// - a **literal** `&str` such as `"/search"` or `"/context/initialize?domain=general"`:
///   split on `/`, empty pieces dropped, an explicit query kept. Use it for fixed paths.
/// - **segments** (`[&str; N]`, `&[&str]`, `Vec<String>`): each element is exactly one path
///   segment and is percent-encoded, so an id containing `/`, spaces or any Unicode stays one
///   segment. Use it whenever a part comes from data. An empty segment is refused.
///
/// ```
/// use lift_sdk_core::Transport;
///
/// # fn run() -> Result<(), lift_sdk_core::Error> {
/// let transport = Transport::new("http://localhost:8000/registry/")?;
/// let url = transport.url(["modules", "a/b c", "health"])?;
/// assert_eq!(url.as_str(), "http://localhost:8000/registry/modules/a%2Fb%20c/health");
/// let url = transport.url("//modules?page=2")?;
/// assert_eq!(url.as_str(), "http://localhost:8000/registry/modules?page=2");
/// # Ok(()) }
/// # run().unwrap();
/// ```
pub trait PathSpec: sealed::Sealed {
    #[doc(hidden)]
    fn join_onto(self, base: &Url) -> Result<Url, Error>;
}

impl sealed::Sealed for &str {}
impl PathSpec for &str {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        let (path, query) = match self.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (self, None),
        };
        let mut url = base.clone();
        push_segments(&mut url, path.split('/').filter(|piece| !piece.is_empty()))?;
        if let Some(query) = query.filter(|query| !query.is_empty()) {
            append_query(&mut url, query);
        }
        Ok(url)
    }
}

impl<const N: usize> sealed::Sealed for [&str; N] {}
impl<const N: usize> PathSpec for [&str; N] {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        self.as_slice().join_onto(base)
    }
}

impl sealed::Sealed for &[&str] {}
impl PathSpec for &[&str] {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        join_segments(base, self.iter().copied())
    }
}

impl sealed::Sealed for &[String] {}
impl PathSpec for &[String] {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        join_segments(base, self.iter().map(String::as_str))
    }
}

impl sealed::Sealed for Vec<String> {}
impl PathSpec for Vec<String> {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        self.as_slice().join_onto(base)
    }
}

fn join_segments<'a>(
    base: &Url,
    segments: impl Iterator<Item = &'a str> + Clone,
) -> Result<Url, Error> {
    if segments.clone().any(str::is_empty) {
        return Err(Error::invalid_input(
            "a path segment is empty (an empty id would produce `//`)",
        ));
    }
    let mut url = base.clone();
    push_segments(&mut url, segments)?;
    Ok(url)
}

fn push_segments<'a>(url: &mut Url, segments: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut path = url
        .path_segments_mut()
        .map_err(|()| Error::builder("the base url cannot have a path"))?;
    // A base URL ends with `/` or an empty last segment: drop it so the join adds none.
    path.pop_if_empty();
    path.extend(segments);
    Ok(())
}

fn append_query(url: &mut Url, query: &str) {
    let joined = match url.query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
        _ => query.to_owned(),
    };
    url.set_query(Some(&joined));
}

/// Checks and normalises a service base URL: http(s) only, no fragment.
pub(crate) fn parse_base_url(input: &str) -> Result<Url, Error> {
    let url = Url::parse(input.trim()).map_err(|err| {
        Error::builder(format!("base url `{input}` is not a valid url")).with_source(err)
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::builder(format!(
            "base url `{input}` must use http or https"
        )));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::builder(format!("base url `{input}` has no host")));
    }
    let mut url = url;
    url.set_fragment(None);
    // Collapse `//` and drop a trailing `/` once, here, so every join is a plain push.
    let segments: Vec<String> = url
        .path_segments()
        .map(|segments| {
            segments
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    url.set_path("");
    push_segments(&mut url, segments.iter().map(String::as_str))?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Url {
        parse_base_url(s).unwrap()
    }

    #[test]
    fn join_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("http://h:1", "/search", "http://h:1/search"),
            ("http://h:1/", "/search", "http://h:1/search"),
            ("http://h:1/memory", "/search", "http://h:1/memory/search"),
            ("http://h:1/memory/", "/search", "http://h:1/memory/search"),
            (
                "http://h:1/memory//",
                "//search//",
                "http://h:1/memory/search",
            ),
            ("http://h:1/memory", "search", "http://h:1/memory/search"),
            (
                "http://h:1",
                "/modules?page=2&size=1",
                "http://h:1/modules?page=2&size=1",
            ),
            (
                "http://h:1/?k=v",
                "/modules?page=2",
                "http://h:1/modules?k=v&page=2",
            ),
            ("http://h:1/memory", "", "http://h:1/memory"),
            ("http://h:1/memory/", "/", "http://h:1/memory"),
        ];
        for (b, path, want) in cases {
            assert_eq!(
                path.join_onto(&base(b)).unwrap().as_str(),
                *want,
                "{b} + {path}"
            );
        }
    }

    #[test]
    fn segments_are_encoded() {
        let url = ["modules", "a/b", "ünï côde", "x?y#z"]
            .join_onto(&base("http://h:1/registry/"))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://h:1/registry/modules/a%2Fb/%C3%BCn%C3%AF%20c%C3%B4de/x%3Fy%23z"
        );
    }

    #[test]
    fn empty_segment_is_refused() {
        let err = ["modules", ""].join_onto(&base("http://h:1")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for bad in ["", "localhost:8000", "ftp://h", "mailto:a@b", "http://"] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }
}
