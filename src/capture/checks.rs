//! The checks on a request besides its signature: the reference's headers (of a captured request,
//! or of one `demo` delivered), and the optional timestamp tolerance. Pure: the current time is
//! passed in.

use std::time::Duration;

use super::Captured;
use crate::contract::{
    self, CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_USER_AGENT, USER_AGENT,
};
use crate::headers::Headers;

/// The reference's headers that a captured request must carry besides its signature (see "HTTP
/// Headers"): `X-Webhook-Event` equal to the body's `event`, and `Content-Type: application/json`.
/// `body_event` is `None` when the body is not a JSON envelope, `Some(None)` when it has no event.
pub fn header_problems(captured: &Captured<'_>, body_event: Option<Option<&str>>) -> Vec<String> {
    problems_in(&captured.headers, body_event)
}

/// What `header_problems` finds, in any request's headers.
pub fn problems_in(headers: &Headers, body_event: Option<Option<&str>>) -> Vec<String> {
    let mut problems = Vec::new();
    match headers.joined(HEADER_CONTENT_TYPE) {
        None => problems.push(format!(
            "no Content-Type header (TitanCard sends {CONTENT_TYPE_JSON})"
        )),
        Some(value) => {
            let media = value.split(';').next().unwrap_or_default().trim();
            if !media.eq_ignore_ascii_case(CONTENT_TYPE_JSON) {
                problems.push(format!(
                    "Content-Type is '{value}', not {CONTENT_TYPE_JSON}"
                ));
            }
        }
    }
    match (headers.joined(HEADER_EVENT), body_event) {
        (None, _) => problems.push(format!(
            "no {HEADER_EVENT} header (TitanCard sends the event name in it)"
        )),
        (Some(_), None) => problems.push(format!(
            "the body is not a JSON object with an event field, so {HEADER_EVENT} cannot be checked"
        )),
        (Some(_), Some(None)) => problems.push("the body has no event field".to_string()),
        (Some(header), Some(Some(body))) if header != body => problems.push(format!(
            "{HEADER_EVENT} is '{header}' but the body's event is '{body}'"
        )),
        _ => {}
    }
    problems
}

/// The reference's `User-Agent: TitanCard-Webhooks/1.0`, which a request made as TitanCard makes
/// them carries (a capture made by another client need not, so `verify` does not ask for it).
pub fn user_agent_problem(headers: &Headers) -> Option<String> {
    match headers.joined(HEADER_USER_AGENT) {
        Some(value) if value == USER_AGENT => None,
        Some(value) => Some(format!("User-Agent is '{value}', not {USER_AGENT}")),
        None => Some(format!(
            "no User-Agent header (TitanCard sends {USER_AGENT})"
        )),
    }
}

/// Replay protection: a problem when the envelope `timestamp` (ms) is further than `tolerance`
/// from `now_ms` in either direction, or missing. The reference signs no timestamp and retries
/// ("Retry Behavior": after 1, 5 and 15 minutes)
/// arrive up to ~21 minutes late, so callers apply this only when asked.
pub fn timestamp_problem(
    timestamp: Option<u64>,
    now_ms: u128,
    tolerance: Duration,
) -> Option<String> {
    let Some(timestamp) = timestamp else {
        return Some(
            "the body has no numeric timestamp, so its age cannot be checked against --tolerance"
                .to_string(),
        );
    };
    let timestamp = u128::from(timestamp);
    let (distance, direction) = if timestamp <= now_ms {
        (now_ms - timestamp, "old")
    } else {
        (timestamp - now_ms, "in the future")
    };
    if distance <= tolerance.as_millis() {
        return None;
    }
    let mut secs = u64::try_from(distance / 1000).unwrap_or(u64::MAX);
    if secs >= 3600 {
        // Seconds are noise at this distance.
        secs -= secs % 60;
    }
    let shown = Duration::from_secs(secs);
    let mut message = format!(
        "the timestamp is {} {direction}, more than --tolerance {} (a replayed or very late delivery)",
        humantime::format_duration(shown),
        humantime::format_duration(tolerance)
    );
    if contract::looks_like_seconds(u64::try_from(timestamp).unwrap_or(u64::MAX)) {
        message.push_str("; it looks like seconds, but the contract's timestamps are milliseconds");
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_MS: u128 = 3_600_000;

    #[test]
    fn tolerance_applies_both_ways_and_spots_seconds() {
        let now = 1_768_579_200_000u128;
        let tolerance = Duration::from_secs(30 * 60);
        let at = |ms: u128| Some(u64::try_from(ms).unwrap());
        assert_eq!(
            timestamp_problem(at(now - HOUR_MS / 4), now, tolerance),
            None
        );
        assert_eq!(
            timestamp_problem(at(now + HOUR_MS / 4), now, tolerance),
            None
        );
        let stale = timestamp_problem(at(now - 2 * HOUR_MS), now, tolerance).unwrap();
        assert!(stale.contains("2h old"), "{stale}");
        let future = timestamp_problem(at(now + 2 * HOUR_MS), now, tolerance).unwrap();
        assert!(future.contains("2h in the future"), "{future}");
        let seconds = timestamp_problem(at(now / 1000), now, tolerance).unwrap();
        assert!(seconds.contains("looks like seconds"), "{seconds}");
        assert!(timestamp_problem(None, now, tolerance).is_some());
    }
}
