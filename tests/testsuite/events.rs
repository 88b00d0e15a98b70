//! `events`, `sign` and the conventions every command shares, through the real binary.

use crate::common::{TestServer, cmd, expected_signature};
use predicates::prelude::*;

#[test]
fn events_lists_all_fourteen_in_groups() {
    let output = cmd()
        .arg("events")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    for name in [
        "card.created",
        "connection.status_changed",
        "enrichment.completed",
    ] {
        assert!(text.contains(name), "{text}");
    }
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
}

#[test]
fn events_show_prints_the_reference_sample_and_field_types() {
    cmd()
        .args(["events", "show", "connection.created"])
        .assert()
        .success()
        .stdout(predicate::str::contains(include_str!(
            "../../crates/titancard-webhooks/samples/connection.created.json"
        )))
        .stdout(
            predicate::str::is_match(
                r"meeting_date\s+integer ≥ 0 or null\s+Unix timestamp of meeting",
            )
            .unwrap(),
        );
    // Types as the schema says; the Field Reference note said once, not on every field.
    let output = cmd()
        .args(["events", "show", "card.viewed"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        predicate::str::is_match(r"total_views†\s+integer ≥ 0")
            .unwrap()
            .eval(&text),
        "{text}"
    );
    assert_eq!(text.matches("Field Reference").count(), 1, "{text}");
}

#[test]
fn the_sample_body_alone_is_ready_for_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for (flags, file) in [
        (&[][..], "compact.json"),
        (&["--pretty"][..], "pretty.json"),
    ] {
        let output = cmd()
            .args(["events", "show", "card.viewed", "--body"])
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let path = dir.path().join(file);
        std::fs::write(&path, &output.stdout).unwrap();
        cmd()
            .args(["validate", path.to_str().unwrap()])
            .assert()
            .code(0);
    }
    let compact = std::fs::read_to_string(dir.path().join("compact.json")).unwrap();
    assert_eq!(compact.lines().count(), 1);
    assert!(compact.starts_with("{\"event\":\"card.viewed\",\"timestamp\":"));
    let pretty = std::fs::read_to_string(dir.path().join("pretty.json")).unwrap();
    assert!(pretty.lines().count() > 5);
}

/// `events show --body > file` ended the file with a newline, one byte more than a sender's
/// body, and `send --payload` of the file sent that byte.
#[test]
fn off_a_terminal_the_sample_body_is_the_bytes_a_sender_sends() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../crates/titancard-webhooks/samples/card.viewed.json"
    ))
    .unwrap();
    let output = cmd()
        .args(["events", "show", "card.viewed", "--body"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(output.stdout, serde_json::to_vec(&fixture).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("card.viewed.json");
    std::fs::write(&file, &output.stdout).unwrap();
    let server = TestServer::ok();
    cmd()
        .args(["send", "--payload", file.to_str().unwrap(), "--secret", "s"])
        .args(["--url", &server.url("/webhook")])
        .assert()
        .code(0);
    let sent = server.requests();
    assert_eq!(sent[0].body, output.stdout);
    assert_eq!(
        sent[0].header("x-webhook-signature"),
        Some(expected_signature("s", &output.stdout).as_str())
    );
}

/// On a terminal the body ends its line, so that the prompt starts on the next one.
#[test]
fn on_a_terminal_the_sample_body_ends_with_a_line_break() {
    let binary = env!("CARGO_BIN_EXE_titancard-wh");
    for flags in ["", " --pretty"] {
        // script(1) runs the command on a pseudo-terminal, which turns each \n into \r\n.
        let line = format!("{binary} --no-config events show card.viewed --body{flags}");
        let mut command = std::process::Command::new("script");
        crate::common::hermetic(&mut command).args(["-qec", &line, "/dev/null"]);
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert!(output.stdout.ends_with(b"}\r\n"), "{output:?}");
    }
}

#[test]
fn a_mistyped_event_exits_2_with_the_closest_name() {
    cmd()
        .args(["events", "show", "card.view"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean card.viewed?"));
}

#[test]
fn sign_matches_an_independent_hmac_of_the_exact_bytes() {
    let body = include_bytes!("../../crates/titancard-webhooks/samples/card.created.json");
    cmd()
        .args([
            "sign",
            "crates/titancard-webhooks/samples/card.created.json",
            "--secret",
            "whsec_test",
        ])
        .assert()
        .success()
        .stdout(format!("{}\n", expected_signature("whsec_test", body)));
}

#[test]
fn sign_warns_on_an_empty_body_and_embeds_a_stdin_body_in_curl() {
    cmd()
        .args(["sign", "-", "--secret", "s"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(format!("{}\n", expected_signature("s", b"")))
        .stderr(predicate::str::contains("an empty body, not of an event"));
    // From stdin the body is embedded (a pasted `@-` would wait for input); a file stays named.
    let body = "{\"event\":\"card.viewed\",\"note\":\"it's\"}";
    let output = cmd()
        .args([
            "sign",
            "--secret",
            "s",
            "--curl",
            "http://127.0.0.1:9/webhook",
        ])
        .write_stdin(body)
        .output()
        .unwrap();
    let command = String::from_utf8(output.stdout).unwrap();
    assert!(!command.contains("@-"), "{command}");
    assert!(
        command.contains("--data-binary '{\"event\":\"card.viewed\",\"note\":\"it'\\''s\"}'"),
        "{command}"
    );
    assert!(command.contains(&expected_signature("s", body.as_bytes())));
    cmd()
        .args([
            "sign",
            "crates/titancard-webhooks/samples/card.created.json",
            "--secret",
            "s",
        ])
        .args(["--curl", "http://127.0.0.1:9/webhook"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--data-binary '@crates/titancard-webhooks/samples/card.created.json'",
        ));
}

#[test]
fn sign_reads_stdin_and_the_environment_secret() {
    cmd()
        .arg("sign")
        .env("TITANCARD_WEBHOOK_SECRET", "Jefe")
        .write_stdin("what do ya want for nothing?")
        .assert()
        .success()
        .stdout("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\n");
}

#[test]
fn no_secret_names_flag_file_and_environment() {
    cmd()
        .args([
            "sign",
            "crates/titancard-webhooks/samples/card.created.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--secret"))
        .stderr(predicate::str::contains("--secret-file"))
        .stderr(predicate::str::contains("TITANCARD_WEBHOOK_SECRET"));
}

#[test]
fn color_always_colours_and_no_color_wins_in_auto() {
    cmd()
        .args(["--color", "always", "events"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}["));
    cmd()
        .args(["events"])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn help_shows_examples_and_exit_codes() {
    cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes:"));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::is_empty().not());
    }
}
