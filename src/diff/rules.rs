//! THE table of what a change to each field costs: updated in place, a new task definition
//! revision, a new deployment, or replacement of the resource.
//!
//! Owns that decision and nothing else; the per-kind diff files only produce field values, and
//! `effect` looks every changed field up here. Must not look at values except for the one
//! documented exception (Cloud Map DNS record types). A field missing from the table is a bug,
//! caught by the tests of every kind's view.

use serde_json::Value;

use crate::plan::{Effect, ResourceKind};

pub struct Rule {
    pub kind: ResourceKind,
    /// The top-level field of the kind's view.
    pub field: &'static str,
    pub effect: Effect,
    /// The AWS call that makes the change, or why it cannot be made in place.
    pub how: &'static str,
}

use Effect::{InPlace, NewDeployment, NewRevision, Replace};
use ResourceKind as K;

const fn r(kind: ResourceKind, field: &'static str, effect: Effect, how: &'static str) -> Rule {
    Rule {
        kind,
        field,
        effect,
        how,
    }
}

pub const RULES: &[Rule] = &[
    r(
        K::IamRole,
        "assumeRolePolicy",
        InPlace,
        "iam:UpdateAssumeRolePolicy",
    ),
    r(
        K::IamRole,
        "managedPolicyArns",
        InPlace,
        "iam:AttachRolePolicy / DetachRolePolicy",
    ),
    r(
        K::IamRole,
        "inlinePolicies",
        InPlace,
        "iam:PutRolePolicy / DeleteRolePolicy",
    ),
    r(K::IamRole, "tags", InPlace, "iam:TagRole / UntagRole"),
    r(
        K::LogGroup,
        "retentionInDays",
        InPlace,
        "logs:PutRetentionPolicy / DeleteRetentionPolicy",
    ),
    r(
        K::LogGroup,
        "kmsKeyId",
        InPlace,
        "logs:AssociateKmsKey / DisassociateKmsKey",
    ),
    r(
        K::LogGroup,
        "tags",
        InPlace,
        "logs:TagResource / UntagResource",
    ),
    r(
        K::Cluster,
        "containerInsights",
        InPlace,
        "ecs:UpdateCluster settings",
    ),
    r(
        K::Cluster,
        "capacityProviders",
        InPlace,
        "ecs:PutClusterCapacityProviders",
    ),
    r(
        K::Cluster,
        "defaultCapacityProviderStrategy",
        InPlace,
        "ecs:PutClusterCapacityProviders",
    ),
    r(
        K::Cluster,
        "tags",
        InPlace,
        "ecs:TagResource / UntagResource",
    ),
    r(
        K::Namespace,
        "description",
        InPlace,
        "servicediscovery:UpdatePrivateDnsNamespace",
    ),
    r(
        K::Namespace,
        "tags",
        InPlace,
        "servicediscovery:TagResource / UntagResource",
    ),
    r(
        K::DiscoveryService,
        "namespace",
        Replace,
        "a Cloud Map service cannot move between namespaces",
    ),
    // TTLs update in place; adding or removing a record type forces replacement (see `effect`).
    r(
        K::DiscoveryService,
        "dnsRecords",
        InPlace,
        "servicediscovery:UpdateService DnsConfig",
    ),
    r(
        K::DiscoveryService,
        "routingPolicy",
        Replace,
        "UpdateService cannot change RoutingPolicy",
    ),
    r(
        K::DiscoveryService,
        "tags",
        InPlace,
        "servicediscovery:TagResource / UntagResource",
    ),
    // Task definitions are immutable: any content change registers a new revision.
    r(
        K::TaskDefinition,
        "cpu",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "memory",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "networkMode",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "requiresCompatibilities",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "runtimePlatform",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "executionRoleArn",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "taskRoleArn",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "ephemeralStorage",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "volumes",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    r(
        K::TaskDefinition,
        "containerDefinitions",
        NewRevision,
        "ecs:RegisterTaskDefinition",
    ),
    // Tags are not content: a revision's tags change in place, so tags never cost a revision.
    r(
        K::TaskDefinition,
        "tags",
        InPlace,
        "ecs:TagResource / UntagResource",
    ),
    r(
        K::Service,
        "cluster",
        Replace,
        "a service cannot move between clusters",
    ),
    r(
        K::Service,
        "taskDefinition",
        InPlace,
        "ecs:UpdateService (starts a deployment)",
    ),
    r(K::Service, "desiredCount", InPlace, "ecs:UpdateService"),
    // Since 2025 ECS updates the strategy in place, but only with forceNewDeployment
    // (terraform-provider-aws PR #43533); a launchType → strategy migration is the same call.
    r(
        K::Service,
        "capacityProviderStrategy",
        NewDeployment,
        "ecs:UpdateService forceNewDeployment",
    ),
    r(
        K::Service,
        "launchType",
        NewDeployment,
        "ecs:UpdateService forceNewDeployment",
    ),
    r(
        K::Service,
        "platformVersion",
        InPlace,
        "ecs:UpdateService (starts a deployment)",
    ),
    r(
        K::Service,
        "networkConfiguration",
        InPlace,
        "ecs:UpdateService (starts a deployment)",
    ),
    // Updatable since 2022: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
    r(
        K::Service,
        "loadBalancers",
        InPlace,
        "ecs:UpdateService (starts a deployment)",
    ),
    r(
        K::Service,
        "serviceRegistries",
        InPlace,
        "ecs:UpdateService (starts a deployment)",
    ),
    r(
        K::Service,
        "healthCheckGracePeriodSeconds",
        InPlace,
        "ecs:UpdateService",
    ),
    r(
        K::Service,
        "deploymentConfiguration",
        InPlace,
        "ecs:UpdateService",
    ),
    // Only new tasks get the ECS Exec agent wiring, so running tasks need a new deployment.
    r(
        K::Service,
        "enableExecuteCommand",
        NewDeployment,
        "ecs:UpdateService forceNewDeployment",
    ),
    r(
        K::Service,
        "propagateTags",
        InPlace,
        "ecs:UpdateService propagateTags",
    ),
    // Sent with the task definition that has (or no longer has) the volume configured at
    // launch, in one call: either alone is refused (terraform-provider-aws #49185).
    // Service Connect's own configuration; off is `enabled: false` (an omitted one is kept).
    r(
        K::Service,
        "serviceConnectConfiguration",
        InPlace,
        "ecs:UpdateService serviceConnectConfiguration (starts a deployment)",
    ),
    r(
        K::Service,
        "volumeConfigurations",
        InPlace,
        "ecs:UpdateService volumeConfigurations (starts a deployment)",
    ),
    r(
        K::Service,
        "tags",
        InPlace,
        "ecs:TagResource / UntagResource",
    ),
    r(
        K::ScalingTarget,
        "resourceId",
        Replace,
        "a scalable target is identified by its resource",
    ),
    r(
        K::ScalingTarget,
        "minCapacity",
        InPlace,
        "application-autoscaling:RegisterScalableTarget",
    ),
    r(
        K::ScalingTarget,
        "maxCapacity",
        InPlace,
        "application-autoscaling:RegisterScalableTarget",
    ),
    r(
        K::ScalingPolicy,
        "policyType",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "predefinedMetric",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "resourceLabel",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "targetValue",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "scaleInCooldown",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "scaleOutCooldown",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "disableScaleIn",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "customizedMetric",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "adjustmentType",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "stepAdjustments",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "cooldown",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    r(
        K::ScalingPolicy,
        "metricAggregationType",
        InPlace,
        "application-autoscaling:PutScalingPolicy",
    ),
    // A step rule's alarm: PutMetricAlarm replaces the whole alarm, in place.
    r(
        K::ScalingPolicy,
        "alarm",
        InPlace,
        "cloudwatch:PutMetricAlarm",
    ),
    r(
        K::ScalingSchedule,
        "schedule",
        InPlace,
        "application-autoscaling:PutScheduledAction",
    ),
    r(
        K::ScalingSchedule,
        "timezone",
        InPlace,
        "application-autoscaling:PutScheduledAction",
    ),
    r(
        K::ScalingSchedule,
        "minCapacity",
        InPlace,
        "application-autoscaling:PutScheduledAction",
    ),
    r(
        K::ScalingSchedule,
        "maxCapacity",
        InPlace,
        "application-autoscaling:PutScheduledAction",
    ),
    // EventBridge Scheduler: UpdateSchedule replaces the whole schedule in place.
    r(
        K::ScheduleGroup,
        "tags",
        InPlace,
        "scheduler:TagResource / UntagResource",
    ),
    r(
        K::Schedule,
        "scheduleExpression",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
    r(
        K::Schedule,
        "scheduleExpressionTimezone",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
    r(K::Schedule, "state", InPlace, "scheduler:UpdateSchedule"),
    r(
        K::Schedule,
        "description",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
    r(
        K::Schedule,
        "flexibleTimeWindow",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
    r(K::Schedule, "target", InPlace, "scheduler:UpdateSchedule"),
    r(
        K::Schedule,
        "startDate",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
    r(K::Schedule, "endDate", InPlace, "scheduler:UpdateSchedule"),
    r(
        K::Schedule,
        "kmsKeyArn",
        InPlace,
        "scheduler:UpdateSchedule",
    ),
];

pub fn rule(kind: ResourceKind, field: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.kind == kind && r.field == field)
}

/// The effect of one changed value. `field` is the top-level field, `before`/`after` the
/// changed value at `path` below it (None: added or removed).
pub fn effect(
    kind: ResourceKind,
    field: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Effect {
    // Cloud Map's UpdateService takes the same record types with new TTLs only: a record type
    // appearing or disappearing (the `dnsRecords.<TYPE>` key) cannot be updated.
    if kind == K::DiscoveryService && field == "dnsRecords" && (before.is_none() || after.is_none())
    {
        return Replace;
    }
    match rule(kind, field) {
        Some(r) => r.effect,
        None => {
            debug_assert!(false, "no rule for {}.{field}", kind.as_str());
            Replace
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_field_has_one_rule() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert!(
                    !(a.kind == b.kind && a.field == b.field),
                    "duplicate rule {}",
                    a.field
                );
            }
        }
    }

    #[test]
    fn table_decisions() {
        let cases: &[(ResourceKind, &str, Effect)] = &[
            (K::Service, "desiredCount", InPlace),
            (K::Service, "capacityProviderStrategy", NewDeployment),
            (K::Service, "loadBalancers", InPlace),
            (K::Service, "serviceRegistries", InPlace),
            (K::Service, "cluster", Replace),
            (K::TaskDefinition, "containerDefinitions", NewRevision),
            (K::TaskDefinition, "tags", InPlace),
            (K::DiscoveryService, "routingPolicy", Replace),
            (K::ScalingTarget, "maxCapacity", InPlace),
        ];
        for (kind, field, want) in cases {
            assert_eq!(
                effect(*kind, field, Some(&json!(1)), Some(&json!(2))),
                *want,
                "{field}"
            );
        }
    }

    #[test]
    fn dns_ttl_updates_in_place_but_a_new_record_type_replaces() {
        let k = K::DiscoveryService;
        assert_eq!(
            effect(k, "dnsRecords", Some(&json!(60)), Some(&json!(10))),
            InPlace
        );
        assert_eq!(effect(k, "dnsRecords", None, Some(&json!(10))), Replace);
        assert_eq!(effect(k, "dnsRecords", Some(&json!(10)), None), Replace);
    }
}
