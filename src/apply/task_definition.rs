//! Task definition steps: a new revision (RegisterTaskDefinition) only when the content
//! changed. The diff already reuses the family's latest ACTIVE revision when it is identical
//! (the plan then has no step, or only a tag change), so a re-run after an interrupted apply
//! registers no duplicate. Owned role names become ARNs in the caller's account.

use super::context::{ApplyCtx, tag_delta};
use super::settle::settle;
use crate::aws::{AwsError, write_ecs};
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let family = &step.address.name;
    let Some(td) = ctx
        .desired
        .task_definitions
        .iter()
        .find(|t| &t.family == family)
    else {
        // A family that left the spec: deregister its ACTIVE revisions (the services that ran
        // them were deleted in an earlier step; deregistered revisions stay describable).
        if step.action == Action::Delete {
            for arn in write_ecs::list_active_revisions(ctx.clients, family).await? {
                write_ecs::deregister_task_definition(ctx.clients, &arn).await?;
            }
        }
        return Ok(());
    };
    if step.action == Action::NoOp {
        return Ok(());
    }
    let only_tags = !step.fields.is_empty() && step.fields.iter().all(|f| f.starts_with("tags"));
    if step.action == Action::Update && only_tags {
        // Same content, other tags: tag the revision in use instead of registering a copy.
        if let Some(live) = ctx.live.latest_task_definition(family) {
            let (set, remove) = tag_delta(&td.tags, &live.tags);
            write_ecs::tag_resource(ctx.clients, &live.arn, &set).await?;
            write_ecs::untag_resource(ctx.clients, &live.arn, &remove).await?;
            return Ok(());
        }
    }
    let exec = ctx.role_arn(&td.execution_role);
    let task = td.task_role.as_ref().map(|r| ctx.role_arn(r));
    let arn = settle(ctx.reporter, || {
        write_ecs::register_task_definition(ctx.clients, td, &exec, task.as_deref())
    })
    .await?;
    ctx.resolved().task_definitions.insert(family.clone(), arn);
    Ok(())
}
