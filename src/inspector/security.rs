//! Who may use the inspector: a request must name a loopback host (or the `--ui-host` the user
//! chose) in `Host`, so that a web page whose own name resolves to 127.0.0.1 (DNS rebinding)
//! gets 403; and a request that changes something (replay, clear) must also come from the
//! inspector's own origin and carry the run's random token, which only the page's URL holds.

use hyper::HeaderMap;
use hyper::header::{HOST, ORIGIN};
use subtle::ConstantTimeEq;

/// The header that carries the token on state-changing requests.
pub const TOKEN_HEADER: &str = "x-inspector-token";

/// Why a request is refused (403).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "the Host header {0:?} is not a loopback name: the inspector answers only requests made \
         to 127.0.0.1, [::1] or localhost (this stops other sites from reaching it through DNS \
         rebinding)"
    )]
    Host(String),
    #[error(
        "the Origin header {0:?} is not the inspector's own: replay and clear only come from the \
         inspector's page (scripts send Origin: http://HOST:PORT of the inspector)"
    )]
    Origin(String),
    #[error(
        "the inspector's token is missing or wrong: it is in the URL listen printed \
         (#token=…); send it as X-Inspector-Token"
    )]
    Token,
}

impl Refusal {
    /// The stable identifier in the API's error documents.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::Host(_) => "host_not_allowed",
            Refusal::Origin(_) => "origin_not_allowed",
            Refusal::Token => "token_invalid",
        }
    }
}

/// The checks of one run.
pub struct Guard {
    /// This run's token, compared in constant time.
    token: String,
    /// A non-loopback `--ui-host` the user asked for, also accepted in `Host`.
    extra_host: Option<String>,
}

/// Whether `Host` may name `name`: a loopback name, the `--ui-host` asked for, or, once the
/// inspector is exposed that way, any IP address (rebinding needs a domain name to work).
fn allowed(name: &str, extra_host: Option<&str>) -> bool {
    let name = name.to_ascii_lowercase();
    is_loopback_name(&name)
        || extra_host.is_some_and(|extra| extra == name || name.parse::<std::net::IpAddr>().is_ok())
}

impl Guard {
    /// A guard for `token`; `ui_host` is accepted in `Host` besides the loopback names.
    pub fn new(token: &str, ui_host: Option<&str>) -> Guard {
        Guard {
            token: token.to_string(),
            extra_host: ui_host
                .filter(|host| !is_loopback_name(host))
                .map(|host| host.trim_matches(['[', ']']).to_ascii_lowercase()),
        }
    }

    /// Checks `Host`; returns the authority it names, for the origin check.
    pub fn check_host<'a>(&self, headers: &'a HeaderMap) -> Result<&'a str, Refusal> {
        let authority = headers
            .get(HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if allowed(host_name(authority), self.extra_host.as_deref()) {
            Ok(authority)
        } else {
            Err(Refusal::Host(authority.to_string()))
        }
    }

    /// Checks a state-changing request: same-origin `Origin` (the authority `Host` names) and
    /// the token.
    pub fn check_change(&self, headers: &HeaderMap, authority: &str) -> Result<(), Refusal> {
        let origin = headers
            .get(ORIGIN)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if !origin.eq_ignore_ascii_case(&format!("http://{authority}")) {
            return Err(Refusal::Origin(origin.to_string()));
        }
        let token = headers
            .get(TOKEN_HEADER)
            .map(|value| value.as_bytes())
            .unwrap_or_default();
        if !bool::from(token.ct_eq(self.token.as_bytes())) {
            return Err(Refusal::Token);
        }
        Ok(())
    }
}

/// A fresh random token for one run (128 bits, hex).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The host part of a `Host` value (`[::1]:8788` → `::1`, `localhost:8788` → `localhost`),
/// lower-cased by the comparisons that use it.
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

/// `localhost`, a `*.localhost` name (RFC 6761: always loopback), or a loopback address.
pub fn is_loopback_name(host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).trim_end_matches('.');
    let lower = host.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    hyper::header::HeaderName::from_static(name),
                    value.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn only_loopback_hosts_pass() {
        let guard = Guard::new("t", None);
        for good in [
            "127.0.0.1:8788",
            "localhost:8788",
            "[::1]:8788",
            "LOCALHOST",
            "127.9.9.9",
        ] {
            assert!(
                guard.check_host(&headers(&[("host", good)])).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "evil.example:8788",
            "127.0.0.1.evil.example",
            "",
            "0.0.0.0:8788",
        ] {
            assert!(
                guard.check_host(&headers(&[("host", bad)])).is_err(),
                "{bad}"
            );
        }
        assert!(guard.check_host(&HeaderMap::new()).is_err());
        let exposed = Guard::new("t", Some("0.0.0.0"));
        assert!(
            exposed
                .check_host(&headers(&[("host", "192.0.2.7:8788")]))
                .is_ok()
        );
        assert!(
            exposed
                .check_host(&headers(&[("host", "evil.example:8788")]))
                .is_err()
        );
    }

    #[test]
    fn changes_need_the_same_origin_and_the_token() {
        let guard = Guard::new("secret-token", None);
        let host = "127.0.0.1:8788";
        let ok = headers(&[
            ("origin", "http://127.0.0.1:8788"),
            (TOKEN_HEADER, "secret-token"),
        ]);
        assert_eq!(guard.check_change(&ok, host), Ok(()));
        let foreign = headers(&[
            ("origin", "http://evil.example"),
            (TOKEN_HEADER, "secret-token"),
        ]);
        assert!(matches!(
            guard.check_change(&foreign, host),
            Err(Refusal::Origin(_))
        ));
        let no_token = headers(&[("origin", "http://127.0.0.1:8788")]);
        assert_eq!(guard.check_change(&no_token, host), Err(Refusal::Token));
        let wrong = headers(&[("origin", "http://127.0.0.1:8788"), (TOKEN_HEADER, "guess")]);
        assert_eq!(guard.check_change(&wrong, host), Err(Refusal::Token));
    }
}
