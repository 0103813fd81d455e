//! `GET /modules`: the pagination query (contract §2.3), the status filter, sorting and the
//! `PaginatedResponse` page.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::answer::item;
use super::module::{STATUS_MSG, STATUSES};

/// The largest page size.
const MAX_SIZE: u64 = 100;

/// What a listing asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listing {
    page: u64,
    size: u64,
    sort_by: Option<String>,
    descending: bool,
    status: Option<String>,
}

impl Listing {
    /// Reads the query string (the last of repeated keys counts, as in Starlette), or the
    /// 422 items of every value out of range.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, Vec<Value>> {
        let mut page = None;
        let mut size = None;
        let mut sort_by = None;
        let mut sort_order = None;
        let mut status = None;
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let slot = match &*key {
                "page" => &mut page,
                "size" => &mut size,
                "sort_by" => &mut sort_by,
                "sort_order" => &mut sort_order,
                "status_filter" => &mut status,
                _ => continue,
            };
            *slot = Some(value.into_owned());
        }
        let mut problems = Vec::new();
        let page = bounded(&mut problems, "page", page, 1, 1, None);
        let size = bounded(&mut problems, "size", size, 10, 1, Some(MAX_SIZE));
        let descending = match sort_order.as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                problems.push(item(
                    "string_pattern_mismatch",
                    &[json!("query"), json!("sort_order")],
                    "String should match pattern '^(asc|desc)$'",
                    json!(other),
                    Some(json!({ "pattern": "^(asc|desc)$" })),
                    true,
                ));
                false
            }
        };
        if let Some(other) = status
            .as_deref()
            .filter(|status| !STATUSES.contains(status))
        {
            problems.push(item(
                "enum",
                &[json!("query"), json!("status_filter")],
                STATUS_MSG,
                json!(other),
                Some(json!({ "expected": "'active', 'inactive', 'maintenance' or 'error'" })),
                false,
            ));
        }
        if problems.is_empty() {
            Ok(Self {
                page,
                size,
                sort_by: sort_by.filter(|field| !field.is_empty()),
                descending,
                status,
            })
        } else {
            Err(problems)
        }
    }

    /// The page of `modules` (serialised records, in registration order) this listing
    /// selects: filtered by status, stably sorted on `sort_by` (modules without the field
    /// sort as equal), then cut.
    pub(crate) fn page(&self, mut modules: Vec<Value>) -> Value {
        if let Some(status) = &self.status {
            modules.retain(|module| module.get("status").and_then(Value::as_str) == Some(status));
        }
        if let Some(field) = &self.sort_by {
            modules.sort_by(|a, b| {
                let order = compare(a.get(field), b.get(field));
                if self.descending {
                    order.reverse()
                } else {
                    order
                }
            });
        }
        let total = modules.len() as u64;
        let pages = total.div_ceil(self.size);
        let skip = usize::try_from((self.page - 1).saturating_mul(self.size)).unwrap_or(usize::MAX);
        let take = usize::try_from(self.size).unwrap_or(usize::MAX);
        let items: Vec<Value> = modules.into_iter().skip(skip).take(take).collect();
        json!({
            "items": items,
            "total": total,
            "page": self.page,
            "size": self.size,
            "pages": pages,
            "has_next": self.page < pages,
            "has_prev": self.page > 1,
        })
    }
}

/// An integer query parameter with a default and bounds, adding Pydantic's problem for a
/// value that is not an integer or out of range.
fn bounded(
    problems: &mut Vec<Value>,
    name: &str,
    raw: Option<String>,
    default: u64,
    min: u64,
    max: Option<u64>,
) -> u64 {
    let Some(raw) = raw else { return default };
    let loc = [json!("query"), json!(name)];
    let Ok(number) = raw.trim().parse::<i128>() else {
        problems.push(item(
            "int_parsing",
            &loc,
            "Input should be a valid integer, unable to parse string as an integer",
            json!(raw),
            None,
            true,
        ));
        return default;
    };
    if number < i128::from(min) {
        problems.push(item(
            "greater_than_equal",
            &loc,
            &format!("Input should be greater than or equal to {min}"),
            json!(raw),
            Some(json!({ "ge": min })),
            true,
        ));
        return default;
    }
    match max {
        Some(max) if number > i128::from(max) => {
            problems.push(item(
                "less_than_equal",
                &loc,
                &format!("Input should be less than or equal to {max}"),
                json!(raw),
                Some(json!({ "le": max })),
                true,
            ));
            default
        }
        _ => u64::try_from(number).unwrap_or(u64::MAX),
    }
}

/// Orders two JSON values: absent and `null` first, then booleans, numbers, strings, and
/// anything else by its JSON text.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(value: Option<&Value>) -> u8 {
        match value {
            None | Some(Value::Null) => 0,
            Some(Value::Bool(_)) => 1,
            Some(Value::Number(_)) => 2,
            Some(Value::String(_)) => 3,
            Some(_) => 4,
        }
    }
    match (a, b) {
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        (Some(Value::Number(a)), Some(Value::Number(b))) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(a)), Some(Value::String(b))) => a.cmp(b),
        (
            Some(a @ (Value::Array(_) | Value::Object(_))),
            Some(b @ (Value::Array(_) | Value::Object(_))),
        ) => a.to_string().cmp(&b.to_string()),
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_refused_with_pydantic_items() {
        let problems =
            Listing::parse(Some("page=0&size=101&sort_order=up&status_filter=bogus")).unwrap_err();
        let kinds: Vec<_> = problems
            .iter()
            .map(|problem| problem["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "greater_than_equal",
                "less_than_equal",
                "string_pattern_mismatch",
                "enum"
            ]
        );
        assert_eq!(
            Listing::parse(Some("page=x")).unwrap_err()[0]["type"],
            "int_parsing"
        );
    }

    #[test]
    fn a_page_counts_the_filtered_modules_and_sorts_stably() {
        let modules = vec![
            json!({"name": "b", "status": "active"}),
            json!({"name": "a", "status": "inactive"}),
            json!({"name": "c", "status": "active"}),
        ];
        let listing = Listing::parse(Some(
            "size=1&page=2&sort_by=name&sort_order=desc&status_filter=active",
        ))
        .unwrap();
        let page = listing.page(modules);
        assert_eq!(page["items"], json!([{"name": "b", "status": "active"}]));
        assert_eq!(
            (page["total"].as_u64(), page["pages"].as_u64()),
            (Some(2), Some(2))
        );
        assert_eq!(
            (page["has_next"].as_bool(), page["has_prev"].as_bool()),
            (Some(false), Some(true))
        );
    }
}
