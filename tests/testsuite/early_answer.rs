//! An answer sent before the body was read: a server may refuse a body from its headers (413)
//! and close while the sender is still writing it. `send`, load mode, `replay` and `probe` show
//! that answer and what it means rather than a reset; `listen` closes such a connection the way
//! nginx's lingering close does, so that any sender (curl, or this tool's own) reads its 413.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{cmd, expected_signature, json_output};
use crate::hostile_support::{Ran, http_capture, write};
use crate::listen_support::{Listen, SECRET as LISTEN_SECRET};
use serde_json::Value;

const SECRET: &str = "whsec_early";

/// Well past what loopback's socket buffers hold (about 4 MB here), so that the sender is still
/// writing when the server answers and closes.
const BIG: usize = 16 * 1024 * 1024;

/// The `--max-body` of the receivers under test: a limit far below `BIG`.
const LIMIT: &str = "65536";

const REFUSAL: &str = "{\"error\":\"payload too large\"}";

/// The explainer's words for a 413, wherever an answer is explained.
const TOO_LARGE_WORDS: &str = "TitanCard's own payloads are small";

/// A server that reads a request's head, answers 413 at once and closes with the body unread,
/// so that its kernel resets the connection while the sender is still writing (as a server in
/// front of an app often does).
struct EarlyAnswerServer {
    addr: SocketAddr,
}

impl EarlyAnswerServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                std::thread::spawn(move || answer_early(stream));
            }
        });
        EarlyAnswerServer { addr }
    }

    fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }
}

fn answer_early(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let answer = format!(
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{REFUSAL}",
        REFUSAL.len()
    );
    let _ = stream.write_all(answer.as_bytes());
    // Dropped with the body unread: the kernel answers what follows with a reset.
}

/// How often a race-prone exchange is tried: when the reset lands while the sender is writing
/// decides what it sees, and a sender that loses the answer loses it on about a third of tries.
const TRIES: usize = 20;

/// A card.created payload that validates (unknown keys are allowed) and is `BIG` bytes long.
fn big_payload() -> Vec<u8> {
    let sample = titancard_wh::internals::find("card.created")
        .unwrap()
        .sample;
    let mut payload: Value = serde_json::from_str(sample).unwrap();
    let short = serde_json::to_vec(&payload).unwrap().len() + r#","padding":"""#.len();
    payload["data"]["padding"] = Value::String("x".repeat(BIG - short));
    let body = serde_json::to_vec(&payload).unwrap();
    assert_eq!(body.len(), BIG);
    body
}

fn big_payload_file(dir: &Path) -> PathBuf {
    write(dir, "big.json", big_payload())
}

fn run(command: &mut assert_cmd::Command) -> Ran {
    Ran::from(command.timeout(Duration::from_secs(60)).output().unwrap())
}

/// The human lines of a delivery that got the early 413: the answer and the explainer's words,
/// never the reset.
fn assert_shows_the_413(ran: &Ran) {
    ran.expect(1, "413");
    assert!(ran.stdout.contains(TOO_LARGE_WORDS), "{}", ran.stdout);
    assert!(!ran.stdout.contains("reset"), "{}", ran.stdout);
    assert!(
        !ran.stdout.contains("dropped the connection"),
        "{}",
        ran.stdout
    );
}

// `send --payload` of a big body read "the endpoint dropped the connection before answering,
// often a crash mid-request" while the endpoint had answered 413.
#[test]
fn send_shows_a_413_answered_before_the_body_was_read() {
    let server = EarlyAnswerServer::start();
    let dir = tempfile::tempdir().unwrap();
    let payload = big_payload_file(dir.path());
    let send = || {
        let mut command = cmd();
        command
            .args(["send", "card.created", "--secret", SECRET, "--url"])
            .arg(server.url())
            .arg("--payload")
            .arg(&payload);
        command
    };
    for _ in 0..TRIES {
        let human = run(&mut send());
        assert_shows_the_413(&human);
        assert!(
            human.stdout.contains("413 Payload Too Large"),
            "{}",
            human.stdout
        );
        assert!(human.stdout.contains(REFUSAL), "{}", human.stdout);
    }

    let json = run(send().args(["--format", "json"]));
    json.expect(1, "413");
    let report = json_output("send", json.stdout.as_bytes());
    let attempt = &report["deliveries"][0]["attempts"][0];
    assert_eq!(attempt["status"], 413, "{attempt}");
    assert_eq!(attempt["response"]["body"], REFUSAL);
    assert_eq!(attempt["error"], Value::Null);
    assert_eq!(attempt["explanation"]["kind"], "too_large");
}

#[test]
fn replay_shows_a_413_answered_before_the_body_was_read() {
    let server = EarlyAnswerServer::start();
    let dir = tempfile::tempdir().unwrap();
    let capture = write(
        dir.path(),
        "big.http",
        http_capture(SECRET, "card.created", &big_payload()),
    );
    let replay = || {
        let mut command = cmd();
        command
            .arg("replay")
            .arg(&capture)
            .arg("--url")
            .arg(server.url());
        command
    };
    for _ in 0..TRIES {
        assert_shows_the_413(&run(&mut replay()));
    }
    let json = run(replay().args(["--format", "json"]));
    json.expect(1, "413");
    let report = json_output("replay", json.stdout.as_bytes());
    let request = &report["requests"][0];
    assert_eq!(request["status"], 413, "{request}");
    assert_eq!(request["explanation"]["kind"], "too_large");
}

#[test]
fn probe_and_load_mode_explain_a_413() {
    let server = EarlyAnswerServer::start();
    let probe = run(cmd()
        .args(["probe", "--secret", SECRET, "--url"])
        .arg(server.url())
        .args(["--event", "card.created", "--case", "valid-card.created"]));
    probe.expect(1, "answered 413");
    assert!(probe.stdout.contains(TOO_LARGE_WORDS), "{}", probe.stdout);
    assert!(probe.stdout.contains(REFUSAL), "{}", probe.stdout);

    let load = || {
        let mut command = cmd();
        command
            .args(["send", "card.created", "--secret", SECRET, "--url"])
            .arg(server.url())
            .args(["--count", "4", "--concurrency", "2"]);
        command
    };
    let human = run(&mut load());
    human.expect(1, "413");
    assert!(human.stdout.contains(TOO_LARGE_WORDS), "{}", human.stdout);
    let json = run(load().args(["--format", "json"]));
    let report = json_output("send-load", json.stdout.as_bytes());
    assert_eq!(report["counts"]["by_status"]["413"], 4, "{report}");
    let text = report.to_string();
    assert!(text.contains("\"too_large\""), "{text}");
}

/// A request head for `listen` declaring a `length`-byte signed body (the signature is over
/// `body`, which is sent after).
fn head_for(addr: SocketAddr, body: &[u8]) -> String {
    format!(
        "POST /webhook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Webhook-Signature: {}\r\nX-Webhook-Event: card.created\r\n\
         User-Agent: TitanCard-Webhooks/1.0\r\nContent-Length: {}\r\n\r\n",
        expected_signature(LISTEN_SECRET, body),
        body.len()
    )
}

/// Reads one answer (head and Content-Length body) off `stream`, leaving the connection open.
fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).unwrap(),
            1,
            "the answer's head ended early"
        );
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, String::from_utf8(body).unwrap())
}

// After a 413, listen closed the connection with the body unread, so its kernel reset it: a
// sender still writing got a reset, and with it often lost the 413.
#[test]
fn listen_lingers_after_a_413_so_a_sender_still_writing_is_not_reset() {
    let listen = Listen::start(&["--secret", LISTEN_SECRET, "--max-body", LIMIT]);
    let body = big_payload();
    let mut stream = TcpStream::connect(listen.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .write_all(head_for(listen.addr, &body).as_bytes())
        .unwrap();
    let (status, answer) = read_answer(&mut stream);
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("payload too large"), "{answer}");
    // The answer is out; the sender goes on writing the body it started, as a sender that does
    // not read while it writes would. Every byte is taken (and dropped), none is reset.
    for chunk in body.chunks(256 * 1024) {
        if let Err(err) = stream.write_all(chunk) {
            panic!("writing the rest of the body after the 413 failed: {err}");
        }
    }
    stream.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty(), "nothing after the answer: {rest:?}"),
        Err(err) if err.kind() == ErrorKind::ConnectionReset => {
            panic!("the connection was reset after the answer")
        }
        Err(err) => panic!("reading to the end: {err}"),
    }
    assert!(listen.wait_for_line("413 POST /webhook too_large"));
}

#[test]
fn curl_and_send_read_listens_413_for_a_body_over_the_limit() {
    let listen = Listen::start(&["--secret", LISTEN_SECRET, "--max-body", LIMIT]);
    let dir = tempfile::tempdir().unwrap();
    let payload = big_payload_file(dir.path());
    let curl = Path::new("/usr/bin/curl");
    assert!(curl.exists(), "{} is missing: install curl", curl.display());
    // Without `Expect: 100-continue`, so that curl sends the body at once; then streamed from
    // the file.
    for upload in [
        ["--data-binary", "@big.json"],
        ["--upload-file", "big.json"],
    ] {
        let output = Command::new(curl)
            .current_dir(dir.path())
            .args([
                "-sS",
                "-X",
                "POST",
                "-H",
                "Expect:",
                "-H",
                "Content-Type: application/json",
            ])
            .args(upload)
            .args(["-o", "answer.json", "-w", "%{http_code}"])
            .arg(&listen.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "curl {upload:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&output.stdout), "413", "{upload:?}");
        let answer = std::fs::read_to_string(dir.path().join("answer.json")).unwrap();
        assert!(answer.contains("payload too large"), "{answer}");
    }

    for _ in 0..TRIES {
        let sent = run(cmd()
            .args(["send", "card.created", "--secret", LISTEN_SECRET, "--url"])
            .arg(&listen.url)
            .arg("--payload")
            .arg(&payload));
        assert_shows_the_413(&sent);
        assert!(sent.stdout.contains("payload too large"), "{}", sent.stdout);
    }
}
