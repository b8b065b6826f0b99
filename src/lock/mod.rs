//! The environment lock: two mutating commands (apply, destroy, run, and any later command that
//! writes) on the same environment never interleave. There is no state file, so the lock lives
//! on AWS itself: an SSM parameter `/ecsctl/locks/{app}/{env}` created if absent
//! (PutParameter, Overwrite=false), whose JSON value says who holds it, where, since when and
//! running what (`holder.rs`). docs/apply.md ("Lock") is the user's view.
//!
//! Owns taking (`acquire`: create, or read back and decide; wait with backoff up to
//! `--lock-timeout`), releasing (`EnvLock::release`: read, delete only if still ours) and
//! `with_lock` (run a body, then release whatever the body returned). Must not print (progress
//! goes through the caller's callback), decide which commands lock (commands do: plan never
//! does, an apply with nothing to change does not), or make SDK calls (`aws::ssm` does).

pub mod clock;
pub mod error;
pub mod holder;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

pub use error::{Held, LockError};
pub use holder::LockRecord;

use crate::aws::ssm::{self, Created};
use crate::aws::{AwsClients, AwsError};
use crate::interrupt::Interrupt;
use crate::model::resources::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY};

/// The first pause between two attempts while waiting, and the longest one.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// The SSM parameter that is the lock of one environment.
pub fn parameter_name(app: &str, env: &str) -> String {
    format!("/ecsctl/locks/{app}/{env}")
}

/// A lock this process holds. Dropping it does not release it (release needs an AWS call):
/// call `release`, or take it through `with_lock`.
#[derive(Debug)]
#[must_use = "a lock stays taken until `release` is called"]
pub struct EnvLock {
    app: String,
    env: String,
    parameter: String,
    record: LockRecord,
}

/// What `release` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Released {
    /// Our lock was there and is deleted.
    Released,
    /// No lock was there any more (someone ran `ecsctl unlock`).
    AlreadyGone,
    /// Someone else's lock was there (ours was unlocked and another run took it): left alone.
    TakenOver(Option<LockRecord>),
}

impl EnvLock {
    /// The lock id (`ecsctl unlock -e ENV ID` names it).
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn record(&self) -> &LockRecord {
        &self.record
    }

    pub fn parameter(&self) -> &str {
        &self.parameter
    }

    /// Whether this is the lock of `app`'s environment `env` (a run started by apply checks
    /// that apply's lock covers it).
    pub fn covers(&self, app: &str, env: &str) -> bool {
        self.app == app && self.env == env
    }

    /// Deletes the lock if it is still ours. SSM has no conditional delete, so this reads
    /// first: between the read and the delete (milliseconds) an `ecsctl unlock` plus another
    /// run's acquire would be needed for us to delete someone else's lock.
    pub async fn release(self, clients: &AwsClients) -> Result<Released, AwsError> {
        let value = match ssm::read(clients, &self.parameter).await? {
            None => return Ok(Released::AlreadyGone),
            Some(v) => v,
        };
        match judge(self.id(), &value) {
            Seen::Ours => Ok(match ssm::delete(clients, &self.parameter).await? {
                true => Released::Released,
                false => Released::AlreadyGone,
            }),
            Seen::Other(record) => Ok(Released::TakenOver(record)),
        }
    }
}

/// Takes the lock of `app`'s environment `env` for `command` (`apply`, `destroy`,
/// `run migrate`). Without `wait` it fails at once when someone else holds it; with `wait` it
/// polls (1 s growing to 10 s) until it gets it or `wait` has passed, calling `progress` before
/// each pause with a line for stderr. Ctrl-C / SIGTERM (`interrupt`) ends the wait between two
/// attempts, never during one, so an interrupted wait never leaves a lock behind.
pub async fn acquire(
    clients: &AwsClients,
    app: &str,
    env: &str,
    command: &str,
    wait: Duration,
    progress: &dyn Fn(&str),
    interrupt: &Interrupt,
) -> Result<EnvLock, LockError> {
    let aws = |source: AwsError| LockError::Aws {
        app: app.to_string(),
        env: env.to_string(),
        source,
    };
    let arn = crate::aws::sts::caller_arn(clients).await.map_err(aws)?;
    let record = LockRecord::new(command, &arn, &|k| std::env::var(k).ok());
    let lock = EnvLock {
        app: app.to_string(),
        env: env.to_string(),
        parameter: parameter_name(app, env),
        record,
    };
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        let other = match attempt(clients, &lock).await {
            Ok(None) => return Ok(lock),
            Ok(Some(other)) => other,
            Err(e) => {
                // A create that happened but whose every answer was lost leaves our lock
                // behind; take it back out if so (best effort: the error is what matters).
                let _ = lock.release(clients).await;
                return Err(aws(e));
            }
        };
        let waited = started.elapsed();
        let held = held(&lock, other, (!wait.is_zero()).then_some(waited));
        if waited >= wait {
            return Err(LockError::Held(Box::new(held)));
        }
        progress(&format!(
            "waiting for the lock of `{env}` held by {} ({}s)",
            held.described,
            waited.as_secs()
        ));
        tokio::select! {
            () = tokio::time::sleep(pause.min(wait - waited)) => {}
            () = interrupt.after(1) => return Err(LockError::Interrupted(Box::new(held))),
        }
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Runs `body` and then releases `lock`, whatever `body` returned (errors included): every
/// exit path of a locked command goes through here. Returns the body's result and the
/// release's, for the command to report.
pub async fn with_lock<T>(
    clients: &AwsClients,
    lock: EnvLock,
    body: impl Future<Output = T>,
) -> (T, Result<Released, AwsError>) {
    let out = body.await;
    let released = lock.release(clients).await;
    (out, released)
}

/// One create-if-absent: None when the lock is now ours, else the holder's record (None inside
/// when the value is not an ecsctl lock).
async fn attempt(
    clients: &AwsClients,
    lock: &EnvLock,
) -> Result<Option<(Option<LockRecord>, String)>, AwsError> {
    let tags: BTreeMap<String, String> = [
        (TAG_MANAGED_BY, MANAGED_BY_VALUE),
        (TAG_APP, lock.app.as_str()),
        (TAG_ENV, lock.env.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let description = format!(
        "ecsctl lock of environment {} of {} (docs/apply.md, Lock)",
        lock.env, lock.app
    );
    loop {
        let value = lock.record.to_json();
        match ssm::create_if_absent(clients, &lock.parameter, &value, &description, &tags).await? {
            Created::Created => return Ok(None),
            Created::AlreadyExists => {}
        }
        // Read back before believing it is someone else's: the SDK retries a PutParameter
        // whose answer was lost, and the retry meets the parameter the first attempt created.
        match ssm::read(clients, &lock.parameter).await? {
            // Released between our create and our read: try again.
            None => continue,
            Some(value) => match judge(lock.id(), &value) {
                Seen::Ours => return Ok(None),
                Seen::Other(record) => return Ok(Some((record, value))),
            },
        }
    }
}

/// Whose lock a parameter value is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Ours,
    /// Someone else's (None when the value is not an ecsctl lock: an unknown holder, never
    /// overwritten).
    Other(Option<LockRecord>),
}

/// Pure: the value read back is ours exactly when it parses and carries our id.
fn judge(our_id: &str, value: &str) -> Seen {
    match LockRecord::parse(value) {
        Some(r) if r.id == our_id => Seen::Ours,
        other => Seen::Other(other),
    }
}

fn held(
    lock: &EnvLock,
    (record, value): (Option<LockRecord>, String),
    waited: Option<Duration>,
) -> Held {
    let described = record
        .as_ref()
        .map(|r| r.describe(SystemTime::now()))
        .unwrap_or_else(|| "an unknown holder".to_string());
    Held {
        app: lock.app.clone(),
        env: lock.env.clone(),
        parameter: lock.parameter.clone(),
        record,
        value,
        described,
        waited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> LockRecord {
        LockRecord {
            id: id.into(),
            command: "apply".into(),
            who: "arn:aws:sts::123456789012:assumed-role/ci/gha (user ci)".into(),
            where_: "runner-12".into(),
            when: "2026-11-28T07:01:02Z".into(),
        }
    }

    #[test]
    fn a_lock_read_back_with_our_id_is_ours_else_someone_elses() {
        let mine = record("aaaa");
        // Our own earlier attempt, whose answer was lost: ours.
        assert_eq!(judge("aaaa", &mine.to_json()), Seen::Ours);
        // Another run's: held, with its record.
        let theirs = record("bbbb");
        assert_eq!(judge("aaaa", &theirs.to_json()), Seen::Other(Some(theirs)));
        // Not an ecsctl lock: held by an unknown holder, never taken over.
        assert_eq!(judge("aaaa", "aaaa"), Seen::Other(None));
        assert_eq!(judge("aaaa", ""), Seen::Other(None));
    }

    #[test]
    fn the_held_message_names_holder_age_and_the_way_out() {
        let lock = EnvLock {
            app: "shop".into(),
            env: "dev".into(),
            parameter: parameter_name("shop", "dev"),
            record: record("mine"),
        };
        let theirs = record("1f2e3d4c5b6a79880011");
        let mut h = held(&lock, (Some(theirs.clone()), theirs.to_json()), None);
        // The age depends on the clock; pin it for the exact wording.
        h.described = theirs.describe(clock::parse_rfc3339("2026-11-28T07:04:02Z").unwrap());
        assert_eq!(
            LockError::Held(Box::new(h.clone())).to_string(),
            "environment `dev` of `shop` is locked by `arn:aws:sts::123456789012:assumed-role/ci/gha` (user ci) running `apply` on `runner-12` since 2026-11-28T07:01:02Z (3 min ago); lock id 1f2e3d4c5b6a79880011; nothing was changed\n  \
hint: wait for it, pass `--lock-timeout 5m` to wait, or if that run is gone: `ecsctl unlock -e dev 1f2e3d4c5b6a79880011`"
        );
        h.waited = Some(Duration::from_secs(60));
        assert_eq!(
            LockError::Held(Box::new(h)).to_string(),
            "environment `dev` of `shop` is still locked after waiting 60s: by `arn:aws:sts::123456789012:assumed-role/ci/gha` (user ci) running `apply` on `runner-12` since 2026-11-28T07:01:02Z (3 min ago); lock id 1f2e3d4c5b6a79880011; nothing was changed\n  \
hint: raise `--lock-timeout`, or if that run is gone: `ecsctl unlock -e dev 1f2e3d4c5b6a79880011`"
        );
        let unknown = held(&lock, (None, "held by bob".into()), None);
        assert_eq!(
            LockError::Held(Box::new(unknown)).to_string(),
            "environment `dev` of `shop` is locked by an unknown holder: the parameter `/ecsctl/locks/shop/dev` holds `held by bob`, which is not an ecsctl lock; nothing was changed\n  \
hint: if nothing of yours wrote it, delete it: `aws ssm delete-parameter --name /ecsctl/locks/shop/dev`"
        );
    }
}
