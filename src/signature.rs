//! Signing and verifying, per the reference's "Signature Verification": HMAC-SHA256 of the raw body
//! bytes, key = the secret's UTF-8 bytes, sent as `X-Webhook-Signature: sha256=<64 lowercase hex>`.
//!
//! Pure: bytes in, verdict out; no I/O and no clock.

use ring::hmac;
use subtle::ConstantTimeEq;

use crate::contract::{SCHEME_PREFIX, SIGNATURE_HEX_DIGITS};
use crate::secret::Secret;

/// The length of an HMAC-SHA256 tag.
pub const TAG_LEN: usize = 32;

/// The header value for `body`: `sha256=` followed by 64 lowercase hex digits.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    Signer::new(secret).sign(body)
}

/// HMAC-SHA256 keyed once with a secret (ring's, with assembly SHA-256 for CPUs with and
/// without SHA extensions); each body gets a fresh `Mac` from it, so the key schedule is paid
/// once, not per body (load mode signs thousands).
#[derive(Clone)]
pub struct Signer {
    key: hmac::Key,
}

/// One HMAC being computed: fed the body in pieces (a stream, or a body with its corruptions
/// undone), then compared in constant time.
#[derive(Clone)]
pub struct Mac(hmac::Context);

impl Signer {
    pub fn new(secret: &Secret) -> Self {
        Signer {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
        }
    }

    /// A fresh MAC to feed a body to.
    pub fn mac(&self) -> Mac {
        Mac(hmac::Context::with_key(&self.key))
    }

    /// The raw 32-byte HMAC-SHA256 of `body`.
    pub fn digest(&self, body: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.mac();
        mac.update(body);
        mac.tag()
    }

    /// The 64 lowercase hex digits of the signature of `body`, without the `sha256=` prefix.
    pub fn hex_digits(&self, body: &[u8]) -> [u8; SIGNATURE_HEX_DIGITS] {
        hex_digits(&self.digest(body))
    }

    /// The header value for `body`: `sha256=` followed by 64 lowercase hex digits.
    pub fn sign(&self, body: &[u8]) -> String {
        header_value(&self.digest(body))
    }
}

impl Mac {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The tag of everything fed.
    pub fn tag(self) -> [u8; TAG_LEN] {
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(self.0.sign().as_ref());
        tag
    }

    /// Whether the tag of everything fed equals `expected`, compared in constant time (the time
    /// does not depend on where the first differing byte is).
    pub fn matches(self, expected: &[u8; TAG_LEN]) -> bool {
        bool::from(self.tag().ct_eq(expected))
    }
}

/// A tag as its 64 lowercase hex digits.
fn hex_digits(tag: &[u8; TAG_LEN]) -> [u8; SIGNATURE_HEX_DIGITS] {
    let mut digits = [0u8; SIGNATURE_HEX_DIGITS];
    // 32 bytes always fill exactly 64 hex digits.
    let _ = hex::encode_to_slice(tag, &mut digits);
    digits
}

/// A tag as the header value `sha256=<hex>`.
pub fn header_value(tag: &[u8; TAG_LEN]) -> String {
    format!("{SCHEME_PREFIX}{}", hex::encode(tag))
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
pub fn parse_header(value: &str) -> Result<[u8; TAG_LEN], SignatureProblem> {
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
    let mut bytes = [0u8; TAG_LEN];
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
/// turn. Comparison is constant time on the decoded bytes.
pub fn verify(secrets: &[Secret], body: &[u8], header: Option<&str>) -> Verdict {
    let signers: Vec<Signer> = secrets.iter().map(Signer::new).collect();
    verify_with(&signers, body, header)
}

/// `verify` with the secrets already keyed (a receiver keys them once, not per request).
pub fn verify_with(signers: &[Signer], body: &[u8], header: Option<&str>) -> Verdict {
    let mut checker = match Checker::new(signers, header) {
        Ok(checker) => checker,
        Err(problem) => return Verdict::Invalid(problem),
    };
    checker.update(body);
    checker.verdict()
}

/// A streaming check of one header against several secrets: one MAC per secret, all fed the
/// body as it is read, so a large body is read once and never held.
pub struct Checker {
    expected: [u8; TAG_LEN],
    macs: Vec<Mac>,
}

impl Checker {
    /// A check of `header` against each secret's signer; the header's problem when it is
    /// missing or malformed (then there is nothing to compute).
    pub fn new(signers: &[Signer], header: Option<&str>) -> Result<Self, SignatureProblem> {
        let expected = parse_header(header.ok_or(SignatureProblem::Missing)?)?;
        Ok(Checker {
            expected,
            macs: signers.iter().map(Signer::mac).collect(),
        })
    }

    /// Feeds the next piece of the body to every secret's MAC.
    pub fn update(&mut self, bytes: &[u8]) {
        for mac in &mut self.macs {
            mac.update(bytes);
        }
    }

    /// Valid with the first secret whose MAC matches, else a mismatch.
    pub fn verdict(self) -> Verdict {
        let expected = self.expected;
        // Every MAC is finished and compared, whatever the first one says.
        let matched: Vec<bool> = self
            .macs
            .into_iter()
            .map(|mac| mac.matches(&expected))
            .collect();
        match matched.iter().position(|matched| *matched) {
            Some(secret_index) => Verdict::Valid { secret_index },
            None => Verdict::Invalid(SignatureProblem::Mismatch),
        }
    }
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
