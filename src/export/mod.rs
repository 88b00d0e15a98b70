//! Exports: deliveries handed to another tool as a file it runs, for load beyond one machine
//! (`send --export locust`, `story --export locust`).
//!
//! `bodies` builds what is sent, as templates whose holes are the fresh ids and the times
//! (`template`), checked against a second build; `answers` takes the explainer's kinds and words
//! as tables; `python` writes Python literals; `locust` writes the locustfile. Where the file
//! goes and what the command line was is the command's business.

mod answers;
mod bodies;
mod locust;
mod python;
mod template;

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::ValueEnum;

use crate::events::EventSpec;
pub use bodies::{event_body, story_bodies};
pub use locust::{Common, StoryExport, Weighted, send_file, story_file};

/// What `--export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A locustfile for Locust (pip install locust): standalone, a master or its workers
    Locust,
}

/// The largest weight: Locust repeats each task once per unit of its weight.
pub const MAX_WEIGHT: u32 = 10_000;

/// One `--weight EVENT=N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    pub event: &'static EventSpec,
    pub weight: u32,
}

impl Common {
    /// What a file written now states: this version, the `command` line that wrote it, `out`'s
    /// name, the deadline (`from` where it came from; `None`: the reference's default) and the
    /// `--header`s.
    pub fn new(
        command: String,
        timeout: std::time::Duration,
        from: Option<String>,
        out: Option<&Path>,
        extra_headers: Vec<(String, String)>,
    ) -> Common {
        let seconds = humantime::format_duration(timeout);
        Common {
            version: env!("CARGO_PKG_VERSION").to_string(),
            command,
            file: shown_name(out),
            timeout,
            timeout_origin: match from {
                Some(from) => format!("{seconds}, from {from}"),
                None => format!("{seconds}: the reference's deadline"),
            },
            extra_headers,
        }
    }
}

/// After `--out FILE`: what was written and how to run it, on stdout.
pub fn print_written(out: &Path, what: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "wrote {}: {what}", out.display())?;
    writeln!(
        stdout,
        "run it: TITANCARD_WEBHOOK_SECRET=... locust -f {} --host URL (see docs/load.md)",
        out.display()
    )?;
    Ok(())
}

/// Why a flag of titancard-wh's own sender has no place in an export, for the messages that
/// refuse it.
pub mod why {
    pub const URL: &str = "Locust's --host gives the URL when the file runs";
    pub const SECRET: &str =
        "the file reads TITANCARD_WEBHOOK_SECRET when it runs and never holds the secret";
    pub const CONCURRENCY: &str = "Locust's -u/--users sets how many deliveries are in flight";
    pub const SHOWN: &str = "an export sends and shows nothing: it writes the file";
    pub const FORMAT: &str = "an export writes the file, in the format --export names";
    pub const CACERT: &str = "Locust checks certificates against the system's roots: set \
                              SSL_CERT_FILE where it runs to trust a private CA";
}

/// Refuses the first flag given that only titancard-wh's own sender uses: `(given, flag, why)`.
pub fn refuse_sender_flags(flags: &[(bool, &str, &str)]) -> anyhow::Result<()> {
    match flags.iter().find(|(given, ..)| *given) {
        Some((_, flag, why)) => anyhow::bail!("{flag} cannot be used with --export: {why}"),
        None => Ok(()),
    }
}

/// The command line that wrote a file, as it can be typed again: the program named
/// `titancard-wh`, each argument quoted for a POSIX shell where it needs it.
pub fn command_line(args: impl IntoIterator<Item = std::ffi::OsString>) -> String {
    let mut words = vec!["titancard-wh".to_string()];
    words.extend(
        args.into_iter()
            .skip(1)
            .map(|arg| shell_word(&arg.to_string_lossy())),
    );
    words.join(" ")
}

/// `word` as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_-./=:,@%+".contains(ch));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The file's name for the run example in its header: `--out`'s file name, else `locustfile.py`.
pub fn shown_name(out: Option<&Path>) -> String {
    out.and_then(Path::file_name).map_or_else(
        || "locustfile.py".to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Writes `text` to `out`, or to stdout without one.
pub fn write(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_quotes_only_what_a_shell_would_split() {
        let args = [
            "/usr/bin/titancard-wh",
            "send",
            "card.viewed",
            "--set",
            "data.name=Jo Do",
            "-H",
            "X-A: it's",
        ];
        assert_eq!(
            command_line(args.iter().map(std::ffi::OsString::from)),
            r"titancard-wh send card.viewed --set 'data.name=Jo Do' -H 'X-A: it'\''s'"
        );
        assert_eq!(shown_name(Some(Path::new("out/load.py"))), "load.py");
        assert_eq!(shown_name(None), "locustfile.py");
    }
}
