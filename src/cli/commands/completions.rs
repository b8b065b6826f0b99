//! `ecsctl completions SHELL`: a shell completion script generated from the clap definition.
//!
//! Owns nothing but the call into clap_complete, so completions can never drift from the real
//! flags. Must not touch AWS or the spec.

use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::error::{CliError, Outcome};
use crate::cli::output::Output;
use crate::cli::settings::CompletionsSettings;

pub fn run(settings: &CompletionsSettings, out: &mut Output) -> Result<Outcome, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(settings.shell, &mut Cli::command(), "ecsctl", &mut script);
    out.product(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Success)
}
