//! The signature header's value (reference, "Signature Verification"): `sha256=` and the 64
//! lowercase hex digits of an HMAC-SHA256 tag, parsed strictly, as the reference's receivers
//! compare it.

use std::fmt;

/// The scheme prefix of the `X-Webhook-Signature` value.
pub const SCHEME_PREFIX: &str = "sha256=";

/// How many hex digits follow the prefix (an HMAC-SHA256 tag is 32 bytes).
const HEX_DIGITS: usize = 64;

/// The longest scheme name an error repeats.
const SCHEME_SHOWN: usize = 16;

/// An HMAC-SHA256 tag, as the `X-Webhook-Signature` header carries it.
///
/// ```
/// use titancard_webhooks::Signature;
///
/// let header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
/// let signature = Signature::parse(header)?;
/// assert_eq!(signature.to_string(), header);
/// assert_eq!(signature.as_bytes()[0], 0x5b);
/// # Ok::<(), titancard_webhooks::SignatureError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 32]);

impl Signature {
    /// A signature from the tag's 32 bytes.
    pub const fn from_bytes(tag: [u8; 32]) -> Signature {
        Signature(tag)
    }

    /// The tag's 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses a header value: exactly `sha256=` then 64 lowercase hex digits, nothing around
    /// them. Any input, of any length, gives a signature or a reason, never a panic.
    ///
    /// ```
    /// use titancard_webhooks::{Signature, SignatureError};
    ///
    /// assert_eq!(Signature::parse("sha256=abc"), Err(SignatureError::WrongLength(3)));
    /// assert_eq!(Signature::parse("sha1=abc"), Err(SignatureError::WrongScheme("sha1".into())));
    /// assert_eq!(Signature::parse(&format!("sha256={}", "A".repeat(64))), Err(SignatureError::UpperCaseHex));
    /// ```
    pub fn parse(value: &str) -> Result<Signature, SignatureError> {
        // The well-formed value, decoded in one pass; anything else is told apart below.
        if let Some(signature) = value
            .strip_prefix(SCHEME_PREFIX)
            .and_then(|digits| decode_lowercase(digits.as_bytes()))
        {
            return Ok(signature);
        }
        if value.is_empty() {
            return Err(SignatureError::Empty);
        }
        let Some(digits) = value.strip_prefix(SCHEME_PREFIX) else {
            return Err(match value.split_once('=') {
                Some((scheme, _))
                    if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    SignatureError::WrongScheme(scheme.chars().take(SCHEME_SHOWN).collect())
                }
                _ => SignatureError::MissingPrefix,
            });
        };
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SignatureError::NotHex);
        }
        if digits.len() != HEX_DIGITS {
            return Err(SignatureError::WrongLength(digits.len()));
        }
        if digits.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(SignatureError::UpperCaseHex);
        }
        // Every digit is lowercase hex and there are 64 of them: the fast path took it.
        decode_lowercase(digits.as_bytes()).ok_or(SignatureError::NotHex)
    }
}

/// 64 lowercase hex digits as the 32 bytes they spell; `None` for anything else.
fn decode_lowercase(digits: &[u8]) -> Option<Signature> {
    if digits.len() != HEX_DIGITS {
        return None;
    }
    let mut tag = [0u8; 32];
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(Signature(tag))
}

/// The value of one lowercase hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for Signature {
    /// The header value: `sha256=` and 64 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; HEX_DIGITS];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0xf)];
        }
        f.write_str(SCHEME_PREFIX)?;
        // Hex digits are ASCII.
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// Why a signature header value is not `sha256=<64 lowercase hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The value is empty.
    Empty,
    /// The value does not start with `sha256=`.
    MissingPrefix,
    /// Another scheme than `sha256` (at most its first 16 characters are kept).
    WrongScheme(String),
    /// Hex digits after `sha256=`, but not 64 of them.
    WrongLength(usize),
    /// Something other than hex digits after `sha256=`.
    NotHex,
    /// Upper-case hex digits: TitanCard sends lower-case, and the reference compares the text.
    UpperCaseHex,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Empty => f.write_str("the signature is empty"),
            SignatureError::MissingPrefix => f.write_str("the signature lacks the sha256= prefix"),
            SignatureError::WrongScheme(scheme) => {
                write!(f, "the signature uses the scheme '{scheme}=', not sha256=")
            }
            SignatureError::WrongLength(digits) => write!(
                f,
                "the signature has {digits} hex digits after sha256=, not 64"
            ),
            SignatureError::NotHex => f.write_str("the signature is not hexadecimal after sha256="),
            SignatureError::UpperCaseHex => f.write_str(
                "the signature's hex digits are upper-case; the contract sends lower-case",
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        let header = format!("sha256={}", "0123456789abcdef".repeat(4));
        let signature = Signature::parse(&header).unwrap();
        assert_eq!(signature.to_string(), header);
        assert_eq!(signature.as_bytes()[..2], [0x01, 0x23]);
    }

    #[test]
    fn malformed_values_are_reasons() {
        let good = "a".repeat(64);
        let cases = [
            (String::new(), SignatureError::Empty),
            (good.clone(), SignatureError::MissingPrefix),
            (
                format!("sha1={good}"),
                SignatureError::WrongScheme("sha1".into()),
            ),
            ("sha256=".into(), SignatureError::WrongLength(0)),
            ("sha256=zz".into(), SignatureError::NotHex),
            (format!(" sha256={good}"), SignatureError::MissingPrefix),
            (format!("sha256={good} "), SignatureError::NotHex),
            (format!("sha256={good}a"), SignatureError::WrongLength(65)),
            (
                format!("{}={good}", "x".repeat(1000)),
                SignatureError::WrongScheme("x".repeat(16)),
            ),
            ("sha256=é".into(), SignatureError::NotHex),
        ];
        for (value, problem) in cases {
            assert_eq!(Signature::parse(&value), Err(problem), "{value:?}");
        }
    }
}
