//! `listen --forward-to URL` (or a profile's `listen.forward`): relaying an accepted request to
//! the user's app, at its event's URL, with the same body and headers (hop-by-hop headers
//! excepted), and bringing back its answer.

use bytes::Bytes;

use crate::contract::DELIVERY_DEADLINE;
use crate::headers::Headers;
use crate::wire::{Answer, Client, DeliveryError, OutgoingRequest, Targets, WebhookUrl};

/// The app's URL for each event and the client that reaches it.
#[derive(Debug)]
pub struct Forwarder {
    targets: Targets,
    client: Client,
}

impl Forwarder {
    pub fn new(targets: Targets, client: Client) -> Self {
        Forwarder { targets, client }
    }

    /// Where `event` is relayed, if anywhere.
    pub fn target(&self, event: &str) -> Option<&WebhookUrl> {
        self.targets.get(event)
    }

    /// Relays `body` with `headers` (as received) to `url` and returns the app's answer, which
    /// must come within the reference's delivery deadline.
    pub async fn relay(
        &self,
        url: &WebhookUrl,
        headers: &Headers,
        body: Bytes,
    ) -> Result<Answer, DeliveryError> {
        let request = OutgoingRequest {
            url: url.clone(),
            headers: headers.relayable(),
            body,
        };
        self.client.send(&request, DELIVERY_DEADLINE).await
    }
}
