//! Failure simulation for `listen` (`--status`, `--fail-rate`, `--fail-first`, `--delay`), so that
//! a sender's retries can be exercised: the reference's sender retries a non-2xx answer up to 3
//! times ("Retry Behavior").

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The status a simulated failure answers with when `--status` does not say otherwise.
pub const FAILURE_STATUS: u16 = 500;

/// What to do to requests that would otherwise be accepted.
#[derive(Debug, Default)]
pub struct Simulation {
    /// Answer every otherwise-accepted request with this status.
    pub status: Option<u16>,
    /// Answer this fraction (0.0–1.0) of otherwise-accepted requests with 500.
    pub fail_rate: Option<f64>,
    /// Answer the first N otherwise-accepted requests with 500.
    pub fail_first: u64,
    /// Wait this long before answering any request.
    pub delay: Option<Duration>,
    /// Otherwise-accepted requests seen so far.
    seen: AtomicU64,
}

impl Simulation {
    /// A simulation (the status is 200 to 599 and the rate a fraction: the command line checks
    /// both when it is parsed).
    pub fn new(
        status: Option<u16>,
        fail_rate: Option<f64>,
        fail_first: u64,
        delay: Option<Duration>,
    ) -> Self {
        Simulation {
            status,
            fail_rate,
            fail_first,
            delay,
            seen: AtomicU64::new(0),
        }
    }

    /// For a request that passed every check: the status to answer instead of accepting it, if
    /// the simulation says so. `--fail-first` wins, then `--fail-rate`, then `--status`.
    pub fn override_status(&self) -> Option<u16> {
        let index = self.seen.fetch_add(1, Ordering::Relaxed);
        if index < self.fail_first {
            return Some(FAILURE_STATUS);
        }
        if let Some(rate) = self.fail_rate
            && rate > 0.0
            && rand::random_bool(rate)
        {
            return Some(FAILURE_STATUS);
        }
        self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_first_then_status() {
        let simulation = Simulation::new(Some(202), None, 2, None);
        let answers: Vec<_> = (0..4).map(|_| simulation.override_status()).collect();
        assert_eq!(answers, [Some(500), Some(500), Some(202), Some(202)]);
    }

    #[test]
    fn rates_at_the_ends_are_exact() {
        let always = Simulation::new(None, Some(1.0), 0, None);
        let never = Simulation::new(None, Some(0.0), 0, None);
        for _ in 0..50 {
            assert_eq!(always.override_status(), Some(500));
            assert_eq!(never.override_status(), None);
        }
    }
}
