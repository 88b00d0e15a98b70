//! The precedence table as implemented: the file (--config, TITANCARD_WH_CONFIG, the walk up,
//! the user file), the profile (--profile, TITANCARD_WH_PROFILE, default_profile, the only
//! one), values (flag, profile, default), and the secret (--secret, --secret-file, the profile's
//! secret_env or secret_file, TITANCARD_WEBHOOK_SECRET).

use super::*;

/// `config show --format json` in `dir` with `args` before it and `vars` set.
fn shown(dir: &Path, args: &[&str], vars: &[(&str, &Path)]) -> Value {
    let mut command = project_cmd(dir);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command
        .args(args)
        .args(["config", "show", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    json_output("config-show", &output.stdout)
}

fn origin_kind(report: &Value, key: &str) -> String {
    report[key]["origin"]["kind"].as_str().unwrap().to_string()
}

#[test]
fn the_file_is_the_flag_then_the_env_then_the_walk_then_the_user_file() {
    let dir = project();
    let file = |name: &str, profile: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("version = 1\n[profiles.{profile}]\n")).unwrap();
        path
    };
    let flag = file("flag.toml", "from_flag");
    let env = file("env.toml", "from_env");
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("titancard-wh")).unwrap();
    std::fs::write(
        xdg.join("titancard-wh/config.toml"),
        "version = 1\n[profiles.from_user]\n",
    )
    .unwrap();
    let flag_arg = ["--config", flag.to_str().unwrap()];
    let both = [
        ("TITANCARD_WH_CONFIG", env.as_path()),
        ("XDG_CONFIG_HOME", xdg.as_path()),
    ];
    let report = shown(dir.path(), &flag_arg, &both);
    assert_eq!(
        (
            origin_kind(&report, "file").as_str(),
            &report["profile"]["value"]
        ),
        ("flag", &Value::from("from_flag"))
    );
    let report = shown(dir.path(), &[], &both);
    assert_eq!(report["profile"]["value"], "from_env");
    assert_eq!(report["file"]["origin"]["name"], "TITANCARD_WH_CONFIG");
    let report = shown(dir.path(), &[], &both[1..]);
    assert_eq!(
        (origin_kind(&report, "file"), &report["profile"]["value"]),
        ("user".to_string(), &Value::from("from_user"))
    );
    file("titancard-wh.toml", "from_walk");
    let report = shown(dir.path(), &[], &both[1..]);
    assert_eq!(
        (origin_kind(&report, "file"), &report["profile"]["value"]),
        ("walk".to_string(), &Value::from("from_walk"))
    );
    // One file wins: nothing of the user file is merged in.
    assert_eq!(report["profiles"], serde_json::json!(["from_walk"]));
    let report = shown(dir.path(), &["--no-config"], &both);
    assert_eq!(
        (&report["file"], &report["profile"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn the_profile_is_the_flag_then_the_env_then_default_profile_then_the_only_one() {
    let dir = project();
    let path = dir.path().join("titancard-wh.toml");
    std::fs::write(
        &path,
        "version = 1\ndefault_profile = \"a\"\n[profiles.a]\ntimeout = \"5s\"\n[profiles.b]\n\
         [profiles.c]\n",
    )
    .unwrap();
    let profile = |args: &[&str], env: Option<&str>| {
        let mut command = project_cmd(dir.path());
        if let Some(name) = env {
            command.env("TITANCARD_WH_PROFILE", name);
        }
        let output = command
            .args(args)
            .args(["config", "show", "--format", "json"])
            .output()
            .unwrap();
        let report = json_output("config-show", &output.stdout);
        (
            report["profile"]["value"].as_str().unwrap().to_string(),
            origin_kind(&report, "profile"),
            report["timeout"]["millis"].as_f64().unwrap(),
            origin_kind(&report, "timeout"),
        )
    };
    let (b, c) = ("b".to_string(), "c".to_string());
    assert_eq!(
        profile(&["--profile", "c"], Some("b")),
        (c, "flag".into(), 30000.0, "default".into())
    );
    assert_eq!(
        profile(&[], Some("b")),
        (b, "env".into(), 30000.0, "default".into())
    );
    assert_eq!(
        profile(&[], None),
        ("a".into(), "file".into(), 5000.0, "file".into())
    );
    std::fs::write(&path, "version = 1\n[profiles.solo]\n").unwrap();
    assert_eq!(profile(&[], None).1, "default");
    // An unknown name, from the flag or the environment: exit 2 with the closest one.
    let stderr = refused(
        dir.path(),
        &["--profile", "sol", "config", "show"],
        "did you mean 'solo'?",
    );
    assert!(
        stderr.starts_with("titancard-wh: error: --profile sol: "),
        "{stderr}"
    );
}

#[test]
fn the_url_and_the_timeout_are_the_flag_then_the_profile_then_the_default() {
    let (flagged, profiled) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    std::fs::write(
        dir.path().join("titancard-wh.toml"),
        format!(
            "version = 1\n[profiles.p]\nurl = \"{}\"\nsecret_env = \"S\"\n",
            profiled.url("/")
        ),
    )
    .unwrap();
    let send = |args: &[&str]| {
        project_cmd(dir.path())
            .env("S", LOCAL_SECRET)
            .args(["send", "note.added"])
            .args(args)
            .assert()
            .code(0);
    };
    send(&["--url", &flagged.url("/")]);
    send(&[]);
    assert_eq!(
        (flagged.requests().len(), profiled.requests().len()),
        (1, 1)
    );
}

/// stripe/stripe-cli#1581: an environment variable silently beat a flag and commands hit the
/// wrong account. Here the order is fixed and stated, and a later source that holds a different
/// secret is named on one line of stderr, never its value.
#[test]
fn the_secret_is_flag_then_file_then_profile_then_env_with_a_notice_when_they_differ() {
    let server = TestServer::ok();
    let dir = project();
    std::fs::write(
        dir.path().join("titancard-wh.toml"),
        format!(
            "version = 1\ndefault_profile = \"local\"\n[profiles.local]\nsecret_env = \"LOCAL_SECRET\"\n\
             url = \"{url}\"\n[profiles.plain]\nurl = \"{url}\"\n",
            url = server.url("/")
        ),
    )
    .unwrap();
    let file = secret_file(dir.path(), "flag.secret", "whsec_from_file");
    let send = |args: &[&str], vars: &[(&str, &str)]| -> String {
        let mut command = project_cmd(dir.path());
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command
            .args(["send", "card.viewed"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!stderr.contains("whsec_"), "a value leaked: {stderr}");
        assert!(stderr.lines().count() <= 1, "{stderr}");
        let last = server.requests().pop().unwrap();
        let used = [
            "whsec_from_flag",
            "whsec_from_file",
            "whsec_from_profile",
            "whsec_from_env",
        ]
        .into_iter()
        .find(|secret| {
            last.header("x-webhook-signature")
                == Some(expected_signature(secret, &last.body).as_str())
        })
        .expect("signed with one of the four");
        format!("{used} | {}", stderr.trim_end())
    };
    let all = [
        ("LOCAL_SECRET", "whsec_from_profile"),
        ("TITANCARD_WEBHOOK_SECRET", "whsec_from_env"),
    ];
    let flags = ["--secret", "whsec_from_flag", "--secret-file", &file];
    assert_eq!(
        send(&flags, &all),
        "whsec_from_flag | titancard-wh: warning: using the secret from --secret: --secret-file \
         and LOCAL_SECRET (secret_env of profile 'local', titancard-wh.toml:4:14) and \
         TITANCARD_WEBHOOK_SECRET hold different ones, and come later in the order --secret, \
         --secret-file, the profile's secret_env or secret_file, TITANCARD_WEBHOOK_SECRET"
    );
    let from_file = send(&flags[2..], &all);
    assert!(
        from_file.starts_with(
            "whsec_from_file | titancard-wh: warning: using the secret from --secret-file: "
        ),
        "{from_file}"
    );
    let from_profile = send(&[], &all);
    assert!(
        from_profile.starts_with("whsec_from_profile | titancard-wh: warning: using the secret from LOCAL_SECRET (secret_env of profile 'local', titancard-wh.toml:4:14): TITANCARD_WEBHOOK_SECRET holds a different one"),
        "{from_profile}"
    );
    // A profile that names no source: the environment, and no notice.
    assert_eq!(send(&["--profile", "plain"], &all), "whsec_from_env | ");
    // Two sources that agree: no notice.
    let same = [("LOCAL_SECRET", "whsec_from_flag")];
    assert_eq!(send(&flags[..2], &same), "whsec_from_flag | ");
    // The profile names a variable that is not set: an error at its line, not the environment.
    let stderr = refused(
        dir.path(),
        &["send", "card.viewed"],
        "titancard-wh.toml:4:14: ",
    );
    assert!(
        stderr.contains("LOCAL_SECRET (secret_env), which is not set"),
        "{stderr}"
    );
}
