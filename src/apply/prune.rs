//! Deletion steps (pruning and `destroy`): every `Action::Delete` step comes here. The plan
//! only deletes what `diff::prune` found with this environment's ownership tags; the handlers
//! look the resource up in `live.owned` and re-check ownership where a cheap read allows
//! (roles, task definition revisions) right before deleting. Retention's deregistrations
//! (`task_definition.FAMILY:REVISION`, `diff::retain`) come here too.
//!
//! Services are scaled to 0, deleted, and waited for until ECS no longer lists them as
//! ACTIVE/DRAINING (bounded), so the discovery services they registered in can go next. Before
//! a cluster is deleted, the environment's own running standalone tasks are stopped. Must not
//! delete anything the plan does not name, nor stop a task without this environment's tags.

use std::time::Duration;

use super::context::ApplyCtx;
use super::namespace::wait_operation;
use super::settle::settle;
use super::wait::{PollError, poll};
use crate::aws::ecs_tasks::{self, ClusterTask};
use crate::aws::{
    AwsError, ecs, iam, write_alarms, write_autoscaling, write_discovery, write_ecs, write_iam,
    write_logs, write_prune,
};
use crate::live::owned::is_ours;
use crate::plan::{ResourceKind, Step};

/// How long a deleted service may take to drain before apply gives up on it.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(600);

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let name = step.address.name.as_str();
    let o = &ctx.live.owned;
    let cluster = ctx.desired.cluster.name.as_str();
    match step.address.kind {
        ResourceKind::ScalingPolicy => {
            // A pruned service's target (owned read) or a kept service's (regular read).
            let targets = o.scaling_targets.iter().chain(&ctx.live.scaling_targets);
            let found = targets.into_iter().find_map(|t| {
                t.policies
                    .iter()
                    .find(|p| p.name == name)
                    .map(|p| (t.resource_id.as_str(), p))
            });
            let Some((resource_id, p)) = found else {
                return Ok(());
            };
            // Deregistering the target deletes its policies too; deleting first keeps the
            // order explicit and the step idempotent.
            write_autoscaling::delete_policy(c, resource_id, name).await?;
            // A step policy's alarm outlives it (`aws::write_alarms`). Only the alarm named as
            // the policy is ecsctl's; another one the policy listed is left alone.
            if p.step.is_some() && p.alarm_names.iter().any(|a| a == name) {
                write_alarms::delete_alarm(c, name).await?;
            }
            Ok(())
        }
        ResourceKind::ScalingSchedule => {
            let targets = o.scaling_targets.iter().chain(&ctx.live.scaling_targets);
            let found = targets.into_iter().find_map(|t| {
                t.schedules
                    .iter()
                    .any(|s| s.name == name)
                    .then_some(t.resource_id.as_str())
            });
            match found {
                Some(resource_id) => write_autoscaling::delete_schedule(c, resource_id, name).await,
                None => Ok(()),
            }
        }
        ResourceKind::ScalingTarget => {
            let id = format!("service/{cluster}/{name}");
            write_autoscaling::deregister_target(c, &id).await
        }
        ResourceKind::Service => delete_service(ctx, cluster, name).await,
        ResourceKind::DiscoveryService => {
            match o.discovery_services.iter().find(|d| d.name == name) {
                Some(d) => {
                    // Services this run took out of it must have stopped their registered
                    // tasks first (review #2); `settle` covers the deregistration lag.
                    super::registry::wait_for_detached(ctx, name, &d.arn).await?;
                    settle(ctx.reporter, || {
                        write_discovery::delete_service(c, &d.id, name)
                    })
                    .await
                }
                None => Ok(()),
            }
        }
        ResourceKind::TaskDefinition => match step.address.revision() {
            Some(_) => deregister_revision(ctx, name).await,
            None => delete_family(ctx, name).await,
        },
        ResourceKind::Namespace => {
            let Some(ns) = o.namespaces.iter().find(|n| n.name == name) else {
                return Ok(());
            };
            match write_prune::delete_namespace(c, &ns.id, name).await? {
                Some(op) => wait_operation(ctx, &op, name).await.map(|_| ()),
                None => Ok(()),
            }
        }
        ResourceKind::Cluster => {
            stop_own_tasks(ctx, name).await?;
            // Stopped tasks take a while to leave the cluster: ClusterContainsTasksException
            // settles until they have.
            settle(ctx.reporter, || write_ecs::delete_cluster(c, name)).await
        }
        ResourceKind::LogGroup => write_logs::delete_log_group(c, name).await,
        ResourceKind::IamRole => delete_role(ctx, name).await,
        ResourceKind::ScheduleGroup | ResourceKind::Schedule => {
            super::schedule::delete(ctx, step).await
        }
        #[allow(unreachable_patterns)] // kinds added later (schedules) prune nothing yet
        _ => Err(AwsError::new(
            "ecsctl",
            "Delete",
            Some(name),
            None,
            format!(
                "deleting a `{}` is not supported yet",
                step.address.kind.as_str()
            ),
        )),
    }
}

/// Scales to 0, deletes, and polls until ECS lists the service neither ACTIVE nor DRAINING
/// (within `DRAIN_TIMEOUT`); also the first half of a service replacement.
pub(super) async fn delete_service(
    ctx: &ApplyCtx<'_>,
    cluster: &str,
    name: &str,
) -> Result<(), AwsError> {
    let c = ctx.clients;
    write_prune::scale_service_to_zero(c, cluster, name).await?;
    write_ecs::delete_service(c, cluster, name).await?;
    let names = [name.to_string()];
    let result = poll(
        DRAIN_TIMEOUT,
        Duration::from_millis(250),
        Duration::from_secs(10),
        || async {
            let read = ecs::describe_services(c, cluster, &names).await?;
            Ok((read.services.is_empty() && read.draining.is_empty()).then_some(()))
        },
    )
    .await;
    match result {
        Ok(()) => Ok(()),
        Err(PollError::Failed(e)) => Err(e),
        Err(PollError::TimedOut { after }) => Err(AwsError::new(
            "ecs",
            "DescribeServices",
            Some(name),
            None,
            format!(
                "the deleted service did not finish draining within {}s",
                after.as_secs()
            ),
        )),
    }
}

/// The reason ECS shows on the tasks destroy stops.
const STOP_REASON: &str = "ecsctl destroy";

/// Stops the environment's own standalone tasks (`ecsctl run`, the scheduler's runs: they carry
/// its ownership tags) before the cluster is deleted: DeleteCluster fails with
/// `ClusterContainsTasksException` while tasks are active (DeleteCluster API, Errors). A task
/// without our tags is never stopped; if one runs, the cluster cannot go and this says which.
async fn stop_own_tasks(ctx: &ApplyCtx<'_>, cluster: &str) -> Result<(), AwsError> {
    let tasks = ecs_tasks::running_tasks(ctx.clients, cluster).await?;
    let (ours, foreign) = split_tasks(tasks, &ctx.desired.app, &ctx.desired.env);
    if !ours.is_empty() {
        ctx.reporter.note(&format!(
            "stopping {} running task(s) of `{}` in cluster `{cluster}`",
            ours.len(),
            ctx.desired.env
        ));
    }
    for t in &ours {
        write_prune::stop_task(ctx.clients, cluster, &t.arn, STOP_REASON).await?;
    }
    if foreign.is_empty() {
        return Ok(());
    }
    Err(AwsError::new(
        "ecs",
        "DeleteCluster",
        Some(cluster),
        None,
        foreign_tasks_message(&foreign),
    ))
}

/// Tasks with this environment's ownership tags, and the others.
fn split_tasks(
    tasks: Vec<ClusterTask>,
    app: &str,
    env: &str,
) -> (Vec<ClusterTask>, Vec<ClusterTask>) {
    tasks.into_iter().partition(|t| is_ours(&t.tags, app, env))
}

fn foreign_tasks_message(foreign: &[ClusterTask]) -> String {
    let named: Vec<String> = foreign
        .iter()
        .take(5)
        .map(|t| {
            let id = t.arn.rsplit('/').next().unwrap_or(&t.arn);
            match &t.group {
                Some(g) => format!("`{id}` ({g})"),
                None => format!("`{id}`"),
            }
        })
        .collect();
    let more = foreign.len().saturating_sub(named.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "the cluster still runs {} task(s) without this environment's ownership tags: {}{more}; \
         ecsctl does not stop them, so the cluster was not deleted (stop them, then run destroy \
         again)",
        foreign.len(),
        named.join(", ")
    )
}

/// Deregisters (then deletes, where the API allows) the revisions of the family that the plan
/// found carrying our tags, each described again first: one whose tags changed since is left
/// alone. Revisions of someone else's in the family are not touched (the plan lists them as
/// kept), and are not described again either.
async fn delete_family(ctx: &ApplyCtx<'_>, family: &str) -> Result<(), AwsError> {
    let c = ctx.clients;
    let (app, env) = (ctx.desired.app.as_str(), ctx.desired.env.as_str());
    let Some(f) = ctx.live.owned.families.iter().find(|f| f.family == family) else {
        return Ok(());
    };
    let mut gone = Vec::new();
    for r in f.revisions.iter().filter(|r| is_ours(&r.tags, app, env)) {
        let Some(td) = ecs::describe_task_definition(c, &r.arn).await? else {
            continue;
        };
        if !is_ours(&td.tags, app, env) {
            continue;
        }
        if td.status.as_deref() == Some("ACTIVE") {
            write_prune::deregister_task_definition(c, &r.arn).await?;
        }
        gone.push(r.arn.clone());
    }
    if !gone.is_empty() {
        write_prune::delete_task_definitions(c, &gone).await?;
    }
    Ok(())
}

/// Retention (`diff::retain`): deregisters one old revision of ours, described again first.
/// One whose tags changed since the plan, or already INACTIVE, is left alone; it is never
/// deleted (an INACTIVE revision stays describable, for the record of what ran).
async fn deregister_revision(ctx: &ApplyCtx<'_>, family_revision: &str) -> Result<(), AwsError> {
    let c = ctx.clients;
    let Some(td) = ecs::describe_task_definition(c, family_revision).await? else {
        return Ok(());
    };
    if !is_ours(&td.tags, &ctx.desired.app, &ctx.desired.env) {
        return Err(AwsError::new(
            "ecs",
            "DeregisterTaskDefinition",
            Some(family_revision),
            None,
            "the revision's ownership tags changed since the plan; it was not deregistered",
        ));
    }
    if td.status.as_deref() != Some("ACTIVE") {
        return Ok(());
    }
    write_prune::deregister_task_definition(c, &td.arn).await
}

/// Reads the role fresh (its policies must go first), checks it is still ours, deletes it.
async fn delete_role(ctx: &ApplyCtx<'_>, name: &str) -> Result<(), AwsError> {
    let Some(role) = iam::read_role(ctx.clients, name).await? else {
        return Ok(());
    };
    if !is_ours(&role.tags, &ctx.desired.app, &ctx.desired.env) {
        return Err(AwsError::new(
            "iam",
            "DeleteRole",
            Some(name),
            None,
            "the role's ownership tags changed since the plan; it was not deleted",
        ));
    }
    let inline: Vec<String> = role.inline_policies.keys().cloned().collect();
    write_iam::delete_role(ctx.clients, name, &inline, &role.managed_policy_arns).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, group: &str, tags: &[(&str, &str)]) -> ClusterTask {
        ClusterTask {
            arn: format!("arn:aws:ecs:eu-west-1:1:task/ohi-prod/{id}"),
            group: Some(group.to_string()),
            last_status: Some("RUNNING".into()),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn destroy_stops_only_tasks_with_all_three_ownership_tags() {
        let ours = [
            ("ecsctl:managed-by", "ecsctl"),
            ("ecsctl:app", "ohi"),
            ("ecsctl:env", "prod"),
        ];
        let other_env = [
            ("ecsctl:managed-by", "ecsctl"),
            ("ecsctl:app", "ohi"),
            ("ecsctl:env", "staging"),
        ];
        let tasks = vec![
            task("a1", "family:ohi-prod-report", &ours),
            task("b2", "family:ohi-prod-report", &other_env),
            task("c3", "family:someone-else", &[]),
        ];
        let (stop, foreign) = split_tasks(tasks, "ohi", "prod");
        assert_eq!(stop.len(), 1);
        assert!(stop[0].arn.ends_with("/a1"));
        assert_eq!(
            foreign_tasks_message(&foreign),
            "the cluster still runs 2 task(s) without this environment's ownership tags: `b2` \
             (family:ohi-prod-report), `c3` (family:someone-else); ecsctl does not stop them, so \
             the cluster was not deleted (stop them, then run destroy again)"
        );
    }
}
