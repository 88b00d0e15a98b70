//! The probe's cases: the requests to send and what each must get back, built from the
//! catalogue's sample payloads with fresh, unique timestamps.

use bytes::Bytes;

use super::{Case, Expect, HEADER_TEST};
use crate::delivery::{OutgoingRequest, webhook_headers};
use crate::events::EventSpec;
use crate::payload;
use crate::secret::Secret;
use crate::signature::{SCHEME_PREFIX, sign};

/// The id of the `wrong-secret` case.
pub const WRONG_SECRET: &str = "wrong-secret";
/// The id of the `missing-signature` case.
pub const MISSING_SIGNATURE: &str = "missing-signature";
/// The id of the `truncated-signature` case.
pub const TRUNCATED_SIGNATURE: &str = "truncated-signature";
/// The id of the `malformed-signature` case.
pub const MALFORMED_SIGNATURE: &str = "malformed-signature";
/// The id of the `tampered-body` case.
pub const TAMPERED_BODY: &str = "tampered-body";
/// The id of the `malformed-json` case.
pub const MALFORMED_JSON: &str = "malformed-json";
/// The id of the `duplicate-delivery` case.
pub const DUPLICATE_DELIVERY: &str = "duplicate-delivery";

/// The case ids other than `valid-<event>`, in the order they run.
pub const NEGATIVE_CASES: [&str; 7] = [
    WRONG_SECRET,
    MISSING_SIGNATURE,
    TRUNCATED_SIGNATURE,
    MALFORMED_SIGNATURE,
    TAMPERED_BODY,
    MALFORMED_JSON,
    DUPLICATE_DELIVERY,
];

/// The value sent by `malformed-signature`: nothing like `sha256=<hex>`.
pub const MALFORMED_SIGNATURE_VALUE: &str = "not-a-signature";

/// How many hex digits `truncated-signature` keeps of the real signature.
pub const TRUNCATED_HEX_DIGITS: usize = 8;

/// The id of the case that sends `event` correctly signed.
pub fn valid_case_id(event: &str) -> String {
    format!("valid-{event}")
}

/// Builds every case: one `valid-<event>` per event in `events` (in that order), then the
/// negative cases, which all use the first event. `now_ms` seeds the timestamps.
pub fn build(url: &str, secret: &Secret, events: &[&'static EventSpec], now_ms: u64) -> Vec<Case> {
    let first = events
        .first()
        .copied()
        .unwrap_or(&crate::events::CATALOGUE[0]);
    // One timestamp per body, each new: an endpoint that dedupes on the timestamp (as the
    // reference's "Error Handling" suggests) must see every case but duplicate-delivery as a new
    // event.
    let mut next_stamp = now_ms;
    let mut fresh = |spec: &'static EventSpec| {
        next_stamp += 1;
        payload::sample_with_timestamp(spec, next_stamp)
    };
    let request = |event: &str, body: Bytes, signature: Option<String>| {
        let mut headers = webhook_headers(event, signature);
        headers.push((HEADER_TEST.to_string(), "true".to_string()));
        OutgoingRequest {
            url: url.to_string(),
            headers,
            body,
        }
    };
    let signed = |event: &str, body: Bytes| {
        let signature = sign(secret, &body);
        request(event, body, Some(signature))
    };

    let mut cases = Vec::with_capacity(events.len() + NEGATIVE_CASES.len());
    for spec in events {
        let body = fresh(spec);
        cases.push(Case {
            id: valid_case_id(spec.name),
            expect: Expect::Success,
            should: format!(
                "accept a correctly signed {} delivery with a 2xx",
                spec.name
            ),
            requests: vec![signed(spec.name, body)],
        });
    }

    let event = first.name;
    let other_secret = Secret::new(format!("whsec_{}", hex::encode(rand::random::<[u8; 24]>())));
    let body = fresh(first);
    let wrong = sign(&other_secret, &body);
    cases.push(Case {
        id: WRONG_SECRET.to_string(),
        expect: Expect::SignatureRejected,
        should: "reject a well-formed signature made with another secret with 401".to_string(),
        requests: vec![request(event, body, Some(wrong))],
    });

    let body = fresh(first);
    cases.push(Case {
        id: MISSING_SIGNATURE.to_string(),
        expect: Expect::SignatureRejected,
        should: "answer 401 to a delivery without an X-Webhook-Signature header".to_string(),
        requests: vec![request(event, body, None)],
    });

    // A prefix of the real signature: a length mismatch, which Node's timingSafeEqual throws on,
    // and which a receiver comparing with startsWith would wrongly accept.
    let body = fresh(first);
    let real = sign(secret, &body);
    let truncated = real[..SCHEME_PREFIX.len() + TRUNCATED_HEX_DIGITS].to_string();
    cases.push(Case {
        id: TRUNCATED_SIGNATURE.to_string(),
        expect: Expect::SignatureRejected,
        should: format!(
            "answer 401 to a signature of {TRUNCATED_HEX_DIGITS} hex digits instead of 64 (a \
             length mismatch must not crash the comparison)"
        ),
        requests: vec![request(event, body, Some(truncated))],
    });

    let body = fresh(first);
    cases.push(Case {
        id: MALFORMED_SIGNATURE.to_string(),
        expect: Expect::SignatureRejected,
        should: format!(
            "answer 401 to a signature header '{MALFORMED_SIGNATURE_VALUE}' (not sha256=<hex>)"
        ),
        requests: vec![request(
            event,
            body,
            Some(MALFORMED_SIGNATURE_VALUE.to_string()),
        )],
    });

    // The signature of one body sent with another: the same event with a changed timestamp, as
    // a replayed, edited delivery would look.
    let original = fresh(first);
    let stolen = sign(secret, &original);
    let body = fresh(first);
    cases.push(Case {
        id: TAMPERED_BODY.to_string(),
        expect: Expect::SignatureRejected,
        should: "answer 401 when the signature belongs to a different body".to_string(),
        requests: vec![request(event, body, Some(stolen))],
    });

    // A proper prefix of a JSON object is never JSON: a delivery cut short.
    let whole = fresh(first);
    let body = whole.slice(..whole.len() / 2);
    cases.push(Case {
        id: MALFORMED_JSON.to_string(),
        expect: Expect::PayloadRejected,
        should: "answer 400 to a correctly signed body that is not JSON".to_string(),
        requests: vec![signed(event, body)],
    });

    let body = fresh(first);
    let delivery = signed(event, body);
    cases.push(Case {
        id: DUPLICATE_DELIVERY.to_string(),
        expect: Expect::SuccessTwice,
        should: "answer 2xx to both deliveries of the same signed event".to_string(),
        requests: vec![delivery.clone(), delivery],
    });
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::CATALOGUE;
    use crate::signature::{HEADER_SIGNATURE, Verdict, verify};

    fn header<'a>(request: &'a OutgoingRequest, name: &str) -> Option<&'a str> {
        request
            .headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn all_cases() -> Vec<Case> {
        let events: Vec<_> = CATALOGUE.iter().collect();
        build(
            "http://127.0.0.1:9/webhook",
            &Secret::new("s"),
            &events,
            1_000,
        )
    }

    #[test]
    fn ids_are_the_documented_ones_in_order() {
        let ids: Vec<String> = all_cases().into_iter().map(|case| case.id).collect();
        let mut expected: Vec<String> = CATALOGUE
            .iter()
            .map(|spec| valid_case_id(spec.name))
            .collect();
        expected.extend(NEGATIVE_CASES.iter().map(|id| id.to_string()));
        assert_eq!(ids, expected);
    }

    #[test]
    fn every_body_but_the_duplicate_has_its_own_timestamp() {
        let mut stamps = Vec::new();
        for case in all_cases() {
            if case.id == "malformed-json" {
                continue;
            }
            let value: serde_json::Value = serde_json::from_slice(&case.requests[0].body).unwrap();
            stamps.push(value["timestamp"].as_u64().unwrap());
        }
        let count = stamps.len();
        stamps.sort_unstable();
        stamps.dedup();
        assert_eq!(stamps.len(), count);
    }

    #[test]
    fn only_the_valid_and_duplicate_and_json_cases_verify() {
        let secrets = [Secret::new("s")];
        for case in all_cases() {
            for request in &case.requests {
                let verdict = verify(&secrets, &request.body, header(request, HEADER_SIGNATURE));
                let should_verify = matches!(case.expect, Expect::Success | Expect::SuccessTwice)
                    || case.id == "malformed-json";
                assert_eq!(verdict.is_valid(), should_verify, "{}", case.id);
                if case.id == "wrong-secret" {
                    // Well-formed, just made with another key.
                    assert_eq!(
                        verdict,
                        Verdict::Invalid(crate::signature::SignatureProblem::Mismatch)
                    );
                }
                assert_eq!(header(request, HEADER_TEST), Some("true"));
            }
        }
    }
}
