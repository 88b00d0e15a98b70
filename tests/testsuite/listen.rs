//! `listen` as a user runs it: the real binary on port 0, real HTTP requests over TCP, the
//! printed lines, the saved records and the exit status after a signal.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::common::{Reply, TestServer, expected_signature};
use crate::listen_support::{Listen, SECRET, deliver, http, read_response, saved, unique_body};
use serde_json::Value;
use titancard_wh::internals::CATALOGUE;
#[test]
fn all_fourteen_events_are_accepted_and_saved_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    assert!(listen.url.ends_with("/webhook"));
    for spec in &CATALOGUE {
        let (status, body) = deliver(listen.addr, spec.name, spec.sample.as_bytes(), SECRET);
        assert_eq!(
            (status, body.as_str()),
            (200, "{\"received\":true}"),
            "{}",
            spec.name
        );
    }
    let records = saved(&save);
    assert_eq!(records.len(), 14);
    for (record, spec) in records.iter().zip(&CATALOGUE) {
        assert_eq!(record.verdict.as_deref(), Some("accepted"));
        assert_eq!(record.status, Some(200));
        assert_eq!(record.body_bytes().unwrap(), spec.sample.as_bytes());
        assert_eq!(record.headers.get("x-webhook-event"), Some(spec.name));
        assert_eq!(
            record.headers.get("x-webhook-signature"),
            Some(expected_signature(SECRET, spec.sample.as_bytes()).as_str())
        );
    }
    let (code, lines, _) = listen.stop("-INT");
    assert_eq!(code, Some(0));
    assert!(lines.iter().any(|line| line.contains("connection.created")
        && line.contains("Jane Doe")
        && line.contains("accepted")));
}

#[test]
fn every_bad_request_gets_its_status_and_is_saved_with_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&[
        "--secret",
        SECRET,
        "--save",
        save.to_str().unwrap(),
        "--max-body",
        "4000",
    ]);
    let addr = listen.addr;
    let sample = CATALOGUE[0].sample.as_bytes();

    let (status, body) = http(
        addr,
        "POST /webhook",
        &[("X-Webhook-Event", "card.created")],
        sample,
    );
    assert_eq!(status, 401, "no signature: {body}");
    let wrong = expected_signature("another secret", sample);
    let (status, _) = http(
        addr,
        "POST /webhook",
        &[("X-Webhook-Signature", &wrong)],
        sample,
    );
    assert_eq!(status, 401, "bad signature");
    let (status, body) = deliver(addr, "card.created", b"{\"event\": ", SECRET);
    assert_eq!(status, 400, "not JSON");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"],
        "malformed JSON"
    );
    let invalid = br#"{"event":"card.created","timestamp":"yesterday","data":{}}"#;
    let (status, body) = deliver(addr, "card.created", invalid, SECRET);
    assert_eq!(status, 400, "schema-invalid");
    let errors = serde_json::from_str::<Value>(&body).unwrap()["errors"].clone();
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["pointer"] == "/timestamp"),
        "{body}"
    );
    let (status, _) = deliver(addr, "card.updated", sample, SECRET);
    assert_eq!(status, 400, "header/body event mismatch");
    let (status, _) = http(addr, "GET /webhook", &[], b"");
    assert_eq!(status, 405, "GET");
    let (status, _) = deliver_to(addr, "POST /elsewhere", sample);
    assert_eq!(status, 404, "wrong path");
    let (first, _) = deliver(addr, "card.created", sample, SECRET);
    let (second, body) = deliver(addr, "card.created", sample, SECRET);
    assert_eq!((first, second), (200, 200));
    assert_eq!(body, "{\"received\":true,\"duplicate\":true}");

    // Too big: the declared length is refused before the body is sent.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{")
        .unwrap();
    assert_eq!(read_response(&mut stream).0, 413, "too big, declared");
    // Too big without a declared length: the capped read stops it.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'a'; 5000];
    let _ = stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
    let _ = stream.write_all(&chunk);
    let _ = stream.write_all(b"\r\n");
    assert_eq!(read_response(&mut stream).0, 413, "too big, streamed");

    let verdicts: Vec<_> = saved(&save)
        .into_iter()
        .map(|record| (record.verdict.unwrap(), record.status.unwrap()))
        .collect();
    let expected = [
        ("invalid_signature", 401),
        ("invalid_signature", 401),
        ("malformed_json", 400),
        ("invalid_payload", 400),
        ("event_mismatch", 400),
        ("method_not_allowed", 405),
        ("not_found", 404),
        ("accepted", 200),
        ("duplicate", 200),
        ("too_large", 413),
        ("too_large", 413),
    ];
    let expected: Vec<_> = expected.iter().map(|(v, s)| (v.to_string(), *s)).collect();
    assert_eq!(verdicts, expected);

    let (code, lines, _) = listen.stop("-INT");
    assert_eq!(code, Some(0));
    let summary = lines.join("\n");
    assert!(
        summary.contains("11 received, 1 accepted, 1 duplicates, 9 rejected"),
        "{summary}"
    );
    assert!(summary.contains("invalid_signature"), "{summary}");
}

fn deliver_to(addr: SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let signature = expected_signature(SECRET, body);
    http(addr, head, &[("X-Webhook-Signature", &signature)], body)
}

#[test]
fn method_not_allowed_names_post() {
    let listen = Listen::start(&["--secret", SECRET]);
    let mut stream = TcpStream::connect(listen.addr).unwrap();
    stream
        .write_all(b"GET /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 405"), "{raw}");
    assert!(
        raw.to_ascii_lowercase().contains("\r\nallow: post\r\n"),
        "{raw}"
    );
}

#[test]
fn rotation_accepts_either_secret_and_reports_which() {
    let listen = Listen::start(&[
        "--secret",
        "whsec_old",
        "--secret",
        "whsec_new",
        "--format",
        "json",
    ]);
    assert_eq!(
        deliver(
            listen.addr,
            "connection.created",
            &unique_body(1),
            "whsec_new"
        )
        .0,
        200
    );
    assert_eq!(
        deliver(
            listen.addr,
            "connection.created",
            &unique_body(2),
            "whsec_old"
        )
        .0,
        200
    );
    assert_eq!(
        deliver(
            listen.addr,
            "connection.created",
            &unique_body(3),
            "whsec_x"
        )
        .0,
        401
    );
    let (code, lines, _) = listen.stop("-TERM");
    assert_eq!(code, Some(0));
    let values: Vec<Value> = lines
        .iter()
        .map(|line| crate::common::json_output("listen", line.as_bytes()))
        .collect();
    assert_eq!(values.len(), 4, "{lines:?}");
    assert_eq!(values[0]["secret"], 2);
    assert_eq!(values[0]["ok"], true);
    assert_eq!(values[0]["full_name"], Value::Null);
    assert_eq!(values[0]["fields"]["full_name"], "Jane Doe");
    assert_eq!(values[1]["secret"], 1);
    assert_eq!(values[2]["verdict"], "invalid_signature");
    assert_eq!(values[2]["ok"], false);
    assert_eq!(values[3]["type"], "summary");
    assert_eq!(values[3]["ok"], false);
    assert_eq!(values[3]["counts"]["accepted"], 2);
    assert_eq!(values[3]["counts"]["rejected"], 1);
    assert_eq!(values[3]["counts"]["by_reason"]["invalid_signature"], 1);
}

#[test]
fn fail_first_fails_retries_until_it_accepts() {
    let listen = Listen::start(&["--secret", SECRET, "--fail-first", "2"]);
    let body = unique_body(10);
    let statuses: Vec<u16> = (0..4)
        .map(|_| deliver(listen.addr, "connection.created", &body, SECRET).0)
        .collect();
    assert_eq!(statuses, [500, 500, 200, 200]);
    let (_, duplicate) = deliver(listen.addr, "connection.created", &body, SECRET);
    assert!(duplicate.contains("duplicate"), "{duplicate}");
}

#[test]
fn status_answers_every_valid_request_and_bad_ones_keep_their_status() {
    let listen = Listen::start(&["--secret", SECRET, "--status", "503", "--delay", "10ms"]);
    let body = unique_body(20);
    assert_eq!(
        deliver(listen.addr, "connection.created", &body, SECRET).0,
        503
    );
    // Not acknowledged, so the retry is not a duplicate.
    assert_eq!(
        deliver(listen.addr, "connection.created", &body, SECRET).0,
        503
    );
    assert_eq!(
        deliver(listen.addr, "connection.created", &body, "nope").0,
        401
    );
}

#[test]
fn forward_to_relays_body_and_headers_and_answers_with_the_apps_status() {
    let app = TestServer::start(|_, _| Reply::status(201).with_body("{\"app\":true}"));
    let forward = app.url("/hooks/titancard");
    let listen = Listen::start(&["--secret", SECRET, "--forward-to", &forward]);
    let body = unique_body(30);
    let (status, answer) = deliver(listen.addr, "connection.created", &body, SECRET);
    assert_eq!((status, answer.as_str()), (201, "{\"app\":true}"));
    let relayed = app.requests();
    assert_eq!(relayed.len(), 1);
    let request = &relayed[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/hooks/titancard");
    assert_eq!(request.body, body);
    assert_eq!(
        request.header("x-webhook-signature"),
        Some(expected_signature(SECRET, &body).as_str())
    );
    assert_eq!(
        request.header("x-webhook-event"),
        Some("connection.created")
    );
    assert_eq!(request.header("user-agent"), Some("TitanCard-Webhooks/1.0"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("connection"), None);
    // A rejected request is not relayed.
    assert_eq!(
        deliver(listen.addr, "connection.created", &body, "nope").0,
        401
    );
    assert_eq!(app.requests().len(), 1);
}

#[test]
fn each_line_says_what_the_app_answered_and_verbose_shows_the_whole_exchange() {
    let app = TestServer::start(|index, _| match index {
        0 => Reply::status(201).with_body("{\"stored\":1}"),
        _ => {
            Reply::status(500).with_body("TypeError: row is undefined\n    at store (app.js:12:3)")
        }
    });
    let listen = Listen::start(&["--secret", SECRET, "--forward-to", &app.url("/hooks"), "-v"]);
    let first = unique_body(31);
    assert_eq!(
        deliver(listen.addr, "connection.created", &first, SECRET).0,
        201
    );
    assert_eq!(
        deliver(listen.addr, "connection.created", &unique_body(32), SECRET).0,
        500
    );
    let (_, lines, _) = listen.stop("-TERM");
    let text = lines.join("\n");
    assert!(text.contains("accepted → app 201"), "{text}");
    assert!(text.contains("{\"stored\":1}"), "{text}");
    assert!(text.contains("forward_failed → app 500"), "{text}");
    assert!(
        text.contains("the endpoint crashed (answered 500)"),
        "{text}"
    );
    // -v: the request's headers and its body pretty-printed, and the app's whole answer.
    assert!(text.contains("  request:"), "{text}");
    assert!(
        text.contains("x-webhook-event: connection.created"),
        "{text}"
    );
    assert!(text.contains("\"full_name\": \"Jane Doe\""), "{text}");
    assert!(text.contains("app answer 500:"), "{text}");
    assert!(text.contains("at store (app.js:12:3)"), "{text}");

    // The JSON line carries the app's answer in the exchange shape of send and replay.
    let listen = Listen::start(&[
        "--secret",
        SECRET,
        "--forward-to",
        &app.url("/hooks"),
        "--format",
        "json",
    ]);
    assert_eq!(
        deliver(listen.addr, "connection.created", &unique_body(33), SECRET).0,
        500
    );
    let (_, lines, _) = listen.stop("-TERM");
    let request = crate::common::json_output("listen", lines[0].as_bytes());
    assert_eq!(request["forward"]["status"], 500);
    assert_eq!(request["forward"]["explanation"]["kind"], "crashed");
    assert_eq!(
        request["forward"]["explanation"]["excerpt"],
        "TypeError: row is undefined | at store (app.js:12:3)"
    );
}

#[test]
fn forward_to_an_app_that_is_down_answers_502() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", closed.local_addr().unwrap());
    drop(closed);
    let listen = Listen::start(&["--secret", SECRET, "--forward-to", &url]);
    let (status, body) = deliver(listen.addr, "connection.created", &unique_body(40), SECRET);
    assert_eq!(status, 502);
    assert!(body.contains("connection refused"), "{body}");
}

#[test]
fn slow_clients_are_timed_out_while_others_are_served() {
    let listen = Listen::start(&["--secret", SECRET, "--read-timeout", "1s"]);
    // Headers trickled in, one byte at a time.
    let mut slow = TcpStream::connect(listen.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    slow.write_all(b"POST /webhook HTTP/1.1\r\n").unwrap();
    // A slow body: headers at once, then nothing.
    let mut slow_body = TcpStream::connect(listen.addr).unwrap();
    slow_body
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    // Meanwhile a normal delivery is served.
    let (status, _) = deliver(listen.addr, "connection.created", &unique_body(50), SECRET);
    assert_eq!(status, 200);

    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(8) {
        if slow.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 256];
        match slow.read(&mut buffer) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {
                closed = true;
                break;
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(err) if err.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(closed, "the slow client still holds its connection");
    slow_body
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(read_response(&mut slow_body).0, 408);
}

#[test]
fn sigint_prints_the_summary_and_exits_zero() {
    let listen = Listen::start(&["--secret", SECRET]);
    deliver(listen.addr, "connection.created", &unique_body(60), SECRET);
    deliver(listen.addr, "connection.created", &unique_body(60), SECRET);
    deliver(listen.addr, "connection.created", &unique_body(61), "nope");
    let (code, lines, stderr) = listen.stop("-INT");
    assert_eq!(code, Some(0), "{stderr}");
    let text = lines.join("\n");
    assert!(
        text.contains("3 received, 1 accepted, 1 duplicates, 1 rejected"),
        "{text}"
    );
}

#[test]
fn a_port_in_use_is_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    crate::common::cmd()
        .args(["listen", "--port", &port, "--secret", SECRET])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "cannot listen on 127.0.0.1:{port}"
        )));
}

#[test]
fn no_secret_is_a_usage_error_naming_all_three_sources() {
    crate::common::cmd()
        .args(["listen", "--port", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--secret-file"))
        .stderr(predicates::str::contains("TITANCARD_WEBHOOK_SECRET"));
}

#[test]
fn fail_rate_one_fails_everything_and_nonsense_rates_are_refused() {
    let listen = Listen::start(&["--secret", SECRET, "--fail-rate", "1.0"]);
    for n in 0..3 {
        let (status, body) = deliver(
            listen.addr,
            "connection.created",
            &unique_body(70 + n),
            SECRET,
        );
        assert_eq!(status, 500, "{body}");
    }
    let (_, lines, _) = listen.stop("-INT");
    assert!(
        lines.iter().any(|line| line.contains("simulated_failure")),
        "{lines:?}"
    );
    crate::common::cmd()
        .args([
            "listen",
            "--port",
            "0",
            "--secret",
            SECRET,
            "--fail-rate",
            "1.5",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--fail-rate"));
}

#[test]
fn a_non_utf8_body_is_saved_as_base64_and_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    let body = [0xff, 0xfe, 0x00, b'{'];
    let (status, _) = deliver(listen.addr, "card.created", &body, SECRET);
    assert_eq!(status, 400);
    let records = saved(&save);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].verdict.as_deref(), Some("malformed_json"));
    assert_eq!(records[0].body_bytes().unwrap(), body);
    assert_eq!(
        serde_json::to_value(records[0].body_encoding).unwrap(),
        "base64"
    );
}

#[test]
fn a_request_in_flight_at_sigterm_is_still_answered() {
    let listen = Listen::start(&["--secret", SECRET, "--delay", "1s"]);
    let addr = listen.addr;
    let in_flight =
        std::thread::spawn(move || deliver(addr, "connection.created", &unique_body(80), SECRET));
    // The request is printed before --delay holds its answer; the signal arrives meanwhile.
    assert!(listen.wait_for_line("accepted"));
    let (code, lines, stderr) = listen.stop("-TERM");
    assert_eq!(in_flight.join().unwrap().0, 200);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        lines.join("\n").contains("1 received, 1 accepted"),
        "{lines:?}"
    );
    // Stopped: no new connection is accepted.
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn the_dedupe_memory_is_bounded_by_its_capacity() {
    let listen = Listen::start(&["--secret", SECRET, "--dedupe-capacity", "1"]);
    let (a, b) = (unique_body(90), unique_body(91));
    let answers: Vec<String> = [&a, &a, &b, &a]
        .iter()
        .map(|body| deliver(listen.addr, "connection.created", body, SECRET).1)
        .collect();
    assert!(!answers[0].contains("duplicate"));
    assert!(answers[1].contains("duplicate"));
    // Remembering only the last key, the receiver has forgotten `a` once `b` arrived.
    assert!(!answers[2].contains("duplicate"));
    assert!(!answers[3].contains("duplicate"), "{answers:?}");
}
