//! Runs a plan's steps in order: phase by phase (the plan's order), the independent steps of
//! one phase concurrently with a bound, stopping before the next phase once a step has failed
//! (steps in flight finish, so nothing is left half-sent). Then waits for changed services.
//!
//! Must not decide what to change (the plan did) or print (the reporter does).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use futures::stream::{self, StreamExt};

use super::context::ApplyCtx;
use super::outcome::{ApplyOutcome, WaitOutcome};
use super::service::Changed;
use super::{
    cluster, discovery, log_group, namespace, role, scaling, service, stable, task_definition,
};
use crate::aws::AwsError;
use crate::interrupt::Interrupt;
use crate::plan::{Action, ResourceKind, Step};

#[derive(Clone, Debug)]
pub struct ApplyOptions {
    pub wait: bool,
    pub timeout: Duration,
    /// Steps of one phase in flight at once. IAM and ECS control-plane quotas are low-ish;
    /// 4 keeps a 12-service environment fast without throttling.
    pub concurrency: usize,
    /// Ctrl-C / SIGTERM: the first starts no new step and abandons the rollout wait (the
    /// steps in flight finish); the command abandons the rest on a second one.
    pub interrupt: Interrupt,
    /// `beforeDeploy` jobs (the plan's `target.before_deploy`): run after the task definition
    /// and schedule phases, before the first service step (or after the last step when none).
    pub before_deploy: Vec<String>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            wait: true,
            timeout: Duration::from_secs(15 * 60),
            concurrency: 4,
            interrupt: Interrupt::never(),
            before_deploy: Vec::new(),
        }
    }
}

enum StepResult {
    Done(Duration, Option<Changed>),
    Failed(AwsError),
    NotAttempted,
}

pub async fn execute(ctx: &ApplyCtx<'_>, steps: &[Step], opts: &ApplyOptions) -> ApplyOutcome {
    // Say at once what a first Ctrl-C does; the run itself notices it between steps.
    let notice = async {
        opts.interrupt.after(1).await;
        ctx.reporter.note(
            "interrupted: the steps in flight finish, no new step starts (press Ctrl-C again to abandon them)",
        );
        std::future::pending::<ApplyOutcome>().await
    };
    tokio::select! {
        outcome = run(ctx, steps, opts) => outcome,
        never = notice => never,
    }
}

async fn run(ctx: &ApplyCtx<'_>, steps: &[Step], opts: &ApplyOptions) -> ApplyOutcome {
    let since = SystemTime::now();
    let failed = AtomicBool::new(false);
    let mut outcome = ApplyOutcome::default();
    let mut changed = Vec::new();
    let stop = || failed.load(Ordering::SeqCst) || opts.interrupt.requested();
    let mut jobs_pending = !opts.before_deploy.is_empty();
    for batch in batches(steps) {
        if jobs_pending && !stop() && deploys_from(&batch[0]) {
            jobs_pending = false;
            before_deploy(ctx, opts, &mut outcome, &failed).await;
        }
        if stop() {
            outcome.not_attempted.extend(batch.iter().cloned());
            continue;
        }
        let results: Vec<(usize, StepResult)> = stream::iter(batch.iter().enumerate())
            .map(|(i, step)| {
                let (failed, stop) = (&failed, &stop);
                async move {
                    if stop() {
                        return (i, StepResult::NotAttempted);
                    }
                    let start = Instant::now();
                    ctx.reporter.step_started(step);
                    let r = run_step(ctx, step).await;
                    ctx.reporter
                        .step_finished(step, r.as_ref().map(|_| ()), start.elapsed());
                    match r {
                        Ok(c) => (i, StepResult::Done(start.elapsed(), c)),
                        Err(e) => {
                            failed.store(true, Ordering::SeqCst);
                            (i, StepResult::Failed(e))
                        }
                    }
                }
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
        let mut results = results;
        results.sort_by_key(|(i, _)| *i);
        for (i, r) in results {
            let step = batch[i].clone();
            match r {
                StepResult::Done(d, c) => {
                    outcome.done.push((step, d));
                    changed.extend(c);
                }
                StepResult::Failed(e) => outcome.failed.push((step, e)),
                StepResult::NotAttempted => outcome.not_attempted.push(step),
            }
        }
    }
    if jobs_pending && !stop() {
        before_deploy(ctx, opts, &mut outcome, &failed).await;
    }
    if opts.wait && outcome.is_success() && !opts.interrupt.requested() {
        let wait =
            stable::wait_for_services(ctx.clients, ctx.reporter, &changed, opts.timeout, since);
        outcome.wait = tokio::select! {
            w = wait => w,
            () = opts.interrupt.after(1) => WaitOutcome::Interrupted,
        };
    } else {
        outcome.wait = WaitOutcome::Skipped;
    }
    outcome.interrupted = opts.interrupt.requested();
    outcome
}

/// The first step that puts new code in front of users (a service) or deletes: the
/// `beforeDeploy` jobs run before it.
fn deploys_from(step: &Step) -> bool {
    step.action == Action::Delete || step.address.kind.phase() >= ResourceKind::Service.phase()
}

/// Runs the `beforeDeploy` jobs; a failure stops the run like a failed step.
async fn before_deploy(
    ctx: &ApplyCtx<'_>,
    opts: &ApplyOptions,
    outcome: &mut ApplyOutcome,
    failed: &AtomicBool,
) {
    if let Err(f) = super::before_deploy::run_jobs(ctx, &opts.before_deploy, opts.timeout).await {
        failed.store(true, Ordering::SeqCst);
        outcome.before_deploy = Some(f);
    }
}

/// Consecutive steps of the same phase and direction: the plan already ordered them.
fn batches(steps: &[Step]) -> Vec<&[Step]> {
    let key = |s: &Step| (s.address.kind.phase(), s.action == Action::Delete);
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=steps.len() {
        if i == steps.len() || key(&steps[i]) != key(&steps[start]) {
            if start < i {
                out.push(&steps[start..i]);
            }
            start = i;
        }
    }
    out
}

async fn run_step(ctx: &ApplyCtx<'_>, step: &Step) -> Result<Option<Changed>, AwsError> {
    // Deletions (pruning, destroy) act on what the live state owns, not on the spec.
    if step.action == Action::Delete {
        return super::prune::apply(ctx, step).await.map(|_| None);
    }
    match step.address.kind {
        ResourceKind::IamRole => role::apply(ctx, step).await.map(|_| None),
        ResourceKind::LogGroup => log_group::apply(ctx, step).await.map(|_| None),
        ResourceKind::Cluster => cluster::apply(ctx, step).await.map(|_| None),
        ResourceKind::Namespace => namespace::apply(ctx, step).await.map(|_| None),
        ResourceKind::DiscoveryService => discovery::apply(ctx, step).await.map(|_| None),
        ResourceKind::TaskDefinition => task_definition::apply(ctx, step).await.map(|_| None),
        ResourceKind::Service => service::apply(ctx, step).await,
        ResourceKind::ScalingTarget
        | ResourceKind::ScalingPolicy
        | ResourceKind::ScalingSchedule => scaling::apply(ctx, step).await.map(|_| None),
        ResourceKind::ScheduleGroup | ResourceKind::Schedule => {
            super::schedule::apply(ctx, step).await.map(|_| None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Address;

    fn step(kind: ResourceKind, action: Action) -> Step {
        Step {
            address: Address::new(kind, "x"),
            action,
            fields: vec![],
            force_new_deployment: false,
        }
    }

    #[test]
    fn batches_split_on_phase_and_direction() {
        use ResourceKind as K;
        let steps = vec![
            step(K::IamRole, Action::Create),
            step(K::IamRole, Action::Update),
            step(K::LogGroup, Action::Create),
            step(K::Service, Action::Update),
            step(K::Service, Action::Delete),
            step(K::IamRole, Action::Delete),
        ];
        let sizes: Vec<usize> = batches(&steps).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2, 1, 1, 1, 1]);
        assert!(batches(&[]).is_empty());
    }
}
