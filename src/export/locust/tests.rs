//! The locustfile as text: every placeholder filled, the header, the tables, the bodies.

use super::*;
use crate::events::find;
use crate::export::bodies::{event_body, story_bodies};
use crate::story::{self, StorySource};

fn common() -> Common {
    Common {
        version: "9.9.9".into(),
        command: "titancard-wh send card.viewed --export locust".into(),
        file: "load.py".into(),
        timeout: Duration::from_secs(30),
        timeout_origin: "30s: the reference's deadline".into(),
        extra_headers: vec![("X-Trace".into(), "abc".into())],
    }
}

fn send() -> String {
    let events: Vec<Weighted> = [("connection.created", 3), ("card.viewed", 1)]
        .iter()
        .map(|(name, weight)| Weighted {
            body: event_body(find(name).unwrap(), &[], &[], true).unwrap(),
            weight: *weight,
        })
        .collect();
    send_file(&common(), &events)
}

fn story_text(shuffle: bool, duplicates: usize) -> String {
    let story = story::load(&"contact-lifecycle".parse::<StorySource>().unwrap()).unwrap();
    let export = StoryExport {
        name: story.name.clone(),
        description: story.description.clone(),
        bodies: story_bodies(&story).unwrap(),
        shuffle,
        duplicates_fraction: 0.3,
        duplicates,
    };
    story_file(&common(), &export)
}

#[test]
fn every_placeholder_is_filled() {
    for text in [send(), story_text(false, 0)] {
        assert!(
            !text.contains("{{"),
            "{}",
            &text[text.find("{{").unwrap()..][..40]
        );
    }
}

#[test]
fn the_header_names_the_version_the_command_and_how_to_run() {
    let text = send();
    assert!(
        text.starts_with("\"\"\"Locust load test of TitanCard webhooks: 2 events"),
        "{}",
        &text[..80]
    );
    assert!(text.contains(
        "Written by titancard-wh 9.9.9:\n    titancard-wh send card.viewed --export locust\n"
    ));
    assert!(text.contains("locust -f load.py"));
    assert!(text.contains("--host is the webhook's whole URL"));
    assert!(text.contains("connection.created (weight 3), card.viewed (weight 1)"));
}

#[test]
fn each_event_is_a_weighted_task_with_its_fresh_ids() {
    let text = send();
    assert!(text.contains("    @task(3)\n    def connection_created(self):\n        self.deliver(CONNECTION_CREATED)\n"));
    assert!(text.contains("    @task(1)\n    def card_viewed(self):\n"));
    assert!(text.contains("CONNECTION_CREATED = Delivery(\n    \"connection.created\",\n    times=(0,),\n    ids={\"contact\": CONTACT},\n"));
    assert!(text.contains("ids={\"card\": CARD}"));
    assert!(text.contains("CONTACT = (\"j57\", 12)\nCARD = (\"k57\", 12)\n"));
    assert!(!text.contains("REMINDER = "), "only the shapes used");
    assert!(text.contains(
        r#"b'{"event":"connection.created","timestamp":%(now)d,"data":{"id":"%(contact)s","#
    ));
    assert!(text.contains("network_timeout = 30.0\n"));
    assert!(text.contains("# The deadline of an answer (30s: the reference's deadline).\n"));
}

#[test]
fn headers_are_the_references_four_then_the_users() {
    let text = send();
    assert!(text.contains(
        "        \"Content-Type\": \"application/json\",\n        \"X-Webhook-Signature\": SIGNED,\n        \"X-Webhook-Event\": event,\n        \"User-Agent\": \"TitanCard-Webhooks/1.0\",\n        \"X-Trace\": \"abc\",\n"
    ), "{text}");
    assert!(text.contains("SCHEME = \"sha256=\"\n"));
}

#[test]
fn the_answer_tables_come_from_the_explainer() {
    let text = send();
    let expected = crate::wire::explain::of_status(401, None, None).unwrap();
    let words = expected.message.replace("401", "{status}");
    let entry = format!(
        "    (\n        401,\n        401,\n        \"signature_rejected\",\n        {},\n    ),",
        wrapped_str_literal(&words, 8)
    );
    assert!(text.contains(&entry), "{text}");
    assert!(text.contains("    (\n        500,\n        599,\n        \"crashed\",\n"));
    assert!(text.contains("    \"refused\": (\n        \"unreachable\",\n        \"is the server running, and is the URL right?\",\n    ),"));
}

#[test]
fn a_story_lists_its_steps_its_walk_ids_and_the_plan_options() {
    let text = story_text(true, 3);
    assert!(text.contains("class ContactLifecycle(WebhookSender):"));
    assert!(text.contains("STORY = \"contact-lifecycle\"\n"));
    assert!(text.contains("WALK_IDS = {\n    \"contact\": CONTACT,\n    \"note\": NOTE,\n    \"reminder\": REMINDER,\n}"));
    assert!(text.contains("SHUFFLE = True\n") && text.contains("DUPLICATES = 3\n"));
    assert!(text.contains("--duplicates 0.3"));
    assert!(text.contains(
        "    (\n        1,\n        0.0,\n        Delivery(\n            \"connection.created\",\n"
    ));
    assert!(text.contains(
        "    (\n        9,\n        0.0,\n        Delivery(\n            \"connection.deleted\",\n"
    ));
    assert!(text.contains("--stop-timeout 5s"));
    assert!(text.contains("contact-lifecycle: one contact: created, tagged"));
    let text = story_text(false, 0);
    assert!(text.contains("SHUFFLE = False\n") && text.contains("DUPLICATES = 0\n"));
}

#[test]
fn no_line_is_wider_than_a_hundred_columns_but_the_command() {
    for text in [send(), story_text(true, 2)] {
        for line in text
            .lines()
            .filter(|line| !line.trim_start().starts_with("titancard-wh "))
        {
            assert!(line.chars().count() <= 100, "{line}");
        }
    }
}
