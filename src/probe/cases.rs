//! The probe's cases: the requests to send and what each must get back, built from the
//! catalogue's sample payloads with fresh, unique timestamps. The negative cases are a table:
//! an id, the rule's expectation, what a conforming endpoint does, and how to make the request.

use bytes::Bytes;

use super::{Case, Expect, HEADER_TEST};
use crate::contract::SCHEME_PREFIX;
use crate::events::EventSpec;
use crate::payload;
use crate::secret::Secret;
use crate::signature::sign;
use crate::wire::{OutgoingRequest, WebhookUrl, webhook_headers};

/// The value sent by `malformed-signature`: nothing like `sha256=<hex>`.
pub const MALFORMED_SIGNATURE_VALUE: &str = "not-a-signature";

/// How many hex digits `truncated-signature` keeps of the real signature.
pub const TRUNCATED_HEX_DIGITS: usize = 8;

/// One case other than `valid-<event>`.
struct NegativeCase {
    id: &'static str,
    expect: Expect,
    should: &'static str,
    make: fn(&mut Maker<'_>) -> Vec<OutgoingRequest>,
}

/// The cases other than `valid-<event>`, in the order they run; all use the first event.
const NEGATIVE_CASES: [NegativeCase; 7] = [
    NegativeCase {
        id: "wrong-secret",
        expect: Expect::SignatureRejected,
        should: "reject a well-formed signature made with another secret with 401",
        make: |maker| {
            let body = maker.fresh();
            let wrong = sign(&Secret::random(), &body);
            vec![maker.request(body, Some(wrong))]
        },
    },
    NegativeCase {
        id: "missing-signature",
        expect: Expect::SignatureRejected,
        should: "answer 401 to a delivery without an X-Webhook-Signature header",
        make: |maker| {
            let body = maker.fresh();
            vec![maker.request(body, None)]
        },
    },
    NegativeCase {
        id: "truncated-signature",
        expect: Expect::SignatureRejected,
        should: "answer 401 to a signature of 8 hex digits instead of 64 (a length mismatch must \
                 not crash the comparison)",
        // A prefix of the real signature: a length mismatch, which Node's timingSafeEqual throws
        // on, and which a receiver comparing with startsWith would wrongly accept.
        make: |maker| {
            let body = maker.fresh();
            let real = sign(maker.secret, &body);
            let truncated = real[..SCHEME_PREFIX.len() + TRUNCATED_HEX_DIGITS].to_string();
            vec![maker.request(body, Some(truncated))]
        },
    },
    NegativeCase {
        id: "malformed-signature",
        expect: Expect::SignatureRejected,
        should: "answer 401 to a signature header 'not-a-signature' (not sha256=<hex>)",
        make: |maker| {
            let body = maker.fresh();
            vec![maker.request(body, Some(MALFORMED_SIGNATURE_VALUE.to_string()))]
        },
    },
    NegativeCase {
        id: "tampered-body",
        expect: Expect::SignatureRejected,
        should: "answer 401 when the signature belongs to a different body",
        // The signature of one body sent with another: the same event with a changed timestamp,
        // as a replayed, edited delivery would look.
        make: |maker| {
            let original = maker.fresh();
            let stolen = sign(maker.secret, &original);
            let body = maker.fresh();
            vec![maker.request(body, Some(stolen))]
        },
    },
    NegativeCase {
        id: "malformed-json",
        expect: Expect::PayloadRejected,
        should: "answer 400 to a correctly signed body that is not JSON",
        // A proper prefix of a JSON object is never JSON: a delivery cut short.
        make: |maker| {
            let whole = maker.fresh();
            vec![maker.signed(whole.slice(..whole.len() / 2))]
        },
    },
    NegativeCase {
        id: "duplicate-delivery",
        expect: Expect::SuccessTwice,
        should: "answer 2xx to both deliveries of the same signed event",
        make: |maker| {
            let body = maker.fresh();
            let delivery = maker.signed(body);
            vec![delivery.clone(), delivery]
        },
    },
];

/// The id of the case that sends `event` correctly signed.
pub fn valid_case_id(event: &str) -> String {
    format!("valid-{event}")
}

/// clap value parser for `--case`: a case id (`valid-<event>` or one of the others), with the
/// closest id when it is mistyped.
pub fn parse_case_id(id: &str) -> Result<String, String> {
    let valid = crate::events::CATALOGUE
        .iter()
        .map(|spec| valid_case_id(spec.name));
    let all: Vec<String> = valid
        .chain(NEGATIVE_CASES.iter().map(|case| case.id.to_string()))
        .collect();
    if all.iter().any(|known| known == id) {
        return Ok(id.to_string());
    }
    Err(
        match crate::events::closest_of(id, all.iter().map(String::as_str)) {
            Some(near) => format!("unknown case '{id}': did you mean {near}?"),
            None => format!(
                "unknown case '{id}': the cases are valid-<event> and {}",
                NEGATIVE_CASES.map(|case| case.id).join(", ")
            ),
        },
    )
}

/// Makes the requests of the cases: fresh bodies of one event, signed or not.
struct Maker<'a> {
    url: &'a WebhookUrl,
    secret: &'a Secret,
    event: &'static EventSpec,
    /// One timestamp per body, each new: an endpoint that dedupes on the timestamp (as the
    /// reference's "Error Handling" suggests) must see every case but duplicate-delivery as a
    /// new event.
    last_stamp: u64,
}

impl Maker<'_> {
    /// The event's sample with the next timestamp.
    fn fresh(&mut self) -> Bytes {
        self.last_stamp += 1;
        payload::sample_with_timestamp(self.event, self.last_stamp)
    }

    /// A request with the four headers (the signature as given) and `X-Webhook-Test: true`.
    fn request(&self, body: Bytes, signature: Option<String>) -> OutgoingRequest {
        let mut headers = webhook_headers(self.event.name, signature);
        headers.push(HEADER_TEST, "true");
        OutgoingRequest {
            url: self.url.clone(),
            headers,
            body,
        }
    }

    /// A correctly signed request.
    fn signed(&self, body: Bytes) -> OutgoingRequest {
        let signature = sign(self.secret, &body);
        self.request(body, Some(signature))
    }
}

/// Builds every case: one `valid-<event>` per event in `events` (in that order), then the
/// negative cases, which all use the first event. `now_ms` seeds the timestamps.
pub fn build(
    url: &WebhookUrl,
    secret: &Secret,
    events: &[&'static EventSpec],
    now_ms: u64,
) -> Vec<Case> {
    let first = events
        .first()
        .copied()
        .unwrap_or(&crate::events::CATALOGUE[0]);
    let mut maker = Maker {
        url,
        secret,
        event: first,
        last_stamp: now_ms,
    };
    let mut cases = Vec::with_capacity(events.len() + NEGATIVE_CASES.len());
    for spec in events {
        maker.event = spec;
        let body = maker.fresh();
        cases.push(Case {
            id: valid_case_id(spec.name),
            expect: Expect::Success,
            should: format!(
                "accept a correctly signed {} delivery with a 2xx",
                spec.name
            ),
            requests: vec![maker.signed(body)],
        });
    }
    maker.event = first;
    for negative in &NEGATIVE_CASES {
        cases.push(Case {
            id: negative.id.to_string(),
            expect: negative.expect,
            should: negative.should.to_string(),
            requests: (negative.make)(&mut maker),
        });
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::HEADER_SIGNATURE;
    use crate::events::CATALOGUE;
    use crate::signature::{Verdict, VerifyError, verify};
    use titancard_webhooks::SignatureError;

    fn all_cases() -> Vec<Case> {
        let events: Vec<_> = CATALOGUE.iter().collect();
        let url = "http://127.0.0.1:9/webhook".parse().unwrap();
        build(&url, &Secret::new("s"), &events, 1_000)
    }

    #[test]
    fn ids_are_the_documented_ones_in_order() {
        let ids: Vec<String> = all_cases().into_iter().map(|case| case.id).collect();
        let valid: Vec<String> = CATALOGUE.iter().map(|s| valid_case_id(s.name)).collect();
        assert_eq!(ids[..14], valid);
        assert_eq!(
            &ids[14..],
            [
                "wrong-secret",
                "missing-signature",
                "truncated-signature",
                "malformed-signature",
                "tampered-body",
                "malformed-json",
                "duplicate-delivery"
            ]
        );
    }

    #[test]
    fn case_ids_are_checked_with_a_suggestion() {
        assert_eq!(
            parse_case_id("truncated-signature").as_deref(),
            Ok("truncated-signature")
        );
        assert_eq!(
            parse_case_id("valid-note.added").as_deref(),
            Ok("valid-note.added")
        );
        let err = parse_case_id("truncated-signatur").unwrap_err();
        assert!(err.contains("did you mean truncated-signature?"), "{err}");
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
                let header = request.headers.get(HEADER_SIGNATURE);
                let verdict = verify(&secrets, &request.body, header);
                let should_verify = matches!(case.expect, Expect::Success | Expect::SuccessTwice)
                    || case.id == "malformed-json";
                assert_eq!(verdict.is_valid(), should_verify, "{}", case.id);
                if case.id == "wrong-secret" {
                    // Well-formed, just made with another key.
                    assert_eq!(verdict, Verdict::Invalid(VerifyError::SignatureMismatch));
                }
                if case.id == "truncated-signature" {
                    let want = VerifyError::MalformedSignature(SignatureError::WrongLength(
                        TRUNCATED_HEX_DIGITS,
                    ));
                    assert_eq!(verdict, Verdict::Invalid(want));
                    let digits = format!("{TRUNCATED_HEX_DIGITS} hex digits");
                    assert!(case.should.contains(&digits), "{}", case.should);
                }
                assert_eq!(request.headers.get(HEADER_TEST), Some("true"));
            }
        }
    }
}
