//! `send --all` to the reference's own receiver samples (Flask and Express, fixtures/peers/),
//! run for real: every event must be accepted, and a wrong secret refused with 401.
//!
//! The peers are installed by scripts/test (TITANCARD_PEERS, or target/peers by default).

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::cmd;
use predicates::prelude::*;

const SECRET: &str = "whsec_peer_7d21";

fn peers() -> PathBuf {
    let dir = std::env::var_os("TITANCARD_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/peers"));
    assert!(
        dir.is_dir(),
        "peer tools not found at {}: run scripts/test (it installs them and sets TITANCARD_PEERS)",
        dir.display()
    );
    dir
}

/// A peer receiver process, stopped when dropped.
struct Peer {
    child: Child,
    url: String,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program args…` and reads the URL it prints first ("listening on URL").
fn start(mut command: Command, what: &str) -> Peer {
    let mut child = command
        .env("WEBHOOK_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start the {what} receiver: {err}; run scripts/test"));
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| {
            panic!("the {what} receiver did not start (printed {line:?}); run scripts/test")
        })
        .to_string();
    Peer { child, url }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/peers")
        .join(name)
}

fn check_accepts_all_fourteen(peer: &Peer) {
    cmd()
        .args(["send", "--all", "--secret", SECRET, "--url", &peer.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("enrichment.completed"))
        .stdout(predicate::str::contains("200 OK").count(14));
    // The receiver really checks: the wrong secret is refused.
    cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            "whsec_wrong",
            "--url",
            &peer.url,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("401"));
}

#[test]
fn the_reference_flask_receiver_accepts_all_fourteen() {
    let python = peers().join("venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test",
        python.display()
    );
    let mut command = Command::new(python);
    command.arg(fixture("flask_receiver.py"));
    check_accepts_all_fourteen(&start(command, "Flask"));
}

#[test]
fn the_reference_express_receiver_accepts_all_fourteen() {
    let modules = peers().join("node/node_modules");
    assert!(
        modules.join("express").is_dir(),
        "express is missing from {}: run scripts/test",
        modules.display()
    );
    let mut command = Command::new("node");
    command
        .arg(fixture("express_receiver.js"))
        .env("NODE_PATH", modules);
    check_accepts_all_fourteen(&start(command, "Express"));
}
