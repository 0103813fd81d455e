//! The memory service's state: every organisation's memories and index, contexts,
//! conceptual spaces and workflows, loaded from and saved to durable storage.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::{Value, json};

use super::index::MemoryIndex;
use super::records::{Context, Memory, Space, Workflow};
use crate::platform::store::Durable;

/// Where memories are saved.
const MEMORIES: &str = "memories";
/// Where contexts, conceptual spaces and workflows are saved.
const EXTRAS: &str = "memory_extras";

/// One organisation's memories, in insertion order, and their index (document `n` of the
/// index is `records[n]`).
#[derive(Debug, Default)]
pub(super) struct OrgMemories {
    pub(super) records: Vec<Memory>,
    pub(super) index: MemoryIndex,
}

impl OrgMemories {
    fn push(&mut self, memory: Memory) {
        self.index.insert(&memory.id, &memory.content);
        self.records.push(memory);
    }
}

/// Everything the service keeps, behind one lock.
#[derive(Debug, Default)]
pub(super) struct Inner {
    pub(super) orgs: BTreeMap<String, OrgMemories>,
    pub(super) contexts: BTreeMap<String, Context>,
    pub(super) spaces: BTreeMap<String, Space>,
    pub(super) workflows: BTreeMap<String, Workflow>,
    /// The last memory id's microseconds, so ids stay unique and increasing.
    last_micros: i64,
}

impl Inner {
    /// A fresh memory id for `org_id`: `memory_{org}_{epoch.micros}`, strictly after the
    /// previous one.
    pub(super) fn next_memory_id(&mut self, org_id: &str) -> String {
        let now = chrono::Utc::now().timestamp_micros();
        let micros = now.max(self.last_micros + 1);
        self.last_micros = micros;
        format!(
            "memory_{org_id}_{}.{:06}",
            micros.div_euclid(1_000_000),
            micros.rem_euclid(1_000_000)
        )
    }

    fn memories_document(&self) -> Value {
        Value::Array(
            self.orgs
                .values()
                .flat_map(|org| &org.records)
                .map(|memory| serde_json::to_value(memory).unwrap_or(Value::Null))
                .collect(),
        )
    }

    fn extras_document(&self) -> Value {
        json!({
            "contexts": self.contexts,
            "spaces": self.spaces,
            "workflows": self.workflows,
        })
    }
}

/// Operation counters for `/health` and `/performance/metrics`.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) operations: AtomicU64,
    pub(super) successes: AtomicU64,
    pub(super) micros: AtomicU64,
}

impl Counters {
    /// Counts one operation that took `started.elapsed()`.
    pub(super) fn record(&self, started: Instant, success: bool) {
        self.operations.fetch_add(1, Ordering::Relaxed);
        if success {
            self.successes.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// (operations, success rate 0..1, average milliseconds).
    #[allow(clippy::cast_precision_loss, reason = "counters far below 2^52")]
    pub(super) fn summary(&self) -> (u64, f64, f64) {
        let operations = self.operations.load(Ordering::Relaxed);
        if operations == 0 {
            return (0, 0.0, 0.0);
        }
        let successes = self.successes.load(Ordering::Relaxed) as f64;
        let micros = self.micros.load(Ordering::Relaxed) as f64;
        let n = operations as f64;
        (operations, successes / n, micros / n / 1000.0)
    }
}

/// The memory service's state: per-organisation memories, each organisation with its own
/// inverted index (rebuilt on load, never saved), plus contexts, conceptual spaces and
/// workflows. One organisation's data is only ever reached with its own org id.
pub(crate) struct MemoryState {
    store: Arc<dyn Durable>,
    inner: Mutex<Inner>,
    pub(super) counters: Counters,
    pub(super) started: Instant,
}

impl std::fmt::Debug for MemoryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryState").finish_non_exhaustive()
    }
}

impl MemoryState {
    /// Loads what `store` holds and rebuilds every organisation's index from it.
    pub(crate) fn open(store: Arc<dyn Durable>) -> io::Result<Self> {
        let inner = load(store.as_ref())?;
        Ok(Self {
            store,
            inner: Mutex::new(inner),
            counters: Counters::default(),
            started: Instant::now(),
        })
    }

    /// Back to the seeded start: no memories, contexts, spaces or workflows (saved, so a
    /// reload starts empty too; a failed save leaves memory as it is).
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        let empty = Inner::default();
        if self
            .store
            .save(MEMORIES, &empty.memories_document())
            .and_then(|()| self.store.save(EXTRAS, &empty.extras_document()))
            .is_ok()
        {
            *inner = empty;
        }
        self.counters.operations.store(0, Ordering::Relaxed);
        self.counters.successes.store(0, Ordering::Relaxed);
        self.counters.micros.store(0, Ordering::Relaxed);
    }

    /// The memories of `org_id` as saved, in the order they were stored (copies, for the
    /// platform's read-only inspection).
    pub(crate) fn memories(&self, org_id: &str) -> Vec<Value> {
        self.lock().orgs.get(org_id).map_or_else(Vec::new, |org| {
            org.records
                .iter()
                .map(|memory| serde_json::to_value(memory).unwrap_or(Value::Null))
                .collect()
        })
    }

    /// The state, for reading.
    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Saves the memories with `memory` added, then adds it (and indexes it).
    pub(super) fn add_memory(&self, inner: &mut Inner, memory: Memory) -> io::Result<()> {
        let mut document = inner.memories_document();
        if let Value::Array(items) = &mut document {
            items.push(serde_json::to_value(&memory).map_err(io::Error::other)?);
        }
        self.store.save(MEMORIES, &document)?;
        inner
            .orgs
            .entry(memory.org_id.clone())
            .or_default()
            .push(memory);
        Ok(())
    }

    /// Applies `change` to a copy of the contexts, spaces and workflows, saves the copy,
    /// and only then makes it the state.
    pub(super) fn change_extras<T>(
        &self,
        inner: &mut Inner,
        change: impl FnOnce(&mut Inner) -> T,
    ) -> io::Result<T> {
        let mut draft = Inner {
            contexts: inner.contexts.clone(),
            spaces: inner.spaces.clone(),
            workflows: inner.workflows.clone(),
            ..Inner::default()
        };
        let answer = change(&mut draft);
        self.store.save(EXTRAS, &draft.extras_document())?;
        inner.contexts = draft.contexts;
        inner.spaces = draft.spaces;
        inner.workflows = draft.workflows;
        Ok(answer)
    }
}

fn load(store: &dyn Durable) -> io::Result<Inner> {
    let invalid = |what: &str, err: serde_json::Error| {
        io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {err}"))
    };
    let mut inner = Inner::default();
    if let Some(document) = store.load(MEMORIES)? {
        let memories: Vec<Memory> =
            serde_json::from_value(document).map_err(|err| invalid(MEMORIES, err))?;
        for memory in memories {
            inner
                .orgs
                .entry(memory.org_id.clone())
                .or_default()
                .push(memory);
        }
    }
    if let Some(document) = store.load(EXTRAS)? {
        #[derive(serde::Deserialize)]
        struct Extras {
            contexts: BTreeMap<String, Context>,
            spaces: BTreeMap<String, Space>,
            workflows: BTreeMap<String, Workflow>,
        }
        let extras: Extras =
            serde_json::from_value(document).map_err(|err| invalid(EXTRAS, err))?;
        inner.contexts = extras.contexts;
        inner.spaces = extras.spaces;
        inner.workflows = extras.workflows;
    }
    inner.last_micros = chrono::Utc::now().timestamp_micros();
    Ok(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store whose saves fail once `failing` is set.
    #[derive(Default)]
    struct Flaky {
        failing: std::sync::atomic::AtomicBool,
    }

    impl Durable for Flaky {
        fn save(&self, _collection: &str, _data: &Value) -> io::Result<()> {
            if self.failing.load(Ordering::Relaxed) {
                Err(io::Error::other("disk full"))
            } else {
                Ok(())
            }
        }

        fn load(&self, _collection: &str) -> io::Result<Option<Value>> {
            Ok(None)
        }
    }

    fn memory(id: &str, content: &str) -> Memory {
        Memory {
            id: id.into(),
            org_id: "acme".into(),
            user_id: "u".into(),
            content: content.into(),
            memory_type: "general".into(),
            timestamp: "2026-01-01T00:00:00".into(),
            metadata: serde_json::Map::new(),
        }
    }

    #[test]
    fn a_failed_save_changes_nothing_and_reset_empties_everything() {
        let store = Arc::new(Flaky::default());
        let state = MemoryState::open(store.clone()).unwrap();
        let mut inner = state.lock();
        state.add_memory(&mut inner, memory("m1", "kept")).unwrap();
        store.failing.store(true, Ordering::Relaxed);
        let err = state
            .add_memory(&mut inner, memory("m2", "lost"))
            .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        let extras = state.change_extras(&mut inner, |draft| {
            draft.contexts.insert(
                "acme".into(),
                Context {
                    domain: "general".into(),
                    active: true,
                },
            );
        });
        assert!(extras.is_err());
        assert_eq!(inner.orgs["acme"].records.len(), 1);
        assert!(inner.orgs["acme"].index.search("lost", 10).is_empty());
        assert!(inner.contexts.is_empty());
        drop(inner);
        store.failing.store(false, Ordering::Relaxed);
        state.reset();
        assert!(state.lock().orgs.is_empty());
    }

    #[test]
    fn memory_ids_are_unique_and_increasing() {
        let mut inner = Inner::default();
        let ids: Vec<String> = (0..100).map(|_| inner.next_memory_id("o")).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
        assert!(ids[0].starts_with("memory_o_"));
    }
}
