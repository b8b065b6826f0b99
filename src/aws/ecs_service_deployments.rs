//! ECS service deployments (ListServiceDeployments, DescribeServiceDeployments), read while
//! waiting for a blueGreen, linear or canary deployment: its lifecycle stage, and why ECS
//! stopped or rolled it back.
//!
//! Owns the two reads and their conversion to `apply::stages::ServiceDeploymentState`. Must not
//! judge what it read (stages.rs does), write, or let SDK types out of this file.

use aws_sdk_ecs::types::{CreatedAt, ServiceDeployment};
use aws_smithy_types::DateTime;
use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::apply::stages::ServiceDeploymentState;

/// The ARNs of the service's deployments created at or after `since` (epoch seconds), newest
/// first. ListServiceDeployments pages with `nextToken`; every page is read (by hand: the SDK
/// generates no paginator for this operation).
pub async fn created_since(
    clients: &AwsClients,
    cluster: &str,
    service: &str,
    since: f64,
) -> Result<Vec<(String, f64)>, AwsError> {
    let window = CreatedAt::builder()
        .after(DateTime::from_secs_f64(since))
        .build();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = clients
            .ecs
            .list_service_deployments()
            .cluster(cluster)
            .service(service)
            .created_at(window.clone())
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ecs", "ListServiceDeployments", Some(service), e))?;
        out.extend(page.service_deployments().iter().filter_map(|d| {
            let arn = d.service_deployment_arn()?.to_string();
            let created = d.created_at().map_or(0.0, DateTime::as_secs_f64);
            Some((arn, created))
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(out)
}

/// DescribeServiceDeployments, 20 ARNs a call (the API's maximum), all concurrently. An ARN
/// ECS reports under `failures` is left out.
pub async fn describe(
    clients: &AwsClients,
    arns: &[String],
) -> Result<Vec<ServiceDeploymentState>, AwsError> {
    let calls = arns.chunks(20).map(|chunk| async move {
        let out = clients
            .ecs
            .describe_service_deployments()
            .set_service_deployment_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "ecs",
                    "DescribeServiceDeployments",
                    Some(&chunk.join(", ")),
                    e,
                )
            })?;
        Ok::<_, AwsError>(
            out.service_deployments()
                .iter()
                .map(state_from_sdk)
                .collect::<Vec<_>>(),
        )
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

pub(crate) fn state_from_sdk(d: &ServiceDeployment) -> ServiceDeploymentState {
    let secs = |t: Option<&DateTime>| t.map_or(0.0, DateTime::as_secs_f64);
    ServiceDeploymentState {
        service_deployment_arn: d.service_deployment_arn().unwrap_or_default().to_string(),
        status: d.status().map(|s| s.as_str().to_string()),
        status_reason: d.status_reason().map(str::to_string),
        lifecycle_stage: d.lifecycle_stage().map(|s| s.as_str().to_string()),
        created_at: secs(d.created_at()),
        updated_at: secs(d.updated_at()),
        rollback_reason: d.rollback().and_then(|r| r.reason()).map(str::to_string),
        triggered_alarms: d
            .alarms()
            .map(|a| a.triggered_alarm_names().to_vec())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::fixtures::{DESCRIBE_SERVICE_DEPLOYMENTS, LIST_SERVICE_DEPLOYMENTS, wire};
    use crate::aws::replay;

    /// The AWS CLI's published responses, through the SDK's own deserializers.
    #[test]
    fn published_responses_read_as_aws_sent_them() {
        let (clients, sent) = replay::clients(&[
            wire(LIST_SERVICE_DEPLOYMENTS),
            wire(DESCRIBE_SERVICE_DEPLOYMENTS),
        ]);
        let arn = "arn:aws:ecs:us-east-1:123456789012:service-deployment/example-cluster/example-service/ejGvqq2ilnbKT9qj0vLJe";
        let listed = replay::run(created_since(
            &clients,
            "example-cluster",
            "example-service",
            1_730_376_000.0,
        ))
        .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, arn);
        // 2024-10-31T08:03:30.917-04:00
        assert!(
            (listed[0].1 - 1_730_376_210.917).abs() < 1e-3,
            "{}",
            listed[0].1
        );
        let states = replay::run(describe(&clients, &[arn.to_string()])).unwrap();
        assert_eq!(
            states,
            [ServiceDeploymentState {
                service_deployment_arn: arn.into(),
                status: Some("SUCCESSFUL".into()),
                status_reason: None,
                lifecycle_stage: None,
                created_at: 1_730_376_210.917,
                updated_at: 1_730_376_304.527,
                rollback_reason: None,
                triggered_alarms: vec![],
            }]
        );
        let bodies = sent.bodies();
        assert_eq!(bodies[0]["service"], "example-service");
        assert_eq!(bodies[0]["createdAt"]["after"], 1_730_376_000.0);
        assert_eq!(bodies[1]["serviceDeploymentArns"], serde_json::json!([arn]));
    }
}
