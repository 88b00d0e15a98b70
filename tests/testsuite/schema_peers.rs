//! The exported schemas give the same verdicts in check-jsonschema (PyPI) and ajv-cli (npm) as
//! `validate` does, on valid and invalid payload files. The peers come from `scripts/test`
//! (TITANCARD_PEERS); a missing peer fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::cmd;
use crate::peers_support::peer;
use serde_json::Value;

/// The payload files compared: the catalogue samples and the schema, lint and JSON fixtures.
fn payload_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "crates/titancard-webhooks/samples",
        "fixtures/validate/schema/valid",
        "fixtures/validate/schema/invalid",
        "fixtures/validate/lints",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    files
}

/// `validate`'s verdict per file (true = valid).
fn our_verdicts(files: &[PathBuf]) -> BTreeMap<PathBuf, bool> {
    let output = cmd()
        .arg("validate")
        .args(files)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let document: Value = crate::common::json_output("validate", &output.stdout);
    document["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| {
            (
                PathBuf::from(file["file"].as_str().unwrap()),
                file["payloads"][0]["ok"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn check_jsonschema(schema: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, bool> {
    let output = Command::new(peer("venv/bin/check-jsonschema"))
        .args(["-o", "json", "--schemafile"])
        .arg(schema)
        .args(files)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "check-jsonschema: {err}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let failed: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["parse_errors"].as_array().unwrap())
        .map(|error| error["filename"].as_str().unwrap())
        .collect();
    files
        .iter()
        .map(|file| (file.clone(), !failed.contains(&file.to_str().unwrap())))
        .collect()
}

fn ajv(schema: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, bool> {
    let mut command = Command::new(peer("node/node_modules/.bin/ajv"));
    command
        .args(["validate", "--spec=draft2020", "-s"])
        .arg(schema);
    for file in files {
        command.arg("-d").arg(file);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    files
        .iter()
        .map(|file| {
            let name = file.to_str().unwrap();
            let valid = text.lines().any(|line| line == format!("{name} valid"));
            let invalid = text.lines().any(|line| line == format!("{name} invalid"));
            assert!(valid != invalid, "ajv gave no verdict on {name}:\n{text}");
            (file.clone(), valid)
        })
        .collect()
}

fn export_schemas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["schema", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    dir
}

#[test]
fn the_bundle_schema_agrees_with_validate_in_both_peers() {
    let schemas = export_schemas();
    let bundle = schemas.path().join("titancard-webhook.schema.json");
    let files = payload_files();
    let ours = our_verdicts(&files);
    assert_eq!(ours.len(), files.len());
    assert!(ours.values().any(|valid| *valid) && ours.values().any(|valid| !*valid));
    let (python, node) = std::thread::scope(|scope| {
        let python = scope.spawn(|| check_jsonschema(&bundle, &files));
        let node = scope.spawn(|| ajv(&bundle, &files));
        (python.join().unwrap(), node.join().unwrap())
    });
    assert_eq!(python, ours, "check-jsonschema disagrees with validate");
    assert_eq!(node, ours, "ajv-cli disagrees with validate");
}

#[test]
fn each_event_schema_agrees_with_validate_on_that_events_files() {
    let schemas = export_schemas();
    let mut by_event: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for file in payload_files() {
        let value: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        if let Some(event) = value.get("event").and_then(Value::as_str) {
            by_event.entry(event.to_string()).or_default().push(file);
        }
    }
    // The events with both valid and invalid fixtures, to keep the peers' start-up time down.
    for event in ["connection.created", "card.viewed", "card.created"] {
        let files = &by_event[event];
        let ours = our_verdicts(files);
        assert!(
            ours.values().any(|valid| !*valid),
            "{event}: no invalid fixture"
        );
        let schema = schemas.path().join(format!("{event}.schema.json"));
        let (python, node) = std::thread::scope(|scope| {
            let python = scope.spawn(|| check_jsonschema(&schema, files));
            let node = scope.spawn(|| ajv(&schema, files));
            (python.join().unwrap(), node.join().unwrap())
        });
        assert_eq!(
            python, ours,
            "{event}: check-jsonschema disagrees with validate"
        );
        assert_eq!(node, ours, "{event}: ajv-cli disagrees with validate");
    }
}
