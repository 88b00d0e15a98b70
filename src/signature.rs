//! Signing and verifying, through the `titancard-webhooks` library (the one implementation of
//! the reference's "Signature Verification" that the binary and users' receivers share): the
//! library's `Webhook` keyed with the binary's `Secret`s, and a check's verdict with the secret
//! that matched.

use crate::secret::Secret;
pub use titancard_webhooks::{BodyMac, Signature, VerifyError, Webhook};

/// A `Webhook` keyed with one secret, to sign with (the key schedule is paid once, not per body:
/// load mode signs thousands).
pub fn signer(secret: &Secret) -> Webhook {
    webhook(std::slice::from_ref(secret))
}

/// A `Webhook` keyed with each secret in turn, to verify with (a receiver keys them once).
pub fn webhook(secrets: &[Secret]) -> Webhook {
    Webhook::with_secrets(secrets.iter().map(Secret::as_bytes))
        .expect("`Secrets` holds at least one secret and none empty (checked by Secrets::new)")
}

/// The header value for `body`: `sha256=` followed by 64 lowercase hex digits.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    signer(secret).sign(body)
}

/// The outcome of checking one body against one header and a list of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature matches the secret at this position (0-based) of the list.
    Valid { secret_index: usize },
    /// Why it does not: the header is missing or malformed, or no secret gives it.
    Invalid(VerifyError),
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }
}

impl From<Result<usize, VerifyError>> for Verdict {
    fn from(result: Result<usize, VerifyError>) -> Self {
        match result {
            Ok(secret_index) => Verdict::Valid { secret_index },
            Err(problem) => Verdict::Invalid(problem),
        }
    }
}

/// Checks `header` (the X-Webhook-Signature value, if any) against `body` with each secret.
pub fn verify(secrets: &[Secret], body: &[u8], header: Option<&str>) -> Verdict {
    webhook(secrets).verify_signature(header, body).into()
}

/// A streaming check of one header against several secrets, so that a large body is read once
/// and never held: the header's problem when it is missing or malformed (then there is nothing
/// to compute), else a MAC per secret to feed.
pub struct Checker {
    expected: Signature,
    mac: BodyMac,
}

impl Checker {
    pub fn new(webhook: &Webhook, header: Option<&str>) -> Result<Self, VerifyError> {
        let header = header.ok_or(VerifyError::MissingHeader(
            titancard_webhooks::SIGNATURE_HEADER,
        ))?;
        let expected = Signature::parse(header).map_err(VerifyError::MalformedSignature)?;
        Ok(Checker {
            expected,
            mac: webhook.mac(),
        })
    }

    /// Feeds the next piece of the body to every secret's MAC.
    pub fn update(&mut self, bytes: &[u8]) {
        self.mac.update(bytes);
    }

    /// Valid with the first secret whose MAC matches, else a mismatch.
    pub fn verdict(self) -> Verdict {
        self.mac.verify(&self.expected).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use titancard_webhooks::SignatureError;

    #[test]
    fn verify_reports_the_secret_position_and_each_problem() {
        let secrets = [Secret::new("old"), Secret::new("new")];
        let header = sign(&secrets[1], b"{}");
        assert_eq!(
            verify(&secrets, b"{}", Some(&header)),
            Verdict::Valid { secret_index: 1 }
        );
        assert_eq!(
            verify(&secrets, b"{} ", Some(&header)),
            Verdict::Invalid(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(&secrets, b"{}", Some("sha256=abc")),
            Verdict::Invalid(VerifyError::MalformedSignature(
                SignatureError::WrongLength(3)
            ))
        );
        let mut checker = Checker::new(&webhook(&secrets), Some(&header)).unwrap();
        checker.update(b"{");
        checker.update(b"}");
        assert_eq!(checker.verdict(), Verdict::Valid { secret_index: 1 });
    }
}
