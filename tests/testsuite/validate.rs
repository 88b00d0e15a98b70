//! `validate` and `schema` as a user runs them: real fixture files and files written into temp
//! folders, every output format, exit codes 0/1/2, globs, stdin and JSON Lines.

use std::path::Path;

use crate::common::cmd;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// The reference's samples (the library's), relative to `FIXTURES`.
const SAMPLES: &str = "../crates/titancard-webhooks/samples";

fn fixture(rel: &str) -> String {
    format!("{FIXTURES}/{rel}")
}

/// Runs `validate ARGS --format json` and returns (exit code, document).
fn validate_json(args: &[&str]) -> (i32, Value) {
    let output = cmd()
        .arg("validate")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let document = crate::common::json_output("validate", &output.stdout);
    (output.status.code().unwrap(), document)
}

fn human(args: &[&str]) -> (i32, String, String) {
    let output = cmd()
        .current_dir(FIXTURES)
        .arg("validate")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn every_catalogue_sample_passes_its_own_schema_lenient_and_strict() {
    for strict in [false, true] {
        for spec in &titancard_wh::internals::CATALOGUE {
            let path = fixture(&format!("{SAMPLES}/{}.json", spec.name));
            let mut args = vec![path.as_str()];
            if strict {
                args.push("--strict");
            }
            let (code, document) = validate_json(&args);
            assert_eq!(code, 0, "{} strict={strict}: {document}", spec.name);
            assert_eq!(document["files"][0]["payloads"][0]["event"], spec.name);
            assert_eq!(document["counts"]["warnings"], 0, "{}", spec.name);
        }
    }
}

#[test]
fn errors_name_file_line_column_pointer_and_a_plain_message() {
    let (code, stdout, _) = human(&["validate/schema/invalid/bad-source.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "validate/schema/invalid/bad-source.json:22:15: error: data.source: \"carrier_pigeon\" is not one of qr_scan, nfc, manual, import (/data/source)\n\
         1 file, 1 payload, 1 invalid, 0 warnings\n"
    );
    let (_, stdout, _) = human(&["validate/schema/invalid/missing-slug.json"]);
    assert!(stdout.starts_with(
        "validate/schema/invalid/missing-slug.json:4:11: error: data: required key \"slug\" is missing (/data)\n"
    ));
    let (_, stdout, _) = human(&["validate/schema/invalid/views-as-string.json"]);
    assert!(stdout.contains(
        ":10:20: error: data.total_views: \"142\" is a string, expected an integer (/data/total_views)"
    ));
    let (_, stdout, _) = human(&["validate/schema/invalid/unknown-event.json"]);
    assert!(stdout.contains(
        ":2:12: error: event: unknown event 'card.delted': did you mean card.deleted? (/event)"
    ));
}

#[test]
fn every_invalid_schema_fixture_is_invalid_and_every_valid_one_valid() {
    let (code, document) = validate_json(&[&fixture("validate/schema/invalid")]);
    assert_eq!(code, 1);
    let files = document["files"].as_array().unwrap();
    assert!(files.len() >= 10);
    for file in files {
        assert_eq!(file["payloads"][0]["ok"], false, "{file}");
    }
    assert_eq!(document["counts"]["invalid"], files.len());
    let (code, document) = validate_json(&[&fixture("validate/schema/valid")]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["counts"]["invalid"], 0);
}

#[test]
fn syntax_problems_are_reported_per_file_and_the_run_goes_on() {
    let (code, stdout, stderr) = human(&[
        "validate/syntax",
        "../crates/titancard-webhooks/samples/card.created.json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "validate/syntax/empty.json:1:1: error: empty file: no payload (expected one JSON object)",
        "validate/syntax/trailing-garbage.json:2:1: error: trailing characters after the JSON value",
        "validate/syntax/not-json.json:1:1: error: not valid JSON: expected value",
        "validate/syntax/truncated.json:5:1: error: the JSON ends too early",
        "validate/syntax/invalid-utf8.json:3:12: error: invalid UTF-8",
        "validate/syntax/bom.json:1:1: warning: the file starts with a UTF-8 byte order mark",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    assert!(
        stdout.ends_with("7 files, 7 payloads, 5 invalid, 1 warning\n"),
        "{stdout}"
    );
}

#[test]
fn a_top_level_array_is_an_invalid_payload() {
    let (code, stdout, _) = human(&["validate/schema/invalid/top-level-array.json"]);
    assert_eq!(code, 1);
    assert!(stdout.contains(":1:1: error: payload: the top-level value is an array"));
}

#[test]
fn lints_warn_and_fail_under_strict() {
    let (code, stdout, _) = human(&["validate/lints"]);
    assert_eq!(code, 0, "{stdout}");
    for expected in [
        "full-name.json:8:18: warning: data.full_name: \"Jane Smith\" is not first_name + \" \" + last_name (\"Jane Doe\")",
        "seconds.json:3:16: warning: timestamp: 1705420800 looks like seconds, not milliseconds",
        "seconds.json:12:19: warning: data.created_at: 1705420800 looks like seconds",
        "status-unchanged.json:10:19: warning: data.new_status: new_status equals previous_status",
        "tags.json:14:7: warning: data.tags_added[0]: \"partner\" was added but is not in tags",
        "tags.json:17:7: warning: data.tags_removed[0]: \"product\" was removed but is still in tags",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }
    assert!(stdout.ends_with("4 files, 4 payloads, 0 invalid, 6 warnings\n"));
    let (code, stdout, _) = human(&["validate/lints", "--strict"]);
    assert_eq!(code, 1);
    assert!(
        stdout.ends_with("4 files, 4 payloads, 4 invalid, 0 warnings\n"),
        "{stdout}"
    );
}

#[test]
fn strict_rejects_unknown_keys_at_every_level() {
    let file = fixture("validate/schema/valid/card-viewed-unknown-keys.json");
    let (code, _) = validate_json(&[&file]);
    assert_eq!(code, 0);
    let (code, document) = validate_json(&[&file, "--strict"]);
    assert_eq!(code, 1);
    let errors = &document["files"][0]["payloads"][0]["errors"];
    let pointers: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/data/referrer", "/extra_envelope_key"],
        "{errors}"
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown key")
    );
}

#[test]
fn json_lines_count_one_payload_a_line_and_records_check_the_header() {
    let (code, document) = validate_json(&[&fixture("validate/jsonl")]);
    assert_eq!(code, 1);
    assert_eq!(document["counts"]["files"], 2);
    assert_eq!(document["counts"]["payloads"], 5);
    assert_eq!(document["counts"]["invalid"], 1);
    let mixed = &document["files"][0];
    assert_eq!(mixed["file"], fixture("validate/jsonl/mixed.jsonl"));
    let lines: Vec<u64> = mixed["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|payload| payload["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3, 4]);
    assert_eq!(mixed["payloads"][2]["errors"][0]["line"], 4);
    assert_eq!(mixed["payloads"][2]["errors"][0]["pointer"], "/timestamp");
    let records = &document["files"][1]["payloads"];
    assert_eq!(records[0]["warnings"], serde_json::json!([]));
    let warning = &records[1]["warnings"][0];
    assert_eq!(warning["line"], 2);
    assert_eq!(
        warning["message"],
        "event: \"card.updated\" differs from the X-Webhook-Event header (\"card.created\")"
    );
}

#[test]
fn json_format_is_one_stable_document() {
    let (code, document) = validate_json(&[&fixture("validate/schema/invalid/bad-source.json")]);
    assert_eq!(code, 1);
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ok", "counts", "files", "unreadable"]);
    assert_eq!(
        document["counts"],
        serde_json::json!({"files": 1, "payloads": 1, "invalid": 1, "warnings": 0, "unreadable": 0})
    );
    let error = &document["files"][0]["payloads"][0]["errors"][0];
    assert_eq!(
        error,
        &serde_json::json!({"line": 22, "column": 15, "pointer": "/data/source",
            "message": "data.source: \"carrier_pigeon\" is not one of qr_scan, nfc, manual, import"})
    );
}

#[test]
fn github_format_writes_annotations() {
    let (code, stdout, _) = human(&[
        "validate/schema/invalid/bad-source.json",
        "validate/lints/status-unchanged.json",
        "--format",
        "github",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=validate/schema/invalid/bad-source.json,line=22,col=15,title=titancard-wh validate::data.source: \"carrier_pigeon\" is not one of qr_scan%2C nfc%2C manual%2C import (/data/source)"
            .replace("%2C", ",")
    );
    assert!(lines[1].starts_with(
        "::warning file=validate/lints/status-unchanged.json,line=10,col=19,title=titancard-wh validate::"
    ));
    assert_eq!(lines[2], "2 files, 2 payloads, 1 invalid, 1 warning");
}

#[test]
fn junit_format_has_one_case_per_payload() {
    let (code, stdout, _) = human(&[
        "validate/jsonl/mixed.jsonl",
        "validate/schema/invalid/bad-source.json",
        "--format",
        "junit",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("<?xml"));
    assert!(stdout.contains("tests=\"4\" failures=\"2\""), "{stdout}");
    assert!(
        stdout.contains("<testcase name=\"validate/jsonl/mixed.jsonl:3\" classname=\"note.added\"")
    );
    assert!(stdout.contains(
        "<failure message=\"4:40: timestamp: &quot;soon&quot; is a string, expected an integer (/timestamp)\">"
    ));
    assert!(stdout.contains("<testcase name=\"validate/schema/invalid/bad-source.json\" classname=\"connection.created\""));
}

#[test]
fn unreadable_inputs_exit_2_after_validating_the_rest() {
    let (code, stdout, stderr) = human(&[
        "missing.json",
        "../crates/titancard-webhooks/samples/card.created.json",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.ends_with("1 file, 1 payload, 0 invalid, 0 warnings\n"));
    assert!(
        stderr.contains("titancard-wh: error: missing.json: no such file or folder"),
        "{stderr}"
    );
}

/// An empty folder gave a summary of nothing (`0 files, 0 payloads, …`) and two error lines.
#[test]
fn a_folder_with_nothing_to_validate_is_one_error_line() {
    let empty = tempfile::tempdir().unwrap();
    let folder = empty.path().to_str().unwrap();
    let (code, stdout, stderr) = human(&[folder]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "titancard-wh: error: {folder}: no *.json or *.jsonl files in this folder: nothing \
             to validate\n"
        )
    );
}

#[test]
fn nothing_to_validate_is_never_success() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("notes.txt"), "not a payload").unwrap();
    let folder = empty.path().to_str().unwrap();
    let (code, _, stderr) = human(&[folder]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no *.json or *.jsonl files in this folder: nothing to validate"));
    let pattern = format!("{folder}/*.json");
    let (code, _, stderr) = human(&[&pattern]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no *.json or *.jsonl files match"),
        "{stderr}"
    );
}

#[test]
fn globs_folders_and_exit_0_when_all_are_valid() {
    let (code, stdout, _) = human(&["../crates/titancard-webhooks/samples/card.*.json"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "5 files, 5 payloads, 0 invalid, 0 warnings\n");
    let (code, stdout, _) = human(&[SAMPLES, "--strict"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "14 files, 14 payloads, 0 invalid, 0 warnings\n");
}

#[test]
fn folders_are_searched_recursively_for_json_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let sample = titancard_wh::internals::CATALOGUE[0].sample;
    std::fs::write(nested.join("one.json"), sample).unwrap();
    let line = sample.replace('\n', "");
    std::fs::write(dir.path().join("many.jsonl"), format!("{line}\n{line}\n")).unwrap();
    std::fs::write(dir.path().join("skip.txt"), "{").unwrap();
    let (code, document) = validate_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["counts"]["files"], 2);
    assert_eq!(document["counts"]["payloads"], 3);
}

#[test]
fn stdin_is_one_payload() {
    let sample = std::fs::read(fixture("validate/schema/invalid/bad-source.json")).unwrap();
    let output = cmd()
        .args(["validate", "-"])
        .write_stdin(sample)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("<stdin>:22:15: error: data.source:"),
        "{stdout}"
    );
}

#[test]
fn schema_prints_one_event_or_the_bundle_and_writes_files() {
    let output = cmd().args(["schema", "card.deleted"]).output().unwrap();
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["properties"]["event"]["const"], "card.deleted");
    assert_eq!(
        schema["properties"]["data"]["required"],
        serde_json::json!(["card_id", "slug", "deleted_at"])
    );
    let output = cmd().arg("schema").output().unwrap();
    let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bundle["allOf"].as_array().unwrap().len(), 14);
    assert_eq!(
        bundle["properties"]["event"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        14
    );

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    cmd().args(["schema", "--out"]).arg(&out).assert().success();
    for spec in &titancard_wh::internals::CATALOGUE {
        let path = out.join(format!("{}.schema.json", spec.name));
        let text = std::fs::read_to_string(&path).unwrap();
        let written: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(written, titancard_wh::internals::event_schema(spec));
    }
    assert!(Path::new(&out.join("titancard-webhook.schema.json")).is_file());
    cmd()
        .args(["schema", "card.viewd"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean card.viewed?"));
}

#[test]
fn human_output_is_coloured_only_when_asked_or_on_a_terminal() {
    let file = fixture("validate/schema/invalid/bad-source.json");
    let plain = cmd().args(["validate", &file]).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'));
    let coloured = cmd()
        .args(["--color", "always", "validate", &file])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["));
}

#[test]
fn json_lines_with_crlf_endings_keep_their_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let line = titancard_wh::internals::CATALOGUE[2]
        .sample
        .replace('\n', "");
    let bad = line.replace("\"slug\"", "\"slug_\"");
    let path = dir.path().join("crlf.jsonl");
    std::fs::write(&path, format!("{line}\r\n\r\n{bad}\r\n")).unwrap();
    let (code, document) = validate_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(document["counts"]["payloads"], 2);
    let error = &document["files"][0]["payloads"][1]["errors"][0];
    assert_eq!(error["line"], 3);
    assert_eq!(error["message"], "data: required key \"slug\" is missing");
}
