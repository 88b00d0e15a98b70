//! Captures made by real clients: a raw TCP listener on 127.0.0.1:0 saves the request bytes
//! exactly as they arrived, then answers 200. Plus `listen --save` records written with the
//! library's own record type.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame};
use titancard_wh::internals::RequestRecord;

/// Accepts one connection on `listener` and returns the request bytes exactly as received.
fn save_one_request(listener: TcpListener) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut saved = Vec::new();
        let mut buf = [0u8; 8192];
        while !request_complete(&saved) {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            saved.extend_from_slice(&buf[..n]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
        saved
    })
}

fn request_complete(bytes: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(head)) = request.parse(bytes) else {
        return false;
    };
    let find = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_string())
    };
    if find("transfer-encoding").is_some() {
        return bytes.ends_with(b"0\r\n\r\n");
    }
    let length: usize = find("content-length").map_or(0, |v| v.parse().unwrap());
    bytes.len() >= head + length
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A request sent by reqwest (Content-Length body) with `headers`, as saved on the wire.
pub fn capture_reqwest(headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let saver = save_one_request(listener);
    runtime().block_on(async {
        let mut request = reqwest::Client::new().post(&url).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap();
    });
    saver.join().unwrap()
}

/// A body hyper cannot size in advance, so it sends it with chunked transfer encoding.
struct Chunks(VecDeque<Bytes>);

impl Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

/// A request sent by hyper's client with a chunked body split into `pieces`, as saved on the wire.
pub fn capture_chunked(headers: &[(&str, &str)], body: &[u8], pieces: usize) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let saver = save_one_request(listener);
    let size = body.len().div_ceil(pieces).max(1);
    let chunks: VecDeque<Bytes> = body.chunks(size).map(Bytes::copy_from_slice).collect();
    runtime().block_on(async {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(connection);
        let mut request = hyper::Request::post("/webhook").header("Host", addr.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        sender
            .send_request(request.body(Chunks(chunks)).unwrap())
            .await
            .unwrap();
    });
    let saved = saver.join().unwrap();
    assert!(
        String::from_utf8_lossy(&saved)
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "hyper sent a chunked body"
    );
    saved
}

/// The header section with CRLF turned into bare LF; the body left untouched.
pub fn head_to_lf(raw: &[u8]) -> Vec<u8> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut out = String::from_utf8(raw[..end].to_vec())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    out.extend_from_slice(&raw[end..]);
    out
}

/// The four headers of a real delivery.
pub fn delivery_headers(event: &str, signature: &str) -> Vec<(String, String)> {
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Webhook-Signature".into(), signature.into()),
        ("X-Webhook-Event".into(), event.into()),
        ("User-Agent".into(), "TitanCard-Webhooks/1.0".into()),
    ]
}

/// One `listen --save` record for `body` with `headers`.
pub fn record(headers: Vec<(String, String)>, body: &[u8]) -> RequestRecord {
    let (body, body_encoding) = RequestRecord::encode_body(body);
    RequestRecord {
        received_at: "2026-01-16T16:00:00.123Z".into(),
        method: "POST".into(),
        path: "/webhook".into(),
        headers: headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect(),
        body,
        body_encoding,
        status: Some(200),
        verdict: Some("accepted".into()),
    }
}

/// Records as JSON Lines text, one per line.
pub fn jsonl(records: &[RequestRecord]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

/// A payload with a timestamp `offset_ms` from now.
pub fn payload(event: &str, offset_ms: i64) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    format!(
        "{{\"event\":\"{event}\",\"timestamp\":{},\"data\":{{\"card_id\":\"crd_1\",\"url\":\"https://titancard.com/c/é\"}}}}",
        now + offset_ms
    )
    .into_bytes()
}
