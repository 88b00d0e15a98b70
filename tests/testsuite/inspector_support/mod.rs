//! Support for the inspector tests: `listen --ui` started on port 0 (both ports read from its
//! first lines), its API called with reqwest, its event stream read raw, and the page driven in
//! headless Chromium by tests/testsuite/inspector_support/browser.cjs (playwright-core from the peers).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::expected_signature;
use crate::listen_support::{Listen, deliver, unique_body};

/// A secret that must never show up in anything the inspector serves.
pub const CANARY: &str = "whsec_canary_inspector_5f2c9e";

/// A running `listen --ui`.
pub struct Ui {
    pub listen: Listen,
    /// `http://127.0.0.1:PORT/#token=…`, as printed.
    pub url: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub token: String,
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// An answer: status, headers and body text.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|err| panic!("{err}: {}", self.text))
    }
}

impl Ui {
    /// `listen --port 0 --ui --ui-port 0 --secret CANARY` plus `args`.
    pub fn start(args: &[&str]) -> Ui {
        let mut all = vec!["--ui", "--ui-port", "0", "--secret", CANARY];
        all.extend_from_slice(args);
        let listen = Listen::start(&all);
        let line = listen.line_starting("inspector on ");
        let url = line["inspector on ".len()..].to_string();
        let (base, token) = url
            .split_once("/#token=")
            .expect("the URL carries the token");
        assert_eq!(token.len(), 32, "a 128-bit hex token: {url}");
        Ui {
            base: base.to_string(),
            token: token.to_string(),
            url,
            listen,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// Sends `request` and reads the whole answer.
    pub fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        self.runtime.block_on(async {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap();
            Answer {
                status,
                headers,
                text,
            }
        })
    }

    pub fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(format!("{}{path}", self.base)))
    }

    /// A state-changing request as the page makes it: same origin, with the token.
    pub fn change(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Origin", &self.base)
            .header("X-Inspector-Token", &self.token);
        if let Some(body) = body {
            request = with_json(request, &body);
        }
        self.send(request)
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// Waits (up to 20 s) until the API lists `count` deliveries; returns the list document.
    pub fn wait_for_events(&self, count: usize) -> Value {
        let started = Instant::now();
        loop {
            let list = self.get("/api/events").json();
            if list["events"].as_array().unwrap().len() >= count {
                return list;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "expected {count} deliveries: {list}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Reads the event stream (with `Last-Event-ID` when given) until `messages` `delivery`
    /// messages came or 10 s passed; returns every message as (event, id, data).
    pub fn stream(
        &self,
        last_event_id: Option<&str>,
        messages: usize,
    ) -> Vec<(String, Option<String>, Value)> {
        let mut request = self.client.get(format!("{}/api/stream", self.base));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        self.runtime.block_on(async {
            let mut response = request.send().await.unwrap();
            assert_eq!(
                response.headers()["content-type"],
                "text/event-stream",
                "the stream's type"
            );
            let mut text = String::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while text.matches("event: delivery").count() < messages {
                match tokio::time::timeout_at(deadline, response.chunk()).await {
                    Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
                    _ => break,
                }
            }
            parse_stream(&text)
        })
    }
}

/// `request` with `body` as its JSON body.
pub fn with_json(request: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    request
        .header("Content-Type", "application/json")
        .body(body.to_string())
}

/// SSE text as (event, id, data) messages; comments and `retry:` skipped.
pub fn parse_stream(text: &str) -> Vec<(String, Option<String>, Value)> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut event = None;
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    event = Some(value.to_string());
                } else if let Some(value) = line.strip_prefix("id: ") {
                    id = Some(value.to_string());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data = Some(serde_json::from_str(value).unwrap());
                }
            }
            Some((event?, id, data?))
        })
        .collect()
}

/// The three deliveries of the issue: a valid one, one signed with another secret, and the
/// valid one again.
pub fn three_deliveries(ui: &Ui) -> Vec<u8> {
    let body = unique_body(1_767_000_000_000);
    assert_eq!(
        deliver(ui.listen.addr, "connection.created", &body, CANARY).0,
        200
    );
    let other = unique_body(1_767_000_000_001);
    let wrong = deliver(ui.listen.addr, "connection.created", &other, "whsec_other");
    assert_eq!(wrong.0, 401);
    assert_eq!(
        deliver(ui.listen.addr, "connection.created", &body, CANARY).0,
        200
    );
    body
}

pub fn verdicts(list: &Value) -> Vec<(u64, String)> {
    list["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| {
            (
                event["id"].as_u64().unwrap(),
                event["verdict"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// Signed records as `listen --save` writes them, with fixed times, for a picture that does not
/// change from run to run: valid, a body that gained a newline, a duplicate, a schema failure.
pub fn picture_records() -> String {
    let valid = unique_body(1_767_225_600_000);
    let card = titancard_wh::internals::find("card.created")
        .unwrap()
        .sample
        .as_bytes()
        .to_vec();
    let mut newline = card.clone();
    newline.push(b'\n');
    let viewed = titancard_wh::internals::find("card.viewed")
        .unwrap()
        .sample
        .replace("\"total_views\": 142", "\"total_views\": \"142\"");
    let records = [
        (
            "09:14:02.481",
            "connection.created",
            &valid,
            expected_signature(CANARY, &valid),
            200,
            "accepted",
        ),
        (
            "09:14:07.113",
            "card.created",
            &newline,
            expected_signature(CANARY, &card),
            401,
            "invalid_signature",
        ),
        (
            "09:14:09.902",
            "connection.created",
            &valid,
            expected_signature(CANARY, &valid),
            200,
            "duplicate",
        ),
        (
            "09:15:31.040",
            "card.viewed",
            &viewed.clone().into_bytes(),
            expected_signature(CANARY, viewed.as_bytes()),
            400,
            "invalid_payload",
        ),
    ];
    records
        .into_iter()
        .map(|(time, event, body, signature, status, verdict)| {
            record_line(time, event, body, &signature, status, verdict)
        })
        .collect()
}

/// One `--save` line of a POST to /webhook at `time` (HH:MM:SS.mmm on 2026-01-01).
fn record_line(
    time: &str,
    event: &str,
    body: &[u8],
    signature: &str,
    status: u16,
    verdict: &str,
) -> String {
    let line = json!({
        "received_at": format!("2026-01-01T{time}Z"), "method": "POST", "path": "/webhook",
        "headers": [["host", "127.0.0.1:8787"], ["content-type", "application/json"],
            ["x-webhook-signature", signature], ["x-webhook-event", event],
            ["user-agent", "TitanCard-Webhooks/1.0"], ["content-length", body.len().to_string()]],
        "body": String::from_utf8(body.to_vec()).unwrap(), "body_encoding": "utf8",
        "status": status, "verdict": verdict,
    });
    format!("{line}\n")
}

/// The picture's records and the widest rows a list shows: the longest event name with a long
/// name and email and a signature nothing explains, a body that is not JSON, and a refused path.
pub fn layout_records() -> String {
    let changed = titancard_wh::internals::find("connection.status_changed")
        .unwrap()
        .sample
        .replace(
            "Jane Doe",
            "Maximiliane Alexandra Featherstonehaugh-Villanueva",
        )
        .replace(
            "jane@example.com",
            "maximiliane.featherstonehaugh@enterprise-example.com",
        );
    let not_json = b"{\"event\": \"enrichment.completed\", \"timestamp\": 1705420800000,".to_vec();
    let mut text = picture_records();
    text.push_str(&record_line(
        "09:16:00.001",
        "connection.status_changed",
        changed.as_bytes(),
        &expected_signature("whsec_another_secret", changed.as_bytes()),
        401,
        "invalid_signature",
    ));
    text.push_str(&record_line(
        "09:16:02.250",
        "enrichment.completed",
        &not_json,
        &expected_signature(CANARY, &not_json),
        400,
        "malformed_json",
    ));
    text
}

/// Chromium as Debian installs it (scripts/test installs it when missing).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The page in headless Chromium, driven by browser.cjs: one JSON command a line on its stdin,
/// one JSON answer a line on its stdout.
pub struct Browser {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens `url` in a fresh headless Chromium and waits until the page is live.
    pub fn open(url: &str) -> Browser {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: run scripts/test (it installs Debian's chromium)"
        );
        let modules = crate::peers_support::peer("node/node_modules/playwright-core")
            .parent()
            .map(Path::to_path_buf)
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(script())
            .arg(url)
            .arg(profile.path())
            .env("NODE_PATH", modules)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut browser = Browser {
            child,
            stdin,
            stdout,
            _profile: profile,
        };
        let ready = browser.read();
        assert_eq!(ready["ready"], true, "the page did not come up: {ready}");
        browser
    }

    /// Sends one command and returns its answer; panics with the script's error.
    pub fn ask(&mut self, command: Value) -> Value {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        let answer = self.read();
        assert!(answer["error"].is_null(), "{command}: {answer}");
        answer
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|err| panic!("browser.cjs said {line:?}: {err}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{{\"do\":\"quit\"}}");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/inspector_support/browser.cjs")
}
