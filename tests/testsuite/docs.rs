//! The documentation cannot drift: every shell example of README.md and docs/ is run and its
//! output compared with the page (docs_support), and every relative link and anchor resolves.

use crate::docs_support::{self, links};

/// One test per page, so that a stale example names its page in the test's name too.
macro_rules! pages {
    ($($test:ident => $page:literal,)*) => {
        $(
            #[test]
            fn $test() {
                docs_support::assert_page($page);
            }
        )*

        /// The pages run above.
        const PAGES: &[&str] = &[$($page),*];
    };
}

pages! {
    readme => "README.md",
    send_guide => "docs/send.md",
    rejected_guide => "docs/rejected.md",
    listen_guide => "docs/listen.md",
    output_page => "docs/output.md",
    development_page => "docs/development.md",
    security_page => "docs/security.md",
    performance_page => "docs/performance.md",
    rust_guide => "docs/rust.md",
    ci_guide => "docs/ci.md",
    team_guide => "docs/team.md",
    stories_guide => "docs/stories.md",
    install_page => "docs/install.md",
    guides_index => "docs/README.md",
    load_guide => "docs/load.md",
    library_readme => "crates/titancard-webhooks/README.md",
}

/// The harness itself: a page whose example went stale fails with the page's name, the line of
/// the example and the difference; a failing command must show its exit code; a server runs
/// until its section ends and is compared then.
#[test]
fn a_stale_example_fails_with_its_file_and_line() {
    let page = "# A page\n\n```console\n$ titancard-wh events show card.viewd\n\
                titancard-wh: error: no such event\n$ echo $?\n2\n```\n";
    let failures = docs_support::check_text("docs/a-page.md", page);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].starts_with("docs/a-page.md:4: `titancard-wh events show card.viewd` prints"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("did you mean card.viewed?"),
        "{}",
        failures[0]
    );

    let unshown = "```console\n$ titancard-wh events show card.viewd\n...\n```\n";
    let failures = docs_support::check_text("p.md", unshown);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("exits with 2, which the page does not show"),
        "{}",
        failures[0]
    );

    let fine = "```console\n$ titancard-wh events show card.viewd\n\
                titancard-wh: error: invalid value 'card.viewd' for '<EVENT>': [..]\n...\n$ echo $?\n2\n```\n";
    assert_eq!(docs_support::check_text("p.md", fine), Vec::<String>::new());
}

#[test]
fn a_server_runs_until_its_section_ends() {
    let page = "## One\n\n```console\n$ titancard-wh listen --port 8787 --secret whsec_test\n\
                listening on http://127.0.0.1:8787/webhook\n\
                [..] 200 POST /webhook card.viewed accepted\n^C\n\
                1 received, 1 accepted, 0 duplicates, 0 rejected\n```\n\n\
                ```console\n$ titancard-wh send card.viewed --url http://127.0.0.1:8787/webhook \\\n\
                  --secret whsec_test\ncard.viewed  200 OK  [..] ms  {\"received\":true}\n```\n\n\
                ## Two\n\n```console\n$ titancard-wh send card.viewed --url http://127.0.0.1:8787/webhook \\\n\
                  --secret whsec_test\ncard.viewed  200 OK  [..] ms  {\"received\":true}\n```\n";
    let failures = docs_support::check_text("p.md", page);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].starts_with("p.md:20: "), "{}", failures[0]);
    assert!(
        failures[0].contains("connection refused"),
        "{}",
        failures[0]
    );
}

#[test]
fn blocks_that_are_not_run_say_why() {
    let page = "```sh\ntitancard-wh demo\n```\n\n<!-- not run: needs the internet -->\n\
                ```sh\ncurl https://example.com\n```\n\n```text\n$ titancard-wh demo\n```\n";
    let failures = docs_support::check_text("p.md", page);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].starts_with("p.md:1: a sh block is not run"),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].starts_with("p.md:11: a command shown in a \"text\" block"),
        "{}",
        failures[1]
    );
}

#[test]
fn every_page_has_its_examples_run() {
    let root = docs_support::root();
    let missing: Vec<String> = links::pages(root)
        .into_iter()
        .map(|page| page.display().to_string())
        // docs/reference/ is generated from --help, which tests/testsuite/reference.rs checks.
        .filter(|page| !PAGES.contains(&page.as_str()) && !page.starts_with("docs/reference/"))
        .collect();
    assert!(
        missing.is_empty(),
        "these pages are not in the pages! list of tests/testsuite/docs.rs: {missing:?}"
    );
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let root = docs_support::root();
    let broken: Vec<String> = links::pages(root)
        .iter()
        .flat_map(|page| links::broken(root, page))
        .collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
