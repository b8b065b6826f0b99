//! The tasks running in a cluster, for `destroy`: ListTasks (paginated) and DescribeTasks with
//! their tags, so apply can stop the environment's own standalone tasks (`ecsctl run`, the
//! scheduler's runs) before DeleteCluster, which ECS refuses while tasks are active.
//!
//! Owns the reads and the pure conversion to `ClusterTask`. Must not stop anything
//! (`write_prune::stop_task` does) nor decide whose a task is (`live::owned::is_ours`).
//! Reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html

use aws_sdk_ecs::types::{DesiredStatus, Task, TaskField};
use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::live::LiveTags;

/// DescribeTasks takes at most 100 tasks a call.
const DESCRIBE_TASKS_MAX: usize = 100;

/// One task of the cluster, reduced to what deciding to stop it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterTask {
    pub arn: String,
    /// `service:NAME` for a service's task, `family:NAME` for RunTask (and the scheduler's).
    pub group: Option<String>,
    pub last_status: Option<String>,
    pub tags: LiveTags,
}

impl ClusterTask {
    /// Started by RunTask (or EventBridge Scheduler), not by an ECS service.
    pub fn is_standalone(&self) -> bool {
        !self
            .group
            .as_deref()
            .is_some_and(|g| g.starts_with("service:"))
    }
}

/// Every task whose desired status is RUNNING (PENDING and RUNNING ones; tasks already stopping
/// have desired status STOPPED), with tags. A missing cluster has none.
pub async fn running_tasks(
    clients: &AwsClients,
    cluster: &str,
) -> Result<Vec<ClusterTask>, AwsError> {
    let arns = match running_task_arns(clients, cluster, None).await {
        Ok(a) => a,
        Err(e) if e.is_code("ClusterNotFoundException") => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let calls = arns.chunks(DESCRIBE_TASKS_MAX).map(|chunk| async move {
        let out = clients
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .include(TaskField::Tags)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ecs", "DescribeTasks", Some(cluster), e))?;
        Ok::<_, AwsError>(out.tasks().iter().map(from_sdk).collect::<Vec<_>>())
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

/// The ARNs of the tasks whose desired status is RUNNING, of the cluster or of one service
/// (ListTasks `serviceName`), every page.
pub(crate) async fn running_task_arns(
    clients: &AwsClients,
    cluster: &str,
    service: Option<&str>,
) -> Result<Vec<String>, AwsError> {
    clients
        .ecs
        .list_tasks()
        .cluster(cluster)
        .set_service_name(service.map(str::to_string))
        .desired_status(DesiredStatus::Running)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ListTasks", Some(service.unwrap_or(cluster)), e))
}

fn from_sdk(t: &Task) -> ClusterTask {
    ClusterTask {
        arn: t.task_arn().unwrap_or_default().to_string(),
        group: t.group().map(str::to_string),
        last_status: t.last_status().map(str::to_string),
        tags: t
            .tags()
            .iter()
            .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::Tag;

    /// Shaped like DescribeTasks (include TAGS) for a task the scheduler started.
    #[test]
    fn a_scheduled_run_converts_with_its_tags_and_is_standalone() {
        let t = Task::builder()
            .task_arn("arn:aws:ecs:eu-west-1:111122223333:task/ohi-prod/0123456789abcdef")
            .group("family:ohi-prod-report")
            .last_status("RUNNING")
            .tags(Tag::builder().key("ecsctl:app").value("ohi").build())
            .build();
        let c = from_sdk(&t);
        assert!(c.is_standalone());
        assert_eq!(c.tags.get("ecsctl:app").map(String::as_str), Some("ohi"));
        let service_task = ClusterTask {
            group: Some("service:ohi-prod-api".into()),
            ..c
        };
        assert!(!service_task.is_standalone());
    }
}
