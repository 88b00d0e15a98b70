//! `config show|check|init`: the resolved values and their origins, a file's problems with their
//! line and column, and a commented starter file that never replaces an existing one.

use std::io::Write;
use std::path::Path;

use anyhow::bail;

use crate::Outcome;
use crate::cli::{ConfigAction, ConfigArgs, ConfigShowArgs};
use crate::config::{self, Request, STARTER, Settings};
use crate::input;
use crate::output::{self, Format};

/// Runs `config`.
pub fn run(args: ConfigArgs, request: &Request) -> anyhow::Result<Outcome> {
    match args.action {
        ConfigAction::Show(show_args) => show(&show_args, &Settings::load(request)?),
        ConfigAction::Check { file } => check(request, file.as_deref()),
        ConfigAction::Init { file } => init(&file),
    }
}

/// `config show`: one `key  value` line each (and its origin with `--origin`), or JSON.
fn show(args: &ConfigShowArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let overview = settings.overview();
    let mut out = std::io::stdout().lock();
    if args.format == Format::Json {
        output::write_json_line(&mut out, &overview)?;
        return Ok(Outcome::Success);
    }
    let lines = overview.lines();
    let key_width = lines.iter().map(|line| line.key.len()).max().unwrap_or(0);
    let value_width = lines
        .iter()
        .map(|line| line.value.chars().count())
        .max()
        .unwrap_or(0);
    for line in &lines {
        if args.origin {
            writeln!(
                out,
                "{:key_width$}  {:value_width$}  {}",
                line.key, line.value, line.origin
            )?;
        } else {
            writeln!(out, "{:key_width$}  {}", line.key, line.value)?;
        }
    }
    Ok(Outcome::Success)
}

/// `config check [FILE]`: every problem on its own line, exit 2 when there is one.
fn check(request: &Request, file: Option<&Path>) -> anyhow::Result<Outcome> {
    let checked = config::check(request, file)?;
    if checked.errors.is_empty() {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}: valid ({} profile{}: {})",
            checked.shown,
            checked.profiles.len(),
            if checked.profiles.len() == 1 { "" } else { "s" },
            checked.profiles.join(", ")
        )?;
        return Ok(Outcome::Success);
    }
    for error in &checked.errors {
        output::error(&error.to_string());
    }
    let count = checked.errors.len();
    bail!(
        "{} is not valid: {count} problem{}",
        checked.shown,
        if count == 1 { "" } else { "s" }
    )
}

/// `config init [FILE]`: the starter file, only where no file is.
fn init(path: &Path) -> anyhow::Result<Outcome> {
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} exists already; config init never overwrites a file (edit it, or check it with \
             titancard-wh config check)",
            path.display()
        ),
        Err(err) => return Err(input::unwritable("create", path, &err)),
    };
    file.write_all(STARTER.as_bytes())
        .map_err(|err| input::unwritable("write", path, &err))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "wrote {}: set your URLs, then titancard-wh config show --origin",
        path.display()
    )?;
    Ok(Outcome::Success)
}
