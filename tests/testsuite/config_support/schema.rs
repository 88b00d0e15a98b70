//! The project file's JSON Schema (schemas/config/, for editors: taplo, Even Better TOML) agrees
//! with `config check`: the starter file and sample files pass both, files with a literal secret,
//! an unknown key, two secret sources or a mistyped event fail both. check-jsonschema accepts the
//! schema itself.

use super::*;

fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/config/titancard-wh.toml.schema.json")
}

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap()
}

/// The schema's verdict on a TOML text, read as JSON.
fn schema_accepts(text: &str) -> bool {
    let instance: Value = toml::from_str(text).unwrap();
    let schema = schema();
    // Draft 7, which the editors' schema support (taplo) speaks.
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    validator.is_valid(&instance)
}

/// `config check`'s verdict on a TOML text.
fn check_accepts(text: &str) -> bool {
    let dir = project();
    std::fs::write(dir.path().join("f.toml"), text).unwrap();
    project_cmd(dir.path())
        .args(["config", "check", "f.toml"])
        .output()
        .unwrap()
        .status
        .success()
}

const GOOD: [&str; 3] = [
    "version = 1\n",
    r#"version = 1
default_profile = "ci"
[profiles.ci]
url = "https://ci.example.test/hook"
secret_file = "/run/secrets/titancard"
timeout = "1m 30s"
listen = { port = 0, forward = true }
[[profiles.ci.routes]]
events = ["reminder.*", "note.added", "connection.?pdated"]
url = "http://127.0.0.1:4000/"
"#,
    "version = 1\n[profiles.a]\n[profiles.a.listen]\nsave = \"x.jsonl\"\n",
];

const BAD: [(&str, &str); 6] = [
    (
        "a literal secret",
        "version = 1\n[profiles.a]\nsecret = \"whsec_x\"\n",
    ),
    (
        "an unknown key",
        "version = 1\n[profiles.a]\nurll = \"http://x/\"\n",
    ),
    (
        "two secret sources",
        "version = 1\n[profiles.a]\nsecret_env = \"A\"\nsecret_file = \"b\"\n",
    ),
    (
        "a mistyped event",
        "version = 1\n[[profiles.a.routes]]\nevents = [\"card.viewd\"]\nurl = \"http://x/\"\n",
    ),
    ("another version", "version = 2\n"),
    ("no version", "[profiles.a]\nurl = \"http://x/\"\n"),
];

#[test]
fn the_schema_and_config_check_agree_on_the_starter_and_samples() {
    let starter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config/starter.toml"),
    )
    .unwrap();
    for text in GOOD.iter().copied().chain([starter.as_str()]) {
        assert!(schema_accepts(text), "the schema refuses:\n{text}");
        assert!(check_accepts(text), "config check refuses:\n{text}");
    }
    for (what, text) in BAD {
        assert!(!schema_accepts(text), "the schema accepts {what}");
        assert!(!check_accepts(text), "config check accepts {what}");
    }
}

#[test]
fn the_schema_lists_the_14_events_and_check_jsonschema_accepts_it() {
    let names: Vec<String> = schema()["definitions"]["event"]["anyOf"][0]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, crate::common::REFERENCE_EVENTS);
    crate::peers_support::assert_metaschema_valid([schema_path()]);
}
