//! A TitanCard webhook receiver on axum, as the reference's "Error Handling" asks for one: 2xx
//! for every good delivery, 401 when the signature fails, 400 for a malformed payload, and each
//! event handled once however often it is delivered.
//!
//! ```sh
//! TITANCARD_WEBHOOK_SECRET=whsec_test PORT=3000 \
//!   cargo run -p titancard-webhooks --features axum --example axum_receiver
//! titancard-wh probe --url http://127.0.0.1:3000/webhook --secret whsec_test
//! ```
//!
//! It prints one line per delivery: `stored <event> <id> <timestamp>` the first time,
//! `duplicate …` for a repeat. A real receiver would store the event in its database under a
//! unique key; here a set in memory stands for it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::post;
use titancard_webhooks::axum::VerifiedEvent;
use titancard_webhooks::{DeliveryKey, EventData, Webhook};

/// What the handler needs: the webhook's secret, keyed, and the deliveries already stored.
#[derive(Clone, FromRef)]
struct App {
    webhook: Webhook,
    stored: Arc<Mutex<HashSet<DeliveryKey>>>,
}

async fn receive(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> impl IntoResponse {
    let key = event.delivery_key();
    let id = key.id.clone().unwrap_or_default();
    // A poisoned lock only means another request panicked mid-insert; the set is still whole.
    let new = app
        .stored
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(key);
    if !new {
        println!("duplicate {} {id} {}", event.event, event.timestamp);
        return json(r#"{"received":true,"duplicate":true}"#);
    }
    if let EventData::ConnectionCreated(contact) = &event.data {
        // Where a CRM sync would create the contact.
        let _ = (&contact.full_name, &contact.email);
    }
    println!("stored {} {id} {}", event.event, event.timestamp);
    json(r#"{"received":true}"#)
}

fn json(body: &'static str) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], body)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("TITANCARD_WEBHOOK_SECRET")
        .map_err(|_| "set TITANCARD_WEBHOOK_SECRET to the webhook's secret")?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT={port} is not a port"))?,
        Err(_) => 3000,
    };
    let app = App {
        webhook: Webhook::new(secret)?,
        stored: Arc::default(),
    };
    let router = Router::new()
        .route("/webhook", post(receive))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}/webhook", listener.local_addr()?);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
