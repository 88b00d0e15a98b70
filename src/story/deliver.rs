//! Sending a plan through `wire::Client`: deliveries start in plan order, at most `concurrency`
//! at a time (one at a time: each waits for the answer before the next, as a sender that keeps
//! order does). A delivery with a `wait` (its step's `after`) waits that long once its turn has
//! come (a free slot: with one at a time, the answer to the one before), holding back those after
//! it while the ones in flight go on.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::plan::Delivery;
use crate::wire::{Attempt, Client, OutgoingRequest};

/// How to send.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The deadline for each answer.
    pub timeout: Duration,
    /// Deliveries in flight at once (at least 1).
    pub concurrency: usize,
}

/// One delivery and what came back.
#[derive(Debug)]
pub struct Delivered {
    pub delivery: Delivery,
    /// When it started, from the start of the run.
    pub started: Duration,
    /// The try: the first for a first delivery, the second (a retry of the same bytes) for a
    /// re-delivery.
    pub attempt: Attempt,
}

/// Sends `plan`; `requests[i]` is the signed request of step `i` (a re-delivery sends the same
/// one again: the same bytes and signature). `on_done` sees each delivery as it ends; the result
/// is in plan order.
pub async fn run(
    client: Arc<Client>,
    requests: &[OutgoingRequest],
    plan: &[Delivery],
    settings: Settings,
    mut on_done: impl FnMut(&Delivered),
) -> Vec<Delivered> {
    let started = Instant::now();
    let mut in_flight = JoinSet::new();
    let mut done = Vec::new();
    let mut finish = |joined: Result<Delivered, tokio::task::JoinError>| {
        let delivered = joined.expect("a delivery task never panics");
        on_done(&delivered);
        done.push(delivered);
    };
    for delivery in plan {
        while in_flight.len() >= settings.concurrency.max(1) {
            match in_flight.join_next().await {
                Some(joined) => finish(joined),
                None => break,
            }
        }
        if !delivery.wait.is_zero() {
            let pause = tokio::time::sleep(delivery.wait);
            tokio::pin!(pause);
            loop {
                tokio::select! {
                    () = &mut pause => break,
                    Some(joined) = in_flight.join_next() => finish(joined),
                }
            }
        }
        let request = requests[delivery.step].clone();
        let client = client.clone();
        let delivery = delivery.clone();
        let at = started.elapsed();
        in_flight.spawn(async move {
            let sent = Instant::now();
            let result = client.send(&request, settings.timeout).await;
            let attempt = Attempt {
                number: if delivery.duplicate_of.is_some() {
                    2
                } else {
                    1
                },
                elapsed: result
                    .as_ref()
                    .map_or_else(|_| sent.elapsed(), |answer| answer.latency),
                result,
            };
            Delivered {
                delivery,
                started: at,
                attempt,
            }
        });
    }
    while let Some(joined) = in_flight.join_next().await {
        finish(joined);
    }
    done.sort_by_key(|delivered| delivered.delivery.order);
    done
}
