//! The webhook secret: a type that cannot be printed by accident, and reading it from a file.
//! Which source wins is decided in one place, `config::Settings::secrets`.

use std::fmt;
use std::path::Path;

use anyhow::bail;

/// The environment variable that holds the secret when no flag or profile gives it.
pub const SECRET_ENV: &str = "TITANCARD_WEBHOOK_SECRET";

/// A webhook secret. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// A fresh random secret in TitanCard's `whsec_` form, for a run that must not use the
    /// user's (`demo`'s receiver, `probe`'s wrong-secret case).
    pub fn random() -> Self {
        Secret(format!("whsec_{}", hex::encode(rand::random::<[u8; 24]>())))
    }

    /// The key bytes for HMAC: the secret's UTF-8 bytes (the reference's `secret.encode()`).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The value itself, for the rare place that must hand it on (a generated curl command).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `--secret VALUE` is parsed straight into a `Secret`: the value is never held in a type that
/// could print it.
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret::new(value))
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// One or more secrets, in the order given. Several are accepted for key rotation; a command that
/// signs uses the first.
#[derive(Debug, Clone)]
pub struct Secrets(Vec<Secret>);

impl Secrets {
    /// Several secrets, in the order given: at least one, none empty.
    pub fn new(secrets: Vec<Secret>) -> anyhow::Result<Secrets> {
        if secrets.is_empty() || secrets.iter().any(|secret| secret.0.is_empty()) {
            bail!("the secret is empty: pass a non-empty --secret");
        }
        Ok(Secrets(secrets))
    }

    /// The secret to sign with: the first one given.
    pub fn primary(&self) -> &Secret {
        &self.0[0]
    }

    /// All secrets, in the order given (positions are reported 1-based).
    pub fn all(&self) -> &[Secret] {
        &self.0
    }
}

impl From<Secret> for Secrets {
    fn from(secret: Secret) -> Self {
        Secrets(vec![secret])
    }
}

/// One secret per non-empty line; only the line ending is trimmed, since spaces may be part of a
/// secret.
pub fn read_secret_file(path: &Path) -> anyhow::Result<Vec<Secret>> {
    let text = crate::input::read_text(path, "the secret file ")?;
    let secrets: Vec<Secret> = text
        .lines()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.is_empty())
        .map(Secret::new)
        .collect();
    if secrets.is_empty() {
        bail!("the secret file {} is empty", path.display());
    }
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_inner_spaces_and_drops_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "one two\r\n\nthree\n").unwrap();
        let secrets = read_secret_file(&path).unwrap();
        let values: Vec<_> = secrets.iter().map(Secret::expose).collect();
        assert_eq!(values, ["one two", "three"]);
        std::fs::write(&path, "\n").unwrap();
        assert!(
            read_secret_file(&path)
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
    }

    #[test]
    fn an_empty_secret_is_refused() {
        assert!(Secrets::new(vec![Secret::new("")]).is_err());
        assert!(Secrets::new(Vec::new()).is_err());
        assert_eq!(Secrets::new(vec![Secret::new("a")]).unwrap().all().len(), 1);
    }

    #[test]
    fn debug_and_display_redact() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?} {secret}").contains("hunter2"));
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        let secrets = Secrets::new(vec![secret]).unwrap();
        assert_eq!(format!("{secrets:?}"), "Secrets([Secret(***)])");
    }
}
