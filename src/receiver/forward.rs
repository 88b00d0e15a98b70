//! `listen --forward-to URL`: relaying an accepted request to the user's app with the same body
//! and headers (hop-by-hop headers excepted), and bringing back its answer.

use std::time::Duration;

use bytes::Bytes;

use crate::delivery::{self, Answer, DeliveryError, OutgoingRequest};

/// The reference's delivery deadline ("Return a 2xx status code within 30 seconds").
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// The app's URL.
#[derive(Debug)]
pub struct Forwarder {
    url: String,
}

impl Forwarder {
    /// A forwarder to `url` (checked to be an http(s) URL).
    pub fn new(url: &str) -> anyhow::Result<Self> {
        delivery::check_url(url)?;
        Ok(Forwarder {
            url: url.to_string(),
        })
    }

    /// The app's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Relays `body` with `headers` (as received) and returns the app's answer.
    pub async fn relay(
        &self,
        headers: &[(String, String)],
        body: Bytes,
    ) -> Result<Answer, DeliveryError> {
        let request = OutgoingRequest {
            url: self.url.clone(),
            headers: delivery::relayable_headers(headers),
            body,
        };
        delivery::send_once(&request, FORWARD_TIMEOUT).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_stay_behind() {
        let headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("connection".to_string(), "keep-alive".to_string()),
            ("host".to_string(), "127.0.0.1:1".to_string()),
            ("content-length".to_string(), "2".to_string()),
            ("x-webhook-event".to_string(), "card.created".to_string()),
        ];
        let names: Vec<_> = delivery::relayable_headers(&headers)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["content-type", "x-webhook-event"]);
    }
}
