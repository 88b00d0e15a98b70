//! Hostile input, through the real binary: every command that reads a file, a URL or an event name
//! answers garbage with a one-line message naming the file and the place, the documented exit code
//! (1 a failed check, 2 unusable input), and no panic.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use crate::common::{cmd, expected_signature};
use crate::hostile_support::*;

const SECRET: &str = "whsec_hostile";

fn run(args: &[&str]) -> Ran {
    Ran::from(
        cmd()
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap(),
    )
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Ran {
    Ran::from(
        cmd()
            .args(args)
            .write_stdin(stdin.to_vec())
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Bytes that are not text: invalid UTF-8, NUL bytes, control characters.
const GARBAGE: &[u8] = b"\xff\xfe\x00\x01garbage\x80\x81\xc3\x28\x00\x00\xed\xa0\x80";

/// JSON nested `depth` deep: `[[[...]]]`.
fn deep_json(depth: usize) -> Vec<u8> {
    let mut body = vec![b'['; depth];
    body.extend(std::iter::repeat_n(b']', depth));
    body
}

/// A readable-looking path that cannot be read even by root (tests may run as root, for whom
/// chmod 000 changes nothing): reading /proc/self/mem at offset 0 fails with EIO.
const UNREADABLE: &str = "/proc/self/mem";

#[test]
fn sign_signs_any_bytes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("garbage", GARBAGE.to_vec()),
        ("nul", b"{\"event\":\"card.created\"\x00}".to_vec()),
        ("deep.json", deep_json(100_000)),
    ] {
        let file = write(dir.path(), name, &bytes);
        let ran = run(&["sign", path(&file), "--secret", SECRET]);
        ran.expect(0, "sha256=");
        assert_eq!(
            ran.stdout.trim(),
            expected_signature(SECRET, &bytes),
            "{name}"
        );
        // Through stdin too.
        let ran = run_stdin(&["sign", "-", "--secret", SECRET], &bytes);
        assert_eq!(
            ran.stdout.trim(),
            expected_signature(SECRET, &bytes),
            "{name}"
        );
    }
}

#[test]
fn a_directory_a_missing_file_and_an_unreadable_one_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let folder = path(dir.path()).to_string();
    let missing = dir.path().join("missing.json");
    let missing = path(&missing).to_string();
    let url = "http://127.0.0.1:9/webhook";
    for bad in [folder.as_str(), missing.as_str(), UNREADABLE] {
        // In words, as every other message: the OS's "(os error 21)" once ended these.
        let reason = if bad == folder {
            "is a folder, not a file"
        } else if bad == missing {
            "no such file"
        } else {
            "input/output error"
        };
        let expected = format!("cannot read {bad}: {reason}\n");
        run(&["sign", bad, "--secret", SECRET]).error(&expected);
        run(&["verify", bad, "--secret", SECRET]).error(&expected);
        run(&[
            "verify",
            bad,
            "--secret",
            SECRET,
            "--signature",
            "sha256=00",
        ])
        .error(&expected);
        run(&["replay", bad, "--url", url]).error(&expected);
    }
    // A secret file, a project file, a story file, a CA file, a payload: named, in words.
    let folder_words = format!("{folder}: is a folder, not a file\n");
    let missing_words = format!("{missing}: no such file\n");
    for words in [&folder_words, &missing_words] {
        let bad = words.split_once(": ").unwrap().0;
        run(&["sign", "-", "--secret-file", bad]).error(words);
        run(&["config", "check", bad]).error(words);
        run(&["story", bad, "--url", url, "--secret", SECRET]).error(words);
        run(&["story", "show", bad]).error(words);
        run(&["send", "card.created", "--cacert", bad, "--url", url]).error(words);
        run(&["send", "--payload", bad, "--url", url, "--secret", SECRET]).error(words);
    }
}

#[test]
fn verify_empty_input_is_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "empty.http", b"");
    let name = path(&file);
    run(&["verify", name, "--secret", SECRET]).error(&format!("{name}: the input is empty"));
    run(&["verify", name, "--secret", SECRET, "--input-format", "http"])
        .error(&format!("{name}: the input is empty"));
    run(&[
        "verify",
        name,
        "--secret",
        SECRET,
        "--input-format",
        "jsonl",
    ])
    .error(&format!("{name}: the input is empty"));
    run_stdin(&["verify", "-", "--secret", SECRET], b"").error("stdin: the input is empty");
    run(&["replay", name, "--url", "http://127.0.0.1:9/"])
        .error(&format!("{name}: the input is empty"));
}

#[test]
fn verify_garbage_and_nul_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for (label, bytes) in [
        ("garbage", GARBAGE.to_vec()),
        ("nul", b"\x00\x00\x00\x00".to_vec()),
        (
            "json-with-nul",
            b"{\"event\":\"card.created\",\x00\"data\":{}}".to_vec(),
        ),
    ] {
        let file = write(dir.path(), label, &bytes);
        let name = path(&file);
        // Neither a request nor records: unusable without --signature.
        run(&["verify", name, "--secret", SECRET]).error(&format!(
            "{name}: not a raw HTTP request or listen --save records"
        ));
        // As a bare body, a correct signature verifies and a wrong one is a failed check.
        let good = expected_signature(SECRET, &bytes);
        run(&["verify", name, "--secret", SECRET, "--signature", &good]).expect(0, "valid");
        let wrong = expected_signature("another", &bytes);
        run(&["verify", name, "--secret", SECRET, "--signature", &wrong])
            .expect(1, "the signature does not match the body");
        // Forced to be read as HTTP or records, it is named as unusable.
        run(&["verify", name, "--secret", SECRET, "--input-format", "http"])
            .error(&format!("{name}: line 1: malformed request line"));
        run(&[
            "verify",
            name,
            "--secret",
            SECRET,
            "--input-format",
            "jsonl",
        ])
        .error(&format!("{name}:"));
        run(&["replay", name, "--url", "http://127.0.0.1:9/"]).error(&format!(
            "{name}: not a raw HTTP request or listen --save records"
        ));
    }
}

#[test]
fn a_malformed_signature_is_not_blamed_on_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "body.json", b"{}");
    for (signature, problem) in [
        (
            "sha256=abc",
            "the signature has 3 hex digits after sha256=, not 64",
        ),
        ("garbage", "the signature lacks the sha256= prefix"),
        (
            "sha256=\u{1F600}",
            "the signature is not hexadecimal after sha256=",
        ),
        ("", "the signature is empty"),
    ] {
        let ran = run(&[
            "verify",
            path(&file),
            "--secret",
            SECRET,
            "--signature",
            signature,
        ]);
        ran.expect(1, problem);
        assert!(!ran.stdout.contains("the secret differs"), "{}", ran.stdout);
    }
}

/// A capture of `body` with a correct signature and the reference's headers for card.created.
fn capture_file(dir: &Path, name: &str, body: &[u8]) -> String {
    let file = write(dir, name, http_capture(SECRET, "card.created", body));
    path(&file).to_string()
}

#[test]
fn verify_bodies_that_are_not_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let deep = deep_json(100_000);
    let digits = "9".repeat(400);
    let big_number =
        format!(r#"{{"event":"card.created","timestamp":{digits},"data":{{}}}}"#).into_bytes();
    let duplicate =
        br#"{"event":"card.created","event":"card.deleted","timestamp":1,"data":{}}"#.to_vec();
    let array = br#"[{"event":"card.created","timestamp":1,"data":{}}]"#.to_vec();
    for (label, body, problem) in [
        (
            "deep",
            &deep,
            "the body is not a JSON object with an event field",
        ),
        ("digits", &big_number, "X-Webhook-Event"),
        ("duplicate", &duplicate, "X-Webhook-Event"),
        (
            "array",
            &array,
            "the body is not a JSON object with an event field",
        ),
    ] {
        let name = capture_file(dir.path(), &format!("{label}.http"), body);
        // The signature is right; the envelope checks fail: exit 1, with the reason.
        let ran = run(&["verify", &name, "--secret", SECRET]);
        ran.expect(1, problem);
        assert!(
            ran.stdout.contains("matched secret #1"),
            "{label}: {}",
            ran.stdout
        );
        let ran = run(&["verify", &name, "--secret", SECRET, "--tolerance", "5m"]);
        ran.expect(1, "no numeric timestamp");
        // A wrong signature on such a body: the diagnosis gives up cleanly.
        let ran = run(&["verify", &name, "--secret", "other", "--format", "json"]);
        ran.clean();
        assert_eq!(ran.code, 1, "{label}: {}", ran.stderr);
        assert_eq!(ran.json("verify")["requests"][0]["signature"]["ok"], false);
    }
}

#[test]
fn verify_an_envelope_whose_data_is_nested_100000_deep() {
    // The checks skip `data` without building it, so the depth costs nothing: the capture is
    // valid, and only --tolerance (no timestamp) fails.
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"{\"event\":\"card.created\",\"data\":".to_vec();
    body.extend(b"{\"a\":".repeat(100_000));
    body.push(b'1');
    body.extend(std::iter::repeat_n(b'}', 100_001));
    let name = capture_file(dir.path(), "deep-object.http", &body);
    run(&["verify", &name, "--secret", SECRET]).expect(0, "valid  card.created");
    run(&["verify", &name, "--secret", SECRET, "--tolerance", "5m"])
        .expect(1, "no numeric timestamp");
    run(&["verify", &name, "--secret", "other"]).expect(1, "does not match");
}

#[test]
fn raw_captures_cut_short_or_lying_about_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let head = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    let chunked = format!("{head}Transfer-Encoding: chunked\r\n\r\n");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "cut-in-headers",
            "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Ty".into(),
            "the headers never end: no blank line before the body",
        ),
        (
            "cut-in-request-line",
            "POST /webh".into(),
            "line 1: malformed request line",
        ),
        (
            "long-content-length",
            format!("{head}Content-Length: 100\r\n\r\n{{\"a\":1}}"),
            "Content-Length 100 but only 7 body bytes",
        ),
        (
            "negative-content-length",
            format!("{head}Content-Length: -1\r\n\r\n{{}}"),
            "line 4: Content-Length '-1' is not a number",
        ),
        (
            "overflowing-content-length",
            format!("{head}Content-Length: 99999999999999999999999\r\n\r\n{{}}"),
            "line 4: Content-Length '99999999999999999999999' is not a number",
        ),
        (
            "bad-chunk-size",
            format!("{chunked}zz\r\nabc\r\n0\r\n\r\n"),
            "line 6: bad chunk size",
        ),
        (
            "overflowing-chunk-size",
            format!("{chunked}fffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            "line 6: bad chunk size",
        ),
        (
            "chunk-longer-than-data",
            format!("{chunked}ff\r\nabc\r\n"),
            "line 6: chunk of 255 bytes but only 5 bytes follow",
        ),
        (
            "no-last-chunk",
            format!("{chunked}3\r\nabc\r\n"),
            "the chunked body never ends (no final 0-size chunk)",
        ),
        (
            "chunk-without-line-break",
            format!("{chunked}3\r\nabcdef\r\n0\r\n\r\n"),
            "line 7: a chunk is not followed by a line break",
        ),
        (
            "nul-in-header",
            format!("{head}X-Bad\0: 1\r\n\r\n{{}}"),
            "line 4: malformed header",
        ),
    ];
    for (label, raw, message) in &cases {
        let file = write(dir.path(), &format!("{label}.http"), raw);
        let name = path(&file);
        let expected = format!("{name}: {message}");
        run(&["verify", name, "--secret", SECRET, "--input-format", "http"]).error(&expected);
        if !label.starts_with("cut-in-request-line") {
            run(&["verify", name, "--secret", SECRET]).error(&expected);
            run(&["replay", name, "--url", "http://127.0.0.1:9/"]).error(&expected);
        }
    }
    // Headers only: a request without a body or signature is a failed check, not a crash.
    let file = write(dir.path(), "headers-only.http", format!("{head}\r\n"));
    run(&["verify", path(&file), "--secret", SECRET]).expect(1, "no X-Webhook-Signature header");
    // Too many headers.
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let file = write(dir.path(), "many.http", format!("{head}{many}\r\n{{}}"));
    run(&["verify", path(&file), "--secret", SECRET]).error("more than 128 headers");
}

#[test]
fn records_that_are_not_records() {
    let dir = tempfile::tempdir().unwrap();
    let good = |body: &str| {
        serde_json::json!({
            "received_at": "2026-01-01T00:00:00Z", "method": "POST", "path": "/webhook",
            "headers": [["X-Webhook-Signature", expected_signature(SECRET, body.as_bytes())],
                        ["Content-Type", "application/json"], ["X-Webhook-Event", "card.created"]],
            "body": body, "body_encoding": "utf8",
        })
        .to_string()
    };
    let body = r#"{"event":"card.created","timestamp":1,"data":{}}"#;
    let cases = [
        (
            "bad-base64",
            r#"{"received_at":"x","method":"POST","path":"/","headers":[],"body":"!!","body_encoding":"base64"}"#.to_string(),
            "line 1: not a listen --save record: body is not valid base64",
        ),
        (
            "bad-encoding",
            r#"{"received_at":"x","method":"POST","path":"/","headers":[],"body":"","body_encoding":"rot13"}"#.to_string(),
            "line 1: not a listen --save record: unknown variant `rot13`",
        ),
        (
            "garbage-second-line",
            format!("{}\n\u{1}\u{2}garbage\n{}\n", good(body), good(body)),
            "line 2: not a listen --save record",
        ),
        (
            "header-not-a-pair",
            r#"{"received_at":"x","method":"POST","path":"/","headers":[["a"]],"body":"","body_encoding":"utf8"}"#.to_string(),
            "line 1: not a listen --save record: invalid length 1",
        ),
    ];
    for (label, text, message) in cases {
        let file = write(dir.path(), &format!("{label}.jsonl"), text);
        let name = path(&file);
        run(&["verify", name, "--secret", SECRET]).error(&format!("{name}: {message}"));
    }
    // A torn last line (an interrupted write) is skipped with a warning; the rest verifies.
    let torn = format!("{}\n{}", good(body), &good(body)[..40]);
    let file = write(dir.path(), "torn.jsonl", torn);
    let name = path(&file);
    let ran = run(&["verify", name, "--secret", SECRET]);
    ran.expect(0, "valid");
    assert!(
        ran.stderr
            .contains(&format!("{name}:2: the last line is incomplete")),
        "{}",
        ran.stderr
    );
}

#[test]
fn urls_with_other_schemes_or_no_host() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture_file(dir.path(), "c.http", b"{}");
    for url in [
        "file:///etc/passwd",
        "ftp://example.com/webhook",
        "http://",
        "http://:8080/webhook",
        "localhost:3000/webhook",
        "not a url",
        "",
    ] {
        let expected = format!("invalid value '{url}' for '--");
        run(&["replay", &capture, "--url", url]).error(&expected);
        run(&["probe", "--url", url, "--secret", SECRET]).error(&expected);
        run(&["sign", &capture, "--secret", SECRET, "--curl", url]).error(&expected);
    }
}

/// A one-shot HTTP server on [::1]:0 answering 200, or `None` when the host has no IPv6
/// loopback.
fn ipv6_server() -> Option<(String, std::thread::JoinHandle<Vec<u8>>)> {
    let listener = TcpListener::bind("[::1]:0").ok()?;
    let port = listener.local_addr().ok()?.port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(2).any(|w| w == b"{}") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
        seen
    });
    Some((format!("http://[::1]:{port}/webhook"), handle))
}

#[test]
fn ipv6_literal_urls() {
    let dir = tempfile::tempdir().unwrap();
    let capture = capture_file(dir.path(), "c.http", b"{}");
    run(&[
        "sign",
        &capture,
        "--secret",
        SECRET,
        "--curl",
        "http://[::1]:8080/webhook",
    ])
    .expect(0, "'http://[::1]:8080/webhook'");
    match ipv6_server() {
        Some((url, server)) => {
            run(&["replay", &capture, "--url", &url]).expect(0, "200");
            let seen = String::from_utf8_lossy(&server.join().unwrap()).into_owned();
            assert!(seen.starts_with("POST /webhook HTTP/1.1\r\n"), "{seen}");
            let (url, server) = ipv6_server().unwrap();
            let body = write(dir.path(), "empty-object.json", b"{}");
            run(&[
                "send",
                "card.created",
                "--payload",
                path(&body),
                "--no-validate",
                "--url",
                &url,
                "--secret",
                SECRET,
            ])
            .expect(0, "200");
            let seen = String::from_utf8_lossy(&server.join().unwrap()).into_owned();
            assert!(seen.contains(&expected_signature(SECRET, b"{}")), "{seen}");
            // listen on the IPv6 loopback.
            let listen =
                crate::listen_support::Listen::start(&["--host", "::1", "--secret", SECRET]);
            assert!(listen.url.starts_with("http://[::1]:"), "{}", listen.url);
            let (status, _) =
                crate::listen_support::deliver(listen.addr, "card.created", b"{}", SECRET);
            assert!(status > 0);
        }
        None => {
            // No IPv6 loopback here: the failure must still be a clean, named one.
            let ran = run(&["replay", &capture, "--url", "http://[::1]:9/webhook"]);
            ran.expect(1, "http://[::1]:9/webhook");
        }
    }
    // A malformed IPv6 literal is an invalid URL.
    run(&["replay", &capture, "--url", "http://[::1/webhook"]).error(
        "invalid value 'http://[::1/webhook' for '--url <URL>': not a URL (invalid IPv6 address)",
    );
}

#[test]
fn mistyped_events_are_named_with_a_suggestion() {
    for args in [
        vec!["events", "show", "card.creatd"],
        vec![
            "probe",
            "--url",
            "http://127.0.0.1:9/",
            "--event",
            "card.creatd",
        ],
    ] {
        let ran = run(&args);
        ran.expect(2, "unknown event 'card.creatd': did you mean card.created?");
    }
    for event in ["", "card", "CARD.CREATED", "card.created ", "\u{1F600}"] {
        let ran = run(&["events", "show", event]);
        ran.clean();
        assert_eq!(ran.code, 2, "{event:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("unknown event"),
            "{event:?}: {}",
            ran.stderr
        );
    }
}

/// Runs the binary with `args` (stdin from `stdin`, if any) and returns its result and its peak
/// resident memory in bytes, sampled from /proc while it runs.
fn run_measured(args: &[&str], stdin: Option<&Path>) -> (Ran, u64) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
    crate::common::hermetic(&mut command)
        .arg("--no-config")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    match stdin {
        Some(file) => command.stdin(std::fs::File::open(file).unwrap()),
        None => command.stdin(std::process::Stdio::null()),
    };
    let child = command.spawn().unwrap();
    let status = format!("/proc/{}/status", child.id());
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            use std::sync::atomic::Ordering;
            while !done.load(Ordering::SeqCst) {
                // VmHWM is the kernel's own high-water mark, so sampling misses nothing but the
                // last few milliseconds.
                let hwm = std::fs::read_to_string(&status).ok().and_then(|text| {
                    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
                    line.split_whitespace().nth(1)?.parse::<u64>().ok()
                });
                if let Some(kb) = hwm {
                    peak.fetch_max(kb * 1024, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let output = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    sampler.join().unwrap();
    (
        Ran::from(output),
        peak.load(std::sync::atomic::Ordering::SeqCst),
    )
}

/// A 100 MB body is never held in several copies: a signature check streams or borrows it.
#[test]
fn a_100_mb_body_is_not_copied_over_and_over() {
    let dir = tempfile::tempdir().unwrap();
    let blob = "a".repeat(100 * 1024 * 1024);
    let body = format!(r#"{{"event":"card.created","timestamp":1,"data":{{"blob":"{blob}"}}}}"#);
    drop(blob);
    let size = body.len() as u64;
    let signature = expected_signature(SECRET, body.as_bytes());
    let bare = write(dir.path(), "big.json", &body);
    let capture = write(
        dir.path(),
        "big.http",
        http_capture(SECRET, "card.created", body.as_bytes()),
    );
    // The body holds quotes but no other character JSON escapes.
    let record = format!(
        "{{\"received_at\":\"2026-01-01T00:00:00Z\",\"method\":\"POST\",\"path\":\"/webhook\",\
         \"headers\":[[\"Content-Type\",\"application/json\"],[\"X-Webhook-Signature\",\"{signature}\"],\
         [\"X-Webhook-Event\",\"card.created\"]],\"body\":\"{}\",\"body_encoding\":\"utf8\"}}\n",
        body.replace('"', "\\\"")
    );
    let records = write(dir.path(), "big.jsonl", &record);
    drop((body, record));
    let check = |label: &str, ran: &Ran, peak: u64, code: i32, text: &str, copies: f64| {
        ran.expect(code, text);
        let ratio = peak as f64 / size as f64;
        eprintln!("{label}: peak {} MiB, {ratio:.2} x the body", peak >> 20);
        assert!(peak > 0, "{label}: no memory sample");
        assert!(
            ratio < copies,
            "{label}: peak {ratio:.2} x the body, limit {copies}"
        );
    };
    // A bare body and a one-request capture are hashed as they are read: memory is a chunk's
    // worth, not the body's.
    let (ran, peak) = run_measured(&["sign", path(&bare), "--secret", SECRET], None);
    check("sign", &ran, peak, 0, &signature, 0.3);
    let (ran, peak) = run_measured(&["verify", path(&capture), "--secret", SECRET], None);
    check("verify capture", &ran, peak, 0, "valid  card.created", 0.3);
    let (ran, peak) = run_measured(
        &[
            "verify",
            path(&bare),
            "--secret",
            SECRET,
            "--signature",
            &signature,
        ],
        None,
    );
    check(
        "verify bare body",
        &ran,
        peak,
        0,
        "valid  card.created",
        0.3,
    );
    // A mismatch in a file is diagnosed: the file is read again, whole, once.
    let wrong = expected_signature("another", b"x");
    let (ran, peak) = run_measured(
        &[
            "verify",
            path(&bare),
            "--secret",
            SECRET,
            "--signature",
            &wrong,
        ],
        None,
    );
    check(
        "verify bare body, mismatch",
        &ran,
        peak,
        1,
        "larger than 8 MiB",
        1.5,
    );
    // The file, plus serde_json's unescaping buffer for the body string, plus the body: the
    // record's body is then moved, not copied again.
    let (ran, peak) = run_measured(&["verify", path(&records), "--secret", SECRET], None);
    check("verify records", &ran, peak, 0, "valid  card.created", 3.5);
    // validate holds the file and the parsed payload (the 100 MB string once more).
    let (ran, peak) = run_measured(&["validate", path(&bare)], None);
    check("validate", &ran, peak, 1, "big.json:1:", 2.5);
    // From stdin, with a wrong signature: streamed, not held, so said and not diagnosed.
    let (ran, peak) = run_measured(
        &["verify", "-", "--secret", SECRET, "--signature", &wrong],
        Some(&bare),
    );
    check(
        "verify stdin, mismatch",
        &ran,
        peak,
        1,
        "was not held, so the mismatch is not diagnosed",
        0.3,
    );
}

#[test]
fn validate_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    let digits = "9".repeat(400);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", Vec::new(), "empty file"),
        ("garbage.json", GARBAGE.to_vec(), "1:1"),
        (
            "nul.json",
            b"{\"event\":\"card.created\",\x00}".to_vec(),
            "1:",
        ),
        ("deep.json", deep_json(100_000), "1:"),
        (
            "digits.json",
            format!(r#"{{"event":"card.created","timestamp":{digits},"data":{{}}}}"#).into_bytes(),
            "digits.json:1:436: error: not valid JSON: number out of range",
        ),
        (
            "array.json",
            br#"[{"event":"card.created","timestamp":1,"data":{}}]"#.to_vec(),
            "1:1",
        ),
    ];
    for (name, bytes, text) in &cases {
        let file = write(dir.path(), name, bytes);
        let ran = run(&["validate", path(&file)]);
        ran.expect(1, text);
        assert!(
            ran.stdout.contains(name) || ran.stderr.contains(name),
            "{name}: {}",
            ran.stdout
        );
        let ran = run(&["validate", path(&file), "--format", "json"]);
        ran.clean();
        assert_eq!(ran.code, 1, "{name}");
        ran.json("validate");
    }
    // Unusable paths are exit 2 and named.
    let folder = dir.path().join("empty-folder");
    std::fs::create_dir(&folder).unwrap();
    run(&["validate", path(&folder)]).error(path(&folder));
    let missing = dir.path().join("missing.json");
    run(&["validate", path(&missing)]).error(path(&missing));
    run(&["validate", UNREADABLE]).error(UNREADABLE);
    // Stdin with garbage.
    run_stdin(&["validate", "-"], GARBAGE).expect(1, "stdin");
}

#[test]
fn send_refuses_malformed_set_paths_and_payload_files() {
    let dir = tempfile::tempdir().unwrap();
    let url = "http://127.0.0.1:9/webhook";
    for (set, text) in [
        ("data..x=1", "invalid path 'data..x'"),
        ("data.tags[x]=1", "invalid path 'data.tags[x]'"),
        ("data.tags[=1", "invalid path 'data.tags['"),
        ("=1", "invalid"),
        ("data.nope=1", "data.nope"),
        ("novalue", "novalue"),
    ] {
        run(&[
            "send",
            "connection.created",
            "--dry-run",
            "--secret",
            SECRET,
            "--set",
            set,
        ])
        .error(text);
    }
    for (unset, text) in [
        ("data..x", "invalid path 'data..x'"),
        ("data.tags[x]", "invalid path"),
    ] {
        run(&[
            "send",
            "connection.created",
            "--dry-run",
            "--secret",
            SECRET,
            "--unset",
            unset,
        ])
        .error(text);
    }
    let digits = "9".repeat(400);
    for (name, bytes) in [
        ("empty.json", Vec::new()),
        ("garbage.json", GARBAGE.to_vec()),
        ("deep.json", deep_json(100_000)),
        (
            "array.json",
            br#"[{"event":"card.created","timestamp":1,"data":{}}]"#.to_vec(),
        ),
        (
            "digits.json",
            format!(r#"{{"event":"card.created","timestamp":{digits},"data":{{}}}}"#).into_bytes(),
        ),
    ] {
        let file = write(dir.path(), name, &bytes);
        let ran = run(&[
            "send",
            "--payload",
            path(&file),
            "--url",
            url,
            "--secret",
            SECRET,
        ]);
        ran.clean();
        assert_eq!(ran.code, 2, "{name}: {}", ran.stderr);
        assert!(ran.stderr.contains(path(&file)), "{name}: {}", ran.stderr);
    }
    let folder = path(dir.path()).to_string();
    run(&[
        "send",
        "--payload",
        &folder,
        "--url",
        url,
        "--secret",
        SECRET,
    ])
    .error(&folder);
    for url in [
        "file:///etc/passwd",
        "ftp://example.com/x",
        "http://",
        "http://:8080/x",
        "not a url",
    ] {
        run(&[
            "send",
            "connection.created",
            "--url",
            url,
            "--secret",
            SECRET,
        ])
        .error(&format!("invalid value '{url}' for '--"));
    }
    run(&["send", "card.creatd", "--url", url, "--secret", SECRET])
        .expect(2, "did you mean card.created?");
}

#[test]
fn schema_and_listen_refuse_unusable_paths() {
    let dir = tempfile::tempdir().unwrap();
    run(&["schema", "card.creatd"]).expect(2, "did you mean card.created?");
    let file = write(dir.path(), "a-file", b"x");
    run(&["schema", "--out", path(&file)]).error(path(&file));
    // listen --save into a folder that does not exist, or onto a folder.
    let nowhere = dir.path().join("no/such/dir/events.jsonl");
    run(&[
        "listen",
        "--port",
        "0",
        "--secret",
        SECRET,
        "--save",
        path(&nowhere),
    ])
    .error(path(&nowhere));
    run(&[
        "listen",
        "--port",
        "0",
        "--secret",
        SECRET,
        "--save",
        path(dir.path()),
    ])
    .error(path(dir.path()));
    for url in ["file:///etc/passwd", "ftp://x/", "http://"] {
        run(&[
            "listen",
            "--port",
            "0",
            "--secret",
            SECRET,
            "--forward-to",
            url,
        ])
        .error(&format!("invalid value '{url}' for '--"));
    }
    // A port already in use.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(&["listen", "--port", &port, "--secret", SECRET]).error(&port);
}

#[test]
fn validate_names_duplicate_keys() {
    // Receivers disagree on which of two values wins; serde_json keeps the last, silently.
    let dir = tempfile::tempdir().unwrap();
    let sample = titancard_wh::internals::find("card.viewed").unwrap().sample;
    let doubled = sample.replacen(
        "\"event\": \"card.viewed\",",
        "\"event\": \"card.viewed\",\n  \"event\": \"card.viewed\",",
        1,
    );
    assert_ne!(doubled, sample);
    let file = write(dir.path(), "dup.json", &doubled);
    let name = path(&file);
    let ran = run(&["validate", name]);
    ran.expect(0, &format!("{name}:3:"));
    assert!(
        ran.stdout
            .contains("warning: event: the key \"event\" appears more than once"),
        "{}",
        ran.stdout
    );
    run(&["validate", name, "--strict"]).expect(1, "appears more than once");
}
