//! The page: one HTML file, its stylesheet and its two scripts (the list, the detail pane), embedded in the binary (no CDN, no
//! build step; it works offline). A strict Content-Security-Policy lets it load only itself and
//! talk only to its own origin.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{self, HeaderValue};

use super::server::{Body, respond};

const INDEX: &str = include_str!("page/index.html");
const STYLE: &str = include_str!("page/inspector.css");
const SCRIPT: &str = include_str!("page/inspector.js");
const DETAIL_SCRIPT: &str = include_str!("page/detail.js");

/// Scripts and styles from this origin only (none inline), requests to it only, no frames.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// The files besides the page itself, by name.
const ASSETS: [(&str, &str, &str); 3] = [
    ("inspector.css", "text/css; charset=utf-8", STYLE),
    ("inspector.js", "text/javascript; charset=utf-8", SCRIPT),
    ("detail.js", "text/javascript; charset=utf-8", DETAIL_SCRIPT),
];

/// `GET /`.
pub fn index() -> Response<Body> {
    let mut response = respond(
        200,
        "text/html; charset=utf-8",
        Full::new(Bytes::from_static(INDEX.as_bytes())),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// Whether `name` is one of the page's files.
pub fn has(name: &str) -> bool {
    ASSETS.iter().any(|(asset, _, _)| *asset == name)
}

/// `GET /inspector.css`, `/inspector.js` or `/detail.js`.
pub fn asset(name: &str) -> Response<Body> {
    let (_, content_type, text) = ASSETS
        .iter()
        .find(|(asset, _, _)| *asset == name)
        .expect("asset() is called for a name has() knows");
    respond(
        200,
        content_type,
        Full::new(Bytes::from_static(text.as_bytes())),
    )
}
