//! The command-line contract: every `--format json` output, in success and failure, matches its
//! published schema (schemas/output/, themselves checked by check-jsonschema against the
//! draft 2020-12 metaschema), and argument errors are caught when the command line is parsed,
//! reported on one prefixed line, exit 2, coloured only when allowed.

use std::path::Path;

use crate::common::{TestServer, cmd, json_output};
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &str = "whsec_contract";

/// Every published output schema, by command.
const SCHEMAS: [&str; 22] = [
    "events",
    "events-show",
    "send",
    "send-dry-run",
    "send-load",
    "verify",
    "validate",
    "listen",
    "inspector-events",
    "inspector-event",
    "inspector-replay",
    "inspector-clear",
    "inspector-error",
    "inspector-stream",
    "probe",
    "replay",
    "demo",
    "story",
    "story-dry-run",
    "story-list",
    "story-show",
    "config-show",
];

fn stdout_of(args: &[&str], code: i32) -> Vec<u8> {
    cmd()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone()
}

#[test]
fn every_output_schema_is_valid_draft_2020_12_for_check_jsonschema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/output");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = SCHEMAS.iter().map(|n| format!("{n}.schema.json")).collect();
    expected.sort();
    assert_eq!(found, expected, "one schema per JSON output, no stray file");
    crate::peers_support::assert_metaschema_valid(expected.iter().map(|name| dir.join(name)));
}

#[test]
fn offline_commands_match_their_schemas() {
    let events = json_output("events", &stdout_of(&["events", "--format", "json"], 0));
    assert_eq!(events["events"].as_array().unwrap().len(), 14);
    let show = json_output(
        "events-show",
        &stdout_of(&["events", "show", "card.viewed", "--format", "json"], 0),
    );
    assert_eq!(show["id_field"], "card_id");
    let dry = json_output(
        "send-dry-run",
        &stdout_of(
            &[
                "send",
                "--all",
                "--dry-run",
                "--secret",
                SECRET,
                "--format",
                "json",
            ],
            0,
        ),
    );
    assert_eq!(dry["requests"].as_array().unwrap().len(), 14);
    assert_eq!(dry["requests"][0]["url"], Value::Null);
    let stories = json_output(
        "story-list",
        &stdout_of(&["story", "list", "--format", "json"], 0),
    );
    assert_eq!(stories["stories"][0]["name"], "contact-lifecycle");
    let shown = json_output(
        "story-show",
        &stdout_of(
            &["story", "show", "contact-lifecycle", "--format", "json"],
            0,
        ),
    );
    assert_eq!(shown["steps"][0]["carries"][0]["new"], true);
    let story_dry = json_output(
        "story-dry-run",
        &stdout_of(
            &[
                "story",
                "card-lifecycle",
                "--dry-run",
                "--duplicates",
                "0.5",
                "--secret",
                SECRET,
                "--format",
                "json",
            ],
            0,
        ),
    );
    assert_eq!(story_dry["requests"].as_array().unwrap().len(), 7 + 4);

    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, common_sample("card.created")).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"event\":\"card.created\"}").unwrap();
    let missing = dir.path().join("missing.json");
    let valid = json_output(
        "validate",
        &stdout_of(&["validate", good.to_str().unwrap(), "--format", "json"], 0),
    );
    assert_eq!(valid["ok"], true);
    let invalid = json_output(
        "validate",
        &stdout_of(
            &[
                "validate",
                good.to_str().unwrap(),
                bad.to_str().unwrap(),
                missing.to_str().unwrap(),
                "--format",
                "json",
            ],
            2,
        ),
    );
    assert_eq!(invalid["ok"], false);
    assert_eq!(invalid["counts"]["invalid"], 1);
    assert_eq!(invalid["unreadable"][0]["error"]["kind"], "not_found");

    let signature =
        crate::common::expected_signature(SECRET, common_sample("card.created").as_bytes());
    let verified = json_output(
        "verify",
        &stdout_of(
            &[
                "verify",
                good.to_str().unwrap(),
                "--signature",
                &signature,
                "--secret",
                SECRET,
                "--format",
                "json",
            ],
            0,
        ),
    );
    assert_eq!(verified["requests"][0]["signature"]["secret"], 1);
    let refused = json_output(
        "verify",
        &stdout_of(
            &[
                "verify",
                bad.to_str().unwrap(),
                "--signature",
                &signature,
                "--secret",
                SECRET,
                "--format",
                "json",
            ],
            1,
        ),
    );
    assert_eq!(refused["requests"][0]["diagnosis"]["explained"], false);
}

#[test]
fn network_commands_match_their_schemas_when_they_pass_and_when_they_fail() {
    let ok = TestServer::ok();
    let failing = TestServer::start(|_, _| crate::common::Reply::status(503).with_body("down"));
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/webhook", listener.local_addr().unwrap())
    };
    for (url, code) in [
        (ok.url("/"), 0),
        (failing.url("/"), 1),
        (refused.clone(), 1),
    ] {
        let sent = json_output(
            "send",
            &stdout_of(
                &[
                    "send",
                    "card.viewed",
                    "--secret",
                    SECRET,
                    "--url",
                    &url,
                    "--format",
                    "json",
                ],
                code,
            ),
        );
        assert_eq!(sent["ok"], code == 0);
        // Where each delivery went: host and path, as the human lines name it.
        let destination = url.split_once("://").unwrap().1;
        assert_eq!(sent["deliveries"][0]["destination"], destination);
        let load = json_output(
            "send-load",
            &stdout_of(
                &[
                    "send",
                    "note.added",
                    "--secret",
                    SECRET,
                    "--url",
                    &url,
                    "--count",
                    "4",
                    "--format",
                    "json",
                ],
                code,
            ),
        );
        assert_eq!(load["counts"]["deliveries"], 4);
        let story = json_output(
            "story",
            &stdout_of(
                &[
                    "story",
                    "card-lifecycle",
                    "--secret",
                    SECRET,
                    "--url",
                    &url,
                    "--duplicates",
                    "0.2",
                    "--format",
                    "json",
                ],
                code,
            ),
        );
        assert_eq!(story["counts"]["deliveries"], 7 + 1);
        let probed = json_output(
            "probe",
            &stdout_of(
                &[
                    "probe",
                    "--url",
                    &url,
                    "--secret",
                    SECRET,
                    "--event",
                    "card.viewed",
                    "--format",
                    "json",
                ],
                1,
            ),
        );
        assert_eq!(probed["ok"], false);
    }
    let unreachable = json_output(
        "probe",
        &stdout_of(
            &[
                "probe", "--url", &refused, "--secret", SECRET, "--format", "json",
            ],
            1,
        ),
    );
    assert_eq!(unreachable["error"]["kind"], "connection_refused");

    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture.http");
    let body = common_sample("card.viewed");
    std::fs::write(
        &capture,
        format!(
            "POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nX-Webhook-Event: card.viewed\r\nX-Webhook-Signature: {}\r\nContent-Length: {}\r\n\r\n{body}",
            crate::common::expected_signature(SECRET, body.as_bytes()),
            body.len()
        ),
    )
    .unwrap();
    let capture = capture.to_str().unwrap();
    for (url, code) in [(ok.url("/"), 0), (failing.url("/"), 1), (refused, 1)] {
        let replayed = json_output(
            "replay",
            &stdout_of(
                &["replay", capture, "--url", &url, "--format", "json"],
                code,
            ),
        );
        assert_eq!(replayed["counts"]["requests"], 1);
    }
    let demo = json_output("demo", &stdout_of(&["demo", "--format", "json"], 0));
    assert_eq!(demo["counts"]["passed"], 14);
}

#[test]
fn listen_json_lines_match_from_the_first_line() {
    let listen = listen_support_free::start();
    let (status, _) = listen_support_free::deliver(&listen.1, "{}");
    assert_eq!(status, 401);
    let lines = listen_support_free::stop(listen);
    assert!(lines.len() >= 3, "{lines:?}");
    for line in &lines {
        json_output("listen", line.as_bytes());
    }
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["type"], "listening");
    // The first line had no `ok`, where every other line has one.
    assert_eq!(first["ok"], true);
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["counts"]["by_reason"]["invalid_signature"], 1);
}

/// `listen --format json` run as a script would: every stdout line kept, from the first.
mod listen_support_free {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Child, Command, Stdio};

    pub fn start() -> (Child, String, BufReader<std::process::ChildStdout>) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
        let mut child = crate::common::hermetic(&mut command)
            .args([
                "--no-config",
                "listen",
                "--port",
                "0",
                "--format",
                "json",
                "--secret",
                super::SECRET,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        (child, first, stdout)
    }

    /// POSTs `body` unsigned to the receiver named by the first line; returns the status.
    pub fn deliver(first: &str, body: &str) -> (u16, String) {
        let line: serde_json::Value = serde_json::from_str(first).unwrap();
        let url = line["url"].as_str().unwrap();
        let authority = url.trim_start_matches("http://").split('/').next().unwrap();
        let mut stream = std::net::TcpStream::connect(authority).unwrap();
        write!(
            stream,
            "POST /webhook HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer[9..12].parse().unwrap();
        (status, answer)
    }

    pub fn stop(listen: (Child, String, BufReader<std::process::ChildStdout>)) -> Vec<String> {
        let (mut child, first, stdout) = listen;
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let mut lines = vec![first.trim_end().to_string()];
        lines.extend(stdout.lines().map_while(Result::ok));
        child.wait().unwrap();
        lines
    }
}

fn common_sample(event: &str) -> String {
    titancard_wh::internals::find(event)
        .unwrap()
        .sample
        .to_string()
}

#[test]
fn a_url_without_a_scheme_gets_a_suggestion_before_anything_runs() {
    cmd()
        .args(["send", "card.viewed", "--url", "127.0.0.1:3000/webhook"])
        .assert()
        .code(2)
        .stderr(predicate::eq(
            "titancard-wh: error: invalid value '127.0.0.1:3000/webhook' for '--url <URL>': no scheme: did you mean http://127.0.0.1:3000/webhook?\n",
        ));
}

#[test]
fn zero_durations_and_out_of_range_numbers_are_refused_when_parsed() {
    for args in [
        &[
            "send",
            "card.viewed",
            "--url",
            "http://x/",
            "--timeout",
            "0s",
        ][..],
        &["probe", "--url", "http://x/", "--timeout", "0ms"],
        &["listen", "--read-timeout", "0s"],
        &["send", "card.viewed", "--url", "http://x/", "--count", "0"],
        &[
            "send",
            "card.viewed",
            "--url",
            "http://x/",
            "--count",
            "5",
            "--concurrency",
            "0",
        ],
        &[
            "send",
            "card.viewed",
            "--url",
            "http://x/",
            "--count",
            "5",
            "--rate=0",
        ],
        &["listen", "--status", "99"],
        &["listen", "--fail-rate", "1.5"],
        &["listen", "--path", "webhook"],
        &["verify", "--tolerance", "0s", "x"],
        &[
            "story",
            "all-events",
            "--url",
            "http://x/",
            "--timeout",
            "0s",
        ],
        &[
            "story",
            "all-events",
            "--url",
            "http://x/",
            "--duplicates",
            "1.5",
        ],
        &[
            "story",
            "all-events",
            "--url",
            "http://x/",
            "--concurrency",
            "0",
        ],
        &["story", "all-event", "--url", "http://x/"],
    ] {
        let output = cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("titancard-wh: error: invalid value"),
            "{args:?}: {stderr}"
        );
        // No secret was asked for: the parse failed first.
        assert!(!stderr.contains("no secret"), "{args:?}: {stderr}");
    }
}

#[test]
fn conflicting_flags_are_refused_when_parsed() {
    for args in [
        &[
            "send",
            "card.viewed",
            "--url",
            "http://x/",
            "--count",
            "5",
            "--dry-run",
        ][..],
        &[
            "send",
            "card.viewed",
            "--url",
            "http://x/",
            "--count",
            "5",
            "--retry",
        ],
        &["send", "--all", "card.viewed", "--url", "http://x/"],
    ] {
        cmd()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("titancard-wh: error: "));
    }
}

#[test]
fn parser_errors_are_one_line_and_obey_color() {
    // A typo: one error line and a tip, no usage block.
    let output = cmd()
        .args(["sign", "--secrt", "x", "--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr,
        "titancard-wh: error: unexpected argument '--secrt' found\n  tip: a similar argument exists: '--secret'\n"
    );
    assert!(!stderr.contains('\u{1b}'));
    // A missing argument: the error and the usage line.
    let output = cmd().args(["replay", "--color=never"]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.starts_with(
        "titancard-wh: error: the following required arguments were not provided: <FILE>\n  usage: titancard-wh replay"
    ), "{stderr}");
    // A URL may come from the project file, so its absence is found after parsing: still one
    // line, naming --url, exit 2.
    for command in ["probe", "replay x.jsonl", "send card.viewed --secret s"] {
        let output = cmd()
            .args(command.split(' '))
            .arg("--color=never")
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("titancard-wh: error: no URL")
                && stderr
                    .ends_with(": pass --url URL (--no-config: the project file is not read)\n"),
            "{stderr}"
        );
    }
    // NO_COLOR is honoured in auto; --color always colours the prefix.
    let output = cmd()
        .args(["send", "card.viewd"])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains('\u{1b}'));
    let output = cmd()
        .args(["send", "card.viewd", "--color", "always"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\u{1b}[") && stderr.contains("did you mean card.viewed?"),
        "{stderr}"
    );
}

/// `verify nofile --format json` printed nothing on stdout, where `validate` printed a document
/// naming the path: every command's unreadable input is a document of its own schema, with the
/// one-line error on stderr and exit 2 as before.
#[test]
fn an_unreadable_input_is_a_document_under_format_json() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let missing = missing.to_str().unwrap();
    let story = dir.path().join("missing.toml");
    let story = story.to_str().unwrap();
    let folder = dir.path().to_str().unwrap();
    let url = "http://127.0.0.1:9/webhook";
    let json = ["--format", "json"];
    let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        (
            "verify",
            vec!["verify", missing, "--secret", SECRET],
            missing,
            "not_found",
        ),
        (
            "verify",
            vec!["verify", folder, "--secret", SECRET],
            folder,
            "is_a_folder",
        ),
        (
            "replay",
            vec!["replay", missing, "--url", url],
            missing,
            "not_found",
        ),
        (
            "send",
            vec![
                "send",
                "--payload",
                missing,
                "--url",
                url,
                "--secret",
                SECRET,
            ],
            missing,
            "not_found",
        ),
        (
            "send-dry-run",
            vec!["send", "--payload", folder, "--dry-run", "--secret", SECRET],
            folder,
            "is_a_folder",
        ),
        (
            "story",
            vec!["story", story, "--url", url, "--secret", SECRET],
            story,
            "not_found",
        ),
        (
            "story-dry-run",
            vec!["story", story, "--dry-run", "--secret", SECRET],
            story,
            "not_found",
        ),
        (
            "story-show",
            vec!["story", "show", story],
            story,
            "not_found",
        ),
        ("validate", vec!["validate", missing], missing, "not_found"),
    ];
    for (schema, args, path, kind) in cases {
        let output = cmd().args(&args).args(json).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let document = json_output(schema, &output.stdout);
        assert_eq!(document["ok"], false, "{args:?}: {document}");
        let unreadable = document["unreadable"].as_array().unwrap();
        assert_eq!(unreadable.len(), 1, "{args:?}: {document}");
        assert_eq!(unreadable[0]["path"], path, "{args:?}");
        assert_eq!(unreadable[0]["error"]["kind"], kind, "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("titancard-wh: error: "), "{stderr}");
        assert!(stderr.contains(path), "{stderr}");
    }
}
