//! Waiting until the services apply changed are stable, streaming their progress and new
//! events to the reporter. Uses `wait::poll` and the pure `wait::assess`, which follows the
//! deployment each write started by id and treats reads that lag the write (MISSING, the old
//! deployments) as pending for a while; the reading is the only I/O here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::outcome::WaitOutcome;
use super::reporter::Reporter;
use super::service::Changed;
use super::stages::{self, ServiceDeploymentState};
use super::wait::{Expected, PollError, ServiceRollout, Verdict, assess, caught_up, poll};
use crate::aws::{AwsClients, AwsError, ecs_rollout, ecs_service_deployments};

/// First poll at once, then every 2 s growing to 15 s (the AWS CLI waiter's interval).
const FIRST_INTERVAL: Duration = Duration::from_secs(2);
const MAX_INTERVAL: Duration = Duration::from_secs(15);

enum Stop {
    Aws(AwsError),
    Failed { service: String, reason: String },
}

pub async fn wait_for_services(
    clients: &AwsClients,
    reporter: &dyn Reporter,
    changed: &[Changed],
    timeout: Duration,
    since: SystemTime,
) -> WaitOutcome {
    if changed.is_empty() {
        return WaitOutcome::Skipped;
    }
    let started = Instant::now();
    // Events from the moment the run started on are new.
    let since = since
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
        - 2.0;
    let seen: Mutex<BTreeSet<String>> = Mutex::default();
    let last: Mutex<BTreeMap<String, String>> = Mutex::default();
    let stages: Mutex<BTreeMap<String, Watched>> = Mutex::default();
    let mut by_cluster: BTreeMap<&str, Vec<&Changed>> = BTreeMap::new();
    for c in changed {
        by_cluster.entry(&c.cluster).or_default().push(c);
    }
    let result = poll(timeout, FIRST_INTERVAL, MAX_INTERVAL, || async {
        let mut all_stable = true;
        for (cluster, services) in &by_cluster {
            let names: Vec<String> = services.iter().map(|c| c.name.clone()).collect();
            let rollouts = ecs_rollout::describe_rollouts(clients, cluster, &names)
                .await
                .map_err(Stop::Aws)?;
            let deployments = read_stages(clients, cluster, services, since, &stages)
                .await
                .map_err(Stop::Aws)?;
            for r in &rollouts {
                let want = services
                    .iter()
                    .find(|c| c.name == r.service_name)
                    .map(|c| Expected {
                        task_definition: c.task_definition.as_deref(),
                        deployment: c.deployment.as_ref(),
                    })
                    .unwrap_or_default();
                stream_events(reporter, r, since, &seen);
                let mut verdict = assess(r, want, started.elapsed());
                // ECS's service deployment says why it stopped or rolled back (an alarm, a
                // hook), and which stage it is in.
                let stage = deployments.get(&r.service_name);
                if let Some(reason) = stage.and_then(|(d, _)| stages::failure(d)) {
                    verdict = Verdict::Failed(reason);
                }
                let progress = match &verdict {
                    // A lagging read's counts are the old ones: say what is awaited instead.
                    Verdict::Pending(why) if !caught_up(r, want.deployment) => {
                        format!("{why} ({}s)", started.elapsed().as_secs())
                    }
                    Verdict::Pending(_) => match stage {
                        Some((d, words)) if d.status.as_deref() != Some("SUCCESSFUL") => {
                            format!("{words}, {}", r.progress())
                        }
                        _ => r.progress(),
                    },
                    _ => r.progress(),
                };
                let stable = verdict == Verdict::Stable;
                reporter.service_progress(&r.service_name, &progress, stable);
                // Only the services still not stable are named when time runs out.
                let mut pending = lock(&last);
                if stable {
                    pending.remove(&r.service_name);
                } else {
                    pending.insert(r.service_name.clone(), progress);
                }
                drop(pending);
                if let Verdict::Failed(reason) = verdict {
                    return Err(Stop::Failed {
                        service: r.service_name.clone(),
                        reason,
                    });
                }
                all_stable &= stable;
            }
        }
        Ok(all_stable.then_some(()))
    })
    .await;
    match result {
        Ok(()) => WaitOutcome::Stable {
            services: changed.len(),
            after: started.elapsed(),
        },
        Err(PollError::Failed(Stop::Aws(e))) => WaitOutcome::Error(e),
        Err(PollError::Failed(Stop::Failed { service, reason })) => {
            WaitOutcome::Failed { service, reason }
        }
        Err(PollError::TimedOut { after }) => {
            let last = last.into_inner().unwrap_or_else(|e| e.into_inner());
            WaitOutcome::TimedOut {
                after,
                pending: last.into_iter().collect(),
            }
        }
    }
}

/// What the wait knows of one blue/green service's deployment: its ARN once listed, and since
/// when this wait has seen it baking.
#[derive(Default)]
struct Watched {
    arn: Option<String>,
    baking_since: Option<Instant>,
}

/// The service deployments of the services that watch stages, with their stage in words: the
/// deployment each write started is found once (ListServiceDeployments, created since the
/// write), then all are described together (DescribeServiceDeployments, 20 a call).
async fn read_stages(
    clients: &AwsClients,
    cluster: &str,
    services: &[&Changed],
    since: f64,
    watched: &Mutex<BTreeMap<String, Watched>>,
) -> Result<BTreeMap<String, (ServiceDeploymentState, String)>, AwsError> {
    let watching: Vec<&&Changed> = services.iter().filter(|c| c.stages.is_some()).collect();
    for c in &watching {
        let known = lock(watched).get(&c.name).is_some_and(|w| w.arn.is_some());
        if known {
            continue;
        }
        // The write's own time when its response named the deployment, else the run's start.
        let written = c.deployment.as_ref().map_or(since, |m| m.updated_at - 1.0);
        let listed =
            ecs_service_deployments::created_since(clients, cluster, &c.name, written).await?;
        if let Some(arn) = stages::ours(&listed, written) {
            lock(watched).entry(c.name.clone()).or_default().arn = Some(arn.to_string());
        }
    }
    let arns: Vec<String> = {
        let w = lock(watched);
        watching
            .iter()
            .filter_map(|c| w.get(&c.name)?.arn.clone())
            .collect()
    };
    if arns.is_empty() {
        return Ok(BTreeMap::new());
    }
    let states = ecs_service_deployments::describe(clients, &arns).await?;
    let mut w = lock(watched);
    let mut out = BTreeMap::new();
    for c in watching {
        let Some(entry) = w.get_mut(&c.name) else {
            continue;
        };
        let Some(d) = states
            .iter()
            .find(|d| Some(&d.service_deployment_arn) == entry.arn.as_ref())
        else {
            continue;
        };
        let baking = d.lifecycle_stage.as_deref() == Some("BAKE_TIME");
        let baked_for = match (baking, entry.baking_since) {
            (true, Some(t)) => t.elapsed().as_secs(),
            (true, None) => {
                entry.baking_since = Some(Instant::now());
                0
            }
            (false, _) => 0,
        };
        let watch = c.stages.expect("filtered on stages");
        let words = stages::stage_words(d, watch, baked_for);
        out.insert(c.name.clone(), (d.clone(), words));
    }
    Ok(out)
}

/// The guard even if a poll panicked holding it: the data is progress text, never half-written.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reports events newer than `since` not reported yet, oldest first.
fn stream_events(
    reporter: &dyn Reporter,
    r: &ServiceRollout,
    since: f64,
    seen: &Mutex<BTreeSet<String>>,
) {
    let mut seen = lock(seen);
    // ECS lists events newest first; reversed, then a stable sort by time, events written in
    // the same instant keep ECS's order ("deployment completed" before "steady state").
    let mut fresh: Vec<_> = r
        .events
        .iter()
        .rev()
        .filter(|e| e.created_at >= since && !seen.contains(&e.id))
        .collect();
    fresh.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
    for e in fresh {
        seen.insert(e.id.clone());
        reporter.service_event(&r.service_name, &e.message);
    }
}
