//! `listen --forward-to URL`: relaying an accepted request to the user's app with the same body
//! and headers (hop-by-hop headers excepted), and bringing back its answer.

use std::time::Duration;

use bytes::Bytes;

use crate::delivery::{self, Answer, DeliveryError, OutgoingRequest};

/// The reference's delivery deadline ("Return a 2xx status code within 30 seconds").
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), plus the ones
/// the client sets itself for the new connection.
const NOT_RELAYED: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

/// The app's URL and one reused HTTP client.
#[derive(Debug)]
pub struct Forwarder {
    url: String,
    client: reqwest::Client,
}

impl Forwarder {
    /// A forwarder to `url` (checked to be an http(s) URL).
    pub fn new(url: &str) -> anyhow::Result<Self> {
        delivery::check_url(url)?;
        Ok(Forwarder {
            url: url.to_string(),
            client: delivery::client(FORWARD_TIMEOUT)?,
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
            headers: relayed_headers(headers),
            body,
        };
        delivery::post(&self.client, &request, FORWARD_TIMEOUT).await
    }
}

/// The received headers minus hop-by-hop ones and Content-Length (the client sets it).
fn relayed_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            !NOT_RELAYED.iter().any(|hop| name.eq_ignore_ascii_case(hop))
                && !name.eq_ignore_ascii_case("content-length")
        })
        .cloned()
        .collect()
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
        let names: Vec<_> = relayed_headers(&headers)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["content-type", "x-webhook-event"]);
    }
}
