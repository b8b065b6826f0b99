//! EventBridge Scheduler steps: the schedule group (created with the environment's ownership
//! tags, re-tagged on drift) and the schedules (CreateSchedule, or UpdateSchedule, which
//! replaces the whole schedule; a Replace is an update too: nothing about a schedule forces
//! re-creation). Deletions of both are in `delete`, called by the prune handler. A group still
//! DELETING (deleted by an earlier destroy) is waited for before it is created again.
//!
//! The target names the cluster ARN, the scheduler role ARN and the family ARN without a
//! revision (see `diff::schedule`), all in the caller's account and the spec's region.

use std::time::Duration;

use super::context::{ApplyCtx, tag_delta};
use super::settle::settle;
use super::wait::{PollError, poll};
use crate::aws::write_scheduler::{self, ScheduleInput};
use crate::aws::{AwsError, scheduler};
use crate::plan::{Action, ResourceKind, Step};

/// A schedule group's state while Scheduler deletes it and its schedules.
const DELETING: &str = "DELETING";

/// How long a deleting group may take to go. Scheduler deletes the group's schedules first;
/// a few minutes covers groups with many schedules.
const GROUP_DELETE_TIMEOUT: Duration = Duration::from_secs(300);

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    if matches!(step.action, Action::NoOp) {
        return Ok(());
    }
    if step.action == Action::Delete {
        return delete(ctx, step).await;
    }
    match step.address.kind {
        ResourceKind::ScheduleGroup => group(ctx, step).await,
        _ => schedule(ctx, step).await,
    }
}

async fn group(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let name = &step.address.name;
    let tags = &ctx.desired.cluster.tags;
    let live = ctx.live.schedule_group.as_ref().filter(|g| &g.name == name);
    match (step.action, live) {
        (Action::Update, Some(live)) => {
            let (set, remove) = tag_delta(tags, &live.tags);
            if !set.is_empty() {
                write_scheduler::tag_group(c, &live.arn, &set).await?;
            }
            if !remove.is_empty() {
                write_scheduler::untag_group(c, &live.arn, &remove).await?;
            }
            Ok(())
        }
        _ => {
            if live.is_some_and(|g| g.state.as_deref() == Some(DELETING)) {
                wait_group_deleted(ctx, name).await?;
            }
            match write_scheduler::create_group(c, name, tags).await {
                // A rerun after an interrupted apply: the group is there (and ownership of a
                // group that is not ours is refused before any step runs). But Scheduler also
                // answers ConflictException while a group of that name is still DELETING (it
                // was deleted after the plan read it): wait for it to go and create it then.
                Err(e) if e.is_code("ConflictException") => {
                    match scheduler::read_group(c, name).await? {
                        Some(g) if g.state.as_deref() != Some(DELETING) => Ok(()),
                        _ => {
                            wait_group_deleted(ctx, name).await?;
                            write_scheduler::create_group(c, name, tags)
                                .await
                                .map(|_| ())
                        }
                    }
                }
                r => r.map(|_| ()),
            }
        }
    }
}

/// Polls GetScheduleGroup until the group is no longer DELETING (normally: gone). Scheduler
/// deletes a group asynchronously, after all its schedules: "it remains in a DELETING state
/// until all of its associated schedules are deleted" (DeleteScheduleGroup API), and a
/// CreateScheduleGroup meanwhile is a ConflictException.
async fn wait_group_deleted(ctx: &ApplyCtx<'_>, name: &str) -> Result<(), AwsError> {
    ctx.reporter.note(&format!(
        "waiting for schedule group `{name}` to finish deleting"
    ));
    let result = poll(
        GROUP_DELETE_TIMEOUT,
        Duration::from_millis(500),
        Duration::from_secs(10),
        || async {
            let g = scheduler::read_group(ctx.clients, name).await?;
            Ok(g.is_none_or(|g| g.state.as_deref() != Some(DELETING))
                .then_some(()))
        },
    )
    .await;
    match result {
        Ok(()) => Ok(()),
        Err(PollError::Failed(e)) => Err(e),
        Err(PollError::TimedOut { after }) => Err(AwsError::new(
            "scheduler",
            "GetScheduleGroup",
            Some(name),
            None,
            format!(
                "the schedule group was still DELETING after {}s; run apply again later",
                after.as_secs()
            ),
        )),
    }
}

async fn schedule(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let name = &step.address.name;
    let Some(task) = ctx.desired.scheduled_tasks.iter().find(|t| &t.name == name) else {
        return Ok(());
    };
    let cluster_arn = ctx
        .live
        .cluster
        .as_ref()
        .filter(|c| c.name == task.cluster)
        .map(|c| c.arn.clone())
        .unwrap_or_else(|| ctx.arn("ecs", ctx.region, &format!("cluster/{}", task.cluster)));
    let input = ScheduleInput {
        task,
        cluster_arn,
        role_arn: ctx.arn("iam", "", &format!("role/{}", task.role)),
        task_definition_arn: ctx.arn(
            "ecs",
            ctx.region,
            &format!("task-definition/{}", task.family),
        ),
    };
    let exists = ctx
        .live
        .schedule(name)
        .is_some_and(|s| s.group_name.as_deref().is_none_or(|g| g == task.group));
    // Both pass the scheduler role, which IAM may still be propagating.
    let update = || write_scheduler::update_schedule(ctx.clients, &input);
    if exists {
        settle(ctx.reporter, update).await
    } else {
        match settle(ctx.reporter, || {
            write_scheduler::create_schedule(ctx.clients, &input)
        })
        .await
        {
            // Created by an interrupted earlier run: make it match.
            Err(e) if e.is_code("ConflictException") => settle(ctx.reporter, update).await,
            r => r,
        }
    }
}

/// Deletes a schedule (from the group it lives in) or the group itself.
pub async fn delete(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let name = &step.address.name;
    match step.address.kind {
        ResourceKind::ScheduleGroup => write_scheduler::delete_group(ctx.clients, name).await,
        _ => {
            let group = ctx
                .live
                .schedule(name)
                .and_then(|s| s.group_name.clone())
                .unwrap_or_else(|| {
                    crate::model::scheduled::schedule_group(&ctx.desired.app, &ctx.desired.env)
                });
            write_scheduler::delete_schedule(ctx.clients, &group, name).await
        }
    }
}
