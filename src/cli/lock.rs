//! The environment lock as commands use it: take it with progress on stderr, and turn the
//! lock's results (held by someone, release failed, taken over) into CLI errors and notes.
//!
//! Owns that wording at the CLI's edge. Must not decide when a command locks (each command
//! does) nor talk to AWS other than through `crate::lock`.

use std::cell::RefCell;
use std::time::Duration;

use anyhow::anyhow;

use super::error::{CliError, aws_error};
use super::output::{Label, Output};
use crate::aws::{AwsClients, AwsError};
use crate::interrupt::Interrupt;
use crate::lock::{self, EnvLock, LockError, Released};

/// Takes the lock of `app`'s `env` for `command`, waiting up to `wait`; "waiting for the lock…"
/// lines go to stderr as notes.
pub async fn take(
    clients: &AwsClients,
    app: &str,
    env: &str,
    command: &str,
    wait: Duration,
    interrupt: &Interrupt,
    out: &mut Output,
) -> Result<EnvLock, CliError> {
    let out = RefCell::new(out);
    let progress = |line: &str| {
        let _ = out.borrow_mut().line(Label::Note, line);
    };
    lock::acquire(clients, app, env, command, wait, &progress, interrupt)
        .await
        .map_err(lock_error)
}

/// A lock error as a CLI error: the holder message as is, an AWS failure with its hint.
pub fn lock_error(e: LockError) -> CliError {
    match e {
        LockError::Held(_) => anyhow!(e.to_string()).into(),
        LockError::Interrupted(_) => CliError::Interrupted {
            message: e.to_string(),
        },
        LockError::Aws { source, .. } => aws_error(source, "taking the environment lock failed"),
    }
}

/// Combines a locked body's result with its release: a failed release after a successful body
/// is the command's error (a lock left behind blocks the next run, so CI must see it); after a
/// failed body it is a note beside the body's error. A lock someone else removed or took over
/// meanwhile is a note either way.
pub fn finish<T>(
    body: Result<T, CliError>,
    released: Result<Released, AwsError>,
    env: &str,
    id: &str,
    out: &mut Output,
) -> Result<T, CliError> {
    let note = match &released {
        Ok(Released::Released) => None,
        Ok(Released::AlreadyGone) => Some(format!(
            "the lock {id} of `{env}` was already gone when this run ended (removed with `ecsctl unlock`?)"
        )),
        Ok(Released::TakenOver(r)) => Some(format!(
            "the lock {id} of `{env}` was removed while this run held it, and {} holds the environment now; left alone",
            r.as_ref()
                .map_or("an unknown holder".to_string(), |r| format!(
                    "lock {}",
                    r.id
                ))
        )),
        Err(e) => Some(format!(
            "releasing the lock {id} of `{env}` failed: {e}\n  hint: once nothing runs there: `ecsctl unlock -e {env} {id}`"
        )),
    };
    match (body, released) {
        (Ok(_), Err(e)) => Err(anyhow::Error::new(e)
            .context(format!(
                "the run finished, but releasing the lock {id} of `{env}` failed\n  hint: once nothing runs there: `ecsctl unlock -e {env} {id}`"
            ))
            .into()),
        (body, _) => {
            if let Some(n) = note {
                out.line(Label::Note, &n)?;
            }
            body
        }
    }
}
