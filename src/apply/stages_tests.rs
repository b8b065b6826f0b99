//! Stages and failures read from DescribeServiceDeployments responses as AWS publishes them
//! (tests/fixtures/aws/), through the SDK's deserializer; the blue/green shapes are derived
//! from the published one in the open, each with the field the API reference documents.

use serde_json::{Value, json};

use super::*;
use crate::aws::fixtures::{DESCRIBE_SERVICE_DEPLOYMENTS, service_deployment_states, wire};

fn published() -> Value {
    wire(DESCRIBE_SERVICE_DEPLOYMENTS)
}

/// The published deployment with `fields` set on it (ServiceDeployment's documented fields).
fn with(fields: Value) -> ServiceDeploymentState {
    let mut v = published();
    let d = v["serviceDeployments"][0].as_object_mut().unwrap();
    for (k, val) in fields.as_object().unwrap() {
        d.insert(k.clone(), val.clone());
    }
    service_deployment_states(&v).remove(0)
}

const WATCH: StageWatch = StageWatch { bake_minutes: 5 };

#[test]
fn the_published_successful_deployment_is_no_failure() {
    let d = service_deployment_states(&published()).remove(0);
    assert_eq!(d.status.as_deref(), Some("SUCCESSFUL"));
    assert_eq!(failure(&d), None);
    assert_eq!(stage_words(&d, WATCH, 0), "deployment in progress");
}

#[test]
fn each_stage_reads_as_words_and_baking_counts_minutes() {
    let cases = [
        ("PRE_SCALE_UP", 0, "before scaling up the new revision"),
        ("SCALE_UP", 0, "starting the new revision"),
        ("TEST_TRAFFIC_SHIFT", 0, "shifting test traffic"),
        ("POST_TEST_TRAFFIC_SHIFT", 0, "test traffic shifted"),
        ("PRODUCTION_TRAFFIC_SHIFT", 0, "shifting production traffic"),
        ("BAKE_TIME", 185, "baking 3 of 5 min"),
        ("CLEAN_UP", 0, "stopping the old revision"),
    ];
    for (stage, baking, want) in cases {
        let d = with(json!({"status": "IN_PROGRESS", "lifecycleStage": stage}));
        assert_eq!(d.lifecycle_stage.as_deref(), Some(stage));
        assert_eq!(stage_words(&d, WATCH, baking), want, "{stage}");
        assert_eq!(failure(&d), None, "{stage}");
    }
}

#[test]
fn a_rollback_is_a_failure_with_ecs_reason_and_the_alarms() {
    let d = with(json!({
        "status": "ROLLBACK_SUCCESSFUL",
        "statusReason": "Service deployment rolled back because of alarm",
        "rollback": {"reason": "CloudWatch alarm web-5xx in ALARM", "startedAt": 1730376300.0},
        "alarms": {"status": "TRIGGERED", "alarmNames": ["web-5xx"], "triggeredAlarmNames": ["web-5xx"]}
    }));
    assert_eq!(
        failure(&d).as_deref(),
        Some(
            "ECS rolled the deployment back (ROLLBACK_SUCCESSFUL): CloudWatch alarm web-5xx in ALARM (alarms in ALARM: web-5xx)"
        )
    );
    let stopped = with(json!({"status": "STOPPED", "statusReason": "stopped by user"}));
    assert_eq!(
        failure(&stopped).as_deref(),
        Some("the deployment was stopped (STOPPED): stopped by user")
    );
}

#[test]
fn ours_is_the_newest_created_after_the_write() {
    let listed = vec![("new".to_string(), 105.0), ("old".to_string(), 90.0)];
    assert_eq!(ours(&listed, 100.0), Some("new"));
    assert_eq!(ours(&listed, 110.0), None);
}
