//! Why a delivery was not accepted, in one line for the list: the short form of what the detail
//! pane explains (the explainer's "what happened", without its asides and its way out), so that
//! a failed row says why without a click.

use crate::diagnose::{Diagnosis, diagnose};
use crate::receiver::verdict::Verdict;
use crate::secret::Secret;
use crate::signature::VerifyError;
use crate::wire::explain::{self, Explanation};

/// Said of a signature that no usual corruption explains.
const UNEXPLAINED_MISMATCH: &str =
    "the signature does not match: the secret differs, or the body was changed after signing";

/// What explains a bad signature (as `verify` says), worked out with the receiver's secrets;
/// `None` for a good one, or one with no header or a malformed one (its problem says it all).
pub fn diagnosis(
    secrets: &[Secret],
    body: &[u8],
    header: Option<&str>,
    signature_ok: bool,
) -> Option<Diagnosis> {
    if signature_ok {
        return None;
    }
    diagnose(secrets, body, header)
}

/// The one-line reason of a delivery that was not accepted; `None` for an accepted one or a
/// duplicate. `forwarded` is the explainer's word on the `--forward-to` app's answer, and
/// `diagnosis` works out what explains a bad signature (called only for one).
pub fn of(
    verdict: &Verdict,
    forwarded: Option<&Explanation>,
    diagnosis: impl FnOnce() -> Option<Diagnosis>,
) -> Option<String> {
    Some(match verdict {
        Verdict::Accepted { .. } | Verdict::Duplicate { .. } => return None,
        Verdict::InvalidSignature(VerifyError::SignatureMismatch) => match diagnosis() {
            Some(diagnosis) if diagnosis.explanation.is_some() => {
                explain::short_form(&diagnosis.message())
            }
            _ => UNEXPLAINED_MISMATCH.to_string(),
        },
        Verdict::InvalidPayload(violations) => {
            let first = violations.first().map_or_else(
                || "the payload does not match its schema".to_string(),
                ToString::to_string,
            );
            match violations.len() {
                0 | 1 => first,
                count => format!("{first} (and {} more)", count - 1),
            }
        }
        Verdict::MalformedJson(why) => format!("not JSON: {why}"),
        Verdict::SimulatedFailure => {
            "a failure simulated by --status, --fail-rate or --fail-first".to_string()
        }
        Verdict::ForwardFailed => match forwarded {
            Some(explained) => format!("the app: {}", explained.short()),
            None => "the --forward-to app answered with a failure".to_string(),
        },
        Verdict::ForwardUnreachable(why) => format!("the app: {why}"),
        Verdict::NotFound => "nothing receives webhooks at this path".to_string(),
        Verdict::MethodNotAllowed => "webhooks are POSTed".to_string(),
        other => other
            .detail()
            .unwrap_or_else(|| other.name().replace('_', " ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Violation;

    #[test]
    fn accepted_deliveries_have_no_reason_and_others_one_line() {
        assert_eq!(
            of(&Verdict::Accepted { secret_index: 0 }, None, || None),
            None
        );
        assert_eq!(
            of(&Verdict::Duplicate { secret_index: 0 }, None, || None),
            None
        );
        let missing = of(
            &Verdict::InvalidSignature(VerifyError::MissingHeader(
                crate::contract::HEADER_SIGNATURE,
            )),
            None,
            || None,
        );
        assert_eq!(missing.as_deref(), Some("no X-Webhook-Signature header"));
        let violation = |pointer: &str| Violation {
            pointer: pointer.into(),
            message: "missing".into(),
        };
        let payload = of(
            &Verdict::InvalidPayload(vec![violation("/data/a"), violation("/data/b")]),
            None,
            || None,
        )
        .unwrap();
        assert!(payload.ends_with("(and 1 more)"), "{payload}");
        assert!(!payload.contains('\n'));
        let crashed = explain::of_status(500, None, None);
        assert_eq!(
            of(&Verdict::ForwardFailed, crashed.as_ref(), || None).as_deref(),
            Some("the app: the endpoint crashed")
        );
        let too_large = of(&Verdict::TooLarge { limit: 10 }, None, || None);
        assert_eq!(too_large.as_deref(), Some("the body is over 10 bytes"));
    }
}
