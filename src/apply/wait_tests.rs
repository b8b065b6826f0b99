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

/// The deployment `in_progress()` / `completed()` name as PRIMARY, as the write's response did.
fn mark(updated_at: f64) -> DeploymentMark {
    DeploymentMark {
        id: "ecs-svc/1111111111111111111".into(),
        updated_at,
    }
}

fn expect(m: &DeploymentMark) -> Expected<'_> {
    Expected {
        task_definition: Some(TD2),
        deployment: Some(m),
    }
}

const NOW: Duration = Duration::from_secs(1);
const LATE: Duration = Duration::from_secs(61);

#[test]
fn missing_right_after_create_is_pending_until_the_grace_passes() {
    let m = mark(0.0);
    let missing = ServiceRollout {
        service_name: "ohi-prod-api".into(),
        status: "MISSING".into(),
        ..Default::default()
    };
    let v = assess(&missing, expect(&m), NOW);
    assert_eq!(
        v,
        Verdict::Pending("ECS does not list the service yet (MISSING)".into())
    );
    assert_eq!(
        assess(&missing, expect(&m), LATE),
        Verdict::Failed("the service is MISSING".into())
    );
}

#[test]
fn a_read_that_still_shows_the_old_deployment_is_pending_not_a_rollback() {
    // Before: only the old deployment, on TD1 (what a lagging replica answers after
    // UpdateService). The old rule called this "rolled back".
    let mut old = completed();
    old.deployments[0].id = Some("ecs-svc/2222222222222222222".into());
    old.deployments[0].task_definition = Some(TD1.into());
    assert!(has_failed(&old, Some(TD2)).is_some());
    let m = mark(0.0);
    assert_eq!(
        assess(&old, expect(&m), NOW),
        Verdict::Pending("ECS still reports the service as before the change".into())
    );
    assert!(matches!(assess(&old, expect(&m), LATE), Verdict::Failed(_)));
}

#[test]
fn an_update_of_the_same_deployment_counts_only_once_its_update_time_is_seen() {
    // A count-only update keeps the deployment id; a lagging read has the older updatedAt.
    let s = completed(); // no updatedAt in the fixture: 0
    let newer = mark(1.7e9);
    assert!(!caught_up(&s, Some(&newer)));
    assert!(matches!(
        assess(&s, expect(&newer), NOW),
        Verdict::Pending(_)
    ));
    let mut fresh = completed();
    fresh.deployments[0].updated_at = 1.7e9;
    assert_eq!(assess(&fresh, expect(&newer), NOW), Verdict::Stable);
}

#[test]
fn a_caught_up_rollout_in_progress_is_pending_and_completes() {
    let m = mark(1.7e9);
    assert_eq!(
        assess(&in_progress(), expect(&m), NOW),
        Verdict::Pending("running 2/2, pending 1, 2 deployments, IN_PROGRESS".into())
    );
}

#[test]
fn our_failed_deployment_and_the_rollback_after_it_fail_by_id() {
    let m = mark(0.0);
    let v = assess(&rolled_back(), expect(&m), NOW);
    assert_eq!(
        v,
        Verdict::Failed(
            "deployment `ecs-svc/1111111111111111111` failed: ECS deployment circuit breaker: \
             tasks failed to start."
                .into()
        )
    );
    // The rollback finished: ours is no longer listed... then the read has not caught up, and
    // after the grace the PRIMARY on the old revision is the reason.
    let mut done = rolled_back();
    done.deployments.truncate(1);
    assert!(matches!(
        assess(&done, expect(&m), NOW),
        Verdict::Pending(_)
    ));
    let Verdict::Failed(why) = assess(&done, expect(&m), LATE) else {
        panic!("not failed")
    };
    assert!(why.contains("rolled back"), "{why}");
    // Ours still listed (not failed yet) while another PRIMARY runs the old revision.
    let mut superseded = rolled_back();
    superseded.deployments[1].rollout_state = Some("IN_PROGRESS".into());
    let Verdict::Failed(why) = assess(&superseded, expect(&m), NOW) else {
        panic!("not failed")
    };
    assert_eq!(
        why,
        "the deployment was rolled back: the service runs `ohi-prod-api:6`, not `ohi-prod-api:7`"
    );
}

#[test]
fn an_older_failed_deployment_is_history_once_ours_is_followed() {
    let mut s = in_progress();
    s.deployments[1].rollout_state = Some("FAILED".into());
    let m = mark(1.7e9);
    assert!(has_failed(&s, Some(TD2)).is_some());
    assert!(matches!(assess(&s, expect(&m), NOW), Verdict::Pending(_)));
}

/// A deployment that failed and was rolled back before the first read (an alarm in ALARM at
/// once): ours is no longer listed, the PRIMARY is the old revision, and ECS's event about our
/// deployment says why. That read is caught up, and the failure carries the event's reason.
#[test]
fn a_deployment_gone_before_the_first_read_fails_with_its_event() {
    let m = mark(0.0);
    let mut s = completed();
    s.deployments[0].id = Some("ecs-svc/2222222222222222222".into());
    s.deployments[0].task_definition = Some(TD1.into());
    s.events.insert(
        0,
        ServiceEvent {
            id: "e1".into(),
            created_at: 1.0,
            message: "(service ohi-prod-api) (deployment ecs-svc/1111111111111111111) deployment failed: alarm(s) api-5xx detected.".into(),
        },
    );
    assert_eq!(
        assess(&s, expect(&m), NOW),
        Verdict::Failed(
            "deployment `ecs-svc/1111111111111111111` failed and was rolled back: alarm(s) api-5xx detected.".into()
        )
    );
}
