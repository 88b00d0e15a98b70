//! Every user-facing error's text, as data: a table of command lines that reach each error, run
//! through the real binary, with stderr compared exactly; and a check over the whole of `src/`
//! that no string literal carries a run of spaces inside a sentence (a line continuation lost,
//! as three messages once had: "can send them again,              so it is not exposed").

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::{hermetic, project, project_cmd};
use crate::messages_support::cases::CASES;
use crate::messages_support::literals::{hole, literals};

/// A project folder (it holds `.git`, so no file above it is read) with the inputs the cases
/// name: each kind of file a command may be handed, well-formed or not.
fn inputs() -> tempfile::TempDir {
    let dir = project();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    std::fs::create_dir(dir.path().join("dir")).unwrap();
    write("full/x", b"");
    write(
        "body.json",
        br#"{"event":"card.created","timestamp":1,"data":{}}"#,
    );
    write("noevent.json", br#"{"data":{}}"#);
    write("notjson.txt", b"not json");
    write("empty.http", b"");
    write("get.http", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    write("badline.http", b"POST /w HTTP/1.1\r\nbad header\r\n\r\n");
    write(
        "records.jsonl",
        br#"{"received_at":"2026-01-16T16:00:00.123Z","method":"POST","path":"/webhook","headers":[["Content-Type","application/json"]],"body":"{}","body_encoding":"utf8"}
"#,
    );
    write("secret.txt", b"\n");
    write(
        "bad.toml",
        b"version = 1\n[profiles.x]\nurl = 5\ntimeout = \"soon\"\n",
    );
    write("existing.toml", b"");
    write(
        "routed/titancard-wh.toml",
        b"version = 1\n[profiles.app]\nurl = \"http://127.0.0.1:9/rest\"\n\
          [[profiles.app.routes]]\nevents = [\"card.*\"]\nurl = \"http://127.0.0.1:9/cards\"\n",
    );
    write(
        "bad-story.toml",
        b"name = \"x\"\n[[steps]]\nevent = \"card.creatd\"\n",
    );
    dir
}

#[test]
fn every_user_facing_error_says_exactly_this() {
    let dir = inputs();
    let mut wrong = Vec::new();
    for (args, code, expected) in CASES {
        let output = project_cmd(dir.path()).args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(*code) || stderr != *expected {
            wrong.push(format!(
                "{args:?}: exit {:?}, stderr:\n{stderr}expected exit {code}, stderr:\n{expected}",
                output.status.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The warning of an inspector exposed beyond this machine, once cut by a run of spaces.
#[test]
fn an_exposed_inspector_is_warned_about_in_one_sentence() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
    hermetic(&mut command)
        .arg("--no-config")
        .args([
            "listen",
            "--port",
            "0",
            "--ui",
            "--ui-port",
            "0",
            "--ui-host",
            "0.0.0.0",
        ])
        .args(["--secret", "s"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut listening = String::new();
    stdout.read_line(&mut listening).unwrap();
    assert!(listening.starts_with("listening on "), "{listening}");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut warning = String::new();
    stderr.read_line(&mut warning).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        warning,
        "titancard-wh: warning: --ui-host 0.0.0.0 exposes the inspector beyond this machine: \
         whoever reaches it sees every delivery (replaying one also needs the token in its URL)\n"
    );
}

/// The `.rs` files under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_literal_reader_sees_what_the_program_sees() {
    let source = r#####"
        // "a comment   with spaces" is not a literal
        let quote = '"';
        let a = "one line \
                 continued";
        let b = "a lost continuation,              so a hole";
        let c = r#"raw "text"   here"#;
        let d = "status   200";
        let e = "Examples:\n    titancard-wh send";
    "#####;
    let found = literals(source);
    let texts: Vec<&str> = found.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "one line continued",
            "a lost continuation,              so a hole",
            "raw \"text\"   here",
            "status   200",
            "Examples:\n    titancard-wh send",
        ]
    );
    assert_eq!(found[1].line, 6);
    let holes: Vec<bool> = texts.iter().map(|text| hole(text).is_some()).collect();
    assert_eq!(holes, [false, true, true, false, false]);
}

#[test]
fn no_string_literal_in_src_has_a_hole_in_a_sentence() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut holes = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        for literal in literals(&text) {
            if let Some(line) = hole(&literal.text) {
                holes.push(format!(
                    "{}:{}: {line:?}",
                    file.strip_prefix(&src).unwrap().display(),
                    literal.line
                ));
            }
        }
    }
    assert!(
        holes.is_empty(),
        "runs of spaces inside a sentence:\n{}",
        holes.join("\n")
    );
}
