//! Scaling beyond target tracking on CPU (issue 15): target tracking on an SQS queue's backlog
//! per task and on a custom metric, step rules with the CloudWatch alarms ecsctl owns, and
//! scheduled actions. Each is created, converges, survives the night's scheduled range, is
//! updated in place and is pruned with its alarm.

use serde_json::{Value, json};

use crate::apply::{Project, change};

const FIXTURE: &str = "tests/fixtures/apply-basic";

const SCALING: &str = "cluster:\n  containerInsights: enabled\nservices:\n  worker:\n    autoscaling:\n      sqsQueue: {name: \"{app}-{env}-jobs\", messagesPerTask: 50}\n      customMetric: {namespace: Ap, name: InFlight, dimensions: {Service: worker}, statistic: Maximum, target: 10}\n      steps:\n        - {metric: cpu, above: ABOVE, minutes: 2, change: 1}\n        - {metric: cpu, below: 20, minutes: 5, change: -1}\n      schedule:\n        - {name: night, cron: \"0 20 ? * MON-FRI *\", timezone: Europe/Berlin, min: 0, max: 0}\n        - {name: morning, cron: \"cron(0 7 ? * MON-FRI *)\", timezone: Europe/Berlin, min: 1, max: 3}\n";

fn policies(p: &Project) -> Vec<Value> {
    let r = p.call(
        "application-autoscaling",
        "DescribeScalingPolicies",
        json!({"ServiceNamespace": "ecs", "ResourceId": "service/ap-test/ap-test-worker"}),
    );
    r["ScalingPolicies"].as_array().unwrap().clone()
}

fn policy(p: &Project, name: &str) -> Value {
    policies(p)
        .into_iter()
        .find(|x| x["PolicyName"] == name)
        .unwrap_or_else(|| panic!("no policy {name}"))
}

fn alarm(p: &Project, name: &str) -> Option<Value> {
    let r = p.call(
        "cloudwatch",
        "DescribeAlarms",
        json!({"AlarmNames": [name]}),
    );
    r["MetricAlarms"].as_array().unwrap().first().cloned()
}

fn schedules(p: &Project) -> Vec<String> {
    let r = p.call(
        "application-autoscaling",
        "DescribeScheduledActions",
        json!({"ServiceNamespace": "ecs"}),
    );
    let mut names: Vec<String> = r["ScheduledActions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ScheduledActionName"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn queue_metric_steps_and_schedules_converge_survive_the_night_update_and_prune() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    p.set_env_overrides(&SCALING.replace("ABOVE", "60"));
    change(
        &p,
        &[],
        &[],
        &[
            "~ cluster.ap-test",
            "+ scaling_policy.ap-test-worker-queue",
            "+ scaling_policy.ap-test-worker-metric",
            "+ scaling_policy.ap-test-worker-cpu-above",
            "+ scaling_policy.ap-test-worker-cpu-below",
            "+ scaling_schedule.ap-test-worker-night",
            "+ scaling_schedule.ap-test-worker-morning",
        ],
    );
    // The backlog per task is AWS's documented metric math, sent as written.
    let queue = policy(&p, "ap-test-worker-queue");
    let tt = &queue["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(tt["TargetValue"], 50.0);
    let metrics = tt["CustomizedMetricSpecification"]["Metrics"]
        .as_array()
        .unwrap();
    assert_eq!(metrics.len(), 3, "{tt}");
    assert_eq!(
        metrics[0]["MetricStat"]["Metric"]["MetricName"],
        "ApproximateNumberOfMessagesVisible"
    );
    assert_eq!(
        metrics[0]["MetricStat"]["Metric"]["Dimensions"][0]["Value"],
        "ap-test-jobs"
    );
    assert_eq!(
        metrics[1]["MetricStat"]["Metric"]["Namespace"],
        "ECS/ContainerInsights"
    );
    assert_eq!(metrics[2]["Expression"], "m1 / m2");
    let custom = &policy(&p, "ap-test-worker-metric")["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"];
    assert_eq!(
        (custom["MetricName"].clone(), custom["Statistic"].clone()),
        (json!("InFlight"), json!("Maximum"))
    );

    // Each step rule: a StepScaling policy and ecsctl's alarm acting on it, tagged.
    let above = policy(&p, "ap-test-worker-cpu-above");
    let step = &above["StepScalingPolicyConfiguration"];
    assert_eq!(step["StepAdjustments"][0]["ScalingAdjustment"], 1);
    assert_eq!(
        step["Cooldown"], 60,
        "a scale-out rule takes scaleOutCooldown"
    );
    let a = alarm(&p, "ap-test-worker-cpu-above").expect("the step rule's alarm");
    assert_eq!(a["AlarmActions"][0], above["PolicyARN"]);
    assert_eq!(
        (a["Threshold"].clone(), a["EvaluationPeriods"].clone()),
        (json!(60.0), json!(2))
    );
    assert_eq!(a["Namespace"], "AWS/ECS");
    let tags = p.call(
        "cloudwatch",
        "ListTagsForResource",
        json!({"ResourceARN": a["AlarmArn"]}),
    );
    assert!(tags["Tags"].to_string().contains("ecsctl:env"), "{tags}");
    assert_eq!(
        policy(&p, "ap-test-worker-cpu-below")["StepScalingPolicyConfiguration"]["Cooldown"],
        300,
        "a scale-in rule takes scaleInCooldown"
    );
    assert_eq!(
        schedules(&p),
        ["ap-test-worker-morning", "ap-test-worker-night"]
    );

    // The night: the scheduled action set the range to 0..0 and AAS the count to 0. Nothing
    // to change: the range is the schedule's, the count within it.
    p.call(
        "application-autoscaling",
        "RegisterScalableTarget",
        json!({"ServiceNamespace": "ecs", "ResourceId": "service/ap-test/ap-test-worker",
               "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 0, "MaxCapacity": 0}),
    );
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-worker", "desiredCount": 0}),
    );
    p.acct.call_until(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-worker"]}),
        |v| v["services"][0]["desiredCount"] == 0,
    );
    p.assert_converged(&[]);

    // A new threshold updates the policy's alarm in place.
    p.set_env_overrides(&SCALING.replace("ABOVE", "75"));
    change(&p, &[], &[], &["~ scaling_policy.ap-test-worker-cpu-above"]);
    let a = alarm(&p, "ap-test-worker-cpu-above").unwrap();
    assert_eq!(a["Threshold"], 75.0);
    assert_eq!(
        a["AlarmActions"][0],
        policy(&p, "ap-test-worker-cpu-above")["PolicyARN"]
    );

    // Dropping them prunes the policies, the scheduled actions and the alarms; the range the
    // night left goes back to the spec's, and the count into it.
    p.set_env_overrides("cluster:\n  containerInsights: enabled\n");
    change(
        &p,
        &[],
        &[],
        &[
            "~ scaling_target.worker",
            "~ service.worker",
            "- scaling_policy.ap-test-worker-queue",
            "- scaling_policy.ap-test-worker-metric",
            "- scaling_policy.ap-test-worker-cpu-above",
            "- scaling_policy.ap-test-worker-cpu-below",
            "- scaling_schedule.ap-test-worker-night",
            "- scaling_schedule.ap-test-worker-morning",
        ],
    );
    let names: Vec<Value> = policies(&p)
        .iter()
        .map(|x| x["PolicyName"].clone())
        .collect();
    assert_eq!(names, [json!("ap-test-worker-cpu")]);
    assert!(schedules(&p).is_empty());
    assert_eq!(alarm(&p, "ap-test-worker-cpu-above"), None);
    assert_eq!(alarm(&p, "ap-test-worker-cpu-below"), None);
}
