//! `demo`, the README's first command: the real binary delivers all 14 events to its embedded
//! receiver and reports each round trip.

use serde_json::Value;
use titancard_wh::internals::CATALOGUE;

#[test]
fn demo_delivers_and_verifies_all_fourteen_events() {
    let output = crate::common::cmd()
        .args(["demo", "--color", "never"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    for spec in &CATALOGUE {
        let row = text
            .lines()
            .find(|line| line.split_whitespace().next() == Some(spec.name))
            .unwrap_or_else(|| panic!("no row for {}:\n{text}", spec.name));
        assert!(row.contains(" 200 ") && row.contains("valid"), "{row}");
    }
    assert!(text.contains("14/14"), "{text}");
    // The random secret is never shown.
    assert!(!text.contains("whsec_"), "{text}");
}

#[test]
fn demo_json_has_a_stable_shape() {
    let output = crate::common::cmd()
        .args(["demo", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: Value = crate::common::json_output("demo", &output);
    assert_eq!(report["ok"], true);
    assert_eq!(report["counts"]["passed"], 14);
    assert!(
        report["receiver"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let events = report["deliveries"].as_array().unwrap();
    let names: Vec<_> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let expected: Vec<_> = CATALOGUE.iter().map(|spec| spec.name).collect();
    assert_eq!(names, expected);
    for event in events {
        assert_eq!(event["status"], 200);
        assert_eq!(event["signature"], "valid");
        assert_eq!(event["headers_ok"], true);
        assert_eq!(event["body_intact"], true);
        assert_eq!(event["ok"], true);
        assert_eq!(event["error"], Value::Null);
        assert!(event["millis"].is_number());
    }
}
