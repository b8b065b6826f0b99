//! Waiting until the services apply changed are stable, streaming their progress and new
//! events to the reporter. Uses `wait::poll` and the pure predicates; the reading is the only
//! I/O here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::outcome::WaitOutcome;
use super::reporter::Reporter;
use super::service::Changed;
use super::wait::{PollError, ServiceRollout, has_failed, is_stable, poll};
use crate::aws::{AwsClients, AwsError, ecs_rollout};

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
            for r in &rollouts {
                let expected = services
                    .iter()
                    .find(|c| c.name == r.service_name)
                    .and_then(|c| c.task_definition.as_deref());
                stream_events(reporter, r, since, &seen);
                let stable = is_stable(r, expected);
                reporter.service_progress(&r.service_name, &r.progress(), stable);
                // Only the services still not stable are named when time runs out.
                let mut pending = last.lock().unwrap_or_else(|e| e.into_inner());
                if stable {
                    pending.remove(&r.service_name);
                } else {
                    pending.insert(r.service_name.clone(), r.progress());
                }
                drop(pending);
                if let Some(reason) = has_failed(r, expected) {
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

/// Reports events newer than `since` not reported yet, oldest first.
fn stream_events(
    reporter: &dyn Reporter,
    r: &ServiceRollout,
    since: f64,
    seen: &Mutex<BTreeSet<String>>,
) {
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let mut fresh: Vec<_> = r
        .events
        .iter()
        .filter(|e| e.created_at >= since && !seen.contains(&e.id))
        .collect();
    fresh.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
    for e in fresh {
        seen.insert(e.id.clone());
        reporter.service_event(&r.service_name, &e.message);
    }
}
