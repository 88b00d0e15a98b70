//! How the receiver closes a connection: as nginx's lingering close does, it stops writing, then
//! reads and drops what the sender is still sending, for a bounded time, before it closes.
//!
//! A request refused before its body was read (413 from the declared length, 404, 405) leaves
//! the body coming; a socket closed with unread data makes the kernel reset the connection, and
//! a sender still writing then gets the reset, often instead of the answer. Lingering lets the
//! answer be read first.

use std::future::poll_fn;
use std::io::ErrorKind;
use std::pin::Pin;
use std::time::Duration;

use tokio::io::AsyncWrite;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The longest a connection lingers in all (nginx's `lingering_time`).
const LINGER_FOR: Duration = Duration::from_secs(30);
/// How long it waits for the sender's next bytes before closing (nginx's `lingering_timeout`).
const LINGER_IDLE: Duration = Duration::from_secs(5);

/// Sends the end of the stream, then drops what arrives until the sender closes, goes quiet for
/// `LINGER_IDLE`, or `LINGER_FOR` has passed; then the stream is closed.
pub async fn close(mut stream: TcpStream) {
    if poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx))
        .await
        .is_err()
    {
        return;
    }
    let deadline = Instant::now() + LINGER_FOR;
    let mut sink = [0u8; 16 * 1024];
    loop {
        let wait = LINGER_IDLE.min(deadline.saturating_duration_since(Instant::now()));
        match tokio::time::timeout(wait, stream.readable()).await {
            Ok(Ok(())) => match stream.try_read(&mut sink) {
                Ok(read) if read > 0 => {}
                Err(err) if err.kind() == ErrorKind::WouldBlock => {}
                _ => return,
            },
            _ => return,
        }
    }
}
