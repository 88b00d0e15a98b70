//! The webhook secret: where it comes from (flag, then file, then environment) and a type that
//! cannot be printed by accident.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The environment variable that holds the secret when no flag or file gives it.
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
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Where a secret may come from, in the order they are tried.
#[derive(Debug, Clone, Default)]
pub struct SecretSources {
    /// `--secret` values.
    pub values: Vec<String>,
    /// `--secret-file`.
    pub file: Option<PathBuf>,
    /// The value of `TITANCARD_WEBHOOK_SECRET`.
    pub env: Option<String>,
}

/// One or more secrets, in the order given. Several are accepted for key rotation; a command that
/// signs uses the first.
#[derive(Debug, Clone)]
pub struct Secrets(Vec<Secret>);

impl Secrets {
    /// Resolves `--secret`, then `--secret-file`, then `TITANCARD_WEBHOOK_SECRET`.
    /// None of the three: an error naming all of them.
    pub fn resolve(sources: &SecretSources) -> anyhow::Result<Secrets> {
        let secrets: Vec<Secret> = if !sources.values.is_empty() {
            sources.values.iter().map(Secret::new).collect()
        } else if let Some(path) = &sources.file {
            read_secret_file(path)?
        } else if let Some(value) = sources.env.clone().filter(|value| !value.is_empty()) {
            vec![Secret::new(value)]
        } else {
            return Err(NoSecret.into());
        };
        if secrets.iter().any(|secret| secret.0.is_empty()) {
            bail!("the secret is empty: pass a non-empty --secret");
        }
        Ok(Secrets(secrets))
    }

    /// Like `resolve`, but `None` (not an error) when no secret is given anywhere.
    pub fn resolve_optional(sources: &SecretSources) -> anyhow::Result<Option<Secrets>> {
        match Self::resolve(sources) {
            Ok(secrets) => Ok(Some(secrets)),
            Err(err) if err.is::<NoSecret>() => Ok(None),
            Err(err) => Err(err),
        }
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

/// No secret was given anywhere.
#[derive(Debug, thiserror::Error)]
#[error(
    "no secret given: pass --secret SECRET, --secret-file FILE, or set TITANCARD_WEBHOOK_SECRET"
)]
pub struct NoSecret;

/// One secret per non-empty line; only the line ending is trimmed, since spaces may be part of a
/// secret.
fn read_secret_file(path: &Path) -> anyhow::Result<Vec<Secret>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret file {}", path.display()))?;
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

    fn sources(values: &[&str], file: Option<&Path>, env: Option<&str>) -> SecretSources {
        SecretSources {
            values: values.iter().map(|s| s.to_string()).collect(),
            file: file.map(Path::to_path_buf),
            env: env.map(str::to_string),
        }
    }

    #[test]
    fn flag_wins_over_file_and_env() {
        let secrets = Secrets::resolve(&sources(&["a", "b"], None, Some("env"))).unwrap();
        assert_eq!(secrets.all().len(), 2);
        assert_eq!(secrets.primary().expose(), "a");
    }

    #[test]
    fn file_wins_over_env_and_keeps_inner_spaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "one two\r\n\nthree\n").unwrap();
        let secrets = Secrets::resolve(&sources(&[], Some(&path), Some("env"))).unwrap();
        let values: Vec<_> = secrets.all().iter().map(Secret::expose).collect();
        assert_eq!(values, ["one two", "three"]);
    }

    #[test]
    fn env_is_the_fallback_and_none_names_all_three() {
        let secrets = Secrets::resolve(&sources(&[], None, Some("env"))).unwrap();
        assert_eq!(secrets.primary().expose(), "env");
        let err = Secrets::resolve(&sources(&[], None, None)).unwrap_err();
        let message = err.to_string();
        for name in ["--secret", "--secret-file", SECRET_ENV] {
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn debug_and_display_redact() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?} {secret}").contains("hunter2"));
    }
}
