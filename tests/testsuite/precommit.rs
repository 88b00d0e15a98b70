//! `.pre-commit-hooks.yaml` works as the README says, run by the real pre-commit (installed by
//! `scripts/test`): `pre-commit try-repo` on this checkout (pre-commit clones it, with any
//! uncommitted changes) against a temporary git repository with payloads staged, as a commit
//! would run it.
//!
//! The `language: system` hook runs with the freshly built binary first on PATH. The
//! `language: rust` hook differs from it only in how pre-commit gets the binary (`cargo install`
//! of this crate, minutes of release build per rev), so here it is checked by
//! `pre-commit validate-manifest` and by comparing the two hooks' definitions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::peers_support::peer;
use serde_json::Value;

const SYSTEM_HOOK: &str = "titancard-wh-validate-system";
const RUST_HOOK: &str = "titancard-wh-validate";

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A command with no git variables of an outer git process (a hook running the tests) leaking in.
fn hermetic(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    for name in [
        "GIT_DIR",
        "GIT_INDEX_FILE",
        "GIT_WORK_TREE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        command.env_remove(name);
    }
    // No user or system git configuration (core.hooksPath, commit signing) either.
    command
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("TITANCARD_WEBHOOK_SECRET")
        .env_remove("PRE_COMMIT_HOME")
        .env("PRE_COMMIT_COLOR", "never");
    command
}

fn git(dir: &Path, args: &[&str]) {
    let output = hermetic("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|err| panic!("cannot run git ({err}): install git, then run scripts/test"));
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A temporary git repository with `files` (name, bytes) under payloads/, all staged.
fn repo_with_staged(files: &[(String, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "--quiet"]);
    std::fs::create_dir(dir.path().join("payloads")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join("payloads").join(name), bytes).unwrap();
    }
    git(dir.path(), &["add", "payloads"]);
    dir
}

/// The reference's 14 samples as payload files.
fn good_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        std::fs::read_dir(project().join("crates/titancard-webhooks/samples"))
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).unwrap())
            })
            .collect();
    files.sort();
    assert_eq!(files.len(), 14);
    files
}

/// PATH with the built binary's folder first.
fn path_with_binary() -> std::ffi::OsString {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_titancard-wh"))
        .parent()
        .unwrap()
        .to_path_buf();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap()
}

/// `pre-commit try-repo <this checkout> HOOK` on the staged files of `repo`, with the built
/// binary first on PATH.
fn try_repo(repo: &Path, hook: &str) -> Output {
    hermetic(peer("venv/bin/pre-commit"))
        .arg("try-repo")
        .arg(project())
        .arg(hook)
        .env("PATH", path_with_binary())
        .current_dir(repo)
        .output()
        .unwrap()
}

fn summary_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|line| line.contains(" payloads, ") || line.contains(" payload, "))
        .collect()
}

#[test]
fn the_system_hook_blocks_a_bad_payload_with_one_readable_report() {
    let mut files = good_files();
    let bad =
        std::fs::read(project().join("fixtures/validate/schema/invalid/bad-source.json")).unwrap();
    files.push(("bad-source.json".into(), bad));
    // 15 files: without require_serial, pre-commit splits them into one batch per core, each
    // printing its own summary.
    let repo = repo_with_staged(&files);
    let output = try_repo(repo.path(), SYSTEM_HOOK);
    let report = text(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("Failed"), "{report}");
    assert!(
        report.contains(
            "payloads/bad-source.json:22:15: error: data.source: \"carrier_pigeon\" is not one of"
        ),
        "{report}"
    );
    assert_eq!(
        summary_lines(&report),
        ["15 files, 15 payloads, 1 invalid, 0 warnings"],
        "{report}"
    );
}

#[test]
fn the_system_hook_passes_good_payloads() {
    let repo = repo_with_staged(&good_files());
    let output = try_repo(repo.path(), SYSTEM_HOOK);
    let report = text(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(report.contains("Passed"), "{report}");
}

/// `.pre-commit-hooks.yaml` as JSON, read by the PyYAML that pre-commit itself uses.
fn manifest() -> Vec<Value> {
    let output = hermetic(peer("venv/bin/python"))
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(project().join(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_manifest_is_valid_and_both_hooks_run_the_same_serial_check() {
    let output = hermetic(peer("venv/bin/pre-commit"))
        .arg("validate-manifest")
        .arg(project().join(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));

    let hooks = manifest();
    let hook = |id: &str| {
        hooks
            .iter()
            .find(|hook| hook["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id} in .pre-commit-hooks.yaml"))
            .clone()
    };
    let (rust, system) = (hook(RUST_HOOK), hook(SYSTEM_HOOK));
    assert_eq!(rust["language"], "rust");
    assert_eq!(system["language"], "system");
    for key in [
        "entry",
        "files",
        "types",
        "require_serial",
        "pass_filenames",
    ] {
        assert_eq!(rust[key], system[key], "the two hooks differ in {key}");
    }
    assert_eq!(rust["entry"], "titancard-wh validate");
    assert_eq!(rust["require_serial"], true);
    assert_eq!(rust["pass_filenames"], true);
    // The rust hook installs the package at the repository root: its binary must be the entry's.
    let cargo_toml = std::fs::read_to_string(project().join("Cargo.toml")).unwrap();
    assert!(cargo_toml.contains("name = \"titancard-wh\""));
}

/// The project's home, as the README's snippets name it.
const HOME_URL: &str = "https://github.com/titancard/titancard-wh";

/// The README's `.pre-commit-config.yaml` snippet, as printed there.
fn readme_config() -> String {
    let readme = std::fs::read_to_string(project().join("docs/ci.md")).unwrap();
    let start = readme
        .find("```yaml\nrepos:\n")
        .expect("docs/ci.md has a .pre-commit-config.yaml snippet")
        + "```yaml\n".len();
    let length = readme[start..].find("```").unwrap();
    let config = readme[start..start + length].to_string();
    assert!(config.contains(&format!("repo: {HOME_URL}\n")), "{config}");
    assert!(config.contains(&format!("id: {SYSTEM_HOOK} ")), "{config}");
    assert!(config.contains("rev: v0.1.0 "), "{config}");
    config
}

/// The README's `.pre-commit-config.yaml` (system hook, `files` and `args`), with this
/// checkout's manifest as `repo` and its commit as `rev`, in a repository with
/// `pre-commit install`ed: `git commit` itself is blocked, then goes through.
#[test]
fn a_commit_under_the_readme_config_is_blocked_then_passes() {
    // The hook repository: this checkout's manifest, committed (all a system hook needs).
    let hooks = tempfile::tempdir().unwrap();
    git(hooks.path(), &["init", "--quiet"]);
    std::fs::copy(
        project().join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(hooks.path(), &["add", "."]);
    git(hooks.path(), &["commit", "--quiet", "-m", "hooks"]);
    let rev = hermetic("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(hooks.path())
        .output()
        .unwrap();
    let rev = String::from_utf8(rev.stdout).unwrap();

    // An unknown key passes by default and fails under --strict: the args reach the hook.
    let sample = std::fs::read_to_string(
        project().join("crates/titancard-webhooks/samples/card.viewed.json"),
    )
    .unwrap()
    .replacen("\"data\": {", "\"data\": {\n    \"viewr\": 1,", 1);
    let repo = repo_with_staged(&[("viewed.json".into(), sample.into_bytes())]);
    let config = readme_config()
        .replace(HOME_URL, &hooks.path().display().to_string())
        .replace("rev: v0.1.0", &format!("rev: {}", rev.trim()));
    std::fs::write(repo.path().join(".pre-commit-config.yaml"), config).unwrap();
    git(repo.path(), &["add", ".pre-commit-config.yaml"]);
    let home = tempfile::tempdir().unwrap();
    let pre_commit = |args: &[&str]| {
        let output = hermetic(peer("venv/bin/pre-commit"))
            .args(args)
            .env("PRE_COMMIT_HOME", home.path())
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pre-commit {args:?}: {}",
            text(&output)
        );
    };
    pre_commit(&["install"]);
    let commit = || {
        hermetic("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
            .args(["commit", "-m", "payloads"])
            .env("PRE_COMMIT_HOME", home.path())
            .env("PATH", path_with_binary())
            .current_dir(repo.path())
            .output()
            .unwrap()
    };

    let blocked = commit();
    let report = text(&blocked);
    assert!(!blocked.status.success(), "{report}");
    assert!(report.contains("payloads/viewed.json:"), "{report}");
    assert!(report.contains("viewr"), "{report}");
    assert_eq!(summary_lines(&report).len(), 1, "{report}");

    std::fs::write(
        repo.path().join("payloads/viewed.json"),
        std::fs::read(project().join("crates/titancard-webhooks/samples/card.viewed.json"))
            .unwrap(),
    )
    .unwrap();
    git(repo.path(), &["add", "payloads"]);
    let passed = commit();
    assert!(passed.status.success(), "{}", text(&passed));
}
