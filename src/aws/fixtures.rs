//! Test fixtures: ECS responses exactly as AWS publishes them (tests/fixtures/aws/, whose README
//! says where each came from), and the one conversion needed to feed them to the SDK.
//!
//! Owns the fixture texts and `wire`. AWS's examples are rendered by botocore or the AWS CLI v2,
//! which print timestamps as ISO-8601 text; on the wire ECS (awsJson1_1) sends epoch seconds,
//! which is what the SDK's deserializer and `apply::wait::ServiceRollout` read. `wire` converts
//! exactly those fields and nothing else. Must not edit a fixture in any other way: a test that
//! needs another shape derives it in the open, next to its assertion.

use serde_json::Value;

use super::replay;
use crate::live::{LiveService, LiveTaskDefinition};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws/",
            $name
        ))
    };
}

/// DescribeServices: one service at 10/10, one PRIMARY deployment, no rollout state (AWS CLI).
pub const DESCRIBE_SERVICES_STEADY: &str = fixture!("ecs-describe-services-steady.aws-cli.json");
/// DescribeServices: PRIMARY 0/1 and a "was unable to place a task" event (botocore).
pub const DESCRIBE_SERVICES_UNPLACED: &str =
    fixture!("ecs-describe-services-unplaced.botocore.json");
/// CreateService: a new PRIMARY deployment (0/10) beside an ACTIVE one (botocore).
pub const CREATE_SERVICE_PRIMARY_AND_ACTIVE: &str =
    fixture!("ecs-create-service-primary-and-active.botocore.json");
/// CreateService: one PRIMARY deployment, rollout IN_PROGRESS, 0 of 2 running (AWS CLI).
pub const CREATE_SERVICE_ROLLOUT_STARTED: &str =
    fixture!("ecs-create-service-rollout-started.aws-cli.json");
/// UpdateService: new PRIMARY (IN_PROGRESS, 0/0) beside the old ACTIVE (COMPLETED, 2/2) (AWS CLI).
pub const UPDATE_SERVICE_ROLLING: &str = fixture!("ecs-update-service-rolling.aws-cli.json");
/// UpdateService: desiredCount raised to 2, the one deployment COMPLETED at 1/1 (AWS CLI).
pub const UPDATE_SERVICE_COUNT_RAISED: &str =
    fixture!("ecs-update-service-count-raised.aws-cli.json");
/// DescribeTaskDefinition: `hello_world:8`, wordpress + mysql (botocore).
pub const DESCRIBE_TASK_DEFINITION: &str = fixture!("ecs-describe-task-definition.botocore.json");
/// DescribeTaskDefinition: the same family with status, compatibilities and tags (AWS CLI).
pub const DESCRIBE_TASK_DEFINITION_CLI: &str =
    fixture!("ecs-describe-task-definition.aws-cli.json");
/// DescribeServiceDeployments: one rolling deployment, SUCCESSFUL (AWS CLI).
pub const DESCRIBE_SERVICE_DEPLOYMENTS: &str =
    fixture!("ecs-describe-service-deployments.aws-cli.json");
/// ListServiceDeployments: the same deployment, in brief (AWS CLI).
pub const LIST_SERVICE_DEPLOYMENTS: &str = fixture!("ecs-list-service-deployments.aws-cli.json");
/// DescribeScalingPolicies: a StepScaling policy on an ECS service, listing its alarm (botocore).
pub const DESCRIBE_SCALING_POLICIES_STEP: &str =
    fixture!("aas-describe-scaling-policies-step.botocore.json");
/// botocore's ServicesStable and ServicesInactive waiters (the rules `aws ecs wait` applies).
pub const WAITERS: &str = fixture!("ecs-waiters-services.botocore.json");

/// Every service-shaped fixture, for properties that must hold on all of them.
pub const SERVICE_FIXTURES: &[(&str, &str)] = &[
    ("describe-services steady", DESCRIBE_SERVICES_STEADY),
    ("describe-services unplaced", DESCRIBE_SERVICES_UNPLACED),
    (
        "create-service primary+active",
        CREATE_SERVICE_PRIMARY_AND_ACTIVE,
    ),
    (
        "create-service rollout started",
        CREATE_SERVICE_ROLLOUT_STARTED,
    ),
    ("update-service rolling", UPDATE_SERVICE_ROLLING),
    ("update-service count raised", UPDATE_SERVICE_COUNT_RAISED),
];

/// The fields ECS types as timestamps in these responses.
const TIMESTAMPS: &[&str] = &[
    "createdAt",
    "updatedAt",
    "registeredAt",
    "deregisteredAt",
    "startedAt",
    "finishedAt",
    "stoppedAt",
    // Application Auto Scaling (awsJson1_1 too).
    "CreationTime",
];

/// The fixture as the wire carries it: ISO-8601 timestamps become epoch seconds.
pub fn wire(fixture: &str) -> Value {
    let mut v: Value = serde_json::from_str(fixture).expect("fixture is JSON");
    to_epoch(&mut v);
    v
}

/// The services of a fixture, whether it answers DescribeServices (`services`) or
/// Create/UpdateService (`service`): all three return the same `Service` structure.
pub fn services(fixture: &str) -> Vec<Value> {
    let v = wire(fixture);
    match (&v["services"], &v["service"]) {
        (Value::Array(list), _) => list.clone(),
        (_, s @ Value::Object(_)) => vec![s.clone()],
        _ => panic!("no service in fixture"),
    }
}

/// The fixture's first service read through the SDK's DescribeServices deserializer and
/// `ecs::service_from_sdk`, for tests outside `aws` (which must not name SDK types).
pub fn live_service(fixture: &str) -> LiveService {
    let sdk = replay::describe_services(&services(fixture));
    super::ecs::service_from_sdk(&sdk[0])
}

/// A DescribeServiceDeployments response (wire JSON, e.g. `wire(fixture)` or a shape derived
/// from it) read through the SDK's deserializer and `ecs_service_deployments::describe`.
pub fn service_deployment_states(
    response: &Value,
) -> Vec<crate::apply::stages::ServiceDeploymentState> {
    let (clients, _) = replay::clients(std::slice::from_ref(response));
    replay::run(super::ecs_service_deployments::describe(
        &clients,
        &["any".to_string()],
    ))
    .expect("the SDK parses the response")
}

/// The fixture read through the SDK's DescribeTaskDefinition deserializer and
/// `ecs::task_definition_from_sdk`.
pub fn live_task_definition(fixture: &str) -> LiveTaskDefinition {
    let (td, tags) = replay::describe_task_definition(&wire(fixture));
    super::ecs::task_definition_from_sdk(&td, super::ecs::tags_from_sdk(&tags))
}

fn to_epoch(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if TIMESTAMPS.contains(&key.as_str()) => {
                        let secs = iso_to_epoch(text)
                            .unwrap_or_else(|| panic!("`{key}`: `{text}` is not ISO-8601"));
                        *value = serde_json::json!(secs);
                    }
                    _ => to_epoch(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_epoch),
        _ => {}
    }
}

/// `2016-08-29T16:25:52.130Z` or `2024-12-03T16:24:25.225000-05:00` as seconds since the epoch.
fn iso_to_epoch(text: &str) -> Option<f64> {
    let (date, rest) = text.split_once('T')?;
    let mut ymd = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (ymd.next()?.ok()?, ymd.next()?.ok()?, ymd.next()?.ok()?);
    let (clock, offset) = match rest.strip_suffix('Z') {
        Some(clock) => (clock, 0),
        None => {
            let (clock, zone) = rest.split_at(rest.rfind(['+', '-'])?);
            let (h, min) = zone[1..].split_once(':')?;
            let secs = h.parse::<i64>().ok()? * 3600 + min.parse::<i64>().ok()? * 60;
            (clock, if zone.starts_with('-') { -secs } else { secs })
        }
    };
    let mut hms = clock.splitn(3, ':');
    let h: i64 = hms.next()?.parse().ok()?;
    let min: i64 = hms.next()?.parse().ok()?;
    let sec: f64 = hms.next()?.parse().ok()?;
    let whole = days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 - offset;
    Some(whole as f64 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_become_the_epoch_seconds_the_wire_carries() {
        // Expected values from Python: datetime.fromisoformat(text).timestamp().
        for (text, epoch) in [
            ("1970-01-01T00:00:00Z", 0.0),
            ("2016-08-29T16:25:52.130Z", 1_472_487_952.13),
            ("2024-12-03T16:24:25.225000-05:00", 1_733_261_065.225),
            ("2025-01-21T11:32:38.034000-06:00", 1_737_480_758.034),
            ("2000-02-29T23:59:59+01:00", 951_865_199.0),
        ] {
            let got = iso_to_epoch(text).unwrap();
            assert!((got - epoch).abs() < 1e-3, "{text}: {got} != {epoch}");
        }
        assert_eq!(iso_to_epoch("yesterday"), None);
    }

    #[test]
    fn wire_changes_only_timestamps() {
        let v = wire(DESCRIBE_SERVICES_UNPLACED);
        let event = &v["services"][0]["events"][0];
        assert!(event["createdAt"].is_f64(), "{event}");
        let mut original: Value = serde_json::from_str(DESCRIBE_SERVICES_UNPLACED).unwrap();
        original["services"][0]["events"][0]["createdAt"] = event["createdAt"].clone();
        for (i, d) in v["services"][0]["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            for key in ["createdAt", "updatedAt"] {
                original["services"][0]["deployments"][i][key] = d[key].clone();
            }
        }
        original["services"][0]["createdAt"] = v["services"][0]["createdAt"].clone();
        assert_eq!(v, original);
    }
}
