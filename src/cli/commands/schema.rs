//! `ecsctl schema`: the JSON Schema of the spec files, for editors.
//!
//! Owns printing the schema the spec module generates. Must not build or alter the schema
//! itself (that is `spec::raw::json_schema`) and must not touch AWS.

use crate::cli::error::{CliError, Outcome};
use crate::cli::output::Output;
use crate::spec::raw::json_schema;

pub fn run(out: &mut Output) -> Result<Outcome, CliError> {
    let mut text = serde_json::to_string_pretty(&json_schema()).map_err(anyhow::Error::from)?;
    text.push('\n');
    out.product(&text)?;
    Ok(Outcome::Success)
}
