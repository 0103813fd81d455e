//! The `filters` of a search request: conditions on a memory's fields and metadata
//! (`{"memory_type": "insight"}`, `{"timestamp": {"$gte": "2026-01-01"}}`,
//! `{"source": {"$in": ["a", "b"]}}`).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::records::Memory;

/// Whether `memory` passes every condition of `filters` (an absent or non-object filter
/// passes everything). A field is looked up among `id`, `content`, `memory_type`,
/// `timestamp`, then the memory's metadata; a missing field fails every condition but
/// `$ne`/`$nin`. Unknown operators fail.
pub(super) fn matches(memory: &Memory, filters: Option<&Map<String, Value>>) -> bool {
    let Some(filters) = filters else {
        return true;
    };
    filters.iter().all(|(field, condition)| {
        let value = field_of(memory, field);
        match condition {
            Value::Object(operators) => operators
                .iter()
                .all(|(operator, operand)| apply(operator, value.as_ref(), operand)),
            expected => value.as_ref() == Some(expected),
        }
    })
}

fn field_of(memory: &Memory, field: &str) -> Option<Value> {
    match field {
        "id" => Some(Value::from(memory.id.as_str())),
        "content" => Some(Value::from(memory.content.as_str())),
        "memory_type" => Some(Value::from(memory.memory_type.as_str())),
        "timestamp" => Some(Value::from(memory.timestamp.as_str())),
        other => memory.metadata.get(other).cloned(),
    }
}

fn apply(operator: &str, value: Option<&Value>, operand: &Value) -> bool {
    match operator {
        "$eq" => value == Some(operand),
        "$ne" => value != Some(operand),
        "$in" => operand
            .as_array()
            .is_some_and(|options| value.is_some_and(|v| options.contains(v))),
        "$nin" => operand
            .as_array()
            .is_some_and(|options| value.is_none_or(|v| !options.contains(v))),
        "$gt" => compare(value, operand) == Some(Ordering::Greater),
        "$gte" => matches!(
            compare(value, operand),
            Some(Ordering::Greater | Ordering::Equal)
        ),
        "$lt" => compare(value, operand) == Some(Ordering::Less),
        "$lte" => matches!(
            compare(value, operand),
            Some(Ordering::Less | Ordering::Equal)
        ),
        _ => false,
    }
}

/// Numbers compare as numbers, strings as strings (so naive ISO timestamps compare in
/// time order); anything else does not compare.
fn compare(value: Option<&Value>, operand: &Value) -> Option<Ordering> {
    match (value?, operand) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.as_str().cmp(b.as_str())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn memory() -> Memory {
        Memory {
            id: "m".into(),
            org_id: "o".into(),
            user_id: "u".into(),
            content: "c".into(),
            memory_type: "insight".into(),
            timestamp: "2026-05-01T00:00:00".into(),
            metadata: json!({"source": "crm", "score": 3})
                .as_object()
                .cloned()
                .unwrap(),
        }
    }

    #[test]
    fn conditions() {
        let m = memory();
        let pass = |f: Value| matches(&m, f.as_object());
        assert!(pass(json!({})));
        assert!(pass(json!({"memory_type": "insight", "source": "crm"})));
        assert!(!pass(json!({"memory_type": "general"})));
        assert!(pass(
            json!({"timestamp": {"$gte": "2026-01-01", "$lt": "2027"}})
        ));
        assert!(!pass(json!({"timestamp": {"$gt": "2026-06"}})));
        assert!(pass(
            json!({"source": {"$in": ["crm", "x"]}, "score": {"$lte": 3}})
        ));
        assert!(pass(
            json!({"missing": {"$nin": ["a"]}, "source": {"$ne": "x"}})
        ));
        assert!(!pass(json!({"missing": {"$in": ["a"]}})));
        assert!(!pass(json!({"score": {"$regex": "x"}})));
        assert!(!pass(json!({"score": {"$gt": "2"}})));
    }
}
