//! `schema`: prints the JSON Schema of one event (or the bundle of all 14), or writes them all to
//! a folder for ajv, check-jsonschema and editors; `--openapi`, the OpenAPI 3.1 document.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::Outcome;
use crate::cli::SchemaArgs;
use crate::events::CATALOGUE;
use crate::input;
use crate::schema;

/// Runs `schema`.
pub fn run(args: SchemaArgs) -> anyhow::Result<Outcome> {
    if args.openapi {
        return openapi(args.out.as_deref()).map(|()| Outcome::Success);
    }
    if let Some(dir) = &args.out {
        return write_all(dir).map(|()| Outcome::Success);
    }
    let document = match args.event {
        Some(spec) => schema::event_schema(spec),
        None => schema::bundle_schema(),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&pretty(&document)?)?;
    Ok(Outcome::Success)
}

/// Writes DIR/<event>.schema.json for every event, DIR/titancard-webhook.schema.json and
/// DIR/envelope.schema.json.
fn write_all(dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).map_err(|err| input::unwritable("create", dir, &err))?;
    let mut files = vec![
        (schema::BUNDLE_FILE.to_string(), schema::bundle_schema()),
        (
            "envelope.schema.json".to_string(),
            schema::envelope_schema(),
        ),
    ];
    for spec in &CATALOGUE {
        files.push((
            format!("{}.schema.json", spec.name),
            schema::event_schema(spec),
        ));
    }
    for (name, document) in files {
        let path = dir.join(name);
        fs::write(&path, pretty(&document)?)
            .map_err(|err| input::unwritable("write", &path, &err))?;
    }
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "wrote {} schemas to {}",
        CATALOGUE.len() + 2,
        dir.display()
    )?;
    Ok(())
}

/// `--openapi`: the OpenAPI document on stdout, or as DIR/titancard-webhooks.openapi.json.
fn openapi(dir: Option<&Path>) -> anyhow::Result<()> {
    let bytes = pretty(&schema::openapi::document())?;
    let Some(dir) = dir else {
        return Ok(std::io::stdout().lock().write_all(&bytes)?);
    };
    fs::create_dir_all(dir).map_err(|err| input::unwritable("create", dir, &err))?;
    let path = dir.join(schema::openapi::FILE);
    fs::write(&path, bytes).map_err(|err| input::unwritable("write", &path, &err))?;
    writeln!(std::io::stderr().lock(), "wrote {}", path.display())?;
    Ok(())
}

fn pretty(document: &Value) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(document)?;
    bytes.push(b'\n');
    Ok(bytes)
}
