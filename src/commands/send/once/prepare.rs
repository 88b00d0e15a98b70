//! The requests `send` makes, before any goes out: each selected sample with the overrides, or
//! the `--payload` file byte for byte with the event it announces; each signed, given its URL
//! (the event's route) and the `-H` headers.

use std::path::Path;

use anyhow::{Context, bail};
use bytes::Bytes;
use serde_json::Value;

use crate::cli::SendArgs;
use crate::commands::send;
use crate::config::Settings;
use crate::events::EventSpec;
use crate::input;
use crate::output;
use crate::payload::{self, Overrides};
use crate::secret::Secret;
use crate::wire::{OutgoingRequest, WebhookUrl};

/// One request ready to go: the event it announces, the signed request, and whether its URL is
/// known (a dry run without one shows a placeholder).
pub(super) struct Prepared {
    pub event: String,
    pub request: OutgoingRequest,
    pub url_known: bool,
}

/// The requests of this run, in order, each to its URL (`--url`, else the profile's route for
/// its event, else the profile's url; a dry run may go without one).
pub(super) fn prepare(
    args: &SendArgs,
    settings: &Settings,
    secret: &Secret,
) -> anyhow::Result<Vec<Prepared>> {
    let placeholder: WebhookUrl = "http://localhost/"
        .parse()
        .expect("the placeholder URL is valid");
    let mut prepared = Vec::new();
    if let Some(path) = &args.payload {
        prepared.push(from_file(args, path, &placeholder, secret)?);
    } else {
        let overrides = send::overrides(args, args.timestamp);
        for spec in send::selected_events(args) {
            prepared.push(from_sample(args, spec, &overrides, &placeholder, secret)?);
        }
    }
    for item in &mut prepared {
        match settings.url_for(&item.event, args.url.as_ref()) {
            Ok(url) => {
                item.request.url = url.value;
                item.url_known = true;
            }
            Err(_) if args.dry_run => {}
            Err(err) => return Err(err),
        }
        for header in &args.header {
            item.request.headers.set(&header.name, header.value.clone());
        }
    }
    Ok(prepared)
}

/// The event's sample with the overrides, validated, serialized and signed.
fn from_sample(
    args: &SendArgs,
    spec: &EventSpec,
    overrides: &Overrides,
    url: &WebhookUrl,
    secret: &Secret,
) -> anyhow::Result<Prepared> {
    let value = payload::build(spec, overrides)?;
    if !args.no_validate {
        payload::check_valid(&value, spec.name)?;
    }
    let body = Bytes::from(payload::to_bytes(&value));
    Ok(Prepared {
        event: spec.name.to_string(),
        request: OutgoingRequest::signed(url, spec.name, body, secret),
        url_known: false,
    })
}

/// `--payload FILE|-`, sent byte for byte; the event is the EVENT argument or the body's own.
fn from_file(
    args: &SendArgs,
    path: &Path,
    url: &WebhookUrl,
    secret: &Secret,
) -> anyhow::Result<Prepared> {
    let source = input::name(Some(path));
    let body = input::read(Some(path))?;
    let parsed = serde_json::from_slice::<Value>(&body);
    let body_event = parsed
        .as_ref()
        .ok()
        .and_then(|value| value.get("event"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let event = match (args.events.first().copied(), &body_event) {
        (Some(spec), Some(named)) if named != spec.name => {
            output::warning(&format!(
                "{source} names event '{named}' but X-Webhook-Event will say '{}'",
                spec.name
            ));
            spec.name.to_string()
        }
        (Some(spec), _) => spec.name.to_string(),
        (None, Some(named)) => named.clone(),
        (None, None) => bail!(
            "{source}: no event for the X-Webhook-Event header: the body has no \"event\" \
             string; give the event as an argument (send EVENT --payload FILE)"
        ),
    };
    if !args.no_validate {
        let value = parsed.with_context(|| {
            format!("{source} is not JSON (pass --no-validate to send it anyway)")
        })?;
        payload::check_valid(&value, &source)?;
    }
    Ok(Prepared {
        request: OutgoingRequest::signed(url, &event, Bytes::from(body), secret),
        event,
        url_known: false,
    })
}
