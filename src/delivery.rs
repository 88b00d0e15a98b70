//! The sender: one signed POST with the reference's exact headers, no redirects, a deadline, and
//! failures described in plain words. `send`, `probe`, `replay`, `demo` and `listen --forward-to`
//! all deliver through here.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::http1;
use crate::secret::Secret;
use crate::signature::{
    CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE, HEADER_USER_AGENT,
    USER_AGENT, sign,
};

/// How much of a response body is kept for display and reports; the rest is drained unread.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024;

/// One HTTP request to make: the body is sent exactly as held here, never re-serialized.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub url: String,
    /// Header names and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// The reference's four headers, in its order (Content-Type, X-Webhook-Signature,
/// X-Webhook-Event, User-Agent). `signature: None` leaves the signature header out.
pub fn webhook_headers(event: &str, signature: Option<String>) -> Vec<(String, String)> {
    let mut headers = vec![(
        HEADER_CONTENT_TYPE.to_string(),
        CONTENT_TYPE_JSON.to_string(),
    )];
    if let Some(signature) = signature {
        headers.push((HEADER_SIGNATURE.to_string(), signature));
    }
    headers.push((HEADER_EVENT.to_string(), event.to_string()));
    headers.push((HEADER_USER_AGENT.to_string(), USER_AGENT.to_string()));
    headers
}

impl OutgoingRequest {
    /// A delivery as TitanCard makes it: `body` signed with `secret`, the four headers.
    pub fn signed(url: &str, event: &str, body: Bytes, secret: &Secret) -> Self {
        let signature = sign(secret, &body);
        OutgoingRequest {
            url: url.to_string(),
            headers: webhook_headers(event, Some(signature)),
            body,
        }
    }

    /// Adds a header, replacing a default one of the same name (case-insensitive).
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers
            .retain(|(key, _)| !key.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

/// What the endpoint answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// From sending the request to the end of the response body.
    pub latency: Duration,
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
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("invalid URL '{url}': {reason}")]
    InvalidUrl { url: String, reason: String },
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
            DeliveryError::Connect { .. } => "connect",
            DeliveryError::InvalidUrl { .. } => "invalid_url",
            DeliveryError::Other { .. } => "other",
        }
    }
}

/// Checks that `url` is an absolute http(s) URL with a host, before anything is sent.
pub fn check_url(url: &str) -> Result<url::Url, DeliveryError> {
    let invalid = |reason: &str| DeliveryError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(
            "only http:// and https:// URLs can receive webhooks",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host"));
    }
    Ok(parsed)
}

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), and the ones
/// the client writes itself for its own connection (Host, Content-Length). A request relayed or
/// replayed on a new connection drops them.
const CONNECTION_HEADERS: [&str; 11] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// `headers` without the connection-specific ones, ready to go out on a new connection (used by
/// `listen --forward-to` and `replay`). `Expect` is dropped too: the body is sent at once.
pub fn relayable_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            !CONNECTION_HEADERS
                .iter()
                .chain(&["expect"])
                .any(|own| name.eq_ignore_ascii_case(own))
        })
        .cloned()
        .collect()
}

// Reference, "Retry Behavior": "Retry up to 3 times with exponential backoff (1min, 5min, 15min)".
/// The delays before TitanCard's three retries.
pub const RETRY_DELAYS: [Duration; 3] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
];

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

/// Sends one request on a fresh connection exactly as held: its headers in order (title-cased),
/// plus only Host and Content-Length; the body as is. Reads the answer (its body up to
/// `MAX_RESPONSE_BODY`), all within `timeout`.
pub async fn send_once(
    request: &OutgoingRequest,
    timeout: Duration,
) -> Result<Answer, DeliveryError> {
    let target = http1::Target::new(&request.url)?;
    let headers = http1::header_map(&request.headers).map_err(|reason| DeliveryError::Other {
        url: request.url.clone(),
        reason,
    })?;
    let started = Instant::now();
    let exchange = async {
        let mut connection = target.connect(timeout).await?;
        connection
            .post(&target, headers, request.body.clone(), MAX_RESPONSE_BODY)
            .await
    };
    let response = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| DeliveryError::Timeout {
            url: request.url.clone(),
            after: timeout,
        })??;
    Ok(Answer {
        status: response.status,
        latency: started.elapsed(),
        body: response.body,
        body_truncated: response.body_truncated,
    })
}

/// Sends `request` (with `send_once`); after a non-2xx answer or no answer, waits each of
/// `delays` in turn and tries again, until a 2xx answer or the delays run out (no delays: a
/// single try). `on_attempt` sees each attempt as it ends, with the wait before the next one.
pub async fn deliver(
    request: &OutgoingRequest,
    timeout: Duration,
    delays: &[Duration],
    mut on_attempt: impl FnMut(&Attempt, Option<Duration>),
) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    loop {
        let started = Instant::now();
        let result = send_once(request, timeout).await;
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
    fn urls_other_than_http_are_refused_before_sending() {
        for url in [
            "file:///etc/passwd",
            "ftp://example.com/x",
            "http://",
            "not a url",
        ] {
            assert!(
                matches!(check_url(url), Err(DeliveryError::InvalidUrl { .. })),
                "{url}"
            );
        }
        assert!(check_url("http://[::1]:8080/webhook").is_ok());
    }

    #[test]
    fn the_four_headers_in_the_reference_order() {
        let names: Vec<_> = webhook_headers("card.created", Some("sha256=x".into()))
            .into_iter()
            .map(|(name, _)| name)
            .collect();
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
