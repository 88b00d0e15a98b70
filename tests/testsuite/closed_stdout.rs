//! A closed stdout (`… | head`) through the real binary: the command stops quietly, and its exit
//! code is still what the checks made so far earn, so that `set -o pipefail` in CI sees a failure.
//! A closed stdout once exited 0 whatever had failed.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use crate::common::{Reply, TestServer, hermetic};
use crate::verify_support::{delivery_headers, jsonl, payload, record};

const SECRET: &str = "whsec_closed";

/// What a run with its stdout closed did: its exit code and its stderr.
struct Closed {
    code: Option<i32>,
    stderr: String,
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
    hermetic(&mut command)
        .arg("--no-config")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Runs the binary with `args` and stdout a pipe whose reading end is closed before it starts:
/// its first write to stdout fails.
fn closed_at_once(args: &[&str]) -> Closed {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = binary().args(args).stdout(writer).output().unwrap();
    Closed {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary with `args` as `… | head -n LINES` does: reads that many lines, then closes.
fn closed_after(lines: usize, args: &[&str]) -> Closed {
    let mut child = binary().args(args).stdout(Stdio::piped()).spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..lines {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "fewer lines");
    }
    drop(reader);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Closed {
        code: child.wait().unwrap().code(),
        stderr,
    }
}

impl Closed {
    /// Exited with `code`, and said nothing about the closed pipe.
    fn expect(&self, code: i32, what: &str) {
        assert_eq!(self.code, Some(code), "{what}: {}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{what}: {}", self.stderr);
        assert!(
            !self.stderr.to_lowercase().contains("pipe"),
            "{what}: {}",
            self.stderr
        );
    }
}

#[test]
fn validate_exits_1_for_an_invalid_payload_even_when_its_output_is_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..2_000 {
        let name = dir.path().join(format!("{index:04}.json"));
        std::fs::write(name, br#"{"event":"card.created"}"#).unwrap();
    }
    let folder = dir.path().to_str().unwrap();
    closed_at_once(&["validate", folder]).expect(1, "validate, closed at once");
    // `| head -3` on output far larger than the pipe holds.
    closed_after(3, &["validate", folder]).expect(1, "validate | head -3");
    for format in ["json", "github", "junit"] {
        closed_at_once(&["validate", folder, "--format", format]).expect(1, format);
    }
    let valid = "crates/titancard-webhooks/samples/card.created.json";
    closed_at_once(&["validate", valid]).expect(0, "a valid payload");
}

#[test]
fn verify_exits_1_for_a_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, payload("card.created", 0)).unwrap();
    let body = body.to_str().unwrap();
    let args = [
        "verify",
        body,
        "--secret",
        SECRET,
        "--signature",
        "sha256=00",
    ];
    closed_at_once(&args).expect(1, "verify");
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    closed_at_once(&json).expect(1, "verify --format json");
}

#[test]
fn send_stops_at_the_closed_pipe_and_exits_1_for_the_failure_it_saw() {
    let server = TestServer::start(|_, _| Reply::status(500));
    let url = server.url("/webhook");
    closed_at_once(&["send", "--all", "--url", &url, "--secret", SECRET]).expect(1, "send --all");
    // It stopped after the delivery whose line could not be written.
    assert_eq!(server.requests().len(), 1);
    closed_at_once(&[
        "send", "--all", "--url", &url, "--secret", SECRET, "--format", "json",
    ])
    .expect(1, "send --all --format json");
    let args = [
        "send", "--all", "--url", &url, "--secret", SECRET, "-n", "3",
    ];
    closed_at_once(&args).expect(1, "send --count");
    let ok = TestServer::ok();
    let url = ok.url("/webhook");
    closed_at_once(&["send", "--all", "--url", &url, "--secret", SECRET]).expect(0, "all 2xx");
}

#[test]
fn replay_story_and_probe_exit_1_for_a_failed_delivery_or_case() {
    let server = TestServer::start(|_, _| Reply::status(500));
    let url = server.url("/webhook");
    let body = payload("card.created", 0);
    let headers = delivery_headers(
        "card.created",
        &crate::common::expected_signature(SECRET, &body),
    );
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("events.jsonl");
    std::fs::write(&records, jsonl(&[record(headers, &body)])).unwrap();
    let records = records.to_str().unwrap();
    closed_at_once(&["replay", records, "--url", &url]).expect(1, "replay");
    let story = [
        "story",
        "contact-lifecycle",
        "--url",
        &url,
        "--secret",
        SECRET,
    ];
    // The timeline's four header lines come before any delivery: closed after them, at a row.
    closed_after(4, &story).expect(1, "story | head -4");
    let mut json = story.to_vec();
    json.extend(["--format", "json"]);
    closed_at_once(&json).expect(1, "story --format json");
    let probe = [
        "probe",
        "--url",
        &url,
        "--secret",
        SECRET,
        "--timeout",
        "5s",
    ];
    // The table's three header lines come before any case.
    closed_after(3, &probe).expect(1, "probe | head -3");
    let mut json = probe.to_vec();
    json.extend(["--format", "json"]);
    closed_at_once(&json).expect(1, "probe --format json");
}

#[test]
fn commands_without_a_failed_check_still_exit_0() {
    closed_at_once(&["events"]).expect(0, "events");
    closed_at_once(&["schema"]).expect(0, "schema");
    closed_at_once(&["demo"]).expect(0, "demo");
}
