//! Whatever a network can send gets an `Event` or a `VerifyError`, never a panic; each cause is
//! the one named, with the status a receiver answers. Signatures are recomputed here with ring,
//! independently of the code under test (which uses RustCrypto's hmac and sha2).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use titancard_webhooks::{
    EVENT_HEADER, EventKind, SIGNATURE_HEADER, SignatureError, VerifyError, Webhook,
};

const SECRET: &str = "whsec_test_4f9a";

fn signature(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

fn sample(kind: EventKind) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_str(kind.sample()).unwrap();
    serde_json::to_vec(&value).unwrap()
}

fn webhook() -> Webhook {
    Webhook::new(SECRET).unwrap()
}

#[test]
fn a_delivery_signed_as_the_reference_signs_it_verifies() {
    for kind in EventKind::ALL {
        let body = sample(kind);
        let header = signature(SECRET, &body);
        assert_eq!(webhook().sign(&body), header);
        let event = webhook()
            .verify(Some(&header), Some(kind.as_str()), &body)
            .unwrap_or_else(|err| panic!("{kind}: {err}"));
        assert_eq!(event.kind(), Some(kind));
    }
}

#[test]
fn each_cause_is_named_with_its_status() {
    let body = sample(EventKind::CardCreated);
    let good = signature(SECRET, &body);
    let event = Some("card.created");
    let cases: Vec<(Option<String>, Option<&str>, VerifyError)> = vec![
        (None, event, VerifyError::MissingHeader(SIGNATURE_HEADER)),
        (
            Some(String::new()),
            event,
            VerifyError::MalformedSignature(SignatureError::Empty),
        ),
        (
            Some("sha256=zz".into()),
            event,
            VerifyError::MalformedSignature(SignatureError::NotHex),
        ),
        (
            Some(good[..15].to_string()),
            event,
            VerifyError::MalformedSignature(SignatureError::WrongLength(8)),
        ),
        (
            Some(good.to_uppercase().replacen("SHA256", "sha256", 1)),
            event,
            VerifyError::MalformedSignature(SignatureError::UpperCaseHex),
        ),
        (
            Some(signature("another", &body)),
            event,
            VerifyError::SignatureMismatch,
        ),
        (
            Some(good.clone()),
            None,
            VerifyError::MissingHeader(EVENT_HEADER),
        ),
        (
            Some(good.clone()),
            Some("card.updated"),
            VerifyError::EventMismatch {
                header: "card.updated".into(),
                body: "card.created".into(),
            },
        ),
    ];
    for (header, event, want) in cases {
        let got = webhook()
            .verify(header.as_deref(), event, &body)
            .unwrap_err();
        assert_eq!(got, want, "{header:?}");
        let status = if matches!(want, VerifyError::EventMismatch { .. })
            || want == VerifyError::MissingHeader(EVENT_HEADER)
        {
            400
        } else {
            401
        };
        assert_eq!(got.status(), status, "{got}");
    }
}

#[test]
fn the_signature_is_checked_before_the_body_is_parsed() {
    // A body that is not JSON, with a wrong signature: the signature is what is refused.
    let err = webhook()
        .verify(
            Some(&signature("another", b"{")),
            Some("card.created"),
            b"{",
        )
        .unwrap_err();
    assert_eq!(err, VerifyError::SignatureMismatch);
    // Correctly signed, it is refused as not JSON, with the place.
    let err = webhook()
        .verify(Some(&signature(SECRET, b"{")), Some("card.created"), b"{")
        .unwrap_err();
    let VerifyError::NotJson(json) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((json.line(), json.column()), (1, 1));
    assert_eq!(err.status(), 400);
}

#[test]
fn a_body_that_is_not_utf8_is_not_json_at_its_place() {
    let body = b"{\"event\":\"card.created\",\n\"data\":\"ab\xffcd\"}";
    let err = titancard_webhooks::parse_event(body).unwrap_err();
    let VerifyError::NotJson(json) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((json.line(), json.column()), (2, 11), "{err}");
    assert!(
        err.to_string()
            .contains("invalid unicode code point at line 2 column 11")
    );
}

#[test]
fn hostile_input_gets_an_error_never_a_panic() {
    let nested = "[".repeat(100_000);
    let deep_object = format!(
        r#"{{"event":"card.created","timestamp":1,"data":{}{}}}"#,
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xff\xfe\x00".to_vec(),
        b"{\"event\":\"card.created\",\"timestamp\":1,\"data\":{\"name\":\"\xff\"}}".to_vec(),
        nested.into_bytes(),
        deep_object.into_bytes(),
        b"{\"event\":\"card.created\",\"timestamp\":184467440737095516150,\"data\":{}}".to_vec(),
        vec![b' '; 1 << 20],
    ];
    let huge = format!("sha256={}", "a".repeat(1 << 20));
    let headers = [
        None,
        Some(String::new()),
        Some(huge.clone()),
        Some("\u{0}".repeat(10_000)),
        Some("sha256=".to_string()),
        Some("=".repeat(1000)),
    ];
    for body in &bodies {
        let good = signature(SECRET, body);
        for header in headers.iter().cloned().chain([Some(good)]) {
            for event in [None, Some("card.created"), Some(huge.as_str())] {
                let result = webhook().verify(header.as_deref(), event, body);
                let err = result.expect_err("none of these is a good delivery");
                assert!(matches!(err.status(), 400 | 401));
                assert!(err.to_string().len() < 400, "{err}");
            }
        }
    }
}

#[test]
fn rotation_accepts_any_secret_and_signs_with_the_first() {
    let webhook = Webhook::with_secrets(["new-secret", SECRET]).unwrap();
    let body = sample(EventKind::NoteAdded);
    assert_eq!(
        webhook.verify_signature(Some(&signature(SECRET, &body)), &body),
        Ok(1)
    );
    assert_eq!(webhook.sign(&body), signature("new-secret", &body));
    assert_eq!(
        webhook.verify_signature(Some(&signature("third", &body)), &body),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn the_tolerance_is_off_by_default_and_applies_both_ways() {
    let body = sample(EventKind::ReminderDue); // timestamp 1705507200000
    let header = signature(SECRET, &body);
    let sent = UNIX_EPOCH + Duration::from_millis(1_705_507_200_000);
    let an_hour_later = sent + Duration::from_secs(3600);
    let event = Some("reminder.due");
    assert!(webhook().verify(Some(&header), event, &body).is_ok());
    let strict = webhook().tolerance(Duration::from_secs(30 * 60));
    assert!(
        strict
            .verify_at(Some(&header), event, &body, sent + Duration::from_secs(60))
            .is_ok()
    );
    for now in [an_hour_later, sent - Duration::from_secs(3600)] {
        let err = strict
            .verify_at(Some(&header), event, &body, now)
            .unwrap_err();
        assert_eq!(err.kind(), "timestamp_outside_tolerance");
        assert_eq!(err.status(), 401);
    }
    // The clock now is far past the sample's time.
    assert!(strict.verify(Some(&header), event, &body).is_err());
    let _ = SystemTime::now();
}

#[test]
fn the_mac_streams_a_body_in_pieces() {
    let body = vec![b'x'; 300_000];
    let header = signature(SECRET, &body);
    let mut mac = webhook().mac();
    for piece in body.chunks(4096) {
        mac.update(piece);
    }
    let expected = titancard_webhooks::Signature::parse(&header).unwrap();
    assert_eq!(mac.clone().verify(&expected), Ok(0));
    assert_eq!(mac.signature(), expected);
}
