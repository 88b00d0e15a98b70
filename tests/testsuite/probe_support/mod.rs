//! Support for tests/probe.rs: a receiver that follows every rule, and running
//! `probe --format json` and reading its document.
#![allow(dead_code)]

use serde_json::Value;

use crate::common::{Recorded, Reply, cmd, expected_signature};

pub const SECRET: &str = "whsec_probe_test";

pub const SIGNATURE_CASES: [&str; 5] = [
    "wrong-secret",
    "missing-signature",
    "truncated-signature",
    "malformed-signature",
    "tampered-body",
];

/// The receiver the reference describes, verified independently of the crate: 401 unless the
/// signature is exactly HMAC-SHA256 of the body, 400 unless the body is JSON, else 200.
pub fn conforming(request: &Recorded) -> Reply {
    match request.header("x-webhook-signature") {
        Some(signature) if signature == expected_signature(SECRET, &request.body) => {}
        _ => return Reply::status(401).with_body("{\"error\":\"Invalid signature\"}"),
    }
    if serde_json::from_slice::<Value>(&request.body).is_err() {
        return Reply::status(400).with_body("{\"error\":\"Malformed payload\"}");
    }
    Reply::status(200)
}

/// Runs `probe --format json` against `url`; returns the exit code and the document.
pub fn probe_json(url: &str, extra: &[&str]) -> (i32, Value) {
    let output = cmd()
        .args([
            "probe", "--url", url, "--secret", SECRET, "--format", "json",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        !output.stdout.is_empty(),
        "no output; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document = crate::common::json_output("probe", &output.stdout);
    (output.status.code().unwrap(), document)
}

pub fn cases(document: &Value) -> &Vec<Value> {
    document["cases"].as_array().unwrap()
}

pub fn failing_ids(document: &Value) -> Vec<&str> {
    cases(document)
        .iter()
        .filter(|case| case["ok"] == false)
        .map(|case| case["id"].as_str().unwrap())
        .collect()
}

pub fn case<'a>(document: &'a Value, id: &str) -> &'a Value {
    cases(document)
        .iter()
        .find(|case| case["id"] == id)
        .unwrap_or_else(|| panic!("no case {id} in {document}"))
}

pub fn all_ids(events: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = events
        .iter()
        .map(|event| format!("valid-{event}"))
        .collect();
    ids.extend(
        SIGNATURE_CASES
            .iter()
            .chain(&["malformed-json", "duplicate-delivery"])
            .map(|id| id.to_string()),
    );
    ids
}

pub const ALL_EVENTS: [&str; 14] = crate::common::REFERENCE_EVENTS;

pub fn crashed(document: &Value, id: &str) -> bool {
    let case = case(document, id);
    case["status"] == 500
        && case["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("the endpoint crashed on {id} (answered 500)"))
}
