//! Load mode: N signed deliveries, C at a time over kept-alive connections, each with its own
//! envelope timestamp, data id and signature; counts statuses, errors and latency percentiles.
//!
//! Each body is rendered from a `Template` (the payload serialized once, with holes for the
//! timestamp and the id), so a request costs a copy, two number writes and one HMAC.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use indicatif::ProgressBar;

use super::connection::{Connection, Target};
pub use super::template::Template;
use super::tls::Trust;
use super::{DeliveryError, WebhookUrl};
use crate::contract::{
    CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE, HEADER_USER_AGENT,
    SIGNATURE_LEN, USER_AGENT,
};
use crate::secret::Secret;
use crate::signature::{self, Webhook};

/// Each worker carves bodies and signatures out of buffers this large.
const ARENA_SIZE: usize = 64 * 1024;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub url: WebhookUrl,
    /// Which servers an https URL may present.
    pub trust: Trust,
    /// Deliveries cycle through these (one for a single event, 14 for `--all`).
    pub templates: Vec<Template>,
    pub count: u64,
    pub concurrency: usize,
    /// At most this many deliveries started per second.
    pub rate: Option<f64>,
    pub timeout: Duration,
    /// Delivery `i` carries envelope timestamp `first_timestamp + i`, so each is unique.
    pub first_timestamp: u64,
    /// Added to (or replacing) the four webhook headers.
    pub extra_headers: Vec<(HeaderName, HeaderValue)>,
}

/// What happened, for the summary.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub count: u64,
    pub elapsed: Duration,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Deliveries with no answer, by `DeliveryError::kind`.
    pub errors: BTreeMap<&'static str, u64>,
    /// One example error per kind.
    pub error_examples: BTreeMap<&'static str, DeliveryError>,
    /// Latency of every delivery that got an answer, sorted.
    pub latencies: Vec<Duration>,
}

impl Report {
    /// Deliveries that got a 2xx answer.
    pub fn delivered(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(status, _)| (200..300).contains(*status))
            .map(|(_, count)| count)
            .sum()
    }

    /// Whether every delivery got a 2xx answer.
    pub fn ok(&self) -> bool {
        self.delivered() == self.count
    }

    /// Completed deliveries per second of wall time.
    pub fn requests_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.count as f64 / seconds
        } else {
            0.0
        }
    }

    /// The latency at quantile `q` (0.0 to 1.0), nearest rank.
    pub fn percentile(&self, q: f64) -> Option<Duration> {
        let n = self.latencies.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(self.latencies[rank - 1])
    }

    fn merge(&mut self, other: Report) {
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
        for (kind, example) in other.error_examples {
            self.error_examples.entry(kind).or_insert(example);
        }
        self.latencies.extend(other.latencies);
    }
}

/// Runs the plan with `concurrency` workers, each on its own kept-alive connection (reopened
/// after a failure), ticking `progress` once per delivery. The workers are spread over one
/// single-threaded runtime per core, so a worker and its connection always share a thread
/// (no cross-thread wake-ups per request).
pub fn run(plan: Plan, secret: Secret, progress: ProgressBar) -> anyhow::Result<Report> {
    let workers = plan.concurrency.max(1);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(workers);
    let target = Target::new(&plan.url, plan.trust.clone())?;
    let shared = Arc::new(Shared {
        names: HeaderNames::new(),
        plan,
        target,
        signer: signature::signer(&secret),
        next: AtomicU64::new(0),
        progress,
        started: Instant::now(),
    });
    let spawned = (0..threads)
        .map(|thread| {
            let shared = shared.clone();
            let tasks = workers / threads + usize::from(thread < workers % threads);
            std::thread::Builder::new()
                .name(format!("load-{thread}"))
                .spawn(move || run_thread(shared, tasks))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| anyhow::anyhow!("cannot start a load thread: {err}"))?;
    let mut report = Report::default();
    for handle in spawned {
        let part = handle
            .join()
            .map_err(|_| anyhow::anyhow!("a load thread stopped unexpectedly"))??;
        report.merge(part);
    }
    report.elapsed = shared.started.elapsed();
    report.count = shared.plan.count;
    report.latencies.sort_unstable();
    shared.progress.finish_and_clear();
    Ok(report)
}

/// One thread's share: `tasks` workers on a single-threaded runtime.
fn run_thread(shared: Arc<Shared>, tasks: usize) -> anyhow::Result<Report> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| anyhow::anyhow!("cannot start the async runtime: {err}"))?;
    runtime.block_on(async {
        let handles: Vec<_> = (0..tasks)
            .map(|_| tokio::spawn(worker(shared.clone())))
            .collect();
        let mut report = Report::default();
        for handle in handles {
            let part = handle
                .await
                .map_err(|err| anyhow::anyhow!("a load worker stopped: {err}"))?;
            report.merge(part);
        }
        Ok(report)
    })
}

/// The four header names, made once from the contract's spelling.
struct HeaderNames {
    content_type: HeaderName,
    signature: HeaderName,
    event: HeaderName,
    user_agent: HeaderName,
}

impl HeaderNames {
    fn new() -> Self {
        let name = |text: &str| {
            HeaderName::from_bytes(text.as_bytes()).expect("the contract's header names are valid")
        };
        HeaderNames {
            content_type: name(HEADER_CONTENT_TYPE),
            signature: name(HEADER_SIGNATURE),
            event: name(HEADER_EVENT),
            user_agent: name(HEADER_USER_AGENT),
        }
    }
}

struct Shared {
    names: HeaderNames,
    plan: Plan,
    target: Target,
    /// HMAC-SHA256 keyed once with the secret.
    signer: Webhook,
    next: AtomicU64,
    progress: ProgressBar,
    started: Instant,
}

impl Shared {
    /// The next delivery's index, once its start time (under `--rate`) has come.
    async fn next_index(&self) -> Option<u64> {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        if index >= self.plan.count {
            return None;
        }
        if let Some(rate) = self.plan.rate.filter(|rate| *rate > 0.0) {
            let due = self.started + Duration::from_secs_f64(index as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
        Some(index)
    }

    /// The body and headers of delivery `index`: its own timestamp, id and signature. Body and
    /// signature are carved from `arena`, so most deliveries allocate neither.
    fn request(&self, index: u64, arena: &mut BytesMut) -> (HeaderMap, Bytes) {
        let plan = &self.plan;
        let template = &plan.templates[(index % plan.templates.len() as u64) as usize];
        if arena.capacity() < template.size_hint + SIGNATURE_LEN {
            arena.reserve(ARENA_SIZE.max(template.size_hint + SIGNATURE_LEN));
        }
        template.render_into(plan.first_timestamp + index, index, arena);
        let body = arena.split().freeze();
        // `sha256=` and the hex digits, written into the arena without a String between.
        let _ = write!(arena, "{}", self.signer.signature(&body));
        let signature = arena.split().freeze();
        let mut headers = HeaderMap::with_capacity(4 + plan.extra_headers.len());
        // The reference's four headers in its order; names are written title-case on the wire.
        let names = &self.names;
        headers.insert(
            names.content_type.clone(),
            HeaderValue::from_static(CONTENT_TYPE_JSON),
        );
        if let Ok(value) = HeaderValue::from_maybe_shared(signature) {
            headers.insert(names.signature.clone(), value);
        }
        headers.insert(
            names.event.clone(),
            HeaderValue::from_static(template.event),
        );
        headers.insert(
            names.user_agent.clone(),
            HeaderValue::from_static(USER_AGENT),
        );
        for (name, value) in &plan.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        (headers, body)
    }
}

async fn worker(shared: Arc<Shared>) -> Report {
    let plan = &shared.plan;
    let timeout = plan.timeout;
    let mut report = Report {
        latencies: Vec::with_capacity((plan.count as usize / plan.concurrency.max(1)) + 1),
        ..Report::default()
    };
    let mut connection: Option<Connection> = None;
    let mut arena = BytesMut::with_capacity(ARENA_SIZE);
    while let Some(index) = shared.next_index().await {
        let (headers, body) = shared.request(index, &mut arena);
        let started = Instant::now();
        let open = connection.take().filter(Connection::is_open);
        let exchange = async {
            let mut live = match open {
                Some(live) => live,
                None => shared.target.connect(timeout).await?,
            };
            let status = live.post(&shared.target, headers, body).await?;
            Ok::<_, DeliveryError>((live, status))
        };
        let outcome = tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(DeliveryError::Timeout {
                    url: shared.target.url.to_string(),
                    after: timeout,
                })
            });
        match outcome {
            Ok((live, status)) => {
                report.latencies.push(started.elapsed());
                *report.statuses.entry(status).or_default() += 1;
                connection = Some(live);
            }
            Err(error) => {
                *report.errors.entry(error.kind()).or_default() += 1;
                report.error_examples.entry(error.kind()).or_insert(error);
            }
        }
        shared.progress.inc(1);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let report = Report {
            latencies: (1..=100).map(Duration::from_millis).collect(),
            ..Report::default()
        };
        assert_eq!(report.percentile(0.5), Some(Duration::from_millis(50)));
        assert_eq!(report.percentile(0.99), Some(Duration::from_millis(99)));
        assert_eq!(report.percentile(1.0), Some(Duration::from_millis(100)));
    }
}
