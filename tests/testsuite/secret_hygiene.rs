//! Secret hygiene: every command that takes a secret is run with a recognisable one, through the
//! real binary, and the secret must appear nowhere: not on stdout or stderr, not in JSON or JUnit
//! output, not in error messages, not in files written, not on the wire.

use std::time::Duration;

use crate::common::{TestServer, cmd, expected_signature};
use crate::hostile_support::*;
use crate::listen_support::{Listen, deliver, unique_body};

const CANARY: &str = "S3CR3T-canary-7f1d";

/// Every form of the secret that would give it away: as is (any case), in hex, in base64.
fn leaks(text: &[u8]) -> Option<&'static str> {
    use base64::Engine;
    let raw = String::from_utf8_lossy(text);
    let lower = raw.to_ascii_lowercase();
    let base64 = base64::engine::general_purpose::STANDARD.encode(CANARY);
    if lower.contains(&CANARY.to_ascii_lowercase()) {
        Some("the secret")
    } else if lower.contains(&hex::encode(CANARY)) {
        Some("the secret in hex")
    } else if raw.contains(base64.trim_end_matches('=')) {
        Some("the secret in base64")
    } else {
        None
    }
}

/// Runs the binary and asserts that nothing it printed holds the secret.
fn run_clean(label: &str, command: &mut assert_cmd::Command) -> Ran {
    let output = command.timeout(Duration::from_secs(60)).output().unwrap();
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        if let Some(what) = leaks(bytes) {
            panic!(
                "{label}: {what} appears on {stream}:\n{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    let ran = Ran::from(output);
    ran.clean();
    ran
}

fn assert_file_clean(label: &str, path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        leaks(&bytes).is_none(),
        "{label}: the secret is in {}",
        path.display()
    );
}

/// Asserts that no request `server` received holds the secret, in its body or its headers.
fn assert_wire_clean(server: &TestServer) {
    for request in server.requests() {
        let mut wire = request.body.clone();
        for (name, value) in &request.headers {
            wire.extend(format!("{name}: {value}\n").into_bytes());
        }
        assert!(
            leaks(&wire).is_none(),
            "sent: {}",
            String::from_utf8_lossy(&wire)
        );
    }
}

fn body() -> Vec<u8> {
    br#"{"event":"card.created","timestamp":1700000000000,"data":{"card_id":"c_1"}}"#.to_vec()
}

#[test]
fn the_canary_is_detected_in_every_form() {
    // The check itself must be able to fail.
    assert!(leaks(CANARY.as_bytes()).is_some());
    assert!(leaks(hex::encode(CANARY).as_bytes()).is_some());
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(CANARY);
    assert!(leaks(format!("x {encoded} y").as_bytes()).is_some());
    assert!(leaks(b"sha256=0123").is_none());
}

#[test]
fn sign_prints_the_signature_never_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "body.json", body());
    let secret_file = write(dir.path(), "secret.txt", format!("{CANARY}\n"));
    let file = file.to_str().unwrap();
    let ran = run_clean("sign", cmd().args(["sign", file, "--secret", CANARY]));
    assert_eq!(ran.stdout.trim(), expected_signature(CANARY, &body()));
    // --curl prints a command with the signature in it, not the secret.
    let ran = run_clean(
        "sign --curl",
        cmd().args([
            "sign",
            file,
            "--secret",
            CANARY,
            "--curl",
            "http://127.0.0.1:9/webhook",
        ]),
    );
    assert!(ran.stdout.contains(&expected_signature(CANARY, &body())));
    run_clean(
        "sign --secret-file",
        cmd().args(["sign", file, "--secret-file", secret_file.to_str().unwrap()]),
    );
    run_clean(
        "sign with the secret in the environment",
        cmd()
            .args(["sign", file])
            .env("TITANCARD_WEBHOOK_SECRET", CANARY),
    );
    // Errors after the secret was read.
    run_clean(
        "sign, unreadable body",
        cmd().args(["sign", "/nonexistent/body.json", "--secret", CANARY]),
    )
    .error("/nonexistent/body.json");
    run_clean(
        "sign, bad --curl URL",
        cmd().args(["sign", file, "--secret", CANARY, "--curl", "ftp://x/"]),
    )
    .error("only http:// and https:// URLs can receive webhooks");
}

#[test]
fn verify_never_shows_the_secret_in_any_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.http",
        http_capture(CANARY, "card.created", &body()),
    );
    let wrong = write(
        dir.path(),
        "wrong.http",
        http_capture("other", "card.created", &body()),
    );
    let mut with_newline = body();
    with_newline.push(b'\n');
    let gained = write(dir.path(), "gained.http", {
        // Signed before a newline was added: the diagnosis explains it.
        let mut raw = Vec::new();
        let signature = expected_signature(CANARY, &body());
        raw.extend(format!(
            "POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nX-Webhook-Signature: {signature}\r\nX-Webhook-Event: card.created\r\nContent-Length: {}\r\n\r\n",
            with_newline.len()
        ).into_bytes());
        raw.extend(&with_newline);
        raw
    });
    for file in [&good, &wrong, &gained] {
        let name = file.to_str().unwrap();
        for format in ["human", "json"] {
            for secrets in [
                vec!["--secret", CANARY],
                vec!["--secret", "other-one", "--secret", CANARY],
                // A secret with whitespace around it: the diagnosis names it by position.
                vec!["--secret", " S3CR3T-canary-7f1d\n"],
            ] {
                let ran = run_clean(
                    &format!("verify {name} {format} {secrets:?}"),
                    cmd()
                        .args(["verify", name, "--format", format])
                        .args(&secrets),
                );
                assert!(ran.code == 0 || ran.code == 1, "{}", ran.stderr);
            }
        }
    }
    // The diagnosis of a trimmed secret was really produced (and still names no secret).
    let ran = run_clean(
        "verify, secret with a newline",
        cmd().args([
            "verify",
            good.to_str().unwrap(),
            "--secret",
            " S3CR3T-canary-7f1d\n",
        ]),
    );
    ran.expect(1, "secret #1 has whitespace");
    // Bare body with --signature, and errors.
    run_clean(
        "verify bare",
        cmd()
            .args([
                "verify",
                "-",
                "--secret",
                CANARY,
                "--signature",
                "sha256=00",
            ])
            .write_stdin(body()),
    )
    .expect(1, "not 64");
    run_clean(
        "verify, missing file",
        cmd().args(["verify", "/nonexistent/c.http", "--secret", CANARY]),
    )
    .error("/nonexistent/c.http");
}

#[test]
fn replay_and_probe_send_signatures_never_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let capture = write(
        dir.path(),
        "c.http",
        http_capture("old", "card.created", &body()),
    );
    let server = TestServer::ok();
    for format in ["human", "json"] {
        let ran = run_clean(
            "replay --resign",
            cmd()
                .args([
                    "replay",
                    capture.to_str().unwrap(),
                    "--resign",
                    "--secret",
                    CANARY,
                ])
                .args(["--url", &server.url("/webhook"), "--format", format]),
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
    }
    for format in ["human", "json", "junit"] {
        let ran = run_clean(
            "probe",
            cmd()
                .args([
                    "probe",
                    "--url",
                    &server.url("/webhook"),
                    "--secret",
                    CANARY,
                ])
                .args([
                    "--event",
                    "card.created",
                    "--timeout",
                    "5s",
                    "--format",
                    format,
                ]),
        );
        assert!(ran.code == 0 || ran.code == 1, "{}", ran.stderr);
    }
    // Faults are reported without the secret too.
    run_clean(
        "probe, refused",
        cmd().args([
            "probe",
            "--url",
            &refused_url(),
            "--secret",
            CANARY,
            "--format",
            "json",
        ]),
    );
    run_clean(
        "replay --resign, refused",
        cmd()
            .args([
                "replay",
                capture.to_str().unwrap(),
                "--resign",
                "--secret",
                CANARY,
            ])
            .args(["--url", &refused_url()]),
    );
    // On the wire: signatures, never the secret itself.
    assert!(server.requests().len() > 2);
    assert_wire_clean(&server);
}

#[test]
fn send_never_shows_or_sends_the_secret() {
    let server = TestServer::ok();
    let url = server.url("/webhook");
    for format in ["human", "json"] {
        run_clean(
            "send --dry-run",
            cmd().args([
                "send",
                "card.created",
                "--dry-run",
                "--secret",
                CANARY,
                "--format",
                format,
            ]),
        )
        .expect(0, "X-Webhook-Signature");
        run_clean(
            "send",
            cmd().args([
                "send",
                "card.created",
                "--url",
                &url,
                "--secret",
                CANARY,
                "--format",
                format,
            ]),
        )
        .expect(0, "200");
        run_clean(
            "send, refused",
            cmd()
                .args([
                    "send",
                    "card.created",
                    "--url",
                    &refused_url(),
                    "--secret",
                    CANARY,
                ])
                .args(["--format", format]),
        );
        run_clean(
            "send, bad --set",
            cmd()
                .args([
                    "send",
                    "card.created",
                    "--dry-run",
                    "--secret",
                    CANARY,
                    "--set",
                    "data..x=1",
                ])
                .args(["--format", format]),
        );
    }
    run_clean(
        "send --all, load mode",
        cmd().args([
            "send",
            "--all",
            "--url",
            &url,
            "--secret",
            CANARY,
            "--count",
            "20",
            "--concurrency",
            "4",
        ]),
    );
    assert_wire_clean(&server);
}

#[test]
fn listen_never_shows_or_saves_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    for format in ["human", "json"] {
        let listen = Listen::start(&[
            "--secret",
            CANARY,
            "--save",
            save.to_str().unwrap(),
            "--format",
            format,
        ]);
        let body = unique_body(5);
        assert_eq!(
            deliver(listen.addr, "connection.created", &body, CANARY).0,
            200
        );
        assert_eq!(
            deliver(listen.addr, "connection.created", &unique_body(6), "wrong").0,
            401
        );
        let (code, lines, stderr) = listen.stop("-TERM");
        assert_eq!(code, Some(0), "{stderr}");
        let printed = lines.join("\n");
        assert!(
            leaks(printed.as_bytes()).is_none(),
            "listen {format} printed the secret:\n{printed}"
        );
        assert!(
            leaks(stderr.as_bytes()).is_none(),
            "listen {format} stderr:\n{stderr}"
        );
    }
    assert_file_clean("listen --save", &save);
    // The saved records verify with the secret, and verify does not print it either.
    run_clean(
        "verify the saved records",
        cmd().args(["verify", save.to_str().unwrap(), "--secret", CANARY]),
    );
}

#[test]
fn demo_never_shows_a_secret() {
    for format in ["human", "json"] {
        let ran = run_clean(
            "demo",
            cmd()
                .args(["demo", "--format", format])
                .env("TITANCARD_WEBHOOK_SECRET", CANARY),
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        // demo makes its own secret, whsec_ and 48 hex digits: no such token may be printed.
        for text in [&ran.stdout, &ran.stderr] {
            let token = text.match_indices("whsec_").find(|(at, _)| {
                let rest = &text[at + 6..];
                rest.len() >= 48 && rest[..48].bytes().all(|b| b.is_ascii_hexdigit())
            });
            assert!(token.is_none(), "demo printed its secret:\n{text}");
        }
    }
}

#[test]
fn story_prints_writes_and_sends_signatures_never_the_secret() {
    let server = TestServer::ok();
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "json"] {
        let ran = run_clean(
            "story --dry-run",
            cmd()
                .args(["story", "all-events", "--dry-run", "--duplicates", "0.5"])
                .args(["--secret", CANARY, "--format", format]),
        );
        assert!(ran.stdout.contains("sha256="), "{}", ran.stdout);
        let ran = run_clean(
            "story",
            cmd()
                .args([
                    "story",
                    "contact-lifecycle",
                    "--url",
                    &server.url("/webhook"),
                ])
                .args(["--secret", CANARY, "--format", format]),
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        let out = dir.path().join(format);
        run_clean(
            "story --out",
            cmd()
                .args(["story", "card-lifecycle", "--out", out.to_str().unwrap()])
                .args(["--secret", CANARY, "--format", format]),
        );
        for entry in std::fs::read_dir(&out).unwrap() {
            assert_file_clean("story --out", &entry.unwrap().path());
        }
    }
    run_clean(
        "story, refused",
        cmd()
            .args(["story", "card-lifecycle", "--url", &refused_url()])
            .args(["--secret", CANARY]),
    )
    .expect(1, "connection refused");
    assert_wire_clean(&server);
}
