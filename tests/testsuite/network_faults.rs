//! Network faults, through the real binary: an endpoint that refuses, resets, never answers,
//! redirects, answers without end, or cannot be resolved. Each command reports the fault plainly
//! with exit 1 (a delivery without a 2xx answer is a failed check), never hangs and never panics.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::cmd;
use crate::hostile_support::*;
use crate::listen_support::{Listen, deliver, unique_body};

const SECRET_LISTEN: &str = crate::listen_support::SECRET;

const SECRET: &str = "whsec_faults";

/// A raw capture of one delivery, for replay.
fn capture(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let body = br#"{"event":"card.created","timestamp":1700000000000,"data":{"card_id":"c_1"}}"#;
    write(
        dir.path(),
        "capture.http",
        http_capture(SECRET, "card.created", body),
    )
}

fn replay(url: &str, timeout: &str) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let file = capture(&dir);
    let output = cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            url,
            "--timeout",
            timeout,
        ])
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    Ran::from(output)
}

/// The error kind and message of the one replayed request.
fn replay_error(ran: &Ran) -> (String, String) {
    ran.clean();
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    let report = ran.json("replay");
    assert_eq!(report["ok"], false);
    let error = &report["requests"][0]["error"];
    (
        error["kind"].as_str().unwrap_or_default().to_string(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn probe(url: &str, timeout: &str) -> Ran {
    let output = cmd()
        .args([
            "probe",
            "--url",
            url,
            "--secret",
            SECRET,
            "--timeout",
            timeout,
        ])
        .args(["--event", "card.created"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    Ran::from(output)
}

#[test]
fn connection_refused() {
    let url = refused_url();
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_refused");
    assert_eq!(message, format!("connection refused at {url}"));
    probe(&url, "5s").expect(1, &format!("connection refused at {url}"));
}

#[test]
fn unresolvable_host() {
    let (kind, message) = replay_error(&replay(UNRESOLVABLE_URL, "10s"));
    assert_eq!(kind, "unresolved_host", "{message}");
    assert!(message.contains("no-such-host.invalid"), "{message}");
    probe(UNRESOLVABLE_URL, "10s").expect(
        1,
        "cannot resolve the host of http://no-such-host.invalid/webhook",
    );
}

#[test]
fn reset_before_any_answer() {
    let server = FaultServer::start(Fault::Reset);
    let url = server.url("/webhook");
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_reset", "{message}");
    assert!(message.contains(&url), "{message}");
    probe(&url, "5s").expect(1, "reset or closed before a full answer");
}

#[test]
fn half_an_answer_then_closed() {
    let server = FaultServer::start(Fault::HalfAnswer);
    let url = server.url("/webhook");
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_reset", "{message}");
    assert_eq!(
        message,
        format!("the connection to {url} was reset or closed before a full answer")
    );
    probe(&url, "5s").expect(1, "reset or closed before a full answer");
}

#[test]
fn no_answer_is_a_timeout_that_is_honoured() {
    let server = FaultServer::start(Fault::Silent);
    let url = server.url("/webhook");
    let started = Instant::now();
    let (kind, message) = replay_error(&replay(&url, "700ms"));
    assert_eq!(kind, "timeout");
    assert_eq!(message, format!("no answer from {url} within 700ms"));
    // Honoured: far below the 30s default (a loose bound, not a speed test).
    assert!(started.elapsed() < Duration::from_secs(20));
    probe(&url, "300ms").expect(1, &format!("no answer from {url} within 300ms"));
}

#[test]
fn redirects_are_reported_not_followed() {
    let server = FaultServer::start(Fault::Redirect);
    let url = server.url("/webhook");
    let ran = replay(&url, "5s");
    ran.clean();
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let report = ran.json("replay");
    assert_eq!(report["requests"][0]["status"], 302);
    assert_eq!(report["requests"][0]["ok"], false);
    // One request only: /elsewhere was never asked for.
    assert_eq!(server.connections(), 1);
    let ran = probe(&url, "5s");
    ran.expect(1, "302");
}

#[test]
fn an_endless_answer_is_read_up_to_a_bound() {
    let server = FaultServer::start(Fault::EndlessBody);
    let url = server.url("/webhook");
    // The timeout is long: the answer must be cut at the bound, not by the clock.
    let ran = replay(&url, "60s");
    ran.clean();
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report = ran.json("replay");
    let request = &report["requests"][0];
    assert_eq!(request["status"], 200);
    assert_eq!(request["response"]["truncated"], true);
    let shown = request["response"]["body"].as_str().unwrap().len();
    assert!(shown <= 64 * 1024, "{shown} bytes kept");
}

#[test]
fn probe_survives_an_endless_answer_to_every_case() {
    let server = FaultServer::start(Fault::EndlessBody);
    // Every case gets 200 and an endless body: cut at the bound, so the run ends long before the
    // timeout would, and the cases that expect a refusal fail on the 200.
    let ran = probe(&server.url("/webhook"), "60s");
    ran.expect(1, "200");
    assert!(!ran.stdout.contains("no answer"), "{}", ran.stdout);
    assert!(server.connections() > 1);
}

fn send(url: &str, timeout: &str) -> Ran {
    let output = cmd()
        .args([
            "send",
            "card.created",
            "--url",
            url,
            "--secret",
            SECRET,
            "--timeout",
            timeout,
        ])
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    Ran::from(output)
}

#[test]
fn send_faults() {
    let refused = refused_url();
    send(&refused, "5s").expect(1, &format!("connection refused at {refused}"));
    send(UNRESOLVABLE_URL, "10s").expect(1, "no-such-host.invalid");
    for fault in [Fault::Reset, Fault::HalfAnswer] {
        let server = FaultServer::start(fault);
        send(&server.url("/webhook"), "5s").expect(1, "reset or closed before a full answer");
    }
    let silent = FaultServer::start(Fault::Silent);
    let url = silent.url("/webhook");
    send(&url, "700ms").expect(1, &format!("no answer from {url} within 700ms"));
    let redirect = FaultServer::start(Fault::Redirect);
    send(&redirect.url("/webhook"), "5s").expect(1, "302");
    assert_eq!(redirect.connections(), 1);
    let endless = FaultServer::start(Fault::EndlessBody);
    let ran = send(&endless.url("/webhook"), "60s");
    ran.expect(0, "200");
    assert_eq!(
        ran.json("send")["deliveries"][0]["attempts"][0]["response"]["truncated"],
        true
    );
    // Load mode: a connection left with an unread answer is not reused for the next delivery.
    let endless = FaultServer::start(Fault::EndlessBody);
    let output = cmd()
        .args([
            "send",
            "--all",
            "--url",
            &endless.url("/webhook"),
            "--secret",
            SECRET,
        ])
        .args(["--count", "10", "--concurrency", "2", "--timeout", "60s"])
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let ran = Ran::from(output);
    ran.clean();
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert_eq!(endless.connections(), 10);
}

/// `listen --forward-to` an app that misbehaves: the sender gets a 5xx (or the app's own status)
/// with the reason, never a hang, and listen keeps serving.
#[test]
fn listen_forward_to_faulty_apps() {
    for (fault, status, text) in [
        (Fault::Reset, 502, "reset or closed before a full answer"),
        (
            Fault::HalfAnswer,
            502,
            "reset or closed before a full answer",
        ),
        (Fault::Redirect, 302, ""),
        (Fault::EndlessBody, 200, "xxxx"),
    ] {
        let app = FaultServer::start(fault);
        let listen = Listen::start(&["--secret", SECRET_LISTEN, "--forward-to", &app.url("/app")]);
        let (got, body) = deliver(
            listen.addr,
            "connection.created",
            &unique_body(7),
            SECRET_LISTEN,
        );
        assert_eq!(got, status, "{fault:?}: {body}");
        assert!(body.contains(text), "{fault:?}: {body}");
        assert!(
            body.len() <= 64 * 1024,
            "{fault:?}: {} bytes relayed",
            body.len()
        );
        // Still serving.
        let (again, _) = deliver(
            listen.addr,
            "connection.created",
            &unique_body(8),
            SECRET_LISTEN,
        );
        assert!(again > 0);
        let (code, _, stderr) = listen.stop("-TERM");
        assert_eq!(code, Some(0), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    for url in [UNRESOLVABLE_URL.to_string(), refused_url()] {
        let listen = Listen::start(&["--secret", SECRET_LISTEN, "--forward-to", &url]);
        let (got, body) = deliver(
            listen.addr,
            "connection.created",
            &unique_body(9),
            SECRET_LISTEN,
        );
        assert_eq!(got, 502, "{url}: {body}");
        assert!(body.contains(&url), "{url}: {body}");
    }
}

/// An app that never answers: the forward gives up at the reference's 30 s deadline and says so.
#[test]
fn listen_forward_to_a_silent_app_times_out() {
    let app = FaultServer::start(Fault::Silent);
    let listen = Listen::start(&["--secret", SECRET_LISTEN, "--forward-to", &app.url("/app")]);
    let started = Instant::now();
    // Not crate::listen_support::deliver: its client gives up after 20 s, before the forward does.
    let body = unique_body(10);
    let signature = crate::common::expected_signature(SECRET_LISTEN, &body);
    let mut stream = std::net::TcpStream::connect(listen.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nX-Webhook-Signature: {signature}\r\n\
         X-Webhook-Event: connection.created\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    let (got, body) = crate::listen_support::read_response(&mut stream);
    assert!(got >= 500, "{got}: {body}");
    assert!(body.contains("no answer") && body.contains("30s"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(50));
}

/// A client that sends half its body and hangs up: nothing saved for it, nothing broken for the
/// next client.
#[test]
fn listen_survives_a_client_that_disconnects_mid_body() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET_LISTEN, "--save", save.to_str().unwrap()]);
    for _ in 0..5 {
        let mut stream = std::net::TcpStream::connect(listen.addr).unwrap();
        stream
            .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"event\":")
            .unwrap();
        drop(stream);
    }
    let body = unique_body(11);
    let (status, _) = deliver(listen.addr, "connection.created", &body, SECRET_LISTEN);
    assert_eq!(status, 200);
    let (code, _, stderr) = listen.stop("-TERM");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let saved = crate::listen_support::saved(&save);
    let accepted: Vec<_> = saved.iter().filter(|r| r.status == Some(200)).collect();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].body_bytes().unwrap(), body);
}

/// 1,000 connections at once on loopback: every delivery is answered, each accepted one saved
/// exactly once, and the run ends by itself.
#[test]
fn listen_under_1000_concurrent_connections() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET_LISTEN, "--save", save.to_str().unwrap()]);
    let addr = listen.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let statuses: Vec<u16> = runtime.block_on(async move {
        let tasks: Vec<_> = (0..1000u64)
            .map(|i| {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let body = unique_body(1_000_000 + i);
                    let signature = crate::common::expected_signature(SECRET_LISTEN, &body);
                    let mut stream = match tokio::net::TcpStream::connect(addr).await {
                        Ok(stream) => stream,
                        Err(err) => {
                            eprintln!("connect: {err}");
                            return None;
                        }
                    };
                    let head = format!(
                        "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                         Content-Type: application/json\r\nX-Webhook-Signature: {signature}\r\n\
                         X-Webhook-Event: connection.created\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    stream.write_all(head.as_bytes()).await.ok()?;
                    stream.write_all(&body).await.ok()?;
                    let mut answer = Vec::new();
                    if let Err(err) = stream.read_to_end(&mut answer).await {
                        eprintln!("read: {err}");
                        return None;
                    }
                    String::from_utf8_lossy(&answer)
                        .split(' ')
                        .nth(1)?
                        .parse::<u16>()
                        .ok()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        let all = async {
            for task in tasks {
                statuses.push(task.await.ok().flatten().unwrap_or(0));
            }
        };
        tokio::time::timeout(Duration::from_secs(120), all)
            .await
            .expect("1,000 deliveries finish by themselves");
        statuses
    });
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    assert_eq!(ok, 1000, "answers: {:?}", {
        let mut other: Vec<_> = statuses.iter().filter(|&&s| s != 200).collect();
        other.dedup();
        other
    });
    let (code, _, stderr) = listen.stop("-TERM");
    assert_eq!(code, Some(0), "{stderr}");
    let saved = crate::listen_support::saved(&save);
    let mut bodies: Vec<Vec<u8>> = saved.iter().map(|r| r.body_bytes().unwrap()).collect();
    assert_eq!(bodies.len(), 1000);
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 1000, "a delivery was saved twice");
}

/// Durability (the one SIGKILL test): listen --save under four concurrent senders, killed mid-run. Every
/// acknowledged (2xx) delivery is in the file exactly once, and the real `verify` reads the whole
/// file (skipping, with a warning, at most a torn last line) and finds every signature valid.
#[test]
fn listen_killed_mid_run_loses_no_acknowledged_event_and_the_file_verifies() {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let mut listen = Listen::start(&["--secret", SECRET_LISTEN, "--save", save.to_str().unwrap()]);
    let addr = listen.addr;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..4u64)
        .map(|sender| {
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                for n in 0..100_000u64 {
                    let body = unique_body(2_000_000 * (sender + 1) + n);
                    // Panics in a sender would hide behind the kill: stop quietly instead.
                    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
                        break;
                    };
                    let signature = crate::common::expected_signature(SECRET_LISTEN, &body);
                    let head = format!(
                        "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                         Content-Type: application/json\r\nX-Webhook-Signature: {signature}\r\n\
                         X-Webhook-Event: connection.created\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(head.as_bytes()).is_err()
                        || stream.write_all(&body).is_err()
                    {
                        break;
                    }
                    let mut raw = Vec::new();
                    let _ = std::io::Read::read_to_end(&mut stream, &mut raw);
                    if raw.starts_with(b"HTTP/1.1 2") {
                        acknowledged.lock().unwrap().push(body);
                    } else if raw.is_empty() {
                        break;
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 150 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    listen.child.kill().unwrap();
    listen.child.wait().unwrap();
    for sender in senders {
        sender.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 150,
        "only {} acknowledged",
        acknowledged.len()
    );

    let output = cmd()
        .args([
            "verify",
            save.to_str().unwrap(),
            "--secret",
            SECRET_LISTEN,
            "--format",
            "json",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let ran = Ran::from(output);
    ran.clean();
    assert_eq!(
        ran.code, 0,
        "verify after the kill:\n{}\n{}",
        ran.stdout, ran.stderr
    );
    // A torn last line is the only thing verify may skip, and it says so.
    for line in ran.stderr.lines() {
        assert!(line.contains("the last line is incomplete"), "{line}");
    }
    let report = ran.json("verify");
    let requests = report["requests"].as_array().unwrap();
    assert!(requests.iter().all(|r| r["signature"]["ok"] == true));

    let text = std::fs::read_to_string(&save).unwrap();
    let mut bodies: Vec<Vec<u8>> = text
        .lines()
        .filter_map(|line| {
            serde_json::from_str::<titancard_wh::internals::RequestRecord>(line).ok()
        })
        .filter(|record| record.verdict.as_deref() == Some("accepted"))
        .map(|record| record.body_bytes().unwrap())
        .collect();
    let saved = bodies.len();
    bodies.sort();
    for body in &acknowledged {
        let copies = bodies.iter().filter(|b| *b == body).count();
        assert_eq!(
            copies, 1,
            "an acknowledged event is in the file {copies} times"
        );
    }
    bodies.dedup();
    assert_eq!(bodies.len(), saved, "an event was saved twice");
    eprintln!(
        "acknowledged {} deliveries before SIGKILL; {saved} accepted records saved, {} verified",
        acknowledged.len(),
        requests.len()
    );
}
