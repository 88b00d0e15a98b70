//! `story` takes its target, secret and timeout from the same resolver as `send`: without
//! `--url`, each event goes to the profile's first matching route, else its url; with `--out`
//! alone nothing is sent.

use super::*;

#[test]
fn story_without_flags_follows_the_profile_and_its_routes() {
    let (cards, rest) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    std::fs::write(
        dir.path().join("titancard-wh.toml"),
        format!(
            "version = 1\n[profiles.dev]\nurl = \"{}\"\nsecret_env = \"S\"\n\
             [[profiles.dev.routes]]\nevents = [\"card.*\"]\nurl = \"{}\"\n",
            rest.url("/rest"),
            cards.url("/cards")
        ),
    )
    .unwrap();
    let output = project_cmd(dir.path())
        .env("S", LOCAL_SECRET)
        .args(["story", "all-events", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = json_output("story", &output.stdout);
    assert_eq!(report["url"], rest.url("/rest"));
    let card_count = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|step| step["event"].as_str().unwrap().starts_with("card."))
        .count();
    assert!(card_count > 0);
    assert_eq!(cards.requests().len(), card_count);
    assert_eq!(rest.requests().len(), 14 - card_count);
    for request in cards.requests().iter().chain(rest.requests().iter()) {
        assert_eq!(
            request.header("x-webhook-signature"),
            Some(expected_signature(LOCAL_SECRET, &request.body).as_str())
        );
    }
    // --out alone writes fixtures and sends nothing, profile or not.
    project_cmd(dir.path())
        .env("S", LOCAL_SECRET)
        .args(["story", "card-lifecycle", "--out", "fixtures"])
        .assert()
        .code(0);
    assert_eq!(cards.requests().len(), card_count);
    // No URL anywhere: exit 2 naming --url.
    crate::common::cmd()
        .args(["story", "card-lifecycle", "--secret", "s"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no URL: pass --url URL"));
}
