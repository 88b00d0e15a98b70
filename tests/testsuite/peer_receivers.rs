//! `send --all` and `story contact-lifecycle` to the reference's own receiver samples (Flask and
//! Express, fixtures/peers/), run for real: every event must be accepted, and a wrong secret
//! refused with 401.
//!
//! The peers are installed by scripts/test (TITANCARD_PEERS, or target/peers by default).

use crate::common::cmd;
use crate::peers_support::Peer;
use predicates::prelude::*;

const SECRET: &str = "whsec_peer_7d21";

fn check_accepts_all_fourteen(peer: &Peer) {
    cmd()
        .args(["send", "--all", "--secret", SECRET, "--url", &peer.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("enrichment.completed"))
        .stdout(predicate::str::contains("200 OK").count(14));
    // The receiver really checks: the wrong secret is refused.
    cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            "whsec_wrong",
            "--url",
            &peer.url,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("401"))
        .stdout(predicate::str::contains(
            "the endpoint rejected the signature (401): does it use the same secret",
        ));
}

#[test]
fn the_reference_flask_receiver_accepts_all_fourteen() {
    check_accepts_all_fourteen(&Peer::flask(SECRET));
}

#[test]
fn the_reference_express_receiver_accepts_all_fourteen() {
    check_accepts_all_fourteen(&Peer::express(SECRET));
}

fn check_accepts_the_contact_lifecycle(peer: &Peer) {
    cmd()
        .args([
            "story",
            "contact-lifecycle",
            "--secret",
            SECRET,
            "--url",
            &peer.url,
        ])
        .args([
            "--shuffle",
            "--duplicates",
            "0.3",
            "--seed",
            "1",
            "--color",
            "never",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "12 deliveries: 12 answered 2xx, 0 did not",
        ));
}

#[test]
fn the_reference_flask_receiver_accepts_the_contact_lifecycle() {
    check_accepts_the_contact_lifecycle(&Peer::flask(SECRET));
}

#[test]
fn the_reference_express_receiver_accepts_the_contact_lifecycle() {
    check_accepts_the_contact_lifecycle(&Peer::express(SECRET));
}
