//! Load mode's connections: HTTP/1.1 on hyper's connection API (rustls for https), each kept
//! alive to carry many requests in turn, writing exactly the headers given (title-cased) after
//! `Host`, hearing an answer that came before the whole body went out (`early_answer`), and
//! reading answers only as far as needed to reuse the connection.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{Builder, SendRequest};
use hyper::header::{HOST, HeaderMap, HeaderValue};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

use super::client::{classify, io_error};
use super::early_answer;
use super::tls::Trust;
use super::{DeliveryError, WebhookUrl};

/// How many bytes of an answer are read and dropped to keep the connection reusable; an answer
/// longer than that leaves its connection unusable.
const DRAIN_LIMIT: usize = 64 * 1024;

/// Where load mode's requests go: the URL, checked once, with what each request repeats.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: WebhookUrl,
    host_header: HeaderValue,
    /// The request target: path and query.
    path_and_query: hyper::Uri,
    trust: Trust,
}

impl Target {
    /// The target of `url`, trusting what `trust` trusts for https.
    pub fn new(url: &WebhookUrl, trust: Trust) -> Result<Target, DeliveryError> {
        let invalid = |reason: &str| DeliveryError::Other {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        Ok(Target {
            url: url.clone(),
            host_header: HeaderValue::from_str(&url.authority())
                .map_err(|_| invalid("bad host"))?,
            path_and_query: url
                .path_and_query()
                .parse()
                .map_err(|_| invalid("the path cannot be sent as a request target"))?,
            trust,
        })
    }

    /// Opens a connection (TCP, then TLS for https) within `timeout`.
    pub async fn connect(&self, timeout: Duration) -> Result<Connection, DeliveryError> {
        tokio::time::timeout(timeout, self.open())
            .await
            .map_err(|_| DeliveryError::Timeout {
                url: self.url.to_string(),
                after: timeout,
            })?
    }

    async fn open(&self) -> Result<Connection, DeliveryError> {
        let url = &self.url;
        let stream = TcpStream::connect((url.host(), url.port()))
            .await
            .map_err(|err| io_error(url.to_string(), &err))?;
        let _ = stream.set_nodelay(true);
        let stream = early_answer::Stream::new(stream);
        let sender = if url.is_https() {
            let tls = |reason: String| DeliveryError::Tls {
                url: url.to_string(),
                reason,
            };
            let config = self.trust.client_config().map_err(tls)?;
            let name =
                ServerName::try_from(url.host().to_string()).map_err(|err| tls(err.to_string()))?;
            let stream = TlsConnector::from(config)
                .connect(name, stream)
                .await
                .map_err(|err| classify(url, &err))?;
            handshake(url, stream).await?
        } else {
            handshake(url, stream).await?
        };
        Ok(Connection {
            sender,
            reusable: true,
        })
    }
}

/// HTTP/1.1 over `stream` (headers written title-cased), its connection driven by a task.
async fn handshake<S>(
    url: &WebhookUrl,
    stream: S,
) -> Result<SendRequest<Full<Bytes>>, DeliveryError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = Builder::new();
    builder.title_case_headers(true);
    let (sender, connection) = builder
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|err| classify(url, &err))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// An open HTTP/1.1 connection; requests on it go one after another.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    /// False once an answer was left partly unread: its connection cannot carry another request.
    reusable: bool,
}

impl Connection {
    /// Whether the connection can take another request (the server has not closed it).
    pub fn is_open(&self) -> bool {
        self.reusable && !self.sender.is_closed()
    }

    /// POSTs `body` with `headers` (sent in this order, after Host) and returns the status. The
    /// answer's body is read and dropped, up to `DRAIN_LIMIT` bytes, so that the connection can
    /// carry the next request; past that the rest is left unread and the connection not reused.
    pub async fn post(
        &mut self,
        target: &Target,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<u16, DeliveryError> {
        let mut request = hyper::Request::new(Full::new(body));
        *request.method_mut() = hyper::Method::POST;
        *request.uri_mut() = target.path_and_query.clone();
        let all = request.headers_mut();
        all.reserve(headers.len() + 1);
        all.insert(HOST, target.host_header.clone());
        all.extend(headers);
        let url = &target.url;
        self.sender
            .ready()
            .await
            .map_err(|err| classify(url, &err))?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|err| classify(url, &err))?;
        let status = response.status().as_u16();
        let mut incoming = response.into_body();
        let mut read = 0usize;
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|err| classify(url, &err))?;
            if let Ok(chunk) = frame.into_data() {
                read = read.saturating_add(chunk.len());
                if read > DRAIN_LIMIT {
                    self.reusable = false;
                    break;
                }
            }
        }
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    /// A server that reads a request's head, answers 413 at once and closes with the body
    /// unread, so that its kernel resets the connection while the body is still being written.
    fn early_answer_server() -> WebhookUrl {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(Result::ok) {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno",
                );
            }
        });
        url.parse().unwrap()
    }

    // Load mode counted a 413 answered before the body was read as a reset, when the reset
    // made a write fail before the answer was read.
    #[test]
    fn an_answer_sent_before_the_body_was_read_is_heard() {
        let url = early_answer_server();
        let target = Target::new(&url, Trust::new(None)).unwrap();
        // Well past loopback's socket buffers, so that the body is still going out.
        let body = Bytes::from(vec![b'x'; 16 * 1024 * 1024]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // When the reset lands decides what the sender sees: try enough times to meet it.
            for _ in 0..20 {
                let mut connection = target.connect(Duration::from_secs(10)).await.unwrap();
                let answered = connection
                    .post(&target, HeaderMap::new(), body.clone())
                    .await;
                assert_eq!(answered, Ok(413));
            }
        });
    }
}
