//! Signing and verifying, per the reference's "Signature Verification": HMAC-SHA256 of the raw body
//! bytes, key = the secret's UTF-8 bytes, sent as `X-Webhook-Signature: sha256=<64 lowercase hex>`.
//!
//! Pure: bytes in, verdict out; no I/O and no clock.

use hmac::{KeyInit, Mac};

use crate::contract::{SCHEME_PREFIX, SIGNATURE_HEX_DIGITS};
use crate::secret::Secret;

/// HMAC-SHA256, the reference's signing algorithm.
pub type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// A fresh MAC keyed with `secret`, for callers that feed the body in pieces.
pub fn keyed_mac(secret: &Secret) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    <HmacSha256 as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC-SHA256 takes keys of any length")
}

/// The header value for `body`: `sha256=` followed by 64 lowercase hex digits.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    Signer::new(secret).sign(body)
}

/// A MAC keyed once and cloned for each body, for callers that sign many bodies with one secret
/// (load mode): the key schedule is paid once, not per body.
#[derive(Clone)]
pub struct Signer {
    keyed: HmacSha256,
}

impl Signer {
    pub fn new(secret: &Secret) -> Self {
        Signer {
            keyed: keyed_mac(secret),
        }
    }

    /// The raw 32-byte HMAC-SHA256 of `body`.
    pub fn digest(&self, body: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(body);
        mac.finalize().into_bytes().into()
    }

    /// The 64 lowercase hex digits of the signature of `body`, without the `sha256=` prefix.
    pub fn hex_digits(&self, body: &[u8]) -> [u8; SIGNATURE_HEX_DIGITS] {
        let mut digits = [0u8; SIGNATURE_HEX_DIGITS];
        // 32 bytes always fill exactly 64 hex digits.
        let _ = hex::encode_to_slice(self.digest(body), &mut digits);
        digits
    }

    /// The header value for `body`: `sha256=` followed by 64 lowercase hex digits.
    pub fn sign(&self, body: &[u8]) -> String {
        format!("{SCHEME_PREFIX}{}", hex::encode(self.digest(body)))
    }
}

/// Why a signature header value is not a well-formed `sha256=<64 lowercase hex>`, or why a
/// well-formed one does not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("no X-Webhook-Signature header")]
    Missing,
    #[error("the signature is empty")]
    Empty,
    #[error("the signature lacks the sha256= prefix")]
    MissingPrefix,
    #[error("the signature uses the scheme '{0}', not sha256=")]
    WrongScheme(String),
    #[error("the signature has {0} hex digits after sha256=, not 64")]
    WrongLength(usize),
    #[error("the signature is not hexadecimal after sha256=")]
    NotHex,
    #[error("the signature's hex digits are upper-case; the contract sends lower-case")]
    UpperCaseHex,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Parses a header value strictly, as the reference's receivers compare it: exactly `sha256=`
/// then 64 lowercase hex digits, nothing around them.
pub fn parse_header(value: &str) -> Result<[u8; 32], SignatureProblem> {
    if value.is_empty() {
        return Err(SignatureProblem::Empty);
    }
    let Some(hex_part) = value.strip_prefix(SCHEME_PREFIX) else {
        return Err(match value.split_once('=') {
            Some((scheme, _))
                if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                SignatureProblem::WrongScheme(format!("{scheme}="))
            }
            _ => SignatureProblem::MissingPrefix,
        });
    };
    if !hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignatureProblem::NotHex);
    }
    if hex_part.len() != SIGNATURE_HEX_DIGITS {
        return Err(SignatureProblem::WrongLength(hex_part.len()));
    }
    if hex_part.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(SignatureProblem::UpperCaseHex);
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut bytes).map_err(|_| SignatureProblem::NotHex)?;
    Ok(bytes)
}

/// The outcome of checking one body against one header and a list of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature matches the secret at this position (0-based) of the list.
    Valid {
        secret_index: usize,
    },
    Invalid(SignatureProblem),
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }
}

/// Checks `header` (the X-Webhook-Signature value, if any) against `body` with each secret in
/// turn. Comparison is constant time (hmac's `verify_slice`) on the decoded bytes.
pub fn verify(secrets: &[Secret], body: &[u8], header: Option<&str>) -> Verdict {
    verify_with(secrets, header, |mac| mac.update(body))
}

/// Like `verify`, but `feed` supplies the body to each keyed MAC, so a large body can be streamed
/// rather than held in memory.
pub fn verify_with(
    secrets: &[Secret],
    header: Option<&str>,
    mut feed: impl FnMut(&mut HmacSha256),
) -> Verdict {
    let Some(value) = header else {
        return Verdict::Invalid(SignatureProblem::Missing);
    };
    let expected = match parse_header(value) {
        Ok(bytes) => bytes,
        Err(problem) => return Verdict::Invalid(problem),
    };
    for (secret_index, secret) in secrets.iter().enumerate() {
        let mut mac = keyed_mac(secret);
        feed(&mut mac);
        if mac.verify_slice(&expected).is_ok() {
            return Verdict::Valid { secret_index };
        }
    }
    Verdict::Invalid(SignatureProblem::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> Secret {
        Secret::new(value)
    }

    #[test]
    fn known_answer_rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign(&secret("Jefe"), b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_accepts_its_own_signature_and_reports_the_secret_position() {
        let secrets = [secret("old"), secret("new")];
        let header = sign(&secrets[1], b"{}");
        assert_eq!(
            verify(&secrets, b"{}", Some(&header)),
            Verdict::Valid { secret_index: 1 }
        );
        assert_eq!(
            verify(&secrets, b"{} ", Some(&header)),
            Verdict::Invalid(SignatureProblem::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_reasons_not_crashes() {
        let body = b"{}";
        let good = sign(&secret("s"), body);
        let hex_part = &good[SCHEME_PREFIX.len()..];
        let cases = [
            (None, SignatureProblem::Missing),
            (Some(String::new()), SignatureProblem::Empty),
            (Some(hex_part.to_string()), SignatureProblem::MissingPrefix),
            (
                Some(format!("sha1={hex_part}")),
                SignatureProblem::WrongScheme("sha1=".into()),
            ),
            (Some("sha256=abc".into()), SignatureProblem::WrongLength(3)),
            (Some("sha256=".into()), SignatureProblem::WrongLength(0)),
            (Some("sha256=zz".into()), SignatureProblem::NotHex),
            (
                Some(format!("sha256={}", hex_part.to_uppercase())),
                SignatureProblem::UpperCaseHex,
            ),
            (Some(format!(" {good}")), SignatureProblem::MissingPrefix),
            (Some(format!("{good} ")), SignatureProblem::NotHex),
        ];
        for (header, problem) in cases {
            assert_eq!(
                verify(&[secret("s")], body, header.as_deref()),
                Verdict::Invalid(problem),
                "{header:?}"
            );
        }
    }
}
