//! `story` through the real binary: the built-in stories against the project's own `listen
//! --save` (one id chain per story, rising timestamps, valid payloads), reproducible shuffled
//! runs whose re-deliveries the receiver marks as duplicates, a story file's links and errors,
//! `--out` fixtures that `validate`, `send --payload`, `replay` and `verify` accept, and the bugs a
//! story finds in a naive receiver that inserts on every event.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::common::{Reply, TestServer, cmd, json_output};
use crate::listen_support::{Listen, saved};
use serde_json::Value;

const SECRET: &str = "whsec_story_test";

/// Runs `story ARGS --secret SECRET --format json`: the exit code and the checked document.
fn story_json(args: &[&str]) -> (i32, Value) {
    let output = cmd()
        .arg("story")
        .args(args)
        .args(["--secret", SECRET, "--format", "json"])
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    assert!(
        code != 2,
        "story {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (code, json_output("story", &output.stdout))
}

/// The payloads of saved records, in arrival order, with their verdicts.
fn payloads(records: &[titancard_wh::internals::RequestRecord]) -> Vec<(Value, String)> {
    records
        .iter()
        .map(|record| {
            let body = record.body_bytes().unwrap();
            let verdict = record.verdict.clone().unwrap_or_default();
            (serde_json::from_slice(&body).unwrap(), verdict)
        })
        .collect()
}

/// The contact id a payload carries, as the reference links them: `id` in `connection.*`,
/// `connection_id` in `reminder.*`, `note.added` and `enrichment.completed`.
fn contact_of(payload: &Value) -> Option<&str> {
    let event = payload["event"].as_str().unwrap();
    let field = match event {
        e if e.starts_with("connection.") => "id",
        e if e.starts_with("reminder.") || e == "note.added" || e == "enrichment.completed" => {
            "connection_id"
        }
        _ => return None,
    };
    payload["data"][field].as_str()
}

/// Checks one story's payloads: one contact and one card throughout (fresh, in the reference's
/// shape), the reminder due is the one created, every `*_at` time is the envelope timestamp, and
/// the timestamps rise in story order.
fn check_chain(story: &str, chain: &[Value]) {
    let contacts: BTreeSet<&str> = chain.iter().filter_map(contact_of).collect();
    let cards: BTreeSet<&str> = chain
        .iter()
        .filter(|p| p["event"].as_str().unwrap().starts_with("card."))
        .map(|p| p["data"]["card_id"].as_str().unwrap())
        .collect();
    assert!(
        contacts.len() <= 1 && cards.len() <= 1,
        "{story}: {contacts:?} {cards:?}"
    );
    for id in &contacts {
        assert!(
            id.len() == 12 && id.starts_with("j57") && *id != "j57xyz789ghi",
            "{id}"
        );
    }
    for id in &cards {
        assert!(
            id.len() == 12 && id.starts_with("k57") && *id != "k57abc123def",
            "{id}"
        );
    }
    let emails: BTreeSet<&str> = chain
        .iter()
        .filter(|p| contact_of(p).is_some())
        .filter_map(|p| {
            p["data"]["email"]
                .as_str()
                .or(p["data"]["contact_email"].as_str())
        })
        .collect();
    assert!(emails.len() <= 1, "{story}: {emails:?}");
    let reminders: BTreeSet<&str> = chain
        .iter()
        .filter(|p| p["event"].as_str().unwrap().starts_with("reminder."))
        .map(|p| p["data"]["id"].as_str().unwrap())
        .collect();
    assert!(reminders.len() <= 1, "{story}: {reminders:?}");
    let mut last = 0;
    for payload in chain {
        let timestamp = payload["timestamp"].as_u64().unwrap();
        assert!(timestamp > last, "{story}: timestamps rise in story order");
        last = timestamp;
        for (key, value) in payload["data"].as_object().unwrap() {
            if key.ends_with("_at") && value.is_u64() {
                assert_eq!(value.as_u64(), Some(timestamp), "{story}: {key}");
            }
        }
    }
}

#[test]
fn each_builtin_story_reaches_listen_as_one_linked_chain_of_valid_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    let mut reports = Vec::new();
    for name in ["contact-lifecycle", "card-lifecycle", "all-events"] {
        let (code, report) = story_json(&[name, "--url", &listen.url]);
        assert_eq!((code, &report["ok"]), (0, &Value::Bool(true)), "{report}");
        reports.push((name, report));
    }
    listen.stop("-TERM");
    let saved = payloads(&saved(&save));
    let mut offset = 0;
    let mut contacts = BTreeSet::new();
    for (name, report) in &reports {
        let steps = report["steps"].as_array().unwrap();
        let chain: Vec<Value> = saved[offset..offset + steps.len()]
            .iter()
            .map(|(payload, verdict)| {
                assert_eq!(verdict, "accepted", "{name}: {payload}");
                payload.clone()
            })
            .collect();
        offset += steps.len();
        for (payload, step) in chain.iter().zip(steps) {
            assert_eq!(payload["event"], step["event"], "{name}: story order");
            assert_eq!(payload["timestamp"], step["timestamp"]);
            if let Some(contact) = contact_of(payload) {
                assert_eq!(step["ids"]["contact"], contact, "{name}");
            }
        }
        check_chain(name, &chain);
        contacts.extend(chain.iter().filter_map(contact_of).map(str::to_string));
    }
    assert_eq!(offset, saved.len());
    let all: BTreeSet<&str> = saved[16..]
        .iter()
        .map(|(payload, _)| payload["event"].as_str().unwrap())
        .collect();
    assert_eq!(all.len(), 14, "all-events sends every event");
    assert_eq!(contacts.len(), 2, "each story has its own fresh contact");
    cmd()
        .args(["validate", save.to_str().unwrap()])
        .assert()
        .success();
}

/// The delivery order of a run: (step, the delivery it repeats).
fn order(report: &Value) -> Vec<(u64, Option<u64>)> {
    report["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["step"].as_u64().unwrap(), d["duplicate_of"].as_u64()))
        .collect()
}

#[test]
fn a_seed_repeats_a_shuffled_run_and_listen_marks_the_re_deliveries_as_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    let args = [
        "contact-lifecycle",
        "--url",
        &listen.url,
        "--shuffle",
        "--duplicates",
        "0.5",
        "--seed",
        "7",
    ];
    let (first_code, first) = story_json(&args);
    let (second_code, second) = story_json(&args);
    assert_eq!((first_code, second_code), (0, 0));
    assert_eq!(order(&first), order(&second));
    assert_eq!(first["steps"][0]["ids"], second["steps"][0]["ids"]);
    assert_eq!(first["seed"], 7);
    assert_eq!(first["counts"]["redeliveries"], 5);
    assert_eq!(first["counts"]["deliveries"], 14);
    let steps: Vec<u64> = order(&first).iter().map(|(step, _)| *step).collect();
    assert_ne!(steps[..9], [1, 2, 3, 4, 5, 6, 7, 8, 9], "shuffled");
    listen.stop("-TERM");
    let records = saved(&save);
    assert_eq!(records.len(), 28);
    for (run, report) in [&first, &second].into_iter().enumerate() {
        for (index, delivery) in report["deliveries"].as_array().unwrap().iter().enumerate() {
            let record = &records[run * 14 + index];
            assert_eq!(record.status, Some(200));
            let expected = match delivery["duplicate_of"].as_u64() {
                None => "accepted",
                Some(first) => {
                    // The same bytes and signature as the delivery it repeats.
                    let original = &records[run * 14 + first as usize - 1];
                    assert_eq!(record.body, original.body);
                    assert_eq!(
                        record.headers.get("x-webhook-signature"),
                        original.headers.get("x-webhook-signature")
                    );
                    "duplicate"
                }
            };
            assert_eq!(record.verdict.as_deref(), Some(expected), "{delivery}");
        }
    }
    // The seed is printed on every run, also when it was not given.
    let output = cmd()
        .args([
            "story",
            "card-lifecycle",
            "--url",
            &TestServer::ok().url("/"),
        ])
        .args(["--secret", SECRET, "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let seed = stdout
        .lines()
        .find_map(|line| line.strip_prefix("seed "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no seed line in {stdout}"));
    assert!(
        stdout.contains(&format!("(--seed {seed} repeats this run)")),
        "{stdout}"
    );
}

#[test]
fn several_at_a_time_every_delivery_is_answered_and_each_repeat_is_one_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    let (code, report) = story_json(&[
        "all-events",
        "--url",
        &listen.url,
        "--concurrency",
        "4",
        "--duplicates",
        "0.5",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["concurrency"], 4);
    listen.stop("-TERM");
    let verdicts: Vec<String> = saved(&save).into_iter().filter_map(|r| r.verdict).collect();
    assert_eq!(verdicts.len(), 14 + 7);
    assert_eq!(verdicts.iter().filter(|v| *v == "duplicate").count(), 7);
}

const VIP_STORY: &str = r#"name = "vip-onboarding"
[[steps]]
event = "connection.created"
as = "contact"                                  # name a step to refer to its payload
set = { "data.full_name" = "Ada Lovelace", "data.first_name" = "Ada", "data.last_name" = "Lovelace", "data.email" = "ada@example.com" }
[[steps]]
event = "connection.tagged"
set = { "data.id" = "${contact.data.id}", "data.tags_added" = ["vip"] }
after = "300ms"                                 # wait before this step
[[steps]]
event = "reminder.created"
set = { "data.connection_id" = "${contact.data.id}" }
"#;

#[test]
fn a_story_file_runs_and_listen_saves_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vip-onboarding.toml");
    std::fs::write(&file, VIP_STORY).unwrap();
    let save = dir.path().join("events.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", save.to_str().unwrap()]);
    let (code, report) = story_json(&[file.to_str().unwrap(), "--url", &listen.url]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["story"], "vip-onboarding");
    assert_eq!(report["file"], file.to_str().unwrap());
    let started = report["deliveries"][1]["started_millis"].as_f64().unwrap();
    assert!(started >= 300.0, "after = \"300ms\" waits: {started}");
    listen.stop("-TERM");
    let saved: Vec<Value> = payloads(&saved(&save))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let [created, tagged, reminder] = saved.as_slice() else {
        panic!("{saved:?}")
    };
    let id = &created["data"]["id"];
    assert_eq!(&tagged["data"]["id"], id);
    assert_eq!(&reminder["data"]["connection_id"], id);
    // Implicit links: the contact's name and email follow it.
    assert_eq!(tagged["data"]["full_name"], "Ada Lovelace");
    assert_eq!(reminder["data"]["contact_email"], "ada@example.com");
    assert_eq!(tagged["data"]["tags_added"], serde_json::json!(["vip"]));
    let gap = tagged["timestamp"].as_u64().unwrap() - created["timestamp"].as_u64().unwrap();
    assert_eq!(gap, 300);
    check_chain("vip-onboarding", &saved);
}

#[test]
fn story_file_errors_exit_2_with_file_line_and_closest_name_and_send_nothing() {
    let server = TestServer::ok();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "event",
            "[[steps]]\nevent = \"conection.created\"\n",
            ":2:9: step 1: unknown event 'conection.created': did you mean connection.created?",
        ),
        (
            "path",
            "[[steps]]\nevent = \"card.updated\"\nset = { \"data.titel\" = \"CTO\" }\n",
            ":3:9: step 1 (card.updated): data.titel: card.updated has no field 'titel' (did you mean data.title?)",
        ),
        (
            "key",
            "[[steps]]\nevent = \"card.updated\"\naftr = \"1s\"\n",
            ":3:1: step 1 (card.updated): unknown key 'aftr' (did you mean after?)",
        ),
        (
            "later",
            "[[steps]]\nevent = \"note.added\"\nset = { \"data.connection_id\" = \"${contact.data.id}\" }\n[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\n",
            ":3:32: step 1 (note.added): ${contact.data.id} refers to step 2 (connection.created) 'contact', which comes later",
        ),
        (
            "missing",
            "[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\n[[steps]]\nevent = \"note.added\"\nset = { \"data.connection_id\" = \"${contakt.data.id}\" }\n",
            ":6:32: step 2 (note.added): ${contakt.data.id}: no step is named 'contakt' (did you mean contact?)",
        ),
        (
            "cycle",
            "[[steps]]\nevent = \"connection.created\"\nas = \"me\"\nset = { \"data.notes\" = \"${me.data.notes}\" }\n",
            ":4:24: step 1 (connection.created): ${me.data.notes} refers to this step itself, a cycle",
        ),
        (
            "schema",
            "[[steps]]\nevent = \"connection.created\"\nset = { \"data.source\" = \"carrier_pigeon\" }\n",
            ":2:9: step 1 (connection.created): the payload does not match its schema:\n  data.source: \"carrier_pigeon\" is not one of",
        ),
        (
            "syntax",
            "[[steps]]\nevent = \"card.shared\n",
            ":2:21: invalid basic string",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        let output = cmd()
            .args(["story", file.to_str().unwrap(), "--url", &server.url("/")])
            .args(["--secret", SECRET])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        let place = format!("titancard-wh: error: {}{expected}", file.display());
        assert!(
            stderr.starts_with(&place),
            "{name}: {stderr}\n  expected: {place}"
        );
        assert!(output.stdout.is_empty(), "{name}");
    }
    cmd()
        .args(["story", "contact-lifecyle", "--url", &server.url("/")])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean contact-lifecycle?"));
    assert!(server.requests().is_empty(), "nothing is sent on an error");
}

#[test]
fn out_writes_fixtures_that_validate_send_replay_and_verify_accept() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    let args = |out: &Path| {
        let mut command = cmd();
        command.args([
            "story",
            "all-events",
            "--seed",
            "1",
            "--timestamp",
            "1705420800000",
        ]);
        command.args([
            "--duplicates",
            "0.2",
            "--secret",
            SECRET,
            "--out",
            out.to_str().unwrap(),
        ]);
        command
    };
    let output = args(&fixtures).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = fixtures.join("01-card.created.json");
    assert!(fixtures.join("14-card.deleted.json").is_file());
    let records = fixtures.join("deliveries.jsonl");
    assert_eq!(
        std::fs::read_to_string(&records).unwrap().lines().count(),
        14 + 3
    );
    // The same seed and timestamp give the same bytes: fixtures can be made again.
    let again = dir.path().join("again");
    assert!(args(&again).output().unwrap().status.success());
    for name in ["05-connection.created.json", "deliveries.jsonl"] {
        assert_eq!(
            std::fs::read(fixtures.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap()
        );
    }
    // A folder that is not empty is refused.
    args(&fixtures)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not empty"));

    cmd()
        .args(["validate", fixtures.to_str().unwrap(), "--strict"])
        .assert()
        .success();
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "--payload",
            first.to_str().unwrap(),
            "--url",
            &server.url("/hook"),
        ])
        .args(["--secret", SECRET])
        .assert()
        .success();
    let body = std::fs::read(&first).unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.body, body);
    assert_eq!(sent.header("x-webhook-event"), Some("card.created"));
    let saved = saved(&records);
    assert_eq!(
        sent.header("x-webhook-signature"),
        saved[0].headers.get("x-webhook-signature"),
        "send --payload signs the file as the story did"
    );
    cmd()
        .args([
            "replay",
            records.to_str().unwrap(),
            "--url",
            &server.url("/hook"),
        ])
        .assert()
        .success();
    let replayed = &server.requests()[1..];
    assert_eq!(replayed.len(), 17);
    assert_eq!(replayed[0].body, body);
    cmd()
        .args(["verify", records.to_str().unwrap(), "--secret", SECRET])
        .assert()
        .success();
}

/// A receiver written the naive way: it inserts a contact on `connection.created` (a second
/// insert breaks the primary key), looks the contact up for every other event about it (a miss
/// is a KeyError), and appends a note row on every `note.added`.
#[derive(Default)]
struct Naive {
    contacts: HashMap<String, Value>,
    notes: Vec<String>,
}

fn naive_receiver() -> (TestServer, Arc<Mutex<Naive>>) {
    let state = Arc::new(Mutex::new(Naive::default()));
    let db = state.clone();
    let server = TestServer::start(move |_, request| {
        let payload = request.json();
        let mut db = db.lock().unwrap();
        let event = payload["event"].as_str().unwrap_or_default();
        let Some(contact) = contact_of(&payload).map(str::to_string) else {
            return Reply::status(200);
        };
        if event == "connection.created" {
            if db.contacts.contains_key(&contact) {
                return Reply::status(500).with_body(format!(
                    "sqlite3.IntegrityError: UNIQUE constraint failed: contacts.id ({contact})"
                ));
            }
            db.contacts.insert(contact, payload["data"].clone());
            return Reply::status(200);
        }
        if !db.contacts.contains_key(&contact) {
            return Reply::status(500).with_body(format!(
                "Traceback (most recent call last):\nKeyError: '{contact}'"
            ));
        }
        match event {
            "connection.deleted" => {
                db.contacts.remove(&contact);
            }
            "note.added" => db
                .notes
                .push(payload["data"]["id"].as_str().unwrap().into()),
            _ => {}
        }
        Reply::status(200)
    });
    (server, state)
}

#[test]
fn a_naive_receiver_passes_in_order_and_fails_on_retries_and_reordering() {
    // In story order, once each: the happy path passes.
    let (server, db) = naive_receiver();
    let (code, _) = story_json(&["contact-lifecycle", "--url", &server.url("/")]);
    assert_eq!(code, 0);
    assert_eq!(db.lock().unwrap().notes.len(), 1);

    // A retry of connection.created (its answer was lost) crashes the insert, and a note
    // delivered twice is stored twice: both answered, one with 500 and one with a second row.
    let (server, db) = naive_receiver();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("note.toml");
    std::fs::write(
        &file,
        "[[steps]]\nevent = \"connection.created\"\n[[steps]]\nevent = \"note.added\"\n",
    )
    .unwrap();
    let output = cmd()
        .args(["story", file.to_str().unwrap(), "--url", &server.url("/")])
        .args([
            "--duplicates",
            "1",
            "--seed",
            "3",
            "--secret",
            SECRET,
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let timeline = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{timeline}");
    assert!(timeline.contains("re-delivery of #1"), "{timeline}");
    assert!(
        timeline.contains("the endpoint crashed (answered 500)"),
        "{timeline}"
    );
    assert!(
        timeline.contains("> sqlite3.IntegrityError: UNIQUE constraint failed"),
        "{timeline}"
    );
    assert!(timeline.contains("--seed 3 repeats this run"), "{timeline}");
    let notes = db.lock().unwrap().notes.clone();
    assert_eq!(notes.len(), 2, "the re-delivered note made a second row");
    assert_eq!(notes[0], notes[1]);

    // Shuffled, as a sender that retries and runs in parallel delivers: events about the
    // contact arrive before it exists, or after it is deleted.
    let (server, _) = naive_receiver();
    let (code, report) = story_json(&[
        "contact-lifecycle",
        "--url",
        &server.url("/"),
        "--shuffle",
        "--seed",
        "2",
    ]);
    assert_eq!(code, 1);
    let steps = report["steps"].as_array().unwrap();
    let (mut exists, mut failures) = (false, 0);
    for delivery in report["deliveries"].as_array().unwrap() {
        let event = steps[delivery["step"].as_u64().unwrap() as usize - 1]["event"]
            .as_str()
            .unwrap();
        let expected = match event {
            "connection.created" => !std::mem::replace(&mut exists, true),
            "connection.deleted" => std::mem::replace(&mut exists, false),
            _ => exists,
        };
        assert_eq!(delivery["ok"], expected, "{delivery}");
        if !expected {
            failures += 1;
            assert_eq!(delivery["explanation"]["kind"], "crashed");
            assert!(
                delivery["explanation"]["excerpt"]
                    .as_str()
                    .unwrap()
                    .contains("KeyError")
            );
        }
    }
    assert!(
        failures > 0,
        "seed 2 delivers something about the contact out of order"
    );
    assert_eq!(report["counts"]["failed"], failures);
}

#[test]
fn the_readme_story_file_is_a_valid_story() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/stories.md"))
            .unwrap();
    let start = readme
        .find("```toml\nname = \"vip-onboarding\"")
        .expect("docs/stories.md shows a story file");
    let text = &readme[start + "```toml\n".len()..];
    let text = &text[..text.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vip.toml");
    std::fs::write(&file, text).unwrap();
    let output = cmd()
        .args(["story", "show", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = json_output("story-show", &output.stdout);
    assert_eq!(shown["name"], "vip-onboarding");
    assert_eq!(shown["steps"][1]["after_millis"], 2000.0);
}
