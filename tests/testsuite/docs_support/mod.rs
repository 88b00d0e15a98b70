//! The documentation's examples, run: every `console` session of README.md and docs/ is typed
//! into a real shell and what each command prints is compared with what the page shows, so that
//! a changed message leaves no page quietly wrong (`page` has the conventions, `session` the
//! shell, `links` the link check).
//!
//! What varies from run to run is written in the page with snapbox's placeholders: `[..]` for
//! any text within a line, `...` on a line of its own for any number of lines, `[CWD]` for the
//! folder the commands run in and `[HOME]` for the home folder. The documented ports (8787 for
//! `listen`, 8788 for its inspector, 3000 for "your app") are free ports in the run: the number
//! is replaced in each command, and `:PORT` in the output is shown as the documented one.
#![allow(dead_code)]

pub mod links;
mod page;
mod session;

use std::path::{Path, PathBuf};

use page::{Example, Step};
use session::{Server, Shell};

/// The ports pages name, each a free port when the examples run.
pub const PORTS: [u16; 3] = [8787, 8788, 3000];

/// The repository.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the examples of the page at `relative` (from the repository root); the failures, each
/// `file:line: what is wrong`, with the difference.
pub fn check_page(relative: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|err| panic!("{relative}: {err}"));
    check_text(relative, &text)
}

/// Panics with every failure of the page at `relative`, and the command that runs it again.
pub fn assert_page(relative: &str) {
    let failures = check_page(relative);
    assert!(
        failures.is_empty(),
        "{} in {relative}:\n\n{}\n\nMake the page say what the command prints (or fix the \
         program, if what it prints is wrong), then: cargo test --test testsuite docs::",
        if failures.len() == 1 {
            "1 stale example".to_string()
        } else {
            format!("{} stale examples", failures.len())
        },
        failures.join("\n\n")
    );
}

/// Runs the examples of a page's Markdown; `name` is what failures call the page.
pub fn check_text(name: &str, text: &str) -> Vec<String> {
    let page = page::parse(text);
    let mut failures: Vec<String> = page
        .problems
        .iter()
        .map(|problem| format!("{name}:{problem}"))
        .collect();
    if !page
        .steps
        .iter()
        .any(|step| matches!(step, Step::Session(_)))
    {
        return failures;
    }
    let mut run = Run::new(name);
    for step in &page.steps {
        match step {
            Step::Section => run.stop_servers(&mut failures),
            Step::File { name, content } => run.save(name, content),
            Step::Session(examples) => {
                for (index, example) in examples.iter().enumerate() {
                    let next = examples.get(index + 1);
                    if let Err(failure) = run.example(example, next) {
                        failures.push(format!("{name}:{}: {failure}", example.line));
                    }
                }
            }
        }
    }
    run.stop_servers(&mut failures);
    failures
}

/// One page's run: its folders, ports, shell and servers.
struct Run {
    name: String,
    _dir: tempfile::TempDir,
    work: PathBuf,
    home: PathBuf,
    /// (documented, free) ports.
    ports: Vec<(u16, u16)>,
    shell: Shell,
    servers: Vec<(Example, Server)>,
}

impl Run {
    /// A folder for the commands (a repository root holding a copy of fixtures/), a home, free
    /// ports, and a shell with nothing from the developer's environment but PATH.
    fn new(name: &str) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        let home = dir.path().join("home");
        let logs = dir.path().join("logs");
        for folder in [&work, &home, &logs, &work.join(".git")] {
            std::fs::create_dir_all(folder).unwrap();
        }
        copy_tree(&root().join("fixtures"), &work.join("fixtures"));
        let ports = PORTS
            .iter()
            .map(|&documented| {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                (documented, listener.local_addr().unwrap().port())
            })
            .collect();
        let binary = Path::new(env!("CARGO_BIN_EXE_titancard-wh"));
        let path = format!(
            "{}:{}",
            binary.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let env = [
            ("PATH", path.as_str()),
            ("HOME", &home.display().to_string()),
            ("LANG", "C.UTF-8"),
            ("TZ", "UTC"),
            ("TERM", "dumb"),
            ("RUST_BACKTRACE", "0"),
        ]
        .map(|(key, value)| (key.to_string(), value.to_string()));
        let shell = Shell::start(&work, &logs, &env);
        Run {
            name: name.to_string(),
            _dir: dir,
            work,
            home,
            ports,
            shell,
            servers: Vec::new(),
        }
    }

    /// Saves a block the page asks to be saved.
    fn save(&self, name: &str, content: &str) {
        let path = self.work.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Runs one example: a server is started, any other command run and compared.
    fn example(&mut self, example: &Example, next: Option<&Example>) -> Result<(), String> {
        let command = self.to_run(&example.command);
        let shown = first_line(&example.command);
        if example.is_server() {
            let server = self
                .shell
                .start_server(&command)
                .map_err(|err| format!("`{shown}` did not start: {err}"))?;
            self.servers.push((example.clone(), server));
            return Ok(());
        }
        let (output, status) = self
            .shell
            .run(&command)
            .map_err(|err| format!("`{shown}`: {err}"))?;
        self.compare(example.line, &example.expected, &output)
            .map_err(|diff| format!("`{shown}` prints what the page does not show:\n{diff}"))?;
        let shown_next = next.is_some_and(|next| next.command.trim() == "echo $?");
        if status != 0 && !shown_next {
            return Err(format!(
                "`{shown}` exits with {status}, which the page does not show: follow it with \
                 `$ echo $?` and {status}"
            ));
        }
        Ok(())
    }

    /// Ctrl-C for every server of the section that ends, and what each printed, compared.
    fn stop_servers(&mut self, failures: &mut Vec<String>) {
        for (example, server) in std::mem::take(&mut self.servers) {
            let shown = first_line(&example.command);
            let mut expected: Vec<String> = example
                .expected
                .iter()
                .filter(|line| *line != "^C")
                .cloned()
                .collect();
            // `...` before and after `^C` are one run of any lines.
            expected.dedup_by(|line, before| line == "..." && before == "...");
            let result = self.shell.stop_server(&server).and_then(|output| {
                self.compare(example.line, &expected, &output)
                    .map_err(|diff| {
                        format!("the server `{shown}` printed what the page does not show:\n{diff}")
                    })
            });
            if let Err(failure) = result {
                failures.push(format!("{}:{}: {failure}", self.name, example.line));
            }
        }
    }

    /// The command with each documented port replaced by its free one.
    fn to_run(&self, command: &str) -> String {
        self.ports
            .iter()
            .fold(command.to_string(), |text, (documented, free)| {
                replace_number(&text, &documented.to_string(), &free.to_string(), false)
            })
    }

    /// Compares what a command printed with what the page shows; the difference, if any.
    fn compare(&self, line: usize, expected: &[String], output: &str) -> Result<(), String> {
        let output = self
            .ports
            .iter()
            .fold(output.to_string(), |text, (documented, free)| {
                replace_number(&text, &free.to_string(), &documented.to_string(), true)
            });
        // For writers: TITANCARD_DOCS_SHOW=1 prints what each command printed, to paste.
        if std::env::var_os("TITANCARD_DOCS_SHOW").is_some() {
            eprintln!("----- {}:{line}\n{output}", self.name);
        }
        let mut redactions = snapbox::Redactions::new();
        redactions.insert("[CWD]", self.work.clone()).unwrap();
        redactions.insert("[HOME]", self.home.clone()).unwrap();
        // Both end in one newline, whether or not the command's last line had one (a terminal
        // shows no difference), so that a closing `...` is a line like the others.
        let ended = |text: &str| match text.trim_end_matches('\n') {
            "" => String::new(),
            text => format!("{text}\n"),
        };
        let expected = ended(&expected.join("\n"));
        let actual = ended(&output);
        snapbox::Assert::new()
            .normalize_paths(false)
            .redact_with(redactions)
            .try_eq(
                Some(&"what the command printed"),
                snapbox::Data::text(actual),
                snapbox::Data::text(expected),
            )
            .map_err(|err| err.to_string())
    }
}

/// The first line of a command, to name it in a failure.
fn first_line(command: &str) -> &str {
    command.lines().next().unwrap_or(command)
}

/// Replaces `from` with `to` where it is a whole number (no digit or letter on either side);
/// with `after_colon`, only where a `:` comes before it (a port in a URL or an address).
fn replace_number(text: &str, from: &str, to: &str, after_colon: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        let whole = !before.is_some_and(|c| c.is_alphanumeric())
            && !after.is_some_and(|c| c.is_alphanumeric());
        let placed = !after_colon || before == Some(':');
        out.push_str(&rest[..at]);
        out.push_str(if whole && placed { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn ports_are_replaced_as_whole_numbers() {
    assert_eq!(
        replace_number("--port 8787 :8787/x 18787 8787a", "8787", "41000", false),
        "--port 41000 :41000/x 18787 8787a"
    );
    assert_eq!(
        replace_number(
            "http://127.0.0.1:41000/webhook 41000 req/s",
            "41000",
            "8787",
            true
        ),
        "http://127.0.0.1:8787/webhook 41000 req/s"
    );
}
