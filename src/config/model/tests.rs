use std::sync::Arc;

use super::*;

fn check_text(text: &str) -> Result<ConfigFile, Vec<String>> {
    let source = Source {
        file: Arc::from("p.toml"),
        text,
    };
    let paths = Paths {
        base: Path::new("/project"),
        home: Some(Path::new("/home/u")),
    };
    check(&source, &paths)
        .map_err(|ConfigErrors(errors)| errors.iter().map(ToString::to_string).collect())
}

fn only_error(text: &str) -> String {
    let errors = check_text(text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].clone()
}

#[test]
fn the_starter_file_is_valid() {
    let file = check_text(crate::config::STARTER).unwrap();
    assert_eq!(
        file.profiles.keys().collect::<Vec<_>>(),
        ["local", "staging"]
    );
    let staging = &file.profiles["staging"];
    assert_eq!(
        staging.secret.as_ref().unwrap().value,
        SecretRef::File("/home/u/.config/titancard-wh/staging.secret".into())
    );
    let local = &file.profiles["local"];
    assert_eq!(
        local.listen.save.as_ref().unwrap().value,
        PathBuf::from("/project/captures/events.jsonl")
    );
    assert_eq!(
        local.timeout.as_ref().unwrap().value,
        Duration::from_secs(30)
    );
}

#[test]
fn a_literal_secret_is_refused_where_it_is_written_naming_the_two_forms() {
    let err = only_error("version = 1\n[profiles.a]\nsecret = \"whsec_x\"\n");
    assert!(
        err.starts_with("p.toml:3:10: a secret value does not belong"),
        "{err}"
    );
    assert!(
        err.contains("secret_env = ") && err.contains("secret_file = "),
        "{err}"
    );
    let err = only_error("version = 1\nsecret = \"x\"\n");
    assert!(err.starts_with("p.toml:2:10: "), "{err}");
}

#[test]
fn the_version_is_required_and_must_be_1() {
    assert_eq!(
        only_error("[profiles.a]\n"),
        "p.toml:1:1: version = 1 is missing at the top of the file"
    );
    let err = only_error("version = 2\n");
    assert!(
        err.starts_with("p.toml:1:11: version 2 is not one"),
        "{err}"
    );
}

#[test]
fn route_events_are_names_or_globs_of_the_14_with_suggestions() {
    let route = |events: &str| {
        format!("version = 1\n[[profiles.a.routes]]\nevents = {events}\nurl = \"http://x/\"\n")
    };
    let err = only_error(&route("[\"card.*\", \"card.viewd\"]"));
    assert_eq!(
        err,
        "p.toml:3:21: events: 'card.viewd' is no TitanCard event: did you mean card.viewed?"
    );
    let err = only_error(&route("[\"crad.*\"]"));
    assert!(err.ends_with("did you mean card.*?"), "{err}");
    let err = only_error(&route("[]"));
    assert!(
        err.starts_with("p.toml:3:10: events: list at least one"),
        "{err}"
    );
    let file = check_text(&route("[\"*.created\", \"note.added\"]")).unwrap();
    let route = &file.profiles["a"].routes[0];
    assert!(route.matches("card.created") && route.matches("note.added"));
    assert!(!route.matches("card.viewed"));
}

#[test]
fn values_are_checked_by_the_flags_parsers_at_their_place() {
    let err = only_error("version = 1\n[profiles.a]\nurl = \"127.0.0.1:3000/x\"\n");
    assert_eq!(
        err,
        "p.toml:3:7: url: no scheme: did you mean http://127.0.0.1:3000/x?"
    );
    let err = only_error("version = 1\n[profiles.a]\ntimeout = \"0s\"\n");
    assert_eq!(err, "p.toml:3:11: timeout: must be longer than 0s");
    let err = only_error(
        "version = 1\n[[profiles.a.routes]]\nevents = [\"card.*\"]\nurl = \"ftp://x/\"\n",
    );
    assert!(err.starts_with("p.toml:4:7: url: only http"), "{err}");
}

#[test]
fn profile_level_mistakes_are_each_reported_in_file_order() {
    let errors = check_text(
        "version = 1\ndefault_profile = \"locl\"\n[profiles.local]\nsecret_env = \"A\"\n\
         secret_file = \"b\"\nurl = \"x\"\n",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(
        errors[0],
        "p.toml:2:19: default_profile: no profile 'locl' in this file: did you mean 'local'?"
    );
    assert!(errors[1].starts_with("p.toml:5:15: secret_env and secret_file"));
    assert!(errors[2].starts_with("p.toml:6:7: url: "));
}

#[test]
fn paths_expand_home_and_follow_the_file() {
    let paths = Paths {
        base: Path::new("/p"),
        home: Some(Path::new("/h")),
    };
    assert_eq!(paths.expand("~/s"), PathBuf::from("/h/s"));
    assert_eq!(paths.expand("~"), PathBuf::from("/h"));
    assert_eq!(paths.expand("c/e.jsonl"), PathBuf::from("/p/c/e.jsonl"));
    assert_eq!(paths.expand("/abs"), PathBuf::from("/abs"));
    assert_eq!(paths.expand("~x/s"), PathBuf::from("/p/~x/s"));
}
