//! The predicates on DescribeServices responses as AWS returns them (shapes from the ECS API
//! reference and real rollouts), and the poll loop's timing on a paused clock.

use std::time::Duration;

use serde_json::json;

use super::*;

const TD1: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ohi-prod-api:6";
const TD2: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ohi-prod-api:7";

fn service(v: serde_json::Value) -> ServiceRollout {
    serde_json::from_value(v).expect("fixture is a DescribeServices service")
}

/// A rollout in progress: the new PRIMARY deployment starting, the old one still serving.
fn in_progress() -> ServiceRollout {
    service(json!({
        "serviceArn": "arn:aws:ecs:eu-west-1:123456789012:service/ohi-prod/ohi-prod-api",
        "serviceName": "ohi-prod-api", "status": "ACTIVE",
        "desiredCount": 2, "runningCount": 2, "pendingCount": 1,
        "deployments": [
            {"id": "ecs-svc/1111111111111111111", "status": "PRIMARY", "taskDefinition": TD2,
             "desiredCount": 2, "pendingCount": 1, "runningCount": 0, "failedTasks": 0,
             "createdAt": 1.7e9, "updatedAt": 1.7e9, "rolloutState": "IN_PROGRESS",
             "rolloutStateReason": "ECS deployment ecs-svc/1111111111111111111 in progress."},
            {"id": "ecs-svc/2222222222222222222", "status": "ACTIVE", "taskDefinition": TD1,
             "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "failedTasks": 0,
             "rolloutState": "COMPLETED",
             "rolloutStateReason": "ECS deployment ecs-svc/2222222222222222222 completed."}
        ],
        "events": [{"id": "e1", "createdAt": 1.7e9,
                    "message": "(service ohi-prod-api) has started 1 tasks: (task 0123)."}]
    }))
}

fn completed() -> ServiceRollout {
    service(json!({
        "serviceName": "ohi-prod-api", "status": "ACTIVE",
        "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
        "deployments": [
            {"id": "ecs-svc/1111111111111111111", "status": "PRIMARY", "taskDefinition": TD2,
             "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "failedTasks": 0,
             "rolloutState": "COMPLETED",
             "rolloutStateReason": "ECS deployment ecs-svc/1111111111111111111 completed."}
        ],
        "events": [{"id": "e2", "createdAt": 1.7e9,
                    "message": "(service ohi-prod-api) has reached a steady state."}]
    }))
}

/// The circuit breaker tripped with rollback on: the failed deployment is FAILED and a new
/// PRIMARY deployment runs the previous revision.
fn rolled_back() -> ServiceRollout {
    service(json!({
        "serviceName": "ohi-prod-api", "status": "ACTIVE",
        "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
        "deployments": [
            {"id": "ecs-svc/3333333333333333333", "status": "PRIMARY", "taskDefinition": TD1,
             "desiredCount": 2, "runningCount": 2, "pendingCount": 0, "failedTasks": 0,
             "rolloutState": "IN_PROGRESS",
             "rolloutStateReason": "ECS deployment detected failure. Rolling back to ecs-svc/2222222222222222222."},
            {"id": "ecs-svc/1111111111111111111", "status": "ACTIVE", "taskDefinition": TD2,
             "desiredCount": 0, "runningCount": 0, "pendingCount": 0, "failedTasks": 3,
             "rolloutState": "FAILED",
             "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start."}
        ]
    }))
}

#[test]
fn stable_needs_one_completed_deployment_of_the_expected_revision() {
    assert!(is_stable(&completed(), Some(TD2)));
    assert!(is_stable(&completed(), None));
    // The short form matches the ARN (moto stores what UpdateService was sent).
    assert!(is_stable(&completed(), Some("ohi-prod-api:7")));
    assert!(!is_stable(&completed(), Some(TD1)));
    assert!(!is_stable(&in_progress(), Some(TD2)));
    assert!(!is_stable(&rolled_back(), Some(TD2)));
}

#[test]
fn stable_without_rollout_state_follows_the_aws_waiter() {
    let mut s = completed();
    s.deployments[0].rollout_state = None;
    assert!(is_stable(&s, None));
    s.running_count = 1;
    assert!(!is_stable(&s, None));
    let mut drained = completed();
    drained.status = "DRAINING".into();
    assert!(!is_stable(&drained, None));
}

#[test]
fn failure_is_a_failed_rollout_a_rollback_or_a_gone_service() {
    assert_eq!(has_failed(&completed(), Some(TD2)), None);
    assert_eq!(has_failed(&in_progress(), Some(TD2)), None);
    let why = has_failed(&rolled_back(), Some(TD2)).unwrap();
    assert!(
        why.contains("circuit breaker: tasks failed to start"),
        "{why}"
    );
    let mut quietly_rolled_back = rolled_back();
    quietly_rolled_back.deployments.truncate(1);
    let why = has_failed(&quietly_rolled_back, Some(TD2)).unwrap();
    assert!(
        why.contains("rolled back") && why.contains("ohi-prod-api:6"),
        "{why}"
    );
    let mut inactive = completed();
    inactive.status = "INACTIVE".into();
    assert_eq!(
        has_failed(&inactive, None).unwrap(),
        "the service is INACTIVE"
    );
}

#[test]
fn progress_names_counts_and_state() {
    assert_eq!(
        in_progress().progress(),
        "running 2/2, pending 1, 2 deployments, IN_PROGRESS"
    );
    assert_eq!(completed().progress(), "running 2/2, COMPLETED");
}

/// Real time, in milliseconds (tokio's paused clock needs the `test-util` feature, which the
/// crate does not pull in for one test).
#[tokio::test]
async fn poll_times_out_and_returns_as_soon_as_done() {
    let ms = Duration::from_millis;
    let started = std::time::Instant::now();
    let mut calls = 0;
    let r: Result<(), PollError<()>> = poll(ms(120), ms(10), ms(40), || {
        calls += 1;
        async { Ok(None) }
    })
    .await;
    assert_eq!(r, Err(PollError::TimedOut { after: ms(120) }));
    assert!(started.elapsed() >= ms(120));
    // 0, 10, 25, 47.5, 87.5, then capped at the deadline: the last check runs at the deadline.
    assert!((4..=7).contains(&calls), "{calls} checks");

    let mut n = 0;
    let r: Result<u32, PollError<()>> = poll(Duration::from_secs(60), ms(1), ms(2), || {
        n += 1;
        let v = n;
        async move { Ok((v == 3).then_some(v)) }
    })
    .await;
    assert_eq!(r, Ok(3));
    let failed: Result<(), PollError<&str>> =
        poll(ms(50), ms(1), ms(1), || async { Err("boom") }).await;
    assert_eq!(failed, Err(PollError::Failed("boom")));
}
