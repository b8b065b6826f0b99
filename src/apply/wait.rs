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

use crate::diff::normalize::task_definition_ref;

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
    /// Seconds since the epoch, as the JSON protocol sends timestamps.
    #[serde(default)]
    pub created_at: f64,
    #[serde(default)]
    pub updated_at: f64,
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
            .is_some_and(|got| task_definition_ref(got) == task_definition_ref(want))
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
    if task_definition_ref(primary) != task_definition_ref(want) {
        return Some(format!(
            "the deployment was rolled back: the service runs `{}`, not `{}`",
            task_definition_ref(primary),
            task_definition_ref(want)
        ));
    }
    None
}

/// The deployment a CreateService / UpdateService response named as PRIMARY: the one apply
/// waits for. ECS reads are eventually consistent, so a DescribeServices right after the write
/// may not show it yet (the service `MISSING` after a create, the old deployments after an
/// update: terraform-provider-aws #3387, aws/amazon-ecs-cli #990); a read that has it with an
/// `updatedAt` at least the response's is as new as the write.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentMark {
    pub id: String,
    pub updated_at: f64,
}

/// What apply expects of one service it changed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Expected<'a> {
    /// The revision apply deployed, when it sent one.
    pub task_definition: Option<&'a str>,
    /// The deployment the write's response named, when it named one.
    pub deployment: Option<&'a DeploymentMark>,
}

/// Where one service's rollout stands after one read.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Stable,
    /// Not yet; the reason is shown while waiting.
    Pending(String),
    Failed(String),
}

/// How long a read may lag the write before the lag itself is the failure: ECS usually catches
/// up within seconds; the review of real-AWS behaviour suggests about a minute.
pub const READ_LAG_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Whether the read has caught up with the write: it shows the deployment the write named, at
/// least as recently updated. Without a mark (a response without deployments), every read has.
pub fn caught_up(s: &ServiceRollout, mark: Option<&DeploymentMark>) -> bool {
    let Some(mark) = mark else { return true };
    // An event about our deployment is a read after our write too: a deployment that failed
    // and was rolled back at once may be gone from the list before the first read.
    s.deployments
        .iter()
        .any(|d| d.id.as_deref() == Some(mark.id.as_str()) && d.updated_at >= mark.updated_at)
        || failed_event(s, &mark.id).is_some()
}

/// ECS's event that deployment `id` failed (`(service S) (deployment ID) deployment failed:
/// REASON.`), newest first: the reason when the deployment itself is no longer listed.
fn failed_event<'a>(s: &'a ServiceRollout, id: &str) -> Option<&'a str> {
    let needle = format!("(deployment {id}) deployment failed");
    s.events
        .iter()
        .map(|e| e.message.as_str())
        .find(|m| m.contains(&needle))
}

/// One read of a service apply changed, judged: a read that has not caught up with the write
/// (MISSING after a create, the old deployments after an update) is pending until `lag` passes
/// `READ_LAG_GRACE`, never a failure; once caught up, the deployment apply started is followed by
/// its id: FAILED, or superseded by a PRIMARY on another revision (the circuit breaker's
/// rollback), is the failure; otherwise the AWS `services-stable` rule decides.
pub fn assess(s: &ServiceRollout, want: Expected<'_>, lag: std::time::Duration) -> Verdict {
    if !caught_up(s, want.deployment) {
        let behind = if s.status == "MISSING" {
            "ECS does not list the service yet (MISSING)".to_string()
        } else {
            "ECS still reports the service as before the change".to_string()
        };
        if lag < READ_LAG_GRACE {
            return Verdict::Pending(behind);
        }
        // Long enough: judge the read as it is (a rollback may have replaced our deployment
        // before we ever saw it).
        return match has_failed(s, want.task_definition) {
            Some(reason) => Verdict::Failed(reason),
            None if s.status == "ACTIVE" => {
                Verdict::Failed(format!("{behind} after {}s", READ_LAG_GRACE.as_secs()))
            }
            None => Verdict::Failed(format!("the service is {}", s.status)),
        };
    }
    let failure = match want.deployment {
        Some(mark) => our_deployment_failed(s, mark, want.task_definition),
        None => has_failed(s, want.task_definition),
    };
    if let Some(reason) = failure {
        return Verdict::Failed(reason);
    }
    if is_stable(s, want.task_definition) {
        Verdict::Stable
    } else {
        Verdict::Pending(s.progress())
    }
}

/// `has_failed` for a caught-up read, by deployment id: only the deployment apply started can
/// have failed (an older FAILED one left in the list is history), and a PRIMARY that is not
/// ours on another revision than ours is the circuit breaker's rollback.
fn our_deployment_failed(
    s: &ServiceRollout,
    mark: &DeploymentMark,
    expected_task_definition: Option<&str>,
) -> Option<String> {
    if s.status != "ACTIVE" {
        return Some(format!("the service is {}", s.status));
    }
    let listed = s
        .deployments
        .iter()
        .find(|d| d.id.as_deref() == Some(mark.id.as_str()));
    let Some(ours) = listed else {
        let event = failed_event(s, &mark.id)?;
        let reason = event.split("deployment failed: ").nth(1).unwrap_or(event);
        return Some(format!(
            "deployment `{}` failed and was rolled back: {reason}",
            mark.id
        ));
    };
    if ours.rollout_state.as_deref() == Some("FAILED") {
        let reason = ours
            .rollout_state_reason
            .clone()
            .unwrap_or_else(|| "the deployment failed".to_string());
        return Some(format!("deployment `{}` failed: {reason}", mark.id));
    }
    let primary = s.primary()?;
    let want = expected_task_definition?;
    let runs = primary.task_definition.as_deref()?;
    (primary.id.as_deref() != Some(mark.id.as_str())
        && task_definition_ref(runs) != task_definition_ref(want))
    .then(|| {
        format!(
            "the deployment was rolled back: the service runs `{}`, not `{}`",
            task_definition_ref(runs),
            task_definition_ref(want)
        )
    })
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
