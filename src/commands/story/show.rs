//! `story list` and `story show STORY`: the built-in stories, and one story's steps (what each
//! sets, waits for, and carries), checked by composing it as a run would; `--format toml` prints
//! the story file itself.

use std::io::Write;

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use crate::Outcome;
use crate::cli::ShowFormat;
use crate::output::{self, Format, UnreadableReport, millis};
use crate::payload;
use crate::story::{self, BUILTINS, Seed, Step, Story, StorySource};

/// `story list --format json` (schemas/output/story-list.schema.json).
#[derive(Serialize)]
struct ListReport {
    ok: bool,
    stories: Vec<ListedStory>,
}

#[derive(Serialize)]
struct ListedStory {
    name: String,
    description: Option<String>,
    steps: usize,
    events: Vec<&'static str>,
}

/// Runs `story list`.
pub(super) fn list(format: Format) -> anyhow::Result<Outcome> {
    let stories: Vec<ListedStory> = BUILTINS
        .iter()
        .map(|builtin| {
            let story = story::load(&StorySource::Builtin(builtin))?;
            Ok(ListedStory {
                events: story.steps.iter().map(|step| step.event.name).collect(),
                steps: story.steps.len(),
                description: story.description,
                name: story.name,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        output::write_json_line(&mut out, &ListReport { ok: true, stories })?;
        return Ok(Outcome::Success);
    }
    for story in &stories {
        writeln!(
            out,
            "{:<18} {:>3} steps  {}",
            story.name.bold(),
            story.steps,
            story.description.as_deref().unwrap_or_default()
        )?;
    }
    writeln!(
        out,
        "\nShow one: titancard-wh story show NAME\nDeliver it: titancard-wh story NAME --url URL"
    )?;
    Ok(Outcome::Success)
}

/// `story show --format json` (schemas/output/story-show.schema.json).
#[derive(Serialize)]
struct ShowReport<'a> {
    ok: bool,
    name: &'a str,
    description: Option<&'a str>,
    file: Option<String>,
    steps: Vec<ShownStep<'a>>,
    /// The story file, when it could not be read.
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct ShownStep<'a> {
    step: usize,
    event: &'static str,
    #[serde(rename = "as")]
    name: Option<&'a str>,
    after_millis: f64,
    carries: Vec<Carried>,
    set: Vec<ShownSet<'a>>,
    unset: Vec<&'a str>,
}

#[derive(Serialize)]
struct Carried {
    kind: &'static str,
    new: bool,
}

#[derive(Serialize)]
struct ShownSet<'a> {
    path: &'a str,
    value: &'a Value,
}

/// Runs `story show STORY`.
pub(super) fn show(source: &StorySource, format: ShowFormat) -> anyhow::Result<Outcome> {
    let json = if format == ShowFormat::Json {
        Format::Json
    } else {
        Format::Human
    };
    let story = story::load(source).map_err(|err| {
        let name = source.default_name();
        output::unreadable_document(json, err, |unreadable| ShowReport {
            ok: false,
            name: &name,
            description: None,
            file: source.file().map(|path| path.display().to_string()),
            steps: Vec::new(),
            unreadable,
        })
    })?;
    // Checked as a run would check it: every link, reference and schema.
    story::compose(&story, Seed::random(), payload::now_millis())?;
    let mut out = std::io::stdout().lock();
    match format {
        ShowFormat::Toml => out.write_all(story.text().as_bytes())?,
        ShowFormat::Json => output::write_json_line(&mut out, &report(&story, source))?,
        ShowFormat::Human => human(&mut out, &story, source)?,
    }
    Ok(Outcome::Success)
}

fn report<'a>(story: &'a Story, source: &StorySource) -> ShowReport<'a> {
    ShowReport {
        ok: true,
        name: &story.name,
        description: story.description.as_deref(),
        file: source.file().map(|path| path.display().to_string()),
        steps: story.steps.iter().map(shown_step).collect(),
        unreadable: Vec::new(),
    }
}

fn shown_step(step: &Step) -> ShownStep<'_> {
    ShownStep {
        step: step.number,
        event: step.event.name,
        name: step.name.as_deref(),
        after_millis: millis(step.after),
        carries: step
            .carries()
            .into_iter()
            .map(|(kind, new)| Carried {
                kind: kind.label(),
                new,
            })
            .collect(),
        set: step
            .sets
            .iter()
            .map(|set| ShownSet {
                path: &set.field.path.text,
                value: &set.field.value,
            })
            .collect(),
        unset: step
            .unsets
            .iter()
            .map(|unset| unset.path.text.as_str())
            .collect(),
    }
}

fn human(out: &mut impl Write, story: &Story, source: &StorySource) -> anyhow::Result<()> {
    let what = match source {
        StorySource::Builtin(_) => "built-in story".to_string(),
        StorySource::File(path) => format!("story file {}", path.display()),
    };
    writeln!(out, "{} ({what})", story.name.bold())?;
    if let Some(description) = &story.description {
        writeln!(out, "{description}")?;
    }
    writeln!(
        out,
        "\n{:>4}  {:<25}  {:<10}  {:>6}  {:<26}  SETS",
        "STEP", "EVENT", "AS", "AFTER", "CARRIES"
    )?;
    for step in &story.steps {
        let carries: Vec<String> = step
            .carries()
            .into_iter()
            .map(|(kind, new)| match new {
                true => format!("{} (new)", kind.label()),
                false => kind.label().to_string(),
            })
            .collect();
        let mut sets: Vec<String> = step
            .sets
            .iter()
            .map(|set| {
                format!(
                    "{}={}",
                    set.field.path,
                    payload::to_string(&set.field.value)
                )
            })
            .collect();
        sets.extend(step.unsets.iter().map(|unset| format!("-{}", unset.path)));
        let after = match step.after.is_zero() {
            true => String::new(),
            false => humantime::format_duration(step.after).to_string(),
        };
        let line = format!(
            "{:>4}  {:<25}  {:<10}  {:>6}  {:<26}  {}",
            step.number,
            step.event.name,
            step.name.as_deref().unwrap_or_default(),
            after,
            carries.join(", "),
            sets.join("  ")
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    let name = match source {
        StorySource::Builtin(builtin) => builtin.name.to_string(),
        StorySource::File(path) => path.display().to_string(),
    };
    writeln!(
        out,
        "\nEach run gives fresh ids and links them; see the payloads with\n  titancard-wh story \
         {name} --dry-run --secret whsec_test\nand deliver them with\n  titancard-wh story {name} \
         --url URL"
    )?;
    Ok(())
}
