//! Reading `Authorization: Bearer <token>` as the gateway does.

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::error::{AuthErrorKind, Error};

/// The token of an `Authorization` header value, parsed as the gateway does (contract
/// §3.2): split on whitespace, exactly two parts, scheme `Bearer` in any case.
///
/// ```
/// use lift_auth::{AuthErrorKind, parse_bearer};
///
/// assert_eq!(parse_bearer("Bearer abc.def.ghi").unwrap(), "abc.def.ghi");
/// assert_eq!(parse_bearer("bearer abc").unwrap(), "abc");
/// assert_eq!(parse_bearer("Basic abc").unwrap_err().kind(), AuthErrorKind::InvalidScheme);
/// assert_eq!(parse_bearer("Bearer a b").unwrap_err().kind(), AuthErrorKind::InvalidHeader);
/// ```
///
/// # Errors
///
/// [`MissingToken`](AuthErrorKind::MissingToken) for an empty value,
/// [`InvalidScheme`](AuthErrorKind::InvalidScheme) when the scheme is not `Bearer`,
/// [`InvalidHeader`](AuthErrorKind::InvalidHeader) when a `Bearer` value does not have
/// exactly two parts.
pub fn parse_bearer(value: &str) -> Result<&str, Error> {
    let mut parts = value.split_whitespace();
    let (Some(scheme), token, rest) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::new(AuthErrorKind::MissingToken));
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Error::with_detail(
            AuthErrorKind::InvalidScheme,
            "expected the bearer scheme",
        ));
    }
    match (token, rest) {
        (Some(token), None) => Ok(token),
        _ => Err(Error::with_detail(
            AuthErrorKind::InvalidHeader,
            "authorization: expected `bearer <token>`",
        )),
    }
}

/// The bearer token of a request's `Authorization` header.
///
/// # Errors
///
/// [`MissingToken`](AuthErrorKind::MissingToken) when there is no `Authorization` header,
/// [`InvalidScheme`](AuthErrorKind::InvalidScheme) when it is of another scheme, and
/// [`InvalidHeader`](AuthErrorKind::InvalidHeader) when it is not valid text or not
/// `Bearer <token>`.
pub fn bearer_from_headers(headers: &HeaderMap) -> Result<&str, Error> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or_else(|| Error::new(AuthErrorKind::MissingToken))?;
    let value = value.to_str().map_err(|_| {
        Error::with_detail(AuthErrorKind::InvalidHeader, "authorization is not text")
    })?;
    parse_bearer(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_parsing_rules() {
        assert_eq!(parse_bearer("BEARER  tok ").unwrap(), "tok");
        assert_eq!(parse_bearer("\tBearer\ttok").unwrap(), "tok");
        assert_eq!(
            parse_bearer("").unwrap_err().kind(),
            AuthErrorKind::MissingToken
        );
        assert_eq!(
            parse_bearer("   ").unwrap_err().kind(),
            AuthErrorKind::MissingToken
        );
        assert_eq!(
            parse_bearer("Bearer").unwrap_err().kind(),
            AuthErrorKind::InvalidHeader
        );
        assert_eq!(
            parse_bearer("Token tok").unwrap_err().kind(),
            AuthErrorKind::InvalidScheme
        );
        assert_eq!(
            parse_bearer("tok").unwrap_err().kind(),
            AuthErrorKind::InvalidScheme
        );
    }

    #[test]
    fn header_absent_or_binary() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            bearer_from_headers(&headers).unwrap_err().kind(),
            AuthErrorKind::MissingToken
        );
        headers.insert(
            AUTHORIZATION,
            http::HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
        );
        assert_eq!(
            bearer_from_headers(&headers).unwrap_err().kind(),
            AuthErrorKind::InvalidHeader
        );
    }
}
