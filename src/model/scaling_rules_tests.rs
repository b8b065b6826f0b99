//! Table tests of queue, custom-metric, step and scheduled scaling: what each key builds, and
//! the located error of each mistake.

use super::resources::*;
use super::testkit::{Want, assert_errors, ok, want as w};

const INSIGHTS: &str = "cluster:\n  containerInsights: enabled\n";

/// A worker with `autoscaling` lines appended (each indented under it).
fn worker(lines: &str) -> String {
    let body: String = lines.lines().map(|l| format!("      {l}\n")).collect();
    format!(
        "{INSIGHTS}services:\n  worker:\n    image: busybox\n    autoscaling:\n      min: 1\n      max: 4\n{body}"
    )
}

#[test]
fn each_kind_builds_its_policy_schedule_and_names() {
    let (d, _) = ok(&worker(
        "sqsQueue: {name: \"{app}-{env}-jobs\", messagesPerTask: 100}
customMetric: {namespace: Shop, name: Jobs In Flight, dimensions: {Queue: jobs}, statistic: Maximum, target: 20}
scaleOutCooldown: 120
steps:
  - {metric: cpu, above: 60, minutes: 2, change: 2}
  - {metric: cpu, below: 30, minutes: 5, change: -1}
  - {customMetric: {namespace: Shop, name: Jobs In Flight}, above: 500, change: 3, cooldown: 30}
schedule:
  - {name: night, cron: \"0 20 ? * MON-FRI *\", timezone: Europe/Berlin, min: 0, max: 0}
  - {cron: \"cron(0 7 ? * MON-FRI *)\", min: 2, max: 6}",
    ));
    let t = &d.scaling_targets[0];
    let names: Vec<&str> = t.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "shop-prod-worker-queue",
            "shop-prod-worker-metric",
            "shop-prod-worker-cpu-above",
            "shop-prod-worker-cpu-below",
            "shop-prod-worker-jobs-in-flight-above",
        ]
    );
    assert_eq!(
        t.policies[0].metric,
        ScalingMetric::SqsBacklog {
            queue: "shop-prod-jobs".into(),
            cluster: "shop-prod".into(),
            service: "shop-prod-worker".into(),
        }
    );
    let PolicyRule::TargetTracking { target_value, .. } = t.policies[0].rule else {
        panic!("{:?}", t.policies[0]);
    };
    assert_eq!(target_value, 100.0);
    let ScalingMetric::Custom(m) = &t.policies[1].metric else {
        panic!("{:?}", t.policies[1]);
    };
    assert_eq!(
        (m.namespace.as_str(), m.name.as_str(), m.statistic.as_str()),
        ("Shop", "Jobs In Flight", "Maximum")
    );
    let step = |i: usize| match &t.policies[i].rule {
        PolicyRule::Step(s) => (s.above, s.threshold, s.minutes, s.change, s.cooldown),
        other => panic!("{other:?}"),
    };
    // Cooldowns: scaleOutCooldown for a positive change, scaleInCooldown (300) for a
    // negative one, unless the rule sets its own; one minute when `minutes` is not written.
    assert_eq!(step(2), (true, 60.0, 2, 2, 120));
    assert_eq!(step(3), (false, 30.0, 5, -1, 300));
    assert_eq!(step(4), (true, 500.0, 1, 3, 30));
    let ScalingMetric::Custom(m) = &t.policies[4].metric else {
        panic!();
    };
    assert_eq!(m.statistic, "Average", "the default statistic");
    assert_eq!(
        t.schedules,
        [
            ScalingSchedule {
                name: "shop-prod-worker-night".into(),
                expression: "cron(0 20 ? * MON-FRI *)".into(),
                timezone: "Europe/Berlin".into(),
                min: 0,
                max: 0,
            },
            ScalingSchedule {
                name: "shop-prod-worker-schedule-2".into(),
                expression: "cron(0 7 ? * MON-FRI *)".into(),
                timezone: "UTC".into(),
                min: 2,
                max: 6,
            },
        ]
    );
    // The service's count may be anywhere a schedule puts the range (0 at night, 6 by day).
    assert_eq!(
        d.services[0].autoscaling,
        Some(CountRange { min: 0, max: 6 })
    );
    assert_eq!(t.widest(), (0, 6));
}

#[test]
fn each_mistake_is_a_located_error() {
    // `worker` puts the autoscaling lines from line 9 of `extra` (after BASE).
    let at = |s: &str| worker(s);
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "queue without a name",
            at("sqsQueue: {messagesPerTask: 10}"),
            w(
                "services.worker.autoscaling.sqsQueue.name",
                "sqsQueue has no `name`",
                9,
            ),
        ),
        (
            "queue URL",
            at(
                "sqsQueue: {name: \"https://sqs.eu-west-1.amazonaws.com/1/jobs\", messagesPerTask: 10}",
            ),
            w(
                "services.worker.autoscaling.sqsQueue.name",
                "`https://sqs.eu-west-1.amazonaws.com/1/jobs` is not a queue name",
                9,
            ),
        ),
        (
            "queue backlog 0",
            at("sqsQueue: {name: jobs, messagesPerTask: 0}"),
            w(
                "services.worker.autoscaling.sqsQueue.messagesPerTask",
                "messagesPerTask `0` must be above 0",
                9,
            ),
        ),
        (
            "queue without Container Insights",
            "services:\n  worker:\n    image: busybox\n    autoscaling:\n      max: 4\n      sqsQueue: {name: jobs, messagesPerTask: 10}\n".to_string(),
            w(
                "services.worker.autoscaling.sqsQueue",
                "sqsQueue scaling divides by the service's running tasks, a Container Insights metric, and the cluster has Container Insights off",
                6,
            ),
        ),
        (
            "custom metric without a target",
            at("customMetric: {namespace: Shop, name: Jobs}"),
            w(
                "services.worker.autoscaling.customMetric.target",
                "customMetric has no `target`",
                9,
            ),
        ),
        (
            "custom metric statistic",
            at("customMetric: {namespace: Shop, name: Jobs, statistic: p99, target: 5}"),
            w(
                "services.worker.autoscaling.customMetric.statistic",
                "statistic `p99` is not one CloudWatch takes here",
                9,
            ),
        ),
        (
            "custom metric without a namespace",
            at("customMetric: {name: Jobs, target: 5}"),
            w(
                "services.worker.autoscaling.customMetric.namespace",
                "customMetric has no `namespace`",
                9,
            ),
        ),
        (
            "step without a metric",
            at("steps:\n  - {above: 60, change: 1}"),
            w(
                "services.worker.autoscaling.steps[0].metric",
                "a step rule has no `metric`",
                10,
            ),
        ),
        (
            "step both ways",
            at("steps:\n  - {metric: cpu, above: 60, below: 20, change: 1}"),
            w(
                "services.worker.autoscaling.steps[0].above",
                "a step rule has both `above` and `below`",
                10,
            ),
        ),
        (
            "step without a threshold",
            at("steps:\n  - {metric: memory, change: 1}"),
            w(
                "services.worker.autoscaling.steps[0].above",
                "a step rule has no threshold",
                10,
            ),
        ),
        (
            "step change 0",
            at("steps:\n  - {metric: cpu, above: 60, change: 0}"),
            w(
                "services.worker.autoscaling.steps[0].change",
                "change `0` does nothing: add (positive) or remove (negative) tasks",
                10,
            ),
        ),
        (
            "step over a day",
            at("steps:\n  - {metric: cpu, above: 60, minutes: 1441, change: 1}"),
            w(
                "services.worker.autoscaling.steps[0].minutes",
                "minutes `1441` must be 1 to 1440 (CloudWatch evaluates at most one day)",
                10,
            ),
        ),
        (
            "step with a target",
            at(
                "steps:\n  - {customMetric: {namespace: Shop, name: Jobs, target: 3}, above: 60, change: 1}",
            ),
            w(
                "services.worker.autoscaling.steps[0].customMetric.target",
                "a step rule has no `target`",
                10,
            ),
        ),
        (
            "two rules one name",
            at(
                "steps:\n  - {metric: cpu, above: 60, change: 1}\n  - {metric: cpu, above: 80, change: 2}",
            ),
            w(
                "services.worker.autoscaling.steps[1]",
                "two step rules would both be named `shop-prod-worker-cpu-above`",
                10,
            ),
        ),
        (
            "schedule without cron",
            at("schedule:\n  - {name: night, min: 0, max: 0}"),
            w(
                "services.worker.autoscaling.schedule[0].cron",
                "scheduled action has no `cron`",
                10,
            ),
        ),
        (
            "schedule with five fields",
            at("schedule:\n  - {cron: \"0 20 * * MON-FRI\", min: 0, max: 0}"),
            w(
                "services.worker.autoscaling.schedule[0].cron",
                "cron `cron(0 20 * * MON-FRI)` has 5 fields; EventBridge needs 6",
                10,
            ),
        ),
        (
            "schedule time zone",
            at(
                "schedule:\n  - {cron: \"0 20 ? * MON-FRI *\", timezone: Europe/Berlinn, min: 0, max: 0}",
            ),
            w(
                "services.worker.autoscaling.schedule[0].timezone",
                "unknown time zone `Europe/Berlinn`",
                10,
            ),
        ),
        (
            "schedule without max",
            at("schedule:\n  - {cron: \"0 20 ? * MON-FRI *\", min: 0}"),
            w(
                "services.worker.autoscaling.schedule[0].max",
                "scheduled action has no `max`",
                10,
            ),
        ),
        (
            "schedule range upside down",
            at("schedule:\n  - {cron: \"0 20 ? * MON-FRI *\", min: 3, max: 1}"),
            w(
                "services.worker.autoscaling.schedule[0].min",
                "scheduled min `3` is above max `1`",
                10,
            ),
        ),
        (
            "schedule name",
            at("schedule:\n  - {name: \"a/b\", cron: \"0 20 ? * MON-FRI *\", min: 0, max: 0}"),
            w(
                "services.worker.autoscaling.schedule[0].name",
                "schedule name `a/b` must be letters, digits, `-` or `_`",
                10,
            ),
        ),
        (
            "schedule twice",
            at(
                "schedule:\n  - {name: night, cron: \"0 20 ? * MON-FRI *\", min: 0, max: 0}\n  - {name: night, cron: \"0 21 ? * MON-FRI *\", min: 0, max: 0}",
            ),
            w(
                "services.worker.autoscaling.schedule[1].name",
                "two scheduled actions are named `shop-prod-worker-night`",
                11,
            ),
        ),
    ];
    assert_errors(&cases);
}

#[test]
fn policy_names_keep_the_names_of_policies_made_elsewhere() {
    let (d, _) = ok(&worker(
        "cpu: 70\nmemory: 80\npolicyNames: {cpu: \"cpu70 (console)\"}",
    ));
    let names: Vec<&str> = d.scaling_targets[0]
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["cpu70 (console)", "shop-prod-worker-memory"]);
    assert_errors(&[
        (
            "not a rule",
            worker("cpu: 70\npolicyNames: {steps: x}"),
            w(
                "services.worker.autoscaling.policyNames.steps",
                "`steps` is not a target tracking rule",
                10,
            ),
        ),
        (
            "a rule not set",
            worker("cpu: 70\npolicyNames: {memory: x}"),
            w(
                "services.worker.autoscaling.policyNames.memory",
                "`policyNames.memory` names a rule this autoscaling does not set",
                10,
            ),
        ),
        (
            "too long",
            worker(&format!(
                "cpu: 70\npolicyNames: {{cpu: {}}}",
                "x".repeat(257)
            )),
            w(
                "services.worker.autoscaling.policyNames.cpu",
                Box::leak(
                    format!("scaling policy name `{}` is not valid", "x".repeat(257))
                        .into_boxed_str(),
                ),
                10,
            ),
        ),
    ]);
}
