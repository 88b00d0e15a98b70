//! `listen --ui` as a user and a script use it: the real binary on port 0, its JSON API and event
//! stream read with a real client and checked against their published schemas, its security
//! checks, its `--save` history across a restart, and the page itself in headless Chromium.

use std::path::Path;

use crate::common::{Reply, TestServer, assert_schema, cmd};
use crate::inspector_support::{
    Browser, CANARY, Ui, layout_records, picture_records, three_deliveries, verdicts, with_json,
};
use crate::listen_support::{Listen, deliver, unique_body};
use reqwest::Method;
use serde_json::{Value, json};

#[test]
fn the_api_lists_deliveries_with_their_verdicts_and_replays_them() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let ui = Ui::start(&["--save", save.to_str().unwrap()]);
    let body = three_deliveries(&ui);
    let list = ui.wait_for_events(3);
    assert_schema("inspector-events", &list);
    let expected = [(3, "duplicate"), (2, "invalid_signature"), (1, "accepted")];
    let expected: Vec<(u64, String)> = expected.iter().map(|(i, v)| (*i, v.to_string())).collect();
    assert_eq!(verdicts(&list), expected);
    let events = list["events"].as_array().unwrap();
    assert_eq!(
        events[2]["signature"],
        json!({"ok": true, "secret": 1, "problem": null})
    );
    assert_eq!(events[2]["schema"], json!({"ok": true, "errors": []}));
    assert_eq!(
        events[2]["body"].as_str().unwrap().as_bytes(),
        body.as_slice()
    );
    assert_eq!(events[2]["fields"]["full_name"], "Jane Doe");
    assert_eq!(events[1]["signature"]["ok"], false);
    assert_eq!(events[1]["schema"], Value::Null);
    assert_eq!(events[1]["event"], "connection.created");
    assert_eq!(events[0]["accepted"], true);
    assert_eq!(
        list["counts"],
        json!({"events": 3, "kept": 3, "older": 0, "lost": 0})
    );

    let bad = ui.get("/api/events/2").json();
    assert_schema("inspector-event", &bad);
    assert_eq!(bad["diagnosis"]["explained"], false);
    assert!(
        bad["curl"]
            .as_str()
            .unwrap()
            .contains("x-webhook-signature: sha256=")
    );
    assert_eq!(ui.get("/api/events?limit=1").json()["events"][0]["id"], 3);

    // Replay exact: this receiver has seen it, so it is a duplicate; re-send fresh: a new event.
    let exact = ui.change(
        Method::POST,
        "/api/events/1/replay",
        Some(json!({"mode": "exact"})),
    );
    assert_eq!(exact.status, 200, "{}", exact.text);
    let exact = exact.json();
    assert_schema("inspector-replay", &exact);
    assert_eq!(exact["status"], 200);
    assert_eq!(
        exact["response"]["body"],
        "{\"received\":true,\"duplicate\":true}"
    );
    assert_eq!(
        verdicts(&ui.wait_for_events(4))[0],
        (4, "duplicate".to_string())
    );
    let fresh = ui.change(
        Method::POST,
        "/api/events/1/replay",
        Some(json!({"mode": "fresh", "url": null})),
    );
    assert_eq!(fresh.json()["response"]["body"], "{\"received\":true}");
    assert_eq!(
        verdicts(&ui.wait_for_events(5))[0],
        (5, "accepted".to_string())
    );

    let refused = ui.change(
        Method::POST,
        "/api/events/1/replay",
        Some(json!({"mode": "exact", "url": "ftp://x"})),
    );
    assert_eq!(refused.status, 400);
    assert_schema("inspector-error", &refused.json());
    let unknown = ui.change(
        Method::POST,
        "/api/events/99/replay",
        Some(json!({"mode": "exact"})),
    );
    assert_eq!(
        (unknown.status, unknown.json()["error"]["kind"].clone()),
        (404, json!("not_found"))
    );

    // Downloads are files verify and replay read, with the exact bytes.
    for (kind, name) in [("http", "one.http"), ("jsonl", "one.jsonl")] {
        let download = ui.get(&format!("/api/events/1/download?as={kind}"));
        assert_eq!(download.status, 200);
        assert!(
            download.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let file = dir.path().join(name);
        std::fs::write(&file, &download.text).unwrap();
        cmd()
            .args(["verify", file.to_str().unwrap(), "--secret", CANARY])
            .assert()
            .code(0);
        cmd()
            .args(["replay", file.to_str().unwrap(), "--url", &ui.listen.url])
            .assert()
            .code(0);
    }

    let cleared = ui.change(Method::DELETE, "/api/events", None).json();
    assert_schema("inspector-clear", &cleared);
    assert_eq!(cleared["counts"]["cleared"], 7);
    assert_eq!(ui.get("/api/events").json()["events"], json!([]));
    // The --save file is never touched by the inspector.
    assert_eq!(crate::listen_support::saved(&save).len(), 7);
}

// The record of a rejected delivery carried "ok": false, as an API error does, so a script
// could not tell the two apart by `.ok`.
#[test]
fn ok_is_the_api_requests_and_a_deliverys_verdict_has_its_own_field() {
    let ui = Ui::start(&[]);
    three_deliveries(&ui);
    let list = ui.wait_for_events(3);
    assert_eq!(list["ok"], true);
    let events = list["events"].as_array().unwrap();
    let accepted: Vec<(u64, bool)> = events
        .iter()
        .map(|e| (e["id"].as_u64().unwrap(), e["accepted"].as_bool().unwrap()))
        .collect();
    assert_eq!(accepted, [(3, true), (2, false), (1, true)]);
    assert!(events.iter().all(|e| e.get("ok").is_none()), "{list}");

    let rejected = ui.get("/api/events/2");
    assert_eq!(rejected.status, 200);
    let rejected = rejected.json();
    assert_schema("inspector-event", &rejected);
    assert_eq!(
        (&rejected["ok"], &rejected["accepted"]),
        (&json!(true), &json!(false))
    );
    let missing = ui.get("/api/events/99");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["ok"], false);

    // A replay the target refuses was still made: the API request is ok, the delivery not.
    let refused = ui.change(
        Method::POST,
        "/api/events/2/replay",
        Some(json!({"mode": "exact"})),
    );
    assert_eq!(refused.status, 200, "{}", refused.text);
    let refused = refused.json();
    assert_schema("inspector-replay", &refused);
    assert_eq!(refused["status"], 401);
    assert_eq!(
        (&refused["ok"], &refused["delivered"]),
        (&json!(true), &json!(false))
    );
    let delivered = ui
        .change(
            Method::POST,
            "/api/events/1/replay",
            Some(json!({"mode": "fresh"})),
        )
        .json();
    assert_eq!(
        (&delivered["ok"], &delivered["delivered"]),
        (&json!(true), &json!(true))
    );
    let not_made = ui.change(
        Method::POST,
        "/api/events/1/replay",
        Some(json!({"mode": "exact", "url": "ftp://x"})),
    );
    assert_eq!(
        (not_made.status, not_made.json()["ok"].clone()),
        (400, json!(false))
    );
}

// The list showed only badges; why a delivery failed took a click.
#[test]
fn each_failed_delivery_carries_its_reason_in_short() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    std::fs::write(&save, picture_records()).unwrap();
    let ui = Ui::start(&["--save", save.to_str().unwrap()]);
    let list = ui.wait_for_events(4);
    assert_schema("inspector-events", &list);
    let reasons: Vec<Value> = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["reason"].clone())
        .collect();
    assert_eq!(reasons[1], Value::Null, "a duplicate has none");
    assert_eq!(reasons[3], Value::Null, "an accepted delivery has none");
    assert_eq!(
        reasons[2],
        "the body gained a trailing newline between signing and verifying"
    );
    let schema = reasons[0].as_str().unwrap();
    assert!(schema.contains("total_views"), "{schema}");
    assert_eq!(ui.get("/api/events/2").json()["reason"], reasons[2]);

    // Live: a signature nothing explains, and an app that crashes behind --forward-to.
    let app = TestServer::start(|_, _| Reply::status(500).with_body("TypeError: x is undefined"));
    let ui = Ui::start(&["--forward-to", &app.url("/hook")]);
    let body = unique_body(1_767_000_000_000);
    let addr = ui.listen.addr;
    assert_eq!(deliver(addr, "connection.created", &body, CANARY).0, 500);
    assert_eq!(
        deliver(addr, "connection.created", &body, "whsec_other").0,
        401
    );
    let list = ui.wait_for_events(2);
    assert_schema("inspector-events", &list);
    let events = list["events"].as_array().unwrap();
    assert_eq!(events[0]["verdict"], "invalid_signature");
    let unexplained = events[0]["reason"].as_str().unwrap();
    assert!(
        unexplained.starts_with("the signature does not match"),
        "{unexplained}"
    );
    assert_eq!(events[1]["verdict"], "forward_failed");
    assert_eq!(events[1]["reason"], "the app: the endpoint crashed");
    let stream = ui.stream(None, 2);
    let delivered: Vec<&Value> = stream
        .iter()
        .filter(|(event, _, _)| event == "delivery")
        .map(|(_, _, data)| data)
        .collect();
    assert_eq!(delivered.len(), 2);
    for data in delivered {
        assert_schema("inspector-stream", data);
    }
}

#[test]
fn foreign_hosts_origins_and_tokens_are_refused_and_the_secret_is_nowhere() {
    let ui = Ui::start(&[]);
    three_deliveries(&ui);
    ui.wait_for_events(3);
    let rebinding = ui.send(
        ui.request(Method::GET, "/api/events")
            .header("Host", "evil.example:8788"),
    );
    assert_eq!(rebinding.status, 403);
    assert_schema("inspector-error", &rebinding.json());
    assert_eq!(rebinding.json()["error"]["kind"], "host_not_allowed");
    let page = ui.send(
        ui.request(Method::GET, "/")
            .header("Host", "attacker.localhost.evil:80"),
    );
    assert_eq!(page.status, 403);

    let replay = json!({"mode": "exact"});
    let no_token = ui.send(with_json(
        ui.request(Method::POST, "/api/events/1/replay")
            .header("Origin", &ui.base),
        &replay,
    ));
    let foreign = ui.send(with_json(
        ui.request(Method::POST, "/api/events/1/replay")
            .header("Origin", "http://evil.example")
            .header("X-Inspector-Token", &ui.token),
        &replay,
    ));
    let no_origin = ui.send(
        ui.request(Method::DELETE, "/api/events")
            .header("X-Inspector-Token", &ui.token),
    );
    for (answer, kind) in [
        (no_token, "token_invalid"),
        (foreign, "origin_not_allowed"),
        (no_origin, "origin_not_allowed"),
    ] {
        assert_eq!(answer.status, 403, "{}", answer.text);
        assert_eq!(answer.json()["error"]["kind"], kind);
    }
    assert_eq!(
        ui.get("/api/events").json()["events"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "nothing replayed or cleared"
    );

    let index = ui.get("/");
    let policy = index.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"));
    let mut everything = vec![index.text];
    for path in [
        "/inspector.js",
        "/detail.js",
        "/inspector.css",
        "/api/events",
    ] {
        everything.push(ui.get(path).text);
    }
    for id in 1..=3 {
        everything.push(ui.get(&format!("/api/events/{id}")).text);
        everything.push(ui.get(&format!("/api/events/{id}/download?as=http")).text);
        everything.push(ui.get(&format!("/api/events/{id}/download?as=jsonl")).text);
    }
    let stream = ui.stream(None, 3);
    everything
        .push(serde_json::to_string(&stream.iter().map(|m| &m.2).collect::<Vec<_>>()).unwrap());
    for text in &everything {
        assert!(!text.contains(CANARY), "the secret leaked: {text}");
        assert!(
            !text.contains(&CANARY[6..]),
            "part of the secret leaked: {text}"
        );
    }
}

#[test]
fn save_history_survives_a_restart_and_the_stream_catches_up_from_last_event_id() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    let args = ["--save", save.to_str().unwrap()];
    let first = Ui::start(&args);
    three_deliveries(&first);
    let before = first.wait_for_events(3);
    let (code, _, _) = first.listen.stop("-TERM");
    assert_eq!(code, Some(0));

    let ui = Ui::start(&args);
    let after = ui.get("/api/events").json();
    assert_schema("inspector-events", &after);
    assert_eq!(verdicts(&after), verdicts(&before));
    assert_ne!(after["run"], before["run"], "each run has its own id");
    let restored = &after["events"][1];
    assert_eq!(restored["restored"], true);
    assert_eq!(restored["detail"], before["events"][1]["detail"]);
    assert_eq!(restored["signature"], before["events"][1]["signature"]);
    assert_eq!(after["events"][0]["signature"]["secret"], 1);

    let body = unique_body(1_767_000_000_002);
    assert_eq!(
        deliver(ui.listen.addr, "connection.created", &body, CANARY).0,
        200
    );
    ui.wait_for_events(4);
    let messages = ui.stream(Some("2"), 2);
    assert_eq!(messages[0].0, "hello");
    for (_, _, data) in &messages {
        assert_schema("inspector-stream", data);
    }
    let deliveries: Vec<(Option<String>, Value)> = messages
        .iter()
        .filter(|m| m.0 == "delivery")
        .map(|m| (m.1.clone(), m.2["verdict"].clone()))
        .collect();
    assert_eq!(
        deliveries,
        [
            (Some("3".into()), json!("duplicate")),
            (Some("4".into()), json!("accepted"))
        ]
    );
    let everything = ui.stream(None, 4);
    assert_eq!(everything.iter().filter(|m| m.0 == "delivery").count(), 4);
    let bad = ui.send(
        ui.request(Method::GET, "/api/stream")
            .header("Last-Event-ID", "x"),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn the_inspector_line_follows_the_listening_line_and_stays_on_loopback() {
    let listen = Listen::start(&[
        "--ui",
        "--ui-port",
        "0",
        "--secret",
        CANARY,
        "--format",
        "json",
    ]);
    assert!(listen.wait_for_line("\"inspector\""));
    let (_, lines, _) = listen.stop("-INT");
    let line = crate::common::json_output("listen", lines[0].as_bytes());
    assert_eq!(line["type"], "inspector");
    assert_eq!(line["ok"], true);
    assert!(
        line["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );

    let exposed = cmd()
        .args(["listen", "--host", "0.0.0.0", "--ui", "--secret", CANARY])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&exposed.get_output().stderr).into_owned();
    assert!(stderr.contains("--ui-host"), "{stderr}");
    cmd()
        .args(["listen", "--ui-port", "0", "--secret", CANARY])
        .assert()
        .code(2);
}

#[test]
fn the_page_in_chromium_shows_deliveries_live_replays_and_filters() {
    let ui = Ui::start(&[]);
    let mut page = Browser::open(&ui.url);
    let body = three_deliveries(&ui);
    let rows = page.ask(json!({"do": "wait_rows", "count": 3}))["rows"].clone();
    let seen: Vec<(u64, String, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_u64().unwrap(),
                r["verdict"].as_str().unwrap().into(),
                r["badges"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                3,
                "duplicate".into(),
                json!(["signature ✓ #1", "schema ✓", "duplicate"])
            ),
            (2, "invalid_signature".into(), json!(["signature ✗"])),
            (1, "accepted".into(), json!(["signature ✓ #1", "schema ✓"])),
        ]
    );
    let detail = page.ask(json!({"do": "click_row", "id": 2}))["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("the secret differs or the body was changed"),
        "{detail}"
    );
    page.ask(json!({"do": "click_row", "id": 1}));
    page.ask(json!({"do": "click", "selector": "#detail button.replay"}));
    let rows = page.ask(json!({"do": "wait_rows", "count": 4}))["rows"].clone();
    assert_eq!(
        (rows[0]["id"].clone(), rows[0]["verdict"].clone()),
        (json!(4), json!("duplicate"))
    );
    let result = page.ask(json!({"do": "wait_for", "selector": "#detail .result.ok"}));
    assert!(
        result["text"].as_str().unwrap().contains("answered 200"),
        "{result}"
    );

    for (filter, visible) in [
        ("invalid_signature", json!([2])),
        ("duplicate", json!([4, 3])),
        ("401", json!([2])),
        ("data.email:jane@example.com 2xx", json!([4, 3, 1])),
        ("", json!([4, 3, 2, 1])),
    ] {
        assert_eq!(
            page.ask(json!({"do": "filter", "text": filter}))["visible"],
            visible,
            "{filter}"
        );
    }
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("Jane Doe"));
    let problems = page.ask(
        json!({"do": "eval", "js": "document.querySelectorAll('#rows img, #rows script').length"}),
    );
    assert_eq!(problems["value"], 0);
    assert_eq!(
        problems["problems"],
        json!([]),
        "no script error on the page"
    );
    drop(page);

    // The README's picture: the same page over a saved history, the bad signature's diagnosis open.
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    std::fs::write(&save, picture_records()).unwrap();
    let ui = Ui::start(&["--save", save.to_str().unwrap()]);
    let mut page = Browser::open(&ui.url);
    page.ask(json!({"do": "wait_rows", "count": 4}));
    let detail = page.ask(json!({"do": "click_row", "id": 2}))["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("the body gained a trailing newline"),
        "{detail}"
    );
    // Written under target/ so that a test run leaves the checkout as it was;
    // TITANCARD_WRITE_DOCS=1 writes the README's copy in docs/.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let picture = if std::env::var_os("TITANCARD_WRITE_DOCS").is_some() {
        root.join("docs/inspector.png")
    } else {
        std::fs::create_dir_all(root.join("target/screenshots")).unwrap();
        root.join("target/screenshots/inspector.png")
    };
    let texts = json!({
        "#receiver": "http://127.0.0.1:8787/webhook",
        "#save-file": "events.jsonl",
        "#detail .actions option:first-child": "this receiver",
    });
    page.ask(json!({"do": "screenshot", "path": picture, "texts": texts}));
    assert!(std::fs::metadata(&picture).unwrap().len() > 10_000);
}

// The list showed only badges, the reason a click away; with the detail pane open at 1,400 px
// names were cut ("Jane Doe · jane@exam…").
#[test]
fn a_failed_row_says_why_and_the_list_fits_beside_the_detail_pane() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("events.jsonl");
    std::fs::write(&save, layout_records()).unwrap();
    let ui = Ui::start(&["--save", save.to_str().unwrap()]);
    let mut page = Browser::open(&ui.url);
    let rows = page.ask(json!({"do": "wait_rows", "count": 6}))["rows"].clone();
    let reasons: Vec<(u64, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["id"].as_u64().unwrap(), row["reason"].clone()))
        .collect();
    let list = ui.get("/api/events").json();
    let expected: Vec<(u64, Value)> = list["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| (event["id"].as_u64().unwrap(), event["reason"].clone()))
        .collect();
    assert_eq!(reasons, expected, "each row shows the reason the API gives");
    assert_eq!(
        reasons[4].1,
        "the body gained a trailing newline between signing and verifying"
    );
    assert!(
        reasons
            .iter()
            .filter(|(_, reason)| reason.is_null())
            .count()
            == 2
    );

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/inspector-layout");
    std::fs::create_dir_all(&shots).unwrap();
    for (width, height) in [(1400, 900), (1024, 768)] {
        page.ask(json!({"do": "viewport", "width": width, "height": height}));
        for id in [5, 2] {
            page.ask(json!({"do": "click_row", "id": id}));
            let layout = page.ask(json!({"do": "layout"}));
            assert_eq!(
                layout["scrollbars"],
                json!([]),
                "{width}x{height}, #{id} open"
            );
            assert_eq!(layout["clipped"], json!([]), "{width}x{height}, #{id} open");
        }
        let picture = shots.join(format!("inspector-{width}x{height}.png"));
        page.ask(json!({"do": "screenshot", "path": picture, "texts": {"#receiver": "http://127.0.0.1:8787/webhook", "#save-file": "events.jsonl"}}));
        assert!(std::fs::metadata(&picture).unwrap().len() > 10_000);
    }
    let problems = page.ask(json!({"do": "rows"}))["problems"].clone();
    assert_eq!(problems, json!([]), "no script error on the page");
}
