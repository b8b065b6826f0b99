//! EventBridge Scheduler reads: the environment's schedule group (with its tags) and every
//! schedule in it (ListSchedules by group, then GetSchedule each, concurrently).
//!
//! Owns the Scheduler read calls and the pure conversions from SDK types to `live::schedule`.
//! Must not write (`write_scheduler` does) and must not normalise Scheduler's defaults (the diff
//! does). Reference: https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html

use std::collections::BTreeMap;

use aws_sdk_scheduler::operation::get_schedule::GetScheduleOutput;
use aws_sdk_scheduler::types::{EcsParameters, Target};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::{AwsClients, AwsError};
use crate::live::schedule::{
    LiveEcsParameters, LiveSchedule, LiveScheduleGroup, LiveScheduleTarget,
};
use crate::live::{LiveCapacityProviderItem, LiveNetwork, LiveTags};

/// GetSchedule calls in flight at once.
const CONCURRENCY: usize = 8;

/// The group with its tags; None when it does not exist.
pub async fn read_group(
    clients: &AwsClients,
    name: &str,
) -> Result<Option<LiveScheduleGroup>, AwsError> {
    let out = match clients
        .scheduler
        .get_schedule_group()
        .name(name)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let err = AwsError::from_sdk("scheduler", "GetScheduleGroup", Some(name), e);
            return if err.is_code("ResourceNotFoundException") {
                Ok(None)
            } else {
                Err(err)
            };
        }
    };
    let arn = out.arn().unwrap_or_default().to_string();
    let tags = if arn.is_empty() {
        LiveTags::new()
    } else {
        group_tags(clients, &arn).await?
    };
    Ok(Some(LiveScheduleGroup {
        name: out.name().unwrap_or(name).to_string(),
        arn,
        state: out.state().map(|s| s.as_str().to_string()),
        tags,
    }))
}

async fn group_tags(clients: &AwsClients, arn: &str) -> Result<LiveTags, AwsError> {
    let out = clients
        .scheduler
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("scheduler", "ListTagsForResource", Some(arn), e))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Every schedule in `group`, in name order.
pub async fn read_schedules(
    clients: &AwsClients,
    group: &str,
) -> Result<Vec<LiveSchedule>, AwsError> {
    let schedules = clients
        .scheduler
        .list_schedules()
        .group_name(group)
        // The most a page may hold (ListSchedules API reference: MaxResults 1 to 100).
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("scheduler", "ListSchedules", Some(group), e))?;
    let mut names: Vec<String> = schedules
        .iter()
        .filter(|s| s.group_name().is_none_or(|g| g == group))
        .filter_map(|s| s.name().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    let found: Vec<Option<LiveSchedule>> = stream::iter(names)
        .map(|name| async move { read_schedule(clients, group, &name).await })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// One schedule; None when it disappeared between the listing and the read.
pub async fn read_schedule(
    clients: &AwsClients,
    group: &str,
    name: &str,
) -> Result<Option<LiveSchedule>, AwsError> {
    match clients
        .scheduler
        .get_schedule()
        .group_name(group)
        .name(name)
        .send()
        .await
    {
        Ok(out) => Ok(Some(schedule_from_sdk(&out, name))),
        Err(e) => {
            let err = AwsError::from_sdk("scheduler", "GetSchedule", Some(name), e);
            if err.is_code("ResourceNotFoundException") {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

pub(crate) fn schedule_from_sdk(s: &GetScheduleOutput, name: &str) -> LiveSchedule {
    let window = s.flexible_time_window();
    LiveSchedule {
        name: s.name().unwrap_or(name).to_string(),
        group_name: s.group_name().map(str::to_string),
        arn: s.arn().map(str::to_string),
        schedule_expression: s.schedule_expression().map(str::to_string),
        timezone: s.schedule_expression_timezone().map(str::to_string),
        state: s.state().map(|x| x.as_str().to_string()),
        description: s.description().map(str::to_string),
        flexible_mode: window.map(|w| w.mode().as_str().to_string()),
        flexible_window_minutes: window.and_then(|w| w.maximum_window_in_minutes()),
        start_date: s.start_date().map(|d| d.to_string()),
        creation_date: s.creation_date().map(|d| d.to_string()),
        end_date: s.end_date().map(|d| d.to_string()),
        kms_key_arn: s.kms_key_arn().map(str::to_string),
        target: s.target().map(target_from_sdk),
    }
}

fn target_from_sdk(t: &Target) -> LiveScheduleTarget {
    let retry = t.retry_policy();
    LiveScheduleTarget {
        arn: t.arn().to_string(),
        role_arn: t.role_arn().to_string(),
        input: t.input().map(str::to_string),
        dead_letter_arn: t
            .dead_letter_config()
            .and_then(|d| d.arn())
            .map(str::to_string),
        maximum_retry_attempts: retry.and_then(|r| r.maximum_retry_attempts()),
        maximum_event_age_seconds: retry.and_then(|r| r.maximum_event_age_in_seconds()),
        ecs: t.ecs_parameters().map(ecs_from_sdk),
    }
}

fn ecs_from_sdk(e: &EcsParameters) -> LiveEcsParameters {
    LiveEcsParameters {
        task_definition_arn: e.task_definition_arn().to_string(),
        task_count: e.task_count(),
        launch_type: e.launch_type().map(|l| l.as_str().to_string()),
        capacity_provider_strategy: e
            .capacity_provider_strategy()
            .iter()
            .map(|i| LiveCapacityProviderItem {
                capacity_provider: i.capacity_provider().to_string(),
                base: i.base(),
                weight: i.weight(),
            })
            .collect(),
        network: e
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .map(|v| LiveNetwork {
                subnets: v.subnets().to_vec(),
                security_groups: v.security_groups().to_vec(),
                assign_public_ip: v.assign_public_ip().map(|a| a.as_str().to_string()),
            }),
        platform_version: e.platform_version().map(str::to_string),
        group: e.group().map(str::to_string),
        enable_ecs_managed_tags: e.enable_ecs_managed_tags(),
        enable_execute_command: e.enable_execute_command(),
        propagate_tags: e.propagate_tags().map(|p| p.as_str().to_string()),
        reference_id: e.reference_id().map(str::to_string),
        tags: tag_maps(e.tags()),
    }
}

/// Scheduler's ECS tags are a list of one-entry-pair maps `{"key": K, "value": V}` (the shape
/// RunTask takes); a map in any other shape is read as its own key/value pairs.
pub(crate) fn tag_maps(list: &[std::collections::HashMap<String, String>]) -> LiveTags {
    let mut out = BTreeMap::new();
    for m in list {
        match (m.get("key"), m.get("value")) {
            (Some(k), v) => {
                out.insert(k.clone(), v.cloned().unwrap_or_default());
            }
            (None, _) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_scheduler::types::{
        AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, FlexibleTimeWindow,
        FlexibleTimeWindowMode, NetworkConfiguration, RetryPolicy, ScheduleState,
    };

    /// Shaped like the GetSchedule reference response for an ECS target.
    #[test]
    fn get_schedule_response_converts_field_by_field() {
        let tags = [("key", "ecsctl:env"), ("value", "prod")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let ecs = EcsParameters::builder()
            .task_definition_arn("arn:aws:ecs:eu-west-1:111122223333:task-definition/omc-prod-job")
            .task_count(1)
            .capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider("FARGATE_SPOT")
                    .weight(1)
                    .build()
                    .unwrap(),
            )
            .network_configuration(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        AwsVpcConfiguration::builder()
                            .subnets("subnet-1")
                            .security_groups("sg-1")
                            .assign_public_ip(AssignPublicIp::Disabled)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .platform_version("LATEST")
            .tags(tags)
            .build()
            .unwrap();
        let target = Target::builder()
            .arn("arn:aws:ecs:eu-west-1:111122223333:cluster/omc-prod")
            .role_arn("arn:aws:iam::111122223333:role/omc-prod-scheduler")
            .retry_policy(
                RetryPolicy::builder()
                    .maximum_event_age_in_seconds(86400)
                    .maximum_retry_attempts(185)
                    .build(),
            )
            .ecs_parameters(ecs)
            .build()
            .unwrap();
        let out = GetScheduleOutput::builder()
            .arn("arn:aws:scheduler:eu-west-1:111122223333:schedule/omc-prod/omc-prod-job")
            .group_name("omc-prod")
            .name("omc-prod-job")
            .schedule_expression("cron(0 2 * * ? *)")
            .schedule_expression_timezone("Australia/Sydney")
            .state(ScheduleState::Enabled)
            .flexible_time_window(
                FlexibleTimeWindow::builder()
                    .mode(FlexibleTimeWindowMode::Off)
                    .build()
                    .unwrap(),
            )
            .target(target)
            .build();
        let s = schedule_from_sdk(&out, "omc-prod-job");
        assert_eq!(s.group_name.as_deref(), Some("omc-prod"));
        assert_eq!(s.timezone.as_deref(), Some("Australia/Sydney"));
        assert_eq!(s.state.as_deref(), Some("ENABLED"));
        assert_eq!(s.flexible_mode.as_deref(), Some("OFF"));
        let t = s.target.unwrap();
        assert_eq!(t.maximum_retry_attempts, Some(185));
        assert_eq!(t.maximum_event_age_seconds, Some(86400));
        let e = t.ecs.unwrap();
        assert_eq!(
            e.capacity_provider_strategy[0].capacity_provider,
            "FARGATE_SPOT"
        );
        assert_eq!(e.capacity_provider_strategy[0].weight, 1);
        let net = e.network.unwrap();
        assert_eq!(net.subnets, ["subnet-1"]);
        assert_eq!(net.assign_public_ip.as_deref(), Some("DISABLED"));
        assert_eq!(e.tags.get("ecsctl:env").map(String::as_str), Some("prod"));
    }

    #[test]
    fn tag_maps_read_key_value_pairs_and_plain_maps() {
        let pair = |k: &str, v: &str| -> std::collections::HashMap<String, String> {
            [
                ("key".to_string(), k.to_string()),
                ("value".to_string(), v.to_string()),
            ]
            .into()
        };
        let plain: std::collections::HashMap<String, String> =
            [("Team".to_string(), "data".to_string())].into();
        let got = tag_maps(&[pair("a", "1"), pair("b", "2"), plain]);
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            [("Team", "data"), ("a", "1"), ("b", "2")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .to_vec()
        );
    }
}
