//! Application Auto Scaling writes: the scalable target on a service's desired count, its
//! target tracking and step scaling policies, and its scheduled actions.
//!
//! The puts are upserts in AAS (RegisterScalableTarget, PutScalingPolicy and PutScheduledAction
//! update what exists), which makes them naturally idempotent. Must not decide what to change,
//! nor let SDK types out of this file.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension,
    MetricStatistic, MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension,
    ScalableTargetAction, ServiceNamespace, StepAdjustment, StepScalingPolicyConfiguration,
    TargetTrackingMetric, TargetTrackingMetricDataQuery, TargetTrackingMetricDimension,
    TargetTrackingMetricStat, TargetTrackingScalingPolicyConfiguration,
};
use aws_smithy_types::error::operation::BuildError;

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::scaling_rules::{aggregation, sqs_queries};
use crate::model::{
    CustomMetric, PolicyRule, ScalingMetric, ScalingPolicy, ScalingSchedule, ScalingTarget,
    StepRule,
};

const SERVICE: &str = "application-autoscaling";

/// RegisterScalableTarget (create or update min/max), tagged on create.
pub async fn register_target(
    clients: &AwsClients,
    t: &ScalingTarget,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(&t.resource_id)
        .min_capacity(t.min as i32)
        .max_capacity(t.max as i32)
        .set_tags(if tags.is_empty() {
            None
        } else {
            Some(tags.clone().into_iter().collect())
        });
    send(
        SERVICE,
        "RegisterScalableTarget",
        &t.resource_id,
        req.send(),
    )
    .await?;
    Ok(())
}

/// PutScalingPolicy: a target tracking or step scaling policy. Returns the policy's ARN (a
/// step rule's alarm acts on it).
pub async fn put_policy(
    clients: &AwsClients,
    resource_id: &str,
    p: &ScalingPolicy,
) -> Result<String, AwsError> {
    let op = "PutScalingPolicy";
    let invalid = |e: BuildError| {
        AwsError::new(
            SERVICE,
            op,
            Some(&p.name),
            None,
            format!("invalid request: {e}"),
        )
    };
    let req = clients
        .autoscaling
        .put_scaling_policy()
        .policy_name(&p.name)
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id);
    let req = match &p.rule {
        PolicyRule::TargetTracking {
            target_value,
            scale_in_cooldown,
            scale_out_cooldown,
        } => {
            let config = TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(*target_value)
                .set_predefined_metric_specification(predefined(&p.metric).map_err(invalid)?)
                .set_customized_metric_specification(customized(&p.metric).map_err(invalid)?)
                .scale_in_cooldown(*scale_in_cooldown as i32)
                .scale_out_cooldown(*scale_out_cooldown as i32)
                .build()
                .map_err(invalid)?;
            req.policy_type(PolicyType::TargetTrackingScaling)
                .target_tracking_scaling_policy_configuration(config)
        }
        PolicyRule::Step(rule) => req
            .policy_type(PolicyType::StepScaling)
            .step_scaling_policy_configuration(step(rule, &p.metric).map_err(invalid)?),
    };
    let out = send(SERVICE, op, &p.name, req.send()).await?;
    Ok(out.policy_arn().to_string())
}

fn predefined(m: &ScalingMetric) -> Result<Option<PredefinedMetricSpecification>, BuildError> {
    let (metric, label) = match m {
        ScalingMetric::Cpu => (MetricType::EcsServiceAverageCpuUtilization, None),
        ScalingMetric::Memory => (MetricType::EcsServiceAverageMemoryUtilization, None),
        ScalingMetric::AlbRequests { resource_label } => (
            MetricType::AlbRequestCountPerTarget,
            Some(resource_label.clone()),
        ),
        ScalingMetric::SqsBacklog { .. } | ScalingMetric::Custom(_) => return Ok(None),
    };
    PredefinedMetricSpecification::builder()
        .predefined_metric_type(metric)
        .set_resource_label(label)
        .build()
        .map(Some)
}

/// A single metric (`customMetric`) or AWS's metric math for the SQS backlog per task.
fn customized(m: &ScalingMetric) -> Result<Option<CustomizedMetricSpecification>, BuildError> {
    match m {
        ScalingMetric::Custom(c) => Ok(Some(
            CustomizedMetricSpecification::builder()
                .namespace(&c.namespace)
                .metric_name(&c.name)
                .set_dimensions(Some(
                    c.dimensions
                        .iter()
                        .map(|(k, v)| MetricDimension::builder().name(k).value(v).build())
                        .collect::<Result<_, _>>()?,
                ))
                .statistic(MetricStatistic::from(c.statistic.as_str()))
                .set_unit(c.unit.clone())
                .build(),
        )),
        ScalingMetric::SqsBacklog {
            queue,
            cluster,
            service,
        } => {
            let mut metrics = Vec::new();
            for q in sqs_queries(queue, cluster, service) {
                metrics.push(
                    TargetTrackingMetricDataQuery::builder()
                        .id(q.id)
                        .set_expression(q.expression.map(str::to_string))
                        .set_metric_stat(q.metric.as_ref().map(stat).transpose()?)
                        .return_data(q.return_data)
                        .build()?,
                );
            }
            Ok(Some(
                CustomizedMetricSpecification::builder()
                    .set_metrics(Some(metrics))
                    .build(),
            ))
        }
        _ => Ok(None),
    }
}

fn stat(c: &CustomMetric) -> Result<TargetTrackingMetricStat, BuildError> {
    let dimensions = c
        .dimensions
        .iter()
        .map(|(k, v)| {
            TargetTrackingMetricDimension::builder()
                .name(k)
                .value(v)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    TargetTrackingMetricStat::builder()
        .metric(
            TargetTrackingMetric::builder()
                .namespace(&c.namespace)
                .metric_name(&c.name)
                .set_dimensions(Some(dimensions))
                .build(),
        )
        .stat(&c.statistic)
        .set_unit(c.unit.clone())
        .build()
}

/// One step: `change` tasks for any breach of the alarm's threshold (the interval starts at
/// the threshold: lower bound 0 above it, upper bound 0 below it).
fn step(
    rule: &StepRule,
    metric: &ScalingMetric,
) -> Result<StepScalingPolicyConfiguration, BuildError> {
    let adjustment = StepAdjustment::builder().scaling_adjustment(rule.change);
    let adjustment = match rule.above {
        true => adjustment.metric_interval_lower_bound(0.0),
        false => adjustment.metric_interval_upper_bound(0.0),
    }
    .build()?;
    let aggregation = MetricAggregationType::from(aggregation(metric));
    Ok(StepScalingPolicyConfiguration::builder()
        .adjustment_type(AdjustmentType::ChangeInCapacity)
        .step_adjustments(adjustment)
        .cooldown(rule.cooldown as i32)
        .metric_aggregation_type(aggregation)
        .build())
}

/// PutScheduledAction (create or update).
pub async fn put_schedule(
    clients: &AwsClients,
    resource_id: &str,
    s: &ScalingSchedule,
) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .put_scheduled_action()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id)
        .scheduled_action_name(&s.name)
        .schedule(&s.expression)
        .timezone(&s.timezone)
        .scalable_target_action(
            ScalableTargetAction::builder()
                .min_capacity(s.min as i32)
                .max_capacity(s.max as i32)
                .build(),
        );
    send(SERVICE, "PutScheduledAction", &s.name, req.send()).await?;
    Ok(())
}

/// DeleteScheduledAction; one already gone is done.
pub async fn delete_schedule(
    clients: &AwsClients,
    resource_id: &str,
    name: &str,
) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .delete_scheduled_action()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id)
        .scheduled_action_name(name);
    gone_is_done(send(SERVICE, "DeleteScheduledAction", name, req.send()).await)
}

pub async fn delete_policy(
    clients: &AwsClients,
    resource_id: &str,
    name: &str,
) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .delete_scaling_policy()
        .policy_name(name)
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id);
    gone_is_done(send(SERVICE, "DeleteScalingPolicy", name, req.send()).await)
}

pub async fn deregister_target(clients: &AwsClients, resource_id: &str) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id);
    gone_is_done(send(SERVICE, "DeregisterScalableTarget", resource_id, req.send()).await)
}

/// A deletion of what is already gone is done: AAS answers `ObjectNotFoundException`.
fn gone_is_done<T>(sent: Result<T, AwsError>) -> Result<(), AwsError> {
    match sent {
        Err(e) if e.is_code("ObjectNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}
