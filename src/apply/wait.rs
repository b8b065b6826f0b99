//! Waiting: one generic poll loop, and the pure predicates that decide whether a service's
//! rollout is done (`is_stable`) or has failed (`has_failed`).
//!
//! The predicates read `ServiceRollout`, whose serde shape is DescribeServices' own JSON
//! (camelCase), so the unit tests below use fixtures cut from real responses. Must not call AWS
//! itself: the caller's closure does the reading.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;

/// One service as DescribeServices returns it, reduced to what waiting needs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRollout {
    pub service_name: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub desired_count: i32,
    #[serde(default)]
    pub running_count: i32,
    #[serde(default)]
    pub pending_count: i32,
    #[serde(default)]
    pub deployments: Vec<RolloutDeployment>,
    /// Newest first, as ECS lists them.
    #[serde(default)]
    pub events: Vec<ServiceEvent>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutDeployment {
    pub id: Option<String>,
    /// `PRIMARY`, `ACTIVE`, `INACTIVE`.
    pub status: Option<String>,
    pub task_definition: Option<String>,
    #[serde(default)]
    pub desired_count: i32,
    #[serde(default)]
    pub running_count: i32,
    #[serde(default)]
    pub pending_count: i32,
    #[serde(default)]
    pub failed_tasks: i32,
    /// `IN_PROGRESS`, `COMPLETED`, `FAILED`; absent for services without the ECS deployment
    /// controller's rollout tracking.
    pub rollout_state: Option<String>,
    pub rollout_state_reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEvent {
    pub id: String,
    /// Seconds since the epoch, as the JSON protocol sends timestamps.
    #[serde(default)]
    pub created_at: f64,
    pub message: String,
}

impl ServiceRollout {
    pub fn primary(&self) -> Option<&RolloutDeployment> {
        self.deployments
            .iter()
            .find(|d| d.status.as_deref() == Some("PRIMARY"))
    }

    /// `running 1/2, pending 1, IN_PROGRESS`, for progress lines.
    pub fn progress(&self) -> String {
        let mut s = format!("running {}/{}", self.running_count, self.desired_count);
        if self.pending_count > 0 {
            s.push_str(&format!(", pending {}", self.pending_count));
        }
        if self.deployments.len() > 1 {
            s.push_str(&format!(", {} deployments", self.deployments.len()));
        }
        if let Some(state) = self.primary().and_then(|d| d.rollout_state.as_deref()) {
            s.push_str(&format!(", {state}"));
        }
        s
    }
}

/// `family:revision` of a task definition reference (full ARN or already short).
fn revision_of(reference: &str) -> &str {
    reference
        .rsplit_once("task-definition/")
        .map_or(reference, |(_, tail)| tail)
}

/// AWS's `services-stable` rule plus the rollout state: ACTIVE, exactly one deployment, as many
/// running as desired, the rollout (when tracked) COMPLETED, and running the revision apply
/// deployed (when it deployed one).
pub fn is_stable(s: &ServiceRollout, expected_task_definition: Option<&str>) -> bool {
    let [only] = s.deployments.as_slice() else {
        return false;
    };
    let rollout_done = matches!(only.rollout_state.as_deref(), None | Some("COMPLETED"));
    let revision_ok = expected_task_definition.is_none_or(|want| {
        only.task_definition
            .as_deref()
            .is_some_and(|got| revision_of(got) == revision_of(want))
    });
    s.status == "ACTIVE" && s.running_count == s.desired_count && rollout_done && revision_ok
}

/// Why the rollout has failed, if it has: the service is gone or draining, a deployment's
/// rollout is FAILED (the circuit breaker tripped), or the PRIMARY deployment runs another
/// revision than the one apply deployed (the circuit breaker rolled back).
pub fn has_failed(s: &ServiceRollout, expected_task_definition: Option<&str>) -> Option<String> {
    if s.status != "ACTIVE" {
        return Some(format!("the service is {}", s.status));
    }
    if let Some(d) = s
        .deployments
        .iter()
        .find(|d| d.rollout_state.as_deref() == Some("FAILED"))
    {
        let reason = d
            .rollout_state_reason
            .clone()
            .unwrap_or_else(|| "the deployment failed".to_string());
        return Some(format!(
            "deployment `{}` failed: {reason}",
            d.id.as_deref().unwrap_or("?")
        ));
    }
    let want = expected_task_definition?;
    let primary = s.primary()?.task_definition.as_deref()?;
    if revision_of(primary) != revision_of(want) {
        return Some(format!(
            "the deployment was rolled back: the service runs `{}`, not `{}`",
            revision_of(primary),
            revision_of(want)
        ));
    }
    None
}

/// How a poll loop ended without an answer.
#[derive(Debug, PartialEq)]
pub enum PollError<E> {
    /// The deadline passed; `last` is the last state seen, for the message.
    TimedOut { after: Duration },
    /// The check itself failed (an AWS error, or a failure the predicate found).
    Failed(E),
}

/// Polls `check` until it returns `Some`, an error, or `timeout` passes. The first check runs
/// at once; the interval then grows from `first` to at most `max` (AWS's own waiters use
/// exponential backoff too), never sleeping past the deadline.
pub async fn poll<T, E, F, Fut>(
    timeout: Duration,
    first: Duration,
    max: Duration,
    mut check: F,
) -> Result<T, PollError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, E>>,
{
    let deadline = Instant::now() + timeout;
    let mut interval = first;
    loop {
        if let Some(done) = check().await.map_err(PollError::Failed)? {
            return Ok(done);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(PollError::TimedOut { after: timeout });
        }
        tokio::time::sleep(interval.min(deadline - now)).await;
        interval = (interval * 3 / 2).min(max);
        if Instant::now() >= deadline {
            // One last look at the deadline, so a service that settled during the sleep counts.
            return match check().await.map_err(PollError::Failed)? {
                Some(done) => Ok(done),
                None => Err(PollError::TimedOut { after: timeout }),
            };
        }
    }
}

#[cfg(test)]
#[path = "wait_aws_tests.rs"]
mod aws_tests;
#[cfg(test)]
#[path = "wait_tests.rs"]
mod tests;
