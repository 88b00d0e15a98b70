//! Running the probe's cases one after another, and judging each answer against its rule.
//!
//! Cases run sequentially, never concurrently: the endpoint sees one request at a time in a fixed
//! order, so a crash or a hang is pinned on the case that caused it, `duplicate-delivery`'s two
//! requests arrive in order, and a small receiver is not load-tested by a conformance check.

use std::time::{Duration, Instant};

use super::{Case, CaseResult, Expect, ProbeReport};
use crate::wire::{Answer, Client, DeliveryError, WebhookUrl, explain};

/// What one request of a case got back, and how long it took.
pub type Sent = (Result<Answer, DeliveryError>, Duration);

/// Runs `cases` in order against their URL. `on_result` sees each result as it comes (for live
/// output); it is not called when the endpoint cannot be reached at all.
pub async fn run_all(
    client: &Client,
    url: &WebhookUrl,
    cases: &[Case],
    timeout: Duration,
    mut on_result: impl FnMut(&CaseResult),
) -> ProbeReport {
    let mut results: Vec<CaseResult> = Vec::with_capacity(cases.len());
    let mut last_answered: Option<String> = None;
    for (index, case) in cases.iter().enumerate() {
        let sent = send_case(client, case, timeout).await;
        if index == 0
            && let Some((Err(err), _)) = sent.first()
            && err.is_unreachable()
        {
            return unreachable(url, cases, err);
        }
        let result = judge(case, &sent, last_answered.as_deref());
        if sent.iter().any(|(outcome, _)| outcome.is_ok()) {
            last_answered = Some(case.id.clone());
        }
        on_result(&result);
        results.push(result);
    }
    ProbeReport {
        url: url.clone(),
        results,
        unreachable: None,
    }
}

async fn send_case(client: &Client, case: &Case, timeout: Duration) -> Vec<Sent> {
    let mut sent = Vec::with_capacity(case.requests.len());
    for request in &case.requests {
        let started = Instant::now();
        let outcome = client.send(request, timeout).await;
        sent.push((outcome, started.elapsed()));
    }
    sent
}

/// The report when the first request found no endpoint: every case failed, none sent again.
fn unreachable(url: &WebhookUrl, cases: &[Case], err: &DeliveryError) -> ProbeReport {
    let results = cases
        .iter()
        .map(|case| CaseResult {
            id: case.id.clone(),
            expect: case.expect,
            passed: false,
            status: None,
            statuses: Vec::new(),
            answer: None,
            elapsed: Duration::ZERO,
            seen: format!("not run: {err}"),
            should: case.should.clone(),
            crashed: false,
        })
        .collect();
    ProbeReport {
        url: url.clone(),
        results,
        unreachable: Some(err.clone()),
    }
}

/// Judges what came back for `case`. `last_answered` is the latest earlier case that got an
/// answer, to point at it when the endpoint stops accepting connections.
pub fn judge(case: &Case, sent: &[Sent], last_answered: Option<&str>) -> CaseResult {
    let elapsed = sent.iter().map(|(_, took)| *took).sum();
    let mut result = CaseResult {
        id: case.id.clone(),
        expect: case.expect,
        passed: true,
        status: None,
        statuses: sent
            .iter()
            .map(|(outcome, _)| outcome.as_ref().ok().map(|answer| answer.status))
            .collect(),
        answer: None,
        elapsed,
        seen: String::new(),
        should: case.should.clone(),
        crashed: false,
    };
    let which = |index: usize| match (sent.len(), index) {
        (1, _) => String::new(),
        (_, 0) => " to the first delivery".to_string(),
        (_, 1) => " to the second delivery".to_string(),
        (_, n) => format!(" to delivery {}", n + 1),
    };
    for (index, (outcome, _)) in sent.iter().enumerate() {
        let seen = match outcome {
            Err(err) => {
                let mut seen = err.to_string();
                if let (DeliveryError::ConnectionRefused { .. }, Some(previous)) =
                    (err, last_answered)
                {
                    seen.push_str(&format!(
                        " (the endpoint stopped accepting connections after {previous})"
                    ));
                }
                result.status = None;
                seen
            }
            Ok(answer) => {
                result.status = Some(answer.status);
                if case.expect.accepts(answer.status) {
                    continue;
                }
                result.crashed = answer.status >= 500;
                result.answer = explain::excerpt(&answer.body);
                wrong_status(&case.id, case.expect, answer.status, &which(index))
            }
        };
        result.passed = false;
        result.seen = seen;
        if sent.len() > 1 {
            result.seen.push_str(&format!(
                " (answers: {})",
                answers_in_order(&result.statuses)
            ));
        }
        return result;
    }
    let statuses: Vec<String> = result
        .statuses
        .iter()
        .flatten()
        .map(u16::to_string)
        .collect();
    result.seen = match (result.status, sent.len()) {
        (Some(status), 1) => format!("answered {status}"),
        (Some(_), _) => format!("answered {}", statuses.join(" then ")),
        (None, _) => "nothing was sent".to_string(),
    };
    result
}

/// `200, 409`, with `no answer` where none came.
fn answers_in_order(statuses: &[Option<u16>]) -> String {
    statuses
        .iter()
        .map(|status| status.map_or_else(|| "no answer".to_string(), |s| s.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Describes an answer whose status breaks the case's rule.
fn wrong_status(id: &str, expect: Expect, status: u16, which: &str) -> String {
    match status {
        500..=599 => format!("the endpoint crashed on {id} (answered {status}{which})"),
        413 => format!("answered 413{which}: {}", explain::TOO_LARGE),
        300..=399 => {
            format!("answered {status}{which}, a redirect, which webhook deliveries do not follow")
        }
        200..=299 if expect != Expect::Success => {
            format!("answered {status}{which}: the endpoint accepted what it should reject")
        }
        _ => format!("answered {status}{which}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, expect: Expect, requests: usize) -> Case {
        let request = crate::wire::OutgoingRequest {
            url: "http://127.0.0.1:9/".parse().unwrap(),
            headers: crate::headers::Headers::new(),
            body: bytes::Bytes::new(),
        };
        Case {
            id: id.into(),
            expect,
            should: "do the right thing".into(),
            requests: vec![request; requests],
        }
    }

    fn answered(status: u16) -> Sent {
        let answer = Answer {
            status,
            latency: Duration::from_millis(2),
            headers: crate::headers::Headers::new(),
            body: Vec::new(),
            body_truncated: false,
        };
        (Ok(answer), Duration::from_millis(2))
    }

    #[test]
    fn a_5xx_is_a_crash_named_after_the_case() {
        let result = judge(
            &case("missing-signature", Expect::SignatureRejected, 1),
            &[answered(500)],
            None,
        );
        assert!(!result.passed && result.crashed);
        assert_eq!(result.status, Some(500));
        assert!(
            result
                .detail()
                .starts_with("the endpoint crashed on missing-signature (answered 500)")
        );
        assert!(
            result
                .detail()
                .contains("\"Return 401 if signature verification fails\"")
        );
    }

    #[test]
    fn the_duplicate_case_names_the_delivery_that_failed() {
        let dup = case("duplicate-delivery", Expect::SuccessTwice, 2);
        let result = judge(&dup, &[answered(200), answered(409)], None);
        assert!(!result.passed);
        assert_eq!(result.status, Some(409));
        assert!(
            result
                .detail()
                .starts_with("answered 409 to the second delivery")
        );
        let result = judge(&dup, &[answered(200), answered(204)], None);
        assert!(result.passed);
        assert_eq!(result.detail(), "answered 200 then 204");
        assert_eq!(result.statuses, [Some(200), Some(204)]);
    }

    #[test]
    fn no_answer_has_no_status_and_points_at_the_last_answered_case() {
        let refused = DeliveryError::ConnectionRefused {
            url: "http://127.0.0.1:9/".into(),
        };
        let result = judge(
            &case("malformed-json", Expect::PayloadRejected, 1),
            &[(Err(refused), Duration::ZERO)],
            Some("truncated-signature"),
        );
        assert!(!result.passed && !result.crashed);
        assert_eq!(result.status, None);
        assert!(result.detail().contains("after truncated-signature"));
    }

    #[test]
    fn accepting_a_bad_signature_is_said_plainly() {
        let result = judge(
            &case("wrong-secret", Expect::SignatureRejected, 1),
            &[answered(200)],
            None,
        );
        assert!(
            result
                .detail()
                .starts_with("answered 200: the endpoint accepted")
        );
    }
}
