//! ECS RunTask and DescribeTasks for `ecsctl run`: one run of a scheduled task, started now with
//! the schedule's parameters, and the state of the tasks it started.
//!
//! Owns building the RunTask request from a `ScheduledTask` (pure, unit tested) and the
//! conversion of DescribeTasks' answer to `TaskRun`. Must not decide exit codes or wait (the
//! command does) and must not let SDK types out of this file.
//! Reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html

use aws_sdk_ecs::operation::run_task::builders::RunTaskFluentBuilder;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, ContainerOverride,
    LaunchType, NetworkConfiguration, Tag, Task, TaskOverride,
};

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::ScheduledTask;

/// What to start: the schedule's parameters, plus an optional command for the main container.
#[derive(Clone, Debug)]
pub struct RunRequest<'a> {
    pub task: &'a ScheduledTask,
    /// The revision to start (an ARN): the one the spec describes now
    /// (`apply::run_revision`), not the family's latest.
    pub task_definition: &'a str,
    /// The main container (the first of the task definition), for `command`.
    pub container: String,
    pub command: Option<Vec<String>>,
    /// `startedBy` (at most 36 characters).
    pub started_by: String,
}

/// One started task as DescribeTasks reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRun {
    pub arn: String,
    pub last_status: Option<String>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    /// The containers in task definition order: name, essential (None when ECS did not say),
    /// exit code, reason.
    pub containers: Vec<ContainerRun>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRun {
    pub name: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
}

impl TaskRun {
    pub fn is_stopped(&self) -> bool {
        self.last_status.as_deref() == Some("STOPPED")
    }
}

fn invalid(resource: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(
        "ecs",
        "RunTask",
        Some(resource),
        None,
        format!("invalid request: {e}"),
    )
}

/// The RunTask request: the revision the spec describes now, count, capacity strategy or FARGATE, awsvpc network, platform version, tags.
pub(crate) fn request(
    clients: &AwsClients,
    r: &RunRequest,
) -> Result<RunTaskFluentBuilder, AwsError> {
    let t = r.task;
    let bad = |e| invalid(&t.family, e);
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
    let tags: Vec<Tag> = t
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let mut req = clients
        .ecs
        .run_task()
        .cluster(&t.cluster)
        .task_definition(r.task_definition)
        .count(t.count as i32)
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(vpc)
                .build(),
        )
        .platform_version(&t.platform_version)
        .started_by(&r.started_by)
        .set_tags(Some(tags));
    if t.capacity.is_empty() {
        req = req.launch_type(LaunchType::Fargate);
    } else {
        for i in &t.capacity {
            req = req.capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider(i.capacity_provider.as_str())
                    .base(i.base as i32)
                    .weight(i.weight as i32)
                    .build()
                    .map_err(bad)?,
            );
        }
    }
    if let Some(command) = &r.command {
        req = req.overrides(
            TaskOverride::builder()
                .container_overrides(
                    ContainerOverride::builder()
                        .name(&r.container)
                        .set_command(Some(command.clone()))
                        .build(),
                )
                .build(),
        );
    }
    Ok(req)
}

/// Starts the run. A task ECS could not place comes back as a failure, reported as an error
/// naming its reason.
pub async fn run_task(clients: &AwsClients, r: &RunRequest<'_>) -> Result<Vec<String>, AwsError> {
    let req = request(clients, r)?;
    let out = send("ecs", "RunTask", &r.task.family, req.send()).await?;
    if let Some(f) = out.failures().first() {
        return Err(AwsError::new(
            "ecs",
            "RunTask",
            Some(&r.task.family),
            f.reason(),
            f.detail()
                .unwrap_or("the task could not be started")
                .to_string(),
        ));
    }
    Ok(out
        .tasks()
        .iter()
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect())
}

/// The tasks' current state (DescribeTasks takes up to 100 ARNs; a run starts at most 10).
pub async fn describe_tasks(
    clients: &AwsClients,
    cluster: &str,
    arns: &[String],
) -> Result<Vec<TaskRun>, AwsError> {
    let out = clients
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(arns.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "DescribeTasks", Some(cluster), e))?;
    Ok(out.tasks().iter().map(task_from_sdk).collect())
}

pub(crate) fn task_from_sdk(t: &Task) -> TaskRun {
    TaskRun {
        arn: t.task_arn().unwrap_or_default().to_string(),
        last_status: t.last_status().map(str::to_string),
        stop_code: t.stop_code().map(|c| c.as_str().to_string()),
        stopped_reason: t.stopped_reason().map(str::to_string),
        containers: t
            .containers()
            .iter()
            .map(|c| ContainerRun {
                name: c.name().unwrap_or_default().to_string(),
                exit_code: c.exit_code(),
                reason: c.reason().map(str::to_string),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{Container, TaskStopCode};

    /// Shaped like the DescribeTasks reference response for a task whose essential container
    /// exited with 3.
    #[test]
    fn stopped_task_converts_with_exit_codes_and_reason() {
        let t = Task::builder()
            .task_arn("arn:aws:ecs:eu-west-1:111122223333:task/omc-prod/0123456789abcdef")
            .last_status("STOPPED")
            .desired_status("STOPPED")
            .stop_code(TaskStopCode::EssentialContainerExited)
            .stopped_reason("Essential container in task exited")
            .containers(
                Container::builder()
                    .name("defillama-collector")
                    .last_status("STOPPED")
                    .exit_code(3)
                    .build(),
            )
            .build();
        let run = task_from_sdk(&t);
        assert!(run.is_stopped());
        assert_eq!(run.stop_code.as_deref(), Some("EssentialContainerExited"));
        assert_eq!(run.containers[0].exit_code, Some(3));
        assert_eq!(run.containers[0].name, "defillama-collector");
    }
}
