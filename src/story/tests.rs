//! Stories end to end without a network: the built-in ones compose into valid, linked payloads,
//! and a story file's mistakes are errors that name the line, the step and the closest name.

use serde_json::Value;

use super::*;
use crate::events::CATALOGUE;
use crate::payload;

const START: u64 = 1_705_420_800_000;

fn builtin(name: &str) -> Story {
    load(&name.parse::<StorySource>().unwrap()).unwrap()
}

fn parse(text: &str) -> Result<Story, StoryError> {
    let source = Source {
        name: "s.toml".into(),
        text: text.into(),
    };
    file::parse(source, "s")
}

fn composed(text: &str) -> Vec<Composed> {
    compose(&parse(text).unwrap(), Seed(1), START).unwrap()
}

fn error(text: &str) -> String {
    match parse(text) {
        Err(err) => err.to_string(),
        Ok(story) => compose(&story, Seed(1), START).unwrap_err().to_string(),
    }
}

fn data<'a>(step: &'a Composed, field: &str) -> &'a Value {
    &step.value["data"][field]
}

#[test]
fn every_builtin_composes_into_valid_payloads_with_rising_timestamps() {
    for listed in &BUILTINS {
        let story = builtin(listed.name);
        assert_eq!(story.name, listed.name);
        let steps = compose(&story, Seed(3), START).unwrap();
        assert_eq!(steps.len(), story.steps.len());
        for pair in steps.windows(2) {
            assert!(pair[0].timestamp < pair[1].timestamp, "{}", listed.name);
        }
        for step in &steps {
            assert_eq!(payload::violations(&step.value), None, "{}", listed.name);
            assert_eq!(step.value["timestamp"], step.timestamp);
            assert_eq!(step.body, payload::to_bytes(&step.value));
        }
    }
}

#[test]
fn the_builtins_are_the_issue_s_chains() {
    let events =
        |name: &str| -> Vec<&str> { builtin(name).steps.iter().map(|s| s.event.name).collect() };
    assert_eq!(
        events("contact-lifecycle"),
        [
            "connection.created",
            "connection.tagged",
            "note.added",
            "reminder.created",
            "reminder.due",
            "connection.status_changed",
            "connection.updated",
            "enrichment.completed",
            "connection.deleted"
        ]
    );
    let card = events("card-lifecycle");
    assert_eq!(card[..3], ["card.created", "card.updated", "card.shared"]);
    assert!(card[3..card.len() - 1].iter().all(|e| *e == "card.viewed") && card.len() >= 6);
    assert_eq!(card.last(), Some(&"card.deleted"));
    let all = events("all-events");
    assert!(CATALOGUE.iter().all(|spec| all.contains(&spec.name)));
}

#[test]
fn the_contact_lifecycle_carries_one_contact_and_one_reminder() {
    let steps = compose(&builtin("contact-lifecycle"), Seed(5), START).unwrap();
    let contact = data(&steps[0], "id").as_str().unwrap().to_string();
    assert!(contact.starts_with("j57") && contact != "j57xyz789ghi");
    for step in &steps {
        assert_eq!(
            step.ids[0],
            (Kind::Contact, contact.clone()),
            "step {}",
            step.step
        );
        let field = if step.event.name.starts_with("connection.") {
            "id"
        } else {
            "connection_id"
        };
        assert_eq!(data(step, field), contact.as_str());
    }
    let (created, due) = (&steps[3], &steps[4]);
    assert_eq!(data(created, "id"), data(due, "id"));
    assert_eq!(data(created, "scheduled_for"), due.timestamp);
    assert_eq!(data(due, "scheduled_for"), due.timestamp);
    assert_eq!(data(&steps[5], "previous_status"), "new");
    assert_eq!(data(&steps[6], "status"), "contacted");
    assert_eq!(
        data(&steps[1], "tags"),
        &serde_json::json!(["vip", "conference", "product"])
    );
    assert_eq!(data(&steps[6], "tags"), data(&steps[1], "tags"));
    // Another seed, another contact; the same seed, the same one.
    let again = compose(&builtin("contact-lifecycle"), Seed(5), START).unwrap();
    assert_eq!(data(&again[0], "id"), contact.as_str());
    let other = compose(&builtin("contact-lifecycle"), Seed(6), START).unwrap();
    assert_ne!(data(&other[0], "id"), contact.as_str());
}

#[test]
fn the_card_lifecycle_counts_views_and_shares() {
    let steps = compose(&builtin("card-lifecycle"), Seed(5), START).unwrap();
    let card = data(&steps[0], "card_id").clone();
    assert!(steps.iter().all(|step| data(step, "card_id") == &card));
    let views: Vec<&Value> = steps[3..6].iter().map(|s| data(s, "total_views")).collect();
    assert_eq!(views, [1, 2, 3]);
    assert_eq!(data(&steps[2], "total_shares"), 1);
    assert_eq!(data(&steps[2], "total_views"), 0);
    assert_eq!(data(&steps[4], "view_source"), "nfc");
}

#[test]
fn a_file_story_links_sets_and_references() {
    let steps = composed(
        r#"
name = "vip-onboarding"
[[steps]]
event = "connection.created"
as = "contact"
set = { "data.full_name" = "Ada Lovelace", data.email = "ada@example.com", "data.tags" = [] }
[[steps]]
event = "connection.tagged"
set = { "data.tags_added" = ["vip"] }
after = "2s"
[[steps]]
event = "reminder.created"
set = { "data.message" = "Call ${contact.data.full_name} (${contact.data.tags})" }
[[steps]]
event = "connection.updated"
set = { "data.tags" = "${contact.data.tags}", "data.phone" = "null" }
"#,
    );
    let id = data(&steps[0], "id").clone();
    assert_eq!(data(&steps[1], "id"), &id);
    assert_eq!(data(&steps[1], "full_name"), "Ada Lovelace");
    assert_eq!(data(&steps[1], "email"), "ada@example.com");
    assert_eq!(data(&steps[1], "tags"), &serde_json::json!(["vip"]));
    assert_eq!(steps[1].timestamp, START + 2000);
    assert_eq!(data(&steps[2], "connection_id"), &id);
    assert_eq!(data(&steps[2], "contact_name"), "Ada Lovelace");
    assert_eq!(data(&steps[2], "contact_email"), "ada@example.com");
    assert_eq!(data(&steps[2], "message"), "Call Ada Lovelace ([])");
    // A whole-string reference keeps the JSON type; "null" is JSON, as in send --set.
    assert_eq!(data(&steps[3], "tags"), &serde_json::json!([]));
    assert_eq!(data(&steps[3], "phone"), &Value::Null);
}

#[test]
fn a_step_pointed_at_another_contact_leaves_the_story_s_contact_alone() {
    let steps = composed(
        r#"
[[steps]]
event = "connection.tagged"
[[steps]]
event = "connection.updated"
set = { "data.id" = "j57other00000", "data.email" = "other@example.com" }
[[steps]]
event = "connection.deleted"
"#,
    );
    // No connection.created: the first step makes the contact.
    let id = data(&steps[0], "id");
    assert!(id.as_str().unwrap().starts_with("j57"));
    assert_eq!(data(&steps[1], "id"), "j57other00000");
    assert_eq!(data(&steps[2], "id"), id);
    assert_eq!(data(&steps[2], "email"), "jane@example.com");
}

#[test]
fn file_errors_name_the_line_the_step_and_the_closest_name() {
    let cases: [(&str, &str); 12] = [
        (
            "[[steps]]\nevent = \"card.viewd\"\n",
            "s.toml:2:9: step 1: unknown event 'card.viewd': did you mean card.viewed?",
        ),
        (
            "[[steps]]\nevent = \"card.updated\"\nset = { \"data.titel\" = \"CTO\" }\n",
            "s.toml:3:9: step 1 (card.updated): data.titel: card.updated has no field 'titel' (did you mean data.title?)",
        ),
        (
            "[[steps]]\nevent = \"card.updated\"\nseet = 1\n",
            "s.toml:3:1: step 1 (card.updated): unknown key 'seet' (did you mean set?)",
        ),
        (
            "nmae = \"x\"\n[[steps]]\nevent = \"card.updated\"\n",
            "s.toml:1:1: unknown key 'nmae' (did you mean name?)",
        ),
        (
            "[[steps]]\nevent = \"connection.tagged\"\nset = { \"data.id\" = \"${contact.data.id}\" }\n[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\n",
            "s.toml:3:21: step 1 (connection.tagged): ${contact.data.id} refers to step 2 (connection.created) 'contact', which comes later",
        ),
        (
            "[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\nset = { \"data.email\" = \"${contact.data.email}\" }\n",
            "step 1 (connection.created): ${contact.data.email} refers to this step itself, a cycle",
        ),
        (
            "[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\n[[steps]]\nevent = \"note.added\"\nset = { \"data.connection_id\" = \"${contcat.data.id}\" }\n",
            "s.toml:6:32: step 2 (note.added): ${contcat.data.id}: no step is named 'contcat' (did you mean contact?)",
        ),
        (
            "[[steps]]\nevent = \"connection.created\"\nas = \"contact\"\n[[steps]]\nevent = \"note.added\"\nset = { \"data.connection_id\" = \"${contact.data.idd}\" }\n",
            "step 2 (note.added): ${contact.data.idd}: data.idd: connection.created has no field 'idd' (did you mean data.id?)",
        ),
        (
            "[[steps]]\nevent = \"card.created\"\nafter = \"2 parsecs\"\n",
            "s.toml:3:9: step 1 (card.created): after = \"2 parsecs\" is not a duration",
        ),
        (
            "[[steps]]\nevent = \"card.created\"\nas = \"a\"\n[[steps]]\nevent = \"card.deleted\"\nas = \"a\"\n",
            "s.toml:6:6: step 2 (card.deleted): as = \"a\" already names step 1",
        ),
        (
            "[[steps]]\nevent = \"card.viewed\"\nset = { \"data.view_source\" = 7 }\n",
            "s.toml:2:9: step 1 (card.viewed): the payload does not match its schema:\n  data.view_source",
        ),
        ("name = \"x\"\n", "s.toml:1:1: no steps"),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(
            message.contains(expected),
            "{message}\n  expected: {expected}"
        );
    }
    assert!(
        error("[[steps]]\nevent = \"card.created\"\nas = \"9lives\"\n")
            .contains("a step name is a word")
    );
    assert!(error("[[steps]]\nevent = [\n").starts_with("s.toml:2:"));
}

#[test]
fn a_story_name_that_is_neither_builtin_nor_a_file_gets_the_closest() {
    let err = "contact-lifecyle".parse::<StorySource>().unwrap_err();
    assert!(err.contains("did you mean contact-lifecycle?"), "{err}");
    assert!(matches!(
        "my.toml".parse::<StorySource>(),
        Ok(StorySource::File(_))
    ));
}
