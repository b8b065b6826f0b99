//! The observed EventBridge Scheduler state of one environment: its schedule group and the
//! schedules in it, in ecsctl's own types.
//!
//! Mirrors what GetScheduleGroup / GetSchedule return, un-normalised: `Option` wherever AWS
//! (or moto) may omit a field; Scheduler's defaults (retry policy 185 / 86400, time zone UTC,
//! state ENABLED, flexible window OFF) are the diff's to absorb. Tags are maps (lossless).
//! Must not hold AWS SDK types.

use serde::{Deserialize, Serialize};

use super::types::{LiveCapacityProviderItem, LiveNetwork, LiveTags};

/// A schedule group (`{app}-{env}`): the only Scheduler resource that carries tags, so it is
/// where ownership is read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveScheduleGroup {
    pub name: String,
    pub arn: String,
    /// `ACTIVE` or `DELETING`.
    pub state: Option<String>,
    pub tags: LiveTags,
}

/// One schedule, as GetSchedule returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveSchedule {
    pub name: String,
    pub group_name: Option<String>,
    pub arn: Option<String>,
    pub schedule_expression: Option<String>,
    /// AWS returns `UTC` when none was sent.
    pub timezone: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub state: Option<String>,
    pub description: Option<String>,
    /// `OFF` / `FLEXIBLE`.
    pub flexible_mode: Option<String>,
    pub flexible_window_minutes: Option<i32>,
    pub start_date: Option<String>,
    /// When the schedule was created: a rate schedule without a start date counts from it
    /// (`status`'s next run). Not compared by the diff.
    #[serde(default)]
    pub creation_date: Option<String>,
    pub end_date: Option<String>,
    pub kms_key_arn: Option<String>,
    pub target: Option<LiveScheduleTarget>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveScheduleTarget {
    /// The cluster ARN for an ECS target.
    pub arn: String,
    pub role_arn: String,
    pub input: Option<String>,
    pub dead_letter_arn: Option<String>,
    /// AWS fills in 185 / 86400 when the retry policy was not sent.
    pub maximum_retry_attempts: Option<i32>,
    pub maximum_event_age_seconds: Option<i32>,
    pub ecs: Option<LiveEcsParameters>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveEcsParameters {
    pub task_definition_arn: String,
    pub task_count: Option<i32>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<LiveCapacityProviderItem>,
    pub network: Option<LiveNetwork>,
    pub platform_version: Option<String>,
    pub group: Option<String>,
    pub enable_ecs_managed_tags: Option<bool>,
    pub enable_execute_command: Option<bool>,
    pub propagate_tags: Option<String>,
    pub reference_id: Option<String>,
    /// Scheduler's `[{"key": K, "value": V}]` list, as a map.
    pub tags: LiveTags,
}
