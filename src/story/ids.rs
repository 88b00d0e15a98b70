//! Fresh ids in the reference's shape, and the seed that makes a run repeatable.
//!
//! The reference's ids are a letter, two digits and lower-case letters and digits (`j57xyz789ghi`
//! for a contact, `k57abc123def` for a card, `r89reminder123` for a reminder): a fresh id keeps
//! the sample's leading letter and digits and its length, and draws the rest.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};

use super::links::Kind;
use crate::events;

/// What a fresh id draws its characters from after the prefix.
pub const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The seed of a run: the ids, the delivery order and the re-deliveries all follow from it.
/// ChaCha8 is used because its output is fixed by its definition, not by a library version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed(pub u64);

impl Seed {
    /// A seed short enough to type back: `--seed 3141592653`.
    pub fn random() -> Seed {
        Seed(u64::from(rand::random::<u32>()))
    }

    /// The generator of the ids.
    pub fn ids(self) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.0)
    }

    /// The generator of the delivery plan, apart from the ids', so that `--shuffle` or
    /// `--duplicates` leave the ids of a seed unchanged.
    pub fn plan(self) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.0);
        rng.set_stream(1);
        rng
    }
}

/// The shape of a kind's ids: the sample's leading letter and digits, and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub prefix: String,
    pub len: usize,
}

/// The shape of a fresh id of `kind`, read from the reference's sample id of that kind.
pub fn shape(kind: Kind) -> Shape {
    let event = kind.opened_by();
    let field = event.id_field();
    let sample = events::find(event.as_str())
        .expect("story::links names catalogue events (checked by its tests)")
        .sample_value();
    let sample = sample["data"][field]
        .as_str()
        .expect("each kind's sample id is a string (checked by story::links tests)")
        .to_string();
    let prefix_len = sample
        .char_indices()
        .find(|(index, ch)| *index > 0 && !ch.is_ascii_digit())
        .map_or(sample.len(), |(index, _)| index);
    Shape {
        prefix: sample[..prefix_len].to_string(),
        len: sample.len(),
    }
}

/// A fresh id of `kind`, shaped like the reference's sample id of that kind.
pub fn fresh(kind: Kind, rng: &mut impl Rng) -> String {
    let Shape { mut prefix, len } = shape(kind);
    while prefix.len() < len {
        prefix.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_the_reference_shape() {
        let mut rng = Seed(7).ids();
        let contact = fresh(Kind::Contact, &mut rng);
        assert!(contact.starts_with("j57") && contact.len() == "j57xyz789ghi".len());
        let card = fresh(Kind::Card, &mut rng);
        assert!(card.starts_with("k57") && card.len() == 12, "{card}");
        let reminder = fresh(Kind::Reminder, &mut rng);
        assert!(
            reminder.starts_with("r89") && reminder.len() == 14,
            "{reminder}"
        );
        assert!(fresh(Kind::Note, &mut rng).starts_with("n12"));
        assert!(contact.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(contact, "j57xyz789ghi");
    }

    #[test]
    fn shapes_are_the_samples_prefix_and_length() {
        let shape = |kind| {
            let Shape { prefix, len } = shape(kind);
            (prefix, len)
        };
        assert_eq!(shape(Kind::Contact), ("j57".to_string(), 12));
        assert_eq!(shape(Kind::Card), ("k57".to_string(), 12));
        assert_eq!(shape(Kind::Reminder), ("r89".to_string(), 14));
        assert_eq!(shape(Kind::Note), ("n12".to_string(), 10));
    }

    #[test]
    fn a_seed_gives_the_same_ids_and_streams_apart() {
        let a = fresh(Kind::Contact, &mut Seed(7).ids());
        assert_eq!(a, fresh(Kind::Contact, &mut Seed(7).ids()));
        assert_ne!(a, fresh(Kind::Contact, &mut Seed(8).ids()));
        assert_ne!(Seed(7).ids().next_u64(), Seed(7).plan().next_u64());
    }
}
