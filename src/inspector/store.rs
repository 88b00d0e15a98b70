//! What the inspector keeps: the last `CAPACITY` deliveries (and at most `MAX_BYTES` of them), in
//! arrival order with increasing ids, the counts of what it no longer keeps, and a signal that
//! wakes the event streams when something changes. Memory stays bounded however long the run.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use super::entry::Entry;

/// How many deliveries are kept (the page shows at most as many).
pub const CAPACITY: usize = 1000;
/// How much body and header data the kept deliveries may hold together.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The kept deliveries, shared by the ingest task, the API and the streams.
pub struct Store {
    inner: Mutex<Inner>,
    /// Bumped on every change; streams wait on it.
    changed: watch::Sender<u64>,
}

struct Inner {
    entries: VecDeque<Arc<Entry>>,
    next_id: u64,
    bytes: usize,
    /// Deliveries no longer kept: pushed out by newer ones, or left in the file at start.
    older: u64,
    /// How many times the list was cleared.
    clears: u64,
}

/// What a stream has not sent yet.
pub struct Since {
    /// The list was cleared since the stream last looked.
    pub cleared: bool,
    /// Deliveries that were pushed out before the stream could send them.
    pub missed: u64,
    pub entries: Vec<Arc<Entry>>,
}

/// The counts of a moment, for the list document.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub kept: usize,
    pub older: u64,
    pub newest: Option<u64>,
}

impl Store {
    /// A store holding `history` (oldest first, ids from 1), with `older` records left out.
    pub fn new(history: Vec<Entry>, older: u64, next_id: u64) -> Store {
        let mut inner = Inner {
            entries: VecDeque::with_capacity(CAPACITY),
            next_id,
            bytes: 0,
            older,
            clears: 0,
        };
        for entry in history {
            inner.push(Arc::new(entry));
        }
        Store {
            inner: Mutex::new(inner),
            changed: watch::Sender::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves consistent data behind: keep going.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The id the next delivery gets.
    pub fn next_id(&self) -> u64 {
        self.lock().next_id
    }

    /// Adds new deliveries, numbered from `next_id()` on by their one maker (the ingest task),
    /// and wakes the streams once.
    pub fn push(&self, entries: Vec<Entry>) {
        {
            let mut inner = self.lock();
            for entry in entries {
                debug_assert_eq!(entry.id, inner.next_id, "ids follow each other");
                inner.next_id = entry.id + 1;
                inner.push(Arc::new(entry));
            }
        }
        self.changed.send_modify(|version| *version += 1);
    }

    /// Forgets every kept delivery (ids go on from where they were); returns how many.
    pub fn clear(&self) -> usize {
        let cleared = {
            let mut inner = self.lock();
            let cleared = inner.entries.len();
            inner.entries.clear();
            inner.bytes = 0;
            inner.clears += 1;
            cleared
        };
        self.changed.send_modify(|version| *version += 1);
        cleared
    }

    /// The kept deliveries, newest first, at most `limit` of them.
    pub fn newest(&self, limit: usize) -> Vec<Arc<Entry>> {
        self.lock()
            .entries
            .iter()
            .rev()
            .take(limit)
            .cloned()
            .collect()
    }

    /// One kept delivery.
    pub fn get(&self, id: u64) -> Option<Arc<Entry>> {
        let inner = self.lock();
        // Ids increase along the list, with holes where a saved line could not be read back.
        let index = inner
            .entries
            .binary_search_by_key(&id, |entry| entry.id)
            .ok()?;
        inner.entries.get(index).cloned()
    }

    pub fn counts(&self) -> Counts {
        let inner = self.lock();
        Counts {
            kept: inner.entries.len(),
            older: inner.older,
            newest: inner.next_id.checked_sub(1).filter(|id| *id > 0),
        }
    }

    /// The number of clears so far, for a stream to notice the next one.
    pub fn clears(&self) -> u64 {
        self.lock().clears
    }

    /// The deliveries after id `after` (oldest first, at most `limit`), and what happened since
    /// the stream saw clear number `clears`.
    pub fn since(&self, after: u64, clears: u64, limit: usize) -> Since {
        let inner = self.lock();
        let first = inner
            .entries
            .front()
            .map_or(inner.next_id, |entry| entry.id);
        let cleared = inner.clears != clears;
        // Ids skipped by a clear were not missed: the page was told to clear.
        let missed = if cleared {
            0
        } else {
            first.saturating_sub(after.saturating_add(1))
        };
        let start = inner.entries.partition_point(|entry| entry.id <= after);
        Since {
            cleared,
            missed,
            entries: inner
                .entries
                .iter()
                .skip(start)
                .take(limit)
                .cloned()
                .collect(),
        }
    }

    /// A receiver of the change signal.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

impl Inner {
    fn push(&mut self, entry: Arc<Entry>) {
        self.bytes += entry.weight();
        self.entries.push_back(entry);
        while self.entries.len() > CAPACITY || (self.bytes > MAX_BYTES && self.entries.len() > 1) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.weight();
                self.older += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{BodyEncoding, RequestRecord};

    fn entry(id: u64) -> Entry {
        let record = RequestRecord {
            received_at: "2026-01-16T16:00:00.000Z".into(),
            method: "POST".into(),
            path: "/webhook".into(),
            headers: Default::default(),
            body: "{}".into(),
            body_encoding: BodyEncoding::Utf8,
            status: Some(404),
            verdict: Some("not_found".into()),
        };
        Entry::from_record(id, record, &[])
    }

    #[test]
    fn keeps_the_last_capacity_and_counts_the_rest() {
        let store = Store::new(Vec::new(), 0, 1);
        store.push((1..=CAPACITY as u64 + 5).map(entry).collect());
        let counts = store.counts();
        assert_eq!(
            (counts.kept, counts.older, counts.newest),
            (CAPACITY, 5, Some(1005))
        );
        assert_eq!(store.newest(2)[0].id, 1005);
        assert!(store.get(5).is_none());
        assert_eq!(store.get(6).unwrap().id, 6);
        let since = store.since(2, 0, 10);
        assert_eq!(since.missed, 3);
        assert_eq!(since.entries[0].id, 6);
        let caught_up = store.since(1000, 0, 10);
        assert_eq!((caught_up.missed, caught_up.entries.len()), (0, 5));
    }

    #[test]
    fn a_clear_is_not_a_loss() {
        let store = Store::new(Vec::new(), 0, 1);
        store.push((1..=3).map(entry).collect());
        assert_eq!(store.clear(), 3);
        store.push(vec![entry(4)]);
        let since = store.since(1, 0, 10);
        assert!(since.cleared);
        assert_eq!(since.missed, 0);
        assert_eq!(since.entries[0].id, 4);
    }
}
