//! The confirmation before a command changes AWS (apply, destroy).
//!
//! Owns the CI contract: on a terminal, ask and accept only `yes`; without one, refuse unless
//! `--yes` was given. Must not decide what is changed: the caller has already shown the plan.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::anyhow;

use super::error::CliError;
use super::output::Output;
use crate::interrupt::Interrupt;

/// Asks `question` (ending in `?`) on a terminal; `verb` names the command in the refusal.
pub fn confirm(yes: bool, verb: &str, question: &str, out: &mut Output) -> Result<(), CliError> {
    if !ask(yes, verb, question, out)? {
        return Ok(());
    }
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    check(&answer, verb)
}

/// `confirm` for a command that holds the environment lock: Ctrl-C at the prompt cancels
/// (exit 130) instead of waiting for Enter, so the caller can release the lock.
pub async fn confirm_or_interrupt(
    yes: bool,
    verb: &str,
    question: &str,
    out: &mut Output,
    interrupt: &Interrupt,
) -> Result<(), CliError> {
    if !ask(yes, verb, question, out)? {
        return Ok(());
    }
    let read = tokio::task::spawn_blocking(|| {
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map(|_| answer)
    });
    tokio::select! {
        answer = read => {
            let answer = answer.map_err(|e| anyhow!("reading the answer failed: {e}"))??;
            check(&answer, verb)
        }
        () = interrupt.after(1) => Err(CliError::Interrupted {
            message: format!("{verb} cancelled (interrupted); nothing was changed"),
        }),
    }
}

/// The refusal without `--yes` and without a terminal to ask on; a command can check it
/// before taking the lock.
pub fn refuse_without_terminal(yes: bool, verb: &str) -> Result<(), CliError> {
    if yes || std::io::stdin().is_terminal() {
        return Ok(());
    }
    Err(anyhow!(
        "refusing to {verb} without confirmation: stdin is not a terminal; nothing was changed\n  hint: review the plan above, then run again with `--yes` (as CI does)"
    )
    .into())
}

/// Whether an answer must be read: false with `--yes`; a refusal without a terminal.
fn ask(yes: bool, verb: &str, question: &str, out: &mut Output) -> Result<bool, CliError> {
    if yes {
        return Ok(false);
    }
    refuse_without_terminal(yes, verb)?;
    out.report(&format!("\n{question} Only `yes` is accepted: "))?;
    out.flush()?;
    let _ = std::io::stderr().flush();
    Ok(true)
}

fn check(answer: &str, verb: &str) -> Result<(), CliError> {
    if answer.trim() != "yes" {
        return Err(anyhow!("{verb} cancelled; nothing was changed").into());
    }
    Ok(())
}
