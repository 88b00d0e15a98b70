//! Who hears about each request after the receiver has answered it (`demo`'s checks, the
//! inspector): a bounded channel written with `try_send`, so a slow listener costs the request
//! path nothing and memory stays bounded; what it could not take is counted, not queued.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use super::exchange::Exchange;

/// The sending side, held by the receiver.
#[derive(Debug, Clone)]
pub struct Observer {
    sender: mpsc::Sender<Arc<Exchange>>,
    lost: Arc<AtomicU64>,
}

/// The listening side: the exchanges in the order they were reported, and how many were lost.
#[derive(Debug)]
pub struct Observed {
    pub exchanges: mpsc::Receiver<Arc<Exchange>>,
    pub lost: Lost,
}

/// How many reports were dropped because the listener had `capacity` waiting already.
#[derive(Debug, Clone)]
pub struct Lost(Arc<AtomicU64>);

impl Lost {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Observer {
    /// An observer that holds at most `capacity` unread reports.
    pub fn channel(capacity: usize) -> (Observer, Observed) {
        let (sender, exchanges) = mpsc::channel(capacity);
        let lost = Arc::new(AtomicU64::new(0));
        let observed = Observed {
            exchanges,
            lost: Lost(lost.clone()),
        };
        (Observer { sender, lost }, observed)
    }

    /// Hands one exchange on without waiting: when the listener is behind (or gone), it is
    /// counted as lost instead.
    pub fn notify(&self, exchange: Arc<Exchange>) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.sender.try_send(exchange) {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::verdict::Verdict;

    fn exchange() -> Arc<Exchange> {
        Arc::new(Exchange {
            received_at: std::time::SystemTime::UNIX_EPOCH,
            method: "POST".into(),
            path: "/webhook".into(),
            headers: Default::default(),
            body: Default::default(),
            payload: None,
            verdict: Verdict::NotFound,
            status: 404,
            forwarded: None,
        })
    }

    #[test]
    fn a_full_listener_loses_reports_instead_of_queueing_them() {
        let (observer, mut observed) = Observer::channel(2);
        for _ in 0..5 {
            observer.notify(exchange());
        }
        assert_eq!(observed.lost.count(), 3);
        assert!(observed.exchanges.try_recv().is_ok());
        observer.notify(exchange());
        assert_eq!(observed.lost.count(), 3);
    }
}
