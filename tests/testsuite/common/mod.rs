//! Shared test support: the real binary in a hermetic environment, a real HTTP server on
//! 127.0.0.1:0 that records what arrives, and signatures recomputed independently of the code
//! under test.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The reference's 14 events in its order, written out here rather than taken from the
/// catalogue, so that tests check the catalogue against the reference.
pub const REFERENCE_EVENTS: [&str; 14] = [
    "card.created",
    "card.updated",
    "card.deleted",
    "card.viewed",
    "card.shared",
    "connection.created",
    "connection.updated",
    "connection.deleted",
    "connection.tagged",
    "connection.status_changed",
    "reminder.created",
    "reminder.due",
    "note.added",
    "enrichment.completed",
];

/// The binary under test, with no secret, colour, backtrace or project-file settings leaking in:
/// `--no-config`, so that no `titancard-wh.toml` (a developer's own, in the checkout or above it)
/// is ever read.
pub fn cmd() -> assert_cmd::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
    hermetic(&mut command).arg("--no-config");
    assert_cmd::Command::from_std(command)
}

/// The binary reading project files as a user's would, run in `dir`: give it a `.git` folder
/// (see `project`) so that the walk up stops there. The user file is looked for in an empty
/// folder unless the test sets XDG_CONFIG_HOME itself.
pub fn project_cmd(dir: &std::path::Path) -> assert_cmd::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_titancard-wh"));
    hermetic(&mut command).current_dir(dir);
    assert_cmd::Command::from_std(command)
}

/// A temp folder that is a repository root (it holds `.git`), so that the project file's walk up
/// never reaches a stray `titancard-wh.toml` above it.
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// The environment every run of the binary gets: no secret, profile or project file from the
/// developer's shell, the user config folder empty, no colour settings, no backtraces.
pub fn hermetic(command: &mut std::process::Command) -> &mut std::process::Command {
    let empty = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-config-home");
    std::fs::create_dir_all(&empty).unwrap();
    command
        .env_remove("TITANCARD_WEBHOOK_SECRET")
        .env_remove("TITANCARD_WH_CONFIG")
        .env_remove("TITANCARD_WH_PROFILE")
        .env("XDG_CONFIG_HOME", empty)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("RUST_BACKTRACE", "0")
}

/// Parses a command's `--format json` output and checks it against its published schema,
/// `schemas/output/NAME.schema.json`; panics naming every violation.
pub fn json_output(name: &str, stdout: &[u8]) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_else(|err| {
        panic!(
            "{name}: not one JSON document ({err}): {}",
            String::from_utf8_lossy(stdout)
        )
    });
    assert_schema(name, &value);
    value
}

/// Checks one JSON value against `schemas/output/NAME.schema.json`.
pub fn assert_schema(name: &str, value: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/output")
        .join(format!("{name}.schema.json"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the output schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|err| format!("{} at {}", err, err.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} output does not match its schema:\n  {}\n{value:#}",
        errors.join("\n  ")
    );
}

/// `sha256=<hex>` computed here with ring directly, not through the crate's signature code (which
/// is the library's, on RustCrypto's hmac and sha2).
pub fn expected_signature(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    format!(
        "sha256={}",
        hex::encode(ring::hmac::sign(&key, body).as_ref())
    )
}

/// One request as the test server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// What the test server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: b"{\"received\":true}".to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Responder = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// A real HTTP/1.1 server on 127.0.0.1:0, run on its own thread, recording every request.
pub struct TestServer {
    pub addr: SocketAddr,
    scheme: &'static str,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<std::sync::atomic::AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

impl TestServer {
    /// A server that answers every request with 200 `{"received":true}`.
    pub fn ok() -> Self {
        Self::start(|_, _| Reply::status(200))
    }

    /// A server whose answer to the n-th request (0-based) is `respond(n, &request)`.
    pub fn start(respond: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(None, respond)
    }

    /// Like `start`, speaking https with `tls` (its `url` is then an https URL).
    pub fn start_with(
        tls: Option<tokio_rustls::TlsAcceptor>,
        respond: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let respond: Arc<Responder> = Arc::new(respond);
        let shared = requests.clone();
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let accepted = connections.clone();
        let scheme = if tls.is_some() { "https" } else { "http" };
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let requests = shared.clone();
                let respond = respond.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let requests = requests.clone();
                        let respond = respond.clone();
                        async move { Ok::<_, Infallible>(handle(request, &requests, &*respond).await) }
                    });
                    match tls {
                        None => {
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                        Some(acceptor) => {
                            // A client that refuses the certificate ends the handshake here.
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            }
                        }
                    }
                });
            }
        });
        TestServer {
            addr,
            scheme,
            requests,
            connections,
            _runtime: runtime,
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn handle(
    request: Request<Incoming>,
    requests: &Mutex<Vec<Recorded>>,
    respond: &Responder,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let index = {
        let mut all = requests.lock().unwrap();
        all.push(recorded.clone());
        all.len() - 1
    };
    let reply = respond(index, &recorded);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    response.body(Full::new(Bytes::from(reply.body))).unwrap()
}
