//! One request as the receiver saw, judged and answered it: what the terminal lines, the `--save`
//! record and in-process observers (`demo`, the inspector) are all made from.

use std::time::{Duration, SystemTime};

use super::payload::Payload;
use bytes::Bytes;

use super::verdict::Verdict;
use crate::headers::Headers;
use crate::record::RecordLine;
use crate::wire::{Answer, DeliveryError};

/// One request and what came of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub received_at: SystemTime,
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    /// Lower-case header names and values, in the order received.
    pub headers: Headers,
    /// The body exactly as received (empty when it was refused before being read).
    pub body: Bytes,
    /// The body parsed, when it got that far.
    pub payload: Option<Payload>,
    pub verdict: Verdict,
    /// The status answered.
    pub status: u16,
    /// The `--forward-to` app's answer (or why none came), when the request was relayed.
    pub forwarded: Option<Forwarded>,
}

/// What the `--forward-to` app did with a relayed request.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub result: Result<Answer, DeliveryError>,
    pub elapsed: Duration,
}

impl Exchange {
    /// The event the body names, when it parsed.
    pub fn event(&self) -> Option<&str> {
        self.payload.as_ref().and_then(Payload::event)
    }

    /// The payload's identifying data fields (names, emails), when it parsed.
    pub fn key_fields(&self) -> Vec<(&'static str, String)> {
        self.payload
            .as_ref()
            .map(Payload::key_fields)
            .unwrap_or_default()
    }

    /// The time received, as RFC 3339 UTC with milliseconds.
    pub fn received_at_text(&self) -> String {
        humantime::format_rfc3339_millis(self.received_at).to_string()
    }

    /// The `--save` line for this request.
    pub fn record(&self) -> RecordLine<'_> {
        RecordLine::new(
            self.received_at_text(),
            &self.method,
            &self.path,
            &self.headers,
            &self.body,
            Some(self.status),
            Some(self.verdict.name()),
        )
    }
}
