//! `ecsctl output -e ENV [--output json]`: the values other tools need from an environment
//! (ARNs, the revisions services run, log group names, discovery DNS names, role ARNs), read
//! from AWS as plan reads it, without the reads pruning needs.
//!
//! Owns the command's sequence (load, connect, read, print) and its exit rule: 0, also when
//! something does not exist yet (it is `null` and listed in `missing`; a note says so on
//! stderr). Read only: takes no lock, never writes. Must not format (`render::outputs`).

use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, OutputSettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::live::tag_index::TagIndex;
use crate::render::outputs::{human, outputs};

pub fn run(
    globals: &Globals,
    settings: &OutputSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let Connected {
            desired, clients, ..
        } = Spec::load(globals, &settings.env, &[], out)?
            .connect(LIVE_READ_FAILED, out)
            .await?;
        // A service whose running revision holds the spec's needs no family search.
        let holds = |account: &str, td: &crate::live::LiveTaskDefinition| {
            crate::diff::holds_desired(&desired, account, td)
        };
        let index = TagIndex::of(&desired.app, &desired.env);
        let fetched = crate::live::fetch(&clients, &desired, &holds, &index).await;
        print_aws_calls(settings.stats, &clients, out)?;
        let live = fetched.map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
        let doc = outputs(&desired, &live);
        if !doc.missing.is_empty() {
            out.line(
                Label::Note,
                &format!(
                    "{} of `{}` not in AWS yet (null in the output): {}",
                    doc.missing.len(),
                    desired.env,
                    doc.missing.join(", ")
                ),
            )?;
        }
        let text = match settings.json {
            true => format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).expect("outputs serialise")
            ),
            false => human(&doc),
        };
        out.product(&text)?;
        Ok(Outcome::Success)
    })
}
