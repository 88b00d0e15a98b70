//! The secret's order: `--secret`, `--secret-file`, the selected profile's `secret_env` or
//! `secret_file`, then `TITANCARD_WEBHOOK_SECRET`. The first source that is set is used; when a
//! later one is set too and holds a different secret, one line on stderr says which was used and
//! why (never a value), so that a forgotten variable cannot silently sign with the wrong secret.

use std::path::Path;

use anyhow::{Context, anyhow, bail};

use super::model::SecretRef;
use super::origin::{Origin, Resolved};
use crate::output;
use crate::secret::{SECRET_ENV, Secret, Secrets, read_secret_file};

/// The order, as the notice and the docs state it.
const ORDER: &str = "--secret, --secret-file, the profile's secret_env or secret_file, \
    TITANCARD_WEBHOOK_SECRET";

/// What the secret flags gave, already as secrets.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretFlags<'a> {
    /// `--secret` (repeated for rotation).
    pub values: &'a [Secret],
    /// `--secret-file`.
    pub file: Option<&'a Path>,
}

/// The selected profile's secret reference and, for `secret_env`, the variable's value.
pub struct ProfileSecret<'a> {
    pub profile: &'a str,
    pub declared: &'a Resolved<SecretRef>,
    pub env_value: Option<&'a str>,
}

/// One place a secret may come from: how it is named, and what it holds (`None`: not set).
struct Source {
    label: String,
    read: Option<anyhow::Result<Vec<Secret>>>,
}

/// The secrets from the first source that is set, in the order above.
pub fn resolve(
    flags: &SecretFlags<'_>,
    profile: Option<&ProfileSecret<'_>>,
    env_value: Option<&str>,
    no_secret_hint: &str,
) -> anyhow::Result<Secrets> {
    let mut sources = sources(flags, profile, env_value);
    let Some(index) = sources.iter().position(|source| source.read.is_some()) else {
        bail!(
            "no secret given: pass --secret SECRET, --secret-file FILE, or set \
             {SECRET_ENV}{no_secret_hint}"
        );
    };
    let used = sources[index]
        .read
        .take()
        .expect("the position found a source that is set")?;
    let later: Vec<&str> = sources[index + 1..]
        .iter()
        .filter(|source| matches!(&source.read, Some(Ok(other)) if *other != used))
        .map(|source| source.label.as_str())
        .collect();
    if !later.is_empty() {
        notice(&sources[index].label, &later);
    }
    Secrets::new(used)
}

/// The sources, in their order.
fn sources(
    flags: &SecretFlags<'_>,
    profile: Option<&ProfileSecret<'_>>,
    env_value: Option<&str>,
) -> Vec<Source> {
    let mut sources = vec![
        Source {
            label: "--secret".to_string(),
            read: (!flags.values.is_empty()).then(|| Ok(flags.values.to_vec())),
        },
        Source {
            label: "--secret-file".to_string(),
            read: flags.file.map(read_secret_file),
        },
    ];
    if let Some(profile) = profile {
        sources.push(from_profile(profile));
    }
    // A profile whose secret_env is TITANCARD_WEBHOOK_SECRET already stands for it.
    let env_is_the_profiles = profile.is_some_and(
        |profile| matches!(&profile.declared.value, SecretRef::Env(var) if var == SECRET_ENV),
    );
    if !env_is_the_profiles {
        sources.push(Source {
            label: SECRET_ENV.to_string(),
            read: env_value
                .filter(|value| !value.is_empty())
                .map(|value| Ok(vec![Secret::new(value)])),
        });
    }
    sources
}

/// The one line that says which source was used, and why, when later ones differ.
fn notice(used: &str, later: &[&str]) {
    let (holds, come) = if later.len() == 1 {
        ("holds a different one", "comes")
    } else {
        ("hold different ones", "come")
    };
    output::warning(&format!(
        "using the secret from {used}: {} {holds}, and {come} later in the order {ORDER}",
        later.join(" and "),
    ));
}

/// The profile's `secret_env` or `secret_file`: once a profile names a source, that source must
/// hold a secret (falling through to another would sign with a secret nobody chose).
fn from_profile(profile: &ProfileSecret<'_>) -> Source {
    let place = match &profile.declared.origin {
        Origin::File { place, .. } => place.to_string(),
        other => other.to_string(),
    };
    let name = profile.profile;
    match &profile.declared.value {
        SecretRef::Env(var) => Source {
            label: format!("{var} (secret_env of profile '{name}', {place})"),
            read: Some(match profile.env_value.filter(|value| !value.is_empty()) {
                Some(value) => Ok(vec![Secret::new(value)]),
                None => Err(anyhow!(
                    "{place}: profile '{name}' takes its secret from {var} (secret_env), which \
                     is not set: set it, or pass --secret or --secret-file"
                )),
            }),
        },
        SecretRef::File(path) => Source {
            label: format!(
                "{} (secret_file of profile '{name}', {place})",
                path.display()
            ),
            read: Some(
                check_mode(path)
                    .map_err(|message| anyhow!("{place}: secret_file: {message}"))
                    .and_then(|()| read_secret_file(path).with_context(|| place.clone())),
            ),
        },
    }
}

/// A secret file that group or others may use is refused, as ssh refuses such a key.
pub fn check_mode(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(format!(
                    "{} may be read by group or others (mode {mode:03o}), and it holds a secret: \
                     chmod 600 {}",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::origin::Place;

    fn declared(secret: SecretRef) -> Resolved<SecretRef> {
        let place = Place {
            file: "p.toml".into(),
            line: 6,
            column: 14,
        };
        Resolved::new(
            secret,
            Origin::File {
                key: "profiles.local.secret_env".into(),
                place,
            },
        )
    }

    fn first(secrets: anyhow::Result<Secrets>) -> String {
        secrets.unwrap().primary().expose().to_string()
    }

    #[test]
    fn the_order_is_flag_file_profile_env() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s");
        std::fs::write(&file, "from-file\n").unwrap();
        let values = [Secret::new("from-flag")];
        let env_ref = declared(SecretRef::Env("LOCAL".into()));
        let profile = ProfileSecret {
            profile: "local",
            declared: &env_ref,
            env_value: Some("from-profile"),
        };
        let both = SecretFlags {
            values: &values,
            file: Some(&file),
        };
        let file_only = SecretFlags {
            values: &[],
            file: Some(&file),
        };
        let none = SecretFlags::default();
        let env = Some("from-env");
        assert_eq!(first(resolve(&both, Some(&profile), env, "")), "from-flag");
        assert_eq!(
            first(resolve(&file_only, Some(&profile), env, "")),
            "from-file"
        );
        assert_eq!(
            first(resolve(&none, Some(&profile), env, "")),
            "from-profile"
        );
        assert_eq!(first(resolve(&none, None, env, "")), "from-env");
        let err = resolve(&none, None, Some(""), " (hint)")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "no secret given: pass --secret SECRET, --secret-file FILE, or set \
             TITANCARD_WEBHOOK_SECRET (hint)"
        );
    }

    #[test]
    fn a_profile_source_that_is_not_set_is_an_error_not_a_fall_through() {
        let env_ref = declared(SecretRef::Env("LOCAL".into()));
        let profile = ProfileSecret {
            profile: "local",
            declared: &env_ref,
            env_value: None,
        };
        let err = resolve(&SecretFlags::default(), Some(&profile), Some("x"), "")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("p.toml:6:14: profile 'local' takes its secret from LOCAL"),
            "{err}"
        );
        // A flag still wins over a broken profile source.
        let values = [Secret::new("f")];
        let flags = SecretFlags {
            values: &values,
            file: None,
        };
        assert_eq!(first(resolve(&flags, Some(&profile), None, "")), "f");
    }

    #[test]
    fn a_profile_naming_the_default_variable_is_one_source_not_two() {
        let env_ref = declared(SecretRef::Env(SECRET_ENV.into()));
        let profile = ProfileSecret {
            profile: "local",
            declared: &env_ref,
            env_value: Some("same"),
        };
        let values = [Secret::new("other")];
        let flags = SecretFlags {
            values: &values,
            file: None,
        };
        let labels: Vec<String> = sources(&flags, Some(&profile), Some("same"))
            .into_iter()
            .filter(|source| source.read.is_some())
            .map(|source| source.label)
            .collect();
        assert_eq!(labels.len(), 2, "{labels:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_open_to_others_is_refused_at_its_place() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "x\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let file_ref = declared(SecretRef::File(path.clone()));
        let profile = ProfileSecret {
            profile: "staging",
            declared: &file_ref,
            env_value: None,
        };
        let err = resolve(&SecretFlags::default(), Some(&profile), None, "")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:6:14: secret_file: "), "{err}");
        assert!(
            err.contains("mode 644") && err.contains("chmod 600"),
            "{err}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            first(resolve(&SecretFlags::default(), Some(&profile), None, "")),
            "x"
        );
    }
}
