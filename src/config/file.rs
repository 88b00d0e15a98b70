//! The project file as written: the TOML document read with serde (`deny_unknown_fields`, every
//! value `Spanned` so that a problem is reported at its line and column), and serde's own errors
//! turned into one line that names the place and, for an unknown key, the closest known one.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use super::origin::{ConfigError, Place};
use crate::events::closest_of;

/// The top level: `version`, `default_profile`, `[profiles.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub version: Option<Spanned<i64>>,
    pub default_profile: Option<Spanned<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<Spanned<String>, Spanned<RawProfile>>,
    /// Read only to refuse it with a message naming the allowed forms.
    pub secret: Option<Spanned<IgnoredAny>>,
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub url: Option<Spanned<String>>,
    pub secret_env: Option<Spanned<String>>,
    pub secret_file: Option<Spanned<String>>,
    /// Read only to refuse it with a message naming the allowed forms.
    pub secret: Option<Spanned<IgnoredAny>>,
    pub timeout: Option<Spanned<String>>,
    pub listen: Option<Spanned<RawListen>>,
    #[serde(default)]
    pub routes: Vec<Spanned<RawRoute>>,
}

/// `listen = { port, save, forward }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawListen {
    pub port: Option<Spanned<u16>>,
    pub save: Option<Spanned<String>>,
    pub forward: Option<Spanned<bool>>,
}

/// One `[[profiles.NAME.routes]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub events: Spanned<Vec<Spanned<String>>>,
    pub url: Spanned<String>,
}

/// The document's text and the name it is shown by, to turn byte spans into places.
pub struct Source<'a> {
    pub file: Arc<str>,
    pub text: &'a str,
}

impl Source<'_> {
    /// The place where `span` starts.
    pub fn place(&self, span: Range<usize>) -> Place {
        Place::of_offset(&self.file, self.text, span.start)
    }

    /// An error at the start of `span`.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            place: self.place(span),
            message: message.into(),
        }
    }

    /// Reads the document; a syntax error, a wrong type or an unknown key is one error at its
    /// place.
    pub fn read(&self) -> Result<RawFile, ConfigError> {
        toml::from_str(self.text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            self.error(span, explain(err.message()))
        })
    }
}

/// serde's message in the project's words: an unknown key gets the closest known one.
fn explain(message: &str) -> String {
    let message = message.trim();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    // The names serde lists, between backquotes; `secret` is known only to be refused.
    let known: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| *name != "secret")
        .collect();
    match closest_of(unknown, known.iter().copied()) {
        Some(near) => format!("unknown key '{unknown}': did you mean '{near}'?"),
        None => format!(
            "unknown key '{unknown}' (known keys here: {})",
            known.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<RawFile, String> {
        let source = Source {
            file: Arc::from("p.toml"),
            text,
        };
        source.read().map_err(|err| err.to_string())
    }

    #[test]
    fn unknown_keys_are_placed_and_get_the_closest_known_key() {
        let err = read("version = 1\n[profiles.local]\nurll = \"http://x/\"\n").unwrap_err();
        assert_eq!(err, "p.toml:3:1: unknown key 'urll': did you mean 'url'?");
        let err =
            read("version = 1\n[profiles.a]\nlisten = { port = 1, sav = \"x\" }\n").unwrap_err();
        assert!(
            err.starts_with("p.toml:3:") && err.ends_with("did you mean 'save'?"),
            "{err}"
        );
        let err = read("verison = 1\n").unwrap_err();
        assert_eq!(
            err,
            "p.toml:1:1: unknown key 'verison': did you mean 'version'?"
        );
        let err = read("zzz = 1\n").unwrap_err();
        assert!(
            err.contains("known keys here: version, default_profile, profiles"),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn wrong_types_and_syntax_errors_are_placed() {
        let err = read("version = 1\n[profiles.a.listen]\nport = 70000\n").unwrap_err();
        assert!(err.starts_with("p.toml:3:8: "), "{err}");
        let err = read("version = 1\n[profiles.a]\nurl = http://x\n").unwrap_err();
        assert!(err.starts_with("p.toml:3:7: "), "{err}");
    }
}
