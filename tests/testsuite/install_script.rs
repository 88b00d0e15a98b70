//! `scripts/install.sh` against a fake release on a local HTTP server (laid out as the release
//! workflow publishes it, with a small stand-in for the binary as this machine's asset): it
//! installs a pinned or the latest release after checking the SHA-256, and refuses a tampered or
//! missing download.
//! Also checks that the workflow, the script and the cargo-binstall metadata name the same assets,
//! and that actionlint (with shellcheck on `run:` scripts) passes the workflow and the README's CI
//! example, and shellcheck the scripts (the peers come from `scripts/test`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{Reply, TestServer};
use crate::peers_support::peer;
use sha2::Digest;

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The release target the script picks on this machine.
fn target() -> String {
    let os = match std::env::consts::OS {
        "linux" => "unknown-linux-musl",
        "macos" => "apple-darwin",
        other => panic!("scripts/install.sh supports Linux and macOS, not {other}"),
    };
    format!("{}-{os}", std::env::consts::ARCH)
}

/// The stand-in binary: answers `--version` as the real one does (the debug build is too big to
/// pack quickly).
const STAND_IN: &str = "#!/bin/sh\necho \"titancard-wh 0.1.0\"\n";

/// A release folder: `<tag>/titancard-wh-<target>.tar.gz` (the stand-in binary inside
/// `titancard-wh-<target>/`) and its `.sha256`, with `checksum` written as the published digest
/// (None: the real one).
fn release(root: &Path, tag: &str, checksum: Option<&str>) {
    let name = format!("titancard-wh-{}", target());
    let stage = tempfile::tempdir().unwrap();
    std::fs::create_dir(stage.path().join(&name)).unwrap();
    std::fs::write(stage.path().join(&name).join("titancard-wh"), STAND_IN).unwrap();
    let dir = root.join(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let asset = dir.join(format!("{name}.tar.gz"));
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&asset)
        .arg("-C")
        .arg(stage.path())
        .arg(&name)
        .status()
        .unwrap_or_else(|err| panic!("cannot run tar ({err}): install tar"));
    assert!(status.success());
    let digest = hex::encode(sha2::Sha256::digest(std::fs::read(&asset).unwrap()));
    std::fs::write(
        dir.join(format!("{name}.tar.gz.sha256")),
        format!("{}  {name}.tar.gz\n", checksum.unwrap_or(&digest)),
    )
    .unwrap();
}

/// A server for the releases URL: `/r/download/<tag>/<asset>` and `/r/latest/download/<asset>`
/// (v0.1.0 is the latest), from `root`.
fn serve(root: PathBuf) -> TestServer {
    TestServer::start(move |_, request| {
        let path = request.path.trim_start_matches("/r/");
        let file = match path.strip_prefix("latest/download/") {
            Some(asset) => root.join("v0.1.0").join(asset),
            None => root.join(path.strip_prefix("download/").unwrap_or("-")),
        };
        match std::fs::read(&file) {
            Ok(bytes) => Reply::status(200).with_body(bytes),
            Err(_) => Reply::status(404).with_body("Not Found"),
        }
    })
}

fn install(server: &TestServer, home: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg(project().join("scripts/install.sh"))
        .args(args)
        .env("HOME", home)
        .env("TITANCARD_WH_RELEASES", server.url("/r"))
        .env_remove("TITANCARD_WH_VERSION")
        .env_remove("TITANCARD_WH_INSTALL_DIR")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn installs_a_pinned_or_the_latest_release_after_checking_it() {
    let root = tempfile::tempdir().unwrap();
    release(root.path(), "v0.1.0", None);
    let server = serve(root.path().to_path_buf());
    let home = tempfile::tempdir().unwrap();

    // Pinned, into a given folder.
    let bin = home.path().join("tools/bin");
    let output = install(
        &server,
        home.path(),
        &["--version", "v0.1.0", "--dir", bin.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("installed titancard-wh 0.1.0 to"),
        "{}",
        stderr(&output)
    );
    let installed = bin.join("titancard-wh");
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), STAND_IN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }

    // The latest release, into ~/.local/bin by default.
    let output = install(&server, home.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(home.path().join(".local/bin/titancard-wh").is_file());

    let asset = format!("titancard-wh-{}.tar.gz", target());
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            format!("/r/download/v0.1.0/{asset}"),
            format!("/r/download/v0.1.0/{asset}.sha256"),
            format!("/r/latest/download/{asset}"),
            format!("/r/latest/download/{asset}.sha256"),
        ]
    );
}

#[test]
fn a_tampered_or_missing_download_installs_nothing() {
    let root = tempfile::tempdir().unwrap();
    release(root.path(), "v0.1.0", Some(&"0".repeat(64)));
    let server = serve(root.path().to_path_buf());
    let home = tempfile::tempdir().unwrap();

    let output = install(&server, home.path(), &["--version", "0.1.0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("checksum mismatch"),
        "{}",
        stderr(&output)
    );
    assert!(!home.path().join(".local/bin").exists());

    let output = install(&server, home.path(), &["--version", "v9.9.9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot download"),
        "{}",
        stderr(&output)
    );
    assert!(!home.path().join(".local/bin").exists());
}

#[test]
fn the_workflow_the_script_and_binstall_name_the_same_assets() {
    let workflow =
        std::fs::read_to_string(project().join(".github/workflows/release.yml")).unwrap();
    let script = std::fs::read_to_string(project().join("scripts/install.sh")).unwrap();
    let cargo = std::fs::read_to_string(project().join("Cargo.toml")).unwrap();
    assert!(workflow.contains("name=\"titancard-wh-${{ matrix.target }}\""));
    assert!(
        workflow.contains("asset=\"$name.tar.gz\"") && workflow.contains("asset=\"$name.zip\"")
    );
    assert!(workflow.contains("sha256sum \"$asset\" > \"$asset.sha256\""));
    assert!(script.contains("asset=\"titancard-wh-$target.tar.gz\""));
    assert!(script.contains("binary=\"$tmp/titancard-wh-$target/titancard-wh\""));
    assert!(cargo.contains(
        "pkg-url = \"{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }\""
    ));
    assert!(cargo.contains("bin-dir = \"{ name }-{ target }/{ bin }{ binary-ext }\""));
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            workflow.contains(&format!("target: {target},")),
            "release.yml does not build {target}"
        );
    }
}

/// The GitHub Actions example of docs/ci.md, written to a temporary file.
fn readme_ci_example(dir: &Path) -> PathBuf {
    let readme = std::fs::read_to_string(project().join("docs/ci.md")).unwrap();
    let start = readme
        .find("```yaml\nname: webhook payloads\n")
        .expect("docs/ci.md has a GitHub Actions example")
        + "```yaml\n".len();
    let length = readme[start..].find("```").unwrap();
    let example = &readme[start..start + length];
    assert!(example.contains("scripts/install.sh"), "{example}");
    let path = dir.join("webhook-payloads.yml");
    std::fs::write(&path, example).unwrap();
    path
}

#[test]
fn actionlint_and_shellcheck_pass_the_release_files() {
    let shellcheck = peer("venv/bin/shellcheck");
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(peer("venv/bin/actionlint"))
        .arg("-shellcheck")
        .arg(&shellcheck)
        .arg(".github/workflows/release.yml")
        .arg(readme_ci_example(dir.path()))
        .current_dir(project())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
    let output = Command::new(&shellcheck)
        .args(["scripts/install.sh", "scripts/test"])
        .current_dir(project())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "shellcheck:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
}
