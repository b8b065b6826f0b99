//! Why the environment lock could not be taken, worded once.
//!
//! Owns `LockError` and its `Display` (lowercase, user values in backticks, a `hint:` with the
//! exact next command). Must not print or pick exit codes: commands do.

use std::time::Duration;

use super::holder::LockRecord;
use crate::aws::AwsError;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else holds the lock (still, after waiting `waited` when `--lock-timeout` asked).
    #[error("{}", held_message(.0))]
    Held(Box<Held>),
    /// Ctrl-C or SIGTERM while waiting for the lock held by someone else.
    #[error(
        "interrupted while waiting for the lock of environment `{}` of `{}`, held by {}; nothing was changed",
        .0.env,
        .0.app,
        .0.described
    )]
    Interrupted(Box<Held>),
    /// An AWS call of the lock failed (permissions, throttling beyond the retries, network).
    #[error("cannot take the lock of environment `{env}` of `{app}`")]
    Aws {
        app: String,
        env: String,
        #[source]
        source: AwsError,
    },
}

/// A lock held by someone else, as read from the parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub app: String,
    pub env: String,
    /// The SSM parameter's name.
    pub parameter: String,
    /// The holder, or None when the value is not an ecsctl lock.
    pub record: Option<LockRecord>,
    /// The parameter's value as read (for an unknown holder).
    pub value: String,
    /// `record.describe(now)`, computed when read (the age is "now" at that moment).
    pub described: String,
    /// How long this command waited (None without `--lock-timeout`).
    pub waited: Option<Duration>,
}

fn held_message(h: &Held) -> String {
    let (app, env) = (&h.app, &h.env);
    let record = match &h.record {
        Some(r) => r,
        None => {
            let mut value: String = h.value.chars().take(80).collect();
            if value.len() < h.value.len() {
                value.push('…');
            }
            return format!(
                "environment `{env}` of `{app}` is locked by an unknown holder: the parameter `{}` holds `{value}`, which is not an ecsctl lock; nothing was changed\n  \
hint: if nothing of yours wrote it, delete it: `aws ssm delete-parameter --name {}`",
                h.parameter, h.parameter
            );
        }
    };
    let id = &record.id;
    match h.waited {
        Some(w) => format!(
            "environment `{env}` of `{app}` is still locked after waiting {}s: by {}; lock id {id}; nothing was changed\n  \
hint: raise `--lock-timeout`, or if that run is gone: `ecsctl unlock -e {env} {id}`",
            w.as_secs(),
            h.described
        ),
        None => format!(
            "environment `{env}` of `{app}` is locked by {}; lock id {id}; nothing was changed\n  \
hint: wait for it, pass `--lock-timeout 5m` to wait, or if that run is gone: `ecsctl unlock -e {env} {id}`",
            h.described
        ),
    }
}
