//! The fuzzers' findings, replayed on stable: every input saved in fixtures/fuzz-regressions/<target>/
//! (inputs that once crashed or hung a fuzz target) and every seed in fuzz/seeds/<target>/ goes
//! through the same harness the fuzz target runs, and the capture inputs through the real binary.

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::cmd;

const TARGETS: [&str; 4] = ["capture", "signature", "validate", "webhook"];

/// The saved inputs of one target: regressions first, then seeds.
fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        root.join("fixtures/fuzz-regressions").join(target),
        root.join("fuzz/seeds").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let files = inputs(target);
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", file.display());
    }
    files.len()
}

#[test]
fn every_target_has_saved_inputs() {
    for target in TARGETS {
        assert!(!inputs(target).is_empty(), "no saved input for {target}");
    }
}

#[test]
fn capture_inputs() {
    replay("capture", harness::capture);
}

#[test]
fn signature_inputs() {
    replay("signature", harness::signature);
}

#[test]
fn webhook_inputs() {
    replay("webhook", harness::webhook);
}

#[test]
fn validate_inputs() {
    replay("validate", harness::validate);
}

/// The capture inputs through `verify` and `replay`: a verdict or a named error, never a panic.
#[test]
fn capture_inputs_through_the_binary() {
    for file in inputs("capture") {
        let name = file.to_str().unwrap();
        for args in [
            vec!["verify", name, "--secret", "s"],
            vec!["verify", name, "--secret", "s", "--signature", "sha256=00"],
            vec!["verify", name, "--secret", "s", "--input-format", "http"],
            vec!["verify", name, "--secret", "s", "--input-format", "jsonl"],
        ] {
            let output = cmd()
                .args(&args)
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
            let code = output.status.code();
            assert!(matches!(code, Some(0..=2)), "{args:?}: {code:?} {stderr}");
            if code == Some(2) {
                assert!(stderr.contains("error:"), "{args:?}: {stderr}");
            }
        }
    }
}
