//! Why a delivery failed and what to do about it, said the same way by every command that gets an
//! HTTP answer (`send`, load mode, `probe`, `replay`, `demo`, `story`, `listen --forward-to`):
//! one kind, one line of words, and the first lines of what the endpoint answered.
//!
//! Reference, "Error Handling": answer 2xx within 30 seconds, 401 when the signature fails, 400 for
//! a malformed payload; "Retry Behavior": a non-2xx answer is retried, redirects are not followed.

use serde::Serialize;

pub use super::excerpt::excerpt;
use super::{Answer, DeliveryError};
use crate::contract::DELIVERY_DEADLINE;
use crate::headers::Headers;

/// What a 413 means, after "answered 413: ".
pub const TOO_LARGE: &str = "the body is over its limit on the size of a request (such as \
    listen's --max-body, nginx's client_max_body_size or express.json's limit). TitanCard's own \
    payloads are small (the samples are under 1 KB): send a smaller test payload, or raise a \
    limit that refuses real events";

/// What went wrong with one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// A stable identifier: `signature_rejected`, `body_rejected`, `wrong_path`,
    /// `wrong_method`, `too_large`, `redirect`, `crashed`, `rejected`, `timeout`, `unreachable`,
    /// `tls`, `connection_reset`, `other`.
    pub kind: &'static str,
    /// What it means and the way out, in one line (the error itself, when no answer came, is
    /// said apart, and so is the excerpt).
    pub message: String,
    /// The first lines of the endpoint's answer (trimmed, control characters escaped); null when
    /// there was no answer or its body was empty.
    pub excerpt: Option<String>,
}

impl Explanation {
    /// What happened, without the asides and the way out: the short form, for a list.
    pub fn short(&self) -> String {
        short_form(&self.message)
    }
}

/// The short form of a message written as "what happened (aside): the way out": what happened,
/// its parenthesised asides left out.
pub fn short_form(message: &str) -> String {
    let lead = message.split_once(": ").map_or(message, |(lead, _)| lead);
    let mut short = String::with_capacity(lead.len());
    let mut depth = 0usize;
    for ch in lead.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ch if depth == 0 => short.push(ch),
            _ => {}
        }
    }
    // An aside leaves its spaces behind: "a (b) c" is "a  c" without it.
    short.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The explanation of a delivery's outcome; `None` for a 2xx answer.
pub fn of_result(result: &Result<Answer, DeliveryError>) -> Option<Explanation> {
    match result {
        Ok(answer) => of_status(answer.status, Some(&answer.headers), Some(&answer.body)),
        Err(err) => Some(of_error(err)),
    }
}

/// The explanation of an answer's status (with its headers and body when they were kept, as load
/// mode does not keep them); `None` for a 2xx.
pub fn of_status(
    status: u16,
    headers: Option<&Headers>,
    body: Option<&[u8]>,
) -> Option<Explanation> {
    let excerpt = body.and_then(excerpt);
    let (kind, message) = match status {
        200..=299 => return None,
        300..=399 => {
            let location = headers
                .and_then(|headers| headers.get("location"))
                .map(|to| format!(" (to {to})"))
                .unwrap_or_default();
            (
                "redirect",
                format!(
                    "the endpoint answered {status}, a redirect{location}: redirects are not \
                     followed, as TitanCard's sender does not follow them, so give the final URL"
                ),
            )
        }
        401 | 403 => (
            "signature_rejected",
            format!(
                "the endpoint rejected the signature ({status}): does it use the same secret as \
                 this command, and does it verify the raw body bytes before parsing them? Check a \
                 captured request with `titancard-wh verify`, or the endpoint with \
                 `titancard-wh probe`"
            ),
        ),
        400 | 422 => (
            "body_rejected",
            format!(
                "the endpoint rejected the body ({status}) as a malformed payload: see what it \
                 said, and check the payload with `titancard-wh validate`"
            ),
        ),
        404 => (
            "wrong_path",
            "the endpoint answered 404: nothing receives webhooks at this path; check the URL"
                .to_string(),
        ),
        405 => (
            "wrong_method",
            "the endpoint answered 405: it does not take POST at this URL, and webhooks are \
             POSTed; check the URL"
                .to_string(),
        ),
        413 => (
            "too_large",
            format!("the endpoint answered 413: {TOO_LARGE}"),
        ),
        500..=599 => {
            // Only an answer that is shown can be pointed at.
            let clue = match excerpt {
                Some(_) => "its answer often names the line to fix",
                None => "it gave no answer to read, so its own log should name the line to fix",
            };
            (
                "crashed",
                format!(
                    "the endpoint crashed (answered {status}): {clue}; a receiver must answer 401 \
                     or 400, never 5xx, to a bad delivery"
                ),
            )
        }
        _ => (
            "rejected",
            format!(
                "the endpoint answered {status}, not a 2xx: TitanCard retries it (after 1, 5 and \
                 15 minutes) and marks the webhook failed after 5 failures in a row"
            ),
        ),
    };
    Some(Explanation {
        kind,
        message,
        excerpt,
    })
}

/// The explanation of a delivery that got no answer.
pub fn of_error(err: &DeliveryError) -> Explanation {
    let (kind, message) = match err {
        DeliveryError::Timeout { .. } => (
            "timeout",
            format!(
                "the reference's receivers must answer within {} (\"Return a 2xx status code \
                 within 30 seconds\"): answer first and do slow work afterwards",
                humantime::format_duration(DELIVERY_DEADLINE)
            ),
        ),
        DeliveryError::ConnectionRefused { .. } | DeliveryError::Connect { .. } => (
            "unreachable",
            "is the server running, and is the URL right?".to_string(),
        ),
        DeliveryError::UnresolvedHost { .. } => {
            ("unreachable", "check the host name in the URL".to_string())
        }
        DeliveryError::Tls { .. } => (
            "tls",
            "the https connection could not be made (see the error)".to_string(),
        ),
        DeliveryError::ConnectionReset { .. } => (
            "connection_reset",
            "the endpoint dropped the connection before answering, often a crash mid-request"
                .to_string(),
        ),
        DeliveryError::Other { .. } => ("other", "the request could not be made".to_string()),
    };
    Explanation {
        kind,
        message,
        excerpt: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_family_gets_its_words() {
        let kind = |status| of_status(status, None, None).map(|e| e.kind);
        assert_eq!(kind(200), None);
        assert_eq!(kind(204), None);
        assert_eq!(kind(401), Some("signature_rejected"));
        assert_eq!(kind(403), Some("signature_rejected"));
        assert_eq!(kind(400), Some("body_rejected"));
        assert_eq!(kind(422), Some("body_rejected"));
        assert_eq!(kind(404), Some("wrong_path"));
        assert_eq!(kind(405), Some("wrong_method"));
        assert_eq!(kind(302), Some("redirect"));
        assert_eq!(kind(500), Some("crashed"));
        assert_eq!(kind(413), Some("too_large"));
        assert_eq!(kind(409), Some("rejected"));
        let secret = of_status(401, None, None).unwrap().message;
        assert!(secret.contains("same secret") && secret.contains("raw body bytes"));
    }

    #[test]
    fn a_crash_quotes_the_start_of_its_answer() {
        let body = b"<pre>RangeError: Input buffers must have the same byte length\n    at verifyWebhookSignature (/app/server.js:17:12)\n    at a\n    at b\n</pre>";
        let explained = of_status(500, None, Some(body)).unwrap();
        assert_eq!(explained.kind, "crashed");
        let excerpt = explained.excerpt.unwrap();
        assert!(excerpt.contains("RangeError"), "{excerpt}");
        assert!(excerpt.contains("server.js:17:12"), "{excerpt}");
        assert!(!excerpt.contains("at b"), "three lines at most: {excerpt}");
        assert!(explained.message.contains("never 5xx"));
    }

    #[test]
    fn the_short_form_is_what_happened_without_asides_or_the_way_out() {
        let crash = of_status(500, None, Some(b"boom")).unwrap();
        assert_eq!(crash.short(), "the endpoint crashed");
        let redirect = of_status(302, None, None).unwrap();
        assert_eq!(redirect.short(), "the endpoint answered 302, a redirect");
        assert_eq!(
            short_form(
                "the body gained a trailing newline (\\n) between signing and verifying (an \
                 editor, echo or a heredoc adds one): sign and verify the raw bytes"
            ),
            "the body gained a trailing newline between signing and verifying"
        );
        assert_eq!(short_form("no colon (nor a way out)"), "no colon");
        assert_eq!(short_form("a (nested (aside)) stays out"), "a stays out");
    }

    // A 500 with an empty body pointed at "its answer below", and nothing was below.
    #[test]
    fn a_crash_points_at_its_answer_only_when_there_is_one() {
        for body in [None, Some(&b""[..]), Some(&b" \n"[..])] {
            let said = of_status(500, None, body).unwrap().message;
            assert!(!said.contains("its answer"), "{body:?}: {said}");
            assert!(said.contains("its own log"), "{body:?}: {said}");
        }
        let said = of_status(502, None, Some(b"Bad gateway")).unwrap().message;
        assert!(
            said.contains("its answer often names the line to fix"),
            "{said}"
        );
    }

    #[test]
    fn a_413_says_what_the_limit_is_and_that_titancard_payloads_are_small() {
        let explained = of_status(413, None, Some(b"{\"error\":\"payload too large\"}")).unwrap();
        assert_eq!(explained.kind, "too_large");
        assert!(explained.message.contains("limit"), "{}", explained.message);
        assert!(
            explained
                .message
                .contains("TitanCard's own payloads are small"),
            "{}",
            explained.message
        );
        assert_eq!(
            explained.excerpt.as_deref(),
            Some("{\"error\":\"payload too large\"}")
        );
    }

    #[test]
    fn no_answer_names_the_deadline_or_the_way_out() {
        let timeout = of_error(&DeliveryError::Timeout {
            url: "http://x/".into(),
            after: std::time::Duration::from_secs(30),
        });
        assert_eq!(timeout.kind, "timeout");
        assert!(
            timeout.message.contains("within 30s"),
            "{}",
            timeout.message
        );
        let refused = of_error(&DeliveryError::ConnectionRefused {
            url: "http://x/".into(),
        });
        assert!(refused.message.contains("is the server running"));
    }
}
