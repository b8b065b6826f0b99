//! The confirmation before a command changes AWS (apply, destroy).
//!
//! Owns the CI contract: on a terminal, ask and accept only `yes`; without one, refuse unless
//! `--yes` was given. Must not decide what is changed: the caller has already shown the plan.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::anyhow;

use super::error::CliError;
use super::output::Output;

/// Asks `question` (ending in `?`) on a terminal; `verb` names the command in the refusal.
pub fn confirm(yes: bool, verb: &str, question: &str, out: &mut Output) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(anyhow!(
            "refusing to {verb} without confirmation: stdin is not a terminal; nothing was changed\n  hint: review the plan above, then run again with `--yes` (as CI does)"
        )
        .into());
    }
    out.report(&format!("\n{question} Only `yes` is accepted: "))?;
    out.flush()?;
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        return Err(anyhow!("{verb} cancelled; nothing was changed").into());
    }
    Ok(())
}
