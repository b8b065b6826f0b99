//! Which revisions retention deregisters: the pure selection, and the changes a plan shows.

use super::*;
use crate::diff::fixtures::{converged, desired};
use crate::live::owned::LiveOwnedFamily;
use crate::live::schedule::LiveSchedule;
use crate::live::{LiveDeployment, LiveTags};

const FAMILY: &str = "ohi-prod-api";

fn tags(ours: bool) -> LiveTags {
    if !ours {
        return [("team".to_string(), "data".to_string())].into();
    }
    [
        ("ecsctl:managed-by", "ecsctl"),
        ("ecsctl:app", "ohi"),
        ("ecsctl:env", "prod"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn arn(n: i32) -> String {
    format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/{FAMILY}:{n}")
}

/// ACTIVE revisions as `live::retention` returns them, oldest first; `false` = not ours.
fn family(revisions: &[(i32, bool)]) -> LiveOwnedFamily {
    LiveOwnedFamily {
        family: FAMILY.into(),
        revisions: revisions
            .iter()
            .map(|(n, ours)| LiveOwnedRevision {
                arn: arn(*n),
                revision: *n,
                tags: tags(*ours),
            })
            .collect(),
    }
}

fn numbers(over: &[&LiveOwnedRevision]) -> Vec<i32> {
    over.iter().map(|r| r.revision).collect()
}

fn is_ohi_prod(t: &LiveTags) -> bool {
    is_ours(t, "ohi", "prod")
}

#[test]
fn the_newest_keep_minus_one_of_ours_stay_and_the_new_one_is_the_last() {
    let f = family(&[
        (1, true),
        (2, true),
        (3, true),
        (4, true),
        (5, true),
        (6, true),
    ]);
    let none = BTreeSet::new();
    assert_eq!(
        numbers(&over_kept(&f.revisions, is_ohi_prod, 3, &none, FAMILY)),
        [1, 2, 3, 4]
    );
    assert_eq!(
        numbers(&over_kept(&f.revisions, is_ohi_prod, 6, &none, FAMILY)),
        [1]
    );
    assert!(over_kept(&f.revisions, is_ohi_prod, 7, &none, FAMILY).is_empty());
    assert_eq!(
        numbers(&over_kept(&f.revisions, is_ohi_prod, 1, &none, FAMILY)),
        [1, 2, 3, 4, 5, 6],
        "keep 1: only the revision apply registers stays"
    );
}

#[test]
fn revisions_of_someone_else_neither_count_nor_go() {
    // 7 and 4 are someone else's: of ours (1, 2, 3, 5, 6) the newest two stay.
    let f = family(&[
        (1, true),
        (2, true),
        (3, true),
        (4, false),
        (5, true),
        (6, true),
        (7, false),
    ]);
    let got = over_kept(&f.revisions, is_ohi_prod, 3, &BTreeSet::new(), FAMILY);
    assert_eq!(numbers(&got), [1, 2, 3]);
}

#[test]
fn a_revision_in_use_is_never_deregistered_however_old() {
    let f = family(&[(1, true), (2, true), (3, true), (4, true), (5, true)]);
    let used: BTreeSet<String> = [format!("{FAMILY}:2"), "other:1".to_string()].into();
    let got = over_kept(&f.revisions, is_ohi_prod, 2, &used, FAMILY);
    assert_eq!(numbers(&got), [1, 3, 4]);
}

/// The plan's side: a family getting a new revision is trimmed, one deletion per revision,
/// sparing what the service runs, what a deployment of it still runs, and what a schedule
/// starts.
#[test]
fn a_new_revision_plans_the_deregistration_of_old_ones_not_in_use() {
    let mut d = desired();
    d.keep_revisions = 2;
    let mut live = converged();
    // The service runs :3 (fixture) and still has a deployment on :4; a schedule starts :5.
    live.services[0].deployments.push(LiveDeployment {
        id: Some("ecs-svc/1".into()),
        status: Some("ACTIVE".into()),
        task_definition: Some(arn(4)),
        desired_count: 1,
        running_count: 1,
        pending_count: 0,
        failed_tasks: 0,
        rollout_state: Some("IN_PROGRESS".into()),
        rollout_state_reason: None,
        volumes: Vec::new(),
        service_connect: None,
    });
    live.schedules
        .push(schedule_starting(&format!("{FAMILY}:5")));
    live.retention = vec![family(&[
        (1, true),
        (2, false),
        (3, true),
        (4, true),
        (5, true),
        (6, true),
        (7, true),
    ])];
    let ctx = Ctx {
        desired: &d,
        live: &live,
        account_id: "123456789012",
    };
    let new = [Revision {
        family: FAMILY.into(),
        existing: None,
    }];
    let got: Vec<(String, Action, Option<String>)> = retain(&ctx, &new)
        .into_iter()
        .map(|c| (c.address.to_string(), c.action, c.reason))
        .collect();
    let reason = Some("deregister: older than the 2 kept".to_string());
    assert_eq!(
        got,
        [
            (
                "task_definition.ohi-prod-api:1".to_string(),
                Action::Delete,
                reason.clone()
            ),
            (
                "task_definition.ohi-prod-api:6".to_string(),
                Action::Delete,
                reason
            ),
        ]
    );
    // Reusing an existing revision registers nothing: nothing is trimmed.
    let reuse = [Revision {
        family: FAMILY.into(),
        existing: Some(format!("{FAMILY}:7")),
    }];
    assert!(retain(&ctx, &reuse).is_empty());
}

#[test]
fn the_deletion_is_addressed_by_revision_and_fingerprints_its_tags() {
    let f = family(&[(1, true)]);
    let c = deregister(FAMILY, &f.revisions[0], 10);
    assert_eq!(c.address.revision(), Some((FAMILY, 1)));
    let mut moved = f.revisions[0].clone();
    moved.tags.remove("ecsctl:env");
    assert_ne!(c.observed, deregister(FAMILY, &moved, 10).observed);
}

fn schedule_starting(task_definition: &str) -> LiveSchedule {
    serde_json::from_value(serde_json::json!({
        "name": "nightly",
        "target": {
            "arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/ohi-prod",
            "roleArn": "arn:aws:iam::123456789012:role/ohi-prod-scheduler",
            "ecs": {
                "taskDefinitionArn": task_definition,
                "capacityProviderStrategy": [],
                "tags": {}
            }
        }
    }))
    .expect("a schedule")
}
