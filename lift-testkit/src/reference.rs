//! What the reference gateway does that both its mock and the fake platform reproduce.

/// The services the gateway's `GET /` lists and `/health/detailed` reports, in the
/// reference's order (contract §4.4).
pub(crate) const GATEWAY_SERVICES: [&str; 12] = [
    "auth",
    "billing",
    "memory",
    "observability",
    "registry",
    "intelligence",
    "feedback",
    "business-metrics",
    "user-analytics",
    "impact-monitoring",
    "strategic-intelligence",
    "business-intelligence",
];

/// The query as the gateway forwards it, `dict(request.query_params)`: each key once, at
/// its first place, with its last value (contract §4.1, §10 D19).
pub(crate) fn collapse_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match pairs.iter_mut().find(|(seen, _)| *seen == key) {
            Some(pair) => pair.1 = value.into_owned(),
            None => pairs.push((key.into_owned(), value.into_owned())),
        }
    }
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_collapse_to_their_last_value_at_their_first_place() {
        assert_eq!(collapse_query("a=1&b=2&a=3"), "a=3&b=2");
        assert_eq!(collapse_query(""), "");
        assert_eq!(collapse_query("q=a%20b"), "q=a+b");
    }
}
