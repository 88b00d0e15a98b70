//! Parser errors shown like every other error: one `titancard-wh: error: …` line on stderr, plus a
//! `tip:` (did you mean) or `usage:` line where it helps, coloured only as `--color` and
//! `NO_COLOR` allow, exit 2. Help and version go out as clap writes them.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::ValueEnum;
use clap::error::ErrorKind;

use crate::output::{self, ColorWhen};

/// Reports a parse failure (or prints help or the version) and returns the exit code.
pub fn parse_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    // The parse failed, so --color was not read: find it among the raw arguments.
    output::init_color(color_from_args(std::env::args_os()));
    let (message, extra) = one_line(&err.render().to_string());
    output::error(&message);
    if let Some(extra) = extra {
        eprintln!("  {extra}");
    }
    ExitCode::from(2)
}

/// The last `--color WHEN` or `--color=WHEN` among `args`, else auto.
fn color_from_args(args: impl IntoIterator<Item = OsString>) -> ColorWhen {
    let args: Vec<String> = args
        .into_iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let mut when = ColorWhen::Auto;
    for (index, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--color") {
            Some("") => args.get(index + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(parsed) = value.and_then(|value| ColorWhen::from_str(value, true).ok()) {
            when = parsed;
        }
    }
    when
}

/// clap's plain rendering as one message line, and the tip or usage line that helps most.
fn one_line(rendered: &str) -> (String, Option<String>) {
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let mut listed = Vec::new();
    let (mut tip, mut usage) = (None, None);
    for line in lines {
        let trimmed = line.trim();
        if let Some(text) = trimmed.strip_prefix("tip: ") {
            tip = Some(format!("tip: {text}"));
        } else if let Some(text) = trimmed.strip_prefix("Usage: ") {
            usage = Some(format!("usage: {text}"));
        } else if line.starts_with("  ") && usage.is_none() && tip.is_none() {
            listed.push(trimmed.to_string());
        }
    }
    if !listed.is_empty() {
        message = format!("{} {}", message.trim_end(), listed.join(", "));
    }
    (message, tip.or(usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_color_flag_is_found_before_parsing() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            color_from_args(args(&["x", "--color", "never"])),
            ColorWhen::Never
        );
        assert_eq!(
            color_from_args(args(&["x", "--color=always", "--bad"])),
            ColorWhen::Always
        );
        assert_eq!(color_from_args(args(&["x", "--colour"])), ColorWhen::Auto);
    }

    #[test]
    fn clap_messages_become_one_line_and_a_tip_or_usage() {
        let missing = "error: the following required arguments were not provided:\n  --url <URL>\n\nUsage: titancard-wh probe --url <URL>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(missing),
            (
                "the following required arguments were not provided: --url <URL>".to_string(),
                Some("usage: titancard-wh probe --url <URL>".to_string())
            )
        );
        let typo = "error: unexpected argument '--secrt' found\n\n  tip: a similar argument exists: '--secret'\n\nUsage: titancard-wh sign --secret <SECRET> [FILE]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(typo),
            (
                "unexpected argument '--secrt' found".to_string(),
                Some("tip: a similar argument exists: '--secret'".to_string())
            )
        );
    }
}
