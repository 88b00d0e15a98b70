//! The peer tools that `scripts/test` installs (TITANCARD_PEERS, or target/peers by default):
//! finding them, and running the reference's own receiver samples (fixtures/peers/). A missing
//! peer fails the test that needs it, never skips it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Where the peer tools are installed.
pub fn peers_dir() -> PathBuf {
    let dir = std::env::var_os("TITANCARD_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers"));
    assert!(
        dir.is_dir(),
        "the peer tools are missing at {}: run scripts/test (it installs them)",
        dir.display()
    );
    dir
}

/// One installed peer file, such as `venv/bin/check-jsonschema`.
pub fn peer(relative: &str) -> PathBuf {
    let path = peers_dir().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/test to install the peer tools",
        path.display()
    );
    path
}

/// Asserts that check-jsonschema accepts each schema file against its own metaschema.
pub fn assert_metaschema_valid(schemas: impl IntoIterator<Item = PathBuf>) {
    let output = Command::new(peer("venv/bin/check-jsonschema"))
        .arg("--check-metaschema")
        .args(schemas)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A receiver sample of the reference running on a free port; killed when dropped.
pub struct Peer {
    child: Child,
    pub url: String,
}

impl Peer {
    /// Starts `command` with WEBHOOK_SECRET set and reads the URL it prints first
    /// ("listening on URL").
    pub fn start(mut command: Command, secret: &str) -> Self {
        command
            .env("WEBHOOK_SECRET", secret)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}; run scripts/test"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{command:?} printed {line:?}, not its address"))
            .to_string();
        Peer { child, url }
    }

    /// The reference's Flask sample (Python), from the peers' virtualenv.
    pub fn flask(secret: &str) -> Self {
        let mut command = Command::new(peer("venv/bin/python"));
        command.arg(peer_fixture("flask_receiver.py"));
        Peer::start(command, secret)
    }

    /// The reference's Express sample (Node.js), with the peers' node_modules.
    pub fn express(secret: &str) -> Self {
        let modules = peer("node/node_modules/express")
            .parent()
            .map(Path::to_path_buf)
            .unwrap();
        let mut command = Command::new("node");
        command
            .arg(peer_fixture("express_receiver.js"))
            .env("NODE_PATH", modules);
        Peer::start(command, secret)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A file of fixtures/peers/.
pub fn peer_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/peers")
        .join(name)
}
