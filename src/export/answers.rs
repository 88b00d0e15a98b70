//! What an answer means, for the exported files: the explainer's kinds and words
//! (`wire::explain`), taken from it as tables, so that the file and titancard-wh cannot disagree.
//!
//! Statuses come as ranges that share a kind and, with the status written `{status}`, one
//! message; a missing answer as the cases a Python HTTP client tells apart.

use std::time::Duration;

use crate::wire::DeliveryError;
use crate::wire::explain::{of_error, of_status};

/// The statuses the table covers: every three-digit code.
const STATUSES: std::ops::RangeInclusive<u16> = 100..=999;

/// Statuses `first..=last` share `kind` and `message` (`{status}` standing for the status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRange {
    pub first: u16,
    pub last: u16,
    pub kind: &'static str,
    pub message: String,
}

/// The explainer's words for each non-2xx status, as ranges in ascending order, as load mode says
/// them (it keeps no headers or bodies).
pub fn status_ranges() -> Vec<StatusRange> {
    let mut ranges: Vec<StatusRange> = Vec::new();
    for status in STATUSES {
        let Some(explained) = of_status(status, None, None) else {
            continue;
        };
        let message = explained.message.replace(&status.to_string(), "{status}");
        match ranges.last_mut() {
            Some(range)
                if range.last + 1 == status
                    && range.kind == explained.kind
                    && range.message == message =>
            {
                range.last = status;
            }
            _ => ranges.push(StatusRange {
                first: status,
                last: status,
                kind: explained.kind,
                message,
            }),
        }
    }
    ranges
}

/// The cases of a missing answer the exported file tells apart, with the explainer's kind and
/// words for each: (case, kind, message).
pub fn no_answer_cases() -> Vec<(&'static str, &'static str, String)> {
    let url = String::new();
    let reason = String::new();
    let cases = [
        (
            "timeout",
            DeliveryError::Timeout {
                url: url.clone(),
                after: Duration::ZERO,
            },
        ),
        (
            "refused",
            DeliveryError::ConnectionRefused { url: url.clone() },
        ),
        (
            "unresolved",
            DeliveryError::UnresolvedHost { url: url.clone() },
        ),
        (
            "connect",
            DeliveryError::Connect {
                url: url.clone(),
                reason: reason.clone(),
            },
        ),
        (
            "tls",
            DeliveryError::Tls {
                url: url.clone(),
                reason: reason.clone(),
            },
        ),
        ("reset", DeliveryError::ConnectionReset { url: url.clone() }),
        ("other", DeliveryError::Other { url, reason }),
    ];
    cases
        .into_iter()
        .map(|(case, error)| {
            let explained = of_error(&error);
            (case, explained.kind, explained.message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the exported file does with the table: the range's kind, its message with the status.
    fn looked_up(ranges: &[StatusRange], status: u16) -> Option<(&'static str, String)> {
        ranges
            .iter()
            .find(|range| (range.first..=range.last).contains(&status))
            .map(|range| {
                (
                    range.kind,
                    range.message.replace("{status}", &status.to_string()),
                )
            })
    }

    #[test]
    fn the_ranges_say_exactly_what_the_explainer_says_for_every_status() {
        let ranges = status_ranges();
        for status in STATUSES {
            let expected = of_status(status, None, None).map(|e| (e.kind, e.message));
            assert_eq!(looked_up(&ranges, status), expected, "status {status}");
        }
        assert!(
            ranges.len() < 30,
            "{} ranges: the table stays short",
            ranges.len()
        );
        let kinds: Vec<&str> = ranges.iter().map(|range| range.kind).collect();
        for kind in [
            "signature_rejected",
            "body_rejected",
            "crashed",
            "redirect",
            "wrong_path",
        ] {
            assert!(kinds.contains(&kind), "{kind}");
        }
    }

    #[test]
    fn every_missing_answer_case_has_the_explainers_kind() {
        let cases = no_answer_cases();
        let kind = |case: &str| cases.iter().find(|(c, _, _)| *c == case).unwrap().1;
        assert_eq!(kind("timeout"), "timeout");
        assert_eq!(kind("refused"), "unreachable");
        assert_eq!(kind("unresolved"), "unreachable");
        assert_eq!(kind("tls"), "tls");
        assert_eq!(kind("reset"), "connection_reset");
        assert_eq!(kind("other"), "other");
    }
}
