//! Support for the `listen` tests: the real binary started on port 0, and raw HTTP/1.1 requests
//! over TCP, signed in the test with `common::expected_signature`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use titancard_wh::internals::RequestRecord;

use crate::common::expected_signature;

pub const SECRET: &str = "whsec_listen_test";

/// A running `listen` process.
pub struct Listen {
    pub child: Child,
    pub addr: SocketAddr,
    pub url: String,
    /// Every stdout line after the first, as it arrives.
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Listen {
    /// `listen --port 0` with `args`, reading no project file.
    pub fn start(args: &[&str]) -> Listen {
        let mut command = Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
        crate::common::hermetic(&mut command).args(["--no-config", "listen", "--port", "0"]);
        Self::spawn(command, args)
    }

    /// `listen` with `args` in the project folder `dir`, taking what flags do not give from its
    /// `titancard-wh.toml`.
    pub fn start_in(dir: &std::path::Path, args: &[&str]) -> Listen {
        let mut command = Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
        crate::common::hermetic(&mut command)
            .current_dir(dir)
            .arg("listen");
        Self::spawn(command, args)
    }

    fn spawn(mut command: Command, args: &[&str]) -> Listen {
        let mut child = command
            .args(["--color", "never"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("listen starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // The human first line, or with --format json the `listening` JSON line.
        let url = match first.trim_end().strip_prefix("listening on ") {
            Some(url) => url.to_string(),
            None => {
                let line = crate::common::json_output("listen", first.as_bytes());
                assert_eq!(line["type"], "listening", "first line: {first:?}");
                line["url"].as_str().unwrap().to_string()
            }
        };
        let authority = url
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap();
        let addr: SocketAddr = authority.parse().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Listen {
            child,
            addr,
            url,
            lines,
            reader: Some(reader),
        }
    }

    /// Waits (up to 20 s) until a printed line contains `needle`.
    pub fn wait_for_line(&self, needle: &str) -> bool {
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if self
                .lines
                .lock()
                .unwrap()
                .iter()
                .any(|line| line.contains(needle))
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// The first printed line that starts with `prefix`, waiting for it (up to 20 s).
    pub fn line_starting(&self, prefix: &str) -> String {
        assert!(
            self.wait_for_line(prefix),
            "no line starting with {prefix:?}"
        );
        let lines = self.lines.lock().unwrap();
        lines
            .iter()
            .find(|line| line.starts_with(prefix))
            .cloned()
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {lines:?}"))
    }

    /// Sends a signal with kill(1) and waits for the exit; returns the exit code, stdout lines
    /// after the first, and stderr.
    pub fn stop(mut self, signal: &str) -> (Option<i32>, Vec<String>, String) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).unwrap();
        }
        let lines = self.lines.lock().unwrap().clone();
        (exit.code(), lines, stderr)
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection: (status, body).
pub fn http(addr: SocketAddr, head: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!("{head} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_response(&mut stream)
}

pub fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

/// POSTs `body` to /webhook with the four headers, signed with `secret`.
pub fn deliver(addr: SocketAddr, event: &str, body: &[u8], secret: &str) -> (u16, String) {
    let signature = expected_signature(secret, body);
    http(
        addr,
        "POST /webhook",
        &[
            ("Content-Type", "application/json"),
            ("X-Webhook-Signature", &signature),
            ("X-Webhook-Event", event),
            ("User-Agent", "TitanCard-Webhooks/1.0"),
        ],
        body,
    )
}

/// A connection.created body with its own timestamp, so that each is a new delivery.
pub fn unique_body(timestamp: u64) -> Vec<u8> {
    let sample = titancard_wh::internals::find("connection.created")
        .unwrap()
        .sample;
    sample
        .replacen("1705420800000", &timestamp.to_string(), 1)
        .into_bytes()
}

pub fn saved(path: &std::path::Path) -> Vec<RequestRecord> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}
