//! The `titancard-webhooks` library from outside: its default build pulls none of the binary's
//! heavy crates, its types agree with the published schemas field by field, and its axum example
//! receiver passes the toolkit's own probe, `send --all` and a shuffled story with duplicates.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use titancard_webhooks::{EventKind, VerifyError, parse_event};

use crate::common::{cmd, json_output};

const SECRET: &str = "whsec_library_51c0";

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// The crates in the library's normal dependency tree with these features.
fn dependency_names(features: &[&str]) -> HashSet<String> {
    let mut command = cargo();
    command.args([
        "tree",
        "-p",
        "titancard-webhooks",
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
        "--locked",
    ]);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_receiver_pays_only_for_what_it_uses() {
    let heavy = [
        "clap",
        "tokio",
        "hyper",
        "rustls",
        "jsonschema",
        "indicatif",
        "reqwest",
        "mimalloc",
        "ring",
    ];
    let default = dependency_names(&[]);
    for name in ["serde", "serde_json", "hmac", "sha2"] {
        assert!(default.contains(name), "{name} missing from {default:?}");
    }
    for features in [&[][..], &["http"], &["axum"]] {
        let names = dependency_names(features);
        for name in heavy {
            assert!(
                !names.contains(name),
                "{features:?} pulls {name}: {names:?}"
            );
        }
    }
    assert!(dependency_names(&["axum"]).contains("axum-core"));
}

/// Each event's schema (schemas/<event>.schema.json, the one `validate` uses) against the
/// library's type, property by property: what the schema lets be null the type takes as `None`;
/// what it does not, the type refuses; a negative time is refused; a key the schema requires and
/// does not let be null cannot be left out.
#[test]
fn the_library_types_agree_with_the_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for kind in EventKind::ALL {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(format!("schemas/{kind}.schema.json"))).unwrap(),
        )
        .unwrap();
        let sample: Value = serde_json::from_str(kind.sample()).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(
            properties.keys().collect::<Vec<_>>(),
            sample["data"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            "{kind}: the sample shows every property, in order"
        );
        for (field, property) in properties {
            let types: Vec<&str> = match &property["type"] {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                other => panic!("{kind}.{field}: type {other}"),
            };
            let with = |value: Value| {
                let mut payload = sample.clone();
                payload["data"][field] = value;
                parse_event(payload.to_string().as_bytes())
            };
            let nullable = types.contains(&"null");
            assert_eq!(
                with(Value::Null).is_ok(),
                nullable,
                "{kind}.{field}: null accepted by the type and the schema alike"
            );
            if types.contains(&"integer") {
                let refused = with(Value::from(-1)).unwrap_err();
                assert!(
                    matches!(refused, VerifyError::NotAnEvent(_)),
                    "{kind}.{field}"
                );
            }
            if !nullable {
                let mut payload = sample.clone();
                payload["data"].as_object_mut().unwrap().remove(field);
                assert!(
                    parse_event(payload.to_string().as_bytes()).is_err(),
                    "{kind}.{field} is required"
                );
            }
        }
    }
}

/// The example receiver, built once for the tests that run it.
fn example_binary() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let output = cargo()
            .args([
                "build",
                "--locked",
                "-p",
                "titancard-webhooks",
                "--features",
                "axum",
                "--example",
                "axum_receiver",
                "--message-format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The executable's path, from cargo's own report of what it built.
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| message["target"]["name"] == "axum_receiver")
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the example's executable")
    })
}

/// The example running on a free port, and its address.
struct Example {
    child: Child,
    url: String,
}

impl Example {
    fn start() -> Example {
        let mut child = Command::new(example_binary())
            .env("TITANCARD_WEBHOOK_SECRET", SECRET)
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_string();
        Example { child, url }
    }

    /// Stops it and returns the lines it printed after the first.
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut rest);
        rest.lines().map(str::to_string).collect()
    }
}

#[test]
fn the_axum_example_passes_probe_send_and_a_shuffled_story_with_duplicates() {
    let example = Example::start();
    let probe = cmd()
        .args(["probe", "--url", &example.url, "--secret", SECRET])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = json_output("probe", &probe.stdout);
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(probe.status.code(), Some(0));

    cmd()
        .args(["send", "--all", "--url", &example.url, "--secret", SECRET])
        .assert()
        .success();

    let story = cmd()
        .args(["story", "contact-lifecycle", "--url", &example.url])
        .args(["--secret", SECRET, "--shuffle", "--duplicates", "0.5"])
        .args(["--seed", "7", "--format", "json"])
        .output()
        .unwrap();
    let story = json_output("story", &story.stdout);
    assert_eq!(story["ok"], true, "{story:#}");
    let steps = story["steps"].as_array().unwrap().len();
    let deliveries = story["deliveries"].as_array().unwrap().len();
    assert!(deliveries > steps, "{story:#}");

    let lines = example.stop();
    let stored: Vec<&String> = lines.iter().filter(|l| l.starts_with("stored ")).collect();
    let duplicates = lines.iter().filter(|l| l.starts_with("duplicate ")).count();
    let unique: HashSet<&str> = stored.iter().map(|l| &l["stored ".len()..]).collect();
    assert_eq!(
        unique.len(),
        stored.len(),
        "an event was stored twice: {lines:#?}"
    );
    // probe: 14 valid events and the duplicate case's first delivery; send: 14; the story's
    // steps once each. Every re-delivery is recognised as one.
    assert_eq!(stored.len(), 15 + 14 + steps, "{lines:#?}");
    assert_eq!(duplicates, 1 + deliveries - steps, "{lines:#?}");
}
