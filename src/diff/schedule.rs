//! EventBridge Scheduler: the environment's schedule group (tags only) and one schedule per
//! scheduled task (everything UpdateSchedule sets).
//!
//! Normalisation rules, each applied to both sides (Scheduler fills in defaults; GetSchedule
//! reference: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html):
//! - `ScheduleExpressionTimezone` absent means `UTC`; `State` absent means `ENABLED`;
//! - `FlexibleTimeWindow` absent means `{Mode: OFF}`; its window only counts when FLEXIBLE;
//! - `RetryPolicy` absent (or a part of it) means 185 attempts over 86400 seconds;
//! - `EcsParameters`: `TaskCount` absent means 1, `PlatformVersion` absent means `LATEST`,
//!   `AssignPublicIp` absent means DISABLED, `false` flags mean unset, subnets and security
//!   groups are sets, the capacity strategy is compared sorted, tags as a map;
//! - the target's cluster is compared by name and the task definition by `family[:revision]`
//!   (`normalize::task_definition_ref`), so an ARN in another partition spelling or region
//!   form never shows as a change, while a revision pinned out of band does.
//!
//! The schedule names the family ARN *without* a revision: ECS RunTask then starts the
//! family's latest ACTIVE revision, so a new revision registered by apply is picked up by the
//! next run without touching the schedule, and a plan never shows a schedule change for an
//! image bump. Must not compare what the spec does not set and Scheduler does not default
//! (StartDate, EndDate, KmsKeyArn, Input, DeadLetterConfig are shown when present: drift).

use serde_json::{Value, json};

use super::Ctx;
use super::cluster::strategy_item;
use super::compare::{View, compare};
use super::normalize as n;
use super::normalize::put;
use crate::live::schedule::{LiveEcsParameters, LiveSchedule, LiveScheduleGroup};
use crate::model::ScheduledTask;
use crate::plan::{Address, ResourceChange, ResourceKind};

/// Scheduler's retry defaults when no RetryPolicy is sent.
pub const DEFAULT_RETRY_ATTEMPTS: i64 = 185;
pub const DEFAULT_EVENT_AGE_SECONDS: i64 = 86400;

/// The group exists exactly when the environment has scheduled tasks; it carries the
/// environment's tags (the cluster's: ownership plus the spec's top-level `tags`).
pub(crate) fn diff_group(ctx: &Ctx) -> Option<ResourceChange> {
    let first = ctx.desired.schedules().next()?;
    let mut want = View::new();
    put(&mut want, "tags", json!(ctx.desired.cluster.tags));
    let live = ctx
        .live
        .schedule_group
        .as_ref()
        .filter(|g| g.name == first.group && g.state.as_deref() != Some("DELETING"))
        .map(group_view);
    Some(compare(
        Address::new(ResourceKind::ScheduleGroup, &first.group),
        &want,
        live.as_ref(),
    ))
}

fn group_view(g: &LiveScheduleGroup) -> View {
    let mut v = View::new();
    put(&mut v, "tags", super::normalize::user_tags(&g.tags));
    v
}

pub(crate) fn diff(ctx: &Ctx, t: &ScheduledTask) -> ResourceChange {
    let live = ctx
        .live
        .schedule(&t.name)
        .filter(|s| s.group_name.as_deref().is_none_or(|g| g == t.group))
        .map(live_view);
    compare(
        Address::new(ResourceKind::Schedule, &t.name),
        &desired_view(ctx, t),
        live.as_ref(),
    )
}

fn desired_view(ctx: &Ctx, t: &ScheduledTask) -> View {
    let mut v = View::new();
    put(&mut v, "scheduleExpression", json!(t.expression));
    put(
        &mut v,
        "scheduleExpressionTimezone",
        timezone(Some(&t.timezone)),
    );
    put(
        &mut v,
        "state",
        state(Some(if t.enabled { "ENABLED" } else { "DISABLED" })),
    );
    put(&mut v, "description", json!(t.description));
    put(&mut v, "flexibleTimeWindow", window(None, None));
    let mut ecs = View::new();
    put(&mut ecs, "taskDefinitionArn", json!(t.family));
    put(&mut ecs, "taskCount", json!(t.count));
    if t.capacity.is_empty() {
        put(&mut ecs, "launchType", json!("FARGATE"));
    } else {
        let items = t
            .capacity
            .iter()
            .map(|i| strategy_item(i.capacity_provider.as_str(), i.base.into(), i.weight.into()));
        put(
            &mut ecs,
            "capacityProviderStrategy",
            n::sorted_list(items.collect()),
        );
    }
    put(
        &mut ecs,
        "networkConfiguration",
        network(
            t.network.subnets.iter().map(String::as_str),
            t.network.security_groups.iter().map(String::as_str),
            Some(if t.network.assign_public_ip {
                "ENABLED"
            } else {
                "DISABLED"
            }),
        ),
    );
    put(
        &mut ecs,
        "platformVersion",
        n::platform_version(Some(&t.platform_version)),
    );
    put(&mut ecs, "tags", json!(t.tags));
    put(
        &mut ecs,
        "propagateTags",
        json!(t.propagate_tags.then_some("TASK_DEFINITION")),
    );
    let mut target = View::new();
    put(&mut target, "cluster", json!(t.cluster));
    put(
        &mut target,
        "roleArn",
        json!(n::role_arn(&t.role, ctx.desired.partition, ctx.account_id)),
    );
    put(
        &mut target,
        "retryPolicy",
        retry(
            Some(t.maximum_retry_attempts.into()),
            Some(t.maximum_event_age_seconds.into()),
        ),
    );
    put(&mut target, "ecsParameters", Value::Object(ecs));
    put(&mut v, "target", Value::Object(target));
    v
}

fn live_view(s: &LiveSchedule) -> View {
    let mut v = View::new();
    put(&mut v, "scheduleExpression", json!(s.schedule_expression));
    put(
        &mut v,
        "scheduleExpressionTimezone",
        timezone(s.timezone.as_deref()),
    );
    put(&mut v, "state", state(s.state.as_deref()));
    put(&mut v, "description", json!(s.description));
    put(
        &mut v,
        "flexibleTimeWindow",
        window(s.flexible_mode.as_deref(), s.flexible_window_minutes),
    );
    put(&mut v, "startDate", json!(s.start_date));
    put(&mut v, "endDate", json!(s.end_date));
    put(&mut v, "kmsKeyArn", json!(s.kms_key_arn));
    if let Some(t) = &s.target {
        let mut target = View::new();
        put(&mut target, "cluster", json!(n::arn_name(&t.arn)));
        put(&mut target, "roleArn", json!(t.role_arn));
        put(
            &mut target,
            "retryPolicy",
            retry(
                t.maximum_retry_attempts.map(i64::from),
                t.maximum_event_age_seconds.map(i64::from),
            ),
        );
        put(&mut target, "input", json!(t.input));
        put(&mut target, "deadLetterArn", json!(t.dead_letter_arn));
        if let Some(e) = &t.ecs {
            put(&mut target, "ecsParameters", Value::Object(live_ecs(e)));
        }
        put(&mut v, "target", Value::Object(target));
    }
    v
}

fn live_ecs(e: &LiveEcsParameters) -> View {
    let mut ecs = View::new();
    put(
        &mut ecs,
        "taskDefinitionArn",
        json!(n::task_definition_ref(&e.task_definition_arn)),
    );
    put(&mut ecs, "taskCount", json!(e.task_count.unwrap_or(1)));
    put(&mut ecs, "launchType", json!(e.launch_type));
    let items = e
        .capacity_provider_strategy
        .iter()
        .map(|i| strategy_item(&i.capacity_provider, i.base.into(), i.weight.into()));
    put(
        &mut ecs,
        "capacityProviderStrategy",
        n::sorted_list(items.collect()),
    );
    if let Some(net) = &e.network {
        put(
            &mut ecs,
            "networkConfiguration",
            network(
                net.subnets.iter().map(String::as_str),
                net.security_groups.iter().map(String::as_str),
                net.assign_public_ip.as_deref(),
            ),
        );
    }
    put(
        &mut ecs,
        "platformVersion",
        n::platform_version(e.platform_version.as_deref()),
    );
    put(&mut ecs, "group", json!(e.group));
    put(
        &mut ecs,
        "enableEcsManagedTags",
        json!(e.enable_ecs_managed_tags),
    );
    put(
        &mut ecs,
        "enableExecuteCommand",
        json!(e.enable_execute_command),
    );
    put(&mut ecs, "propagateTags", json!(e.propagate_tags));
    put(&mut ecs, "referenceId", json!(e.reference_id));
    put(&mut ecs, "tags", json!(e.tags));
    ecs
}

/// Absent means `UTC`.
fn timezone(v: Option<&str>) -> Value {
    json!(v.filter(|s| !s.is_empty()).unwrap_or("UTC"))
}

/// Absent means `ENABLED`.
fn state(v: Option<&str>) -> Value {
    json!(v.filter(|s| !s.is_empty()).unwrap_or("ENABLED"))
}

/// Absent means `OFF`; the window length only exists for FLEXIBLE.
fn window(mode: Option<&str>, minutes: Option<i32>) -> Value {
    match mode.filter(|m| !m.is_empty()).unwrap_or("OFF") {
        "OFF" => json!({"mode": "OFF"}),
        other => json!({"mode": other, "maximumWindowInMinutes": minutes}),
    }
}

/// Absent parts mean Scheduler's defaults; 0 attempts is a real value (no retries).
fn retry(attempts: Option<i64>, age: Option<i64>) -> Value {
    json!({
        "maximumRetryAttempts": attempts.unwrap_or(DEFAULT_RETRY_ATTEMPTS),
        "maximumEventAgeInSeconds": age.unwrap_or(DEFAULT_EVENT_AGE_SECONDS),
    })
}

fn network<'a>(
    subnets: impl Iterator<Item = &'a str>,
    groups: impl Iterator<Item = &'a str>,
    public: Option<&str>,
) -> Value {
    json!({"awsvpcConfiguration": {
        "subnets": n::string_set(subnets),
        "securityGroups": n::string_set(groups),
        "assignPublicIp": n::assign_public_ip(public),
    }})
}

/// Pruning: schedules in the environment's group that the spec no longer names (with
/// `destroy`, all of them and the group). Only inside a group carrying this environment's
/// ownership tags: schedules cannot be tagged, so the group is the owner of record.
pub fn prune(
    desired: &crate::model::Desired,
    live: &crate::live::Live,
    destroy: bool,
) -> Vec<ResourceChange> {
    use crate::model::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY};
    use crate::plan::Action;
    let is_ours = |tags: &crate::live::LiveTags, app: &str, env: &str| {
        tags.get(TAG_MANAGED_BY).map(String::as_str) == Some(MANAGED_BY_VALUE)
            && tags.get(TAG_APP).map(String::as_str) == Some(app)
            && tags.get(TAG_ENV).map(String::as_str) == Some(env)
    };
    use crate::plan::fingerprint::digest_view;
    let Some(group) = live
        .schedule_group
        .as_ref()
        .filter(|g| is_ours(&g.tags, &desired.app, &desired.env))
    else {
        return Vec::new();
    };
    let delete = |kind: ResourceKind, name: &str, view: Value| ResourceChange {
        address: Address::new(kind, name),
        action: Action::Delete,
        fields: Vec::new(),
        reason: None,
        force_new_deployment: false,
        observed: digest_view(Some(&view)),
    };
    let mut out: Vec<ResourceChange> = live
        .schedules
        .iter()
        .filter(|s| s.group_name.as_deref().is_none_or(|g| g == group.name))
        .filter(|s| destroy || !desired.schedules().any(|t| t.name == s.name))
        .map(|s| {
            let view = json!({"group": group.name, "arn": s.arn, "state": s.state});
            delete(ResourceKind::Schedule, &s.name, view)
        })
        .collect();
    if destroy || desired.schedules().next().is_none() {
        let view = json!({"arn": group.arn, "tags": group.tags});
        out.push(delete(ResourceKind::ScheduleGroup, &group.name, view));
    }
    out
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
