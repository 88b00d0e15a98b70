//! `listen`: runs the local receiver until Ctrl-C or SIGTERM, then prints the summary.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde::Serialize;

use crate::Outcome;
use crate::cli::ListenArgs;
use crate::config::Settings;
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
        save,
        forward_to,
        simulation,
        log: Some(args.format),
        verbose: args.verbose,
    };
    let format = args.format;
    crate::runtime()?.block_on(async move {
        let receiver = Receiver::start(&args.host, port, config, None).await?;
        if !receiver.addr().ip().is_loopback() {
            crate::output::warning(&format!(
                "listening on {} exposes the receiver beyond this machine",
                receiver.addr()
            ));
        }
        {
            // Scripts and tests read this first line to learn the port; flush it now.
            let mut out = std::io::stdout().lock();
            match format {
                Format::Human => writeln!(out, "listening on {}", receiver.url())?,
                Format::Json => output::write_json_line(
                    &mut out,
                    &Listening {
                        kind: "listening",
                        url: &receiver.url(),
                    },
                )?,
            }
            out.flush()?;
        }
        stop_signal().await?;
        let summary = receiver.shutdown(grace).await;
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

/// The first JSON line: where the receiver listens (schemas/output/listen.schema.json).
#[derive(Serialize)]
struct Listening<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
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
