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
/// - **segments** (`[S; N]`, `&[S]`, `Vec<S>` for any `S: AsRef<str>`): each element is
///   exactly one path segment and is percent-encoded in full (`%` too), so an id holding `/`,
///   `%2F`, `?`, spaces or any Unicode stays one segment. **Use this form whenever a part
///   comes from data**: `transport.get(["modules", id.as_str(), "health"])`.
/// - a **literal** `&str` such as `"/search"` or `"/context/initialize?domain=general"`, for
///   fixed paths. It is sent as written, taken as already percent-encoded: split on `/`
///   (empty pieces dropped), a `%` kept as the start of an escape (`/m/a%2Fb` is sent as
///   `/m/a%2Fb`), `\` sent as `%5C`, characters a path cannot hold (space, `"`, `<`, …)
///   encoded, an explicit query kept. Never `format!` an id into it.
///
/// Both forms refuse, with an error of kind [`InvalidInput`](crate::ErrorKind::InvalidInput)
/// and before anything is sent, a segment that is `.` or `..` (also written `%2e`), which
/// would move the request up the service's path, and any control character (checked before
/// the URL parser silently drops tabs and newlines). The segment form also refuses an empty
/// segment, which would otherwise vanish.
///
/// ```
/// use lift_sdk_core::{ErrorKind, Transport};
///
/// # fn run() -> Result<(), lift_sdk_core::Error> {
/// let transport = Transport::new("http://localhost:8000/registry/")?;
/// let url = transport.url(["modules", "a/b c", "health"])?;
/// assert_eq!(url.as_str(), "http://localhost:8000/registry/modules/a%2Fb%20c/health");
/// let url = transport.url("//modules?page=2")?;
/// assert_eq!(url.as_str(), "http://localhost:8000/registry/modules?page=2");
/// let url = transport.url("/m/a%2Fb")?;
/// assert_eq!(url.as_str(), "http://localhost:8000/registry/m/a%2Fb");
/// let err = transport.url(["modules", ".."]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
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
        refuse_control(self)?;
        let (path, query) = match self.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (self, None),
        };
        let mut url = base.clone();
        let mut joined = base.path().trim_end_matches('/').to_owned();
        let mut pieces = 0;
        for piece in path.split('/').filter(|piece| !piece.is_empty()) {
            refuse_dots(piece, piece.replace("%2e", ".").replace("%2E", "."))?;
            joined.push('/');
            joined.push_str(&piece.replace('\\', "%5C"));
            pieces += 1;
        }
        if pieces > 0 {
            // `set_path` keeps existing escapes and encodes only what a path cannot hold.
            url.set_path(&joined);
        }
        if let Some(query) = query.filter(|query| !query.is_empty()) {
            append_query(&mut url, query);
        }
        Ok(url)
    }
}

impl<S: AsRef<str>, const N: usize> sealed::Sealed for [S; N] {}
impl<S: AsRef<str>, const N: usize> PathSpec for [S; N] {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        self.as_slice().join_onto(base)
    }
}

impl<S: AsRef<str>> sealed::Sealed for &[S] {}
impl<S: AsRef<str>> PathSpec for &[S] {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        for segment in self {
            check_segment(segment.as_ref())?;
        }
        let mut url = base.clone();
        push_segments(&mut url, self.iter().map(AsRef::as_ref))?;
        Ok(url)
    }
}

impl<S: AsRef<str>> sealed::Sealed for Vec<S> {}
impl<S: AsRef<str>> PathSpec for Vec<S> {
    fn join_onto(self, base: &Url) -> Result<Url, Error> {
        self.as_slice().join_onto(base)
    }
}

/// The rules every encoded segment follows (see [`PathSpec`]).
fn check_segment(segment: &str) -> Result<(), Error> {
    if segment.is_empty() {
        return Err(Error::invalid_input(
            "a path segment is empty (an empty id would produce `//`)",
        ));
    }
    refuse_control(segment)?;
    refuse_dots(segment, segment)
}

fn refuse_control(path: &str) -> Result<(), Error> {
    if path.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "a path holds a control character: {path:?}"
        )));
    }
    Ok(())
}

/// `decoded` is the segment as the URL parser will see it (`%2e` read as `.`).
fn refuse_dots(segment: &str, decoded: impl AsRef<str>) -> Result<(), Error> {
    if matches!(decoded.as_ref(), "." | "..") {
        return Err(Error::invalid_input(format!(
            "a path segment is `{segment}`, which would move the request up the path"
        )));
    }
    Ok(())
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

/// A checked service base URL, and the credentials that were in its userinfo.
pub(crate) struct BaseUrl {
    pub(crate) url: Url,
    /// `user:password` from the URL, percent-decoded; the URL itself no longer holds them.
    pub(crate) userinfo: Option<(String, Option<String>)>,
}

/// Checks and normalises a service base URL: http(s) only, no fragment, userinfo taken out.
pub(crate) fn parse_base_url(input: &str) -> Result<BaseUrl, Error> {
    let shown = redact_userinfo(input.trim());
    let mut url = Url::parse(input.trim()).map_err(|err| {
        Error::builder(format!("base url `{shown}` is not a valid url")).with_source(err)
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::builder(format!(
            "base url `{shown}` must use http or https"
        )));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::builder(format!("base url `{shown}` has no host")));
    }
    let userinfo = (!url.username().is_empty() || url.password().is_some()).then(|| {
        (
            percent_decode(url.username()),
            url.password().map(percent_decode),
        )
    });
    // A URL with a host always accepts these.
    let _ = url.set_username("");
    let _ = url.set_password(None);
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
    Ok(BaseUrl { url, userinfo })
}

/// `input` with any `user:password@` replaced by `[redacted]@`, for messages and `Debug`
/// output that show a URL as the user wrote it (valid or not).
///
/// ```
/// use lift_sdk_core::redact_userinfo;
///
/// assert_eq!(redact_userinfo("http://svc:pw@h:1/a@b"), "http://[redacted]@h:1/a@b");
/// assert_eq!(redact_userinfo("not a url"), "not a url");
/// ```
#[must_use]
pub fn redact_userinfo(input: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = input.find("://").map(|at| at + 3) else {
        return input.into();
    };
    let rest = &input[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!(
            "{}[redacted]{}",
            &input[..scheme_end],
            &input[scheme_end + at..]
        )
        .into(),
        None => input.into(),
    }
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Url {
        parse_base_url(s).unwrap().url
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
    fn escaping_segments_are_refused() {
        for bad in ["", ".", "..", "..\t", "a\nb", "\u{7f}", "x\r"] {
            let err = ["modules", bad].join_onto(&base("http://h:1")).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
        for bad in [
            "/modules/..",
            "/a/./b",
            "/a/%2e%2E/b",
            "/a/..\t/b",
            "/a?x=\n",
        ] {
            let err = bad.join_onto(&base("http://h:1")).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn literal_paths_are_sent_as_written() {
        let b = base("http://h:1/registry");
        let cases = [
            ("/m/a%2Fb", "http://h:1/registry/m/a%2Fb"),
            ("/m/a b", "http://h:1/registry/m/a%20b"),
            ("/m/a\\b", "http://h:1/registry/m/a%5Cb"),
            ("/m/...", "http://h:1/registry/m/..."),
        ];
        for (path, want) in cases {
            assert_eq!(path.join_onto(&b).unwrap().as_str(), want, "{path}");
        }
        let url = ["m", "a%2Fb", "a\\b"].join_onto(&b).unwrap();
        assert_eq!(url.as_str(), "http://h:1/registry/m/a%252Fb/a%5Cb");
    }

    #[test]
    fn userinfo_is_taken_out_and_redacted() {
        let parsed = parse_base_url("http://svc:p%40ss@h:1/x").unwrap();
        assert_eq!(parsed.url.as_str(), "http://h:1/x");
        assert_eq!(
            parsed.userinfo,
            Some(("svc".to_owned(), Some("p@ss".to_owned())))
        );
        assert_eq!(
            redact_userinfo("http://svc:pw@h:1/a@b"),
            "http://[redacted]@h:1/a@b"
        );
        let Err(err) = parse_base_url("ftp://svc:pw@h") else {
            panic!("ftp accepted")
        };
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for bad in ["", "localhost:8000", "ftp://h", "mailto:a@b", "http://"] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }
}
