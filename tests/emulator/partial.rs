//! `plan/apply -s NAME` (issue 13, item 8) against the emulator: a partial apply changes only
//! the named service (the other keeps its old revision, read through boto3), never prunes a
//! service it filtered out, a saved partial plan applies exactly what it shows, and an unknown
//! name fails before any AWS call. Uses prune.rs's project (web with discovery, autoscaled
//! worker).

use serde_json::{Value, json};

use crate::prune::Project;

/// The image of the task definition `service` runs now, read out of band.
fn running_image(p: &Project, service: &str) -> String {
    let svc = &p.must(
        "ecs",
        "DescribeServices",
        json!({"cluster": "pr-dev", "services": [service]}),
    )["services"][0];
    let arn = svc["taskDefinition"].as_str().unwrap();
    let td = p.must(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": arn}),
    );
    td["taskDefinition"]["containerDefinitions"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

fn addresses(plan: &Value, actionable: bool) -> Vec<String> {
    plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !actionable || c["action"] != "no-op")
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect()
}

const NEW_IMAGES: &str =
    "services:\n  web:\n    image: \"nginx:1.28\"\n  worker:\n    image: \"busybox:1.37\"";

#[test]
fn apply_s_web_updates_only_web_and_the_plan_says_it_is_partial() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.overlay("dev", NEW_IMAGES);

    let plan = p.ok(&["plan", "-e", "dev", "-s", "web", "--output", "json"]);
    let doc: Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(doc["target"], json!({"services": ["web"]}));
    assert_eq!(
        addresses(&doc, true),
        ["task_definition.pr-dev-web", "service.web"]
    );
    let all = addresses(&doc, false);
    assert!(
        all.iter().all(|a| !a.contains("worker")),
        "the worker is out of a partial plan of web: {all:?}"
    );
    let human = p.ok(&["plan", "-e", "dev", "-s", "web"]);
    assert!(
        human.stdout.starts_with(
            "Partial plan: only service `web` (with its scheduled tasks and the resources they use); the rest of `dev` is neither changed nor pruned.\n"
        ),
        "{}",
        human.all()
    );

    let applied = p.ok(&["apply", "-e", "dev", "-s", "web", "--yes", "--stats"]);
    assert!(
        applied
            .stdout
            .starts_with("Partial plan: only service `web`"),
        "{}",
        applied.all()
    );
    assert_eq!(running_image(&p, "pr-dev-web"), "nginx:1.28");
    assert_eq!(
        running_image(&p, "pr-dev-worker"),
        "busybox:1.36",
        "the worker keeps its old revision"
    );
    // The worker's change is still there for a full plan: the partial apply left it alone.
    let full = p.run(&[
        "plan",
        "-e",
        "dev",
        "--detailed-exitcode",
        "--output",
        "json",
    ]);
    assert_eq!(full.code, Some(2), "{}", full.all());
    let doc: Value = serde_json::from_str(&full.stdout).unwrap();
    assert!(doc.get("target").is_none());
    assert_eq!(
        addresses(&doc, true),
        ["task_definition.pr-dev-worker", "service.worker"]
    );
}

#[test]
fn a_partial_apply_does_not_prune_a_service_it_filtered_out() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.overlay("dev", "services:\n  worker:\n    enabled: false");

    let plan = p.run(&["plan", "-e", "dev", "-s", "web", "--detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    let applied = p.ok(&["apply", "-e", "dev", "-s", "web", "--yes", "--stats"]);
    applied.assert_no_writes("a partial apply of an unchanged web");
    let worker = &p.must(
        "ecs",
        "DescribeServices",
        json!({"cluster": "pr-dev", "services": ["pr-dev-worker"]}),
    )["services"][0];
    assert_eq!(worker["status"], "ACTIVE");
    // A full plan would delete it: the partial plan's silence is the filter, not a blind read.
    let full = p.ok(&["plan", "-e", "dev", "--output", "json"]);
    let doc: Value = serde_json::from_str(&full.stdout).unwrap();
    assert!(
        addresses(&doc, true).contains(&"service.pr-dev-worker".to_string()),
        "{}",
        full.stdout
    );
}

#[test]
fn a_saved_partial_plan_applies_exactly_its_service() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.overlay("dev", NEW_IMAGES);
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    p.ok(&["plan", "-e", "dev", "-s", "worker", "--out", path]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(saved["target"], json!({"services": ["worker"]}));
    assert_eq!(saved["desired"]["target"], json!(["worker"]));

    let refused = p.run(&["apply", path, "-s", "web", "--yes"]);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("`-s` cannot be combined with a saved plan"),
        "{}",
        refused.all()
    );

    let applied = p.ok(&["apply", path, "--yes"]);
    assert!(
        applied
            .stdout
            .starts_with("Partial plan: only service `worker`"),
        "{}",
        applied.all()
    );
    assert_eq!(running_image(&p, "pr-dev-worker"), "busybox:1.37");
    assert_eq!(running_image(&p, "pr-dev-web"), "nginx:1.27");
}

#[test]
fn plan_s_with_an_unknown_name_lists_the_services_before_any_aws_call() {
    let p = Project::new();
    let r = p.run(&["plan", "-e", "dev", "-s", "wbe", "--stats"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "error: `-s`: no service `wbe` in environment `dev`; nothing was read or changed\n  \
hint: did you mean `web`? services here: `web`, `worker`"
        ),
        "{}",
        r.all()
    );
    assert!(!r.stderr.contains("aws calls:"), "{}", r.all());
    let r = p.run(&["apply", "-e", "dev", "-s", "nope", "--yes"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("hint: services here: `web`, `worker`"),
        "{}",
        r.all()
    );
}

/// The `N` of `note: aws calls: N: …` (`--stats`).
fn total_calls(r: &crate::support::Run) -> u32 {
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("aws calls: "))
        .unwrap_or_else(|| panic!("no --stats line:\n{}", r.all()));
    let after = line.split("aws calls: ").nth(1).unwrap();
    after.split(':').next().unwrap().trim().parse().unwrap()
}

/// A partial plan reads only its service's resources (no owned-resource scan for pruning), so
/// on the converged root project (`prod`, 11 services) `-s api` costs fewer calls than the full
/// plan (22 vs 82 on the emulator), still sees no change, and writes nothing. IAM is counted
/// apart: `api` deploys blue/green, so its plan reads the environment's infrastructure role
/// too, and IAM's role listing (GetAccountAuthorizationDetails) cannot be scoped: at the
/// emulator's page size of 2 finding that later role costs as many pages as the full plan's
/// (6; one call at AWS's 1,000 a page).
#[test]
fn a_partial_plan_of_the_root_project_reads_less_than_the_full_plan() {
    let p = crate::apply::example_project_in(".", crate::support::account());
    let applied = p.run(&["apply", "-e", "prod", "--yes", "--no-wait"], &[]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    let full = p.run(
        &["plan", "-e", "prod", "--stats", "--detailed-exitcode"],
        &[],
    );
    assert_eq!(full.code, Some(0), "{}", full.all());
    let one = p.run(
        &[
            "plan",
            "-e",
            "prod",
            "-s",
            "api",
            "--stats",
            "--detailed-exitcode",
        ],
        &[],
    );
    assert_eq!(one.code, Some(0), "{}", one.all());
    one.assert_no_writes("a partial plan");
    assert!(
        one.stdout.starts_with("Partial plan: only service `api`"),
        "{}",
        one.all()
    );
    let iam = |r: &crate::support::Run| -> u32 {
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains("aws calls: "))
            .unwrap();
        line.split_whitespace()
            .filter_map(|w| w.strip_prefix("iam:"))
            .filter_map(|w| w.split('=').nth(1)?.parse::<u32>().ok())
            .sum()
    };
    assert!(iam(&one) <= iam(&full), "{}\n{}", one.all(), full.all());
    let (full_calls, one_calls) = (
        total_calls(&full) - iam(&full),
        total_calls(&one) - iam(&one),
    );
    let stats = |r: &crate::support::Run| {
        let line = r.stderr.lines().find(|l| l.contains("aws calls: "));
        line.unwrap_or_default().to_string()
    };
    eprintln!(
        "root prod converged: full plan {full_calls} AWS calls besides IAM, `-s api` {one_calls}\n  full: {}\n  -s api: {}",
        stats(&full),
        stats(&one)
    );
    assert!(
        one_calls * 4 < full_calls,
        "full {full_calls}, -s api {one_calls}:\n{}",
        one.all()
    );
}

/// A job built from web (`service: web`, own command, so its own family) comes with `-s web`
/// and takes web's new image; the worker's job and the scheduler role shared by both jobs are
/// left exactly as they were (the role is the whole spec's, never one rebuilt from web's jobs).
#[test]
fn s_web_brings_its_job_and_leaves_the_worker_job_and_the_shared_scheduler_role_alone() {
    let p = Project::new();
    p.overlay(
        "dev",
        "scheduledTasks:\n  migrate:\n    service: web\n    command: [migrate]\n    schedule: rate(1 day)\n  \
sweep:\n    service: worker\n    schedule: rate(1 hour)",
    );
    p.ok(&["apply", "-e", "dev", "--yes"]);
    let role_policy = || {
        p.must(
            "iam",
            "GetRolePolicy",
            json!({"RoleName": "pr-dev-scheduler", "PolicyName": "ecsctl"}),
        )["PolicyDocument"]
            .clone()
    };
    let sweep = || {
        p.must(
            "scheduler",
            "GetSchedule",
            json!({"Name": "pr-dev-sweep", "GroupName": "pr-dev"}),
        )["Target"]
            .clone()
    };
    let (policy_before, sweep_before) = (role_policy(), sweep());
    p.overlay("dev", NEW_IMAGES);

    let plan = p.ok(&["plan", "-e", "dev", "-s", "web", "--output", "json"]);
    let doc: Value = serde_json::from_str(&plan.stdout).unwrap();
    let all = addresses(&doc, false);
    assert!(
        all.contains(&"schedule.pr-dev-migrate".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"iam_role.pr-dev-scheduler".to_string()),
        "{all:?}"
    );
    assert!(
        all.iter()
            .all(|a| !a.contains("worker") && !a.contains("sweep")),
        "{all:?}"
    );
    let changed = addresses(&doc, true);
    assert!(
        changed.contains(&"task_definition.pr-dev-migrate".to_string()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"iam_role.pr-dev-scheduler".to_string()),
        "{changed:?}"
    );

    p.ok(&["apply", "-e", "dev", "-s", "web", "--yes"]);
    let migrate = p.must(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": "pr-dev-migrate"}),
    );
    assert_eq!(
        migrate["taskDefinition"]["containerDefinitions"][0]["image"],
        "nginx:1.28"
    );
    assert_eq!(role_policy(), policy_before);
    assert_eq!(sweep(), sweep_before);
    assert_eq!(running_image(&p, "pr-dev-worker"), "busybox:1.36");
}

/// `plan --all -s worker` plans the worker in every environment; one whose spec has no worker
/// is reported as failed with the known services, the others are still planned (exit 1).
#[test]
fn plan_all_s_plans_the_service_everywhere_and_fails_where_it_is_missing() {
    let p = Project::new();
    p.overlay("prod", "services:\n  worker:\n    enabled: false");
    let r = p.run(&["plan", "--all", "-s", "worker", "--output", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let envs = doc["environments"].as_array().unwrap();
    assert_eq!(envs[0]["env"], "dev");
    assert_eq!(envs[0]["status"], "planned");
    assert_eq!(envs[0]["plan"]["target"], json!({"services": ["worker"]}));
    assert!(
        addresses(&envs[0]["plan"], false)
            .iter()
            .all(|a| !a.contains("web")),
        "{}",
        r.stdout
    );
    assert_eq!(envs[1]["env"], "prod");
    assert_eq!(envs[1]["status"], "failed");
    assert_eq!(
        envs[1]["error"],
        "`-s`: no service `worker` in environment `prod`; nothing was read or changed\n  hint: services here: `web`"
    );
}
