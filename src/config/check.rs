//! `config check`: a file's every problem with its line and column, as `Settings::load` would
//! find them in any profile, plus secret files that others may read.

use std::path::Path;

use anyhow::{Context, bail};

use super::discover::FILE_NAME;
use super::model::SecretRef;
use super::origin::{ConfigError, ConfigErrors, Origin, Resolved};
use super::{Request, read_and_check, search, secrets};

/// What `config check` found in a file.
#[derive(Debug)]
pub struct Checked {
    /// The path as messages show it.
    pub shown: String,
    /// The profiles' names, when the file is valid.
    pub profiles: Vec<String>,
    /// Every problem, in the order of the file.
    pub errors: Vec<ConfigError>,
}

/// Checks `path`, or the file the flags and the environment find: everything `load` checks, in
/// every profile, plus each profile's secret file that others may read.
pub fn check(request: &Request, path: Option<&Path>) -> anyhow::Result<Checked> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let env = |name: &str| std::env::var(name).ok();
    let search = search(request, &cwd, &env);
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => match search.find()? {
            Some((path, _)) => path,
            None if request.no_config => bail!("nothing to check: --no-config, and no FILE given"),
            None => bail!("nothing to check: no {FILE_NAME} was found; pass a FILE"),
        },
    };
    let (shown, checked) = read_and_check(&path, &cwd, search.home.as_deref())?;
    let (profiles, errors) = match checked {
        Ok(config) => {
            let errors = config
                .profiles
                .values()
                .filter_map(|profile| secret_file_problem(profile.secret.as_ref()?))
                .collect();
            (config.profiles.into_keys().collect(), errors)
        }
        Err(ConfigErrors(errors)) => (Vec::new(), errors),
    };
    Ok(Checked {
        shown: shown.to_string(),
        profiles,
        errors,
    })
}

/// A secret file others may read, as an error at the line that names it.
fn secret_file_problem(secret: &Resolved<SecretRef>) -> Option<ConfigError> {
    let (SecretRef::File(path), Origin::File { place, .. }) = (&secret.value, &secret.origin)
    else {
        return None;
    };
    let message = secrets::check_mode(path).err()?;
    Some(ConfigError {
        place: place.clone(),
        message: format!("secret_file: {message}"),
    })
}
