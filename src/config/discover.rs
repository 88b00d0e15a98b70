//! Which project file is read: `--config PATH`, else `TITANCARD_WH_CONFIG`, else the first
//! `titancard-wh.toml` walking up from the current folder (stopping at the repository root, the
//! folder that holds `.git`), else the user file
//! (`$XDG_CONFIG_HOME/titancard-wh/config.toml`, `~/.config/...` without XDG_CONFIG_HOME).
//! One file wins: files are never merged. `--no-config` reads none.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::origin::Origin;

/// The project file's name, looked for in the current folder and its parents.
pub const FILE_NAME: &str = "titancard-wh.toml";
/// The environment variable that names the project file.
pub const CONFIG_ENV: &str = "TITANCARD_WH_CONFIG";

/// What decides the file: the flags and the environment, as plain values.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// `--config PATH`.
    pub flag: Option<PathBuf>,
    /// `--no-config`.
    pub none: bool,
    /// `TITANCARD_WH_CONFIG` (empty counts as unset).
    pub env: Option<PathBuf>,
    /// Where the walk starts: the current folder.
    pub cwd: PathBuf,
    /// `XDG_CONFIG_HOME` (empty counts as unset).
    pub xdg_config_home: Option<PathBuf>,
    /// `HOME`, for `~` and the user file without XDG_CONFIG_HOME.
    pub home: Option<PathBuf>,
}

impl Search {
    /// The file to read and why it was chosen, or `None` when there is none. A file named by
    /// the flag or the environment must exist.
    pub fn find(&self) -> anyhow::Result<Option<(PathBuf, Origin)>> {
        if self.none {
            return Ok(None);
        }
        for (path, origin, name) in [
            (&self.flag, Origin::Flag("--config"), "--config"),
            (&self.env, Origin::Env(CONFIG_ENV.to_string()), CONFIG_ENV),
        ] {
            if let Some(path) = path {
                if !path.is_file() {
                    bail!("{name} names {}, which is not a file", path.display());
                }
                return Ok(Some((path.clone(), origin)));
            }
        }
        if let Some(path) = walk_up(&self.cwd) {
            return Ok(Some((path, Origin::Walk)));
        }
        Ok(self
            .user_file()
            .filter(|path| path.is_file())
            .map(|path| (path, Origin::User)))
    }

    /// `$XDG_CONFIG_HOME/titancard-wh/config.toml`, or `~/.config/titancard-wh/config.toml`.
    pub fn user_file(&self) -> Option<PathBuf> {
        let base = match (&self.xdg_config_home, &self.home) {
            // The XDG spec ignores a relative XDG_CONFIG_HOME.
            (Some(xdg), _) if xdg.is_absolute() => xdg.clone(),
            (_, Some(home)) => home.join(".config"),
            _ => return None,
        };
        Some(base.join("titancard-wh").join("config.toml"))
    }
}

/// The first `titancard-wh.toml` in `start` or its parents, not looking above the folder that
/// holds `.git` (a file in a git worktree, a folder elsewhere).
fn walk_up(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(cwd: &Path) -> Search {
        Search {
            cwd: cwd.to_path_buf(),
            ..Search::default()
        }
    }

    #[test]
    fn the_walk_finds_the_nearest_file_and_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        // Above the repository root: never read.
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(search(&deep).find().unwrap(), None);
        std::fs::write(repo.join(FILE_NAME), "").unwrap();
        let (path, origin) = search(&deep).find().unwrap().unwrap();
        assert_eq!((path, origin), (repo.join(FILE_NAME), Origin::Walk));
        std::fs::write(repo.join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(
            search(&deep).find().unwrap().unwrap().0,
            repo.join("a").join(FILE_NAME)
        );
    }

    #[test]
    fn flag_beats_env_beats_walk_beats_user_file_and_no_config_reads_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let named = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "").unwrap();
            path
        };
        let (flag, env) = (named("flag.toml"), named("env.toml"));
        let xdg = dir.path().join("xdg");
        std::fs::create_dir_all(xdg.join("titancard-wh")).unwrap();
        std::fs::write(xdg.join("titancard-wh/config.toml"), "").unwrap();
        let mut search = Search {
            flag: Some(flag.clone()),
            env: Some(env.clone()),
            xdg_config_home: Some(xdg.clone()),
            ..search(dir.path())
        };
        let found = |search: &Search| search.find().unwrap();
        assert_eq!(found(&search), Some((flag, Origin::Flag("--config"))));
        search.flag = None;
        assert_eq!(found(&search), Some((env, Origin::Env(CONFIG_ENV.into()))));
        search.env = None;
        assert_eq!(
            found(&search),
            Some((xdg.join("titancard-wh/config.toml"), Origin::User))
        );
        let walked = named(FILE_NAME);
        assert_eq!(found(&search), Some((walked, Origin::Walk)));
        search.none = true;
        assert_eq!(found(&search), None);
    }

    #[test]
    fn a_named_file_must_exist_and_the_user_file_falls_back_to_home() {
        let dir = tempfile::tempdir().unwrap();
        let search = Search {
            flag: Some(dir.path().join("missing.toml")),
            ..search(dir.path())
        };
        let err = search.find().unwrap_err().to_string();
        assert!(err.starts_with("--config names "), "{err}");
        let search = Search {
            home: Some(PathBuf::from("/home/u")),
            xdg_config_home: Some(PathBuf::from("relative")),
            ..Search::default()
        };
        assert_eq!(
            search.user_file(),
            Some(PathBuf::from("/home/u/.config/titancard-wh/config.toml"))
        );
    }
}
