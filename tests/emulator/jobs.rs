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

const MIGRATE: &str = "beforeDeploy: [migrate]\nscheduledTasks:\n  migrate:\n    service: web\n    command: [\"./migrate\"]\n";

/// The stopped tasks of the migrate family: (image, stoppedAt).
fn migrate_runs(p: &Project) -> Vec<(String, f64)> {
    let listed = p.call(
        "ecs",
        "ListTasks",
        json!({"cluster": "ap-test", "family": "ap-test-migrate", "desiredStatus": "STOPPED"}),
    );
    let arns = listed["taskArns"].as_array().unwrap().clone();
    if arns.is_empty() {
        return Vec::new();
    }
    let tasks = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": "ap-test", "tasks": arns}),
    );
    let mut runs: Vec<(String, f64)> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let td = p.call(
                "ecs",
                "DescribeTaskDefinition",
                json!({"taskDefinition": t["taskDefinitionArn"]}),
            );
            let image = td["taskDefinition"]["containerDefinitions"][0]["image"]
                .as_str()
                .unwrap()
                .to_string();
            (image, seconds(&t["stoppedAt"]))
        })
        .collect();
    runs.sort_by(|a, b| a.1.total_cmp(&b.1));
    runs
}

/// A timestamp as aws-oob prints it (ISO 8601), in seconds since the epoch.
fn seconds(v: &serde_json::Value) -> f64 {
    let text = v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}"));
    let out = std::process::Command::new("date")
        .args(["-u", "-d", text, "+%s.%N"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// The web service's newest deployment: (image it runs, createdAt).
fn web_deployment(p: &Project) -> (String, f64) {
    let s = p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-web"]}),
    );
    let svc = &s["services"][0];
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": svc["taskDefinition"]}),
    );
    let newest = svc["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| seconds(&d["createdAt"]))
        .fold(f64::MIN, f64::max);
    let image = td["taskDefinition"]["containerDefinitions"][0]["image"]
        .as_str()
        .unwrap();
    (image.to_string(), newest)
}

/// "Migrate, then deploy": the job runs the new image before the service is created or
/// updated; when it exits non-zero, apply stops with nothing deployed and shows its last log
/// lines; a plan that deploys nothing runs nothing.
#[test]
fn before_deploy_runs_the_new_image_first_and_a_failing_job_deploys_nothing() {
    let p = Project::in_account(FIXTURE, support::account());
    p.set_env_overrides(MIGRATE);
    let plan = p.run(&["plan", "-e", "test"], &[]);
    assert!(
        plan.stdout
            .contains("Before updating any service, apply runs `migrate` (beforeDeploy)"),
        "{}",
        plan.stdout
    );
    let first = p.apply_ok(&[], &[]);
    assert!(
        first
            .stderr
            .contains("before deploy: job `migrate` exited with code 0"),
        "{}",
        first.stderr
    );
    let runs = migrate_runs(&p);
    let (image, created) = web_deployment(&p);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(
        (runs[0].0.as_str(), image.as_str()),
        ("nginx:1.27", "nginx:1.27")
    );
    assert!(
        runs[0].1 <= created,
        "migrate stopped at {} after the service was created at {created}",
        runs[0].1
    );
    // Converged: the plan shows no job and applying runs none.
    p.assert_converged(&[]);
    let none = p.run(&["plan", "-e", "test"], &[]);
    assert!(!none.stdout.contains("beforeDeploy"), "{}", none.stdout);

    // A new image: migrate runs it before web is updated.
    let v2 = [("WEB_TAG", "1.28")];
    p.apply_ok(&[], &v2);
    let runs = migrate_runs(&p);
    let (image, updated) = web_deployment(&p);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(
        (runs[1].0.as_str(), image.as_str()),
        ("nginx:1.28", "nginx:1.28")
    );
    assert!(
        runs[1].1 <= updated,
        "migrate stopped at {} after the update at {updated}",
        runs[1].1
    );

    // A failing migration: exit 1, web keeps 1.28, the job's last lines are shown.
    p.set_env_overrides(&format!(
        "{MIGRATE}    env:\n      ECSCTL_EMULATOR_EXIT_CODE: \"3\"\n      ECSCTL_EMULATOR_LOG: \"applying 0042_add_column\\nERROR: column \\\"email\\\" already exists\"\n"
    ));
    let v3 = [("WEB_TAG", "1.29")];
    let failed = p.run(&["apply", "-e", "test", "--yes", "--stats"], &v3);
    assert_eq!(failed.code, Some(1), "{}", failed.all());
    for expected in [
        "job `migrate` exited with code 3 before deploy; no service was updated",
        "hint: `ecsctl logs -e test migrate` shows its output",
        "last log lines:",
        "| applying 0042_add_column",
        "| ERROR: column \"email\" already exists",
    ] {
        assert!(
            failed.stderr.contains(expected),
            "missing {expected:?}:\n{}",
            failed.stderr
        );
    }
    assert!(
        !failed
            .mutating_calls()
            .contains(&"ecs:UpdateService".to_string()),
        "{}",
        failed.all()
    );
    assert_eq!(web_deployment(&p).0, "nginx:1.28");
}
