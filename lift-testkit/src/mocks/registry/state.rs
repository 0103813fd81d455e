//! What the registry mock holds: module records kept like the reference's in-process dict,
//! the names it has seen, and the timeline.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::timeline::{RegistryEvent, RegistryEventKind};
use crate::mocks::{naive_utc_now, uuid4};

/// Makes a field's default value.
type Default = fn() -> Value;

/// The fields of a registration request the reference keeps, with their defaults
/// (contract §6.1); every other key is dropped.
const FIELDS: [(&str, Default); 7] = [
    ("health_endpoint", || json!("/health")),
    ("api_prefix", || json!("/api/v1")),
    ("features", || json!([])),
    ("permissions", || json!([])),
    ("memory_requirements", || json!({})),
    ("ui_components", || json!([])),
    ("metadata", || json!({})),
];

/// The registry's memory.
#[derive(Debug, Default)]
pub(super) struct State {
    /// Module records in registration order, as the reference stores them (no `health`).
    pub(super) records: Vec<Value>,
    /// The cached probe result of each record, by id.
    pub(super) health: HashMap<String, Value>,
    /// Every name ever registered, across restarts.
    pub(super) names_seen: HashSet<String>,
    /// The name of every id ever issued, across restarts.
    pub(super) issued: HashMap<String, String>,
    /// What happened, in order.
    pub(super) timeline: Vec<RegistryEvent>,
    /// Whether every request is answered 503.
    pub(super) down: bool,
}

impl State {
    /// The position of record `id`.
    pub(super) fn find(&self, id: &str) -> Option<usize> {
        self.records.iter().position(|record| record["id"] == id)
    }

    /// Stores a new record from registration request `body` by `user_id`; returns it.
    pub(super) fn register(
        &mut self,
        body: &Map<String, Value>,
        user_id: &str,
        at: tokio::time::Instant,
    ) -> Value {
        let id = uuid4();
        let name = body.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut record = Map::new();
        record.insert("id".into(), Value::from(id.as_str()));
        record.insert("name".into(), Value::from(name));
        record.insert(
            "version".into(),
            body.get("version").cloned().unwrap_or_default(),
        );
        let base_url = body
            .get("base_url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        record.insert("base_url".into(), Value::from(normalised(base_url)));
        for (field, default) in FIELDS {
            let value = body.get(field).cloned().unwrap_or_else(default);
            record.insert(field.into(), value);
            if field == "api_prefix" {
                record.insert("status".into(), json!("active"));
            }
        }
        record.insert("created_at".into(), Value::from(naive_utc_now()));
        record.insert("updated_at".into(), Value::Null);
        record.insert("registered_by".into(), Value::from(user_id));
        let record = Value::Object(record);
        let kind = if self.names_seen.insert(name.to_owned()) {
            RegistryEventKind::Registered
        } else {
            RegistryEventKind::Reregistered
        };
        self.issued.insert(id.clone(), name.to_owned());
        self.health.insert(id.clone(), probe());
        self.records.push(record.clone());
        self.event(kind, &id, at);
        record
    }

    /// Applies update `body` to record `at`; returns the record before the fresh probe.
    pub(super) fn update(&mut self, position: usize, body: &Map<String, Value>) -> Value {
        let record = &mut self.records[position];
        let keys = ["name", "version", "base_url", "status"]
            .into_iter()
            .chain(FIELDS.iter().map(|(field, _)| *field));
        for key in keys {
            if let Some(value) = body.get(key).filter(|value| !value.is_null()) {
                let value = match (key, value.as_str()) {
                    ("base_url", Some(url)) => Value::from(normalised(url)),
                    _ => value.clone(),
                };
                record[key] = value;
            }
        }
        record["updated_at"] = Value::from(naive_utc_now());
        record.clone()
    }

    /// Forgets record `position`, noting `kind` in the timeline.
    pub(super) fn remove(
        &mut self,
        position: usize,
        kind: RegistryEventKind,
        at: tokio::time::Instant,
    ) -> Value {
        let record = self.records.remove(position);
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        self.health.remove(&id);
        self.event(kind, &id, at);
        record
    }

    /// Notes `kind` for `id` in the timeline.
    pub(super) fn event(&mut self, kind: RegistryEventKind, id: &str, at: tokio::time::Instant) {
        let name = self.issued.get(id).cloned().unwrap_or_default();
        self.timeline.push(RegistryEvent {
            kind,
            module_id: id.to_owned(),
            name,
            at,
        });
    }

    /// Record `position` with a fresh probe result, as `GET /modules/{id}` answers it.
    pub(super) fn probed(&mut self, position: usize) -> (Value, Value) {
        let mut record = self.records[position].clone();
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        let health = probe();
        self.health.insert(id, health.clone());
        record["health"] = health.clone();
        (record, health)
    }

    /// Record `position` with its cached probe result, as listings show it.
    pub(super) fn with_health(&self, position: usize) -> Value {
        let mut record = self.records[position].clone();
        if let Some(health) = record["id"].as_str().and_then(|id| self.health.get(id)) {
            record["health"] = health.clone();
        }
        record
    }
}

/// What the reference's probe records for a module answering its health check: the mock
/// does not call the module, it reports it healthy.
pub(super) fn probe() -> Value {
    json!({
        "status": "healthy",
        "last_check": naive_utc_now(),
        "response_time": 0.003,
        "details": { "status": "healthy" },
    })
}

/// `base_url` as Pydantic's `HttpUrl` stores it: a `/` added when the path is empty.
pub(super) fn normalised(base_url: &str) -> String {
    let empty_path = url::Url::parse(base_url).is_ok_and(|url| url.path() == "/");
    if empty_path && !base_url.ends_with('/') {
        format!("{base_url}/")
    } else {
        base_url.to_owned()
    }
}

/// A page of the listing (contract §2.3), or `None` for parameters the reference answers
/// with a 500 (`page=0`, `size=101`, `sort_order=up`).
pub(super) fn page(items: Vec<Value>, query: &[(String, String)]) -> Option<Value> {
    let param = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let number = |name: &str, default: u64| param(name).map_or(Some(default), |v| v.parse().ok());
    let page = number("page", 1).filter(|page| *page >= 1)?;
    let size = number("size", 10).filter(|size| (1..=100).contains(size))?;
    let descending = match param("sort_order").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        _ => return None,
    };
    let mut items: Vec<Value> = match param("status_filter") {
        Some(status) => items
            .into_iter()
            .filter(|m| m["status"] == status)
            .collect(),
        None => items,
    };
    if let Some(key) = param("sort_by") {
        items.sort_by_key(|item| sort_key(&item[key]));
        if descending {
            items.reverse();
        }
    }
    let total = items.len() as u64;
    let pages = total.div_ceil(size);
    let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let window: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(usize::try_from(size).unwrap_or(usize::MAX))
        .collect();
    Some(json!({
        "items": window,
        "total": total,
        "page": page,
        "size": size,
        "pages": pages,
        "has_next": page < pages,
        "has_prev": page > 1,
    }))
}

fn sort_key(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_a_slash_only_when_the_path_is_empty() {
        assert_eq!(
            normalised("http://127.0.0.1:9100"),
            "http://127.0.0.1:9100/"
        );
        assert_eq!(
            normalised("http://127.0.0.1:9100/"),
            "http://127.0.0.1:9100/"
        );
        assert_eq!(
            normalised("http://127.0.0.1:9/base"),
            "http://127.0.0.1:9/base"
        );
    }

    #[test]
    fn pages_count_like_the_reference_and_refuse_what_it_answers_500() {
        let items: Vec<Value> = ["b", "c", "a"].map(|name| json!({ "name": name })).into();
        let query = |q: &str| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect::<Vec<_>>()
        };
        let one = page(
            items.clone(),
            &query("page=1&size=1&sort_by=name&sort_order=desc"),
        )
        .unwrap();
        assert_eq!(one["items"], json!([{ "name": "c" }]));
        assert_eq!(
            (one["total"].clone(), one["pages"].clone()),
            (json!(3), json!(3))
        );
        assert_eq!(
            (one["has_next"].clone(), one["has_prev"].clone()),
            (json!(true), json!(false))
        );
        assert!(page(items.clone(), &query("page=0")).is_none());
        assert!(page(items.clone(), &query("size=101")).is_none());
        assert!(page(items, &query("sort_order=up")).is_none());
    }
}
