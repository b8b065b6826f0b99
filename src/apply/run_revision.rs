//! The task definition revision `ecsctl run` starts: the one the spec describes now, with the
//! run's `--image` overrides, not whatever revision the family last had. Before, a run after
//! a spec change (`IMAGE_TAG=v2 ecsctl run -e staging migrate`) started the previous revision
//! with `:v1` and exited 0.
//!
//! Owns the reuse rule (the newest few ACTIVE revisions of ours with exactly this content, by
//! the diff's own comparison: content-addressed like apply) and the one registration when none
//! holds it. Must not change anything else apply owns (roles, log groups, schedules): a role
//! the spec names but AWS lacks fails the registration, and the error names it.

use crate::aws::{AwsClients, AwsError, ecs, write_ecs};
use crate::diff::task_definition::same_content;
use crate::live::owned::is_ours;
use crate::model::{Desired, RoleRef, TaskDefinition};

/// Revisions of the family looked at for one holding the spec: a run after an apply finds its
/// revision first; an older identical one is not worth a longer search.
const LOOK_BACK: usize = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRevision {
    pub arn: String,
    /// True when this run registered it.
    pub registered: bool,
}

pub async fn revision_for_run(
    clients: &AwsClients,
    desired: &Desired,
    account_id: &str,
    td: &TaskDefinition,
) -> Result<RunRevision, AwsError> {
    let arns = ecs::newest_active_task_definition_arns(clients, &td.family, LOOK_BACK).await?;
    for arn in &arns {
        let Some(live) = ecs::describe_task_definition(clients, arn).await? else {
            continue;
        };
        if is_ours(&live.tags, &desired.app, &desired.env)
            && same_content(desired, account_id, td, &live)
        {
            return Ok(RunRevision {
                arn: live.arn,
                registered: false,
            });
        }
    }
    let role = |r: &RoleRef| super::context::role_arn(desired, account_id, r);
    let exec = role(&td.execution_role);
    let task = td.task_role.as_ref().map(role);
    let arn = write_ecs::register_task_definition(clients, td, &exec, task.as_deref()).await?;
    Ok(RunRevision {
        arn,
        registered: true,
    })
}
