//! Single deliveries on hyper-util's client (hyper-rustls for https): a fresh connection each,
//! exactly the request's headers after `Host` (title-cased) plus `Content-Length`, no redirect
//! followed, an answer heard even when it came before the whole body went out, the whole
//! exchange within a deadline, and failures classified by their type.

use std::error::Error as StdError;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HOST, HeaderMap, HeaderName, HeaderValue};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;

use super::early_answer::Connector;
use super::tls::Trust;
use super::{Answer, DeliveryError, MAX_RESPONSE_BODY, OutgoingRequest, WebhookUrl};
use crate::headers::Headers;

type Http = Connector<HttpConnector<Resolver>>;
type LegacyClient<C> = hyper_util::client::legacy::Client<C, Full<Bytes>>;

/// How many bytes of an answer beyond the kept part are read and dropped before giving up on the
/// rest (an endless answer must not hold the delivery until its timeout).
const DRAIN_LIMIT: usize = 64 * 1024;

/// The client every single delivery goes through.
pub struct Client {
    http: LegacyClient<Http>,
    https: OnceLock<Result<LegacyClient<HttpsConnector<Http>>, String>>,
    trust: Trust,
}

impl Client {
    /// A client trusting the platform's roots and the `--cacert` ones in `trust`.
    pub fn new(trust: Trust) -> Client {
        Client {
            http: builder().build(connector()),
            https: OnceLock::new(),
            trust,
        }
    }

    /// Sends one request on a fresh connection and reads the answer (its body up to
    /// `MAX_RESPONSE_BODY`), all within `timeout`.
    pub async fn send(
        &self,
        request: &OutgoingRequest,
        timeout: Duration,
    ) -> Result<Answer, DeliveryError> {
        let url = &request.url;
        let http_request = build_request(request).map_err(|reason| DeliveryError::Other {
            url: url.to_string(),
            reason,
        })?;
        let started = Instant::now();
        let exchange = async {
            let response = match url.is_https() {
                false => self.http.request(http_request).await,
                true => self.https_client(url)?.request(http_request).await,
            }
            .map_err(|err| classify(url, &err))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_string(), value)
                })
                .collect::<Headers>();
            let (body, body_truncated) = read_body(url, response.into_body()).await?;
            Ok(Answer {
                status,
                latency: started.elapsed(),
                headers,
                body,
                body_truncated,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| DeliveryError::Timeout {
                url: url.to_string(),
                after: timeout,
            })?
    }

    fn https_client(
        &self,
        url: &WebhookUrl,
    ) -> Result<&LegacyClient<HttpsConnector<Http>>, DeliveryError> {
        let built = self.https.get_or_init(|| {
            let mut config = (*self.trust.client_config()?).clone();
            // hyper-rustls sets ALPN itself from the protocols enabled below.
            config.alpn_protocols.clear();
            let https = HttpsConnectorBuilder::new()
                .with_tls_config(config)
                .https_or_http()
                .enable_http1()
                .wrap_connector(connector());
            Ok(builder().build(https))
        });
        built.as_ref().map_err(|reason| DeliveryError::Tls {
            url: url.to_string(),
            reason: reason.clone(),
        })
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("trust", &self.trust)
            .finish()
    }
}

fn builder() -> hyper_util::client::legacy::Builder {
    let mut builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
    builder
        .http1_title_case_headers(true)
        // One delivery, one connection, as TitanCard's sender makes them: a case of `probe` never
        // inherits the state of the previous one.
        .pool_max_idle_per_host(0)
        .retry_canceled_requests(false);
    builder
}

/// Plain connections (the https wrapper hands https URLs to it too) on which an answer sent
/// before the whole body was read still reaches the caller (`early_answer`).
fn connector() -> Http {
    let mut http = HttpConnector::new_with_resolver(Resolver);
    http.set_nodelay(true);
    http.enforce_http(false);
    Connector(http)
}

/// The hyper request: `Host` first, then the request's headers in order (a later one of the same
/// name replaces an earlier one).
fn build_request(request: &OutgoingRequest) -> Result<hyper::Request<Full<Bytes>>, String> {
    let url = &request.url;
    let mut headers = HeaderMap::with_capacity(request.headers.len() + 1);
    let host = HeaderValue::from_str(&url.authority()).map_err(|_| "bad host".to_string())?;
    headers.insert(HOST, host);
    for (name, value) in request.headers.iter() {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a valid header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of {name} holds characters a header cannot carry"))?;
        headers.insert(name, value);
    }
    let mut http_request = hyper::Request::new(Full::new(request.body.clone()));
    *http_request.method_mut() = hyper::Method::POST;
    *http_request.uri_mut() = url
        .parsed()
        .as_str()
        .parse()
        .map_err(|_| "the URL cannot be sent as a request target".to_string())?;
    *http_request.headers_mut() = headers;
    Ok(http_request)
}

/// Reads the body, keeping `MAX_RESPONSE_BODY` bytes; past `DRAIN_LIMIT` more, the rest is left.
async fn read_body(
    url: &WebhookUrl,
    mut incoming: hyper::body::Incoming,
) -> Result<(Vec<u8>, bool), DeliveryError> {
    let mut body = Vec::new();
    let mut truncated = false;
    let mut read = 0usize;
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|err| classify(url, &err))?;
        if let Ok(chunk) = frame.into_data() {
            let room = MAX_RESPONSE_BODY.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            truncated |= chunk.len() > room;
            read = read.saturating_add(chunk.len());
            if read > MAX_RESPONSE_BODY + DRAIN_LIMIT {
                break;
            }
        }
    }
    Ok((body, truncated))
}

/// Names a failure by the type of its cause, walking the error's chain (and into the error an
/// `io::Error` wraps: hyper-rustls wraps tokio-rustls's, which wraps rustls's).
pub(super) fn classify(url: &WebhookUrl, err: &(dyn StdError + 'static)) -> DeliveryError {
    let url_text = url.to_string();
    let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
    let mut closed_early = false;
    let mut last_io: Option<&std::io::Error> = None;
    while let Some(current) = cause {
        if current.downcast_ref::<UnresolvedHost>().is_some() {
            return DeliveryError::UnresolvedHost { url: url_text };
        }
        if let Some(tls) = current.downcast_ref::<tokio_rustls::rustls::Error>() {
            return tls_error(url_text, tls);
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            last_io = Some(io);
            match io.get_ref() {
                Some(inner) => {
                    cause = Some(inner as &(dyn StdError + 'static));
                    continue;
                }
                None => break,
            }
        }
        if let Some(hyper_err) = current.downcast_ref::<hyper::Error>() {
            closed_early |= hyper_err.is_incomplete_message()
                || hyper_err.is_closed()
                || hyper_err.is_canceled();
        }
        cause = current.source();
    }
    if let Some(io) = last_io {
        return io_error(url_text, io);
    }
    if closed_early {
        return DeliveryError::ConnectionReset { url: url_text };
    }
    DeliveryError::Other {
        url: url_text,
        reason: err.to_string(),
    }
}

pub(super) fn io_error(url: String, err: &std::io::Error) -> DeliveryError {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionRefused => DeliveryError::ConnectionRefused { url },
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof => DeliveryError::ConnectionReset { url },
        _ => DeliveryError::Connect {
            url,
            reason: err.to_string(),
        },
    }
}

pub(super) fn tls_error(url: String, err: &tokio_rustls::rustls::Error) -> DeliveryError {
    use tokio_rustls::rustls::Error as TlsError;
    let reason = match err {
        TlsError::InvalidCertificate(why) => format!(
            "the server's certificate is not trusted ({why:?}); for a local or company CA pass \
             --cacert FILE"
        ),
        other => other.to_string(),
    };
    DeliveryError::Tls { url, reason }
}

/// The host of a URL did not resolve: its own type, so that the failure is told apart from
/// others by type rather than by the text of a system message.
#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}: {source}")]
pub(super) struct UnresolvedHost {
    host: String,
    source: std::io::Error,
}

/// Name resolution through tokio (the system resolver), failing with `UnresolvedHost`.
#[derive(Debug, Clone, Copy)]
struct Resolver;

impl tower_service::Service<Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = UnresolvedHost;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, UnresolvedHost>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), UnresolvedHost>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|addrs| addrs.collect::<Vec<_>>());
            match found {
                Ok(addrs) => Ok(addrs.into_iter()),
                Err(source) => Err(UnresolvedHost { host, source }),
            }
        })
    }
}
