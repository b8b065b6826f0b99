//! The SDK → `ServiceRollout` mapping on responses as AWS publishes them: whatever the SDK's
//! deserializer makes of a service, `rollout_from_sdk` must say the same as the serde mirror
//! of the JSON (which `apply::wait`'s fixture tests use), deployments and events included.

use super::*;
use crate::aws::fixtures::{SERVICE_FIXTURES, services};
use crate::aws::replay;

#[test]
fn sdk_mapping_agrees_with_the_json_on_every_published_service_shape() {
    for (name, fixture) in SERVICE_FIXTURES {
        let json = services(fixture);
        let sdk = replay::describe_services(&json);
        assert_eq!(sdk.len(), json.len(), "{name}");
        for (from_sdk, from_json) in sdk.iter().zip(&json) {
            let want: ServiceRollout =
                serde_json::from_value(from_json.clone()).expect("a DescribeServices service");
            assert_eq!(rollout_from_sdk(from_sdk), want, "{name}");
        }
    }
}

#[test]
fn both_deployments_of_a_rolling_update_survive_the_mapping() {
    let json = services(crate::aws::fixtures::UPDATE_SERVICE_ROLLING);
    let rollout = rollout_from_sdk(&replay::describe_services(&json)[0]);
    let states: Vec<(Option<&str>, Option<&str>)> = rollout
        .deployments
        .iter()
        .map(|d| (d.status.as_deref(), d.rollout_state.as_deref()))
        .collect();
    assert_eq!(
        states,
        [
            (Some("PRIMARY"), Some("IN_PROGRESS")),
            (Some("ACTIVE"), Some("COMPLETED"))
        ]
    );
}

/// The deployment mapping exists twice (`ecs::deployment_from_sdk` for plan, here for waiting):
/// on every published shape the two must read the same deployments.
#[test]
fn plan_and_wait_read_the_same_deployments() {
    for (name, fixture) in SERVICE_FIXTURES {
        let sdk = replay::describe_services(&services(fixture));
        let for_plan: Vec<_> = crate::aws::ecs::service_from_sdk(&sdk[0])
            .deployments
            .into_iter()
            .map(|d| {
                (
                    d.id,
                    d.status,
                    d.task_definition,
                    d.desired_count,
                    d.running_count,
                    d.pending_count,
                    d.failed_tasks,
                    d.rollout_state,
                    d.rollout_state_reason,
                )
            })
            .collect();
        let for_wait: Vec<_> = rollout_from_sdk(&sdk[0])
            .deployments
            .into_iter()
            .map(|d| {
                (
                    d.id,
                    d.status,
                    d.task_definition,
                    d.desired_count,
                    d.running_count,
                    d.pending_count,
                    d.failed_tasks,
                    d.rollout_state,
                    d.rollout_state_reason,
                )
            })
            .collect();
        assert_eq!(for_plan, for_wait, "{name}");
    }
}
