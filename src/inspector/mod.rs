//! `listen --ui`: a live web inspector of the deliveries the receiver gets, on its own loopback
//! port. The receiver reports each answered request through its observer (never waiting on it);
//! an ingest task turns them into entries in a bounded store; the server gives the page, the JSON
//! API and the event stream over that store.
//!
//! Submodules, one job each: `entry` (a delivery as the API shows it), `reason` (why one failed,
//! in a line), `store` (what is kept),
//! `history` (the `--save` file read back at start), `security` (Host, Origin and token checks),
//! `api` (the JSON documents), `replay` (sending a delivery again), `sse` (the event stream),
//! `server` (HTTP and routing), `page` (the embedded HTML, CSS and JS).

mod api;
mod entry;
mod history;
mod page;
mod reason;
mod replay;
mod security;
mod server;
mod sse;
mod store;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::receiver::observer::Lost;
use crate::receiver::{Observed, Observer};
use crate::secret::Secrets;
use crate::wire::{Client, WebhookUrl};
use entry::Entry;
pub use history::History;
use replay::Replayer;
use security::Guard;
pub use security::is_loopback_name;
use store::Store;

/// How many answered requests may wait for the ingest task before further ones are lost (and
/// counted): it only converts them, so it falls this far behind only under extreme load.
const OBSERVER_CAPACITY: usize = 1024;
/// How many reports the ingest task takes at once.
const INGEST_BATCH: usize = 256;

/// What the inspector needs to know.
pub struct Settings {
    /// Where to serve it.
    pub host: String,
    pub port: u16,
    /// Besides the loopback names, the one `Host` accepted: a `--ui-host` the user chose.
    pub ui_host: Option<String>,
    /// The receiver's URL: the default replay target and the curl commands' URL.
    pub receiver: WebhookUrl,
    pub forward_to: Option<WebhookUrl>,
    /// The `--save` file, shown on the page.
    pub save: Option<PathBuf>,
    /// The receiver's secrets: to diagnose bad signatures and sign fresh re-sends. They never
    /// leave this process.
    pub secrets: Secrets,
    /// The client replays go through.
    pub client: Client,
}

/// What the server's handlers share.
pub struct State {
    store: Arc<Store>,
    guard: Guard,
    replayer: Replayer,
    secrets: Secrets,
    /// A random identifier of this run.
    run: Arc<str>,
    lost: Lost,
    forward_to: Option<WebhookUrl>,
    save: Option<String>,
}

/// A running inspector; it stops when dropped.
pub struct Inspector {
    url: String,
    tasks: [JoinHandle<()>; 2],
}

/// The observer to give the receiver, and its other end for `Inspector::start`.
pub fn observer() -> (Observer, Observed) {
    Observer::channel(OBSERVER_CAPACITY)
}

impl Inspector {
    /// Serves the inspector on `settings.host:port`, starting from `history` and fed by
    /// `observed`.
    pub async fn start(
        settings: Settings,
        history: History,
        observed: Observed,
    ) -> anyhow::Result<Inspector> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .await
            .with_context(|| {
                format!(
                    "cannot serve the inspector on {}:{}",
                    settings.host, settings.port
                )
            })?;
        let addr = listener
            .local_addr()
            .context("cannot serve the inspector")?;
        let token = security::new_token();
        let store = Arc::new(Store::new(
            history.entries,
            history.older,
            history.lines + 1,
        ));
        let state = Arc::new(State {
            store: store.clone(),
            guard: Guard::new(&token, settings.ui_host.as_deref()),
            replayer: Replayer::new(
                settings.client,
                settings.receiver,
                settings.secrets.primary().clone(),
            ),
            secrets: settings.secrets.clone(),
            run: Arc::from(hex::encode(rand::random::<[u8; 8]>())),
            lost: observed.lost.clone(),
            forward_to: settings.forward_to,
            save: settings.save.map(|path| path.display().to_string()),
        });
        let ingest = tokio::spawn(ingest(store, observed, settings.secrets));
        let server = tokio::spawn(server::serve(listener, state));
        Ok(Inspector {
            url: format!("http://{addr}/#token={token}"),
            tasks: [ingest, server],
        })
    }

    /// The page's address, with this run's token.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Inspector {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Turns each reported exchange into an entry, in batches, off the request path.
async fn ingest(store: Arc<Store>, mut observed: Observed, secrets: Secrets) {
    let mut batch = Vec::with_capacity(INGEST_BATCH);
    while observed.exchanges.recv_many(&mut batch, INGEST_BATCH).await > 0 {
        let first = store.next_id();
        let entries: Vec<Entry> = batch
            .drain(..)
            .zip(first..)
            .map(|(exchange, id)| Entry::from_exchange(id, &exchange, secrets.all()))
            .collect();
        store.push(entries);
    }
}
