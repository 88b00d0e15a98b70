//! One HTTP exchange as the JSON reports give it, the same in `send`, `replay`, `probe`, `demo`
//! and `listen --forward-to`: `status` (null when no answer came), `millis`, the `response`
//! (headers and body) and `error: {kind, message}`.

use std::time::Duration;

use serde::Serialize;

use super::explain::{self, Explanation};
use super::{Answer, DeliveryError};
use crate::headers::Headers;
use crate::output::{ErrorReport, millis};
use crate::record::{BodyEncoding, RequestRecord};

/// What came back for one request.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeReport {
    /// The status answered; null when no answer came.
    pub status: Option<u16>,
    /// From sending the request to the end of the answer (or the failure).
    pub millis: f64,
    /// The answer; null when none came.
    pub response: Option<ResponseReport>,
    /// Why no answer came; null when one did.
    pub error: Option<ErrorReport>,
    /// Why the delivery failed and what to do; null for a 2xx answer.
    pub explanation: Option<Explanation>,
}

/// An answer's headers and body (its first 64 KiB).
#[derive(Debug, Clone, Serialize)]
pub struct ResponseReport {
    pub headers: Headers,
    /// The body as text, or base64 when it is not UTF-8.
    pub body: String,
    pub body_encoding: BodyEncoding,
    /// Whether the body was longer than what is kept.
    pub truncated: bool,
}

impl ExchangeReport {
    /// The report of one request's outcome; `elapsed` is used when no answer came.
    pub fn new(result: &Result<Answer, DeliveryError>, elapsed: Duration) -> Self {
        let explanation = explain::of_result(result);
        match result {
            Ok(answer) => {
                let (body, body_encoding) = RequestRecord::encode_body(&answer.body);
                ExchangeReport {
                    status: Some(answer.status),
                    millis: millis(answer.latency),
                    response: Some(ResponseReport {
                        headers: answer.headers.clone(),
                        body,
                        body_encoding,
                        truncated: answer.body_truncated,
                    }),
                    error: None,
                    explanation,
                }
            }
            Err(err) => ExchangeReport {
                status: None,
                millis: millis(elapsed),
                response: None,
                error: Some(ErrorReport::from(err)),
                explanation,
            },
        }
    }
}

impl From<&DeliveryError> for ErrorReport {
    fn from(err: &DeliveryError) -> Self {
        ErrorReport::new(err.kind(), err.to_string())
    }
}
