//! The inspector's HTTP server: hyper on its own port, beside the receiver (which stays a pure
//! webhook endpoint). Every request passes the `Host` check first; replay and clear also the
//! origin and token checks; then it is routed to the page, the API or the event stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::api::{self, ApiError};
use super::{State, page, sse};

pub type Body = Either<Full<Bytes>, sse::StreamBody>;

/// How many connections may be open at once (a page holds two or three).
const MAX_CONNECTIONS: usize = 64;
/// The largest request body taken (a replay's options).
const MAX_REQUEST_BODY: usize = 64 * 1024;
/// How long a client may take to send a request's headers, and its body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts connections for as long as the task runs.
pub async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        // Over the limit, the connection is closed unanswered.
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue;
        };
        let state = state.clone();
        let service = service_fn(move |request| {
            let state = state.clone();
            async move { Ok::<_, Infallible>(route(&state, request).await) }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// One request: the checks, then its handler; every failure is an error document.
async fn route(state: &State, request: Request<Incoming>) -> Response<Body> {
    let authority = match state.guard.check_host(request.headers()) {
        Ok(authority) => authority.to_string(),
        Err(refusal) => return error(&ApiError::new(403, refusal.kind(), refusal.to_string())),
    };
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let changes = method == Method::POST || method == Method::DELETE;
    if changes && let Err(refusal) = state.guard.check_change(request.headers(), &authority) {
        return error(&ApiError::new(403, refusal.kind(), refusal.to_string()));
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let result = match (&method, segments.as_slice()) {
        (&Method::GET, [""]) => return page::index(),
        (&Method::GET, [file]) if page::has(file) => return page::asset(file),
        (&Method::GET, ["api", "events"]) => api::list(state, query.as_deref()),
        (&Method::DELETE, ["api", "events"]) => Ok(api::clear(state)),
        (&Method::GET, ["api", "events", id]) => parse_id(id).and_then(|id| api::detail(state, id)),
        (&Method::GET, ["api", "events", id, "download"]) => {
            match parse_id(id).and_then(|id| api::download(state, id, query.as_deref())) {
                Ok((name, content_type, bytes)) => return attachment(&name, content_type, bytes),
                Err(err) => Err(err),
            }
        }
        (&Method::POST, ["api", "events", id, "replay"]) => match parse_id(id) {
            Ok(id) => match read_body(request).await {
                Ok(body) => api::replay(state, id, &body).await,
                Err(err) => Err(err),
            },
            Err(err) => Err(err),
        },
        (&Method::GET, ["api", "stream"]) => return stream(state, &request, query.as_deref()),
        (_, ["api", "events", ..] | ["api", "stream"] | [""]) => Err(ApiError::new(
            405,
            "method_not_allowed",
            format!("{method} is not allowed on {path}"),
        )),
        _ => Err(ApiError::new(
            404,
            "not_found",
            format!("nothing at {path}"),
        )),
    };
    match result {
        Ok(json) => respond(200, "application/json", Full::new(Bytes::from(json))),
        Err(err) => error(&err),
    }
}

fn parse_id(text: &str) -> Result<u64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::new(404, "not_found", format!("{text:?} is not a delivery id")))
}

/// The event stream, from where the browser's `Last-Event-ID` or `?after=` says.
fn stream(state: &State, request: &Request<Incoming>, query: Option<&str>) -> Response<Body> {
    let last_event_id = request
        .headers()
        .get("last-event-id")
        .and_then(|value| value.to_str().ok());
    let after = query.and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "after")
            .map(|(_, value)| value.into_owned())
    });
    let Some(after) = sse::start_after(last_event_id, after.as_deref()) else {
        return error(&ApiError::bad_request(
            "Last-Event-ID and after must be delivery ids (whole numbers)",
        ));
    };
    let body = sse::start(state.store.clone(), state.run.clone(), after);
    let mut response = Response::new(Either::Right(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    common_headers(headers);
    response
}

/// Reads a request body of at most `MAX_REQUEST_BODY` bytes.
async fn read_body(request: Request<Incoming>) -> Result<Bytes, ApiError> {
    let limited = Limited::new(request.into_body(), MAX_REQUEST_BODY);
    match tokio::time::timeout(READ_TIMEOUT, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(_)) => Err(ApiError::new(
            413,
            "too_large",
            format!("the request body is over {MAX_REQUEST_BODY} bytes"),
        )),
        Err(_) => Err(ApiError::bad_request(
            "the request body did not arrive in time",
        )),
    }
}

fn error(err: &ApiError) -> Response<Body> {
    let json = api::to_json(&err.document());
    respond(err.status, "application/json", Full::new(Bytes::from(json)))
}

fn attachment(name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response<Body> {
    let mut response = respond(200, content_type, Full::new(Bytes::from(bytes)));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A complete response with the headers every answer carries.
pub fn respond(status: u16, content_type: &'static str, body: Full<Bytes>) -> Response<Body> {
    let mut response = Response::new(Either::Left(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    common_headers(headers);
    response
}

/// Never cached, never sniffed, never framed, never leaking the URL (and its token) onwards.
fn common_headers(headers: &mut hyper::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}
