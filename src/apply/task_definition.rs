//! Task definition steps: a new revision (RegisterTaskDefinition) only when the content
//! changed. The diff already reuses the family's newest ACTIVE revision of ours when it is
//! identical (the plan then has no step, or only a tag change), so a re-run after an
//! interrupted apply registers no duplicate. Owned role names become ARNs in the caller's
//! account. Deleting a family is `apply::prune`'s (the executor sends every deletion there).
//!
//! RegisterTaskDefinition has no idempotency token, so a call whose answer is lost (a timeout,
//! a 5xx) may still have registered the revision: it is sent with the SDK's retries off, and
//! before sending it again apply looks for that revision (same content by the diff's own
//! comparison, our tags) among the family's newest ACTIVE ones.

use std::time::Duration;

use super::context::{ApplyCtx, tag_delta};
use super::settle::settle;
use crate::aws::{AwsError, ecs, write_ecs};
use crate::diff::task_definition::same_content;
use crate::live::LiveTaskDefinition;
use crate::live::owned::is_ours;
use crate::model::{Desired, TaskDefinition};
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let family = &step.address.name;
    let Some(td) = ctx
        .desired
        .task_definitions
        .iter()
        .find(|t| &t.family == family)
    else {
        return Ok(());
    };
    if step.action == Action::NoOp {
        return Ok(());
    }
    let only_tags = !step.fields.is_empty() && step.fields.iter().all(|f| f.starts_with("tags"));
    if step.action == Action::Update && only_tags {
        // Same content, other tags: tag the revision in use instead of registering a copy (the
        // newest of ours: a revision someone else registered is never touched).
        let adopted = || adopted_revision(ctx, step, family);
        if let Some(live) = ctx
            .live
            .newest_owned_task_definition(family)
            .or_else(adopted)
        {
            let (set, remove) = tag_delta(&td.tags, &live.tags);
            write_ecs::tag_resource(ctx.clients, &live.arn, &set).await?;
            write_ecs::untag_resource(ctx.clients, &live.arn, &remove).await?;
            return Ok(());
        }
    }
    let exec = ctx.role_arn(&td.execution_role);
    let task = td.task_role.as_ref().map(|r| ctx.role_arn(r));
    let arn = register(ctx, td, &exec, task.as_deref()).await?;
    ctx.resolved().task_definitions.insert(family.clone(), arn);
    Ok(())
}

/// The revision an adopted service runs, when the plan says it is adopted with its service
/// (`ownership::ADOPTED_REVISION_REASON`): the one revision not of ecsctl's that apply tags.
fn adopted_revision<'a>(
    ctx: &ApplyCtx<'a>,
    step: &Step,
    family: &str,
) -> Option<&'a LiveTaskDefinition> {
    let reason = ctx.change(step)?.reason.as_deref()?;
    if !reason.contains(crate::diff::ownership::ADOPTED_REVISION_REASON) {
        return None;
    }
    crate::diff::task_definition::running_revision_of(ctx.desired, ctx.live, family)
}

/// Sends at most this many RegisterTaskDefinition calls for one revision.
const MAX_SENDS: u32 = 5;
/// Revisions of the family looked at for one registered by a call whose answer was lost.
const LOOK_BACK: usize = 3;

/// What a failed RegisterTaskDefinition means for sending it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    /// AWS answered with a client error: nothing was registered; report it.
    Refused,
    /// Throttled: nothing was registered, sending again is safe.
    Throttled,
    /// No answer, a 5xx, a timeout: the revision may have been registered.
    Unknown,
}

fn failure(e: &AwsError) -> Failure {
    let code = e.code.as_deref().unwrap_or("");
    if code.contains("Throttl") || code == "TooManyRequestsException" {
        return Failure::Throttled;
    }
    if code.is_empty() || e.status.is_some_and(|s| s >= 500) || code == "ServerException" {
        return Failure::Unknown;
    }
    Failure::Refused
}

/// RegisterTaskDefinition without ever leaving a duplicate revision: the call is sent once
/// (SDK retries off, see `write_ecs`), `settle` resends on IAM propagation (an answered error),
/// and after an unknown outcome the family's newest revisions are searched for one with this
/// content and our tags before sending again.
async fn register(
    ctx: &ApplyCtx<'_>,
    td: &TaskDefinition,
    exec: &str,
    task: Option<&str>,
) -> Result<String, AwsError> {
    let mut pause = Duration::from_secs(1);
    let mut sends = 0;
    loop {
        sends += 1;
        let e = match settle(ctx.reporter, || {
            write_ecs::register_task_definition(ctx.clients, td, exec, task)
        })
        .await
        {
            Ok(arn) => return Ok(arn),
            Err(e) => e,
        };
        let kind = failure(&e);
        if kind == Failure::Refused {
            return Err(e);
        }
        // Also gives a registration that did happen time to show in ListTaskDefinitions.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(16));
        if kind == Failure::Unknown
            && let Some(arn) = registered(ctx, td).await?
        {
            ctx.reporter.note(&format!(
                "RegisterTaskDefinition for `{}` failed ({e}), but it had registered {arn}; \
                 using it",
                td.family
            ));
            return Ok(arn);
        }
        if sends >= MAX_SENDS {
            return Err(e);
        }
        ctx.reporter.note(&format!(
            "sending RegisterTaskDefinition for `{}` again ({e})",
            td.family
        ));
    }
}

/// The newest ACTIVE revision of the family with exactly this content and our tags, if any.
async fn registered(ctx: &ApplyCtx<'_>, td: &TaskDefinition) -> Result<Option<String>, AwsError> {
    let arns = ecs::newest_active_task_definition_arns(ctx.clients, &td.family, LOOK_BACK).await?;
    let mut candidates = Vec::new();
    for arn in &arns {
        candidates.extend(ecs::describe_task_definition(ctx.clients, arn).await?);
    }
    Ok(pick_registered(ctx.desired, ctx.account_id, td, &candidates).map(|c| c.arn.clone()))
}

/// Among revisions (newest first), the first ACTIVE one that is ours and holds `td`'s content
/// by the diff's own comparison.
fn pick_registered<'a>(
    desired: &Desired,
    account_id: &str,
    td: &TaskDefinition,
    candidates: &'a [LiveTaskDefinition],
) -> Option<&'a LiveTaskDefinition> {
    candidates.iter().find(|c| {
        c.status.as_deref().is_none_or(|s| s == "ACTIVE")
            && is_ours(&c.tags, &desired.app, &desired.env)
            && same_content(desired, account_id, td, c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::{ACCOUNT, converged, desired};

    fn err(code: Option<&str>, status: Option<u16>) -> AwsError {
        let mut e = AwsError::new("ecs", "RegisterTaskDefinition", Some("f"), code, "m");
        e.status = status;
        e
    }

    #[test]
    fn only_an_unanswered_or_5xx_register_may_have_registered() {
        let cases = [
            (err(None, None), Failure::Unknown), // dispatch failure, timeout
            (err(None, Some(500)), Failure::Unknown), // no AWS error body
            (err(Some("ServerException"), Some(500)), Failure::Unknown),
            (err(Some("ServiceUnavailable"), Some(503)), Failure::Unknown),
            (
                err(Some("ThrottlingException"), Some(400)),
                Failure::Throttled,
            ),
            (err(Some("ClientException"), Some(400)), Failure::Refused),
            (
                err(Some("InvalidParameterException"), Some(400)),
                Failure::Refused,
            ),
            (
                err(Some("AccessDeniedException"), Some(400)),
                Failure::Refused,
            ),
        ];
        for (e, want) in cases {
            assert_eq!(failure(&e), want, "{e:?}");
        }
    }

    #[test]
    fn a_lost_registration_is_found_by_content_and_tags() {
        let d = desired();
        let td = &d.task_definitions[0];
        let live = converged().task_definitions;
        assert!(pick_registered(&d, ACCOUNT, td, &live).is_some());

        let mut other_content = live.clone();
        other_content[0].containers[0].image = Some("nginx:other".into());
        assert!(pick_registered(&d, ACCOUNT, td, &other_content).is_none());

        let mut other_env = live.clone();
        other_env[0]
            .tags
            .insert("ecsctl:env".into(), "staging".into());
        assert!(pick_registered(&d, ACCOUNT, td, &other_env).is_none());

        let mut inactive = live.clone();
        inactive[0].status = Some("INACTIVE".into());
        assert!(pick_registered(&d, ACCOUNT, td, &inactive).is_none());

        // Newest first: the first match wins.
        let mut two = live.clone();
        let mut newer = live[0].clone();
        newer.arn = newer.arn.replace(&format!(":{}", newer.revision), ":99");
        two.insert(0, newer.clone());
        assert_eq!(
            pick_registered(&d, ACCOUNT, td, &two).unwrap().arn,
            newer.arn
        );
    }
}
