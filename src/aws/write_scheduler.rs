//! EventBridge Scheduler writes: the environment's schedule group (created with the ownership
//! tags; schedules themselves cannot be tagged) and its schedules.
//!
//! Owns building the CreateSchedule / UpdateSchedule request from a `ScheduledTask` (pure, so
//! its shape is unit tested) and sending it. UpdateSchedule replaces the whole schedule, as in
//! AWS: every field is sent every time. Must not decide what to change (apply does) and must
//! not let SDK types out of this file.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_scheduler::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, EcsParameters,
    FlexibleTimeWindow, FlexibleTimeWindowMode, LaunchType, NetworkConfiguration, PropagateTags,
    RetryPolicy, ScheduleState, Tag, Target,
};

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::ScheduledTask;

/// A schedule with the ARNs it refers to, resolved by apply (account and region known).
#[derive(Clone, Debug)]
pub struct ScheduleInput<'a> {
    pub task: &'a ScheduledTask,
    pub cluster_arn: String,
    pub role_arn: String,
    /// The family ARN without a revision: RunTask then starts the latest ACTIVE revision.
    pub task_definition_arn: String,
}

fn invalid(operation: &'static str, resource: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(
        "scheduler",
        operation,
        Some(resource),
        None,
        format!("invalid request: {e}"),
    )
}

/// The parts of Create/UpdateSchedule that both take, built once.
pub(crate) struct ScheduleParts {
    pub target: Target,
    pub window: FlexibleTimeWindow,
    pub state: ScheduleState,
}

/// Builds the request body (pure).
pub(crate) fn parts(i: &ScheduleInput, op: &'static str) -> Result<ScheduleParts, AwsError> {
    let t = i.task;
    let bad = |e| invalid(op, &t.name, e);
    let vpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(t.network.subnets.clone()))
        .set_security_groups(Some(t.network.security_groups.clone()))
        .assign_public_ip(if t.network.assign_public_ip {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .map_err(bad)?;
    let mut ecs = EcsParameters::builder()
        .task_definition_arn(&i.task_definition_arn)
        .task_count(t.count as i32)
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(vpc)
                .build(),
        )
        .platform_version(&t.platform_version)
        .set_tags(Some(ecs_tags(&t.tags)));
    if t.propagate_tags {
        ecs = ecs.propagate_tags(PropagateTags::TaskDefinition);
    }
    if t.capacity.is_empty() {
        ecs = ecs.launch_type(LaunchType::Fargate);
    } else {
        for item in &t.capacity {
            ecs = ecs.capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider(item.capacity_provider.as_str())
                    .base(item.base as i32)
                    .weight(item.weight as i32)
                    .build()
                    .map_err(bad)?,
            );
        }
    }
    let target = Target::builder()
        .arn(&i.cluster_arn)
        .role_arn(&i.role_arn)
        .retry_policy(
            RetryPolicy::builder()
                .maximum_retry_attempts(t.maximum_retry_attempts as i32)
                .maximum_event_age_in_seconds(t.maximum_event_age_seconds as i32)
                .build(),
        )
        .ecs_parameters(ecs.build().map_err(bad)?)
        .build()
        .map_err(bad)?;
    let window = FlexibleTimeWindow::builder()
        .mode(FlexibleTimeWindowMode::Off)
        .build()
        .map_err(bad)?;
    Ok(ScheduleParts {
        target,
        window,
        state: if t.enabled {
            ScheduleState::Enabled
        } else {
            ScheduleState::Disabled
        },
    })
}

/// Scheduler takes ECS tags as `[{"key": K, "value": V}, …]`, the shape of RunTask's tags.
fn ecs_tags(tags: &BTreeMap<String, String>) -> Vec<HashMap<String, String>> {
    tags.iter()
        .map(|(k, v)| {
            HashMap::from([
                ("key".to_string(), k.clone()),
                ("value".to_string(), v.clone()),
            ])
        })
        .collect()
}

pub async fn create_schedule(clients: &AwsClients, i: &ScheduleInput<'_>) -> Result<(), AwsError> {
    let p = parts(i, "CreateSchedule")?;
    let t = i.task;
    let req = clients
        .scheduler
        .create_schedule()
        .name(&t.name)
        .group_name(&t.group)
        .set_schedule_expression(t.expression.clone())
        .schedule_expression_timezone(&t.timezone)
        .set_description(t.description.clone())
        .state(p.state)
        .flexible_time_window(p.window)
        .target(p.target);
    send("scheduler", "CreateSchedule", &t.name, req.send()).await?;
    Ok(())
}

/// UpdateSchedule is a full replacement: whatever is not sent is reset to its default.
pub async fn update_schedule(clients: &AwsClients, i: &ScheduleInput<'_>) -> Result<(), AwsError> {
    let p = parts(i, "UpdateSchedule")?;
    let t = i.task;
    let req = clients
        .scheduler
        .update_schedule()
        .name(&t.name)
        .group_name(&t.group)
        .set_schedule_expression(t.expression.clone())
        .schedule_expression_timezone(&t.timezone)
        .set_description(t.description.clone())
        .state(p.state)
        .flexible_time_window(p.window)
        .target(p.target);
    send("scheduler", "UpdateSchedule", &t.name, req.send()).await?;
    Ok(())
}

pub async fn delete_schedule(
    clients: &AwsClients,
    group: &str,
    name: &str,
) -> Result<(), AwsError> {
    let req = clients
        .scheduler
        .delete_schedule()
        .group_name(group)
        .name(name);
    match send("scheduler", "DeleteSchedule", name, req.send()).await {
        Err(e) if e.is_code("ResourceNotFoundException") => Ok(()),
        r => r.map(|_| ()),
    }
}

/// CreateScheduleGroup with tags; an existing group (a rerun after an interrupted apply) is
/// left as it is and its ARN returned.
pub async fn create_group(
    clients: &AwsClients,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    let list: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<_, _>>()
        .map_err(|e| invalid("CreateScheduleGroup", name, e))?;
    let req = clients
        .scheduler
        .create_schedule_group()
        .name(name)
        .set_tags(Some(list));
    let out = send("scheduler", "CreateScheduleGroup", name, req.send()).await?;
    Ok(out.schedule_group_arn().to_string())
}

pub async fn tag_group(
    clients: &AwsClients,
    arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let list: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<_, _>>()
        .map_err(|e| invalid("TagResource", arn, e))?;
    let req = clients
        .scheduler
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(list));
    send("scheduler", "TagResource", arn, req.send()).await?;
    Ok(())
}

pub async fn untag_group(clients: &AwsClients, arn: &str, keys: &[String]) -> Result<(), AwsError> {
    let req = clients
        .scheduler
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(keys.to_vec()));
    send("scheduler", "UntagResource", arn, req.send()).await?;
    Ok(())
}

/// DeleteScheduleGroup (AWS deletes the group's schedules with it, asynchronously).
pub async fn delete_group(clients: &AwsClients, name: &str) -> Result<(), AwsError> {
    let req = clients.scheduler.delete_schedule_group().name(name);
    match send("scheduler", "DeleteScheduleGroup", name, req.send()).await {
        Err(e) if e.is_code("ResourceNotFoundException") => Ok(()),
        r => r.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CapacityProvider, CapacityProviderItem, Network};

    pub(crate) fn task() -> ScheduledTask {
        ScheduledTask {
            key: "job".into(),
            service: None,
            name: "omc-prod-job".into(),
            group: "omc-prod".into(),
            expression: Some("rate(15 minutes)".into()),
            timezone: "UTC".into(),
            enabled: false,
            description: None,
            cluster: "omc-prod".into(),
            family: "omc-prod-job".into(),
            count: 2,
            capacity: vec![CapacityProviderItem {
                capacity_provider: CapacityProvider::FargateSpot,
                base: 0,
                weight: 1,
            }],
            network: Network {
                subnets: vec!["subnet-1".into()],
                security_groups: vec!["sg-1".into()],
                assign_public_ip: true,
            },
            platform_version: "LATEST".into(),
            maximum_retry_attempts: 3,
            maximum_event_age_seconds: 3600,
            propagate_tags: false,
            role: "omc-prod-scheduler".into(),
            tags: [("ecsctl:env".to_string(), "prod".to_string())].into(),
            run_minutes: None,
        }
    }

    #[test]
    fn request_carries_every_field_the_model_sets() {
        let t = task();
        let input = ScheduleInput {
            task: &t,
            cluster_arn: "arn:aws:ecs:eu-west-1:1:cluster/omc-prod".into(),
            role_arn: "arn:aws:iam::1:role/omc-prod-scheduler".into(),
            task_definition_arn: "arn:aws:ecs:eu-west-1:1:task-definition/omc-prod-job".into(),
        };
        let p = parts(&input, "CreateSchedule").unwrap();
        assert_eq!(p.state, ScheduleState::Disabled);
        assert_eq!(p.window.mode(), &FlexibleTimeWindowMode::Off);
        let retry = p.target.retry_policy().unwrap();
        assert_eq!(
            (
                retry.maximum_retry_attempts(),
                retry.maximum_event_age_in_seconds()
            ),
            (Some(3), Some(3600))
        );
        let e = p.target.ecs_parameters().unwrap();
        assert_eq!(e.task_definition_arn(), input.task_definition_arn);
        assert_eq!(e.task_count(), Some(2));
        assert_eq!(e.launch_type(), None, "a strategy excludes a launch type");
        assert_eq!(
            e.capacity_provider_strategy()[0].capacity_provider(),
            "FARGATE_SPOT"
        );
        let vpc = e
            .network_configuration()
            .unwrap()
            .awsvpc_configuration()
            .unwrap();
        assert_eq!(vpc.assign_public_ip(), Some(&AssignPublicIp::Enabled));
        assert_eq!(
            e.tags()[0].get("key").map(String::as_str),
            Some("ecsctl:env")
        );
        assert_eq!(e.tags()[0].get("value").map(String::as_str), Some("prod"));
        let mut on_demand = task();
        on_demand.capacity.clear();
        let input = ScheduleInput {
            task: &on_demand,
            ..input
        };
        let p = parts(&input, "CreateSchedule").unwrap();
        assert_eq!(
            p.target.ecs_parameters().unwrap().launch_type(),
            Some(&LaunchType::Fargate)
        );
    }
}
