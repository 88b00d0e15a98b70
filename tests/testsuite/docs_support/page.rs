//! A documentation page as the example harness sees it: its `console` sessions (commands with the
//! output the page shows), the files it asks to be saved, its `##` sections, and what is wrong
//! with its blocks (a shell block that is neither run nor marked with a reason).
//!
//! The conventions, which docs/development.md explains to writers:
//! - ```` ```console ````: a session. `$ ` opens a command (a line ending in `\` goes on on the
//!   next line); the lines up to the next `$ ` are what it prints, stdout and stderr together.
//!   A command that exits with anything but 0 is followed by `$ echo $?`, which shows the code.
//! - A command whose output shows a line `^C` is a server: it runs in the background until the
//!   end of its `##` section, then gets Ctrl-C; the lines before `^C` are what it printed until
//!   then, the lines after it what it printed on the way out.
//! - `<!-- file: NAME -->` before a block: the harness saves the block as NAME, where the
//!   commands run (the page says "save this as NAME").
//! - `<!-- not run: REASON -->` before a block: the block is not run, for the reason given.
//!   Every `sh`/`bash`/`shell` block needs one (a command to copy is a `console` session
//!   otherwise), and a `text` block must not hold `$ titancard-wh` lines.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One documented command and the output the page shows for it.
#[derive(Debug, Clone)]
pub struct Example {
    /// The 1-based line of its `$ ` in the page.
    pub line: usize,
    /// The command as typed, continuation lines included.
    pub command: String,
    /// What the page shows it printing.
    pub expected: Vec<String>,
}

impl Example {
    /// A command the page shows interrupted with Ctrl-C: a server.
    pub fn is_server(&self) -> bool {
        self.expected.iter().any(|line| line == "^C")
    }
}

/// What the harness does, in page order.
#[derive(Debug, Clone)]
pub enum Step {
    /// A `##` heading (or a higher one): the servers of the section before it stop.
    Section,
    /// A `console` block.
    Session(Vec<Example>),
    /// A block to save as a file before the commands after it run.
    File { name: String, content: String },
}

/// A parsed page.
#[derive(Debug)]
pub struct Page {
    pub steps: Vec<Step>,
    /// Problems with the page's blocks, as `line: message`.
    pub problems: Vec<String>,
}

/// A directive in an HTML comment before a block.
enum Directive {
    File(String),
    NotRun,
}

/// The blocks that hold commands for a shell.
const SHELL: [&str; 4] = ["sh", "bash", "shell", "zsh"];

/// Reads the page's steps from its Markdown.
pub fn parse(text: &str) -> Page {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut page = Page {
        steps: Vec::new(),
        problems: Vec::new(),
    };
    let mut directive: Option<(usize, Directive)> = None;
    let mut block: Option<(usize, String, String)> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let language = info.split_whitespace().next().unwrap_or("").to_string();
                block = Some((line_of(range.start), language, String::new()));
            }
            Event::Text(content) if block.is_some() => {
                if let Some((_, _, body)) = block.as_mut() {
                    body.push_str(&content);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((fence, language, body)) = block.take() {
                    let taken = directive.take().map(|(_, directive)| directive);
                    code_block(&mut page, fence, &language, body, taken);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(found) = parse_directive(&html) {
                    let line = line_of(range.start);
                    match found {
                        Ok(found) => directive = Some((line, found)),
                        Err(problem) => page.problems.push(format!("{line}: {problem}")),
                    }
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                if level <= HeadingLevel::H2 {
                    page.steps.push(Step::Section);
                }
                orphan(&mut page, &mut directive);
            }
            Event::Start(Tag::Paragraph | Tag::List(_) | Tag::Table(_)) => {
                orphan(&mut page, &mut directive);
            }
            _ => {}
        }
    }
    orphan(&mut page, &mut directive);
    page
}

/// A directive with no block right after it.
fn orphan(page: &mut Page, directive: &mut Option<(usize, Directive)>) {
    if let Some((line, _)) = directive.take() {
        page.problems.push(format!(
            "{line}: this comment is not right before the block it is about"
        ));
    }
}

/// `<!-- file: NAME -->` or `<!-- not run: REASON -->`; `None` for any other HTML.
fn parse_directive(html: &str) -> Option<Result<Directive, String>> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    if let Some(name) = inner.strip_prefix("file:") {
        let name = name.trim();
        return Some(if name.is_empty() {
            Err("`<!-- file: NAME -->` names no file".into())
        } else {
            Ok(Directive::File(name.to_string()))
        });
    }
    let reason = inner.strip_prefix("not run:")?.trim();
    Some(if reason.is_empty() {
        Err("`<!-- not run: REASON -->` gives no reason".into())
    } else {
        Ok(Directive::NotRun)
    })
}

/// What one fenced block becomes.
fn code_block(
    page: &mut Page,
    fence: usize,
    language: &str,
    body: String,
    directive: Option<Directive>,
) {
    match directive {
        Some(Directive::NotRun) => {}
        Some(Directive::File(name)) => page.steps.push(Step::File {
            name,
            content: body,
        }),
        None if language == "console" => match session(fence + 1, &body) {
            Ok(examples) => page.steps.push(Step::Session(examples)),
            Err(problem) => page.problems.push(problem),
        },
        None if SHELL.contains(&language) => page.problems.push(format!(
            "{fence}: a {language} block is not run: show it as a ```console session with its \
             output, or say why not with <!-- not run: REASON --> before it"
        )),
        None => {
            if let Some(offset) = body.lines().position(|l| l.starts_with("$ titancard-wh")) {
                page.problems.push(format!(
                    "{}: a command shown in a {language:?} block is not run: make the block \
                     ```console",
                    fence + 1 + offset
                ));
            }
        }
    }
}

/// The examples of a `console` block whose first line is page line `first`.
fn session(first: usize, body: &str) -> Result<Vec<Example>, String> {
    let mut examples: Vec<Example> = Vec::new();
    let mut continued = false;
    for (index, line) in body.lines().enumerate() {
        if continued {
            let example = examples.last_mut().expect("a continued command");
            example.command.push('\n');
            example.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            examples.push(Example {
                line: first + index,
                command: command.to_string(),
                expected: Vec::new(),
            });
            continued = command.ends_with('\\');
        } else if let Some(example) = examples.last_mut() {
            example.expected.push(line.to_string());
        } else {
            return Err(format!(
                "{}: a console block starts with output: open it with a `$ ` command",
                first + index
            ));
        }
    }
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_files_and_marked_blocks() {
        let page = parse(
            "# T\n\n```console\n$ echo a \\\n  b\na b\n$ false\n$ echo $?\n1\n```\n\n\
             <!-- file: x.toml -->\n```toml\nk = 1\n```\n\n<!-- not run: needs the internet -->\n\
             ```sh\ncurl https://example.com\n```\n\n```sh\nls\n```\n",
        );
        assert_eq!(page.problems.len(), 1, "{:?}", page.problems);
        assert!(page.problems[0].starts_with("22: a sh block"));
        let Step::Session(examples) = &page.steps[1] else {
            panic!("{:?}", page.steps)
        };
        assert_eq!(examples[0].line, 4);
        assert_eq!(examples[0].command, "echo a \\\n  b");
        assert_eq!(examples[0].expected, ["a b"]);
        assert_eq!(examples[2].expected, ["1"]);
        assert!(
            matches!(&page.steps[2], Step::File { name, content } if name == "x.toml" && content == "k = 1\n")
        );
    }
}
