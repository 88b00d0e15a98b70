//! The local webhook receiver behind `listen` and `demo`: an HTTP/1.1 server (hyper on tokio) that
//! verifies, validates, dedupes, records and answers each delivery, and shuts down gracefully.
//!
//! Submodules, one job each: `handle` (one request through the checks), `verdict` (what was
//! concluded and the answer's body), `dedupe` (bounded duplicate memory), `save` (the `--save`
//! file), `forward` (`--forward-to`), `simulate` (failure simulation), `printer` (the lines on
//! the terminal, and the counts), `observer` (who hears of each request once it is answered),
//! `linger` (closing a connection so that a sender still writing reads its answer).

pub mod dedupe;
mod exchange;
mod forward;
mod handle;
mod lines;
mod linger;
pub mod observer;
mod payload;
mod printer;
mod save;
pub mod simulate;
pub mod verdict;

use std::future::poll_fn;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, watch};

use crate::output::Format;
use crate::secret::Secrets;
use crate::signature::{self, Webhook};
use crate::wire::{Client, Targets};
use dedupe::Dedupe;
pub use exchange::Exchange;
use forward::Forwarder;
pub use lines::key_fields;
pub use observer::{Observed, Observer};
use printer::Printer;
pub use printer::Summary;
use save::Saver;
use simulate::Simulation;

/// How long a client may take to send its headers, and separately its body, by default.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything that decides how the receiver behaves.
#[derive(Debug)]
pub struct Config {
    /// The path that receives webhooks; any other answers 404.
    pub path: String,
    /// Bodies over this many bytes answer 413.
    pub max_body: usize,
    /// The secrets a signature may match (several for rotation).
    pub secrets: Secrets,
    /// How long a client may take to send its headers, and its body.
    pub read_timeout: Duration,
    /// How many accepted delivery keys to remember for duplicate detection (0: off).
    pub dedupe_capacity: usize,
    /// Append one record per request to this file before answering.
    pub save: Option<PathBuf>,
    /// Relay accepted requests to their event's URL (through this client) and answer with its
    /// status; an event without a URL is answered here.
    pub forward_to: Option<(Targets, Client)>,
    pub simulation: Simulation,
    /// Print one line per request in this format; `None` prints nothing.
    pub log: Option<Format>,
    /// `-v`: print each request's headers and body, and the app's whole answer, too.
    pub verbose: bool,
}

/// State shared by every connection.
struct Shared {
    path: String,
    max_body: usize,
    secrets: Secrets,
    /// The secrets keyed once, for every request's check.
    webhook: Webhook,
    read_timeout: Duration,
    dedupe: Mutex<Dedupe>,
    saver: Option<Saver>,
    forwarder: Option<Forwarder>,
    simulation: Simulation,
    printer: Printer,
    observer: Option<Observer>,
}

impl Shared {
    /// Reserves a delivery key; `false` for a duplicate.
    fn remember(&self, key: &str) -> bool {
        self.dedupe
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key)
    }

    /// Releases a key whose delivery was not acknowledged.
    fn forget(&self, key: &str) {
        self.dedupe
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }
}

/// A running receiver.
pub struct Receiver {
    addr: SocketAddr,
    path: String,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Binds `host:port` and starts serving. `observer`, when given, receives every request
    /// after it is answered.
    pub async fn start(
        host: &str,
        port: u16,
        config: Config,
        observer: Option<Observer>,
    ) -> anyhow::Result<Receiver> {
        if !config.path.starts_with('/') {
            anyhow::bail!("--path {} must start with /", config.path);
        }
        let saver = match &config.save {
            Some(path) => Some(
                Saver::open(path)
                    .with_context(|| format!("cannot open {} for appending", path.display()))?,
            ),
            None => None,
        };
        let forwarder = config
            .forward_to
            .map(|(targets, client)| Forwarder::new(targets, client));
        let listener = bind(host, port)
            .await
            .with_context(|| format!("cannot listen on {host}:{port}"))?;
        let addr = listener
            .local_addr()
            .with_context(|| format!("cannot listen on {host}:{port}"))?;
        let shared = Arc::new(Shared {
            path: config.path.clone(),
            max_body: config.max_body,
            webhook: signature::webhook(config.secrets.all()),
            secrets: config.secrets,
            read_timeout: config.read_timeout,
            dedupe: Mutex::new(Dedupe::new(config.dedupe_capacity)),
            saver,
            forwarder,
            simulation: config.simulation,
            printer: Printer::new(config.log, config.verbose),
            observer,
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let server = tokio::spawn(serve(listener, shared.clone(), shutdown_rx));
        Ok(Receiver {
            addr,
            path: config.path,
            shutdown,
            server,
            shared,
        })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT/PATH`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.path)
    }

    /// Stops accepting connections, lets the requests in flight finish (waiting at most
    /// `grace`), and returns the final counts.
    pub async fn shutdown(self, grace: Duration) -> Summary {
        let _ = self.shutdown.send(true);
        let _ = tokio::time::timeout(grace, self.server).await;
        self.shared.printer.flush();
        self.shared.printer.summary()
    }
}

/// How many connections the kernel queues before they are accepted. A burst of deliveries must
/// wait its turn, not be reset: the default backlog here is 128, and a burst over it loses
/// connections (the kernel caps this at net.core.somaxconn).
const ACCEPT_BACKLOG: u32 = 1024;

/// Binds to the first address `host` resolves to that accepts, with `ACCEPT_BACKLOG`.
async fn bind(host: &str, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        // As tokio's own bind does: a restarted listen can take its port back at once.
        socket.set_reuseaddr(true)?;
        match socket
            .bind(addr)
            .and_then(|()| socket.listen(ACCEPT_BACKLOG))
        {
            Ok(listener) => return Ok(listener),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the host resolves to no address",
        )
    }))
}

/// Accepts connections until shutdown, then waits for the open ones to finish.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.read_timeout)
        .keep_alive(true);
    // Every connection task holds a sender; when all are dropped, `recv` returns None.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors or a reset before accept: back off, keep serving.
                    crate::output::warning(&format!("cannot accept a connection: {err}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut shutdown) => break,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        // Boxed so that the connection can be polled without shutting its stream, taken back
        // to close it lingering.
        let service = service_fn(move |request| Box::pin(handle::serve(shared.clone(), request)));
        let mut connection = builder.serve_connection(TokioIo::new(stream), service);
        let mut shutdown = shutdown.clone();
        let open = open_tx.clone();
        tokio::spawn(async move {
            let mut stopping = false;
            let served = tokio::select! {
                served = poll_fn(|cx| connection.poll_without_shutdown(cx)) => served,
                _ = stopped(&mut shutdown) => {
                    stopping = true;
                    // Finish the request in flight, then close instead of keeping alive.
                    std::pin::Pin::new(&mut connection).graceful_shutdown();
                    poll_fn(|cx| connection.poll_without_shutdown(cx)).await
                }
            };
            if served.is_ok() && !stopping {
                let stream = connection.into_parts().io.into_inner();
                tokio::select! {
                    () = linger::close(stream) => {}
                    _ = stopped(&mut shutdown) => {}
                }
            }
            drop(open);
        });
    }
    drop(listener);
    drop(open_tx);
    let _ = open_rx.recv().await;
}

/// Resolves once shutdown has been asked for (or the receiver is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
