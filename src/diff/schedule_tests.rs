//! The schedule diff on fixtures shaped like the Scheduler API reference's GetSchedule
//! response: AWS's defaults absorbed in both directions, one change at a time shown exactly.

use serde_json::json;

use crate::diff::diff;
use crate::diff::fixtures::{ACCOUNT, REGION, converged, desired, find, tags};
use crate::live::schedule::{
    LiveEcsParameters, LiveSchedule, LiveScheduleGroup, LiveScheduleTarget,
};
use crate::live::{Live, LiveCapacityProviderItem, LiveNetwork};
use crate::model::{CapacityProvider, CapacityProviderItem, Desired, Network, ScheduledTask};
use crate::plan::{Action, Effect};

const ADDR: &str = "schedule.ohi-prod-report";

fn task() -> ScheduledTask {
    ScheduledTask {
        key: "report".into(),
        service: None,
        name: "ohi-prod-report".into(),
        group: "ohi-prod".into(),
        expression: Some("cron(0 2 * * ? *)".into()),
        timezone: "UTC".into(),
        enabled: true,
        description: None,
        cluster: "ohi-prod".into(),
        family: "ohi-prod-api".into(),
        count: 1,
        capacity: vec![CapacityProviderItem {
            capacity_provider: CapacityProvider::FargateSpot,
            base: 0,
            weight: 1,
        }],
        network: Network {
            subnets: vec!["subnet-b".into(), "subnet-a".into()],
            security_groups: vec!["sg-1".into()],
            assign_public_ip: false,
        },
        platform_version: "LATEST".into(),
        maximum_retry_attempts: 185,
        maximum_event_age_seconds: 86400,
        propagate_tags: false,
        role: "ohi-prod-scheduler".into(),
        tags: tags(),
        run_minutes: None,
    }
}

fn with_task() -> Desired {
    let mut d = desired();
    d.scheduled_tasks.push(task());
    d
}

/// GetSchedule right after CreateSchedule with exactly `task()`, as AWS answers: the family
/// ARN as sent, AWS's defaults filled in (UTC, ENABLED, OFF, retry 185/86400), subnets in
/// another order, tags as `{key, value}` maps (read into a map by the aws layer).
fn schedule() -> LiveSchedule {
    LiveSchedule {
        name: "ohi-prod-report".into(),
        group_name: Some("ohi-prod".into()),
        arn: Some(format!(
            "arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/ohi-prod/ohi-prod-report"
        )),
        schedule_expression: Some("cron(0 2 * * ? *)".into()),
        timezone: Some("UTC".into()),
        state: Some("ENABLED".into()),
        description: None,
        flexible_mode: Some("OFF".into()),
        flexible_window_minutes: None,
        start_date: None,
        creation_date: None,
        end_date: None,
        kms_key_arn: None,
        target: Some(LiveScheduleTarget {
            arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/ohi-prod"),
            role_arn: format!("arn:aws:iam::{ACCOUNT}:role/ohi-prod-scheduler"),
            input: None,
            dead_letter_arn: None,
            maximum_retry_attempts: Some(185),
            maximum_event_age_seconds: Some(86400),
            ecs: Some(LiveEcsParameters {
                task_definition_arn: format!(
                    "arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/ohi-prod-api"
                ),
                task_count: Some(1),
                launch_type: None,
                capacity_provider_strategy: vec![LiveCapacityProviderItem {
                    capacity_provider: "FARGATE_SPOT".into(),
                    base: 0,
                    weight: 1,
                }],
                network: Some(LiveNetwork {
                    subnets: vec!["subnet-a".into(), "subnet-b".into()],
                    security_groups: vec!["sg-1".into()],
                    assign_public_ip: Some("DISABLED".into()),
                }),
                platform_version: Some("LATEST".into()),
                group: None,
                enable_ecs_managed_tags: Some(false),
                enable_execute_command: Some(false),
                propagate_tags: None,
                reference_id: None,
                tags: tags(),
            }),
        }),
    }
}

fn live() -> Live {
    let mut l = converged();
    l.schedule_group = Some(LiveScheduleGroup {
        name: "ohi-prod".into(),
        arn: format!("arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/ohi-prod"),
        state: Some("ACTIVE".into()),
        tags: tags(),
    });
    l.schedules = vec![schedule()];
    l
}

#[test]
fn converged_schedule_and_group_diff_to_nothing() {
    let changes = diff(&with_task(), &live());
    let noisy: Vec<_> = changes.iter().filter(|c| !c.is_noop()).collect();
    assert!(noisy.is_empty(), "spurious diff: {noisy:#?}");
    assert!(changes.iter().any(|c| c.address.to_string() == ADDR));
    assert!(
        changes
            .iter()
            .any(|c| c.address.to_string() == "schedule_group.ohi-prod")
    );
}

#[test]
fn scheduler_defaults_omitted_by_the_response_mean_the_same() {
    // Every default left out, and the Rust SDK's `false` for omitted booleans.
    let mut l = live();
    let s = &mut l.schedules[0];
    s.timezone = None;
    s.state = None;
    s.flexible_mode = None;
    let t = s.target.as_mut().unwrap();
    t.maximum_retry_attempts = None;
    t.maximum_event_age_seconds = None;
    let e = t.ecs.as_mut().unwrap();
    e.task_count = None;
    e.platform_version = None;
    e.network.as_mut().unwrap().assign_public_ip = None;
    e.enable_ecs_managed_tags = None;
    let c = find(&diff(&with_task(), &l), ADDR);
    assert_eq!(c.action, Action::NoOp, "{c:#?}");
}

#[test]
fn desired_defaults_written_out_match_a_response_without_them() {
    // The spec wrote UTC, 185/86400 and count 1 explicitly; AWS returns them too.
    let mut d = with_task();
    d.scheduled_tasks[0].capacity.clear();
    let mut l = live();
    let e = l.schedules[0]
        .target
        .as_mut()
        .unwrap()
        .ecs
        .as_mut()
        .unwrap();
    e.capacity_provider_strategy.clear();
    e.launch_type = Some("FARGATE".into());
    let c = find(&diff(&d, &l), ADDR);
    assert_eq!(c.action, Action::NoOp, "{c:#?}");
}

#[test]
fn one_change_at_a_time_is_shown_exactly() {
    type Mutate = fn(&mut ScheduledTask);
    let cases: Vec<(&str, Mutate, &[&str])> = vec![
        (
            "schedule",
            |t| t.expression = Some("rate(1 hour)".into()),
            &["scheduleExpression"],
        ),
        (
            "time zone",
            |t| t.timezone = "Australia/Sydney".into(),
            &["scheduleExpressionTimezone"],
        ),
        ("disabled", |t| t.enabled = false, &["state"]),
        (
            "count",
            |t| t.count = 2,
            &["target.ecsParameters.taskCount"],
        ),
        (
            "retries",
            |t| t.maximum_retry_attempts = 0,
            &["target.retryPolicy.maximumRetryAttempts"],
        ),
        (
            "event age",
            |t| t.maximum_event_age_seconds = 3600,
            &["target.retryPolicy.maximumEventAgeInSeconds"],
        ),
        (
            "public ip",
            |t| t.network.assign_public_ip = true,
            &["target.ecsParameters.networkConfiguration.awsvpcConfiguration.assignPublicIp"],
        ),
        (
            "description",
            |t| t.description = Some("nightly".into()),
            &["description"],
        ),
    ];
    for (name, mutate, paths) in cases {
        let mut d = with_task();
        mutate(&mut d.scheduled_tasks[0]);
        let c = find(&diff(&d, &live()), ADDR);
        assert_eq!(c.action, Action::Update, "{name}");
        let got: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(got, paths, "{name}");
        assert!(
            c.fields.iter().all(|f| f.effect == Effect::InPlace),
            "{name}"
        );
    }
    let mut d = with_task();
    d.scheduled_tasks[0].enabled = false;
    let c = find(&diff(&d, &live()), ADDR);
    assert_eq!(
        (c.fields[0].before.clone(), c.fields[0].after.clone()),
        (Some(json!("ENABLED")), Some(json!("DISABLED")))
    );
}

#[test]
fn drift_made_out_of_band_is_shown() {
    type Mutate = fn(&mut LiveSchedule);
    let cases: Vec<(&str, Mutate, &[&str])> = vec![
        (
            "pinned revision",
            |s| {
                let e = s.target.as_mut().unwrap().ecs.as_mut().unwrap();
                e.task_definition_arn.push_str(":3");
            },
            &["target.ecsParameters.taskDefinitionArn"],
        ),
        (
            "flexible window",
            |s| {
                s.flexible_mode = Some("FLEXIBLE".into());
                s.flexible_window_minutes = Some(15);
            },
            &[
                "flexibleTimeWindow.mode",
                "flexibleTimeWindow.maximumWindowInMinutes",
            ],
        ),
        (
            "end date",
            |s| s.end_date = Some("2030-01-01T00:00:00Z".into()),
            &["endDate"],
        ),
        (
            "tag removed",
            |s| {
                let e = s.target.as_mut().unwrap().ecs.as_mut().unwrap();
                e.tags.remove("team");
            },
            &["target.ecsParameters.tags.team"],
        ),
    ];
    for (name, mutate, paths) in cases {
        let mut l = live();
        mutate(&mut l.schedules[0]);
        let c = find(&diff(&with_task(), &l), ADDR);
        assert_eq!(c.action, Action::Update, "{name}");
        let got: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(got, paths, "{name}");
    }
}

#[test]
fn absent_schedule_and_group_are_created_before_services_and_after_task_definitions() {
    let mut l = converged();
    l.schedule_group = None;
    let changes = diff(&with_task(), &l);
    assert_eq!(find(&changes, ADDR).action, Action::Create);
    assert_eq!(
        find(&changes, "schedule_group.ohi-prod").action,
        Action::Create
    );
    let steps = crate::plan::step::order(&changes);
    let order: Vec<String> = steps.iter().map(|s| s.address.to_string()).collect();
    assert_eq!(order, ["schedule_group.ohi-prod", ADDR]);
    let phases: Vec<u8> = changes.iter().map(|c| c.address.kind.phase()).collect();
    assert!(
        phases.windows(2).all(|w| w[0] <= w[1]),
        "diff order is apply order"
    );
}

#[test]
fn no_group_without_scheduled_tasks() {
    assert!(
        diff(&desired(), &live())
            .iter()
            .all(|c| !c.address.to_string().starts_with("schedule"))
    );
}

#[test]
fn group_tag_drift_updates_in_place() {
    let mut l = live();
    l.schedule_group
        .as_mut()
        .unwrap()
        .tags
        .insert("team".into(), "other".into());
    let c = find(&diff(&with_task(), &l), "schedule_group.ohi-prod");
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields[0].path, "tags.team");
}

#[test]
fn prune_deletes_unnamed_schedules_in_our_group_only() {
    let mut l = live();
    let mut extra = schedule();
    extra.name = "ohi-prod-old-job".into();
    l.schedules.push(extra);
    let deletes = |d: &Desired, l: &Live, destroy: bool| -> Vec<String> {
        super::prune(d, l, destroy)
            .iter()
            .map(|c| c.address.to_string())
            .collect()
    };
    assert_eq!(
        deletes(&with_task(), &l, false),
        ["schedule.ohi-prod-old-job"]
    );
    assert_eq!(
        deletes(&with_task(), &l, true),
        [ADDR, "schedule.ohi-prod-old-job", "schedule_group.ohi-prod"]
    );
    // A group someone else tagged is never pruned into.
    l.schedule_group
        .as_mut()
        .unwrap()
        .tags
        .remove(crate::model::TAG_ENV);
    assert!(deletes(&with_task(), &l, true).is_empty());
}

/// Review #11: a group deleted moments ago is DELETING (its tags may be gone already): not a
/// foreign group, but one to create again once it is gone, with its schedules.
#[test]
fn a_deleting_group_is_absent_and_no_ownership_conflict() {
    let mut l = live();
    let g = l.schedule_group.as_mut().unwrap();
    g.state = Some("DELETING".into());
    g.tags.clear();
    l.schedules.clear(); // live reads none in a deleting group
    let d = with_task();
    assert_eq!(crate::diff::ownership::conflicts(&d, &l), vec![]);
    let changes = diff(&d, &l);
    for address in ["schedule_group.ohi-prod", ADDR] {
        let c = changes
            .iter()
            .find(|c| c.address.to_string() == address)
            .unwrap();
        assert_eq!(c.action, crate::plan::Action::Create, "{address}");
    }
}
