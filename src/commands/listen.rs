//! `listen`: runs the local receiver (and with `--ui` the inspector beside it) until Ctrl-C or
//! SIGTERM, then prints the summary.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde::Serialize;

use anyhow::{Context, bail};

use crate::Outcome;
use crate::cli::ListenArgs;
use crate::config::Settings;
use crate::inspector::{self, History, Inspector, is_loopback_name};
use crate::output::{self, Format};
use crate::receiver::simulate::Simulation;
use crate::receiver::{Config, Receiver};

/// How long in-flight requests may take to finish after a stop signal, beyond `--delay`.
const GRACE: Duration = Duration::from_secs(30);

/// Runs `listen`: port, record file, secret and relay from the flags, else the profile.
pub fn run(args: ListenArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve(settings)?;
    let port = settings.listen_port(args.port).value;
    let save = settings
        .listen_save(args.save.as_deref())
        .map(|save| save.value);
    let ui_host = inspector_host(&args)?;
    // Read back before the receiver appends to the file, so that ids follow its lines.
    let history = match (&ui_host, &save) {
        (Some(_), Some(path)) => History::load(path, secrets.all())?,
        _ => History::empty(),
    };
    let inspector_secrets = secrets.clone();
    let simulation = Simulation::new(
        args.status,
        args.fail_rate,
        args.fail_first.unwrap_or(0),
        args.delay,
    );
    let grace = GRACE + args.delay.unwrap_or_default();
    let forward_to = settings
        .forward_targets(args.forward_to.as_ref())?
        .map(|targets| (targets, args.trust.client()));
    let config = Config {
        path: args.path.clone(),
        max_body: args.max_body,
        secrets,
        read_timeout: args.read_timeout,
        dedupe_capacity: args.dedupe_capacity,
        save: save.clone(),
        forward_to,
        simulation,
        log: Some(args.format),
        verbose: args.verbose,
    };
    let format = args.format;
    crate::runtime()?.block_on(async move {
        let (observer, observed) = match ui_host {
            Some(_) => {
                let (observer, observed) = inspector::observer();
                (Some(observer), Some(observed))
            }
            None => (None, None),
        };
        let receiver = Receiver::start(&args.host, port, config, observer).await?;
        if !receiver.addr().ip().is_loopback() {
            crate::output::warning(&format!(
                "listening on {} exposes the receiver beyond this machine",
                receiver.addr()
            ));
        }
        let inspector = match (ui_host, observed) {
            (Some(host), Some(observed)) => {
                let settings = inspector::Settings {
                    ui_host: args.ui_host.clone(),
                    host,
                    port: args.ui_port,
                    receiver: receiver.url().parse().context("the receiver's URL")?,
                    forward_to: args.forward_to.clone(),
                    save: save.clone(),
                    secrets: inspector_secrets,
                    client: args.trust.client(),
                };
                Some(Inspector::start(settings, history, observed).await?)
            }
            _ => None,
        };
        print_addresses(
            format,
            &receiver.url(),
            inspector.as_ref().map(Inspector::url),
        )?;
        stop_signal().await?;
        let summary = receiver.shutdown(grace).await;
        drop(inspector);
        let mut out = std::io::stdout().lock();
        match format {
            Format::Human => {
                // On a terminal the summary starts after the echoed ^C, not beside it.
                if std::io::stdout().is_terminal() {
                    writeln!(out)?;
                }
                writeln!(out, "{}", summary.to_human())?
            }
            Format::Json => output::write_json_line(&mut out, &summary.report())?,
        }
        out.flush()?;
        Ok(Outcome::Success)
    })
}

/// The first JSON lines: where the receiver listens, then the inspector
/// (schemas/output/listen.schema.json).
#[derive(Serialize)]
struct Address<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Always true: the receiver (or the inspector) is up.
    ok: bool,
    url: &'a str,
}

/// `listening on URL`, then `inspector on URL` with `--ui`, flushed at once: scripts and tests
/// read these first lines to learn the ports.
fn print_addresses(format: Format, receiver: &str, inspector: Option<&str>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let lines = [("listening", Some(receiver)), ("inspector", inspector)];
    for (kind, url) in lines {
        let Some(url) = url else { continue };
        match format {
            Format::Human if kind == "listening" => writeln!(out, "listening on {url}")?,
            Format::Human => writeln!(out, "inspector on {url}")?,
            Format::Json => output::write_json_line(
                &mut out,
                &Address {
                    kind,
                    ok: true,
                    url,
                },
            )?,
        }
    }
    out.flush()?;
    Ok(())
}

/// Where the inspector is served (`None` without `--ui`). It stays on loopback: with a receiver
/// exposed by `--host`, `--ui-host` must say where it goes, and an exposed one is warned about.
fn inspector_host(args: &ListenArgs) -> anyhow::Result<Option<String>> {
    if !args.ui {
        return Ok(None);
    }
    match &args.ui_host {
        None if !is_loopback_name(&args.host) => bail!(
            "--ui with --host {}: the inspector shows every delivery and can send them again, \
             so it is not exposed along with the receiver; say where it listens with --ui-host \
             (--ui-host 127.0.0.1 keeps it on this machine)",
            args.host
        ),
        None => Ok(Some("127.0.0.1".to_string())),
        Some(host) => {
            if !is_loopback_name(host) {
                output::warning(&format!(
                    "--ui-host {host} exposes the inspector beyond this machine: whoever reaches \
                     it sees every delivery (replaying one also needs the token in its URL)"
                ));
            }
            Ok(Some(host.clone()))
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())
            .map_err(|err| anyhow::anyhow!("cannot watch for SIGTERM: {err}"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result
                .map_err(|err| anyhow::anyhow!("cannot watch for Ctrl-C: {err}")),
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(|err| anyhow::anyhow!("cannot watch for Ctrl-C: {err}"))
    }
}
