//! Duplicate detection for `listen`: the delivery key of an event and a bounded memory of the keys
//! already accepted.
//!
//! Reference, "Error Handling": "Handle duplicate events idempotently (use the event timestamp)".
//! The timestamp alone would merge two different events fired in the same millisecond, so the key
//! is the event name, the envelope timestamp and the id of the object the event is about.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;

use crate::events;

/// How many keys `listen` remembers by default: at about 150 bytes a key (one shared copy of the
/// key, a map entry and a ring slot), some 15 MB at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The key that identifies one delivery: `event`, the envelope `timestamp` (as written) and the
/// data's own id (the library's id field of the event: `card_id` for card events,
/// `connection_id` for `enrichment.completed`, `id` for the others).
pub fn delivery_key(event: &str, timestamp: &str, id: &Value) -> String {
    // JSON-encoding the id keeps `"1"` and `1` apart; NUL cannot occur in an event name.
    format!("{event}\u{0}{timestamp}\u{0}{id}")
}

/// `delivery_key` of a payload read as a JSON value.
pub fn delivery_key_of(payload: &Value) -> String {
    let event = payload
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let timestamp = payload.get("timestamp").unwrap_or(&Value::Null);
    let id_field = events::find(event).map_or("id", |spec| spec.id_field);
    let id = payload
        .get("data")
        .and_then(|data| data.get(id_field))
        .unwrap_or(&Value::Null);
    delivery_key(event, &timestamp.to_string(), id)
}

/// The last `capacity` accepted keys, oldest forgotten first (a ring in insertion order plus a map
/// for look-ups). Memory stays bounded however long `listen` runs; a duplicate that arrives after
/// `capacity` newer deliveries is accepted again.
#[derive(Debug)]
pub struct Dedupe {
    capacity: usize,
    /// Key → the generation of its live entry in `ring`.
    live: HashMap<Arc<str>, u64>,
    ring: VecDeque<(Arc<str>, u64)>,
    generation: u64,
}

impl Dedupe {
    /// A memory of at most `capacity` keys; 0 turns duplicate detection off.
    pub fn new(capacity: usize) -> Self {
        Dedupe {
            capacity,
            live: HashMap::new(),
            ring: VecDeque::new(),
            generation: 0,
        }
    }

    /// Records `key`; `false` when it is already remembered (a duplicate).
    pub fn insert(&mut self, key: &str) -> bool {
        if self.capacity == 0 {
            return true;
        }
        if self.live.contains_key(key) {
            return false;
        }
        self.generation += 1;
        let key: Arc<str> = Arc::from(key);
        self.live.insert(key.clone(), self.generation);
        self.ring.push_back((key, self.generation));
        while self.live.len() > self.capacity || self.ring.len() > self.capacity * 2 {
            let Some((old, generation)) = self.ring.pop_front() else {
                break;
            };
            // A key removed and inserted again has a newer generation: keep that one.
            if self.live.get(&old) == Some(&generation) {
                self.live.remove(&old);
            }
        }
        true
    }

    /// Forgets `key`, so that a retry of a delivery that was not acknowledged is accepted.
    pub fn remove(&mut self, key: &str) {
        self.live.remove(key);
    }

    /// How many keys are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no key is remembered.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_use_the_right_id_per_event() {
        let card = serde_json::json!({"event":"card.viewed","timestamp":5,"data":{"card_id":"k1"}});
        let enrich = serde_json::json!({"event":"enrichment.completed","timestamp":5,"data":{"connection_id":"j1"}});
        let conn = serde_json::json!({"event":"note.added","timestamp":5,"data":{"id":"j1","connection_id":"x"}});
        assert_eq!(delivery_key_of(&card), "card.viewed\u{0}5\u{0}\"k1\"");
        assert!(delivery_key_of(&enrich).ends_with("\"j1\""));
        assert!(delivery_key_of(&conn).ends_with("\"j1\""));
    }

    #[test]
    fn duplicates_are_seen_and_memory_is_bounded() {
        let mut dedupe = Dedupe::new(3);
        assert!(dedupe.insert("a"));
        assert!(!dedupe.insert("a"));
        for key in ["b", "c", "d"] {
            assert!(dedupe.insert(key));
        }
        assert_eq!(dedupe.len(), 3);
        // "a" was the oldest and is forgotten.
        assert!(dedupe.insert("a"));
        assert!(!dedupe.insert("d"));
    }

    #[test]
    fn a_removed_key_is_accepted_again_and_stale_ring_entries_do_not_evict_it() {
        let mut dedupe = Dedupe::new(2);
        assert!(dedupe.insert("a"));
        dedupe.remove("a");
        assert!(dedupe.insert("a"));
        assert!(dedupe.insert("b"));
        assert!(!dedupe.insert("a"));
        for n in 0..1000 {
            dedupe.insert(&n.to_string());
            dedupe.remove(&n.to_string());
        }
        assert!(dedupe.ring.len() <= 4);
    }

    #[test]
    fn capacity_zero_turns_detection_off() {
        let mut dedupe = Dedupe::new(0);
        assert!(dedupe.insert("a"));
        assert!(dedupe.insert("a"));
        assert!(dedupe.is_empty());
    }
}
