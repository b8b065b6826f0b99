//! The stages of a blueGreen, linear or canary deployment, as ECS's service deployments report
//! them (DescribeServiceDeployments): what the wait shows ("shifting test traffic", "baking 3
//! of 5 min") and when a deployment ECS stopped or rolled back is apply's failure, with ECS's
//! reason.
//!
//! Pure: the reads are `aws::ecs_service_deployments`, the loop `stable.rs`. Must not decide
//! stability: a SUCCESSFUL service deployment still leaves `wait::is_stable` to agree (the
//! old revision's tasks gone), so a wait never ends early.

use serde::Deserialize;

/// One service deployment, reduced to what waiting needs. The serde shape is
/// DescribeServiceDeployments' own (camelCase), for tests on recorded responses.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDeploymentState {
    pub service_deployment_arn: String,
    /// PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED, ROLLBACK_REQUESTED,
    /// ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED.
    pub status: Option<String>,
    pub status_reason: Option<String>,
    /// RECONCILE_SERVICE, PRE_SCALE_UP, SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT,
    /// POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT,
    /// BAKE_TIME, CLEAN_UP.
    pub lifecycle_stage: Option<String>,
    #[serde(default)]
    pub created_at: f64,
    #[serde(default)]
    pub updated_at: f64,
    #[serde(default)]
    pub rollback_reason: Option<String>,
    #[serde(default)]
    pub triggered_alarms: Vec<String>,
}

/// What apply watches of one service's deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageWatch {
    /// The strategy's bake time in minutes, to say how far baking is.
    pub bake_minutes: u32,
}

impl StageWatch {
    /// What to watch for a service deploying with `strategy`: nothing under rolling (its
    /// events and rollout state say all), the stages otherwise.
    pub fn of(strategy: &crate::model::Strategy) -> Option<StageWatch> {
        strategy
            .bake_time()
            .map(|bake_minutes| StageWatch { bake_minutes })
    }
}

/// The deployment's stage in words, with the bake's progress when baking (`baking_for`: how
/// long this wait has seen it in BAKE_TIME, in seconds).
pub fn stage_words(d: &ServiceDeploymentState, watch: StageWatch, baking_for: u64) -> String {
    let stage = d.lifecycle_stage.as_deref().unwrap_or("");
    let words = match stage {
        "RECONCILE_SERVICE" => "reconciling the service",
        "PRE_SCALE_UP" => "before scaling up the new revision",
        "SCALE_UP" => "starting the new revision",
        "POST_SCALE_UP" => "new revision started",
        "TEST_TRAFFIC_SHIFT" => "shifting test traffic",
        "POST_TEST_TRAFFIC_SHIFT" => "test traffic shifted",
        "PRODUCTION_TRAFFIC_SHIFT" => "shifting production traffic",
        "POST_PRODUCTION_TRAFFIC_SHIFT" => "production traffic shifted",
        "BAKE_TIME" => {
            let minutes = baking_for / 60;
            return format!("baking {minutes} of {} min", watch.bake_minutes);
        }
        "CLEAN_UP" => "stopping the old revision",
        "" => match d.status.as_deref() {
            Some("PENDING") => "deployment pending",
            _ => "deployment in progress",
        },
        other => return other.to_ascii_lowercase().replace('_', " "),
    };
    words.to_string()
}

/// Why the deployment failed, when ECS stopped it or rolled it back: the status, ECS's reason,
/// and the alarms that fired. A rollback is a failure even when it succeeded: the spec's
/// revision is not what runs.
pub fn failure(d: &ServiceDeploymentState) -> Option<String> {
    let status = d.status.as_deref()?;
    let what = match status {
        "ROLLBACK_REQUESTED" | "ROLLBACK_IN_PROGRESS" | "ROLLBACK_SUCCESSFUL" => {
            "ECS rolled the deployment back"
        }
        "ROLLBACK_FAILED" => "ECS rolled the deployment back, and the rollback failed",
        "STOPPED" | "STOP_REQUESTED" => "the deployment was stopped",
        _ => return None,
    };
    let mut out = format!("{what} ({status})");
    if let Some(reason) = d.rollback_reason.as_deref().or(d.status_reason.as_deref()) {
        out.push_str(&format!(": {reason}"));
    }
    if !d.triggered_alarms.is_empty() {
        out.push_str(&format!(
            " (alarms in ALARM: {})",
            d.triggered_alarms.join(", ")
        ));
    }
    Some(out)
}

/// The service deployment apply started: the newest one created at or after the write
/// (`listed` is newest first, as `created_since` returns it).
pub fn ours(listed: &[(String, f64)], written_at: f64) -> Option<&str> {
    listed
        .iter()
        .find(|(_, created)| *created >= written_at)
        .map(|(arn, _)| arn.as_str())
}

#[cfg(test)]
#[path = "stages_tests.rs"]
mod tests;
