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
    clients
        .autoscaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .set_resource_ids(Some(ids.to_vec()))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        // 50, AWS's default and most per page (DescribeScalableTargets API reference).
        .max_results(50)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            AwsError::from_sdk(
                "application-autoscaling",
                "DescribeScalableTargets",
                None,
                e,
            )
        })
}

/// DescribeScalingPolicies takes a single ResourceId, so one call per service would be needed to
/// filter server-side; listing the namespace's policies once and filtering here is fewer calls
/// for any environment with more than one scaled service.
async fn policies(clients: &AwsClients, ids: &[String]) -> Result<Vec<ScalingPolicy>, AwsError> {
    let single = (ids.len() == 1).then(|| ids[0].clone());
    clients
        .autoscaling
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .set_resource_id(single.clone())
        // No MaxResults: AWS's default page of 10 is also its largest ("This value can be
        // between 1 and 10", DescribeScalingPolicies API reference); more is a validation error.
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            AwsError::from_sdk(
                "application-autoscaling",
                "DescribeScalingPolicies",
                single.as_deref(),
                e,
            )
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_applicationautoscaling::primitives::DateTime;
    use aws_sdk_applicationautoscaling::types::{
        MetricType, PolicyType, PredefinedMetricSpecification,
        TargetTrackingScalingPolicyConfiguration,
    };

    fn target(id: &str) -> ScalableTarget {
        ScalableTarget::builder()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(2)
            .max_capacity(10)
            .role_arn("arn:aws:iam::111122223333:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")
            .creation_time(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap()
    }

    fn policy(id: &str, name: &str, metric: MetricType, value: f64) -> ScalingPolicy {
        ScalingPolicy::builder()
            .policy_arn(format!("arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:x:resource/ecs/{id}:policyName/{name}"))
            .policy_name(name)
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(id)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .policy_type(PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(
                TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(value)
                    .predefined_metric_specification(
                        PredefinedMetricSpecification::builder()
                            .predefined_metric_type(metric)
                            .build()
                            .unwrap(),
                    )
                    .scale_in_cooldown(300)
                    .scale_out_cooldown(60)
                    .build()
                    .unwrap(),
            )
            .creation_time(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap()
    }

    /// Regression: moto's ResourceId filter is a substring test, so asking for `service/c/api2`
    /// also returns `service/c/api`'s policies (and the reverse must not leak either).
    #[test]
    fn policies_attach_only_to_their_exact_resource_id() {
        let targets = vec![target("service/c/api"), target("service/c/api2")];
        let policies = vec![
            policy(
                "service/c/api",
                "c-api-cpu",
                MetricType::EcsServiceAverageCpuUtilization,
                60.0,
            ),
            policy(
                "service/c/api2",
                "c-api2-mem",
                MetricType::EcsServiceAverageMemoryUtilization,
                70.0,
            ),
        ];
        let live = assemble(targets, policies, &["service/c/api2".to_string()]);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].resource_id, "service/c/api2");
        let names: Vec<_> = live[0].policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["c-api2-mem"]);
        let p = &live[0].policies[0];
        assert_eq!(
            p.predefined_metric.as_deref(),
            Some("ECSServiceAverageMemoryUtilization")
        );
        assert_eq!(
            (p.target_value, p.scale_in_cooldown, p.scale_out_cooldown),
            (Some(70.0), Some(300), Some(60))
        );
        assert_eq!(p.policy_type, "TargetTrackingScaling");
    }

    #[test]
    fn empty_role_arn_from_client_error_correction_is_none() {
        let mut t = target("service/c/api");
        t.role_arn = String::new();
        let live = assemble(vec![t], vec![], &["service/c/api".to_string()]);
        assert_eq!((live[0].min, live[0].max), (2, 10));
        assert_eq!(live[0].role_arn, None);
        let live = assemble(
            vec![target("service/c/api")],
            vec![],
            &["service/c/api".to_string()],
        );
        assert!(
            live[0]
                .role_arn
                .as_deref()
                .unwrap()
                .contains("AWSServiceRoleForApplicationAutoScaling_ECSService")
        );
    }
}
