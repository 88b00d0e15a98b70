//! The exported locustfiles run by Locust itself (installed by scripts/test into the peers'
//! virtualenv, its version pinned there): a master and two workers, headless, for a few seconds,
//! against the project's own `listen --save`. What Locust counted must be what listen saved, every
//! record accepted (signature and schema), no duplicate, every weighted event there, each story
//! contact's records in story order; a wrong secret reads as the explainer's kind.

use std::collections::{HashMap, HashSet};
use std::process::Stdio;

use serde_json::Value;
use titancard_wh::internals::RequestRecord;

use crate::common::cmd;
use crate::listen_support::{Listen, saved};
use crate::locust_support::{
    SECRET, alone, checked_payloads, contact_of, distributed, export, finish, locust, setting,
    shaped_like,
};

#[test]
fn a_master_and_two_workers_deliver_what_listen_saves_signed_valid_and_never_twice() {
    let _alone = alone();
    let (dir, file, saves, listen) = setting(
        "send.py",
        &[
            "send",
            "connection.created",
            "card.viewed",
            "reminder.created",
            "--weight",
            "connection.created=4",
        ],
    );
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let stats = distributed(dir.path(), &file, &listen.url, 8, 3);
    let records = saved(&saves);
    assert_eq!(stats.failures(), 0, "{:?}", stats.by_name);
    assert_eq!(
        stats.requests(),
        records.len() as u64,
        "Locust counted what listen saved"
    );
    assert!(records.len() > 100, "only {} deliveries", records.len());

    let payloads = checked_payloads(&records);
    let mut per_event: HashMap<&str, u64> = HashMap::new();
    let mut keys = HashSet::new();
    for payload in &payloads {
        let event = payload["event"].as_str().unwrap();
        *per_event.entry(event).or_default() += 1;
        let timestamp = payload["timestamp"].as_u64().unwrap();
        assert!(
            timestamp >= started && timestamp < started + 120_000,
            "{payload}"
        );
        let data = &payload["data"];
        let (id, sample) = match event {
            "card.viewed" => (&data["card_id"], "k57abc123def"),
            "reminder.created" => {
                assert!(shaped_like(
                    data["connection_id"].as_str().unwrap(),
                    "j57xyz789ghi"
                ));
                (&data["id"], "r89reminder123")
            }
            _ => (&data["id"], "j57xyz789ghi"),
        };
        let id = id.as_str().unwrap();
        assert!(shaped_like(id, sample), "{id}");
        assert!(
            keys.insert((event, timestamp, id.to_string())),
            "a duplicate: {payload}"
        );
    }
    assert_eq!(per_event.len(), 3, "{per_event:?}");
    // Weights 4:1:1 over hundreds of deliveries.
    let created = per_event["connection.created"];
    assert!(created > 2 * per_event["card.viewed"], "{per_event:?}");
    assert!(created > 2 * per_event["reminder.created"], "{per_event:?}");
    for (name, (requests, _)) in &stats.by_name {
        assert_eq!(*requests, per_event[name.as_str()], "{name}");
    }
}

#[test]
fn each_story_user_walks_its_own_contact_in_story_order_across_two_workers() {
    let _alone = alone();
    let (dir, file, saves, listen) = setting("story.py", &["story", "contact-lifecycle"]);
    let steps: Vec<String> = {
        let output = cmd()
            .args(["story", "show", "contact-lifecycle", "--format", "json"])
            .output()
            .unwrap();
        let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
        shown["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|step| step["event"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(steps.len(), 9);
    let stats = distributed(dir.path(), &file, &listen.url, 6, 3);
    let records = saved(&saves);
    assert_eq!(stats.failures(), 0, "{:?}", stats.by_name);
    assert_eq!(stats.requests(), records.len() as u64);
    let payloads = checked_payloads(&records);

    let mut walks: HashMap<String, Vec<&Value>> = HashMap::new();
    for payload in &payloads {
        walks.entry(contact_of(payload)).or_default().push(payload);
    }
    assert!(walks.len() > 6, "{} contacts", walks.len());
    assert_eq!(records.len(), walks.len() * steps.len(), "every walk ended");
    for (contact, walk) in &walks {
        assert!(shaped_like(contact, "j57xyz789ghi"), "{contact}");
        let events: Vec<&str> = walk.iter().map(|p| p["event"].as_str().unwrap()).collect();
        assert_eq!(events, steps, "contact {contact}");
        let times: Vec<u64> = walk
            .iter()
            .map(|p| p["timestamp"].as_u64().unwrap())
            .collect();
        assert!(
            times.windows(2).all(|pair| pair[0] < pair[1]),
            "{contact}: {times:?}"
        );
        // The reminder that falls due is the one created, due when it was scheduled.
        let (created, due) = (walk[3], walk[4]);
        assert_eq!(created["data"]["id"], due["data"]["id"]);
        assert_eq!(
            created["data"]["scheduled_for"],
            due["data"]["scheduled_for"]
        );
        assert_eq!(due["timestamp"], due["data"]["scheduled_for"]);
        assert_eq!(walk[0]["data"]["email"], walk[8]["data"]["email"]);
    }
    // Locust's table names each step in story order.
    let names: Vec<&String> = stats.by_name.keys().collect();
    assert_eq!(names[0], "01 connection.created");
    assert_eq!(names[8], "09 connection.deleted");
}

#[test]
fn re_deliveries_repeat_the_same_bytes_and_listen_marks_them_duplicates() {
    let _alone = alone();
    let (_dir, file, saves, listen) = setting(
        "dups.py",
        &[
            "story",
            "contact-lifecycle",
            "--shuffle",
            "--duplicates",
            "0.3",
        ],
    );
    let output = finish(
        locust(&file, Some(SECRET))
            .args([
                "--headless",
                "-u",
                "2",
                "-r",
                "10",
                "-t",
                "2s",
                "--stop-timeout",
                "20",
            ])
            .args(["--host", &listen.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        "Locust",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = saved(&saves);
    let mut walks: HashMap<String, Vec<&RequestRecord>> = HashMap::new();
    for record in &records {
        let payload: Value = serde_json::from_slice(&record.body_bytes().unwrap()).unwrap();
        walks.entry(contact_of(&payload)).or_default().push(record);
    }
    assert!(!walks.is_empty());
    let mut shuffled = false;
    for walk in walks.values() {
        assert_eq!(walk.len(), 9 + 3, "9 steps and 3 re-deliveries");
        let verdicts: Vec<&str> = walk.iter().map(|r| r.verdict.as_deref().unwrap()).collect();
        assert_eq!(
            verdicts.iter().filter(|v| **v == "duplicate").count(),
            3,
            "{verdicts:?}"
        );
        assert_eq!(
            verdicts.iter().filter(|v| **v == "accepted").count(),
            9,
            "{verdicts:?}"
        );
        let firsts: Vec<&str> = walk
            .iter()
            .filter(|r| r.verdict.as_deref() == Some("accepted"))
            .map(|r| r.headers.get("x-webhook-event").unwrap())
            .collect();
        shuffled |= firsts[0] != "connection.created" || firsts[8] != "connection.deleted";
        for again in walk
            .iter()
            .filter(|r| r.verdict.as_deref() == Some("duplicate"))
        {
            let first = walk
                .iter()
                .find(|r| r.verdict.as_deref() == Some("accepted") && r.body == again.body)
                .expect("a re-delivery repeats a first delivery's bytes");
            assert_eq!(
                first.headers.get("x-webhook-signature"),
                again.headers.get("x-webhook-signature")
            );
        }
    }
    assert!(shuffled || walks.len() < 3, "no walk was shuffled");
}

#[test]
fn a_wrong_secret_reads_as_signature_rejected_and_a_missing_one_stops_locust_at_once() {
    let _alone = alone();
    let dir = tempfile::tempdir().unwrap();
    let file = export(dir.path(), "wrong.py", &["send", "note.added"]);
    let listen = Listen::start(&["--secret", SECRET]);
    let output = finish(
        locust(&file, Some("whsec_not_the_receivers"))
            .args([
                "--headless",
                "-u",
                "1",
                "-r",
                "10",
                "-t",
                "2s",
                "--host",
                &listen.url,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        "Locust",
    );
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "Locust's exit code when requests failed: {report}"
    );
    assert!(
        report.contains(
            "POST note.added: signature_rejected: the endpoint rejected the signature (401): does it use the same secret"
        ),
        "{report}"
    );

    let output = finish(
        locust(&file, None)
            .args(["--headless", "-u", "1", "-t", "1s", "--host", &listen.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        "Locust",
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: no secret: set TITANCARD_WEBHOOK_SECRET"),
        "{stderr}"
    );
}
