use std::collections::HashMap;

use super::*;

/// A project folder (holding `.git`) with this project file.
fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
    dir
}

const FILE: &str = r#"version = 1
default_profile = "local"

[profiles.local]
url = "http://local/"
timeout = "5s"
listen = { port = 9000, save = "events.jsonl", forward = true }

[[profiles.local.routes]]
events = ["card.*"]
url = "http://cards/"

[[profiles.local.routes]]
events = ["card.viewed", "note.added"]
url = "http://never-for-cards/"

[profiles.staging]
url = "http://staging/"
"#;

fn load(dir: &Path, request: &Request, vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::load_with(request, dir, &|name| vars.get(name).cloned())
}

fn profile_of(settings: &Settings) -> (String, Origin) {
    let profile = settings.profile.clone().unwrap();
    (profile.value, profile.origin)
}

#[test]
fn the_profile_is_the_flag_then_the_env_then_default_profile_then_the_only_one() {
    let dir = project(FILE);
    let flag = Request {
        profile: Some("staging".into()),
        ..Request::default()
    };
    let env = [(PROFILE_ENV, "staging")];
    let (name, origin) = profile_of(&load(dir.path(), &flag, &[(PROFILE_ENV, "local")]).unwrap());
    assert_eq!(
        (name.as_str(), origin),
        ("staging", Origin::Flag("--profile"))
    );
    let (name, origin) = profile_of(&load(dir.path(), &Request::default(), &env).unwrap());
    assert_eq!(
        (name.as_str(), origin),
        ("staging", Origin::Env(PROFILE_ENV.into()))
    );
    let (name, origin) = profile_of(&load(dir.path(), &Request::default(), &[]).unwrap());
    assert_eq!(name, "local");
    assert!(matches!(origin, Origin::File { key, .. } if key == "default_profile"));
    let only = project("version = 1\n[profiles.solo]\nurl = \"http://solo/\"\n");
    let (name, origin) = profile_of(&load(only.path(), &Request::default(), &[]).unwrap());
    assert_eq!((name.as_str(), origin), ("solo", Origin::Default));
}

#[test]
fn an_unknown_profile_gets_the_closest_name() {
    let dir = project(FILE);
    let request = Request {
        profile: Some("stagng".into()),
        ..Request::default()
    };
    let err = load(dir.path(), &request, &[]).unwrap_err().to_string();
    assert_eq!(
        err,
        "--profile stagng: no profile 'stagng' in titancard-wh.toml: did you mean 'staging'?"
    );
    let err = load(dir.path(), &Request::default(), &[(PROFILE_ENV, "prod")])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("TITANCARD_WH_PROFILE=prod: no profile 'prod'"),
        "{err}"
    );
    assert!(err.contains("(its profiles: local, staging)"), "{err}");
}

#[test]
fn urls_come_from_the_flag_then_the_first_matching_route_then_the_profile() {
    let dir = project(FILE);
    let settings = load(dir.path(), &Request::default(), &[]).unwrap();
    let url = |event: &str| settings.url_for(event, None).unwrap().value.to_string();
    assert_eq!(url("card.viewed"), "http://cards/", "the first match wins");
    assert_eq!(url("note.added"), "http://never-for-cards/");
    assert_eq!(url("reminder.due"), "http://local/");
    let routed = settings.url_for("card.created", None).unwrap();
    assert!(
        matches!(&routed.origin, Origin::File { key, place } if key == "profiles.local.routes[0]" && place.line == 9),
        "{:?}",
        routed.origin
    );
    let flag: WebhookUrl = "http://flag/".parse().unwrap();
    let resolved = settings.url_for("card.viewed", Some(&flag)).unwrap();
    assert_eq!(resolved, Resolved::new(flag.clone(), Origin::Flag("--url")));
    assert_eq!(
        settings.url(None).unwrap().value.to_string(),
        "http://local/"
    );
}

#[test]
fn a_missing_url_names_the_flag_and_the_profile() {
    let dir = project("version = 1\n[profiles.bare]\n");
    let settings = load(dir.path(), &Request::default(), &[]).unwrap();
    let err = settings
        .url_for("card.viewed", None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "no URL for card.viewed: pass --url URL, or give profile 'bare' a url (titancard-wh.toml:2)"
    );
    let none = Request {
        no_config: true,
        ..Request::default()
    };
    let settings = load(dir.path(), &none, &[]).unwrap();
    let err = settings.url(None).unwrap_err().to_string();
    assert_eq!(
        err,
        "no URL: pass --url URL (--no-config: the project file is not read)"
    );
    let two = project("version = 1\n[profiles.a]\n[profiles.b]\n");
    let settings = load(two.path(), &Request::default(), &[]).unwrap();
    let err = settings.url(None).unwrap_err().to_string();
    assert!(
        err.contains("choose a profile with --profile NAME"),
        "{err}"
    );
}

#[test]
fn values_are_the_flag_then_the_profile_then_the_default() {
    let dir = project(FILE);
    let settings = load(dir.path(), &Request::default(), &[]).unwrap();
    assert_eq!(settings.listen_port(Some(1)).origin, Origin::Flag("--port"));
    assert_eq!(settings.listen_port(None).value, 9000);
    assert_eq!(
        settings.listen_save(None).unwrap().value,
        dir.path().join("events.jsonl")
    );
    assert_eq!(settings.timeout(None).value, Duration::from_secs(5));
    let staging = Request {
        profile: Some("staging".into()),
        ..Request::default()
    };
    let settings = load(dir.path(), &staging, &[]).unwrap();
    assert_eq!(
        settings.listen_port(None),
        Resolved::new(DEFAULT_LISTEN_PORT, Origin::Default)
    );
    assert_eq!(settings.timeout(None).value, DELIVERY_DEADLINE);
    assert_eq!(settings.listen_save(None), None);
}

#[test]
fn listen_relays_per_event_only_when_the_profile_or_the_flag_says_so() {
    let dir = project(FILE);
    let settings = load(dir.path(), &Request::default(), &[]).unwrap();
    let Some(Targets::PerEvent(targets)) = settings.forward_targets(None).unwrap() else {
        panic!("the local profile forwards");
    };
    assert_eq!(targets.len(), 14);
    let flag: WebhookUrl = "http://app/".parse().unwrap();
    assert_eq!(
        settings.forward_targets(Some(&flag)).unwrap(),
        Some(Targets::Every(flag))
    );
    let staging = Request {
        profile: Some("staging".into()),
        ..Request::default()
    };
    let settings = load(dir.path(), &staging, &[]).unwrap();
    assert_eq!(settings.forward_targets(None).unwrap(), None);
}

#[test]
fn the_profile_secret_env_is_read_when_loading() {
    let dir =
        project("version = 1\n[profiles.a]\nurl = \"http://a/\"\nsecret_env = \"A_SECRET\"\n");
    let settings = load(
        dir.path(),
        &Request::default(),
        &[("A_SECRET", "from-a"), (SECRET_ENV, "from-env")],
    )
    .unwrap();
    let secrets = settings.secrets(&SecretFlags::default()).unwrap();
    assert_eq!(secrets.primary().expose(), "from-a");
}

#[test]
fn no_file_and_a_profile_flag_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let request = Request {
        profile: Some("local".into()),
        ..Request::default()
    };
    let err = load(dir.path(), &request, &[]).unwrap_err().to_string();
    assert!(
        err.starts_with("--profile local: no titancard-wh.toml was found"),
        "{err}"
    );
    let settings = load(dir.path(), &Request::default(), &[]).unwrap();
    assert!(settings.file.is_none() && settings.profile.is_none());
}
