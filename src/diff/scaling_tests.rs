//! Decisions on step rules (with their alarms), queue and custom-metric target tracking, and
//! scheduled actions, against live state shaped as AWS returns it: dimensions and metric math
//! in AWS's order, `ReturnData` and `DatapointsToAlarm` omitted, `Timezone` absent, a policy
//! ARN with AWS's generated id.

use crate::diff::diff;
use crate::diff::fixtures::{converged, desired, find};
use crate::live::*;
use crate::model::*;
use crate::plan::Action;

const TARGET: &str = "service/ohi-prod/ohi-prod-api";
const STEP: &str = "ohi-prod-api-cpu-above";
const QUEUE: &str = "ohi-prod-api-queue";

fn step_rule() -> ScalingPolicy {
    ScalingPolicy {
        name: STEP.into(),
        metric: ScalingMetric::Cpu,
        rule: PolicyRule::Step(StepRule {
            above: true,
            threshold: 60.0,
            minutes: 2,
            change: 1,
            cooldown: 60,
            tags: Default::default(),
        }),
    }
}

fn queue_rule() -> ScalingPolicy {
    ScalingPolicy {
        name: QUEUE.into(),
        metric: ScalingMetric::SqsBacklog {
            queue: "ohi-prod-jobs".into(),
            cluster: "ohi-prod".into(),
            service: "ohi-prod-api".into(),
        },
        rule: PolicyRule::TargetTracking {
            target_value: 100.0,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,
        },
    }
}

fn night() -> ScalingSchedule {
    ScalingSchedule {
        name: "ohi-prod-api-night".into(),
        expression: "cron(0 20 ? * MON-FRI *)".into(),
        timezone: "UTC".into(),
        min: 0,
        max: 0,
    }
}

fn policy_arn(name: &str) -> String {
    format!(
        "arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:6d8972f3-efc8-437c-92d1-6270f29a66e7:resource/ecs/{TARGET}:policyName/{name}"
    )
}

fn metric(namespace: &str, name: &str, dims: &[(&str, &str)]) -> Option<LiveMetric> {
    Some(LiveMetric {
        namespace: Some(namespace.into()),
        name: Some(name.into()),
        dimensions: dims
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

fn live_policy(name: &str, policy_type: &str) -> LiveScalingPolicy {
    LiveScalingPolicy {
        name: name.into(),
        arn: policy_arn(name),
        policy_type: policy_type.into(),
        target_value: None,
        predefined_metric: None,
        resource_label: None,
        scale_in_cooldown: None,
        scale_out_cooldown: None,
        disable_scale_in: None,
        customized: None,
        step: None,
        alarm_names: vec![],
    }
}

/// The spec with the step rule, the queue rule and the night; live as AWS would hold them.
fn pair() -> (Desired, Live) {
    let mut d = desired();
    d.scaling_targets[0]
        .policies
        .extend([step_rule(), queue_rule()]);
    d.scaling_targets[0].schedules.push(night());
    let mut l = converged();
    let mut step = live_policy(STEP, "StepScaling");
    step.step = Some(LiveStepConfig {
        adjustment_type: Some("ChangeInCapacity".into()),
        cooldown: Some(60),
        aggregation: Some("Average".into()),
        adjustments: vec![(Some(0.0), None, 1)],
    });
    step.alarm_names = vec![STEP.into()];
    let mut queue = live_policy(QUEUE, "TargetTrackingScaling");
    queue.target_value = Some(100.0);
    queue.scale_in_cooldown = Some(300);
    queue.scale_out_cooldown = Some(60);
    queue.customized = Some(LiveCustomizedMetric {
        queries: vec![
            LiveMetricQuery {
                id: "e1".into(),
                expression: Some("m1 / m2".into()),
                return_data: None,
                ..Default::default()
            },
            LiveMetricQuery {
                id: "m2".into(),
                metric: metric(
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    &[("ServiceName", "ohi-prod-api"), ("ClusterName", "ohi-prod")],
                ),
                stat: Some("Average".into()),
                return_data: Some(false),
                ..Default::default()
            },
            LiveMetricQuery {
                id: "m1".into(),
                metric: metric(
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    &[("QueueName", "ohi-prod-jobs")],
                ),
                stat: Some("Sum".into()),
                return_data: Some(false),
                ..Default::default()
            },
        ],
        ..Default::default()
    });
    l.scaling_targets[0].policies.extend([step, queue]);
    l.scaling_targets[0].schedules.push(LiveScalingSchedule {
        name: "ohi-prod-api-night".into(),
        schedule: "cron(0 20 ? * MON-FRI *)".into(),
        timezone: None,
        min: Some(0),
        max: Some(0),
    });
    l.alarms.push(LiveAlarm {
        name: STEP.into(),
        metric: metric(
            "AWS/ECS",
            "CPUUtilization",
            &[("ServiceName", "ohi-prod-api"), ("ClusterName", "ohi-prod")],
        )
        .unwrap(),
        statistic: Some("Average".into()),
        unit: None,
        period: Some(60),
        evaluation_periods: Some(2),
        datapoints_to_alarm: None,
        threshold: Some(60.0),
        comparison: Some("GreaterThanThreshold".into()),
        actions_enabled: Some(true),
        alarm_actions: vec![policy_arn(STEP)],
    });
    (d, l)
}

fn action(d: &Desired, l: &Live, address: &str) -> Action {
    find(&diff(d, l), address).action
}

#[test]
fn aws_shaped_live_state_is_converged() {
    let (d, l) = pair();
    let changes = diff(&d, &l);
    for address in [
        "scaling_target.api",
        "scaling_policy.ohi-prod-api-cpu-above",
        "scaling_policy.ohi-prod-api-queue",
        "scaling_schedule.ohi-prod-api-night",
    ] {
        let c = find(&changes, address);
        assert_eq!(c.action, Action::NoOp, "{address}: {:?}", c.fields);
    }
}

#[test]
fn drift_in_each_part_is_an_update_or_a_create() {
    type Mutate = fn(&mut Desired, &mut Live);
    let cases: Vec<(&str, Mutate, &str, Action)> = vec![
        (
            "threshold",
            |d, _| {
                if let PolicyRule::Step(s) = &mut d.scaling_targets[0].policies[1].rule {
                    s.threshold = 75.0;
                }
            },
            "scaling_policy.ohi-prod-api-cpu-above",
            Action::Update,
        ),
        (
            "alarm gone",
            |_, l| l.alarms.clear(),
            "scaling_policy.ohi-prod-api-cpu-above",
            Action::Update,
        ),
        (
            "alarm acting on something else",
            |_, l| {
                l.alarms[0].alarm_actions = vec!["arn:aws:sns:eu-west-1:123456789012:pager".into()]
            },
            "scaling_policy.ohi-prod-api-cpu-above",
            Action::Update,
        ),
        (
            "an alarm of the same name the policy does not list is not its alarm",
            |_, l| l.scaling_targets[0].policies[1].alarm_names = vec!["someone-elses".into()],
            "scaling_policy.ohi-prod-api-cpu-above",
            Action::Update,
        ),
        (
            "step policy gone",
            |_, l| {
                l.scaling_targets[0].policies.remove(1);
            },
            "scaling_policy.ohi-prod-api-cpu-above",
            Action::Create,
        ),
        (
            "queue renamed",
            |d, _| {
                if let ScalingMetric::SqsBacklog { queue, .. } =
                    &mut d.scaling_targets[0].policies[2].metric
                {
                    *queue = "ohi-prod-other".into();
                }
            },
            "scaling_policy.ohi-prod-api-queue",
            Action::Update,
        ),
        (
            "schedule moved",
            |d, _| d.scaling_targets[0].schedules[0].expression = "cron(0 21 ? * MON-FRI *)".into(),
            "scaling_schedule.ohi-prod-api-night",
            Action::Update,
        ),
        (
            "schedule in Berlin",
            |d, _| d.scaling_targets[0].schedules[0].timezone = "Europe/Berlin".into(),
            "scaling_schedule.ohi-prod-api-night",
            Action::Update,
        ),
        (
            "schedule gone",
            |_, l| l.scaling_targets[0].schedules.clear(),
            "scaling_schedule.ohi-prod-api-night",
            Action::Create,
        ),
    ];
    for (name, mutate, address, want) in cases {
        let (mut d, mut l) = pair();
        mutate(&mut d, &mut l);
        assert_eq!(action(&d, &l, address), want, "{name}");
    }
}

/// At night the scheduled action has set the range to 0..0 and AAS the count to 0: nothing
/// to change. A range no schedule sets is drift.
#[test]
fn the_range_a_schedule_set_is_converged_and_another_is_drift() {
    let (mut d, mut l) = pair();
    d.services[0].autoscaling = Some(CountRange { min: 0, max: 6 });
    (l.scaling_targets[0].min, l.scaling_targets[0].max) = (0, 0);
    l.services[0].desired_count = 0;
    assert_eq!(action(&d, &l, "scaling_target.api"), Action::NoOp);
    assert_eq!(action(&d, &l, "service.api"), Action::NoOp);
    (l.scaling_targets[0].min, l.scaling_targets[0].max) = (0, 1);
    let c = find(&diff(&d, &l), "scaling_target.api");
    assert_eq!(c.action, Action::Update);
    assert_eq!(
        c.fields.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        ["minCapacity", "maxCapacity"]
    );
}

/// Pruning: a step rule the spec dropped goes with its alarm named in the deletion; a
/// scheduled action the spec dropped goes too; one not of ecsctl's naming stays.
#[test]
fn dropped_rules_and_schedules_are_deleted_foreign_ones_kept() {
    let (mut d, mut l) = pair();
    d.scaling_targets[0].policies.truncate(1);
    d.scaling_targets[0].schedules.clear();
    l.scaling_targets[0].schedules.push(LiveScalingSchedule {
        name: "by-hand".into(),
        schedule: "at(2026-12-24T18:00:00)".into(),
        timezone: None,
        min: Some(0),
        max: Some(0),
    });
    let changes = crate::diff::prune::prune(&d, &l, &Default::default());
    for address in [
        "scaling_policy.ohi-prod-api-cpu-above",
        "scaling_policy.ohi-prod-api-queue",
        "scaling_schedule.ohi-prod-api-night",
    ] {
        assert_eq!(find(&changes, address).action, Action::Delete, "{address}");
    }
    assert_eq!(changes.len(), 3, "{changes:#?}");
    assert!(
        !changes
            .iter()
            .any(|c| c.address.to_string() == "scaling_schedule.by-hand"),
        "a scheduled action ecsctl did not name is not pruned"
    );
}
