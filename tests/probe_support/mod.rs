//! Support for tests/probe.rs: a receiver that follows every rule, running `probe --format json`
//! and reading its document, and the reference's Flask and Express receiver samples as processes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

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
    let stdout = String::from_utf8(output.stdout).unwrap();
    let document = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "not one JSON document ({err}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), document)
}

pub fn cases(document: &Value) -> &Vec<Value> {
    document["cases"].as_array().unwrap()
}

pub fn failing_ids(document: &Value) -> Vec<&str> {
    cases(document)
        .iter()
        .filter(|case| case["passed"] == false)
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

pub const ALL_EVENTS: [&str; 14] = [
    "card.created",
    "card.updated",
    "card.deleted",
    "card.viewed",
    "card.shared",
    "connection.created",
    "connection.updated",
    "connection.deleted",
    "connection.tagged",
    "connection.status_changed",
    "reminder.created",
    "reminder.due",
    "note.added",
    "enrichment.completed",
];

pub fn peers_dir() -> PathBuf {
    let dir = std::env::var_os("TITANCARD_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/peers"));
    assert!(
        dir.is_dir(),
        "the peer tools are missing at {}: run scripts/test (it installs them)",
        dir.display()
    );
    dir
}

/// A receiver sample running on a free port; killed (by its own pid) when dropped.
pub struct Peer {
    child: Child,
    pub url: String,
}

impl Peer {
    pub fn start(mut command: Command) -> Self {
        command
            .env("WEBHOOK_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}; run scripts/test"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{command:?} printed {line:?}, not its address"))
            .to_string();
        Peer { child, url }
    }

    pub fn flask() -> Self {
        let python = peers_dir().join("venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/test",
            python.display()
        );
        let mut command = Command::new(python);
        command.arg(fixture("flask_receiver.py"));
        Peer::start(command)
    }

    pub fn express() -> Self {
        let modules = peers_dir().join("node/node_modules");
        assert!(
            modules.join("express").is_dir(),
            "express is missing from {}: run scripts/test",
            modules.display()
        );
        let mut command = Command::new("node");
        command
            .arg(fixture("express_receiver.js"))
            .env("NODE_PATH", modules);
        Peer::start(command)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/peers")
        .join(name)
}

pub fn crashed(document: &Value, id: &str) -> bool {
    let case = case(document, id);
    case["status"] == 500
        && case["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("the endpoint crashed on {id} (answered 500)"))
}
