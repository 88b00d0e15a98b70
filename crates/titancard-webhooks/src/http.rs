//! Verification over the `http` crate's types (feature `http`), for hyper, tower and every
//! framework built on them: the headers read from a `HeaderMap`, the refusal as a `Response`.

use std::borrow::Cow;

use crate::{EVENT_HEADER, Event, SIGNATURE_HEADER, VerifyError, Webhook};

impl Webhook {
    /// [`verify`](Webhook::verify) with the two headers taken from `headers` (names matched
    /// without regard to case; a value that is not text is compared as it is, and fails).
    ///
    /// ```
    /// use http::HeaderMap;
    /// use titancard_webhooks::{EventKind, Webhook, SIGNATURE_HEADER, EVENT_HEADER};
    ///
    /// let webhook = Webhook::new("whsec_test")?;
    /// let body = EventKind::CardShared.sample().as_bytes();
    /// let mut headers = HeaderMap::new();
    /// headers.insert(SIGNATURE_HEADER, webhook.sign(body).parse()?);
    /// headers.insert(EVENT_HEADER, "card.shared".parse()?);
    /// let event = webhook.verify_headers(&headers, body)?;
    /// assert_eq!(event.kind(), Some(EventKind::CardShared));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Event, VerifyError> {
        let signature = header_text(headers, SIGNATURE_HEADER);
        let event = header_text(headers, EVENT_HEADER);
        self.verify(signature.as_deref(), event.as_deref(), body)
    }

    /// [`verify_headers`](Webhook::verify_headers) on a request whose body has been read whole.
    ///
    /// ```
    /// use titancard_webhooks::{EventKind, Webhook, VerifyError};
    ///
    /// let webhook = Webhook::new("whsec_test")?;
    /// let request = http::Request::post("/webhook")
    ///     .header("X-Webhook-Event", "card.shared")
    ///     .body(EventKind::CardShared.sample())?;
    /// let refused = webhook.verify_request(&request).unwrap_err();
    /// assert_eq!(refused, VerifyError::MissingHeader("X-Webhook-Signature"));
    /// assert_eq!(refused.to_response().status(), 401);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Event, VerifyError> {
        self.verify_headers(request.headers(), request.body().as_ref())
    }
}

impl VerifyError {
    /// The answer to a refused delivery: [`status`](VerifyError::status), a JSON content
    /// type, and [`response_body`](VerifyError::response_body).
    pub fn to_response(&self) -> http::Response<String> {
        json_response(self.status(), self.response_body())
    }
}

/// A response with a JSON body.
pub(crate) fn json_response(status: u16, body: String) -> http::Response<String> {
    let mut response = http::Response::new(body);
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The first value of a header as text; bytes that are not UTF-8 become U+FFFD, so they can
/// only fail the checks.
fn header_text<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<Cow<'h, str>> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()))
}
