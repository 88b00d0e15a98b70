//! Where webhooks can be delivered: an absolute `http://` or `https://` URL with a host, checked
//! once when it is parsed (on the command line, in a file, or typed into the inspector).

use std::fmt;
use std::str::FromStr;

/// A checked webhook URL. It displays as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    text: String,
    parsed: url::Url,
}

/// Why a URL cannot receive webhooks. The messages do not repeat the URL: the command line
/// names it already (`invalid value 'X' for '--url <URL>': …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the URL is empty")]
    Empty,
    #[error("no scheme: did you mean {suggestion}?")]
    NoScheme { suggestion: String },
    #[error("only http:// and https:// URLs can receive webhooks")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    #[error("not a URL ({reason})")]
    Invalid { reason: String },
}

impl WebhookUrl {
    /// The parsed URL.
    pub fn parsed(&self) -> &url::Url {
        &self.parsed
    }

    /// The URL as the user wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it is an `https://` URL.
    pub fn is_https(&self) -> bool {
        self.parsed.scheme() == "https"
    }

    /// The host as the socket wants it (an IPv6 literal without its brackets).
    pub fn host(&self) -> &str {
        let host = self.parsed.host_str().unwrap_or_default();
        host.trim_start_matches('[').trim_end_matches(']')
    }

    /// The port, the scheme's default when none is written.
    pub fn port(&self) -> u16 {
        // http and https both have a known default port.
        self.parsed.port_or_known_default().unwrap_or(80)
    }

    /// The `Host` header value: the host, and the port when one is written.
    pub fn authority(&self) -> String {
        let host = self.parsed.host_str().unwrap_or_default();
        match self.parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// Where a delivery goes, as lines name it: the host (with the port when one is written)
    /// and the path, without the scheme or the query (which may hold a token).
    pub fn destination(&self) -> String {
        format!("{}{}", self.authority(), self.parsed.path())
    }

    /// The request target: the path and the query.
    pub fn path_and_query(&self) -> String {
        match self.parsed.query() {
            Some(query) => format!("{}?{query}", self.parsed.path()),
            None => self.parsed.path().to_string(),
        }
    }
}

impl FromStr for WebhookUrl {
    type Err = UrlError;

    fn from_str(text: &str) -> Result<Self, UrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(UrlError::Empty);
        }
        let no_scheme = || {
            let suggestion = format!("http://{text}");
            let works = url::Url::parse(&suggestion).is_ok_and(|url| url.host_str().is_some());
            (!text.contains("://") && works).then_some(UrlError::NoScheme { suggestion })
        };
        let parsed = match url::Url::parse(text) {
            Ok(parsed) => parsed,
            Err(err) => {
                let reason = match err {
                    url::ParseError::RelativeUrlWithoutBase => {
                        "it needs http:// or https:// and a host, such as \
                         http://127.0.0.1:3000/webhook"
                            .to_string()
                    }
                    other => other.to_string(),
                };
                return Err(no_scheme().unwrap_or(UrlError::Invalid { reason }));
            }
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            // `localhost:3000/webhook` parses with the scheme `localhost`.
            return Err(no_scheme().unwrap_or(UrlError::Scheme));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(UrlError::NoHost);
        }
        Ok(WebhookUrl {
            text: text.to_string(),
            parsed,
        })
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for WebhookUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<WebhookUrl, UrlError> {
        text.parse()
    }

    #[test]
    fn only_http_urls_with_a_host_are_taken() {
        for text in [
            "file:///etc/passwd",
            "ftp://example.com/x",
            "http://",
            "not a url",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        let ipv6 = parse("http://[::1]:8080/webhook").unwrap();
        assert_eq!((ipv6.host(), ipv6.port()), ("::1", 8080));
        assert_eq!(ipv6.authority(), "[::1]:8080");
        let plain = parse("https://example.test/a?b=1").unwrap();
        assert_eq!(
            (plain.port(), plain.path_and_query()),
            (443, "/a?b=1".into())
        );
        assert_eq!(plain.authority(), "example.test");
    }

    #[test]
    fn a_missing_scheme_gets_a_suggestion() {
        for text in ["127.0.0.1:3000/webhook", "localhost:3000/webhook"] {
            assert_eq!(
                parse(text).unwrap_err().to_string(),
                format!("no scheme: did you mean http://{text}?")
            );
        }
        assert_eq!(parse("ftp://example.com/"), Err(UrlError::Scheme));
        assert_eq!(parse(" "), Err(UrlError::Empty));
    }
}
