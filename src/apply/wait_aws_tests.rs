//! `is_stable` and `has_failed` on services exactly as AWS publishes them (botocore's examples
//! and the AWS CLI's, tests/fixtures/aws/README.md), read through serde like DescribeServices
//! JSON, and checked against botocore's own ServicesStable waiter, the rule `aws ecs wait
//! services-stable` applies. Only the predicates and serde are used here.

use serde_json::Value;

use super::*;
use crate::aws::fixtures::{
    CREATE_SERVICE_PRIMARY_AND_ACTIVE, CREATE_SERVICE_ROLLOUT_STARTED, DESCRIBE_SERVICES_STEADY,
    DESCRIBE_SERVICES_UNPLACED, SERVICE_FIXTURES, UPDATE_SERVICE_COUNT_RAISED,
    UPDATE_SERVICE_ROLLING, WAITERS, services,
};

fn rollout(service: Value) -> ServiceRollout {
    serde_json::from_value(service).expect("a DescribeServices service")
}

fn first(fixture: &str) -> ServiceRollout {
    rollout(services(fixture).remove(0))
}

fn assert_waiting(name: &str, s: &ServiceRollout, deployed: Option<&str>) {
    assert!(!is_stable(s, deployed), "{name}: not stable yet");
    assert_eq!(has_failed(s, deployed), None, "{name}: not failed either");
}

#[test]
fn a_steady_service_is_stable_with_or_without_a_revision_to_check() {
    let s = first(DESCRIBE_SERVICES_STEADY);
    let deployed = "arn:aws:ecs:us-west-2:123456789012:task-definition/amazon-ecs-sample:1";
    assert!(is_stable(&s, None));
    assert!(is_stable(&s, Some(deployed)));
    assert!(is_stable(&s, Some("amazon-ecs-sample:1")), "short form");
    assert_eq!(has_failed(&s, Some(deployed)), None);
    // A revision apply did not deploy is neither stable nor silently accepted.
    assert!(!is_stable(&s, Some("amazon-ecs-sample:2")));
    assert!(has_failed(&s, Some("amazon-ecs-sample:2")).is_some());
}

/// The multi-deployment shapes: a new PRIMARY beside the old ACTIVE deployment.
#[test]
fn a_primary_beside_an_active_deployment_is_in_progress() {
    // botocore: both deployments without rollout state, 0 of 10 running.
    let s = first(CREATE_SERVICE_PRIMARY_AND_ACTIVE);
    assert_eq!(s.deployments.len(), 2);
    assert_waiting("create-service primary+active", &s, Some("hello_world:6"));
    // AWS CLI: PRIMARY IN_PROGRESS at 0/0, old ACTIVE COMPLETED at 2/2, and the service's own
    // counts already at 2/2: the second deployment alone keeps it from being stable.
    let s = first(UPDATE_SERVICE_ROLLING);
    assert_eq!((s.running_count, s.desired_count), (2, 2));
    assert_waiting("update-service rolling", &s, Some("mytaskdef:3"));
}

#[test]
fn single_deployments_still_starting_are_in_progress() {
    let unplaced = first(DESCRIBE_SERVICES_UNPLACED);
    assert!(
        unplaced.events[0]
            .message
            .contains("was unable to place a task")
    );
    assert_waiting(
        "describe-services unplaced",
        &unplaced,
        Some("hello_world:6"),
    );
    let started = first(CREATE_SERVICE_ROLLOUT_STARTED);
    assert_eq!(
        started.primary().and_then(|d| d.rollout_state.as_deref()),
        Some("IN_PROGRESS")
    );
    assert_waiting(
        "create-service rollout started",
        &started,
        Some("mytaskdef:3"),
    );
}

#[test]
fn a_completed_deployment_is_stable_once_the_service_runs_its_desired_count() {
    // Published right after desiredCount went from 1 to 2: the deployment says COMPLETED, the
    // service runs 1 of 2. AWS's waiter says not stable; so must ecsctl.
    let raised = first(UPDATE_SERVICE_COUNT_RAISED);
    assert_eq!(
        raised.primary().and_then(|d| d.rollout_state.as_deref()),
        Some("COMPLETED")
    );
    assert_eq!((raised.running_count, raised.desired_count), (1, 2));
    assert_waiting("update-service count raised", &raised, None);
    // Derived (no published example shows it): the same service once the second task runs.
    let mut settled = services(UPDATE_SERVICE_COUNT_RAISED).remove(0);
    settled["runningCount"] = settled["desiredCount"].clone();
    let settled = rollout(settled);
    assert!(is_stable(&settled, None));
    assert_eq!(has_failed(&settled, None), None);
    // The published deployment spells `taskkDefinition` (a typo in the AWS CLI example), so
    // it names no revision and a revision check cannot pass on it.
    assert_eq!(settled.deployments[0].task_definition, None);
    assert!(!is_stable(&settled, Some("MyTaskDefinition")));
}

/// botocore's ServicesStable: success when every service has exactly one deployment and
/// runs its desired count; failure on MISSING, DRAINING or INACTIVE.
fn waiter() -> (String, Vec<String>) {
    let w: Value = serde_json::from_str(WAITERS).expect("waiters JSON");
    let acceptors = w["waiters"]["ServicesStable"]["acceptors"]
        .as_array()
        .expect("acceptors");
    let success = acceptors
        .iter()
        .find(|a| a["state"] == "success")
        .expect("a success acceptor");
    let failing_statuses = acceptors
        .iter()
        .filter(|a| a["state"] == "failure" && a["argument"] == "services[].status")
        .map(|a| a["expected"].as_str().expect("a status").to_string())
        .collect();
    (
        success["argument"].as_str().unwrap().to_string(),
        failing_statuses,
    )
}

#[test]
fn is_stable_is_aws_s_waiter_rule_plus_the_rollout_state() {
    let (rule, _) = waiter();
    // The rule mirrored below; if botocore's changes, so must the mirror.
    assert_eq!(
        rule,
        "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`"
    );
    let waiter_says_stable =
        |s: &ServiceRollout| s.deployments.len() == 1 && s.running_count == s.desired_count;
    for (name, fixture) in SERVICE_FIXTURES {
        for service in services(fixture) {
            let s = rollout(service);
            let rollout_done = s
                .primary()
                .is_none_or(|d| matches!(d.rollout_state.as_deref(), None | Some("COMPLETED")));
            // ecsctl adds one condition to the waiter's (the rollout state), never drops one.
            assert_eq!(
                is_stable(&s, None),
                waiter_says_stable(&s) && rollout_done,
                "{name}"
            );
        }
    }
}

#[test]
fn the_statuses_aws_s_waiter_fails_on_fail_the_wait() {
    let (_, statuses) = waiter();
    assert_eq!(statuses, ["DRAINING", "INACTIVE"]);
    for status in statuses {
        // Derived: the steady service with the status the waiter fails on.
        let mut service = services(DESCRIBE_SERVICES_STEADY).remove(0);
        service["status"] = Value::String(status.clone());
        let s = rollout(service);
        assert!(!is_stable(&s, None), "{status}");
        assert_eq!(
            has_failed(&s, None),
            Some(format!("the service is {status}"))
        );
    }
}
