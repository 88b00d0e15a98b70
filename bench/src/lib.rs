//! The three ways a Rust receiver verifies and reads a TitanCard delivery, on the same bodies:
//! this project's library; what a receiver writes by hand from the reference (the `hmac` and
//! `sha2` crates, then `serde_json::Value`); and the `svix` crate's `Webhook::verify` (another
//! signing scheme over the same body, the same HMAC-SHA256 work, no parse).
//!
//! The criterion bench (benches/verify.rs) times them; the binary (src/main.rs) runs one of them
//! a given number of times, for instruction counts under callgrind.

use hmac::{KeyInit, Mac};
use serde_json::Value;
use titancard_webhooks::{EventKind, Webhook};

/// The secret every way is keyed with (svix takes it base64-encoded).
pub const SECRET: &[u8] = b"whsec_bench_3c1f9e";

/// One delivery as it arrives, with the headers each scheme needs.
pub struct Delivery {
    pub name: String,
    pub event: &'static str,
    pub body: Vec<u8>,
    pub signature: String,
    pub svix_headers: http::HeaderMap,
}

/// The reference's 14 samples, compact as TitanCard sends them (its key order: `event` first),
/// and one `note.added` of about 1 MB (a long note).
pub fn deliveries() -> Vec<Delivery> {
    let mut out: Vec<Delivery> = EventKind::ALL
        .iter()
        .map(|kind| {
            delivery(
                kind.as_str().to_string(),
                kind.as_str(),
                compact(kind.sample()).into_bytes(),
            )
        })
        .collect();
    let short =
        "Had a great call discussing Q2 plans. She's interested in our enterprise offering.";
    let long = "Had a great call discussing Q2 plans. ".repeat(27_000);
    let note = compact(EventKind::NoteAdded.sample()).replace(short, &long);
    out.push(delivery(
        "note.added 1 MB".into(),
        "note.added",
        note.into_bytes(),
    ));
    out
}

/// The sample as TitanCard sends it: compact, keys in the sample's order (the library's `Event`
/// writes back the bytes it read, which its tests check; serde_json's `Value` would sort the keys
/// unless built with `preserve_order`).
fn compact(sample: &str) -> String {
    let event = titancard_webhooks::parse_event(sample.as_bytes()).expect("a sample");
    serde_json::to_string(&event).expect("an event serializes")
}

fn delivery(name: String, event: &'static str, body: Vec<u8>) -> Delivery {
    let signature = Webhook::new(SECRET).expect("a secret").sign(&body);
    let svix = svix_webhook();
    let timestamp = std::time::UNIX_EPOCH
        .elapsed()
        .expect("a clock after 1970")
        .as_secs() as i64;
    let svix_signature = svix
        .sign("msg_2bench", timestamp, &body)
        .expect("UTF-8 body");
    let mut svix_headers = http::HeaderMap::new();
    svix_headers.insert("svix-id", http::HeaderValue::from_static("msg_2bench"));
    svix_headers.insert(
        "svix-timestamp",
        timestamp.to_string().parse().expect("digits"),
    );
    svix_headers.insert("svix-signature", svix_signature.parse().expect("base64"));
    Delivery {
        name,
        event,
        body,
        signature,
        svix_headers,
    }
}

/// svix's webhook, keyed with the same secret bytes.
pub fn svix_webhook() -> svix::webhooks::Webhook {
    svix::webhooks::Webhook::from_bytes(SECRET.to_vec()).expect("a secret")
}

/// This project's library: signature, then a typed event, then the event header.
pub fn library(webhook: &Webhook, delivery: &Delivery) -> bool {
    webhook
        .verify(
            Some(&delivery.signature),
            Some(delivery.event),
            &delivery.body,
        )
        .is_ok()
}

/// By hand from the reference, as well as it can be written: the HMAC keyed once and cloned,
/// the hex decoded and compared in constant time (`verify_slice`), then the body parsed into a
/// `serde_json::Value` and its event compared with the header.
pub fn by_hand(keyed: &hmac::Hmac<sha2::Sha256>, delivery: &Delivery) -> bool {
    let Some(hex) = delivery.signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex) else {
        return false;
    };
    let mut mac = keyed.clone();
    mac.update(&delivery.body);
    if mac.verify_slice(&expected).is_err() {
        return false;
    }
    let Ok(value) = serde_json::from_slice::<Value>(&delivery.body) else {
        return false;
    };
    value.get("event").and_then(Value::as_str) == Some(delivery.event)
}

/// The HMAC a hand-written receiver keys once.
pub fn by_hand_key() -> hmac::Hmac<sha2::Sha256> {
    hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).expect("any key length")
}

/// svix's verification of its own headers (no parse).
pub fn svix(webhook: &svix::webhooks::Webhook, delivery: &Delivery) -> bool {
    webhook
        .verify(&delivery.body, &delivery.svix_headers)
        .is_ok()
}
