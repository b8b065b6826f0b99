//! ECS reads for waiting: services with their deployments and events, as
//! `apply::wait::ServiceRollout`.
//!
//! Separate from `ecs.rs` (the live read) because waiting needs events, which the plan never
//! looks at. Must not write, and must not let SDK types out of this file.

use aws_sdk_ecs::types::Service;
use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::apply::wait::{DeploymentMark, RolloutDeployment, ServiceEvent, ServiceRollout};

/// DescribeServices in chunks of 10. Names ECS reports MISSING (or does not return) come back
/// with status `MISSING`: right after CreateService that is ECS's eventual consistency, and
/// the caller decides how long to treat it as pending.
pub async fn describe_rollouts(
    clients: &AwsClients,
    cluster: &str,
    names: &[String],
) -> Result<Vec<ServiceRollout>, AwsError> {
    let calls = names.chunks(10).map(|chunk| async move {
        let out = clients
            .ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ecs", "DescribeServices", Some(&chunk.join(", ")), e)
            })?;
        let mut found: Vec<ServiceRollout> = out.services().iter().map(rollout_from_sdk).collect();
        for name in chunk {
            if !found.iter().any(|s| &s.service_name == name) {
                found.push(ServiceRollout {
                    service_name: name.clone(),
                    status: "MISSING".into(),
                    ..Default::default()
                });
            }
        }
        Ok::<_, AwsError>(found)
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

fn rollout_from_sdk(s: &Service) -> ServiceRollout {
    ServiceRollout {
        service_name: s.service_name().unwrap_or_default().to_string(),
        status: s.status().unwrap_or_default().to_string(),
        desired_count: s.desired_count(),
        running_count: s.running_count(),
        pending_count: s.pending_count(),
        deployments: s
            .deployments()
            .iter()
            .map(|d| RolloutDeployment {
                id: d.id().map(str::to_string),
                status: d.status().map(str::to_string),
                task_definition: d.task_definition().map(str::to_string),
                desired_count: d.desired_count(),
                running_count: d.running_count(),
                pending_count: d.pending_count(),
                failed_tasks: d.failed_tasks(),
                created_at: d.created_at().map(|t| t.as_secs_f64()).unwrap_or_default(),
                updated_at: d.updated_at().map(|t| t.as_secs_f64()).unwrap_or_default(),
                rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
                rollout_state_reason: d.rollout_state_reason().map(str::to_string),
            })
            .collect(),
        events: s
            .events()
            .iter()
            .map(|e| ServiceEvent {
                id: e.id().unwrap_or_default().to_string(),
                created_at: e.created_at().map(|t| t.as_secs_f64()).unwrap_or_default(),
                message: e.message().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

/// The PRIMARY deployment a CreateService / UpdateService response names, for the waiter.
pub(crate) fn primary_mark(s: Option<&Service>) -> Option<DeploymentMark> {
    let d = s?
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))?;
    Some(DeploymentMark {
        id: d.id()?.to_string(),
        updated_at: d.updated_at().map(|t| t.as_secs_f64()).unwrap_or_default(),
    })
}

#[cfg(test)]
#[path = "ecs_rollout_tests.rs"]
mod tests;
