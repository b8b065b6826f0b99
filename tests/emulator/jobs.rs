//! Jobs run only on demand (issue 13 item 6): a `scheduledTasks` entry without `schedule` gets
//! its task definition but no EventBridge schedule (nor the schedule group and scheduler role),
//! `ecsctl run` starts it, and a job that loses its schedule has only the schedule pruned.

use serde_json::json;

use crate::apply::Project;
use crate::support;

const FIXTURE: &str = "tests/fixtures/apply-basic";

fn schedule_names(p: &Project) -> Vec<String> {
    let groups = p.call("scheduler", "ListScheduleGroups", json!({}));
    let mut names: Vec<String> = groups["ScheduleGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| format!("group:{}", g["Name"].as_str().unwrap()))
        .filter(|g| g != "group:default")
        .collect();
    let schedules = p.call("scheduler", "ListSchedules", json!({}));
    names.extend(
        schedules["Schedules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Name"].as_str().unwrap().to_string()),
    );
    names
}

#[test]
fn a_job_without_a_schedule_gets_its_task_definition_and_runs_on_demand() {
    let p = Project::in_account(FIXTURE, support::account());
    p.set_env_overrides(
        "scheduledTasks:\n  migrate:\n    service: web\n    command: [\"./migrate\"]\n",
    );
    let r = p.apply_ok(&[], &[]);
    assert!(
        r.stdout.contains("+ task_definition.ap-test-migrate"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("schedule"),
        "no schedule, group or scheduler role:\n{}",
        r.stdout
    );
    assert_eq!(schedule_names(&p), Vec::<String>::new());
    p.assert_converged(&[]);
    let run = p.run(
        &[
            "run",
            "-e",
            "test",
            "migrate",
            "--wait",
            "--timeout",
            "60s",
            "--stats",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert_eq!(run.mutating_calls(), ["ecs:RunTask"], "{}", run.all());
    let task = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": "ap-test", "tasks": [run.stdout.trim()]}),
    );
    let td = task["tasks"][0]["taskDefinitionArn"].as_str().unwrap();
    assert!(td.contains(":task-definition/ap-test-migrate:"), "{td}");
    // status shows it as a job run on demand, with its last run.
    let status = p.run(&["status", "-e", "test"], &[]);
    assert!(
        status
            .stdout
            .contains("migrate: on demand (no schedule), last run"),
        "{}",
        status.stdout
    );
}

#[test]
fn a_job_that_loses_its_schedule_keeps_its_task_definition_and_only_the_schedule_goes() {
    let p = Project::in_account(FIXTURE, support::account());
    let job = "scheduledTasks:\n  migrate:\n    service: web\n    command: [\"./migrate\"]\n";
    p.set_env_overrides(&format!("{job}    schedule: rate(1 day)\n"));
    p.apply_ok(&[], &[]);
    assert_eq!(schedule_names(&p), ["group:ap-test", "ap-test-migrate"]);
    p.set_env_overrides(job);
    let plan = p.run(&["plan", "-e", "test"], &[]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    for gone in [
        "- schedule.ap-test-migrate",
        "- schedule_group.ap-test",
        "- iam_role.ap-test-scheduler",
    ] {
        assert!(
            plan.stdout.contains(gone),
            "missing {gone}:\n{}",
            plan.stdout
        );
    }
    assert!(
        !plan.stdout.contains("task_definition.ap-test-migrate"),
        "{}",
        plan.stdout
    );
    p.apply_ok(&[], &[]);
    assert_eq!(schedule_names(&p), Vec::<String>::new());
    p.assert_converged(&[]);
}
