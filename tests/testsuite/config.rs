//! The project file, titancard-wh.toml, as a team uses it: commands with no flags reach the
//! profile's URL signed with its secret, routes pick per-event targets, `config show --origin`
//! says where each value came from without ever printing the secret, bad files exit 2 at their
//! line and column, and the precedence table holds (flag, environment, profile, default; and the
//! secret's own order, with a notice when two sources differ).
//!
//! Every run is in a temp folder holding `.git`, so the walk up never finds a stray file above
//! it, with XDG_CONFIG_HOME empty unless a test sets it (`crate::common::project_cmd`).

use std::path::Path;

use crate::common::{Recorded, TestServer, expected_signature, json_output, project, project_cmd};
use serde_json::Value;

const LOCAL_SECRET: &str = "whsec_local_8c1e";
const STAGING_SECRET: &str = "whsec_staging_77a0";

/// Writes `name` in `dir` with mode 600 (a secret file ssh would accept).
fn secret_file(dir: &Path, name: &str, secret: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    set_mode(&path, 0o600);
    path.to_string_lossy().into_owned()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The issue's example file, pointed at test servers: `local` (the default) and `staging`.
fn team_file(dir: &Path, local: &TestServer, staging: &TestServer) {
    let file = format!(
        r#"version = 1
default_profile = "local"

[profiles.local]
url = "{local}"                       # send, probe, replay target
secret_env = "LOCAL_SECRET"           # a reference, never the value

[profiles.staging]
url = "{staging}"
secret_file = "~/staging.secret"
"#,
        local = local.url("/webhooks/titancard"),
        staging = staging.url("/webhooks/titancard"),
    );
    std::fs::write(dir.join("titancard-wh.toml"), file).unwrap();
    secret_file(dir, "staging.secret", STAGING_SECRET);
}

/// The one request `server` received, checked to be signed with `secret`.
fn one_signed(server: &TestServer, secret: &str) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = requests.into_iter().next().unwrap();
    assert_eq!(
        request.header("x-webhook-signature"),
        Some(expected_signature(secret, &request.body).as_str())
    );
    request
}

#[test]
fn send_with_no_flags_reaches_the_profiles_url_with_its_secret_and_profile_staging_uses_its_own() {
    let (local, staging) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    team_file(dir.path(), &local, &staging);
    // From a subfolder: the walk up finds the file.
    let sub = dir.path().join("src/handlers");
    std::fs::create_dir_all(&sub).unwrap();
    project_cmd(&sub)
        .env("LOCAL_SECRET", LOCAL_SECRET)
        .args(["send", "card.viewed"])
        .assert()
        .code(0);
    let request = one_signed(&local, LOCAL_SECRET);
    assert_eq!(request.path, "/webhooks/titancard");
    assert_eq!(request.json()["event"], "card.viewed");

    project_cmd(dir.path())
        .env("HOME", dir.path())
        .args(["--profile", "staging", "send", "card.viewed"])
        .assert()
        .code(0);
    one_signed(&staging, STAGING_SECRET);
    assert_eq!(local.requests().len(), 1, "nothing more went to local");
}

#[test]
fn send_all_follows_the_routes_and_probe_and_replay_take_the_profiles_url() {
    let (cards, rest) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    secret_file(dir.path(), "app.secret", LOCAL_SECRET);
    let file = format!(
        r#"version = 1
[profiles.app]
url = "{rest}"
secret_file = "app.secret"

[[profiles.app.routes]]
events = ["card.*"]
url = "{cards}"

[[profiles.app.routes]]   # never reached for card events: the first match wins
events = ["card.viewed", "note.added"]
url = "{rest}notes"
"#,
        rest = rest.url("/"),
        cards = cards.url("/cards"),
    );
    std::fs::write(dir.path().join("titancard-wh.toml"), file).unwrap();
    let output = project_cmd(dir.path())
        .args(["send", "--all", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = json_output("send", &output.stdout);
    assert_eq!(report["counts"]["delivered"], 14);
    let events = |server: &TestServer| -> Vec<String> {
        server
            .requests()
            .iter()
            .map(|request| request.json()["event"].as_str().unwrap().to_string())
            .collect()
    };
    let card_events = events(&cards);
    assert_eq!(card_events.len(), 5, "{card_events:?}");
    assert!(card_events.iter().all(|event| event.starts_with("card.")));
    assert!(cards.requests().iter().all(|r| r.path == "/cards"));
    let rest_requests = rest.requests();
    assert_eq!(rest_requests.len(), 9);
    let note = rest_requests
        .iter()
        .find(|r| r.json()["event"] == "note.added")
        .unwrap();
    assert_eq!(note.path, "/notes");
    assert_eq!(
        note.header("x-webhook-signature"),
        Some(expected_signature(LOCAL_SECRET, &note.body).as_str())
    );

    // probe and replay have no event to route: the profile's url.
    let before = rest.requests().len();
    project_cmd(dir.path())
        .args(["probe", "--case", "valid-note.added"])
        .assert()
        .code(0);
    let capture = dir.path().join("capture.http");
    let body = &note.body;
    let head = format!(
        "POST /x HTTP/1.1\r\nContent-Type: application/json\r\nX-Webhook-Event: note.added\r\nX-Webhook-Signature: {}\r\nContent-Length: {}\r\n\r\n",
        expected_signature(LOCAL_SECRET, body),
        body.len()
    );
    std::fs::write(&capture, [head.as_bytes(), body].concat()).unwrap();
    project_cmd(dir.path())
        .args(["replay", "capture.http"])
        .assert()
        .code(0);
    assert_eq!(rest.requests().len(), before + 2);
}

/// `send --all` over routes to several endpoints printed `card.created  200 OK …` alone: which
/// endpoint each event went to was not said.
#[test]
fn send_over_several_routes_names_each_deliverys_destination() {
    let (cards, rest) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    secret_file(dir.path(), "app.secret", LOCAL_SECRET);
    let file = format!(
        "version = 1\n[profiles.app]\nurl = \"{rest}\"\nsecret_file = \"app.secret\"\n\n\
         [[profiles.app.routes]]\nevents = [\"card.*\"]\nurl = \"{cards}\"\n",
        rest = rest.url("/hooks?token=t"),
        cards = cards.url("/cards"),
    );
    std::fs::write(dir.path().join("titancard-wh.toml"), file).unwrap();
    let output = project_cmd(dir.path())
        .args(["send", "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = |event: &str| -> &str {
        stdout
            .lines()
            .find(|line| line.starts_with(&format!("{event} ")))
            .unwrap_or_else(|| panic!("{stdout}"))
    };
    // Host and path; the query (which may hold a token) is not shown.
    let cards_at = format!("card.viewed → {}/cards  200 OK", cards.addr);
    assert!(line("card.viewed").starts_with(&cards_at), "{stdout}");
    let rest_at = format!("note.added → {}/hooks  200 OK", rest.addr);
    assert!(line("note.added").starts_with(&rest_at), "{stdout}");
    assert!(!stdout.contains("token"), "{stdout}");

    let output = project_cmd(dir.path())
        .args(["send", "--all", "--format", "json"])
        .output()
        .unwrap();
    let report = json_output("send", &output.stdout);
    let deliveries = report["deliveries"].as_array().unwrap();
    assert_eq!(deliveries[0]["event"], "card.created");
    assert_eq!(
        deliveries[0]["destination"],
        format!("{}/cards", cards.addr)
    );
    assert_eq!(
        deliveries[13]["destination"],
        format!("{}/hooks", rest.addr)
    );

    // One endpoint for all: the lines stay as they were; the JSON still names it.
    let output = project_cmd(dir.path())
        .args(["send", "--all", "--url", &rest.url("/one")])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("card.created  200 OK"), "{stdout}");
    assert!(!stdout.contains('→'), "{stdout}");
    let output = project_cmd(dir.path())
        .args([
            "send",
            "card.shared",
            "--url",
            &rest.url("/one"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json_output("send", &output.stdout);
    assert_eq!(
        report["deliveries"][0]["destination"],
        format!("{}/one", rest.addr)
    );
}

#[test]
fn listen_takes_its_port_save_file_secret_and_relay_routes_from_the_profile() {
    let (cards, app) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    secret_file(dir.path(), "listen.secret", LOCAL_SECRET);
    let file = format!(
        r#"version = 1
[profiles.dev]
url = "{app}"
secret_file = "listen.secret"
listen = {{ port = 0, save = "captures/events.jsonl", forward = true }}

[[profiles.dev.routes]]
events = ["card.*"]
url = "{cards}"
"#,
        app = app.url("/app"),
        cards = cards.url("/cards"),
    );
    std::fs::write(dir.path().join("titancard-wh.toml"), file).unwrap();
    std::fs::create_dir(dir.path().join("captures")).unwrap();
    let listen = crate::listen_support::Listen::start_in(dir.path(), &[]);
    for event in ["card.viewed", "note.added"] {
        let body = titancard_wh::internals::find(event).unwrap().sample;
        let (status, _) =
            crate::listen_support::deliver(listen.addr, event, body.as_bytes(), LOCAL_SECRET);
        assert_eq!(status, 200, "{event}");
    }
    let (_, _, stderr) = listen.stop("-INT");
    assert_eq!(cards.requests().len(), 1, "{stderr}");
    assert_eq!(cards.requests()[0].json()["event"], "card.viewed");
    assert_eq!(app.requests().len(), 1);
    assert_eq!(app.requests()[0].path, "/app");
    let saved = crate::listen_support::saved(&dir.path().join("captures/events.jsonl"));
    assert_eq!(saved.len(), 2);
}

#[test]
fn config_show_origin_names_each_source_and_never_the_secret() {
    let (local, staging) = (TestServer::ok(), TestServer::ok());
    let dir = project();
    team_file(dir.path(), &local, &staging);
    let show = |args: &[&str]| {
        let output = project_cmd(dir.path())
            .env("LOCAL_SECRET", LOCAL_SECRET)
            .env("TITANCARD_WEBHOOK_SECRET", STAGING_SECRET)
            .env("HOME", dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let all = [output.stdout.as_slice(), output.stderr.as_slice()].concat();
        let text = String::from_utf8(all).unwrap();
        assert!(
            !text.contains(LOCAL_SECRET) && !text.contains(STAGING_SECRET),
            "{text}"
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let text = show(&["config", "show", "--origin"]);
    let line = |key: &str| {
        text.lines()
            .find(|line| line.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no {key} line in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("file"),
        format!(
            "file {} found walking up from the current folder",
            dir.path().join("titancard-wh.toml").display()
        )
    );
    assert_eq!(line("profile"), "profile local titancard-wh.toml:2");
    assert!(line("url").ends_with(" titancard-wh.toml:5"), "{text}");
    assert_eq!(
        line("secret"),
        "secret (redacted) from env LOCAL_SECRET (set) titancard-wh.toml:6"
    );
    assert_eq!(line("timeout"), "timeout 30s default");
    assert_eq!(line("listen.port"), "listen.port 8787 default");

    let text = show(&["--profile", "staging", "config", "show", "--origin"]);
    assert!(text.contains("flag --profile"), "{text}");
    assert!(
        text.contains(&format!(
            "(redacted) from file {} (exists)",
            dir.path().join("staging.secret").display()
        )),
        "{text}"
    );
    let text = show(&["config", "show"]);
    assert!(
        !text.contains("titancard-wh.toml:"),
        "no origins without --origin: {text}"
    );

    let json = show(&["config", "show", "--format", "json"]);
    let report = json_output("config-show", json.as_bytes());
    assert_eq!(report["profile"]["origin"]["name"], "default_profile");
    assert_eq!(report["url"]["origin"]["line"], 5);
    assert_eq!(report["url"]["origin"]["column"], 7);
    assert_eq!(report["secret"]["name"], "LOCAL_SECRET");
    assert_eq!(report["timeout"]["origin"]["kind"], "default");
}

/// Runs `args` in `dir`; asserts exit 2 and that stderr names `place`.
fn refused(dir: &Path, args: &[&str], place: &str) -> String {
    let output = project_cmd(dir)
        .env("HOME", dir)
        .env("S", "x")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(place),
        "{args:?} should name {place}: {stderr}"
    );
    stderr
}

#[test]
fn bad_files_exit_2_with_a_line_and_column() {
    let dir = project();
    let write = |text: &str| std::fs::write(dir.path().join("titancard-wh.toml"), text).unwrap();
    let head = "version = 1\n[profiles.local]\nurl = \"http://127.0.0.1:9/\"\n";
    let send = ["send", "card.viewed"];
    let check = ["config", "check"];

    write(&format!("{head}secret = \"whsec_oops\"\n"));
    let stderr = refused(dir.path(), &send, "titancard-wh.toml:4:10: ");
    assert!(
        stderr.contains("secret_env = \"VARIABLE\" or secret_file = \"PATH\""),
        "{stderr}"
    );
    assert!(!stderr.contains("whsec_oops"), "{stderr}");
    refused(dir.path(), &check, "titancard-wh.toml:4:10: a secret value");

    write(&format!("{head}secret_fle = \"x\"\n"));
    let stderr = refused(dir.path(), &send, "titancard-wh.toml:4:1: ");
    assert!(stderr.contains("did you mean 'secret_file'?"), "{stderr}");

    write(&format!(
        "{head}secret_env = \"S\"\n[[profiles.local.routes]]\nevents = [\"card.viewd\"]\n\
         url = \"http://127.0.0.1:9/\"\n"
    ));
    let stderr = refused(dir.path(), &check, "titancard-wh.toml:6:11: ");
    assert!(stderr.contains("did you mean card.viewed?"), "{stderr}");
    refused(dir.path(), &send, "titancard-wh.toml:6:11: ");

    // A secret file others may read is refused, as ssh refuses such a key.
    secret_file(dir.path(), "open.secret", "x");
    set_mode(&dir.path().join("open.secret"), 0o644);
    write(&format!("{head}secret_file = \"~/open.secret\"\n"));
    let stderr = refused(dir.path(), &send, "titancard-wh.toml:4:15: secret_file: ");
    assert!(
        stderr.contains("mode 644") && stderr.contains("chmod 600"),
        "{stderr}"
    );
    refused(dir.path(), &check, "titancard-wh.toml:4:15: ");

    write("version = 2\n");
    refused(dir.path(), &check, "titancard-wh.toml:1:11: version 2");
    // --no-config reads none of it.
    crate::common::cmd()
        .current_dir(dir.path())
        .args(["config", "show"])
        .assert()
        .code(0);
}

#[test]
fn config_check_lists_every_problem_and_passes_a_good_file() {
    let dir = project();
    let path = dir.path().join("team.toml");
    std::fs::write(
        &path,
        "version = 1\ndefault_profile = \"locl\"\n[profiles.local]\nurl = \"localhost:3000\"\n\
         timeout = \"0s\"\n",
    )
    .unwrap();
    let output = project_cmd(dir.path())
        .args(["config", "check", "team.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(lines[0].starts_with("titancard-wh: error: team.toml:2:19: default_profile: "));
    assert!(lines[1].starts_with("titancard-wh: error: team.toml:4:7: url: no scheme"));
    assert!(lines[2].starts_with("titancard-wh: error: team.toml:5:11: timeout: "));
    assert_eq!(
        lines[3],
        "titancard-wh: error: team.toml is not valid: 3 problems"
    );
    std::fs::write(&path, "version = 1\n[profiles.ci]\nurl = \"http://ci/\"\n").unwrap();
    project_cmd(dir.path())
        .args(["--config", "team.toml", "config", "check"])
        .assert()
        .code(0)
        .stdout("team.toml: valid (1 profile: ci)\n");
}

#[test]
fn config_init_writes_a_valid_starter_and_never_overwrites() {
    let dir = project();
    project_cmd(dir.path())
        .args(["config", "init"])
        .assert()
        .code(0);
    let path = dir.path().join("titancard-wh.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    project_cmd(dir.path())
        .args(["config", "check"])
        .assert()
        .code(0);
    std::fs::write(&path, "# mine\n").unwrap();
    let stderr = refused(
        dir.path(),
        &["config", "init"],
        "titancard-wh.toml exists already",
    );
    assert!(stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    assert!(written.starts_with("#:schema "));
}

#[path = "config_support/precedence.rs"]
mod precedence;
#[path = "config_support/schema.rs"]
mod schema;
#[path = "config_support/story.rs"]
mod story;
