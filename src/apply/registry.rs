//! ECS services registered in a Cloud Map service that apply is about to delete (a discovery
//! service replaced, or pruned): Cloud Map refuses to delete a service while instances are
//! registered in it (`ResourceInUse`, terraform-provider-aws #4853), and ECS deregisters a
//! task's instance only once the task has stopped. So the ECS services must first stop using
//! it (UpdateService `serviceRegistries=[]`) and finish that rollout (their old tasks stopped);
//! `settle` then covers the last seconds of deregistration.
//!
//! Owns finding those services (from the live state the plan was made from) and waiting for
//! them. Must not delete the Cloud Map service itself (the discovery and prune handlers do).

use std::time::{Duration, SystemTime};

use super::context::ApplyCtx;
use super::outcome::WaitOutcome;
use super::reporter::Reporter;
use super::service::Changed;
use super::stable;
use crate::aws::{AwsError, write_ecs};
use crate::live::LiveService;
use crate::live::owned::is_ours;
use crate::plan::Step;

/// How long the services may take to roll out without the registry (apply's default timeout).
const DETACH_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The environment's live ECS services (named by the spec, or pruned) registered in `arn`.
pub fn users(ctx: &ApplyCtx<'_>, arn: &str) -> Vec<Changed> {
    let owned = ctx
        .live
        .owned
        .services
        .iter()
        .filter(|s| is_ours(&s.tags, &ctx.desired.app, &ctx.desired.env));
    let mut found: Vec<Changed> = Vec::new();
    for s in ctx.live.services.iter().chain(owned) {
        if uses(s, arn) && !found.iter().any(|f| f.name == s.name) {
            found.push(Changed {
                name: s.name.clone(),
                cluster: cluster_of(ctx, s),
                task_definition: None,
                deployment: None,
                stages: None,
            });
        }
    }
    found
}

fn uses(s: &LiveService, arn: &str) -> bool {
    s.service_registries
        .iter()
        .any(|r| r.registry_arn.as_deref() == Some(arn))
}

fn cluster_of(ctx: &ApplyCtx<'_>, s: &LiveService) -> String {
    s.cluster_arn
        .as_deref()
        .and_then(|a| a.rsplit('/').next())
        .unwrap_or(&ctx.desired.cluster.name)
        .to_string()
}

/// Takes the Cloud Map service `name` (`arn`) out of every ECS service of ours that uses it
/// and waits until those rollouts are stable.
pub async fn detach(ctx: &ApplyCtx<'_>, name: &str, arn: &str) -> Result<(), AwsError> {
    let users = users(ctx, arn);
    if users.is_empty() {
        return Ok(());
    }
    let mut users = users;
    for u in &mut users {
        u.deployment =
            write_ecs::clear_service_registries(ctx.clients, &u.cluster, &u.name).await?;
    }
    wait(ctx, name, &users, DETACH_TIMEOUT).await
}

/// Before a pruned Cloud Map service is deleted: waits for the services that this run took out
/// of it (their `serviceRegistries` update in the services phase) to be stable, so their old,
/// registered tasks have stopped. Pruned services need no wait (their delete already waited
/// until they were INACTIVE), and a service this run did not update is not waited for.
pub async fn wait_for_detached(ctx: &ApplyCtx<'_>, name: &str, arn: &str) -> Result<(), AwsError> {
    let detached: Vec<Changed> = {
        let resolved = ctx.resolved();
        users(ctx, arn)
            .iter()
            .filter_map(|u| resolved.registry_changes.get(&u.name).cloned())
            .collect()
    };
    if detached.is_empty() {
        return Ok(());
    }
    wait(ctx, name, &detached, DETACH_TIMEOUT).await
}

/// Waits until `users` (services that stopped using Cloud Map service `name`) are stable.
pub async fn wait(
    ctx: &ApplyCtx<'_>,
    name: &str,
    users: &[Changed],
    timeout: Duration,
) -> Result<(), AwsError> {
    let names: Vec<String> = users.iter().map(|u| format!("`{}`", u.name)).collect();
    ctx.reporter.note(&format!(
        "waiting for {} to stop using Cloud Map service `{name}` before it is deleted",
        names.join(", ")
    ));
    let quiet = WithoutEvents(ctx.reporter);
    let outcome =
        stable::wait_for_services(ctx.clients, &quiet, users, timeout, SystemTime::now()).await;
    wait_result(outcome, name)
}

/// The services' events are streamed once, by apply's final wait (these services are among the
/// changed ones); this wait shows their progress only.
struct WithoutEvents<'a>(&'a dyn Reporter);

impl Reporter for WithoutEvents<'_> {
    fn step_started(&self, step: &Step) {
        self.0.step_started(step);
    }
    fn step_finished(&self, step: &Step, result: Result<(), &AwsError>, elapsed: Duration) {
        self.0.step_finished(step, result, elapsed);
    }
    fn note(&self, message: &str) {
        self.0.note(message);
    }
    fn service_progress(&self, service: &str, progress: &str, stable: bool) {
        self.0.service_progress(service, progress, stable);
    }
    fn service_event(&self, _: &str, _: &str) {}
}

/// The wait's end as a step result: the Cloud Map service is not deleted unless it is stable.
fn wait_result(outcome: WaitOutcome, name: &str) -> Result<(), AwsError> {
    let fail = |service: &str, why: String| {
        Err(AwsError::new(
            "ecs",
            "DescribeServices",
            Some(service),
            None,
            format!("{why}; Cloud Map service `{name}` was not deleted"),
        ))
    };
    match outcome {
        WaitOutcome::Skipped | WaitOutcome::Stable { .. } => Ok(()),
        WaitOutcome::Error(e) => Err(e),
        WaitOutcome::Failed { service, reason } => fail(
            &service,
            format!("the rollout without the registry failed: {reason}"),
        ),
        WaitOutcome::Interrupted => fail(name, "interrupted".to_string()),
        WaitOutcome::TimedOut { after, pending } => {
            let which: Vec<&str> = pending.iter().map(|(s, _)| s.as_str()).collect();
            fail(
                &which.join(", "),
                format!("not stable after {}s", after.as_secs()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_or_slow_rollout_keeps_the_cloud_map_service() {
        assert!(wait_result(WaitOutcome::Skipped, "api").is_ok());
        let e = wait_result(
            WaitOutcome::Failed {
                service: "ohi-prod-api".into(),
                reason: "the circuit breaker rolled back".into(),
            },
            "api",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ecs:DescribeServices on `ohi-prod-api`: the rollout without the registry failed: \
             the circuit breaker rolled back; Cloud Map service `api` was not deleted"
        );
        let e = wait_result(
            WaitOutcome::TimedOut {
                after: Duration::from_secs(900),
                pending: vec![("ohi-prod-api".into(), "running 1/2".into())],
            },
            "api",
        )
        .unwrap_err();
        assert!(e.message.starts_with("not stable after 900s"), "{e}");
    }
}
