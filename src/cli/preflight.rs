//! The pre-flight as commands run it: `verify` on everything, `apply` before its first write
//! (problems stop it), `plan` on what it would write (problems are warnings: the plan is still
//! shown, and apply will refuse).
//!
//! Owns running `crate::preflight`, printing its findings as located diagnostics on stderr and
//! the error that stops apply. Must not decide what a reference needs (`preflight::judge`).

use std::collections::BTreeSet;

use anyhow::anyhow;

use super::error::{CliError, aws_error};
use super::output::Output;
use crate::aws::AwsClients;
use crate::diagnostic::{self, Diagnostics, Severity};
use crate::model::Desired;
use crate::plan::{Action, Address, Plan};
use crate::preflight::{self, Report};
use crate::spec::span::SourceMap;

pub const PREFLIGHT_FAILED: &str = "the pre-flight read failed";

/// How a command treats what the pre-flight finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `apply`: an error stops the run before any write.
    Refuse,
    /// `plan`: errors are shown as warnings ("apply will refuse").
    Warn,
    /// `verify`: the report is the product; the caller decides the exit.
    Report,
}

/// Runs the pre-flight on `desired` (with `only`, those resources), prints its findings, and
/// in `Refuse` mode fails when one is an error.
pub async fn check(
    clients: &AwsClients,
    desired: &Desired,
    sources: &SourceMap,
    only: Option<&BTreeSet<Address>>,
    check_images: bool,
    mode: Mode,
    out: &mut Output,
) -> Result<Report, CliError> {
    let report = preflight::run(clients, desired, only, check_images)
        .await
        .map_err(|e| aws_error(e, PREFLIGHT_FAILED))?;
    let mut diags = preflight::diagnostics(&report, desired);
    if mode == Mode::Warn {
        diags = downgraded(diags);
    }
    out.report(&diagnostic::render(&diags, sources, out.stderr_color))?;
    let errors = diags.errors().count();
    if mode == Mode::Refuse && errors > 0 {
        return Err(anyhow!(
            "the pre-flight found {errors} problem{} with what the spec references (above); nothing was changed\n  \
hint: fix the spec or create what it names, then apply again; `ecsctl verify -e {}` checks without planning",
            if errors == 1 { "" } else { "s" },
            desired.env
        )
        .into());
    }
    Ok(report)
}

/// The resources a plan creates, updates or replaces: what its pre-flight checks.
pub fn written_by(plan: &Plan) -> BTreeSet<Address> {
    plan.changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Update | Action::Replace))
        .map(|c| c.address.clone())
        .collect()
}

fn downgraded(diags: Diagnostics) -> Diagnostics {
    let mut out = Diagnostics::default();
    for mut d in diags.iter().cloned() {
        if d.severity == Severity::Error {
            d.severity = Severity::Warning;
            d.message.push_str(" (apply will refuse to start)");
        }
        out.push(d);
    }
    out
}
