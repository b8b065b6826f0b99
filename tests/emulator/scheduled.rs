//! Scheduled tasks against the emulator: `examples/omc` (continuous services plus three
//! EventBridge-scheduled collectors) converges; a changed schedule and a job disabled in one
//! environment plan and apply exactly that; `run --wait` returns the container's exit code.
//! Effects are checked through boto3 (scripts/aws-oob.py), never through ecsctl's own reads.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::{self, Network, REGION, Run, TestAccount};

const ENV: &str = "staging";
const GROUP: &str = "omc-staging";
/// The environment lock's parameter (docs/apply.md, "Lock").
const LOCK: &str = "/ecsctl/locks/omc/staging";

/// A copy of examples/omc bound to one fresh account: the region set to the emulator's and
/// the placeholder network ids of staging replaced by the account's (moto cannot create
/// subnets or security groups with chosen ids).
struct Omc {
    acct: TestAccount,
    net: Network,
    dir: tempfile::TempDir,
    env_file: String,
}

impl Omc {
    fn new() -> Omc {
        let acct = support::account();
        let net = acct.network();
        let dir = tempfile::tempdir().expect("temp project");
        let src = support::repo_root().join("examples/omc");
        let manifest = std::fs::read_to_string(src.join("ecsctl.yaml"))
            .unwrap()
            .replace("region: ap-southeast-2", &format!("region: {REGION}"));
        std::fs::write(dir.path().join("ecsctl.yaml"), manifest).unwrap();
        std::fs::create_dir_all(dir.path().join("environments")).unwrap();
        for env in ["staging", "prod"] {
            let mut text =
                std::fs::read_to_string(src.join(format!("environments/{env}.yaml"))).unwrap();
            for i in [1, 2] {
                for (n, subnet) in net.subnet_ids.iter().enumerate() {
                    text = text.replace(&format!("subnet-0a1b2c3d4e5f60{i}0{}", n + 1), subnet);
                }
                text = text.replace(&format!("subnet-0a1b2c3d4e5f60{i}03"), &net.subnet_ids[0]);
                text = text.replace(&format!("sg-0a1b2c3d4e5f60{i}11"), &net.security_group_id);
            }
            std::fs::write(dir.path().join(format!("environments/{env}.yaml")), &text).unwrap();
        }
        support::fixtures::bind(&acct, &net, dir.path());
        let env_file =
            std::fs::read_to_string(dir.path().join(format!("environments/{ENV}.yaml"))).unwrap();
        Omc {
            acct,
            net,
            dir,
            env_file,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Staging's env file as copied, plus `extra` YAML appended (keys must not repeat).
    fn set_staging(&self, extra: &str) {
        let text = format!("{}\n{extra}\n", self.env_file);
        std::fs::write(self.path().join("environments/staging.yaml"), text).unwrap();
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.acct.ecsctl();
        c.arg("-C")
            .arg(self.path())
            .args(args)
            .stdin(Stdio::null())
            .env("NO_COLOR", "1")
            .env_remove("IMAGE_TAG");
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run ecsctl"))
    }

    fn apply_ok(&self) -> Run {
        let r = self.run(&["apply", "-e", ENV, "--yes"]);
        assert_eq!(r.code, Some(0), "apply failed:\n{}", r.all());
        r
    }

    fn assert_converged(&self) {
        let r = self.run(&["plan", "-e", ENV, "--detailed-exitcode", "--stats"]);
        assert_eq!(
            r.code,
            Some(0),
            "plan after apply is not empty:\n{}",
            r.all()
        );
        assert!(r.stdout.starts_with("No changes."), "{}", r.stdout);
        r.assert_no_writes("plan");
    }

    fn call(&self, service: &str, op: &str, params: Value) -> Value {
        self.acct
            .call(service, op, params)
            .unwrap_or_else(|e| panic!("{service}:{op}: {e:?}"))
    }

    fn schedule(&self, name: &str) -> Value {
        self.call(
            "scheduler",
            "GetSchedule",
            json!({"GroupName": GROUP, "Name": name}),
        )
    }
}

fn tag_map(list: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let get = |a: &str, b: &str| {
                t.get(a)
                    .or(t.get(b))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (get("Key", "key"), get("Value", "value"))
        })
        .collect();
    out.sort();
    out
}

fn converged_omc() -> Omc {
    let p = Omc::new();
    p.apply_ok();
    p.assert_converged();
    p
}

#[test]
fn omc_converges_with_its_services_and_three_scheduled_collectors() {
    let p = converged_omc();
    let services = p.call("ecs", "ListServices", json!({"cluster": GROUP}));
    assert_eq!(services["serviceArns"].as_array().unwrap().len(), 5);

    // The group carries the ownership tags (schedules cannot be tagged).
    let group = p.call("scheduler", "GetScheduleGroup", json!({"Name": GROUP}));
    let tags = p.call(
        "scheduler",
        "ListTagsForResource",
        json!({"ResourceArn": group["Arn"]}),
    );
    let tags = tag_map(&tags["Tags"]);
    for (k, v) in [
        ("ecsctl:managed-by", "ecsctl"),
        ("ecsctl:app", "omc"),
        ("ecsctl:env", ENV),
        ("Environment", "staging"),
    ] {
        assert!(tags.contains(&(k.into(), v.into())), "{k} in {tags:?}");
    }
    let listed = p.call("scheduler", "ListSchedules", json!({"GroupName": GROUP}));
    let mut names: Vec<&str> = listed["Schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "omc-staging-coinspot-announcements",
            "omc-staging-defillama-collector",
            "omc-staging-sec-api-collector"
        ]
    );

    let s = p.schedule("omc-staging-defillama-collector");
    assert_eq!(s["ScheduleExpression"], "cron(0 2 * * ? *)");
    assert_eq!(s["ScheduleExpressionTimezone"], "Australia/Sydney");
    assert_eq!(s["State"], "ENABLED");
    assert_eq!(s["Description"], "DeFiLlama protocol and TVL snapshot");
    let target = &s["Target"];
    let account = &p.acct.id;
    assert_eq!(
        target["Arn"],
        format!("arn:aws:ecs:{REGION}:{account}:cluster/omc-staging")
    );
    assert_eq!(
        target["RoleArn"],
        format!("arn:aws:iam::{account}:role/omc-staging-scheduler")
    );
    let ecs = &target["EcsParameters"];
    // The family without a revision: each run starts the newest ACTIVE revision.
    assert_eq!(
        ecs["TaskDefinitionArn"],
        format!("arn:aws:ecs:{REGION}:{account}:task-definition/omc-staging-defillama-collector")
    );
    assert_eq!(ecs["TaskCount"], 1);
    // On-demand by default: the FARGATE provider, not a launch type (the SDK leaves the
    // default `base: 0` off the wire).
    assert_eq!(
        ecs["CapacityProviderStrategy"],
        json!([{"capacityProvider": "FARGATE", "weight": 1}])
    );
    assert!(ecs.get("LaunchType").is_none(), "{ecs}");
    let vpc = &ecs["NetworkConfiguration"]["awsvpcConfiguration"];
    let mut subnets: Vec<String> = vpc["Subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    subnets.sort();
    let mut want = p.net.subnet_ids.clone();
    want.sort();
    assert_eq!(subnets, want);
    assert_eq!(vpc["AssignPublicIp"], "DISABLED");
    assert!(tag_map(&ecs["Tags"]).contains(&("ecsctl:env".into(), ENV.into())));
    assert_eq!(
        target["RetryPolicy"],
        json!({"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400})
    );

    // The scheduled collectors' own families exist with the right command.
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": "omc-staging-sec-api-collector"}),
    );
    assert_eq!(
        td["taskDefinition"]["containerDefinitions"][0]["command"],
        json!(["python", "-m", "collectors.sec_api"])
    );

    // The scheduler's role: trusted by Scheduler, RunTask on exactly the three families.
    let role = p.call(
        "iam",
        "GetRole",
        json!({"RoleName": "omc-staging-scheduler"}),
    );
    let trust = role["Role"]["AssumeRolePolicyDocument"].to_string();
    assert!(trust.contains("scheduler.amazonaws.com"), "{trust}");
    let policy = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "omc-staging-scheduler", "PolicyName": "ecsctl"}),
    );
    let doc = policy["PolicyDocument"].to_string();
    for family in [
        "omc-staging-coinspot-announcements",
        "omc-staging-defillama-collector",
        "omc-staging-sec-api-collector",
    ] {
        assert!(
            doc.contains(&format!("task-definition/{family}:*")),
            "{doc}"
        );
    }
    assert!(
        !doc.contains("omc-staging-backend:*"),
        "only the scheduled families: {doc}"
    );
    assert!(doc.contains("omc-staging-sec-api-collector-exec"), "{doc}");
    assert!(
        doc.contains("ecs:TagResource") && doc.contains("task/omc-staging/*"),
        "{doc}"
    );
}

#[test]
fn a_changed_schedule_and_a_job_disabled_in_one_environment_plan_and_apply_exactly_that() {
    let p = converged_omc();
    p.set_staging(
        "scheduledTasks:\n  sec-api-collector:\n    schedule: cron(0 */4 * * ? *)\n  coinspot-announcements:\n    enabled: false\n",
    );
    let plan = p.run(&["plan", "-e", ENV, "--detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{}", plan.all());
    let out = &plan.stdout;
    assert!(
        out.contains("~ schedule.omc-staging-sec-api-collector\n      ~ scheduleExpression = \"cron(0 */6 * * ? *)\" -> \"cron(0 */4 * * ? *)\"\n"),
        "{out}"
    );
    assert!(
        out.contains("~ schedule.omc-staging-coinspot-announcements\n      ~ state = \"ENABLED\" -> \"DISABLED\"\n"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{out}"
    );

    // prod still runs the job: the override is staging's alone.
    let render = p.run(&["render", "-e", "prod", "--output", "json"]);
    assert_eq!(render.code, Some(0), "{}", render.all());
    let prod: Value = serde_json::from_str(&render.stdout).unwrap();
    let enabled = |doc: &Value, key: &str| {
        doc.pointer("/resources/scheduledTasks")
            .or(doc.pointer("/scheduledTasks"))
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find(|t| t["key"] == key))
            .map(|t| t["enabled"].clone())
    };
    assert_eq!(enabled(&prod, "coinspot-announcements"), Some(json!(true)));

    let r = p.apply_ok();
    assert!(
        r.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        r.all()
    );
    p.assert_converged();
    assert_eq!(
        p.schedule("omc-staging-sec-api-collector")["ScheduleExpression"],
        "cron(0 */4 * * ? *)"
    );
    let disabled = p.schedule("omc-staging-coinspot-announcements");
    assert_eq!(disabled["State"], "DISABLED");
    // UpdateSchedule replaces the whole schedule: everything else is still there.
    assert_eq!(disabled["ScheduleExpression"], "rate(15 minutes)");
    assert_eq!(disabled["Description"], "CoinSpot exchange announcements");

    // Drift made out of band (someone re-enabled it in the console) is shown and undone.
    let mut drifted = disabled.clone();
    for k in [
        "Arn",
        "CreationDate",
        "LastModificationDate",
        "ActionAfterCompletion",
        "KmsKeyArn",
        "StartDate",
        "EndDate",
    ] {
        drifted.as_object_mut().unwrap().remove(k);
    }
    drifted["State"] = json!("ENABLED");
    p.call("scheduler", "UpdateSchedule", drifted);
    let plan = p.run(&["plan", "-e", ENV, "--detailed-exitcode"]);
    assert_eq!(plan.code, Some(2), "{}", plan.all());
    assert!(
        plan.stdout
            .contains("~ state = \"ENABLED\" -> \"DISABLED\""),
        "{}",
        plan.stdout
    );
    p.apply_ok();
    p.assert_converged();
}

/// `run --wait` starts the job as its schedule would and exits with the main container's exit
/// code (the emulator's RunTask patch stops tasks with the code the spec asks for through
/// `ECSCTL_EMULATOR_EXIT_CODE` or the `ecsctl-emulator:exit-code` tag: docs/emulator.md).
#[test]
fn run_wait_returns_the_containers_exit_code() {
    let p = Omc::new();
    p.set_staging(
        "scheduledTasks:\n  sec-api-collector:\n    env:\n      ECSCTL_EMULATOR_EXIT_CODE: \"3\"\n  coinspot-announcements:\n    tags:\n      ecsctl-emulator:exit-code: start-failed\n",
    );
    p.apply_ok();
    p.assert_converged();

    // Exit code 0, and the run looks like the schedule's: family, count, capacity, network, tags.
    let r = p.run(&[
        "run",
        "-e",
        ENV,
        "defillama-collector",
        "--wait",
        "--timeout",
        "60s",
        "--stats",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    // RunTask is the run's one write besides taking and releasing the environment lock.
    assert_eq!(r.mutating_calls(), ["ecs:RunTask"], "{}", r.all());
    assert_eq!(
        r.lock_writes(),
        ["ssm:DeleteParameter", "ssm:PutParameter"],
        "{}",
        r.all()
    );
    let arn = r.stdout.trim().to_string();
    assert!(
        arn.contains(":task/omc-staging/"),
        "stdout is the task ARN: {}",
        r.all()
    );
    let d = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": GROUP, "tasks": [arn], "include": ["TAGS"]}),
    );
    let t = &d["tasks"][0];
    assert_eq!(t["lastStatus"], "STOPPED");
    assert!(
        t["taskDefinitionArn"]
            .as_str()
            .unwrap()
            .ends_with("task-definition/omc-staging-defillama-collector:1"),
        "{t}"
    );
    assert_eq!(t["launchType"], "FARGATE");
    assert_eq!(t["capacityProviderName"], "FARGATE");
    assert!(
        tag_map(&t["tags"]).contains(&("ecsctl:env".into(), ENV.into())),
        "{t}"
    );
    assert_eq!(t["startedBy"], "ecsctl run");

    // A non-zero exit code is passed through, with --command for the main container.
    let r = p.run(&[
        "run",
        "-e",
        ENV,
        "sec-api-collector",
        "--wait",
        "--command",
        "python -m collectors.sec_api --since '2 days ago'",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.all());
    assert!(
        r.stderr.contains("the task exited with code 3"),
        "{}",
        r.all()
    );
    let d = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": GROUP, "tasks": [r.stdout.trim()]}),
    );
    assert_eq!(
        d["tasks"][0]["overrides"]["containerOverrides"][0],
        json!({"name": "sec-api-collector", "command": ["python", "-m", "collectors.sec_api", "--since", "2 days ago"]})
    );

    // A task that never started: exit 1 with ECS's stop reason.
    let r = p.run(&["run", "-e", ENV, "coinspot-announcements", "--wait"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stderr.contains("CannotPullContainerError"), "{}", r.all());

    // Without --wait: started, not waited for; an unknown job names the known ones.
    let r = p.run(&["run", "-e", ENV, "defillama-collector"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let r = p.run(&["run", "-e", ENV, "defilama"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr
            .contains("no scheduled task `defilama` in environment `staging`")
            && r.stderr.contains("`defillama-collector`"),
        "{}",
        r.all()
    );
    // --timeout bounds the wait: exit 1, the tasks' last state named.
    let r = p.run(&[
        "run",
        "-e",
        ENV,
        "defillama-collector",
        "--wait",
        "--timeout",
        "0s",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr
            .contains("timed out after 0s waiting for the tasks to stop"),
        "{}",
        r.all()
    );
    // A run changes nothing apply owns.
    p.assert_converged();

    // Every run above released its environment lock (docs/apply.md, "Lock"), the failed and
    // timed-out ones included.
    assert_eq!(crate::lock::lock_value(&p.acct, LOCK), None);
    // A lock someone else holds refuses the run before RunTask: the lock's own failed create is
    // the only write.
    crate::lock::put_foreign_lock(&p.acct, LOCK, 30);
    let r = p.run(&["run", "-e", ENV, "defillama-collector", "--stats"]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("error: environment `staging` of `omc` is locked by `arn:aws:sts::123456789012:assumed-role/ci/gha-7` (user ci) running `apply` on "),
        "{}",
        r.all()
    );
    r.assert_no_writes("a run refused by the lock");
    assert_eq!(r.lock_writes(), ["ssm:PutParameter"], "{}", r.all());
    assert!(r.stdout.is_empty(), "no task started: {}", r.all());
}

/// A job removed from the spec loses its schedule on the next apply (pruned: the group is
/// ours, schedules cannot be tagged); with no scheduled tasks left, the group goes too.
#[test]
fn removed_jobs_are_pruned_and_the_last_one_takes_the_group_with_it() {
    let p = converged_omc();
    let manifest_path = p.path().join("ecsctl.yaml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let (services, jobs) = manifest.split_once("scheduledTasks:").unwrap();
    let (kept, _coinspot) = jobs.split_once("  coinspot-announcements:").unwrap();
    std::fs::write(&manifest_path, format!("{services}scheduledTasks:{kept}")).unwrap();
    let plan = p.run(&["plan", "-e", ENV]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(
        plan.stdout
            .contains("- schedule.omc-staging-coinspot-announcements\n"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("- schedule_group."),
        "{}",
        plan.stdout
    );
    p.apply_ok();
    p.assert_converged();
    let listed = p.call("scheduler", "ListSchedules", json!({"GroupName": GROUP}));
    assert_eq!(listed["Schedules"].as_array().unwrap().len(), 2, "{listed}");

    std::fs::write(&manifest_path, services).unwrap();
    let plan = p.run(&["plan", "-e", ENV]);
    for gone in [
        "- schedule.omc-staging-defillama-collector\n",
        "- schedule.omc-staging-sec-api-collector\n",
        "- schedule_group.omc-staging\n",
    ] {
        assert!(plan.stdout.contains(gone), "{gone} in {}", plan.all());
    }
    p.apply_ok();
    p.assert_converged();
    assert_group_goes(&p);
}

/// DeleteScheduleGroup is asynchronous: the group is DELETING for a while, then gone.
fn assert_group_goes(p: &Omc) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match p
            .acct
            .call("scheduler", "GetScheduleGroup", json!({"Name": GROUP}))
        {
            Err(e) => {
                assert_eq!(e.code, "ResourceNotFoundException");
                return;
            }
            Ok(g) => assert_eq!(g["State"], "DELETING", "{g}"),
        }
        assert!(std::time::Instant::now() < deadline, "the group never went");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `destroy` removes the schedules and the group with everything else the environment owns.
#[test]
fn destroy_removes_the_schedules_and_their_group() {
    let p = converged_omc();
    let r = p.run(&["destroy", "-e", ENV, "--yes"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    for gone in [
        "- schedule.omc-staging-defillama-collector",
        "- schedule_group.omc-staging",
        "- iam_role.omc-staging-scheduler",
    ] {
        assert!(r.stdout.contains(gone), "{gone} in {}", r.all());
    }
    assert_group_goes(&p);
}

/// A schedule group of the same name that is not this environment's is never adopted:
/// plan refuses before anything is read further or changed.
#[test]
fn a_foreign_schedule_group_is_refused_not_adopted() {
    let p = Omc::new();
    p.call(
        "scheduler",
        "CreateScheduleGroup",
        json!({"Name": GROUP, "Tags": [{"Key": "team", "Value": "data"}]}),
    );
    let r = p.run(&["plan", "-e", ENV]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "`schedule_group.omc-staging` exists but is not ecsctl's (no ecsctl ownership tags)"
        ),
        "{}",
        r.all()
    );
}
