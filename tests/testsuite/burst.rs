//! A burst after an outage: thousands of distinct deliveries from hundreds of connections at once
//! into `listen --save`. Every delivery acknowledged with a 2xx is in the file before its answer,
//! none is answered 5xx, and none is lost or saved twice. (scripts/bench-listen runs the same at
//! 20,000 deliveries from 1,000 connections and names the slowest answer.)

use std::collections::HashSet;

use crate::common::{cmd, json_output};
use crate::listen_support::{Listen, SECRET, saved};

#[test]
fn every_acknowledged_delivery_of_a_burst_is_saved_and_none_is_answered_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("burst.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", file.to_str().unwrap()]);
    let output = cmd()
        .args([
            "send",
            "connection.created",
            "--url",
            &listen.url,
            "--secret",
            SECRET,
        ])
        .args([
            "--count",
            "3000",
            "--concurrency",
            "300",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json_output("send-load", &output.stdout);
    let (_, _, stderr) = listen.stop("-TERM");
    let counts = &report["counts"];
    let delivered = counts["delivered"].as_u64().unwrap();
    assert_eq!(delivered, 3000, "{report:#}\n{stderr}");
    let five = counts["by_status"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(status, _)| status.starts_with('5'))
        .count();
    assert_eq!(five, 0, "{report:#}");

    let records = saved(&file);
    let accepted: Vec<_> = records
        .iter()
        .filter(|record| {
            record
                .status
                .is_some_and(|status| (200..300).contains(&status))
        })
        .collect();
    assert_eq!(accepted.len() as u64, delivered, "{stderr}");
    let bodies: HashSet<&str> = accepted.iter().map(|record| record.body.as_str()).collect();
    assert_eq!(bodies.len(), accepted.len(), "a delivery was saved twice");
    assert!(
        accepted
            .iter()
            .all(|record| record.verdict.as_deref() == Some("accepted")),
        "each delivery of the burst is distinct, so none is a duplicate"
    );
}
