//! Support for the hostile-input and network-fault tests: servers on 127.0.0.1:0 that misbehave in
//! one precise way, and helpers to run the real binary and check that it failed cleanly.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server does with each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Reads the request, then sends half an answer and closes.
    HalfAnswer,
    /// Reads a few bytes and closes with the rest unread, so the kernel answers with a reset.
    Reset,
    /// Reads the request and never answers (the connection stays open until the server drops).
    Silent,
    /// Answers `302 Found` with a Location to another path.
    Redirect,
    /// Answers 200 with a body that never ends, for as long as the client reads.
    EndlessBody,
}

/// A raw TCP server that misbehaves as told; it counts the connections it saw.
pub struct FaultServer {
    pub addr: std::net::SocketAddr,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    held: Arc<Mutex<Vec<TcpStream>>>,
}

impl FaultServer {
    pub fn start(fault: Fault) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let held = Arc::new(Mutex::new(Vec::new()));
        let (count, stopping, keep) = (connections.clone(), stop.clone(), held.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let keep = keep.clone();
                thread::spawn(move || serve(stream, fault, keep));
            }
        });
        FaultServer {
            addr,
            connections,
            stop,
            held,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        for stream in self.held.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// Reads one request: the head, then Content-Length bytes of body.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return data;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return data,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn serve(mut stream: TcpStream, fault: Fault, held: Arc<Mutex<Vec<TcpStream>>>) {
    match fault {
        Fault::HalfAnswer => {
            read_request(&mut stream);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\npartial");
            let _ = stream.flush();
        }
        Fault::Reset => {
            // Wait for the request to arrive, read a little of it and close with the rest unread.
            thread::sleep(Duration::from_millis(100));
            let mut buf = [0u8; 4];
            let _ = stream.read(&mut buf);
        }
        Fault::Silent => {
            read_request(&mut stream);
            held.lock().unwrap().push(stream);
        }
        Fault::Redirect => {
            read_request(&mut stream);
            let _ = stream.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
            );
        }
        Fault::EndlessBody => {
            read_request(&mut stream);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
            // Stops when the client goes away; bounded so that a client that reads forever
            // cannot keep the test running forever (1 GiB).
            for _ in 0..65_536 {
                if stream.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}

/// A loopback port with nothing listening on it (bound, then released).
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/webhook")
}

/// A host that cannot resolve anywhere (the .invalid TLD is reserved, RFC 2606).
pub const UNRESOLVABLE_URL: &str = "http://no-such-host.invalid/webhook";

/// stdout, stderr and exit code of a finished run, as text.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn from(output: Output) -> Self {
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Nothing panicked and the process ended with an exit code (not a signal).
    pub fn clean(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "panicked:\n{}",
            self.stderr
        );
        assert!(self.code >= 0, "killed by a signal:\n{}", self.stderr);
        self
    }

    /// Exit code `code` and `text` in stdout or stderr.
    pub fn expect(&self, code: i32, text: &str) -> &Self {
        self.clean();
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(text) || self.stdout.contains(text),
            "expected {text:?}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// An error (exit 2) whose one-line message on stderr contains `text`.
    pub fn error(&self, text: &str) -> &Self {
        self.expect(2, text);
        assert!(
            self.stderr.contains("error:") && self.stderr.contains(text),
            "expected an error naming {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Stdout as one JSON document, checked against the command's published output schema.
    pub fn json(&self, command: &str) -> serde_json::Value {
        crate::common::json_output(command, self.stdout.as_bytes())
    }
}

/// Writes `bytes` to `dir/name`.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A raw captured delivery of `body` with the reference's headers and a correct signature.
pub fn http_capture(secret: &str, event: &str, body: &[u8]) -> Vec<u8> {
    let signature = crate::common::expected_signature(secret, body);
    let mut raw = format!(
        "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         X-Webhook-Signature: {signature}\r\nX-Webhook-Event: {event}\r\n\
         User-Agent: TitanCard-Webhooks/1.0\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw
}
