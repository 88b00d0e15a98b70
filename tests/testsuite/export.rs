//! `send --export` and `story --export` without running what they write: the file is Python that
//! compiles, holds no secret, names its version and command; bad input is one line, exit 2, and
//! nothing written. (`locust.rs` runs the files with Locust.)

use std::path::Path;
use std::process::Command;

use crate::common::cmd;
use crate::peers_support::peer;

const SECRET: &str = "whsec_export_never_written_41";

/// Runs the binary with `args` and the secret in the environment; returns (code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = cmd()
        .env("TITANCARD_WEBHOOK_SECRET", SECRET)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts that Python compiles `file` (`python -m py_compile`, the peers' Python).
fn assert_compiles(file: &Path) {
    let output = Command::new(peer("venv/bin/python"))
        .args(["-m", "py_compile"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn send_writes_a_locustfile_that_compiles_names_its_command_and_holds_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("load.py");
    let file_arg = file.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "send",
        "connection.created",
        "connection.updated",
        "--weight",
        "connection.created=3",
        "--set",
        "data.company=Acme 100% Ltd",
        "-H",
        "X-Load-Test: yes",
        "--export",
        "locust",
        "--out",
        file_arg,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "wrote {file_arg}: connection.created ×3, connection.updated ×1\n"
        )),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(SECRET), "the secret is in the file");
    assert!(text.contains(&format!(
        "Written by titancard-wh {}:\n    titancard-wh --no-config send connection.created connection.updated --weight connection.created=3 --set 'data.company=Acme 100% Ltd' -H 'X-Load-Test: yes' --export locust --out {file_arg}\n",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(text.contains("--host is the webhook's whole URL"));
    assert!(text.contains("@task(3)\n    def connection_created(self):"));
    assert!(
        text.contains(r#""company":"Acme 100%% Ltd""#),
        "% is escaped for Python's %"
    );
    assert!(text.contains("\"X-Load-Test\": \"yes\","));
    assert_compiles(&file);

    // Without --out the file goes to stdout, and nothing else does.
    let (code, stdout, _) = run(&["send", "--all", "--export", "locust"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("\"\"\"Locust load test of TitanCard webhooks: 14 events"));
    assert_eq!(stdout.matches("@task(1)").count(), 14);
    let all = dir.path().join("all.py");
    std::fs::write(&all, &stdout).unwrap();
    assert_compiles(&all);
}

#[test]
fn story_writes_a_locustfile_that_compiles_and_carries_shuffle_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("story.py");
    let (code, stdout, stderr) = run(&[
        "story",
        "contact-lifecycle",
        "--shuffle",
        "--duplicates",
        "0.3",
        "--export",
        "locust",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("story contact-lifecycle, 9 steps a walk and 3 re-deliveries"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(SECRET));
    assert!(text.contains("SHUFFLE = True\n") && text.contains("DUPLICATES = 3\n"));
    assert!(text.contains("class ContactLifecycle(WebhookSender):"));
    assert_compiles(&file);
}

#[test]
fn a_story_file_is_exported_like_a_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("two-contacts.toml");
    std::fs::write(
        &story,
        "name = \"two-contacts\"\n\n[[steps]]\nevent = \"connection.created\"\nas = \"a\"\n\n\
         [[steps]]\nevent = \"connection.created\"\nafter = \"250ms\"\n\n\
         [[steps]]\nevent = \"note.added\"\nset = { \"data.note_content\" = \"met ${a.data.full_name} (${a.data.id})\" }\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["story", story.to_str().unwrap(), "--export", "locust"]);
    assert_eq!(code, 0, "{stderr}");
    // Two contacts, each its own fresh id; the note refers to the first inside a string.
    assert!(
        stdout.contains("    \"contact\": CONTACT,\n    \"contact_2\": CONTACT,\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"note_content\":\"met Jane Doe (%(contact)s)\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("        2,\n        0.25,\n"),
        "the second step waits 250 ms"
    );
    let file = dir.path().join("two.py");
    std::fs::write(&file, &stdout).unwrap();
    assert_compiles(&file);
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never.py");
    let out_arg = out.to_str().unwrap();
    let send = |args: &[&str]| {
        let mut all = vec!["send"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out_arg]);
        all.iter().map(|arg| arg.to_string()).collect::<Vec<_>>()
    };
    let story = |args: &[&str]| {
        let mut all = vec!["story", "contact-lifecycle"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out_arg]);
        all.iter().map(|arg| arg.to_string()).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            send(&["nope", "--export", "locust"]),
            "unknown event 'nope'",
        ),
        (
            send(&[
                "card.viewed",
                "--weight",
                "card.viwed=2",
                "--export",
                "locust",
            ]),
            "unknown event 'card.viwed'",
        ),
        (
            send(&[
                "card.viewed",
                "--weight",
                "card.created=2",
                "--export",
                "locust",
            ]),
            "--weight card.created=2: card.created is not among the events exported (card.viewed)",
        ),
        (
            send(&[
                "card.viewed",
                "--weight",
                "card.viewed=0",
                "--export",
                "locust",
            ]),
            "the weight of card.viewed must be a whole number from 1 to 10000, not '0'",
        ),
        (
            send(&[
                "card.viewed",
                "--weight=card.viewed=-3",
                "--export",
                "locust",
            ]),
            "not '-3'",
        ),
        (
            send(&[
                "card.viewed",
                "--weight",
                "card.viewed",
                "--export",
                "locust",
            ]),
            "is not EVENT=N",
        ),
        (
            send(&["card.viewed", "--export", "locust", "--count", "100"]),
            "--count cannot be used with --export: a Locust run lasts its -t/--run-time",
        ),
        (
            send(&["card.viewed", "--export", "locust", "--concurrency", "8"]),
            "--concurrency cannot be used with --export: Locust's -u/--users sets",
        ),
        (
            send(&["card.viewed", "--export", "locust", "--retry"]),
            "--retry cannot be used with --export",
        ),
        (
            send(&["card.viewed", "--export", "locust", "--secret", "x"]),
            "--secret cannot be used with --export: the file reads TITANCARD_WEBHOOK_SECRET",
        ),
        (
            send(&[
                "card.viewed",
                "--export",
                "locust",
                "--url",
                "http://127.0.0.1:9/",
            ]),
            "--url cannot be used with --export: Locust's --host gives the URL",
        ),
        (
            send(&["card.viewed", "card.viewed", "--export", "locust"]),
            "card.viewed is named twice",
        ),
        (
            send(&["card.viewed", "--set", "data.nope=1", "--export", "locust"]),
            "card.viewed has no field 'nope'",
        ),
        (
            send(&["card.viewed", "--export", "k6"]),
            "invalid value 'k6' for '--export <FORMAT>' [possible values: locust]",
        ),
        (
            send(&["card.viewed", "--weight", "card.viewed=2"]),
            "--weight mixes the events of an export: add --export locust",
        ),
        (
            story(&["--export", "locust", "--concurrency", "4"]),
            "--concurrency cannot be used with --export",
        ),
        (
            story(&["--export", "locust", "--seed", "7"]),
            "--seed cannot be used with --export",
        ),
        (
            story(&["--export", "k6"]),
            "invalid value 'k6' for '--export <FORMAT>'",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: one line, not {stderr}");
        assert!(
            lines[0].starts_with("titancard-wh: error: ") && lines[0].contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(!out.exists(), "{args:?} wrote {out_arg}");
    }
}
