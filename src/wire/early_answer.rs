//! A sender's connection that still hears an answer sent before the body was read.
//!
//! A server may answer from the headers alone (a 413 for a declared length over its limit) and
//! close while the body is still being written; closed with unread data, its kernel resets the
//! connection. The reset makes the next write fail, and hyper, failing on the write, loses the
//! answer that already sits in the receive buffer. Here a write to a peer that has stopped
//! reading (a reset or a broken pipe) is taken as done and the rest of the body is dropped, so
//! that hyper goes on to read: the answer when one came, else the reset, as before.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A stream whose writes, once the peer has stopped reading, are dropped rather than failed.
#[derive(Debug)]
pub struct Stream<S> {
    inner: S,
    /// Set by the first write the peer refused; every later write is dropped.
    peer_stopped_reading: bool,
}

impl<S> Stream<S> {
    pub fn new(inner: S) -> Self {
        Stream {
            inner,
            peer_stopped_reading: false,
        }
    }
}

/// Whether a write failed because the peer no longer takes what is written (its answer, if it
/// sent one, can still be read).
fn stopped_reading(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for Stream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> Stream<S> {
    /// `written` as the peer took it, or `dropped` bytes taken as written once it stopped.
    fn settle<T>(&mut self, written: Poll<io::Result<T>>, dropped: T) -> Poll<io::Result<T>> {
        match written {
            Poll::Ready(Err(err)) if stopped_reading(&err) => {
                self.peer_stopped_reading = true;
                Poll::Ready(Ok(dropped))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Stream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.peer_stopped_reading {
            return Poll::Ready(Ok(buf.len()));
        }
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.settle(written, buf.len())
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let all = bufs.iter().map(|buf| buf.len()).sum();
        if this.peer_stopped_reading {
            return Poll::Ready(Ok(all));
        }
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.settle(written, all)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.peer_stopped_reading {
            return Poll::Ready(Ok(()));
        }
        let flushed = Pin::new(&mut this.inner).poll_flush(cx);
        this.settle(flushed, ())
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.peer_stopped_reading {
            return Poll::Ready(Ok(()));
        }
        let shut = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.settle(shut, ())
    }
}

impl Connection for Stream<TcpStream> {
    fn connected(&self) -> Connected {
        self.inner.connected()
    }
}

/// hyper-util's connector with its streams wrapped in `Stream`.
#[derive(Debug, Clone)]
pub struct Connector<C>(pub C);

impl<C> tower_service::Service<Uri> for Connector<C>
where
    C: tower_service::Service<Uri, Response = TokioIo<TcpStream>>,
    C::Future: Send + 'static,
{
    type Response = TokioIo<Stream<TcpStream>>;
    type Error = C::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, C::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), C::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.0.call(uri);
        Box::pin(async move {
            let io = connecting.await?;
            Ok(TokioIo::new(Stream::new(io.into_inner())))
        })
    }
}
