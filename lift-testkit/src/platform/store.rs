//! Where the fake platform keeps its state: in memory, or in a data directory where every
//! write is on disk before it is acknowledged and a crash never leaves a file that fails to
//! load.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

/// Durable storage for the fake platform's collections (users, modules, memories), each
/// saved whole as one JSON document.
pub(crate) trait Durable: Send + Sync + 'static {
    /// Saves `collection`, replacing what was saved before; returns once it is durable.
    fn save(&self, collection: &str, data: &Value) -> io::Result<()>;

    /// What was last saved for `collection`, if anything.
    fn load(&self, collection: &str) -> io::Result<Option<Value>>;
}

/// State that lives in memory only: nothing survives the process.
#[derive(Debug, Default)]
pub(crate) struct InMemory;

impl Durable for InMemory {
    fn save(&self, _collection: &str, _data: &Value) -> io::Result<()> {
        Ok(())
    }

    fn load(&self, _collection: &str) -> io::Result<Option<Value>> {
        Ok(None)
    }
}

/// One JSON file per collection in a directory.
///
/// A save writes a temporary file, syncs it, renames it over the collection's file and
/// syncs the directory: a reader (or a restart after a crash) sees the old document or the
/// new one, never half of one.
#[derive(Debug)]
pub(crate) struct DataDir {
    dir: PathBuf,
    /// Saves of the same directory go one at a time, so two writers never share a
    /// temporary file.
    writing: Mutex<()>,
}

impl DataDir {
    /// Opens (and creates if needed) `dir`.
    pub(crate) fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        Ok(Self {
            dir,
            writing: Mutex::new(()),
        })
    }

    fn path(&self, collection: &str) -> PathBuf {
        self.dir.join(format!("{collection}.json"))
    }
}

impl Durable for DataDir {
    fn save(&self, collection: &str, data: &Value) -> io::Result<()> {
        let _one_at_a_time = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let target = self.path(collection);
        let temporary = self.dir.join(format!(".{collection}.json.tmp"));
        let mut file = fs::File::create(&temporary)?;
        serde_json::to_writer(&mut file, data)?;
        file.flush()?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, &target)?;
        sync_dir(&self.dir)
    }

    fn load(&self, collection: &str) -> io::Result<Option<Value>> {
        let path = self.path(collection);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not valid JSON: {err}", path.display()),
                )
            }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// Makes a rename in `dir` durable (a no-op where directories cannot be opened).
fn sync_dir(dir: &Path) -> io::Result<()> {
    match fs::File::open(dir) {
        Ok(handle) => handle.sync_all().or(Ok(())),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_collection_loads_back_and_replaces_the_previous_one() {
        let dir = std::env::temp_dir().join(format!("lift-store-{}", std::process::id()));
        let store = DataDir::open(&dir).unwrap();
        assert_eq!(store.load("users").unwrap(), None);
        store.save("users", &serde_json::json!([1])).unwrap();
        store.save("users", &serde_json::json!([1, 2])).unwrap();
        assert_eq!(
            store.load("users").unwrap(),
            Some(serde_json::json!([1, 2]))
        );
        fs::write(dir.join("memories.json"), b"{\"half").unwrap();
        let err = store.load("memories").unwrap_err();
        assert!(
            err.to_string().contains("memories.json is not valid JSON"),
            "{err}"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
