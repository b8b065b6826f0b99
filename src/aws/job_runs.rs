//! The newest task of a job's family, for `ecsctl status`: ListTasks by family (running and
//! stopped, paginated) and DescribeTasks, in ecsctl's own [`LastRun`].
//!
//! ECS lists stopped tasks for about an hour after they stop ("Stopped tasks appear in the
//! returned results for at least one hour", ListTasks API reference), so an older run is not
//! seen: the views say "none in the last hour". Must not write.

use aws_sdk_ecs::types::DesiredStatus;
use futures::future::try_join_all;

use super::run_task::{TaskRun, task_from_sdk};
use super::{AwsClients, AwsError};

/// The newest run ECS still lists.
#[derive(Clone, Debug, PartialEq)]
pub struct LastRun {
    pub run: TaskRun,
    /// Seconds since the epoch.
    pub created_at: f64,
    pub stopped_at: Option<f64>,
    /// `ecsctl run`, or the scheduler's id for a scheduled run.
    pub started_by: Option<String>,
}

/// The family's newest task (by creation time), None when ECS lists none (or the cluster does
/// not exist).
pub async fn last_run(
    clients: &AwsClients,
    cluster: &str,
    family: &str,
) -> Result<Option<LastRun>, AwsError> {
    let listed = try_join_all(
        [DesiredStatus::Running, DesiredStatus::Stopped]
            .into_iter()
            .map(|status| list(clients, cluster, family, status)),
    )
    .await;
    let arns: Vec<String> = match listed {
        Ok(lists) => lists.into_iter().flatten().collect(),
        Err(e) if e.is_code("ClusterNotFoundException") => return Ok(None),
        Err(e) => return Err(e),
    };
    let described = try_join_all(arns.chunks(100).map(|chunk| async move {
        let out = clients
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ecs", "DescribeTasks", Some(cluster), e))?;
        Ok::<_, AwsError>(
            out.tasks()
                .iter()
                .map(|t| LastRun {
                    run: task_from_sdk(t),
                    created_at: t.created_at().map_or(0.0, |c| c.as_secs_f64()),
                    stopped_at: t.stopped_at().map(|s| s.as_secs_f64()),
                    started_by: t.started_by().map(str::to_string),
                })
                .collect::<Vec<_>>(),
        )
    }))
    .await?;
    Ok(described
        .into_iter()
        .flatten()
        .max_by(|a, b| a.created_at.total_cmp(&b.created_at)))
}

async fn list(
    clients: &AwsClients,
    cluster: &str,
    family: &str,
    status: DesiredStatus,
) -> Result<Vec<String>, AwsError> {
    let pages = clients
        .ecs
        .list_tasks()
        .cluster(cluster)
        .family(family)
        .desired_status(status)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ListTasks", Some(cluster), e))?;
    Ok(pages
        .iter()
        .flat_map(|p| p.task_arns().iter().cloned())
        .collect())
}
