//! Support for the Locust tests: the exported file, Locust from the peers' virtualenv as a
//! master and two workers or standalone, its final statistics, and the checks every saved record
//! must pass.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use titancard_wh::internals::{RequestRecord, validate_payload};

use crate::common::{cmd, expected_signature, hermetic};
use crate::listen_support::Listen;
use crate::peers_support::peer;

/// The webhook secret of the Locust runs and their receiver.
pub const SECRET: &str = "whsec_locust_test";
/// One Locust run at a time: each is a few seconds long, and four at once on two cores would
/// measure the machine rather than the file.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
/// How long a test waits for Locust at most before it kills it.
const DEADLINE: Duration = Duration::from_secs(90);

/// Holds the Locust runs of other tests back until this one ends.
pub fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes the export of `args` (`send …` or `story …`, `--export locust` added) to DIR/NAME.
pub fn export(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let file = dir.join(name);
    let output = cmd()
        .env("TITANCARD_WEBHOOK_SECRET", SECRET)
        .args(args)
        .args(["--export", "locust", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(SECRET),
        "the secret is in {}",
        file.display()
    );
    file
}

/// A run's setting: a temp folder, the export of `args` in it as NAME, and `listen --save` to
/// receive (the folder, the file, the saved records' path, listen).
pub fn setting(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf, Listen) {
    let dir = tempfile::tempdir().unwrap();
    let file = export(dir.path(), name, args);
    let saves = dir.path().join("saved.jsonl");
    let listen = Listen::start(&["--secret", SECRET, "--save", saves.to_str().unwrap()]);
    (dir, file, saves, listen)
}

/// Locust from the peers' virtualenv, in a hermetic environment, its secret as given.
pub fn locust(file: &Path, secret: Option<&str>) -> Command {
    let mut command = Command::new(peer("venv/bin/locust"));
    hermetic(&mut command)
        .arg("-f")
        .arg(file)
        .stdin(Stdio::null());
    if let Some(secret) = secret {
        command.env("TITANCARD_WEBHOOK_SECRET", secret);
    }
    command
}

/// Waits for `child` (killing it past the deadline) and returns its output.
pub fn finish(mut child: Child, what: &str) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("{what} did not stop within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A free loopback port for Locust's master.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Locust's final statistics (`--json-file`): requests and failures of each named request.
pub struct Stats {
    pub by_name: BTreeMap<String, (u64, u64)>,
}

impl Stats {
    pub fn read(prefix: &Path) -> Stats {
        let path = prefix.with_extension("json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let entries: Vec<Value> = serde_json::from_str(&text).unwrap();
        let by_name = entries
            .iter()
            .map(|entry| {
                let count = |key: &str| entry[key].as_u64().unwrap();
                (
                    entry["name"].as_str().unwrap().to_string(),
                    (count("num_requests"), count("num_failures")),
                )
            })
            .collect();
        Stats { by_name }
    }

    pub fn requests(&self) -> u64 {
        self.by_name.values().map(|(requests, _)| requests).sum()
    }

    pub fn failures(&self) -> u64 {
        self.by_name.values().map(|(_, failures)| failures).sum()
    }
}

/// A master and two workers on 127.0.0.1, the run started at once (nobody at the web UI): `users`
/// users for `seconds`, the walks under way let finish; only the workers get the secret. Returns
/// Locust's statistics.
pub fn distributed(dir: &Path, file: &Path, host: &str, users: u32, seconds: u32) -> Stats {
    let port = free_port().to_string();
    let stats = dir.join(format!(
        "{}-stats",
        file.file_stem().unwrap().to_string_lossy()
    ));
    let users = users.to_string();
    let master = locust(file, None)
        .args([
            "--master",
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            &port,
        ])
        .args([
            "--expect-workers",
            "2",
            // Not --headless: a headless master quits half a second after its run time, before
            // the workers have finished the requests under way and reported them. With
            // --autostart it stops the workers first and waits for them; --autoquit outlasts
            // their last report (every 3 s) and the --stop-timeout after which a stopped worker
            // checks in again, so that the master's quit reaches it and it exits at once.
            "--autostart",
            "--autoquit",
            "8",
            "--web-host",
            "127.0.0.1",
            "--web-port",
            "0",
            "-u",
            &users,
            "-r",
            &users,
        ])
        .args([
            "-t",
            &format!("{seconds}s"),
            "--stop-timeout",
            "5",
            "--host",
            host,
        ])
        .arg("--json-file")
        .arg(&stats)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let workers: Vec<Child> = (0..2)
        .map(|_| {
            locust(file, Some(SECRET))
                .args([
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    &port,
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let master = finish(master, "the Locust master");
    for worker in workers {
        let output = finish(worker, "a Locust worker");
        assert!(
            output.status.success(),
            "a worker failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(
        master.status.success(),
        "the master failed ({:?}): {}{}",
        master.status.code(),
        String::from_utf8_lossy(&master.stdout),
        String::from_utf8_lossy(&master.stderr)
    );
    Stats::read(&stats)
}

/// Each saved record's payload, checked as a receiver would and independently of listen: the
/// signature recomputed here, the payload against its schema, the body compact JSON in the
/// sample's key order (as titancard-wh serializes it), the headers exactly these.
pub fn checked_payloads(records: &[RequestRecord]) -> Vec<Value> {
    let expected_headers: HashSet<&str> = [
        "host",
        "content-type",
        "x-webhook-signature",
        "x-webhook-event",
        "user-agent",
        "content-length",
        // Locust's FastHttpUser adds it to every request it makes, unless the request names one.
        "accept-encoding",
    ]
    .into();
    records
        .iter()
        .map(|record| {
            assert_eq!(record.verdict.as_deref(), Some("accepted"), "{record:?}");
            let body = record.body_bytes().unwrap();
            let names: HashSet<&str> = record.headers.iter().map(|(name, _)| name).collect();
            assert_eq!(names, expected_headers, "{:?}", record.headers);
            assert_eq!(record.headers.get("content-type"), Some("application/json"));
            assert_eq!(
                record.headers.get("user-agent"),
                Some("TitanCard-Webhooks/1.0")
            );
            assert_eq!(
                record.headers.get("x-webhook-signature"),
                Some(expected_signature(SECRET, &body).as_str())
            );
            let payload: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(
                record.headers.get("x-webhook-event"),
                payload["event"].as_str()
            );
            assert!(validate_payload(&payload, false).is_empty(), "{payload}");
            assert_eq!(
                serde_json::to_vec(&payload).unwrap(),
                body,
                "compact, in key order"
            );
            payload
        })
        .collect()
}

/// Whether `id` has the shape of the reference's `sample`: its prefix, its length, a-z0-9.
pub fn shaped_like(id: &str, sample: &str) -> bool {
    id.len() == sample.len()
        && id[..3] == sample[..3]
        && id != sample
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
}

/// The contact a story payload is about (`id` in `connection.*`, else `connection_id`).
pub fn contact_of(payload: &Value) -> String {
    let data = &payload["data"];
    let id = if payload["event"]
        .as_str()
        .unwrap()
        .starts_with("connection.")
    {
        &data["id"]
    } else {
        &data["connection_id"]
    };
    id.as_str().unwrap().to_string()
}
