//! Tests of the mismatch diagnosis.

use super::*;
use crate::signature::sign;

fn causes(body: &[u8], header: &str) -> Vec<&'static str> {
    let secrets = [Secret::new("other"), Secret::new("s")];
    let diagnosis = diagnose(&secrets, body, Some(header)).unwrap();
    let explanation = diagnosis.explanation.expect("explained");
    assert_eq!(explanation.secret_index, 1);
    explanation.causes.iter().map(Cause::id).collect()
}

#[test]
fn each_corruption_is_named() {
    let s = Secret::new("s");
    let body = "{\"event\":\"card.created\",\"data\":{\"url\":\"https://x/é\",\"b\":1,\"a\":2}}";
    let good = sign(&s, body.as_bytes());
    let with_nl = format!("{body}\n");
    assert_eq!(
        causes(with_nl.as_bytes(), &good),
        ["body_gained_trailing_newline"]
    );
    let signed_nl = sign(&s, with_nl.as_bytes());
    assert_eq!(
        causes(body.as_bytes(), &signed_nl),
        ["body_lost_trailing_newline"]
    );
    let hex = &good[SCHEME_PREFIX.len()..];
    assert_eq!(causes(body.as_bytes(), hex), ["header_missing_prefix"]);
    assert_eq!(
        causes(body.as_bytes(), &good.to_uppercase()),
        ["header_upper_case_hex"]
    );
    assert_eq!(
        causes(body.as_bytes(), &format!("\"{good}\"")),
        ["header_quoted"]
    );
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_str::<serde_json::Value>(body).unwrap())
            .unwrap();
    assert_eq!(causes(&pretty, &good), ["body_json_reserialized"]);
}

#[test]
fn keys_reordered_by_the_receiver_are_named() {
    let s = Secret::new("s");
    let spec = crate::events::find("connection.created").unwrap();
    let sent = crate::payload::to_bytes(&spec.sample_value());
    let good = sign(&s, &sent);
    // What `jq -S -c` or Python's json.dumps(sort_keys=True) makes of it.
    let mut sorted = spec.sample_value();
    sorted.sort_all_objects();
    let compact = serde_json::to_vec(&sorted).unwrap();
    assert_eq!(causes(&compact, &good), ["body_json_keys_reordered"]);
    let python = json::encode(
        &sorted,
        JsonStyle {
            layout: json::Layout::Spaced,
            key_order: KeyOrder::AsGiven,
            ascii_escaped: true,
            escaped_slashes: false,
        },
    )
    .unwrap();
    assert_eq!(causes(&python, &good), ["body_json_keys_reordered"]);
    let diagnosis = diagnose(&[s], &compact, Some(&good)).unwrap();
    assert!(
        diagnosis.message().contains("jq -S"),
        "{}",
        diagnosis.message()
    );
}

#[test]
fn a_header_beyond_repair_blames_neither_secret_nor_body() {
    let secrets = [Secret::new("s")];
    for header in ["sha256=abc", "garbage", "", "sha256=", "md5=00"] {
        assert!(
            diagnose(&secrets, b"{}", Some(header)).is_none(),
            "{header}"
        );
    }
}

#[test]
fn nothing_explains_a_wrong_secret() {
    let header = sign(&Secret::new("elsewhere"), b"{}");
    let diagnosis = diagnose(&[Secret::new("s")], b"{}", Some(&header)).unwrap();
    assert!(diagnosis.explanation.is_none());
    assert!(diagnosis.message().contains("the secret differs"));
}
