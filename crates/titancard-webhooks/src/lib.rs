//! Receive TitanCard webhooks in Rust: check each delivery's signature over the raw bytes, read
//! its payload as one of the 14 typed events, and answer what the reference asks (2xx, 401 for a
//! bad signature, 400 for a malformed payload).
//!
//! A complete axum receiver (feature `axum`), deduplicating on [`Event::delivery_key`]:
//!
#![cfg_attr(feature = "axum", doc = "```no_run")]
#![cfg_attr(not(feature = "axum"), doc = "```ignore")]
//! use std::{collections::HashSet, sync::{Arc, Mutex}};
//! use axum::{Router, extract::{FromRef, State}, routing::post};
//! use titancard_webhooks::{DeliveryKey, EventData, Webhook, axum::VerifiedEvent};
//!
//! #[derive(Clone, FromRef)]
//! struct App { webhook: Webhook, seen: Arc<Mutex<HashSet<DeliveryKey>>> }
//!
//! async fn receive(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> &'static str {
//!     if !app.seen.lock().unwrap().insert(event.delivery_key()) {
//!         return r#"{"received":true,"duplicate":true}"#; // a retry: handled once already
//!     }
//!     if let EventData::ConnectionCreated(contact) = &event.data {
//!         println!("new contact: {} <{}>", contact.full_name, contact.email.as_deref().unwrap_or("-"));
//!     }
//!     r#"{"received":true}"#
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let webhook = Webhook::new(std::env::var("TITANCARD_WEBHOOK_SECRET")?)?;
//!     let app = App { webhook, seen: Default::default() };
//!     let router = Router::new().route("/webhook", post(receive)).with_state(app);
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     Ok(axum::serve(listener, router).await?)
//! }
//! ```
//!
//! Anywhere else, [`Webhook::verify`] takes the two header values and the body as it arrived:
//!
//! ```
//! use titancard_webhooks::{EventData, EventKind, Webhook};
//!
//! let webhook = Webhook::new("whsec_test")?;
//! let body = EventKind::ConnectionTagged.sample().as_bytes(); // what arrived
//! let signature = webhook.sign(body); // what X-Webhook-Signature says
//!
//! match webhook.verify(Some(&signature), Some("connection.tagged"), body) {
//!     Ok(event) => {
//!         if let EventData::ConnectionTagged(tagged) = &event.data {
//!             assert_eq!(tagged.tags_added, ["vip"]);
//!         }
//!     }
//!     Err(refused) => panic!("answer {}: {refused}", refused.status()),
//! }
//! # Ok::<(), titancard_webhooks::SecretError>(())
//! ```
//!
//! The signature is checked first, in constant time, before a byte of the body is parsed; a
//! header of any length or shape, and any body, gives an [`Event`] or a [`VerifyError`], never a
//! panic. Events this version does not know are kept as [`EventData::Unknown`] rather than
//! refused, so that a receiver keeps working when TitanCard adds one.
//!
//! Features: `http` adds [`Webhook::verify_headers`] over `http::HeaderMap` and
//! [`VerifyError::to_response`]; `axum` adds the [`axum::VerifiedEvent`] extractor. By default
//! the crate depends on serde, serde_json, and RustCrypto's hmac and sha2 for HMAC-SHA256 only.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "axum")]
pub mod axum;
pub mod data;
mod error;
mod event;
#[cfg(feature = "http")]
mod http;
mod kind;
mod signature;
mod webhook;

pub use data::EventData;
pub use error::{JsonError, SecretError, VerifyError};
pub use event::{DeliveryKey, Event, Timestamp};
pub use kind::{EventKind, UnknownEvent};
pub use signature::{SCHEME_PREFIX, Signature, SignatureError};
pub use webhook::{BodyMac, Webhook, parse_event};

// Reference, "HTTP Headers": the four headers of every delivery.
/// The header that carries the signature: `X-Webhook-Signature: sha256=<64 lowercase hex>`.
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";
/// The header that carries the event's name: `X-Webhook-Event: connection.created`.
pub const EVENT_HEADER: &str = "X-Webhook-Event";
/// The `User-Agent` of every delivery.
pub const USER_AGENT: &str = "TitanCard-Webhooks/1.0";
/// The `Content-Type` of every delivery.
pub const CONTENT_TYPE: &str = "application/json";
