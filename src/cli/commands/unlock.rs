//! `ecsctl unlock -e ENV LOCK_ID`: remove an environment lock whose run is gone (killed, its
//! machine lost), like `terraform force-unlock`.
//!
//! Owns the checks before the delete: the lock must carry exactly LOCK_ID (a lock taken since
//! by another run is refused, naming its holder); no lock at all is success (what the user
//! wanted already holds, so a CI clean-up step can always run it). Must not take the lock itself
//! or touch anything but the lock parameter; SDK calls go through `crate::aws::ssm`.

use std::time::SystemTime;

use anyhow::anyhow;

use crate::aws::ssm;
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, UnlockSettings};
use crate::cli::target::{Connected, Spec};
use crate::lock::{LockRecord, parameter_name};

const FAILED: &str = "unlocking failed";

pub fn run(
    globals: &Globals,
    settings: &UnlockSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(unlock(globals, settings, out))
}

async fn unlock(
    globals: &Globals,
    settings: &UnlockSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let env = settings.env.as_str();
    let want = settings.lock_id.as_str();
    // The spec gives the app name and region; connecting checks account and region as any
    // command that touches AWS does.
    let Connected {
        desired, clients, ..
    } = Spec::load(globals, env, &[], out)?
        .connect(FAILED, out)
        .await?;
    let app = desired.app.as_str();
    let name = parameter_name(app, env);
    let value = ssm::read(&clients, &name)
        .await
        .map_err(|e| aws_error(e, FAILED))?;
    let Some(value) = value else {
        out.line(
            Label::Ok,
            &format!(
                "environment `{env}` of `{app}` is not locked (lock {want} is gone already); nothing was changed"
            ),
        )?;
        return Ok(Outcome::Success);
    };
    let now = SystemTime::now();
    let record = match LockRecord::parse(&value) {
        Some(r) if r.id == want => r,
        Some(r) => {
            return Err(anyhow!(
                "environment `{env}` of `{app}` is locked by {}; lock id {}, not {want}; nothing was changed\n  \
hint: that is another run's lock; if that run is gone too: `ecsctl unlock -e {env} {}`",
                r.describe(now),
                r.id,
                r.id
            )
            .into());
        }
        None => {
            return Err(anyhow!(
                "the parameter `{name}` holds no ecsctl lock (no lock id to match {want}); nothing was changed\n  \
hint: if nothing of yours wrote it, delete it: `aws ssm delete-parameter --name {name}`"
            )
            .into());
        }
    };
    // SSM has no conditional delete: between the read above and this delete the holder could
    // release and another run take the lock (milliseconds; docs/apply.md, "Lock").
    let deleted = ssm::delete(&clients, &name)
        .await
        .map_err(|e| aws_error(e, FAILED))?;
    let message = if deleted {
        format!(
            "removed lock {want} of `{env}` (`{app}`), held by {}",
            record.describe(now)
        )
    } else {
        format!("lock {want} of `{env}` (`{app}`) was released meanwhile; nothing was changed")
    };
    out.line(Label::Ok, &message)?;
    Ok(Outcome::Success)
}
