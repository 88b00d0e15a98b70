//! The command reference (docs/reference/) and the manual pages (docs/man/) are generated from
//! the clap definitions, and these tests fail when either is stale; `TITANCARD_WRITE_DOCS=1`
//! writes them again. And every command's `--help` ends with two to five examples that parse.

use std::collections::BTreeMap;
use std::path::Path;

use clap::{CommandFactory, Parser};
use titancard_wh::cli::Cli;

use crate::common::cmd;

/// The command that writes the generated files again.
const REGENERATE: &str = "TITANCARD_WRITE_DOCS=1 cargo test --test testsuite reference::";

/// The guide that tells how to use each command, linked from its reference page.
const GUIDES: [(&str, &str, &str); 14] = [
    (
        "events",
        "Send test webhooks to your endpoint",
        "../send.md",
    ),
    ("schema", "Validate payloads in CI", "../ci.md"),
    ("sign", "Send test webhooks to your endpoint", "../send.md"),
    ("send", "Send test webhooks to your endpoint", "../send.md"),
    ("verify", "Why was my webhook rejected?", "../rejected.md"),
    ("validate", "Validate payloads in CI", "../ci.md"),
    (
        "listen",
        "Receive and inspect deliveries locally",
        "../listen.md",
    ),
    ("probe", "Why was my webhook rejected?", "../rejected.md"),
    (
        "replay",
        "Receive and inspect deliveries locally",
        "../listen.md",
    ),
    ("story", "Test idempotency with stories", "../stories.md"),
    (
        "demo",
        "the README's tour",
        "../../README.md#a-one-minute-tour",
    ),
    ("config", "Work as a team", "../team.md"),
    ("completions", "Install", "../install.md"),
    ("man", "Install", "../install.md#manual-pages"),
];

/// The title and link of the guide to the command `name`.
fn guide(name: &str) -> (&'static str, &'static str) {
    GUIDES
        .iter()
        .find(|(command, _, _)| *command == name)
        .map(|(_, title, link)| (*title, *link))
        .unwrap_or_else(|| panic!("GUIDES names no guide for `{name}`"))
}

/// Every command's words below `titancard-wh` (`[]`, `["send"]`, `["events", "show"]`), depth
/// first, without clap's `help`.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in command.get_subcommands() {
            if sub.get_name() != "help" && !sub.is_hide_set() {
                let mut below = path.clone();
                below.push(sub.get_name().to_string());
                walk(sub, below, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

/// What the binary prints for `titancard-wh PATH... FLAG`, 100 columns wide.
fn help(path: &[String], flag: &str) -> String {
    let output = cmd()
        .args(path)
        .arg(flag)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(output.status.success(), "{path:?} {flag}");
    String::from_utf8(output.stdout).unwrap()
}

/// The reference's pages, by file name: README.md (titancard-wh itself and the table of
/// commands) and one page per command, with its own commands as sections.
fn reference_pages() -> BTreeMap<String, String> {
    let root = Cli::command();
    let mut pages = BTreeMap::new();
    let note = format!(
        "<!-- Generated from the command definitions (src/cli/) by tests/testsuite/reference.rs: \
         do not edit. After changing a command, write it again with {REGENERATE} -->\n"
    );
    let mut index = format!(
        "{note}\n# Command reference\n\nWhat `titancard-wh --help` and each command's `--help` \
         print, page by page. The same text is in the manual pages (`titancard-wh man COMMAND`), \
         and the [guides](../README.md) show the commands at work.\n\n| command | what it does \
         | guide |\n|---|---|---|\n"
    );
    for sub in root
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
    {
        let name = sub.get_name();
        let (title, link) = guide(name);
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        index.push_str(&format!(
            "| [`{name}`]({name}.md) | {about} | [{title}]({link}) |\n"
        ));
    }
    index.push_str(&format!(
        "\n## titancard-wh\n\n```text\n{}```\n",
        help(&[], "--help")
    ));
    pages.insert("README.md".to_string(), index);
    for path in command_paths().into_iter().filter(|path| !path.is_empty()) {
        let name = format!("titancard-wh {}", path.join(" "));
        let top = &path[0];
        let section = format!(
            "\n{} {name}\n\n```text\n{}```\n",
            if path.len() == 1 { "#" } else { "##" },
            help(&path, "--help")
        );
        let page = pages.entry(format!("{top}.md")).or_insert_with(|| {
            let (title, link) = guide(top);
            format!(
                "{note}{{SECTION}}\nIn use: [{title}]({link}). All commands: \
                 [the reference](README.md).\n"
            )
        });
        if path.len() == 1 {
            *page = page.replace("{SECTION}", &section);
        } else {
            page.push_str(&section);
        }
    }
    pages
}

/// Compares the files of `dir` with `expected`, or with TITANCARD_WRITE_DOCS=1 writes them.
fn check_generated(dir: &Path, expected: &BTreeMap<String, Vec<u8>>) {
    let relative = dir
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .display()
        .to_string();
    if std::env::var_os("TITANCARD_WRITE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
        for (name, content) in expected {
            std::fs::write(dir.join(name), content).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let entry = entry.unwrap();
        found.insert(
            entry.file_name().to_string_lossy().into_owned(),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    for (name, content) in expected {
        match found.get(name) {
            None => stale.push(format!("{relative}/{name} is missing")),
            Some(on_disk) if on_disk != content => stale.push(format!(
                "{relative}/{name} differs from what the commands say"
            )),
            Some(_) => {}
        }
    }
    for name in found.keys().filter(|name| !expected.contains_key(*name)) {
        stale.push(format!("{relative}/{name} describes no command"));
    }
    assert!(
        stale.is_empty(),
        "{} is stale:\n  {}\nwrite it again with: {REGENERATE}",
        relative,
        stale.join("\n  ")
    );
}

#[test]
fn the_command_reference_is_what_help_prints() {
    let pages = reference_pages()
        .into_iter()
        .map(|(name, text)| (name, text.into_bytes()))
        .collect();
    check_generated(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference"),
        &pages,
    );
}

#[test]
fn the_manual_pages_are_what_man_prints() {
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicates::str::starts_with("wrote "));
    let mut pages = BTreeMap::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        pages.insert(
            entry.file_name().to_string_lossy().into_owned(),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    // One page per command; `man COMMAND` prints the same page as the file.
    assert_eq!(pages.len(), command_paths().len());
    let send = cmd().args(["man", "events", "show"]).output().unwrap();
    assert_eq!(send.stdout, pages["titancard-wh-events-show.1"]);
    check_generated(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man"),
        &pages,
    );
}

#[test]
fn man_names_a_mistyped_command_with_the_closest() {
    cmd()
        .args(["man", "events", "shwo"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "titancard-wh: error: titancard-wh events has no command 'shwo': did you mean show?\n",
        );
}

/// The examples at the end of a command's `--help`: each one joined with its continuation lines.
fn examples(help: &str) -> Vec<String> {
    let (_, tail) = help
        .rsplit_once("\nExamples:\n")
        .unwrap_or_else(|| panic!("no Examples: section at the end of\n{help}"));
    let mut examples: Vec<String> = Vec::new();
    for line in tail.lines() {
        if let Some(more) = line.strip_prefix("    ") {
            let last = examples.last_mut().expect("a continued example");
            last.push(' ');
            last.push_str(more);
        } else {
            let example = line.strip_prefix("  ").unwrap_or_else(|| {
                panic!("{line:?}: not an example; the examples must end --help")
            });
            examples.push(example.to_string());
        }
    }
    examples.iter().map(|e| e.replace("\\ ", "")).collect()
}

/// The titancard-wh command line of an example: its part of a pipe, before a redirection or
/// comment, with `URL` as a real one.
fn command_line(example: &str) -> Vec<String> {
    let line = example
        .split(" | ")
        .find(|part| part.starts_with("titancard-wh"))
        .unwrap_or(example);
    let line = line.split(" #").next().unwrap();
    let line = line.split(" > ").next().unwrap();
    let words = shlex::split(line).unwrap_or_else(|| panic!("{example}: unbalanced quotes"));
    words
        .into_iter()
        .map(|word| {
            if word == "URL" {
                "http://localhost:3000/webhook".into()
            } else {
                word
            }
        })
        .collect()
}

#[test]
fn every_help_ends_with_examples_that_parse() {
    for path in command_paths() {
        let long = help(&path, "--help");
        let found = examples(&long);
        assert!(
            (2..=5).contains(&found.len()),
            "titancard-wh {}: {} examples, not 2 to 5",
            path.join(" "),
            found.len()
        );
        for example in &found {
            let words = command_line(example);
            assert_eq!(words[0], "titancard-wh", "{example}");
            if let Err(err) = Cli::try_parse_from(&words) {
                panic!(
                    "titancard-wh {}: the example `{example}` does not parse:\n{err}",
                    path.join(" ")
                );
            }
        }
        let short = help(&path, "-h");
        assert!(
            !short.contains("Examples:"),
            "-h of {path:?} shows examples"
        );
    }
}

/// The release archives carry docs/man/ (the pages checked above) as man/, and the release
/// checks that the built binary prints the same pages.
#[test]
fn the_release_archives_ship_the_manual_pages() {
    let workflow = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
    )
    .unwrap();
    assert!(
        workflow.contains("cp -R docs/man \"dist/$name/man\""),
        "{workflow}"
    );
    assert!(
        workflow.contains("diff -r \"$RUNNER_TEMP/man\" docs/man"),
        "{workflow}"
    );
}
