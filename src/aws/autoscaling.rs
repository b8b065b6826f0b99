//! Application Auto Scaling: the scalable targets on the environment's services' desired
//! counts, with their policies and scheduled actions.
//!
//! Owns the calls and conversions. Results are re-filtered by exact ResourceId and dimension:
//! moto's ResourceId filter is a substring test and it ignores PolicyNames, which would attach
//! `service/c/api`'s policies to `service/c/api2`. Must not write.

use aws_sdk_applicationautoscaling::types::{
    MetricDimension, ScalableDimension, ScalableTarget, ScalingPolicy, ScheduledAction,
    ServiceNamespace, StepScalingPolicyConfiguration, TargetTrackingMetric,
    TargetTrackingScalingPolicyConfiguration,
};

use super::{AwsClients, AwsError};
use crate::live::{
    LiveCustomizedMetric, LiveMetric, LiveMetricQuery, LiveScalingPolicy, LiveScalingSchedule,
    LiveScalingTarget, LiveStepConfig,
};

const DIMENSION: &str = "ecs:service:DesiredCount";

/// Targets for exactly these resource ids (`service/<cluster>/<name>`), each with its policies
/// and scheduled actions. One DescribeScalableTargets, one DescribeScalingPolicies and one
/// DescribeScheduledActions (each paginated) for them all.
pub async fn read_targets(
    clients: &AwsClients,
    resource_ids: &[String],
) -> Result<Vec<LiveScalingTarget>, AwsError> {
    if resource_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (targets, policies, actions) = futures::try_join!(
        targets(clients, resource_ids),
        policies(clients, resource_ids),
        scheduled_actions(clients, resource_ids)
    )?;
    let mut live = assemble(targets, policies, resource_ids);
    for t in &mut live {
        t.schedules = actions
            .iter()
            .filter(|a| {
                a.resource_id() == t.resource_id
                    && a.scalable_dimension()
                        .is_some_and(|d| d.as_str() == DIMENSION)
            })
            .map(schedule_from_sdk)
            .collect();
    }
    Ok(live)
}

/// DescribeScheduledActions, like DescribeScalingPolicies, takes one ResourceId: the
/// namespace's actions are listed once and filtered here.
async fn scheduled_actions(
    clients: &AwsClients,
    ids: &[String],
) -> Result<Vec<ScheduledAction>, AwsError> {
    let single = (ids.len() == 1).then(|| ids[0].clone());
    clients
        .autoscaling
        .describe_scheduled_actions()
        .service_namespace(ServiceNamespace::Ecs)
        .set_resource_id(single.clone())
        // 50, AWS's default and most per page (DescribeScheduledActions API reference).
        .max_results(50)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| read_failed("DescribeScheduledActions", single.as_deref(), e))
}

/// An Application Auto Scaling read's error, named by its operation and resource.
fn read_failed<E>(
    operation: &'static str,
    resource: Option<&str>,
    e: aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> AwsError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    AwsError::from_sdk("application-autoscaling", operation, resource, e)
}

fn schedule_from_sdk(a: &ScheduledAction) -> LiveScalingSchedule {
    let range = a.scalable_target_action();
    LiveScalingSchedule {
        name: a.scheduled_action_name().to_string(),
        schedule: a.schedule().to_string(),
        timezone: a.timezone().map(str::to_string),
        min: range.and_then(|r| r.min_capacity()),
        max: range.and_then(|r| r.max_capacity()),
    }
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
        .map_err(|e| read_failed("DescribeScalableTargets", None, e))
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
        .map_err(|e| read_failed("DescribeScalingPolicies", single.as_deref(), e))
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
            schedules: Vec::new(),
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
        customized: tt.and_then(customized_from_sdk),
        step: p.step_scaling_policy_configuration().map(step_from_sdk),
        alarm_names: p
            .alarms()
            .iter()
            .map(|a| a.alarm_name().to_string())
            .collect(),
    }
}

fn customized_from_sdk(
    c: &TargetTrackingScalingPolicyConfiguration,
) -> Option<LiveCustomizedMetric> {
    let m = c.customized_metric_specification()?;
    let single = m.metric_name().is_some() || m.namespace().is_some();
    Some(LiveCustomizedMetric {
        metric: single.then(|| LiveMetric {
            namespace: m.namespace().map(str::to_string),
            name: m.metric_name().map(str::to_string),
            dimensions: dimensions(m.dimensions()),
        }),
        statistic: m.statistic().map(|s| s.as_str().to_string()),
        unit: m.unit().map(str::to_string),
        queries: m
            .metrics()
            .iter()
            .map(|q| LiveMetricQuery {
                id: q.id().to_string(),
                expression: q.expression().map(str::to_string),
                metric: q
                    .metric_stat()
                    .and_then(|s| s.metric())
                    .map(tracking_metric),
                stat: q.metric_stat().map(|s| s.stat().to_string()),
                unit: q.metric_stat().and_then(|s| s.unit()).map(str::to_string),
                return_data: q.return_data(),
            })
            .collect(),
    })
}

fn tracking_metric(m: &TargetTrackingMetric) -> LiveMetric {
    LiveMetric {
        namespace: m.namespace().map(str::to_string),
        name: m.metric_name().map(str::to_string),
        dimensions: m
            .dimensions()
            .iter()
            .map(|d| (d.name().to_string(), d.value().to_string()))
            .collect(),
    }
}

fn dimensions(d: &[MetricDimension]) -> Vec<(String, String)> {
    d.iter()
        .map(|d| (d.name().to_string(), d.value().to_string()))
        .collect()
}

fn step_from_sdk(c: &StepScalingPolicyConfiguration) -> LiveStepConfig {
    LiveStepConfig {
        adjustment_type: c.adjustment_type().map(|a| a.as_str().to_string()),
        cooldown: c.cooldown(),
        aggregation: c.metric_aggregation_type().map(|a| a.as_str().to_string()),
        adjustments: c
            .step_adjustments()
            .iter()
            .map(|a| {
                (
                    a.metric_interval_lower_bound(),
                    a.metric_interval_upper_bound(),
                    a.scaling_adjustment(),
                )
            })
            .collect(),
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

    /// AWS's own example of a step policy, read through the SDK: its configuration and the
    /// alarm it lists (which pruning deletes with it).
    #[test]
    fn a_step_policy_as_aws_describes_it() {
        let page = crate::aws::fixtures::wire(crate::aws::fixtures::DESCRIBE_SCALING_POLICIES_STEP);
        let (clients, sent) = crate::aws::replay::clients(&[page]);
        let ids = ["service/default/web-app".to_string()];
        let sdk = crate::aws::replay::run(policies(&clients, &ids)).expect("the SDK parses it");
        let p = policy_from_sdk(&sdk[0]);
        assert_eq!(
            (p.name.as_str(), p.policy_type.as_str()),
            ("web-app-cpu-gt-75", "StepScaling")
        );
        assert_eq!(
            p.step,
            Some(LiveStepConfig {
                adjustment_type: Some("PercentChangeInCapacity".into()),
                cooldown: Some(60),
                aggregation: None,
                adjustments: vec![(Some(0.0), None, 200)],
            })
        );
        assert_eq!(p.alarm_names, ["web-app-cpu-gt-75"]);
        assert_eq!((p.target_value, p.customized.as_ref()), (None, None));
        // One ResourceId, so it is asked for server-side.
        assert_eq!(sent.bodies()[0]["ResourceId"], "service/default/web-app");
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
