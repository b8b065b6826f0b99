//! `ecsctl render`: waiting for `spec::load` and `model::build` to land.

use crate::cli::error::{CliError, Outcome};
use crate::cli::output::Output;
use crate::cli::settings::{Globals, RenderSettings};

pub fn run(
    _globals: &Globals,
    _settings: &RenderSettings,
    _out: &mut Output,
) -> Result<Outcome, CliError> {
    Err(anyhow::anyhow!("`render` is not wired to the spec loader yet").into())
}
