//! `schema --openapi`: the OpenAPI 3.1 document passes openapi-spec-validator (PyPI) and Redocly's
//! linter (npm, its recommended rules) with no error, and says what the reference says: one
//! webhook per event, the four headers, the payload schema, the 2xx/400/401 answers. The peers
//! come from `scripts/test`; a missing peer fails the test.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::{REFERENCE_EVENTS, cmd};
use crate::peers_support::peer;
use serde_json::Value;

const FILE: &str = "titancard-webhooks.openapi.json";

/// Writes the document with `schema --openapi --out DIR` and returns it, parsed.
fn export(dir: &Path) -> Value {
    cmd()
        .args(["schema", "--openapi", "--out"])
        .arg(dir)
        .assert()
        .success()
        .stderr(predicates::str::contains(FILE));
    serde_json::from_slice(&std::fs::read(dir.join(FILE)).unwrap()).unwrap()
}

fn output_text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn openapi_spec_validator(file: &Path) -> (bool, String) {
    let output = Command::new(peer("venv/bin/openapi-spec-validator"))
        .arg(file)
        .output()
        .unwrap();
    (output.status.success(), output_text(&output))
}

/// `redocly lint --extends recommended --format json`: exit status, totals and the problems.
fn redocly(dir: &Path) -> (bool, Value, String) {
    let output = Command::new(peer("node/node_modules/.bin/redocly"))
        .args(["lint", "--extends", "recommended", "--format", "json", FILE])
        .current_dir(dir)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .unwrap();
    let text = output_text(&output);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("redocly printed no JSON report ({err}):\n{text}"));
    (output.status.success(), report, text)
}

#[test]
fn both_validators_accept_the_document_with_no_error() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path());
    let file = dir.path().join(FILE);
    let ((valid, validator_text), (linted, report, lint_text)) = std::thread::scope(|scope| {
        let python = scope.spawn(|| openapi_spec_validator(&file));
        let node = scope.spawn(|| redocly(dir.path()));
        (python.join().unwrap(), node.join().unwrap())
    });
    assert!(valid, "openapi-spec-validator:\n{validator_text}");
    assert!(validator_text.contains("OK"), "{validator_text}");

    assert!(linted, "redocly lint:\n{lint_text}");
    assert_eq!(report["totals"]["errors"], 0, "{lint_text}");
    // The one warning allowed: no license while Cargo.toml declares none (the document takes it
    // from there).
    let rules: BTreeSet<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| problem["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        rules.iter().all(|rule| *rule == "info-license"),
        "unexpected redocly findings {rules:?}:\n{lint_text}"
    );
}

/// Follows a local `$ref` (`#/components/...`), or returns the value itself.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{reference} is not local"));
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"))
        }
        None => value,
    }
}

/// Every `$ref` anywhere in `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(object) => {
            if object.contains_key("$ref") {
                found.push(value);
            }
            object.values().for_each(|child| refs(child, found));
        }
        Value::Array(items) => items.iter().for_each(|child| refs(child, found)),
        _ => {}
    }
}

#[test]
fn one_webhook_per_event_with_its_headers_body_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let document = export(dir.path());
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));

    let mut all_refs = Vec::new();
    refs(&document, &mut all_refs);
    assert!(all_refs.len() >= 14 * 4);
    for reference in all_refs {
        resolve(&document, reference);
    }

    let webhooks = document["webhooks"].as_object().unwrap();
    let names: Vec<&str> = webhooks.keys().map(String::as_str).collect();
    assert_eq!(names, REFERENCE_EVENTS);
    let tags: BTreeSet<&str> = document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap())
        .collect();
    let mut operation_ids = BTreeSet::new();
    for (name, item) in webhooks {
        assert_eq!(item.as_object().unwrap().len(), 1, "{name}: only post");
        let post = &item["post"];
        assert!(operation_ids.insert(post["operationId"].as_str().unwrap()));
        // The summary names the operation in API tools' menus: the event's name, as it is
        // sent; the reference's sentence opens the description.
        assert_eq!(post["summary"], name.as_str());
        let description = post["description"].as_str().unwrap();
        assert!(
            description.starts_with("Triggered when "),
            "{name}: {description}"
        );
        assert!(description.contains(name.as_str()), "{name}: {description}");
        for tag in post["tags"].as_array().unwrap() {
            assert!(tags.contains(tag.as_str().unwrap()), "{name}: tag {tag}");
        }
        assert_eq!(
            post["security"],
            serde_json::json!([{"webhookSignature": []}])
        );

        let headers: Vec<&Value> = post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| resolve(&document, parameter))
            .collect();
        let header = |wanted: &str| {
            let found = headers
                .iter()
                .find(|parameter| parameter["name"] == wanted)
                .unwrap_or_else(|| panic!("{name}: no {wanted} parameter"));
            assert_eq!(found["in"], "header");
            assert_eq!(found["required"], true);
            &found["schema"]
        };
        assert_eq!(headers.len(), 4, "{name}");
        assert_eq!(header("Content-Type")["const"], "application/json");
        assert_eq!(
            header("X-Webhook-Signature")["pattern"],
            "^sha256=[0-9a-f]{64}$"
        );
        assert_eq!(header("X-Webhook-Event")["const"], name.as_str());
        assert_eq!(header("User-Agent")["const"], "TitanCard-Webhooks/1.0");

        let body = &post["requestBody"]["content"]["application/json"];
        assert_eq!(post["requestBody"]["required"], true);
        let schema = resolve(&document, &body["schema"]);
        assert_eq!(schema["properties"]["event"]["const"], name.as_str());
        assert_eq!(schema["properties"]["event"]["type"], "string", "{name}");
        assert_eq!(body["example"]["event"], name.as_str());
        // The same schema `schema EVENT` prints, less its `$schema`.
        let alone = cmd().args(["schema", name]).output().unwrap();
        let mut alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
        alone.as_object_mut().unwrap().shift_remove("$schema");
        assert_eq!(schema, &alone, "{name}");

        let answers: Vec<&str> = post["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(answers, ["2XX", "400", "401"], "{name}");
    }

    let scheme = &document["components"]["securitySchemes"]["webhookSignature"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "X-Webhook-Signature");
    assert!(!document["servers"].as_array().unwrap().is_empty());
}

// In Redocly's rendering the sidebar read "Triggered when a new business card is created"
// instead of card.created, and the body's `event` showed as "any".
#[test]
fn redocly_s_page_names_each_webhook_by_its_event_and_shows_event_as_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let document = export(dir.path());
    let page = dir.path().join("webhooks.html");
    let built = Command::new(peer("node/node_modules/.bin/redocly"))
        .args(["build-docs", FILE, "--inlineBundle", "--output"])
        .arg(&page)
        .current_dir(dir.path())
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "redocly build-docs:\n{}",
        output_text(&built)
    );

    let chromium = Path::new(crate::inspector_support::CHROMIUM);
    assert!(
        chromium.exists(),
        "{} is missing: run scripts/test",
        chromium.display()
    );
    let modules = peer("node/node_modules/playwright-core");
    let tags: Vec<&str> = document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap())
        .collect();
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/openapi_support/redoc.cjs");
    let shown = Command::new("node")
        .arg(script)
        .arg(&page)
        .args(&tags)
        .env("NODE_PATH", modules.parent().unwrap())
        .output()
        .unwrap();
    let text = output_text(&shown);
    let seen: Value = serde_json::from_slice(&shown.stdout)
        .unwrap_or_else(|err| panic!("redoc.cjs printed no JSON ({err}):\n{text}"));
    assert!(seen["error"].is_null(), "{text}");
    assert_eq!(
        seen["labels"],
        serde_json::json!(REFERENCE_EVENTS),
        "{text}"
    );
    assert_eq!(seen["event_type"], "string", "{text}");
}

#[test]
fn stdout_gets_the_same_document_and_an_event_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let written = export(dir.path());
    let printed = cmd().args(["schema", "--openapi"]).output().unwrap();
    assert!(printed.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&printed.stdout).unwrap(),
        written
    );
    cmd()
        .args(["schema", "--openapi", "card.created"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--openapi"));
}
