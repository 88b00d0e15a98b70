//! The axum extractor on a real server on 127.0.0.1:0, fed raw HTTP/1.1 requests: a good
//! delivery reaches the handler; every other request is answered 400, 401 or 413 with the JSON
//! error, never a 5xx.
#![cfg(feature = "axum")]

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use titancard_webhooks::axum::VerifiedEvent;
use titancard_webhooks::{EventKind, Webhook};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "whsec_test_4f9a";

/// A request's headers, names and values.
type Headers<'a> = Vec<(&'a str, &'a str)>;

async fn handler(VerifiedEvent(event): VerifiedEvent) -> String {
    format!("handled {}", event.event)
}

/// A server with a 4 KiB body limit; its address.
async fn serve() -> std::net::SocketAddr {
    let router = Router::new()
        .route("/webhook", post(handler))
        .layer(DefaultBodyLimit::max(4096))
        .with_state(Webhook::new(SECRET).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// Sends one request and reads the whole answer (the request asks to close the connection).
async fn exchange(
    address: std::net::SocketAddr,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut request = format!(
        "POST /webhook HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer[9..12].parse().unwrap();
    (status, answer)
}

#[tokio::test]
async fn good_deliveries_reach_the_handler_and_bad_ones_get_the_right_status() {
    let address = serve().await;
    let webhook = Webhook::new(SECRET).unwrap();
    let body = EventKind::CardCreated.sample().as_bytes();
    let signature = webhook.sign(body);
    let other = Webhook::new("another").unwrap().sign(body);
    let not_json = b"{\"event\":";
    let not_json_signature = webhook.sign(not_json);
    let large = vec![b' '; 5000];
    let large_signature = webhook.sign(&large);

    let cases: Vec<(Headers, &[u8], u16, &str)> = vec![
        (
            vec![
                ("X-Webhook-Signature", &signature),
                ("X-Webhook-Event", "card.created"),
            ],
            body,
            200,
            "handled card.created",
        ),
        (
            vec![("X-Webhook-Event", "card.created")],
            body,
            401,
            r#""kind":"missing_header""#,
        ),
        (
            vec![
                ("X-Webhook-Signature", &other),
                ("X-Webhook-Event", "card.created"),
            ],
            body,
            401,
            r#""kind":"signature_mismatch""#,
        ),
        (
            vec![
                ("X-Webhook-Signature", "sha256=abc"),
                ("X-Webhook-Event", "card.created"),
            ],
            body,
            401,
            r#""kind":"malformed_signature""#,
        ),
        (
            vec![
                ("X-Webhook-Signature", &signature),
                ("X-Webhook-Event", "card.updated"),
            ],
            body,
            400,
            r#""kind":"event_mismatch""#,
        ),
        (
            vec![
                ("X-Webhook-Signature", &not_json_signature),
                ("X-Webhook-Event", "card.created"),
            ],
            not_json,
            400,
            r#""kind":"not_json""#,
        ),
        (
            vec![
                ("X-Webhook-Signature", &large_signature),
                ("X-Webhook-Event", "card.created"),
            ],
            &large,
            413,
            r#""kind":"too_large""#,
        ),
    ];
    for (headers, body, status, says) in cases {
        let (got, answer) = exchange(address, &headers, body).await;
        assert_eq!(got, status, "{answer}");
        assert!(answer.contains(says), "{answer}");
        if status != 200 {
            assert!(
                answer
                    .to_ascii_lowercase()
                    .contains("content-type: application/json"),
                "{answer}"
            );
        }
    }
}
