//! Signing and verifying deliveries (reference, "Signature Verification"): HMAC-SHA256 over the
//! raw body bytes with the secret's UTF-8 bytes as key, checked in constant time, before the
//! body is parsed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hmac::{KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// HMAC-SHA256 keyed with one secret (RustCrypto's, with SHA extensions used where the CPU has
/// them); cloned per body, so the key schedule is paid once.
type Keyed = hmac::Hmac<Sha256>;

use crate::{
    EVENT_HEADER, Event, JsonError, SIGNATURE_HEADER, SecretError, Signature, Timestamp,
    VerifyError,
};

/// The secrets of one webhook endpoint, keyed once, and the checks a delivery must pass.
///
/// Several secrets are accepted during a rotation: a signature made with any of them is valid,
/// and [`sign`](Webhook::sign) uses the first. Cloning is cheap (the keys are shared). `Debug`
/// never shows a secret.
///
/// ```
/// use titancard_webhooks::{EventKind, Webhook};
///
/// let webhook = Webhook::new("whsec_test")?;
/// let body = br#"{"event":"note.added","timestamp":1705420800000,"data":{"id":"n12note456","connection_id":"j57xyz789ghi","note_content":"Call back","contact_name":"Jane Doe","contact_email":null,"added_at":1705420800000}}"#;
/// let signature = webhook.sign(body);
///
/// let event = webhook.verify(Some(&signature), Some("note.added"), body)?;
/// assert_eq!(event.kind(), Some(EventKind::NoteAdded));
/// assert!(webhook.verify(Some(&signature), Some("note.added"), b"{}").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    keys: Arc<[Keyed]>,
    tolerance: Option<Duration>,
}

impl Webhook {
    /// A webhook with one secret, such as TitanCard's `whsec_…` value. An empty secret is
    /// refused: it is usually an environment variable that is not set.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Webhook, SecretError> {
        Webhook::with_secrets([secret])
    }

    /// A webhook with several secrets, for a rotation: a delivery signed with any of them is
    /// valid; the first one signs. At least one, none empty.
    ///
    /// ```
    /// use titancard_webhooks::Webhook;
    ///
    /// let old = Webhook::new("whsec_old")?;
    /// let rotating = Webhook::with_secrets(["whsec_new", "whsec_old"])?;
    /// let signature = old.sign(b"{}");
    /// assert_eq!(rotating.verify_signature(Some(&signature), b"{}"), Ok(1));
    /// # Ok::<(), titancard_webhooks::SecretError>(())
    /// ```
    pub fn with_secrets<I>(secrets: I) -> Result<Webhook, SecretError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut keys = Vec::new();
        for secret in secrets {
            let secret = secret.as_ref();
            if secret.is_empty() {
                return Err(SecretError::Empty);
            }
            keys.push(Keyed::new_from_slice(secret).expect("HMAC takes a key of any length"));
        }
        if keys.is_empty() {
            return Err(SecretError::None);
        }
        Ok(Webhook {
            keys: keys.into(),
            tolerance: None,
        })
    }

    /// Refuses a delivery whose payload `timestamp` is further than `window` from now, in
    /// either direction (a replay). Off by default, as the reference sets no window; the
    /// timestamp is inside the signed body, so it cannot be changed without the secret.
    ///
    /// TitanCard retries a failed delivery after 1, 5 and 15 minutes with the same payload:
    /// a window shorter than about 25 minutes refuses genuine retries.
    pub fn tolerance(mut self, window: Duration) -> Webhook {
        self.tolerance = Some(window);
        self
    }

    /// The `X-Webhook-Signature` value for `body` with the first secret: `sha256=` and 64
    /// lowercase hex digits, for a receiver's own tests.
    pub fn sign(&self, body: &[u8]) -> String {
        self.signature(body).to_string()
    }

    /// The signature of `body` with the first secret, as a value.
    pub fn signature(&self, body: &[u8]) -> Signature {
        let mut mac = self.mac();
        mac.update(body);
        mac.signature()
    }

    /// Checks a delivery: the signature over the raw `body` first (constant time, any header
    /// of any length), then the body as an event, then `event_header` against the body's
    /// `event`, then the tolerance when one is set.
    ///
    /// `signature_header` and `event_header` are the values of `X-Webhook-Signature` and
    /// `X-Webhook-Event` (`None` when absent). `body` must be the bytes as they arrived: a body
    /// parsed and serialized again does not verify.
    pub fn verify(
        &self,
        signature_header: Option<&str>,
        event_header: Option<&str>,
        body: &[u8],
    ) -> Result<Event, VerifyError> {
        self.verify_at(signature_header, event_header, body, SystemTime::now())
    }

    /// [`verify`](Webhook::verify) with the tolerance checked against `now` instead of the
    /// clock (for tests).
    pub fn verify_at(
        &self,
        signature_header: Option<&str>,
        event_header: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Event, VerifyError> {
        self.verify_signature(signature_header, body)?;
        let event = parse_event(body)?;
        let event_header = event_header.ok_or(VerifyError::MissingHeader(EVENT_HEADER))?;
        if event_header != event.event {
            return Err(VerifyError::event_mismatch(event_header, &event.event));
        }
        if let Some(tolerance) = self.tolerance {
            check_tolerance(event.timestamp, now, tolerance)?;
        }
        Ok(event)
    }

    /// Checks the signature alone, and says which secret made it: its position in the order
    /// given (0 for the first).
    pub fn verify_signature(
        &self,
        signature_header: Option<&str>,
        body: &[u8],
    ) -> Result<usize, VerifyError> {
        let expected = parse_signature_header(signature_header)?;
        // One tag per secret, each compared in constant time; no allocation on this path.
        first_match(
            self.keys
                .iter()
                .map(|key| tag_bytes(key.clone().chain_update(body))),
            &expected,
        )
    }

    /// A MAC to feed a body in pieces, for a body too large to hold (a file, a stream).
    ///
    /// ```
    /// use titancard_webhooks::{Signature, Webhook};
    ///
    /// let webhook = Webhook::new("whsec_test")?;
    /// let mut mac = webhook.mac();
    /// for piece in [&b"{\"event\":"[..], b"\"card.created\"}"] {
    ///     mac.update(piece);
    /// }
    /// let whole = webhook.sign(b"{\"event\":\"card.created\"}");
    /// assert_eq!(mac.verify(&Signature::parse(&whole)?), Ok(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mac(&self) -> BodyMac {
        BodyMac {
            contexts: self.keys.to_vec(),
        }
    }

    /// How many secrets there are.
    pub fn secret_count(&self) -> usize {
        self.keys.len()
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &format_args!("[{} redacted]", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// The HMAC of a body being fed in pieces, with each of a webhook's secrets.
#[derive(Clone)]
pub struct BodyMac {
    contexts: Vec<Keyed>,
}

impl BodyMac {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, bytes: &[u8]) {
        for context in &mut self.contexts {
            context.update(bytes);
        }
    }

    /// The signature of everything fed, with the first secret.
    pub fn signature(self) -> Signature {
        let first = self.contexts.into_iter().next();
        // A `Webhook` always has at least one secret.
        Signature::from_bytes(first.map_or([0; 32], tag_bytes))
    }

    /// Whether `expected` is the signature of everything fed with one of the secrets: the
    /// position of the first that matches. Every secret's tag is computed and compared in
    /// constant time, whatever the first one says.
    pub fn verify(self, expected: &Signature) -> Result<usize, VerifyError> {
        first_match(self.contexts.into_iter().map(tag_bytes), expected)
    }
}

/// The position of the first tag equal to `expected`. Every tag is compared, in constant time,
/// whatever the ones before said: the time depends on how many secrets there are, never on
/// where a tag first differs from the signature.
fn first_match(
    tags: impl Iterator<Item = [u8; 32]>,
    expected: &Signature,
) -> Result<usize, VerifyError> {
    let mut matched = None;
    for (index, tag) in tags.enumerate() {
        let equal = bool::from(tag.ct_eq(expected.as_bytes()));
        if equal && matched.is_none() {
            matched = Some(index);
        }
    }
    matched.ok_or(VerifyError::SignatureMismatch)
}

fn tag_bytes(mac: Keyed) -> [u8; 32] {
    mac.finalize().into_bytes().into()
}

/// The signature a header value carries, or why there is none.
pub(crate) fn parse_signature_header(value: Option<&str>) -> Result<Signature, VerifyError> {
    let value = value.ok_or(VerifyError::MissingHeader(SIGNATURE_HEADER))?;
    Signature::parse(value).map_err(VerifyError::MalformedSignature)
}

/// Parses a body as an event: `NotJson` when it is not JSON at all, `NotAnEvent` when it is
/// JSON of another shape.
///
/// ```
/// use titancard_webhooks::{parse_event, EventKind, VerifyError};
///
/// assert!(parse_event(EventKind::CardViewed.sample().as_bytes()).is_ok());
/// assert!(matches!(parse_event(b"{\"event\":"), Err(VerifyError::NotJson(_))));
/// assert!(matches!(parse_event(b"[1, 2]"), Err(VerifyError::NotAnEvent(_))));
/// ```
pub fn parse_event(body: &[u8]) -> Result<Event, VerifyError> {
    // Checking the UTF-8 once, over the whole body, costs less than serde_json's check of each
    // string, and one reader type keeps one copy of each event's parser in the binary.
    let text =
        std::str::from_utf8(body).map_err(|err| VerifyError::NotJson(not_utf8(body, &err)))?;
    let parsed = serde_json::from_str::<Event>(text);
    parsed.map_err(|err| {
        if !err.is_data() {
            return VerifyError::NotJson(JsonError::from(err));
        }
        // A data error may come before a syntax error further on: only a body that is JSON
        // throughout is "JSON, but not an event".
        match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => VerifyError::NotAnEvent(JsonError::from(err)),
            Err(syntax) => VerifyError::NotJson(JsonError::from(syntax)),
        }
    })
}

/// Where a body stops being UTF-8, in serde_json's words for it.
fn not_utf8(body: &[u8], err: &std::str::Utf8Error) -> JsonError {
    let before = &body[..err.valid_up_to()];
    let line = 1 + before.iter().filter(|&&byte| byte == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |at| at + 1);
    let column = before.len() - line_start + 1;
    JsonError::new(
        format!("invalid unicode code point at line {line} column {column}"),
        line,
        column,
    )
}

fn check_tolerance(
    timestamp: Timestamp,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), VerifyError> {
    let now = Timestamp::from_system_time(now).unwrap_or(Timestamp::from_millis(0));
    let distance = now.as_millis().abs_diff(timestamp.as_millis());
    if u128::from(distance) <= tolerance.as_millis() {
        return Ok(());
    }
    Err(VerifyError::TimestampOutsideTolerance {
        timestamp,
        now,
        tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            Webhook::new("Jefe")
                .unwrap()
                .sign(b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn empty_and_missing_secrets_are_refused() {
        assert_eq!(Webhook::new("").err(), Some(SecretError::Empty));
        assert_eq!(
            Webhook::with_secrets(Vec::<String>::new()).err(),
            Some(SecretError::None)
        );
        assert_eq!(
            Webhook::with_secrets(["a", ""]).err(),
            Some(SecretError::Empty)
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let webhook = Webhook::with_secrets(["hunter2", "hunter3"]).unwrap();
        let shown = format!("{webhook:?}");
        assert!(!shown.contains("hunter"), "{shown}");
        assert!(shown.contains("2 redacted"), "{shown}");
    }
}
