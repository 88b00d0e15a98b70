//! `POST /api/events/{id}/replay`: sends a kept delivery again, to this receiver (by default),
//! the `--forward-to` app or a URL typed in. `exact` sends the recorded bytes and headers as they
//! came (this receiver then calls it a duplicate); `fresh` gives the body a new timestamp and
//! signs it with the receiver's first secret, so that dedupe sees a new event.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::entry::Entry;
use crate::contract::{DELIVERY_DEADLINE, HEADER_SIGNATURE};
use crate::payload;
use crate::secret::Secret;
use crate::signature::sign;
use crate::wire::report::ExchangeReport;
use crate::wire::{Client, OutgoingRequest, WebhookUrl};

/// What the page asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayAsk {
    pub mode: Mode,
    /// Where to send it; null or absent: this receiver.
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Exact,
    Fresh,
}

/// The answer (schemas/output/inspector-replay.schema.json).
#[derive(Debug, Serialize)]
pub struct ReplayReport {
    /// The replay was made (a replay that could not be is an API error instead).
    pub ok: bool,
    /// The target answered 2xx.
    pub delivered: bool,
    pub id: u64,
    pub mode: Mode,
    pub url: String,
    #[serde(flatten)]
    pub exchange: ExchangeReport,
}

/// Why a replay was not attempted (400).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("the url {url:?} cannot be delivered to: {reason}")]
    Url { url: String, reason: String },
    #[error("only POST deliveries can be sent again; this one was a {0}")]
    NotPost(String),
    #[error(
        "a fresh re-send needs a JSON object body with a timestamp to renew; this body is not one"
    )]
    NotRenewable,
}

/// The replays of one run: the client, the default target and the secret fresh ones are signed
/// with.
pub struct Replayer {
    pub client: Client,
    pub receiver: WebhookUrl,
    pub secret: Secret,
    /// The last fresh timestamp given, so that two re-sends in one millisecond still differ.
    last_timestamp: AtomicU64,
}

impl Replayer {
    pub fn new(client: Client, receiver: WebhookUrl, secret: Secret) -> Replayer {
        Replayer {
            client,
            receiver,
            secret,
            last_timestamp: AtomicU64::new(0),
        }
    }

    /// Builds the request `ask` describes and sends it, within the delivery deadline.
    pub async fn replay(&self, entry: &Entry, ask: ReplayAsk) -> Result<ReplayReport, ReplayError> {
        let url = match ask
            .url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
        {
            None => self.receiver.clone(),
            Some(text) => text.parse::<WebhookUrl>().map_err(|err| ReplayError::Url {
                url: text.to_string(),
                reason: err.to_string(),
            })?,
        };
        if !entry.method.eq_ignore_ascii_case("POST") {
            return Err(ReplayError::NotPost(entry.method.clone()));
        }
        let mut headers = entry.headers.relayable();
        let body = match ask.mode {
            Mode::Exact => Bytes::from(entry.body_bytes()),
            Mode::Fresh => {
                let body = self.renewed(&entry.body_bytes())?;
                headers.set(HEADER_SIGNATURE, sign(&self.secret, &body));
                body
            }
        };
        let request = OutgoingRequest {
            url: url.clone(),
            headers,
            body,
        };
        let started = Instant::now();
        let result = self.client.send(&request, DELIVERY_DEADLINE).await;
        let exchange = ExchangeReport::new(&result, started.elapsed());
        Ok(ReplayReport {
            ok: true,
            delivered: result.as_ref().is_ok_and(|answer| answer.is_success()),
            id: entry.id,
            mode: ask.mode,
            url: url.to_string(),
            exchange,
        })
    }

    /// The body with a new envelope timestamp (now, and later than any given before),
    /// serialized compactly in its own key order.
    fn renewed(&self, body: &[u8]) -> Result<Bytes, ReplayError> {
        let mut value: Value =
            serde_json::from_slice(body).map_err(|_| ReplayError::NotRenewable)?;
        let object = value.as_object_mut().ok_or(ReplayError::NotRenewable)?;
        if !object.contains_key("timestamp") {
            return Err(ReplayError::NotRenewable);
        }
        let now = payload::now_millis();
        let next = |last: u64| now.max(last + 1);
        let last = self
            .last_timestamp
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(next(last)))
            .unwrap_or_else(|last| last);
        let timestamp = next(last);
        object.insert("timestamp".into(), Value::from(timestamp));
        Ok(Bytes::from(payload::to_bytes(&value)))
    }
}
