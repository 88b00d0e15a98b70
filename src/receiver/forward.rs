//! `listen --forward-to URL`: relaying an accepted request to the user's app with the same body
//! and headers (hop-by-hop headers excepted), and bringing back its answer.

use bytes::Bytes;

use crate::contract::DELIVERY_DEADLINE;
use crate::headers::Headers;
use crate::wire::{Answer, Client, DeliveryError, OutgoingRequest, WebhookUrl};

/// The app's URL and the client that reaches it.
#[derive(Debug)]
pub struct Forwarder {
    url: WebhookUrl,
    client: Client,
}

impl Forwarder {
    pub fn new(url: WebhookUrl, client: Client) -> Self {
        Forwarder { url, client }
    }

    /// Relays `body` with `headers` (as received) and returns the app's answer, which must come
    /// within the reference's delivery deadline.
    pub async fn relay(&self, headers: &Headers, body: Bytes) -> Result<Answer, DeliveryError> {
        let request = OutgoingRequest {
            url: self.url.clone(),
            headers: headers.relayable(),
            body,
        };
        self.client.send(&request, DELIVERY_DEADLINE).await
    }
}
