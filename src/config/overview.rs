//! `config show`: every resolved value and where it came from. The secret is shown only as the
//! source it would be read from, and whether that source holds one; never the value.

use serde::Serialize;

use super::Settings;
use super::model::SecretRef;
use super::origin::{Origin, OriginReport, Resolved};
use crate::output::millis;
use crate::secret::SECRET_ENV;
use crate::wire::WebhookUrl;

/// `config show --format json` (schemas/output/config-show.schema.json).
#[derive(Debug, Serialize)]
pub struct Overview {
    ok: bool,
    file: Option<Item<String>>,
    profile: Option<Item<String>>,
    profiles: Vec<String>,
    url: Option<Item<WebhookUrl>>,
    routes: Vec<RouteItem>,
    secret: Option<SecretItem>,
    timeout: TimeoutItem,
    listen: ListenItems,
}

/// A value and where it came from.
#[derive(Debug, Serialize)]
struct Item<T> {
    value: T,
    origin: OriginReport,
    /// The origin in words, for the human table.
    #[serde(skip)]
    from: String,
}

impl<T: Clone> Item<T> {
    fn of(resolved: &Resolved<T>) -> Self {
        Self::new(resolved.value.clone(), &resolved.origin)
    }
}

impl<T> Item<T> {
    fn new(value: T, origin: &Origin) -> Self {
        Item {
            value,
            origin: origin.into(),
            from: origin.to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
struct RouteItem {
    events: Vec<String>,
    url: WebhookUrl,
    origin: OriginReport,
    #[serde(skip)]
    from: String,
}

/// Where the secret would be read from when no flag gives it.
#[derive(Debug, Serialize)]
struct SecretItem {
    /// `env` or `file`.
    from: &'static str,
    /// The variable's name or the file's path.
    name: String,
    /// Whether that variable is set, or that file exists.
    available: bool,
    origin: OriginReport,
    #[serde(skip)]
    declared: String,
}

#[derive(Debug, Serialize)]
struct TimeoutItem {
    millis: f64,
    origin: OriginReport,
    #[serde(skip)]
    text: String,
    #[serde(skip)]
    from: String,
}

#[derive(Debug, Serialize)]
struct ListenItems {
    port: Item<u16>,
    save: Option<Item<String>>,
    forward: Item<bool>,
}

/// One row of the human table: key, value, origin.
pub struct Line {
    pub key: String,
    pub value: String,
    pub origin: String,
}

impl Settings {
    /// The resolved values, as no command-line flag but the global ones sets them.
    pub fn overview(&self) -> Overview {
        let profile = self.selected();
        let timeout = self.timeout(None);
        let forward = profile
            .and_then(|profile| profile.listen.forward.clone())
            .unwrap_or_else(|| Resolved::new(false, Origin::Default));
        Overview {
            ok: true,
            file: self
                .file
                .as_ref()
                .map(|file| Item::new(file.path.display().to_string(), &file.origin)),
            profile: self.profile.as_ref().map(Item::of),
            profiles: self.file.as_ref().map_or_else(Vec::new, |file| {
                file.config.profiles.keys().cloned().collect()
            }),
            url: profile
                .and_then(|profile| profile.url.as_ref())
                .map(Item::of),
            routes: profile.map_or_else(Vec::new, |profile| {
                profile
                    .routes
                    .iter()
                    .map(|route| RouteItem {
                        events: route.events.clone(),
                        url: route.url.clone(),
                        origin: (&route.origin).into(),
                        from: route.origin.to_string(),
                    })
                    .collect()
            }),
            secret: self.secret_item(),
            timeout: TimeoutItem {
                millis: millis(timeout.value),
                origin: (&timeout.origin).into(),
                text: humantime::format_duration(timeout.value).to_string(),
                from: timeout.origin.to_string(),
            },
            listen: ListenItems {
                port: Item::of(&self.listen_port(None)),
                save: self
                    .listen_save(None)
                    .map(|save| Item::new(save.value.display().to_string(), &save.origin)),
                forward: Item::of(&forward),
            },
        }
    }

    /// The profile's declared source, else `TITANCARD_WEBHOOK_SECRET` when it is set.
    fn secret_item(&self) -> Option<SecretItem> {
        let declared = self.selected().and_then(|profile| profile.secret.as_ref());
        let (from, name, available, origin) = match declared {
            Some(declared) => match &declared.value {
                SecretRef::Env(var) => (
                    "env",
                    var.clone(),
                    self.profile_env_secret
                        .as_deref()
                        .is_some_and(|v| !v.is_empty()),
                    declared.origin.clone(),
                ),
                SecretRef::File(path) => (
                    "file",
                    path.display().to_string(),
                    path.is_file(),
                    declared.origin.clone(),
                ),
            },
            None if self.env_secret.as_deref().is_some_and(|v| !v.is_empty()) => (
                "env",
                SECRET_ENV.to_string(),
                true,
                Origin::Env(SECRET_ENV.to_string()),
            ),
            None => return None,
        };
        Some(SecretItem {
            from,
            name,
            available,
            origin: (&origin).into(),
            declared: origin.to_string(),
        })
    }
}

impl Overview {
    /// The human table's rows.
    pub fn lines(&self) -> Vec<Line> {
        let line = |key: &str, value: String, origin: &str| Line {
            key: key.to_string(),
            value,
            origin: origin.to_string(),
        };
        let mut lines = Vec::new();
        lines.push(match &self.file {
            Some(file) => line("file", file.value.clone(), &file.from),
            None => line("file", "none".into(), "no titancard-wh.toml found"),
        });
        match &self.profile {
            Some(profile) => lines.push(line("profile", profile.value.clone(), &profile.from)),
            None if !self.profiles.is_empty() => lines.push(line(
                "profile",
                format!("none (profiles: {})", self.profiles.join(", ")),
                "no default_profile",
            )),
            None => {}
        }
        if let Some(url) = &self.url {
            lines.push(line("url", url.value.to_string(), &url.from));
        }
        for (index, route) in self.routes.iter().enumerate() {
            let value = format!("{} -> {}", route.events.join(", "), route.url);
            lines.push(line(&format!("route {}", index + 1), value, &route.from));
        }
        lines.push(match &self.secret {
            Some(secret) => {
                let state = match (secret.from, secret.available) {
                    ("env", true) => "set",
                    ("env", false) => "not set",
                    (_, true) => "exists",
                    (_, false) => "missing",
                };
                let value = format!("(redacted) from {} {} ({state})", secret.from, secret.name);
                line("secret", value, &secret.declared)
            }
            None => line(
                "secret",
                "none".into(),
                "only from --secret or --secret-file",
            ),
        });
        lines.push(line(
            "timeout",
            self.timeout.text.clone(),
            &self.timeout.from,
        ));
        let port = &self.listen.port;
        lines.push(line("listen.port", port.value.to_string(), &port.from));
        if let Some(save) = &self.listen.save {
            lines.push(line("listen.save", save.value.clone(), &save.from));
        }
        let forward = &self.listen.forward;
        let on = if forward.value { "on" } else { "off" };
        lines.push(line("listen.forward", on.to_string(), &forward.from));
        lines
    }
}
