//! Why a delivery is refused, and what a receiver answers for it (reference, "Error Handling":
//! 401 when the signature fails, 400 for a malformed payload).

use std::fmt;
use std::time::Duration;

use crate::{EVENT_HEADER, SignatureError, Timestamp};

/// The longest header value an error repeats.
const SHOWN: usize = 64;

/// Why [`Webhook::verify`](crate::Webhook::verify) refused a delivery. Each names one cause;
/// [`status`](VerifyError::status) is what the receiver should answer.
///
/// ```
/// use titancard_webhooks::{VerifyError, Webhook};
///
/// let webhook = Webhook::new("whsec_test")?;
/// let body = br#"{"event":"card.deleted","timestamp":1,"data":{}}"#;
/// let err = webhook.verify(Some("sha256=00"), Some("card.deleted"), body).unwrap_err();
/// assert!(matches!(err, VerifyError::MalformedSignature(_)));
/// assert_eq!(err.status(), 401);
/// assert_eq!(err.kind(), "malformed_signature");
/// # Ok::<(), titancard_webhooks::SecretError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header every delivery carries is missing: [`SIGNATURE_HEADER`](crate::SIGNATURE_HEADER) (401) or
    /// [`EVENT_HEADER`](crate::EVENT_HEADER) (400).
    MissingHeader(&'static str),
    /// The signature header is not `sha256=<64 lowercase hex digits>` (401).
    MalformedSignature(SignatureError),
    /// A well-formed signature that no secret gives for these bytes: another secret, or a body
    /// changed after it was signed (401).
    SignatureMismatch,
    /// The payload's `timestamp` is further from now than the tolerance allows: a replayed or
    /// very late delivery (401).
    TimestampOutsideTolerance {
        /// The payload's timestamp.
        timestamp: Timestamp,
        /// The time it was checked at.
        now: Timestamp,
        /// The tolerance it was checked against.
        tolerance: Duration,
    },
    /// The body is not JSON (400).
    NotJson(JsonError),
    /// The body is JSON but not a TitanCard event: no `event`, `timestamp` or `data`, or a
    /// field of the wrong type (400).
    NotAnEvent(JsonError),
    /// `X-Webhook-Event` names another event than the body's `event` (400). Both are cut to
    /// their first 64 characters.
    EventMismatch {
        /// The header's value.
        header: String,
        /// The body's `event`.
        body: String,
    },
}

impl VerifyError {
    /// The HTTP status a receiver answers with: 401 when the delivery is not proven to come
    /// from TitanCard, 400 when it is but its payload is malformed.
    pub fn status(&self) -> u16 {
        match self {
            VerifyError::MissingHeader(name) if *name == EVENT_HEADER => 400,
            VerifyError::MissingHeader(_)
            | VerifyError::MalformedSignature(_)
            | VerifyError::SignatureMismatch
            | VerifyError::TimestampOutsideTolerance { .. } => 401,
            VerifyError::NotJson(_)
            | VerifyError::NotAnEvent(_)
            | VerifyError::EventMismatch { .. } => 400,
        }
    }

    /// A stable name for the cause, for logs and metrics: `missing_header`,
    /// `malformed_signature`, `signature_mismatch`, `timestamp_outside_tolerance`, `not_json`,
    /// `not_an_event`, `event_mismatch`.
    pub fn kind(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader(_) => "missing_header",
            VerifyError::MalformedSignature(_) => "malformed_signature",
            VerifyError::SignatureMismatch => "signature_mismatch",
            VerifyError::TimestampOutsideTolerance { .. } => "timestamp_outside_tolerance",
            VerifyError::NotJson(_) => "not_json",
            VerifyError::NotAnEvent(_) => "not_an_event",
            VerifyError::EventMismatch { .. } => "event_mismatch",
        }
    }

    /// The short JSON body to answer with: `{"error":{"kind":…,"message":…}}`.
    ///
    /// ```
    /// use titancard_webhooks::VerifyError;
    ///
    /// assert_eq!(
    ///     VerifyError::SignatureMismatch.response_body(),
    ///     r#"{"error":{"kind":"signature_mismatch","message":"the signature does not match the body"}}"#
    /// );
    /// ```
    pub fn response_body(&self) -> String {
        serde_json::json!({"error": {"kind": self.kind(), "message": self.to_string()}}).to_string()
    }

    /// An event-header mismatch, with both values cut to a length fit for a message.
    pub(crate) fn event_mismatch(header: &str, body: &str) -> VerifyError {
        VerifyError::EventMismatch {
            header: header.chars().take(SHOWN).collect(),
            body: body.chars().take(SHOWN).collect(),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingHeader(name) => write!(f, "no {name} header"),
            VerifyError::MalformedSignature(problem) => problem.fmt(f),
            VerifyError::SignatureMismatch => f.write_str("the signature does not match the body"),
            VerifyError::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance,
            } => {
                let (distance, direction) = match now.as_millis().checked_sub(timestamp.as_millis())
                {
                    Some(age) => (age, "old"),
                    None => (timestamp.as_millis() - now.as_millis(), "in the future"),
                };
                write!(
                    f,
                    "the payload's timestamp is {}s {direction}, more than the tolerance of {}s \
                     (a replayed or very late delivery)",
                    distance / 1000,
                    tolerance.as_secs()
                )
            }
            VerifyError::NotJson(err) => write!(f, "the body is not JSON: {err}"),
            VerifyError::NotAnEvent(err) => write!(f, "the body is not a TitanCard event: {err}"),
            VerifyError::EventMismatch { header, body } => write!(
                f,
                "{EVENT_HEADER} says '{header}' but the body's event is '{body}'"
            ),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::MalformedSignature(problem) => Some(problem),
            VerifyError::NotJson(err) | VerifyError::NotAnEvent(err) => Some(err),
            _ => None,
        }
    }
}

/// Where and why a body failed to parse, from serde_json: the message names the place (`at
/// line 1 column 52`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    message: String,
    line: usize,
    column: usize,
}

impl JsonError {
    pub(crate) fn new(message: String, line: usize, column: usize) -> JsonError {
        JsonError {
            message,
            line,
            column,
        }
    }

    /// The 1-based line of the body where parsing stopped.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of that line where parsing stopped.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl From<serde_json::Error> for JsonError {
    fn from(err: serde_json::Error) -> Self {
        JsonError {
            message: err.to_string(),
            line: err.line(),
            column: err.column(),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// Why a [`Webhook`](crate::Webhook) cannot be keyed with the secrets given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// No secret at all.
    None,
    /// An empty secret (often an environment variable that is not set): every signature
    /// computed with it would be forgeable by anyone who guesses that.
    Empty,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::None => f.write_str("no webhook secret given"),
            SecretError::Empty => f.write_str("the webhook secret is empty"),
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SIGNATURE_HEADER;

    #[test]
    fn statuses_follow_the_reference() {
        assert_eq!(VerifyError::MissingHeader(SIGNATURE_HEADER).status(), 401);
        assert_eq!(VerifyError::MissingHeader(EVENT_HEADER).status(), 400);
        assert_eq!(VerifyError::SignatureMismatch.status(), 401);
        assert_eq!(VerifyError::event_mismatch("a", "b").status(), 400);
        let long = VerifyError::event_mismatch(&"x".repeat(100_000), "b");
        assert!(long.to_string().len() < 200);
    }

    #[test]
    fn the_tolerance_message_says_which_way() {
        let err = VerifyError::TimestampOutsideTolerance {
            timestamp: Timestamp::from_millis(0),
            now: Timestamp::from_millis(3_600_000),
            tolerance: Duration::from_secs(60),
        };
        assert!(err.to_string().contains("3600s old"), "{err}");
        let err = VerifyError::TimestampOutsideTolerance {
            timestamp: Timestamp::from_millis(3_600_000),
            now: Timestamp::from_millis(0),
            tolerance: Duration::from_secs(60),
        };
        assert!(err.to_string().contains("in the future"), "{err}");
    }
}
