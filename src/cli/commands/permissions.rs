//! `ecsctl permissions -e ENV [--command plan|apply|destroy|run]`: the least-privilege IAM
//! policy a CI role needs for that command on that environment, as JSON on stdout.
//!
//! Owns only the command's flow: build the environment offline as `render` does, generate the
//! document (`crate::permissions`), print it, and print its notes on stderr. Must not touch AWS
//! or load AWS configuration: the policy comes from the spec alone.

use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Label, Output};
use crate::cli::project::load_and_build;
use crate::cli::settings::{Globals, PermissionsSettings};
use crate::cli::target::report;
use crate::permissions::generate;

pub fn run(
    globals: &Globals,
    settings: &PermissionsSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    // Warnings are validate's business; a broken spec still stops here with its errors.
    let desired = report(
        load_and_build(&globals.dir, &settings.env, None),
        false,
        out,
    )?;
    let generated = generate(&desired, settings.command);
    out.product(&generated.document.to_json())?;
    for note in &generated.notes {
        out.line(Label::Note, note)?;
    }
    Ok(Outcome::Success)
}
