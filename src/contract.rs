//! What the reference defines about the wire, written once: the header names and values of a
//! delivery, the `sha256=` signature scheme, the 30-second deadline, the retry schedule, and the
//! milliseconds rule for timestamps. Every module that speaks the contract takes it from here.

use std::time::Duration;

// Reference, "HTTP Headers": the four headers of every delivery, in this order.
/// `Content-Type`.
pub const HEADER_CONTENT_TYPE: &str = "Content-Type";
/// The signature header (the library's).
pub const HEADER_SIGNATURE: &str = titancard_webhooks::SIGNATURE_HEADER;
/// The event-name header (the library's).
pub const HEADER_EVENT: &str = titancard_webhooks::EVENT_HEADER;
/// `User-Agent`.
pub const HEADER_USER_AGENT: &str = "User-Agent";
/// The Content-Type value of every delivery (the library's).
pub const CONTENT_TYPE_JSON: &str = titancard_webhooks::CONTENT_TYPE;
/// The User-Agent value of every delivery (the library's).
pub const USER_AGENT: &str = titancard_webhooks::USER_AGENT;

// Reference, "Signature Verification": `sha256=` + the HMAC-SHA256 of the raw body, in hex.
/// The scheme prefix of the signature header value (the library's).
pub const SCHEME_PREFIX: &str = titancard_webhooks::SCHEME_PREFIX;
/// How many hex digits follow the prefix (a SHA-256 digest is 32 bytes).
pub const SIGNATURE_HEX_DIGITS: usize = 64;
/// The length of a whole signature header value: `sha256=` and 64 hex digits.
pub const SIGNATURE_LEN: usize = SCHEME_PREFIX.len() + SIGNATURE_HEX_DIGITS;

// Reference, "Error Handling": "Return a 2xx status code within 30 seconds".
/// How long a receiver has to answer a delivery.
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(30);

// Reference, "Retry Behavior": "Retry up to 3 times with exponential backoff (1min, 5min, 15min)".
/// The delays before TitanCard's three retries.
pub const RETRY_DELAYS: [Duration; 3] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
];

// Reference, "Webhook Payload Structure": timestamps are milliseconds since the epoch.
/// Below this a timestamp is more likely seconds than milliseconds: 1e11 ms is March 1973, while
/// 1e11 s is the year 5138.
const SECONDS_LIMIT: u64 = 100_000_000_000;

/// Whether a positive timestamp looks like seconds rather than the contract's milliseconds.
pub fn looks_like_seconds(timestamp: u64) -> bool {
    timestamp > 0 && timestamp < SECONDS_LIMIT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_milliseconds_rule_sits_between_1973_and_5138() {
        assert!(looks_like_seconds(1_705_420_800));
        assert!(!looks_like_seconds(1_705_420_800_000));
        assert!(!looks_like_seconds(0));
        assert_eq!(SIGNATURE_LEN, 71);
    }
}
