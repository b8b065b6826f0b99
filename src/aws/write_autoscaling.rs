//! Application Auto Scaling writes: the scalable target on a service's desired count and its
//! target tracking policies.
//!
//! Both calls are upserts in AAS (RegisterScalableTarget and PutScalingPolicy update what
//! exists), which makes them naturally idempotent. Must not decide what to change, nor let SDK
//! types out of this file.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::{ScalingMetric, ScalingPolicy, ScalingTarget};

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

/// PutScalingPolicy: a target tracking policy on a predefined metric.
pub async fn put_policy(
    clients: &AwsClients,
    resource_id: &str,
    p: &ScalingPolicy,
) -> Result<(), AwsError> {
    let op = "PutScalingPolicy";
    let invalid = |e: aws_smithy_types::error::operation::BuildError| {
        AwsError::new(
            SERVICE,
            op,
            Some(&p.name),
            None,
            format!("invalid request: {e}"),
        )
    };
    let (metric, label) = match &p.metric {
        ScalingMetric::Cpu => (MetricType::EcsServiceAverageCpuUtilization, None),
        ScalingMetric::Memory => (MetricType::EcsServiceAverageMemoryUtilization, None),
        ScalingMetric::AlbRequests { resource_label } => (
            MetricType::AlbRequestCountPerTarget,
            Some(resource_label.clone()),
        ),
    };
    let spec = PredefinedMetricSpecification::builder()
        .predefined_metric_type(metric)
        .set_resource_label(label)
        .build()
        .map_err(invalid)?;
    let config = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(p.target_value)
        .predefined_metric_specification(spec)
        .scale_in_cooldown(p.scale_in_cooldown as i32)
        .scale_out_cooldown(p.scale_out_cooldown as i32)
        .build()
        .map_err(invalid)?;
    let req = clients
        .autoscaling
        .put_scaling_policy()
        .policy_name(&p.name)
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(config);
    send(SERVICE, op, &p.name, req.send()).await?;
    Ok(())
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
    match send(SERVICE, "DeleteScalingPolicy", name, req.send()).await {
        Err(e) if e.is_code("ObjectNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}

pub async fn deregister_target(clients: &AwsClients, resource_id: &str) -> Result<(), AwsError> {
    let req = clients
        .autoscaling
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(resource_id);
    match send(SERVICE, "DeregisterScalableTarget", resource_id, req.send()).await {
        Err(e) if e.is_code("ObjectNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}
