//! The conformance suite `probe` runs against a user's endpoint: the reference's receiver rules
//! ("Error Handling", "Signature Verification") as named cases, each one real request (or two).
//!
//! `cases` builds the requests, `run` sends them and judges the answers, `report` renders the
//! result as a table, JSON or JUnit XML.

pub mod cases;
pub mod report;
pub mod run;

use std::time::Duration;

use crate::wire::{OutgoingRequest, WebhookUrl};

/// The header that marks every probe request as a test, so an endpoint can tell it from a real
/// delivery (and, for instance, skip side effects).
pub const HEADER_TEST: &str = "X-Webhook-Test";

/// What a case expects the endpoint to answer, each from one of the reference's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any 2xx, within the timeout.
    Success,
    /// 401: the signature does not verify.
    SignatureRejected,
    /// 400: the body is not a well-formed payload.
    PayloadRejected,
    /// Any 2xx to each of two identical deliveries.
    SuccessTwice,
}

impl Expect {
    /// The short label shown in reports: `2xx`, `401`, `400`, `2xx twice`.
    pub fn label(self) -> &'static str {
        match self {
            Expect::Success => "2xx",
            Expect::SignatureRejected => "401",
            Expect::PayloadRejected => "400",
            Expect::SuccessTwice => "2xx twice",
        }
    }

    /// Whether one answer's status meets the expectation.
    pub fn accepts(self, status: u16) -> bool {
        match self {
            Expect::Success | Expect::SuccessTwice => (200..300).contains(&status),
            Expect::SignatureRejected => status == 401,
            Expect::PayloadRejected => status == 400,
        }
    }

    /// The reference's rule behind the expectation, quoted from its "Error Handling" section.
    pub fn rule(self) -> &'static str {
        match self {
            Expect::Success => "Return a 2xx status code within 30 seconds",
            Expect::SignatureRejected => "Return 401 if signature verification fails",
            Expect::PayloadRejected => "Return 400 for malformed payloads",
            Expect::SuccessTwice => {
                "Handle duplicate events idempotently (use the event timestamp)"
            }
        }
    }
}

/// One named conformance case: the request(s) to send, in order, and what must come back.
#[derive(Debug, Clone)]
pub struct Case {
    /// The stable case id (`valid-card.created`, `missing-signature`, …).
    pub id: String,
    pub expect: Expect,
    /// What a conforming endpoint does with these requests, in a few words.
    pub should: String,
    pub requests: Vec<OutgoingRequest>,
}

/// What happened to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub id: String,
    pub expect: Expect,
    pub passed: bool,
    /// The status that decided the case (the first wrong one, else the last); `None` when no
    /// answer came back.
    pub status: Option<u16>,
    /// Every request's status, in order (`None` where no answer came): two for
    /// `duplicate-delivery`.
    pub statuses: Vec<Option<u16>>,
    /// The first lines of the answer that decided a failed case, control characters escaped.
    pub answer: Option<String>,
    /// Time from sending to the answer (summed over the case's requests).
    pub elapsed: Duration,
    /// What was seen, in words (`answered 401`, `the endpoint crashed on …`).
    pub seen: String,
    /// What a conforming endpoint does (the case's `should`).
    pub should: String,
    /// Whether the endpoint answered 5xx.
    pub crashed: bool,
}

impl CaseResult {
    /// One line: what was seen and, for a failure, what the endpoint should do and the rule
    /// that says so.
    pub fn detail(&self) -> String {
        if self.passed {
            return self.seen.clone();
        }
        let mut detail = format!(
            "{}; it should {}, as the reference's Error Handling says: \"{}\"",
            self.seen,
            self.should,
            self.expect.rule()
        );
        if let Some(answer) = &self.answer {
            detail.push_str(&format!("; the endpoint answered: {answer}"));
        }
        detail
    }
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    pub url: WebhookUrl,
    pub results: Vec<CaseResult>,
    /// Set when the first request could not reach the endpoint at all, so no case ran.
    pub unreachable: Option<crate::wire::DeliveryError>,
}

impl ProbeReport {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.unreachable.is_none() && self.results.iter().all(|result| result.passed)
    }

    /// Whether every correctly signed request was answered 401: most likely the endpoint holds
    /// another secret than the one given, rather than breaking a rule.
    pub fn looks_like_another_secret(&self) -> bool {
        let mut signed = self
            .results
            .iter()
            .filter(|result| matches!(result.expect, Expect::Success | Expect::SuccessTwice))
            .peekable();
        signed.peek().is_some() && signed.all(|result| result.status == Some(401))
    }

    /// The ids of the cases the endpoint answered with a 5xx.
    pub fn crashed_on(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|result| result.crashed)
            .map(|result| result.id.as_str())
            .collect()
    }
}
