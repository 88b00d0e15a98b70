//! Every relative link of the documentation resolves: the file it names exists, and the heading
//! its `#anchor` names is in that page, with anchors made from headings as GitHub makes them.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The pages whose links are checked: README.md, the library's README and docs/**/*.md, as
/// paths relative to `root`.
pub fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages = vec![
        PathBuf::from("README.md"),
        PathBuf::from("crates/titancard-webhooks/README.md"),
    ];
    let mut folders = vec![PathBuf::from("docs")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(root.join(&folder)).unwrap() {
            let entry = entry.unwrap();
            let relative = folder.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                folders.push(relative);
            } else if relative.extension().is_some_and(|ext| ext == "md") {
                pages.push(relative);
            }
        }
    }
    pages.sort();
    pages
}

/// The anchors of a page's headings, as GitHub makes them: lower case, punctuation dropped,
/// spaces as hyphens, and `-1`, `-2` after a repeated one.
pub fn anchors(text: &str) -> Vec<String> {
    let mut anchors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let slug = slug(&heading.take().unwrap_or_default());
                let count = seen.entry(slug.clone()).or_insert(0);
                anchors.push(match *count {
                    0 => slug.clone(),
                    n => format!("{slug}-{n}"),
                });
                *count += 1;
            }
            _ => {}
        }
    }
    anchors
}

fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The links of a page that go nowhere, as `page:line: message`.
pub fn broken(root: &Path, page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(page)).unwrap();
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut broken = Vec::new();
    for (event, range) in Parser::new_ext(&text, Options::ENABLE_TABLES).into_offset_iter() {
        let target = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
        let here = format!("{}:{}", page.display(), line_of(range.start));
        let resolved = if file.is_empty() {
            page.to_path_buf()
        } else {
            normalise(&page.parent().unwrap().join(file))
        };
        let path = root.join(&resolved);
        if !path.exists() {
            broken.push(format!(
                "{here}: {target}: there is no {}",
                resolved.display()
            ));
            continue;
        }
        let is_page = path.extension().is_some_and(|ext| ext == "md");
        if !anchor.is_empty() && is_page {
            let target_text = std::fs::read_to_string(&path).unwrap();
            if !anchors(&target_text).iter().any(|found| found == anchor) {
                broken.push(format!(
                    "{here}: {target}: {} has no heading whose anchor is #{anchor}",
                    resolved.display()
                ));
            }
        }
    }
    broken
}

/// `docs/../README.md` as `README.md`.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchors(
            "# titancard-wh\n## listen --ui: the inspector\n## `send`, load mode\n## Why?\n## Why?\n"
        ),
        [
            "titancard-wh",
            "listen---ui-the-inspector",
            "send-load-mode",
            "why",
            "why-1"
        ]
    );
}
