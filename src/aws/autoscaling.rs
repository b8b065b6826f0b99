//! Application Auto Scaling: the scalable targets on the environment's services' desired
//! counts, with their policies.
//!
//! Owns the calls and conversions. Results are re-filtered by exact ResourceId and dimension:
//! moto's ResourceId filter is a substring test and it ignores PolicyNames, which would attach
//! `service/c/api`'s policies to `service/c/api2`. Must not write.

use aws_sdk_applicationautoscaling::types::{
    ScalableDimension, ScalableTarget, ScalingPolicy, ServiceNamespace,
};

use super::{AwsClients, AwsError};
use crate::live::{LiveScalingPolicy, LiveScalingTarget};

const DIMENSION: &str = "ecs:service:DesiredCount";

/// Targets for exactly these resource ids (`service/<cluster>/<name>`), each with its policies.
/// One DescribeScalableTargets and one DescribeScalingPolicies (both paginated) for them all.
pub async fn read_targets(
    clients: &AwsClients,
    resource_ids: &[String],
) -> Result<Vec<LiveScalingTarget>, AwsError> {
    if resource_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (targets, policies) = futures::try_join!(
        targets(clients, resource_ids),
        policies(clients, resource_ids)
    )?;
    Ok(assemble(targets, policies, resource_ids))
}

async fn targets(clients: &AwsClients, ids: &[String]) -> Result<Vec<ScalableTarget>, AwsError> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let out = clients
            .autoscaling
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Ecs)
            .set_resource_ids(Some(ids.to_vec()))
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "application-autoscaling",
                    "DescribeScalableTargets",
                    None,
                    e,
                )
            })?;
        all.extend(out.scalable_targets().iter().cloned());
        match out.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(all)
}

/// DescribeScalingPolicies takes a single ResourceId, so one call per service would be needed to
/// filter server-side; listing the namespace's policies once and filtering here is fewer calls
/// for any environment with more than one scaled service.
async fn policies(clients: &AwsClients, ids: &[String]) -> Result<Vec<ScalingPolicy>, AwsError> {
    let mut all = Vec::new();
    let mut token = None;
    let single = (ids.len() == 1).then(|| ids[0].clone());
    loop {
        let out = clients
            .autoscaling
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Ecs)
            .set_resource_id(single.clone())
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "application-autoscaling",
                    "DescribeScalingPolicies",
                    single.as_deref(),
                    e,
                )
            })?;
        all.extend(out.scaling_policies().iter().cloned());
        match out.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(all)
}

/// Pure: keeps only exact resource-id and dimension matches, and hangs each policy on its target.
pub(crate) fn assemble(
    targets: Vec<ScalableTarget>,
    policies: Vec<ScalingPolicy>,
    wanted: &[String],
) -> Vec<LiveScalingTarget> {
    targets
        .iter()
        .filter(|t| {
            t.scalable_dimension().as_str() == DIMENSION
                && wanted.iter().any(|w| w == t.resource_id())
        })
        .map(|t| LiveScalingTarget {
            resource_id: t.resource_id().to_string(),
            scalable_dimension: t.scalable_dimension().as_str().to_string(),
            min: t.min_capacity(),
            max: t.max_capacity(),
            // The SDK turns a missing (model-required) RoleARN into "": that is not a value.
            role_arn: Some(t.role_arn())
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            policies: policies
                .iter()
                .filter(|p| {
                    p.resource_id() == t.resource_id()
                        && p.scalable_dimension().as_str() == DIMENSION
                })
                .map(policy_from_sdk)
                .collect(),
        })
        .collect()
}

fn policy_from_sdk(p: &ScalingPolicy) -> LiveScalingPolicy {
    let tt = p.target_tracking_scaling_policy_configuration();
    let metric = tt.and_then(|c| c.predefined_metric_specification());
    LiveScalingPolicy {
        name: p.policy_name().to_string(),
        arn: p.policy_arn().to_string(),
        policy_type: p.policy_type().as_str().to_string(),
        target_value: tt.map(|c| c.target_value()),
        predefined_metric: metric.map(|m| m.predefined_metric_type().as_str().to_string()),
        resource_label: metric.and_then(|m| m.resource_label()).map(str::to_string),
        scale_in_cooldown: tt.and_then(|c| c.scale_in_cooldown()),
        scale_out_cooldown: tt.and_then(|c| c.scale_out_cooldown()),
        disable_scale_in: tt.and_then(|c| c.disable_scale_in()),
    }
}
