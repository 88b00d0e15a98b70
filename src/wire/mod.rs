//! The sender: one signed POST with the reference's exact headers, no redirects, a deadline,
//! retries on TitanCard's schedule, and failures described in plain words. `send`, `probe`,
//! `replay`, `demo` and `listen --forward-to` all deliver through here; load mode (`load`) keeps
//! its own connections.
//!
//! Submodules: `url` (what can be delivered to), `tls` (which servers are trusted), `client`
//! (single deliveries on hyper-util's client), `early_answer` (an answer heard when it came
//! before the whole body went out), `explain` (why a delivery failed, in words),
//! `curl` (a request as a command to paste), `transcript` (a request or answer as HTTP text),
//! `report` (an exchange in JSON reports), `targets` (which URL each event goes to), and
//! `connection`, `template` and `load` (load mode).

mod client;
mod connection;
pub mod curl;
mod early_answer;
mod excerpt;
pub mod explain;
pub mod load;
pub mod report;
mod targets;
mod template;
pub mod tls;
pub mod transcript;
pub mod url;

use std::time::Duration;

use bytes::Bytes;

use crate::contract::{
    CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE, HEADER_USER_AGENT,
    USER_AGENT,
};
use crate::headers::Headers;
use crate::secret::Secret;
use crate::signature::sign;
pub use client::Client;
pub use targets::Targets;
pub use url::WebhookUrl;

/// How much of a response body is kept for display and reports; the rest is drained unread.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024;

/// One HTTP request to make: the body is sent exactly as held here, never re-serialized.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub url: WebhookUrl,
    /// Header names and values, in the order they are sent (after `Host`).
    pub headers: Headers,
    pub body: Bytes,
}

/// The reference's four headers, in its order (Content-Type, X-Webhook-Signature,
/// X-Webhook-Event, User-Agent). `signature: None` leaves the signature header out.
pub fn webhook_headers(event: &str, signature: Option<String>) -> Headers {
    let mut headers = Headers::new();
    headers.push(HEADER_CONTENT_TYPE, CONTENT_TYPE_JSON);
    if let Some(signature) = signature {
        headers.push(HEADER_SIGNATURE, signature);
    }
    headers.push(HEADER_EVENT, event);
    headers.push(HEADER_USER_AGENT, USER_AGENT);
    headers
}

impl OutgoingRequest {
    /// A delivery as TitanCard makes it: `body` signed with `secret`, the four headers.
    pub fn signed(url: &WebhookUrl, event: &str, body: Bytes, secret: &Secret) -> Self {
        let signature = sign(secret, &body);
        OutgoingRequest {
            url: url.clone(),
            headers: webhook_headers(event, Some(signature)),
            body,
        }
    }
}

/// What the endpoint answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// From sending the request to the end of the response body.
    pub latency: Duration,
    /// The response headers, in order.
    pub headers: Headers,
    /// The response body, up to `MAX_RESPONSE_BODY` bytes.
    pub body: Vec<u8>,
    /// Whether the body was longer than what is kept.
    pub body_truncated: bool,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why no answer came back, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("connection refused at {url}")]
    ConnectionRefused { url: String },
    #[error("cannot resolve the host of {url}")]
    UnresolvedHost { url: String },
    #[error("no answer from {url} within {}", humantime::format_duration(*.after))]
    Timeout { url: String, after: Duration },
    #[error("the connection to {url} was reset or closed before a full answer")]
    ConnectionReset { url: String },
    #[error("TLS with {url} failed: {reason}")]
    Tls { url: String, reason: String },
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("request to {url} failed: {reason}")]
    Other { url: String, reason: String },
}

impl DeliveryError {
    /// A short stable identifier, for JSON output and error counts.
    pub fn kind(&self) -> &'static str {
        match self {
            DeliveryError::ConnectionRefused { .. } => "connection_refused",
            DeliveryError::UnresolvedHost { .. } => "unresolved_host",
            DeliveryError::Timeout { .. } => "timeout",
            DeliveryError::ConnectionReset { .. } => "connection_reset",
            DeliveryError::Tls { .. } => "tls",
            DeliveryError::Connect { .. } => "connect",
            DeliveryError::Other { .. } => "other",
        }
    }

    /// Whether no connection could be made at all (so nothing else would get through either).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            DeliveryError::ConnectionRefused { .. }
                | DeliveryError::UnresolvedHost { .. }
                | DeliveryError::Tls { .. }
                | DeliveryError::Connect { .. }
        )
    }
}

/// One try at a delivery and what came of it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// 1 for the first try, 2 for the first retry, and so on.
    pub number: usize,
    /// From sending to the answer or the failure.
    pub elapsed: Duration,
    pub result: Result<Answer, DeliveryError>,
}

impl Attempt {
    /// Whether this attempt got a 2xx answer.
    pub fn delivered(&self) -> bool {
        self.result.as_ref().is_ok_and(Answer::is_success)
    }
}

/// Sends `request`; after a non-2xx answer or no answer, waits each of `delays` in turn and
/// tries again, until a 2xx answer or the delays run out (no delays: a single try).
/// `on_attempt` sees each attempt as it ends, with the wait before the next one.
pub async fn deliver(
    client: &Client,
    request: &OutgoingRequest,
    timeout: Duration,
    delays: &[Duration],
    mut on_attempt: impl FnMut(&Attempt, Option<Duration>),
) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    loop {
        let started = std::time::Instant::now();
        let result = client.send(request, timeout).await;
        let attempt = Attempt {
            number: attempts.len() + 1,
            elapsed: result
                .as_ref()
                .map_or_else(|_| started.elapsed(), |answer| answer.latency),
            result,
        };
        let next = (!attempt.delivered())
            .then(|| delays.get(attempts.len()).copied())
            .flatten();
        on_attempt(&attempt, next);
        attempts.push(attempt);
        match next {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_headers_in_the_reference_order() {
        let headers = webhook_headers("card.created", Some("sha256=x".into()));
        let names: Vec<_> = headers.iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                HEADER_CONTENT_TYPE,
                HEADER_SIGNATURE,
                HEADER_EVENT,
                HEADER_USER_AGENT
            ]
        );
    }
}
