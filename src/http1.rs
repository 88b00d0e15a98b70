//! The wire for deliveries: an HTTP/1.1 client (hyper's connection API, rustls for https) that
//! writes exactly the headers it is given, in order and title-cased, plus Host and
//! Content-Length, and never follows a redirect. A `Connection` can carry many requests in turn
//! (keep-alive), which load mode relies on.

use std::error::Error as _;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{Builder, SendRequest};
use hyper::header::{HOST, HeaderMap, HeaderName, HeaderValue};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, pki_types::ServerName};

use crate::delivery::{DeliveryError, check_url};

/// Where requests go: the parsed URL, checked once.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL as given, for messages.
    pub url: String,
    host: String,
    port: u16,
    tls: bool,
    host_header: HeaderValue,
    /// The request target: path and query.
    path_and_query: hyper::Uri,
}

impl Target {
    /// Parses and checks `url` (http or https, with a host).
    pub fn new(url: &str) -> Result<Target, DeliveryError> {
        let parsed = check_url(url)?;
        let invalid = |reason: &str| DeliveryError::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let host = parsed
            .host_str()
            .ok_or_else(|| invalid("the URL has no host"))?;
        let port = parsed
            .port_or_known_default()
            .ok_or_else(|| invalid("the URL has no port"))?;
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        let mut path_and_query = parsed.path().to_string();
        if let Some(query) = parsed.query() {
            path_and_query.push('?');
            path_and_query.push_str(query);
        }
        Ok(Target {
            url: url.to_string(),
            // IPv6 literals come bracketed; the socket wants them bare.
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            tls: parsed.scheme() == "https",
            host_header: HeaderValue::from_str(&authority).map_err(|_| invalid("bad host"))?,
            path_and_query: path_and_query
                .parse()
                .map_err(|_| invalid("the path cannot be sent as a request target"))?,
        })
    }

    /// Opens a connection (TCP, then TLS for https) within `timeout`.
    pub async fn connect(&self, timeout: Duration) -> Result<Connection, DeliveryError> {
        tokio::time::timeout(timeout, self.open())
            .await
            .map_err(|_| self.timed_out(timeout))?
    }

    async fn open(&self) -> Result<Connection, DeliveryError> {
        let stream = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|err| self.io_error(&err))?;
        let _ = stream.set_nodelay(true);
        let mut builder = Builder::new();
        builder.title_case_headers(true);
        if !self.tls {
            let (sender, connection) = builder
                .handshake(TokioIo::new(stream))
                .await
                .map_err(|err| self.hyper_error(&err))?;
            tokio::spawn(connection);
            return Ok(Connection {
                sender,
                reusable: true,
            });
        }
        let name =
            ServerName::try_from(self.host.clone()).map_err(|err| DeliveryError::InvalidUrl {
                url: self.url.clone(),
                reason: err.to_string(),
            })?;
        let stream = TlsConnector::from(tls_config())
            .connect(name, stream)
            .await
            .map_err(|err| DeliveryError::Connect {
                url: self.url.clone(),
                reason: format!("TLS handshake failed: {err}"),
            })?;
        let (sender, connection) = builder
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|err| self.hyper_error(&err))?;
        tokio::spawn(connection);
        Ok(Connection {
            sender,
            reusable: true,
        })
    }

    fn timed_out(&self, after: Duration) -> DeliveryError {
        DeliveryError::Timeout {
            url: self.url.clone(),
            after,
        }
    }

    fn io_error(&self, err: &std::io::Error) -> DeliveryError {
        let url = self.url.clone();
        match err.kind() {
            std::io::ErrorKind::ConnectionRefused => DeliveryError::ConnectionRefused { url },
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof => DeliveryError::ConnectionReset { url },
            _ if err.to_string().contains("lookup") || err.to_string().contains("resolve") => {
                DeliveryError::UnresolvedHost { url }
            }
            _ => DeliveryError::Connect {
                url,
                reason: err.to_string(),
            },
        }
    }

    fn hyper_error(&self, err: &hyper::Error) -> DeliveryError {
        let mut source = err.source();
        while let Some(cause) = source {
            if let Some(io_err) = cause.downcast_ref::<std::io::Error>() {
                return self.io_error(io_err);
            }
            source = cause.source();
        }
        if err.is_incomplete_message() || err.is_closed() || err.is_canceled() {
            DeliveryError::ConnectionReset {
                url: self.url.clone(),
            }
        } else {
            DeliveryError::Other {
                url: self.url.clone(),
                reason: err.to_string(),
            }
        }
    }
}

/// The system-independent root certificates (webpki-roots), built once.
fn tls_config() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            // ring named explicitly: the default provider is ambiguous if another crate in the
            // tree ever enables aws-lc-rs too.
            let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
            let builder = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap_or_else(|_| ClientConfig::builder());
            let mut config = builder.with_root_certificates(roots).with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Arc::new(config)
        })
        .clone()
}

/// How many bytes of an answer beyond the kept part are read and dropped to keep the connection
/// reusable (load mode keeps none of the body, yet every answer has one).
const DRAIN_LIMIT: usize = 64 * 1024;

/// An open HTTP/1.1 connection; requests on it go one after another.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    /// False once an answer was left partly unread: its connection cannot carry another request.
    reusable: bool,
}

/// A response: status, body up to the cap, and whether more was left out.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub body_truncated: bool,
}

impl Connection {
    /// Whether the connection can take another request (the server has not closed it).
    pub fn is_open(&self) -> bool {
        self.reusable && !self.sender.is_closed()
    }

    /// POSTs `body` with `headers` (sent in this order, after Host) and reads the answer,
    /// keeping at most `max_body` bytes of its body. Up to `DRAIN_LIMIT` more bytes are read and
    /// dropped so that the connection can carry the next request; past that the rest is left
    /// unread (an endless answer must not hold the delivery until its timeout) and the connection
    /// is not reused.
    pub async fn post(
        &mut self,
        target: &Target,
        headers: HeaderMap,
        body: Bytes,
        max_body: usize,
    ) -> Result<Response, DeliveryError> {
        let mut request = hyper::Request::new(Full::new(body));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = target.path_and_query.clone();
        let all = request.headers_mut();
        all.reserve(headers.len() + 1);
        all.insert(HOST, target.host_header.clone());
        all.extend(headers);
        self.sender
            .ready()
            .await
            .map_err(|err| target.hyper_error(&err))?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|err| target.hyper_error(&err))?;
        let status = response.status().as_u16();
        let mut incoming = response.into_body();
        let mut body = Vec::new();
        let mut body_truncated = false;
        let mut read = 0usize;
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|err| target.hyper_error(&err))?;
            if let Ok(chunk) = frame.into_data() {
                let room = max_body.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                body_truncated |= chunk.len() > room;
                read = read.saturating_add(chunk.len());
                if read > max_body.saturating_add(DRAIN_LIMIT) {
                    self.reusable = false;
                    break;
                }
            }
        }
        Ok(Response {
            status,
            body,
            body_truncated,
        })
    }
}

/// A header map from (name, value) pairs, in order; a later pair replaces an earlier one of the
/// same name (case-insensitive).
pub fn header_map(pairs: &[(String, String)]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a valid header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of {name} holds characters a header cannot carry"))?;
        map.insert(name, value);
    }
    Ok(map)
}
