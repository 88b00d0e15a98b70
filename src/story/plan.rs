//! The delivery plan: which step goes out when. In story order by default; `--shuffle` in a random
//! order; `--duplicates F` re-delivers a fraction of the steps a second time, each at a random
//! place after its first delivery (a retry after a lost answer arrives later, and possibly after
//! events that followed it). Everything random comes from the seed's plan generator.

use std::time::Duration;

use rand::RngExt;
use rand::seq::{SliceRandom, index};

use super::{Seed, Step};

/// How to deliver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub shuffle: bool,
    /// The fraction of steps delivered twice (0.0 to 1.0).
    pub duplicates: f64,
}

/// One delivery of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Its place in the delivery order, 1-based.
    pub order: usize,
    /// The index of the step it delivers (0-based).
    pub step: usize,
    /// For a re-delivery, the `order` of the first delivery of the same bytes.
    pub duplicate_of: Option<usize>,
    /// The pause before it starts: the step's `after`, for its first delivery only.
    pub wait: Duration,
}

/// How many of `steps` steps `fraction` re-delivers: rounded, and at least one when asked for any.
pub fn duplicate_count(steps: usize, fraction: f64) -> usize {
    if fraction <= 0.0 || steps == 0 {
        return 0;
    }
    ((steps as f64 * fraction).round() as usize).clamp(1, steps)
}

/// The deliveries of `steps`, in the order they start.
pub fn plan(steps: &[Step], options: Options, seed: Seed) -> Vec<Delivery> {
    let mut rng = seed.plan();
    let mut order: Vec<usize> = (0..steps.len()).collect();
    if options.shuffle {
        order.shuffle(&mut rng);
    }
    // (step, is a re-delivery)
    let mut sequence: Vec<(usize, bool)> = order.into_iter().map(|step| (step, false)).collect();
    let count = duplicate_count(steps.len(), options.duplicates);
    let mut chosen = index::sample(&mut rng, steps.len(), count).into_vec();
    chosen.sort_unstable();
    for step in chosen {
        let first = sequence
            .iter()
            .position(|&(other, again)| other == step && !again)
            .expect("every step is in the sequence once");
        let at = rng.random_range(first + 1..=sequence.len());
        sequence.insert(at, (step, true));
    }
    let mut first_order = vec![0; steps.len()];
    sequence
        .into_iter()
        .enumerate()
        .map(|(place, (step, again))| {
            let order = place + 1;
            if !again {
                first_order[step] = order;
            }
            Delivery {
                order,
                step,
                duplicate_of: again.then(|| first_order[step]),
                wait: if again {
                    Duration::ZERO
                } else {
                    steps[step].after
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::{StorySource, load};

    fn steps() -> Vec<Step> {
        load(&"contact-lifecycle".parse::<StorySource>().unwrap())
            .unwrap()
            .steps
    }

    #[test]
    fn in_order_without_options() {
        let plan = plan(
            &steps(),
            Options {
                shuffle: false,
                duplicates: 0.0,
            },
            Seed(1),
        );
        let order: Vec<usize> = plan.iter().map(|d| d.step).collect();
        assert_eq!(order, (0..9).collect::<Vec<_>>());
        assert!(plan.iter().all(|d| d.duplicate_of.is_none()));
    }

    #[test]
    fn a_seed_repeats_the_order_and_re_deliveries_follow_their_first() {
        let options = Options {
            shuffle: true,
            duplicates: 0.5,
        };
        let a = plan(&steps(), options, Seed(7));
        assert_eq!(a, plan(&steps(), options, Seed(7)));
        assert_ne!(a, plan(&steps(), options, Seed(8)));
        assert_eq!(a.len(), 9 + 5);
        for delivery in a.iter().filter(|d| d.duplicate_of.is_some()) {
            let first = delivery.duplicate_of.unwrap();
            assert!(first < delivery.order);
            assert_eq!(a[first - 1].step, delivery.step);
            assert_eq!(a[first - 1].duplicate_of, None);
        }
        let mut firsts: Vec<usize> = a
            .iter()
            .filter(|d| d.duplicate_of.is_none())
            .map(|d| d.step)
            .collect();
        firsts.sort_unstable();
        assert_eq!(firsts, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn the_duplicate_count_rounds_and_never_rounds_a_request_away() {
        assert_eq!(duplicate_count(9, 0.0), 0);
        assert_eq!(duplicate_count(9, 0.01), 1);
        assert_eq!(duplicate_count(9, 0.2), 2);
        assert_eq!(duplicate_count(9, 0.3), 3);
        assert_eq!(duplicate_count(9, 1.0), 9);
        assert_eq!(duplicate_count(5, 0.2), 1);
    }
}
