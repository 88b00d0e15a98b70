//! The project file `titancard-wh.toml` and the one place every value is resolved: flag, then
//! environment, then the selected profile, then the built-in default (the secret has its own
//! order, in `secrets`). `Settings` is loaded once per command (file found, profile chosen,
//! environment read) and answers each question with the value and where it came from.
//!
//! Submodules: `discover` (which file), `file` (the TOML as written, with spans), `model` (the
//! checked file), `secrets` (the secret's order), `origin` (where a value came from),
//! `overview` (`config show`), `check` (`config check`). The starter file is `starter.toml`.

mod check;
mod discover;
mod file;
mod model;
mod origin;
mod overview;
mod secrets;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

pub use check::check;
pub use discover::FILE_NAME;
use discover::{CONFIG_ENV, Search};
use file::Source;
use model::{ConfigFile, Paths, Profile, SecretRef};
use origin::ConfigErrors;
pub use origin::{Origin, Resolved};
pub use secrets::SecretFlags;

use crate::contract::DELIVERY_DEADLINE;
use crate::events::CATALOGUE;
use crate::secret::{SECRET_ENV, Secrets};
use crate::wire::{Targets, WebhookUrl};

/// The environment variable that picks the profile.
pub const PROFILE_ENV: &str = "TITANCARD_WH_PROFILE";
/// `listen`'s port when neither `--port` nor the profile gives one.
pub const DEFAULT_LISTEN_PORT: u16 = 8787;
/// The commented starter file `config init` writes.
pub const STARTER: &str = include_str!("starter.toml");

/// What the global flags ask for, as plain values.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `--no-config`.
    pub no_config: bool,
    /// `--profile NAME`.
    pub profile: Option<String>,
}

/// A project file that was found and checked.
#[derive(Debug)]
struct Loaded {
    path: PathBuf,
    /// The path as messages show it.
    shown: Arc<str>,
    origin: Origin,
    config: ConfigFile,
}

/// Everything resolved before a command runs.
#[derive(Debug)]
pub struct Settings {
    /// `--no-config` was given.
    no_config: bool,
    file: Option<Loaded>,
    profile: Option<Resolved<String>>,
    /// `TITANCARD_WEBHOOK_SECRET`.
    env_secret: Option<String>,
    /// The value of the variable the selected profile's `secret_env` names.
    profile_env_secret: Option<String>,
}

impl Settings {
    /// Finds and checks the project file and chooses the profile, reading the process's
    /// environment and current folder.
    pub fn load(request: &Request) -> anyhow::Result<Settings> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        Self::load_with(request, &cwd, &|name| std::env::var(name).ok())
    }

    fn load_with(
        request: &Request,
        cwd: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Settings> {
        let search = search(request, cwd, env);
        let file = match search.find()? {
            Some((path, origin)) => {
                let (shown, checked) = read_and_check(&path, cwd, search.home.as_deref())?;
                let config = checked?;
                Some(Loaded {
                    path,
                    shown,
                    origin,
                    config,
                })
            }
            None => None,
        };
        let mut settings = Settings {
            no_config: request.no_config,
            file,
            profile: None,
            env_secret: env(SECRET_ENV),
            profile_env_secret: None,
        };
        let from_env = env(PROFILE_ENV).filter(|name| !name.is_empty());
        settings.profile = settings.choose_profile(request.profile.as_deref(), from_env)?;
        let declared = settings
            .selected()
            .and_then(|profile| profile.secret.as_ref());
        if let Some(SecretRef::Env(var)) = declared.map(|secret| &secret.value) {
            settings.profile_env_secret = env(var);
        }
        Ok(settings)
    }

    /// `--profile`, else `TITANCARD_WH_PROFILE`, else `default_profile`, else the file's only
    /// profile. A name that is not a profile is an error with the closest one.
    fn choose_profile(
        &self,
        flag: Option<&str>,
        from_env: Option<String>,
    ) -> anyhow::Result<Option<Resolved<String>>> {
        let Some(file) = &self.file else {
            if let Some(name) = flag {
                bail!("--profile {name}: {}", self.no_file());
            }
            return Ok(None);
        };
        let profiles = &file.config.profiles;
        let (chosen, given) = if let Some(name) = flag {
            let given = format!("--profile {name}");
            (
                Resolved::new(name.to_string(), Origin::Flag("--profile")),
                given,
            )
        } else if let Some(name) = from_env {
            let given = format!("{PROFILE_ENV}={name}");
            (
                Resolved::new(name, Origin::Env(PROFILE_ENV.to_string())),
                given,
            )
        } else if let Some(name) = &file.config.default_profile {
            // Checked with the file: it names a profile.
            return Ok(Some(name.clone()));
        } else if profiles.len() == 1 {
            let only = profiles.keys().next().expect("one profile").clone();
            return Ok(Some(Resolved::new(only, Origin::Default)));
        } else {
            return Ok(None);
        };
        if !profiles.contains_key(&chosen.value) {
            let message = model::unknown_profile(&chosen.value, &file.shown, profiles.keys());
            bail!("{given}: {message}");
        }
        Ok(Some(chosen))
    }

    /// Why there is no project file, for messages.
    fn no_file(&self) -> String {
        if self.no_config {
            "--no-config: the project file is not read".to_string()
        } else {
            format!("no {FILE_NAME} was found (titancard-wh config init writes one)")
        }
    }

    /// The selected profile.
    fn selected(&self) -> Option<&Profile> {
        let name = &self.profile.as_ref()?.value;
        self.file.as_ref()?.config.profiles.get(name)
    }

    /// The URL to deliver to when no event picks a route (`probe`, `replay`): `--url`, else the
    /// profile's `url`.
    pub fn url(&self, flag: Option<&WebhookUrl>) -> anyhow::Result<Resolved<WebhookUrl>> {
        self.resolve_url(None, flag)
    }

    /// The URL to deliver `event` to (`send`, `listen`'s forwarding, `story`): `--url`, else the
    /// first of the profile's routes that takes the event, else the profile's `url`.
    pub fn url_for(
        &self,
        event: &str,
        flag: Option<&WebhookUrl>,
    ) -> anyhow::Result<Resolved<WebhookUrl>> {
        self.resolve_url(Some(event), flag)
    }

    fn resolve_url(
        &self,
        event: Option<&str>,
        flag: Option<&WebhookUrl>,
    ) -> anyhow::Result<Resolved<WebhookUrl>> {
        if let Some(url) = flag {
            return Ok(Resolved::new(url.clone(), Origin::Flag("--url")));
        }
        if let Some(profile) = self.selected() {
            let route = event.and_then(|event| profile.routes.iter().find(|r| r.matches(event)));
            if let Some(route) = route {
                return Ok(Resolved::new(route.url.clone(), route.origin.clone()));
            }
            if let Some(url) = &profile.url {
                return Ok(url.clone());
            }
        }
        let what = event.map_or_else(String::new, |event| format!(" for {event}"));
        bail!("no URL{what}: pass --url URL{}", self.where_to_add("a url"))
    }

    /// How to give the profile what is missing, for error messages.
    fn where_to_add(&self, what: &str) -> String {
        match (&self.file, self.selected()) {
            (_, Some(profile)) => format!(
                ", or give profile '{}' {what} ({}:{})",
                profile.name, profile.place.file, profile.place.line
            ),
            (Some(file), None) if file.config.profiles.is_empty() => {
                format!(", or add a profile to {}", file.shown)
            }
            (Some(file), None) => format!(
                ", or choose a profile with --profile NAME ({} has no default_profile)",
                file.shown
            ),
            (None, None) => format!(" ({})", self.no_file()),
        }
    }

    /// The secrets to sign or verify with, in the order `--secret`, `--secret-file`, the
    /// profile's `secret_env` or `secret_file`, `TITANCARD_WEBHOOK_SECRET`.
    pub fn secrets(&self, flags: &SecretFlags<'_>) -> anyhow::Result<Secrets> {
        let profile = self.selected().and_then(|profile| {
            Some(secrets::ProfileSecret {
                profile: &profile.name,
                declared: profile.secret.as_ref()?,
                env_value: self.profile_env_secret.as_deref(),
            })
        });
        let hint = match self.selected() {
            Some(profile) if profile.secret.is_none() => {
                self.where_to_add("a secret_env or secret_file")
            }
            _ => String::new(),
        };
        secrets::resolve(flags, profile.as_ref(), self.env_secret.as_deref(), &hint)
    }

    /// How long to wait for an answer: `--timeout`, else the profile's `timeout`, else the
    /// reference's 30 s delivery deadline.
    pub fn timeout(&self, flag: Option<Duration>) -> Resolved<Duration> {
        let profile = self.selected().and_then(|profile| profile.timeout.clone());
        pick(flag, "--timeout", profile, || DELIVERY_DEADLINE)
    }

    /// `listen`'s port: `--port`, else the profile's `listen.port`, else 8787.
    pub fn listen_port(&self, flag: Option<u16>) -> Resolved<u16> {
        let profile = self
            .selected()
            .and_then(|profile| profile.listen.port.clone());
        pick(flag, "--port", profile, || DEFAULT_LISTEN_PORT)
    }

    /// `listen`'s record file: `--save`, else the profile's `listen.save`, else none.
    pub fn listen_save(&self, flag: Option<&Path>) -> Option<Resolved<PathBuf>> {
        match flag {
            Some(path) => Some(Resolved::new(path.to_path_buf(), Origin::Flag("--save"))),
            None => self
                .selected()
                .and_then(|profile| profile.listen.save.clone()),
        }
    }

    /// Where `listen` relays accepted events: `--forward-to` for every event, else, when the
    /// profile says `listen.forward = true`, each event to the URL `send` would use for it.
    pub fn forward_targets(&self, flag: Option<&WebhookUrl>) -> anyhow::Result<Option<Targets>> {
        if let Some(url) = flag {
            return Ok(Some(Targets::Every(url.clone())));
        }
        let forward = self
            .selected()
            .and_then(|profile| profile.listen.forward.as_ref());
        if !forward.is_some_and(|forward| forward.value) {
            return Ok(None);
        }
        let targets: Vec<(&'static str, WebhookUrl)> = CATALOGUE
            .iter()
            .filter_map(|spec| Some((spec.name, self.url_for(spec.name, None).ok()?.value)))
            .collect();
        if targets.is_empty() {
            bail!("listen.forward is on, but no event has a URL: give the profile a url or routes");
        }
        Ok(Some(Targets::PerEvent(targets)))
    }
}

/// The flag's value, else the profile's, else the default, each with its origin.
fn pick<T>(
    flag: Option<T>,
    name: &'static str,
    profile: Option<Resolved<T>>,
    default: impl FnOnce() -> T,
) -> Resolved<T> {
    match (flag, profile) {
        (Some(value), _) => Resolved::new(value, Origin::Flag(name)),
        (None, Some(resolved)) => resolved,
        (None, None) => Resolved::new(default(), Origin::Default),
    }
}

/// Where to look for the file, from the flags and the environment.
fn search(request: &Request, cwd: &Path, env: &dyn Fn(&str) -> Option<String>) -> Search {
    let path = |name: &str| {
        env(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    Search {
        flag: request.config.clone(),
        none: request.no_config,
        env: path(CONFIG_ENV),
        cwd: cwd.to_path_buf(),
        xdg_config_home: path("XDG_CONFIG_HOME"),
        home: path("HOME").or_else(|| path("USERPROFILE")),
    }
}

/// Reads and checks the file at `path`: the path as messages show it (relative to the current
/// folder when it is under it), and the checked file or its problems.
fn read_and_check(
    path: &Path,
    cwd: &Path,
    home: Option<&Path>,
) -> anyhow::Result<(Arc<str>, Result<ConfigFile, ConfigErrors>)> {
    let text = crate::input::read_text(path, "the project file ")?;
    let shown: Arc<str> = Arc::from(path.strip_prefix(cwd).unwrap_or(path).display().to_string());
    let paths = Paths {
        base: path.parent().unwrap_or(Path::new(".")),
        home,
    };
    let source = Source {
        file: shown.clone(),
        text: &text,
    };
    Ok((shown, model::check(&source, &paths)))
}

#[cfg(test)]
mod tests;
