//! An axum extractor (feature `axum`): a handler that takes [`VerifiedEvent`] runs only for a
//! delivery whose signature, payload and event header check out; any other request is answered
//! 400, 401 or 413 with a short JSON error, never a 5xx.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use titancard_webhooks::{Webhook, axum::VerifiedEvent};
//!
//! async fn receive(VerifiedEvent(event): VerifiedEvent) -> &'static str {
//!     println!("{} at {}", event.event, event.timestamp);
//!     "{\"received\":true}"
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::new(std::env::var("TITANCARD_WEBHOOK_SECRET")?)?;
//! let app: Router = Router::new().route("/webhook", post(receive)).with_state(webhook);
//! # Ok(()) }
//! ```

use std::fmt;

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::{EVENT_HEADER, Event, SIGNATURE_HEADER, VerifyError, Webhook};

/// A delivery that passed [`Webhook::verify`], taken from the request with the state's
/// [`Webhook`] (any state `S` with `Webhook: FromRef<S>`; a `Webhook` itself will do).
///
/// The body is read whole within axum's body limit (`DefaultBodyLimit`, 2 MB unless set;
/// TitanCard's payloads are a few hundred bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedEvent(pub Event);

/// Why [`VerifiedEvent`] refused a request; its response is the status and a short JSON error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The delivery failed verification: 400 or 401, as [`VerifyError::status`] says.
    Verify(VerifyError),
    /// The body is over the body limit: 413.
    TooLarge,
    /// The body could not be read (the connection broke): 400.
    BodyUnreadable(String),
}

impl Rejection {
    /// The status answered.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Verify(err) => err.status(),
            Rejection::TooLarge => 413,
            Rejection::BodyUnreadable(_) => 400,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Verify(err) => err.fmt(f),
            Rejection::TooLarge => f.write_str("the body is over the body limit"),
            Rejection::BodyUnreadable(why) => write!(f, "the body could not be read: {why}"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::Verify(err) => Some(err),
            _ => None,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let body = match &self {
            Rejection::Verify(err) => err.response_body(),
            Rejection::TooLarge => error_body("too_large", &self),
            Rejection::BodyUnreadable(_) => error_body("body_unreadable", &self),
        };
        crate::http::json_response(self.status(), body).into_response()
    }
}

fn error_body(kind: &str, rejection: &Rejection) -> String {
    serde_json::json!({"error": {"kind": kind, "message": rejection.to_string()}}).to_string()
}

impl<S> FromRequest<S> for VerifiedEvent
where
    Webhook: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let signature = owned_header(request.headers(), SIGNATURE_HEADER);
        let event = owned_header(request.headers(), EVENT_HEADER);
        let body =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status().as_u16() {
                    413 => Rejection::TooLarge,
                    _ => Rejection::BodyUnreadable(rejection.body_text()),
                })?;
        Webhook::from_ref(state)
            .verify(signature.as_deref(), event.as_deref(), &body)
            .map(VerifiedEvent)
            .map_err(Rejection::Verify)
    }
}

/// A header's first value, owned, so that the body can be read after it.
fn owned_header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}
