//! The project file once checked: every value parsed by the parser its flag uses (`WebhookUrl`,
//! durations, event names and globs) and remembering its place, and every problem of the file
//! collected with its line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use toml::Spanned;

use super::file::{RawFile, RawListen, RawProfile, RawRoute, Source};
use super::origin::{ConfigError, ConfigErrors, Origin, Place, Resolved};
use crate::events::{CATALOGUE, closest_of};
use crate::wire::WebhookUrl;

/// The one version of the file this build reads.
pub const VERSION: i64 = 1;

/// A checked project file.
#[derive(Debug)]
pub struct ConfigFile {
    pub default_profile: Option<Resolved<String>>,
    pub profiles: BTreeMap<String, Profile>,
}

/// One checked profile.
#[derive(Debug)]
pub struct Profile {
    pub name: String,
    pub place: Place,
    pub url: Option<Resolved<WebhookUrl>>,
    pub secret: Option<Resolved<SecretRef>>,
    pub timeout: Option<Resolved<Duration>>,
    pub listen: Listen,
    pub routes: Vec<Route>,
}

/// A profile's `listen` table, checked.
#[derive(Debug, Default)]
pub struct Listen {
    pub port: Option<Resolved<u16>>,
    pub save: Option<Resolved<PathBuf>>,
    pub forward: Option<Resolved<bool>>,
}

/// Where a profile says its secret is: never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// `secret_env`: the environment variable that holds it.
    Env(String),
    /// `secret_file`: the file that holds it (`~` expanded, relative to the project file).
    File(PathBuf),
}

/// One `[[profiles.NAME.routes]]` entry: the events it takes (names or globs) and their URL.
#[derive(Debug)]
pub struct Route {
    pub events: Vec<String>,
    patterns: Vec<glob::Pattern>,
    pub url: WebhookUrl,
    pub origin: Origin,
}

impl Route {
    /// Whether this route takes `event`.
    pub fn matches(&self, event: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern.matches(event))
    }
}

/// Where relative paths and `~` in the file point.
pub struct Paths<'a> {
    /// The folder of the project file.
    pub base: &'a Path,
    /// `HOME`.
    pub home: Option<&'a Path>,
}

impl Paths<'_> {
    /// `~/x` under HOME, a relative path under the project file's folder.
    pub fn expand(&self, text: &str) -> PathBuf {
        let home_relative = match text {
            "~" => Some(""),
            _ => text.strip_prefix("~/"),
        };
        match (home_relative, self.home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => self.base.join(text),
        }
    }
}

/// Checks a whole file, collecting every problem.
pub fn check(source: &Source<'_>, paths: &Paths<'_>) -> Result<ConfigFile, ConfigErrors> {
    let raw = source.read().map_err(|err| ConfigErrors(vec![err]))?;
    let mut checker = Checker {
        source,
        paths,
        errors: Vec::new(),
    };
    let file = checker.file(raw);
    if checker.errors.is_empty() {
        Ok(file)
    } else {
        checker
            .errors
            .sort_by_key(|err| (err.place.line, err.place.column));
        Err(ConfigErrors(checker.errors))
    }
}

struct Checker<'s, 'p> {
    source: &'s Source<'s>,
    paths: &'p Paths<'p>,
    errors: Vec<ConfigError>,
}

/// The refusal of a literal secret, wherever it is written.
const NO_LITERAL_SECRET: &str = "a secret value does not belong in the project file: name where \
    it is with secret_env = \"VARIABLE\" or secret_file = \"PATH\"";

impl Checker<'_, '_> {
    fn fail(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        self.errors.push(self.source.error(span, message));
    }

    /// The origin of a value at `span` under the dotted `key`.
    fn origin(&self, key: String, span: std::ops::Range<usize>) -> Origin {
        Origin::File {
            key,
            place: self.source.place(span),
        }
    }

    /// `value` parsed by `parse`, remembering its place; a parse error is recorded instead.
    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        key: String,
        value: &Spanned<String>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<Resolved<T>> {
        match parse(value.get_ref()) {
            Ok(parsed) => Some(Resolved::new(parsed, self.origin(key, value.span()))),
            Err(err) => {
                let name = key.rsplit('.').next().unwrap_or_default().to_string();
                self.fail(value.span(), format!("{name}: {err}"));
                None
            }
        }
    }

    /// Any value kept as it is, with its place.
    fn kept<T: Clone>(&self, key: String, value: &Spanned<T>) -> Resolved<T> {
        Resolved::new(value.get_ref().clone(), self.origin(key, value.span()))
    }

    fn file(&mut self, raw: RawFile) -> ConfigFile {
        match &raw.version {
            None => self.fail(
                0..0,
                format!("version = {VERSION} is missing at the top of the file"),
            ),
            Some(version) if *version.get_ref() != VERSION => self.fail(
                version.span(),
                format!(
                    "version {} is not one this titancard-wh reads: it reads version = {VERSION}",
                    version.get_ref()
                ),
            ),
            Some(_) => {}
        }
        if let Some(secret) = &raw.secret {
            self.fail(secret.span(), NO_LITERAL_SECRET);
        }
        let profiles: BTreeMap<String, Profile> = raw
            .profiles
            .into_iter()
            .map(|(name, profile)| {
                let checked = self.profile(name.get_ref(), name.span(), profile.into_inner());
                (name.into_inner(), checked)
            })
            .collect();
        let default_profile = raw.default_profile.map(|name| {
            if !profiles.contains_key(name.get_ref()) {
                let message = unknown_profile(name.get_ref(), "this file", profiles.keys());
                self.fail(name.span(), format!("default_profile: {message}"));
            }
            self.kept("default_profile".to_string(), &name)
        });
        ConfigFile {
            default_profile,
            profiles,
        }
    }

    fn profile(&mut self, name: &str, span: std::ops::Range<usize>, raw: RawProfile) -> Profile {
        let key = |leaf: &str| format!("profiles.{name}.{leaf}");
        if let Some(secret) = &raw.secret {
            self.fail(secret.span(), NO_LITERAL_SECRET);
        }
        let url = raw
            .url
            .as_ref()
            .and_then(|url| self.parsed(key("url"), url, WebhookUrl::from_str));
        let timeout = raw.timeout.as_ref().and_then(|timeout| {
            self.parsed(key("timeout"), timeout, crate::duration::positive_duration)
        });
        let secret = self.secret(&raw, &key);
        let listen = raw.listen.map(Spanned::into_inner);
        let listen = self.listen(listen, &key);
        let routes = raw
            .routes
            .iter()
            .enumerate()
            .filter_map(|(index, route)| self.route(route, key(&format!("routes[{index}]"))))
            .collect();
        Profile {
            name: name.to_string(),
            place: self.source.place(span),
            url,
            secret,
            timeout,
            listen,
            routes,
        }
    }

    fn secret(
        &mut self,
        raw: &RawProfile,
        key: &impl Fn(&str) -> String,
    ) -> Option<Resolved<SecretRef>> {
        match (&raw.secret_env, &raw.secret_file) {
            (Some(_), Some(file)) => {
                self.fail(
                    file.span(),
                    "secret_env and secret_file are both set: keep one",
                );
                None
            }
            (Some(var), None) => self.parsed(key("secret_env"), var, |name| {
                if name.is_empty() || name.contains(['=', '\0']) {
                    Err(format!(
                        "'{name}' is not the name of an environment variable"
                    ))
                } else {
                    Ok(SecretRef::Env(name.to_string()))
                }
            }),
            (None, Some(file)) => {
                let path = SecretRef::File(self.paths.expand(file.get_ref()));
                Some(Resolved::new(
                    path,
                    self.origin(key("secret_file"), file.span()),
                ))
            }
            (None, None) => None,
        }
    }

    fn listen(&mut self, raw: Option<RawListen>, key: &impl Fn(&str) -> String) -> Listen {
        let Some(raw) = raw else {
            return Listen::default();
        };
        let port = raw
            .port
            .as_ref()
            .map(|port| self.kept(key("listen.port"), port));
        let save = raw.save.as_ref().map(|save| {
            let path = self.paths.expand(save.get_ref());
            Resolved::new(path, self.origin(key("listen.save"), save.span()))
        });
        let forward = raw
            .forward
            .as_ref()
            .map(|forward| self.kept(key("listen.forward"), forward));
        Listen {
            port,
            save,
            forward,
        }
    }

    fn route(&mut self, raw: &Spanned<RawRoute>, key: String) -> Option<Route> {
        let route = raw.get_ref();
        let url = self.parsed(format!("{key}.url"), &route.url, WebhookUrl::from_str);
        if route.events.get_ref().is_empty() {
            self.fail(
                route.events.span(),
                "events: list at least one event name or glob, such as \"card.*\"",
            );
        }
        let mut patterns = Vec::new();
        for event in route.events.get_ref() {
            match event_pattern(event.get_ref()) {
                Ok(pattern) => patterns.push(pattern),
                Err(message) => self.fail(event.span(), format!("events: {message}")),
            }
        }
        let ok = url.is_some() && patterns.len() == route.events.get_ref().len();
        (ok && !patterns.is_empty()).then(|| Route {
            events: route
                .events
                .get_ref()
                .iter()
                .map(|e| e.get_ref().clone())
                .collect(),
            patterns,
            url: url.expect("checked just above").value,
            origin: self.origin(key, raw.span()),
        })
    }
}

/// An event name or glob that takes at least one of the 14 events; a typo gets the closest name.
fn event_pattern(text: &str) -> Result<glob::Pattern, String> {
    let pattern =
        glob::Pattern::new(text).map_err(|err| format!("'{text}' is not a glob ({err})"))?;
    if CATALOGUE.iter().any(|spec| pattern.matches(spec.name)) {
        return Ok(pattern);
    }
    // Names and the group globs (card.*, connection.*, …) are the likely intents.
    let groups: Vec<String> = CATALOGUE
        .iter()
        .filter_map(|spec| spec.name.split_once('.'))
        .map(|(group, _)| format!("{group}.*"))
        .collect();
    let candidates = CATALOGUE
        .iter()
        .map(|spec| spec.name)
        .chain(groups.iter().map(String::as_str));
    Err(match closest_of(text, candidates) {
        Some(near) => format!("'{text}' is no TitanCard event: did you mean {near}?"),
        None => format!("'{text}' is no TitanCard event: run `titancard-wh events` for the list"),
    })
}

/// "no profile 'x' in FILE", with the closest name or the list of profiles.
pub fn unknown_profile<'a>(
    name: &str,
    file: &str,
    known: impl Iterator<Item = &'a String> + Clone,
) -> String {
    let head = format!("no profile '{name}' in {file}");
    match closest_of(name, known.clone().map(String::as_str)) {
        Some(near) => format!("{head}: did you mean '{near}'?"),
        None => {
            let names: Vec<&str> = known.map(String::as_str).collect();
            if names.is_empty() {
                format!("{head}, which has no [profiles.NAME] table")
            } else {
                format!("{head} (its profiles: {})", names.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests;
