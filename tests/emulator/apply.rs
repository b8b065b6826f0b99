//! `ecsctl apply` against the emulator, each test in its own account: converge from empty,
//! change one thing at a time, survive an injected failure and a killed process, wait for
//! stable / time out / fail on a failed deployment, honour the CI contract and saved plans,
//! and converge the root project's environments. Every effect is checked through boto3
//! (scripts/aws-oob.py), never through ecsctl's own read code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

use crate::support::{self, Network, Run, TestAccount};

const FIXTURE: &str = "tests/fixtures/apply-basic";
const ENV: &str = "test";

/// A copy of a fixture project in a temp dir, bound to one fresh account and its network.
pub(crate) struct Project {
    pub(crate) acct: TestAccount,
    pub(crate) net: Network,
    pub(crate) dir: tempfile::TempDir,
    /// The env file as copied, so tests can append overrides and take them back.
    env_file: String,
}

impl Project {
    pub(crate) fn new(fixture: &str) -> Project {
        Project::in_account(fixture, support::account())
    }

    /// The fixture bound to `acct` (an account on a private server, e.g. one injecting faults).
    pub(crate) fn in_account(fixture: &str, acct: TestAccount) -> Project {
        let net = acct.network();
        let dir = tempfile::tempdir().expect("temp project");
        let src = support::repo_root().join(fixture);
        std::fs::copy(src.join("ecsctl.yaml"), dir.path().join("ecsctl.yaml"))
            .expect("ecsctl.yaml");
        copy_dir(&src.join("environments"), &dir.path().join("environments"));
        let env_file =
            std::fs::read_to_string(dir.path().join("environments/test.yaml")).unwrap_or_default();
        let p = Project {
            acct,
            net,
            dir,
            env_file,
        };
        // What the spec references outside ecsctl exists, as on the account of a team using it.
        support::fixtures::bind(&p.acct, &p.net, p.dir.path());
        p
    }

    /// Replaces the env file with the original plus `extra` YAML (an overlay).
    pub(crate) fn set_env_overrides(&self, extra: &str) {
        let text = format!("{}\n{extra}\n", self.env_file);
        std::fs::write(self.dir.path().join("environments/test.yaml"), text).unwrap();
    }

    pub(crate) fn cmd(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        let mut c = self.acct.ecsctl();
        c.arg("-C")
            .arg(self.dir.path())
            .args(args)
            .stdin(Stdio::null());
        c.env("SUBNET_A", &self.net.subnet_ids[0])
            .env("SUBNET_B", &self.net.subnet_ids[1])
            .env("SG", &self.net.security_group_id)
            .env("VPC", &self.net.vpc_id)
            .env("NO_COLOR", "1");
        for k in [
            "ECSCTL_FAIL_AT",
            "ECSCTL_KILL_AFTER",
            "ECSCTL_PAUSE_AFTER",
            "WEB_TAG",
            "WEB_ROLLOUT",
            "SECRET_KEY",
            "API_TOKEN",
        ] {
            c.env_remove(k);
        }
        for (k, v) in vars {
            c.env(k, v);
        }
        c
    }

    pub(crate) fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let out = self.cmd(args, vars).output().expect("run ecsctl");
        Run::from(out)
    }

    /// `apply -e test --yes --stats`, asserting success.
    pub(crate) fn apply_ok(&self, extra: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut args = vec!["apply", "-e", ENV, "--yes", "--stats"];
        args.extend_from_slice(extra);
        let r = self.run(&args, vars);
        assert_eq!(r.code, Some(0), "apply failed:\n{}", r.all());
        r
    }

    /// plan --detailed-exitcode must say "No changes.", exit 0 and write nothing.
    pub(crate) fn assert_converged(&self, vars: &[(&str, &str)]) {
        let r = self.run(&["plan", "-e", ENV, "--detailed-exitcode", "--stats"], vars);
        assert_eq!(
            r.code,
            Some(0),
            "plan after apply is not empty:\n{}",
            r.all()
        );
        assert!(r.stdout.starts_with("No changes."), "{}", r.stdout);
        r.assert_no_writes("plan");
    }

    /// A killed run's lock: the next apply names it; `ecsctl unlock` with its id removes it.
    #[cfg(feature = "fault-hooks")]
    fn remove_stale_lock(&self) {
        let refused = self.run(&["apply", "-e", ENV, "--yes"], &[]);
        assert_eq!(refused.code, Some(1), "{}", refused.all());
        assert!(
            refused.stderr.contains("is locked by `") && refused.stderr.contains("running `apply`"),
            "{}",
            refused.all()
        );
        let value = crate::lock::lock_value(&self.acct, "/ecsctl/locks/ap/test")
            .expect("a killed apply leaves its lock behind");
        let record: Value = serde_json::from_str(&value).unwrap();
        let id = record["id"].as_str().unwrap();
        let r = self.run(&["unlock", "-e", ENV, id], &[]);
        assert_eq!(r.code, Some(0), "{}", r.all());
    }

    /// Puts these ECR images (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG`) in the account.
    pub(crate) fn push_images(&self, images: &[String]) {
        if !images.is_empty() {
            let list = serde_json::to_string(images).unwrap();
            self.acct.oob(&["push-images", &list]).expect("push images");
        }
    }

    pub(crate) fn call(&self, service: &str, op: &str, params: Value) -> Value {
        self.acct
            .call(service, op, params)
            .unwrap_or_else(|e| panic!("{service}:{op}: {e:?}"))
    }

    pub(crate) fn service(&self, name: &str) -> Value {
        let v = self.call(
            "ecs",
            "DescribeServices",
            json!({"cluster": "ap-test", "services": [name], "include": ["TAGS"]}),
        );
        v["services"][0].clone()
    }

    /// The service's PRIMARY deployment, where ECS reports its volume and Service Connect
    /// configurations.
    pub(crate) fn primary_deployment(&self, service: &str) -> Value {
        let s = self.service(service);
        s["deployments"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["status"] == "PRIMARY"))
            .cloned()
            .unwrap_or_else(|| panic!("no PRIMARY deployment: {s}"))
    }

    pub(crate) fn task_definition(&self, service: &str) -> Value {
        let arn = self.service(service)["taskDefinition"]
            .as_str()
            .unwrap()
            .to_string();
        self.call(
            "ecs",
            "DescribeTaskDefinition",
            json!({"taskDefinition": arn}),
        )["taskDefinition"]
            .clone()
    }

    pub(crate) fn revisions(&self, family: &str) -> usize {
        self.call(
            "ecs",
            "ListTaskDefinitions",
            json!({"familyPrefix": family}),
        )["taskDefinitionArns"]
            .as_array()
            .unwrap()
            .len()
    }
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

fn tags(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    let k = t
                        .get("key")
                        .or(t.get("Key"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let v = t
                        .get("value")
                        .or(t.get("Value"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has_ownership(list: &Value) -> bool {
    let t = tags(list);
    let has = |k: &str, v: &str| t.iter().any(|(a, b)| a == k && b == v);
    has("ecsctl:managed-by", "ecsctl") && has("ecsctl:app", "ap") && has("ecsctl:env", ENV)
}

#[test]
fn apply_on_empty_account_converges_and_a_second_apply_changes_nothing() {
    let p = Project::new(FIXTURE);
    let first = p.apply_ok(&[], &[]);
    assert!(
        first
            .stdout
            .contains("Plan: 13 to add, 0 to change, 0 to destroy."),
        "{}",
        first.stdout
    );
    assert!(
        first.stderr.contains("2 service(s) stable"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("has reached a steady state"),
        "events are streamed:\n{}",
        first.stderr
    );
    p.assert_converged(&[]);

    let second = p.apply_ok(&[], &[]);
    assert!(
        second.stdout.starts_with("No changes."),
        "{}",
        second.stdout
    );
    assert_eq!(
        second.mutating_calls(),
        Vec::<String>::new(),
        "{}",
        second.stderr
    );

    // Out of band: everything exists once, tagged as ours, with the spec's values.
    let cluster = &p.call(
        "ecs",
        "DescribeClusters",
        json!({"clusters": ["ap-test"], "include": ["TAGS", "SETTINGS"]}),
    )["clusters"][0];
    assert_eq!(cluster["status"], "ACTIVE");
    assert!(has_ownership(&cluster["tags"]), "{cluster}");
    let providers: Vec<&str> = cluster["capacityProviders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        providers.contains(&"FARGATE") && providers.contains(&"FARGATE_SPOT"),
        "{cluster}"
    );

    let web = p.service("ap-test-web");
    assert_eq!(web["status"], "ACTIVE");
    assert_eq!(web["desiredCount"], 1);
    assert!(has_ownership(&web["tags"]), "{web}");
    assert_eq!(
        web["capacityProviderStrategy"][0]["capacityProvider"], "FARGATE_SPOT",
        "{web}"
    );
    assert_eq!(
        web["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"][0],
        p.net.security_group_id
    );
    assert_eq!(
        web["serviceRegistries"].as_array().map(Vec::len),
        Some(1),
        "{web}"
    );

    let td = p.task_definition("ap-test-web");
    assert_eq!(td["cpu"], "256");
    assert_eq!(td["containerDefinitions"][0]["image"], "nginx:1.27");
    let exec = td["executionRoleArn"].as_str().unwrap();
    assert_eq!(
        exec,
        format!("arn:aws:iam::{}:role/ap-test-web-exec", p.acct.id)
    );
    assert_eq!(p.revisions("ap-test-web"), 1);

    let role = &p.call("iam", "GetRole", json!({"RoleName": "ap-test-web-exec"}))["Role"];
    assert!(has_ownership(&role["Tags"]), "{role}");
    let inline = p.call(
        "iam",
        "ListRolePolicies",
        json!({"RoleName": "ap-test-web-exec"}),
    );
    assert_eq!(inline["PolicyNames"], json!(["ecsctl"]));
    // Only the scoped inline grants: no AWS managed policy (issue 11).
    let attached = p.call(
        "iam",
        "ListAttachedRolePolicies",
        json!({"RoleName": "ap-test-web-exec"}),
    );
    assert_eq!(attached["AttachedPolicies"], json!([]));

    let groups = p.call(
        "logs",
        "DescribeLogGroups",
        json!({"logGroupNamePrefix": "/ecs/ap-test/"}),
    );
    let groups = groups["logGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert!(
        groups.iter().all(|g| g["retentionInDays"] == 7),
        "{groups:?}"
    );

    let namespaces = p.call("servicediscovery", "ListNamespaces", json!({}));
    let names: Vec<&str> = namespaces["Namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["Name"].as_str())
        .collect();
    assert_eq!(names, ["ap-test.local"]);

    let targets = p.call(
        "application-autoscaling",
        "DescribeScalableTargets",
        json!({"ServiceNamespace": "ecs"}),
    );
    let t = &targets["ScalableTargets"];
    assert_eq!(t.as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t[0]["ResourceId"], "service/ap-test/ap-test-worker");
    assert_eq!(
        (t[0]["MinCapacity"].as_i64(), t[0]["MaxCapacity"].as_i64()),
        (Some(1), Some(3))
    );
}

/// Applies a change, asserts exactly the expected steps ran, and that plan converges after.
pub(crate) fn change(
    p: &Project,
    extra: &[&str],
    vars: &[(&str, &str)],
    expect_steps: &[&str],
) -> Run {
    let r = p.apply_ok(extra, vars);
    let mut steps: Vec<&str> = r
        .stderr
        .lines()
        .filter_map(|l| {
            l.strip_suffix(")")
                .and_then(|l| l.split_once(": done ("))
                .map(|(s, _)| s)
        })
        .collect();
    steps.sort();
    let mut want = expect_steps.to_vec();
    want.sort();
    assert_eq!(steps, want, "{}", r.all());
    p.assert_converged(vars);
    r
}

#[test]
fn image_changes_by_variable_and_by_flag_make_one_new_revision_each() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    change(
        &p,
        &[],
        &[("WEB_TAG", "1.28")],
        &["~ task_definition.ap-test-web", "~ service.web"],
    );
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.28"
    );
    assert_eq!(p.revisions("ap-test-web"), 2);

    // --image overrides the spec for plan and apply alike.
    let r = p.run(
        &["apply", "-e", ENV, "--yes", "--image", "web=nginx:1.29"],
        &[("WEB_TAG", "1.28")],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:1.29"
    );
    let unknown = p.run(&["apply", "-e", ENV, "--yes", "--image", "nope=x:1"], &[]);
    assert_eq!(unknown.code, Some(1));
    assert!(
        unknown.stderr.contains("`--image` names service `nope`"),
        "{}",
        unknown.stderr
    );
    assert_eq!(p.revisions("ap-test-web"), 3);
    assert_eq!(p.revisions("ap-test-worker"), 1);

    // A pipeline that deployed with --image plans with the same flag: nothing to revert.
    let same = p.run(
        &[
            "plan",
            "-e",
            ENV,
            "--detailed-exitcode",
            "--image",
            "web=nginx:1.29",
            "--stats",
        ],
        &[("WEB_TAG", "1.28")],
    );
    assert_eq!(same.code, Some(0), "{}", same.all());
    assert!(same.stdout.contains("No changes."), "{}", same.all());
    same.assert_no_writes("plan");
    // Without it, the plan honestly shows the spec's image coming back.
    let revert = p.run(
        &["plan", "-e", ENV, "--detailed-exitcode"],
        &[("WEB_TAG", "1.28")],
    );
    assert_eq!(revert.code, Some(2), "{}", revert.all());
    assert!(
        revert.stdout.contains("\"nginx:1.29\" -> \"nginx:1.28\""),
        "{}",
        revert.all()
    );
    let bad = p.run(&["plan", "-e", ENV, "--image", "web"], &[]);
    assert_eq!(bad.code, Some(1), "{}", bad.all());
}

/// ECS drops environment entries whose value is empty, so `FOO: ""` (or `${VAR:-}`) never
/// matched the live task definition and redeployed on every apply
/// (terraform-provider-aws #39533).
#[test]
fn an_empty_env_value_does_not_redeploy_on_every_apply() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides(
        "services:\n  web:\n    env:\n      FOO: \"\"\n      UNSET: \"${NOT_SET_ANYWHERE:-}\"\n      BAR: x\n",
    );
    let first = p.apply_ok(&[], &[]);
    for name in ["FOO", "UNSET"] {
        assert!(
            first.stderr.contains(&format!(
                "env var `{name}` is empty: ECS drops empty values, so it is left out"
            )),
            "{}",
            first.all()
        );
    }
    let env = &p.task_definition("ap-test-web")["containerDefinitions"][0]["environment"];
    assert_eq!(env, &json!([{"name": "BAR", "value": "x"}]), "{env}");
    p.assert_converged(&[]);
    let second = p.apply_ok(&[], &[]);
    assert_eq!(
        second.mutating_calls(),
        Vec::<String>::new(),
        "{}",
        second.all()
    );
    assert_eq!(p.revisions("ap-test-web"), 1);
}

#[test]
fn sizing_count_capacity_and_secret_changes_apply_exactly_that() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    p.set_env_overrides("services:\n  web:\n    cpu: 512\n    memory: 1024\n");
    change(
        &p,
        &[],
        &[],
        &["~ task_definition.ap-test-web", "~ service.web"],
    );
    let td = p.task_definition("ap-test-web");
    assert_eq!(
        (td["cpu"].as_str(), td["memory"].as_str()),
        (Some("512"), Some("1024"))
    );

    p.set_env_overrides("services:\n  web:\n    cpu: 512\n    memory: 1024\n    count: 3\n");
    change(&p, &[], &[], &["~ service.web"]);
    assert_eq!(p.service("ap-test-web")["desiredCount"], 3);

    p.set_env_overrides("services:\n  web:\n    cpu: 512\n    memory: 1024\n    count: 3\n    capacity: on-demand\n");
    let r = change(&p, &[], &[], &["~ service.web"]);
    assert!(r.stdout.contains("forces new deployment"), "{}", r.stdout);
    let web = p.service("ap-test-web");
    assert_eq!(
        web["capacityProviderStrategy"][0]["capacityProvider"], "FARGATE",
        "{web}"
    );
    assert!(
        web.get("launchType").is_none_or(|l| l != "FARGATE"),
        "never a launch type: {web}"
    );

    let before = p.revisions("ap-test-web");
    p.set_env_overrides(
        "services:\n  web:\n    cpu: 512\n    memory: 1024\n    count: 3\n    capacity: on-demand\n    secrets:\n      DB_PASSWORD:\n        secretsManager: \"ap/{env}/db\"\n        key: pw2\n",
    );
    // A by-name secret grants `NAME-??????` whatever the key: only the revision changes.
    change(
        &p,
        &[],
        &[],
        &["~ task_definition.ap-test-web", "~ service.web"],
    );
    let secret = &p.task_definition("ap-test-web")["containerDefinitions"][0]["secrets"][0];
    assert!(
        secret["valueFrom"].as_str().unwrap().ends_with(":pw2::"),
        "{secret}"
    );
    assert_eq!(p.revisions("ap-test-web"), before + 1);
}

#[test]
fn retention_autoscaling_and_a_new_service_converge() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    p.set_env_overrides("logs:\n  retentionDays: 30\n");
    change(
        &p,
        &[],
        &[],
        &[
            "~ log_group./ecs/ap-test/web",
            "~ log_group./ecs/ap-test/worker",
        ],
    );
    let groups = p.call(
        "logs",
        "DescribeLogGroups",
        json!({"logGroupNamePrefix": "/ecs/ap-test/"}),
    );
    assert!(
        groups["logGroups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["retentionInDays"] == 30)
    );

    // The live count within min..max survives an apply that changes the range.
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-worker", "desiredCount": 2}),
    );
    p.acct.call_until(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-worker"]}),
        |v| v["services"][0]["desiredCount"] == 2,
    );
    p.set_env_overrides(
        "logs:\n  retentionDays: 30\nservices:\n  worker:\n    autoscaling:\n      max: 5\n",
    );
    change(&p, &[], &[], &["~ scaling_target.worker"]);
    let t = p.call(
        "application-autoscaling",
        "DescribeScalableTargets",
        json!({"ServiceNamespace": "ecs"}),
    );
    assert_eq!(t["ScalableTargets"][0]["MaxCapacity"], 5);
    assert_eq!(
        p.service("ap-test-worker")["desiredCount"],
        2,
        "apply must not reset an autoscaled count"
    );

    p.set_env_overrides(
        "logs:\n  retentionDays: 30\nservices:\n  worker:\n    autoscaling:\n      max: 5\n  extra:\n    image: nginx:1.27\n    ports: [9090]\n",
    );
    change(
        &p,
        &[],
        &[],
        &[
            "+ iam_role.ap-test-extra-exec",
            "+ log_group./ecs/ap-test/extra",
            "+ discovery_service.extra",
            "+ task_definition.ap-test-extra",
            "+ service.extra",
        ],
    );
    assert_eq!(p.service("ap-test-extra")["status"], "ACTIVE");
}

// Uses ECSCTL_FAIL_AT / ECSCTL_KILL_AFTER, which exist only with the feature (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn an_injected_failure_reports_what_was_done_and_the_rerun_converges_without_duplicates() {
    let p = Project::new(FIXTURE);
    let r = p.run(
        &["apply", "-e", ENV, "--yes"],
        &[("ECSCTL_FAIL_AT", "ecs:CreateService@ap-test-web")],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    for want in [
        "Done (",
        "+ task_definition.ap-test-web",
        "Failed (1):\n  + service.web\n    operation: ecs:CreateService\n    resource: `ap-test-web`\n    error: EcsctlInjectedFailure:",
        "  + scaling_target.worker\n  + scaling_policy.ap-test-worker-cpu\n",
        "error: apply failed at `service.web`",
    ] {
        assert!(r.stderr.contains(want), "missing `{want}`:\n{}", r.stderr);
    }
    // Whatever was not attempted (the sibling service may or may not have started) plus the
    // failed step is exactly what the next plan has to add.
    let not_attempted: usize = r
        .stderr
        .split_once("Not attempted (")
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(n, _)| n.parse().ok())
        .expect("a not-attempted section");
    let plan = p.run(&["plan", "-e", ENV], &[]);
    let want = format!(
        "Plan: {} to add, 0 to change, 0 to destroy.",
        not_attempted + 1
    );
    assert!(
        plan.stdout.contains(&want),
        "want `{want}`:\n{}",
        plan.stdout
    );

    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    assert_eq!(p.revisions("ap-test-web"), 1);
    assert_eq!(p.revisions("ap-test-worker"), 1);
    let services = p.call("ecs", "ListServices", json!({"cluster": "ap-test"}));
    assert_eq!(services["serviceArns"].as_array().unwrap().len(), 2);
}

// Uses ECSCTL_FAIL_AT / ECSCTL_KILL_AFTER, which exist only with the feature (docs/apply.md).
#[cfg(feature = "fault-hooks")]
#[test]
fn a_killed_process_leaves_what_the_next_apply_finishes() {
    let p = Project::new(FIXTURE);
    // Killed between CreateRole and PutRolePolicy: the role exists without its policy.
    let r = p.run(
        &["apply", "-e", ENV, "--yes"],
        &[("ECSCTL_KILL_AFTER", "iam:CreateRole@ap-test-web-exec")],
    );
    assert_ne!(r.code, Some(0), "{}", r.all());
    assert!(
        r.code.is_none() || r.code == Some(134),
        "aborted by a signal: {:?}",
        r.code
    );
    let plan = p.run(&["plan", "-e", ENV], &[]);
    assert!(
        plan.stdout.contains("~ iam_role.ap-test-web-exec"),
        "the half-made role is an update:\n{}",
        plan.stdout
    );
    // A killed process cannot release its lock: the next apply is refused until `unlock`.
    p.remove_stale_lock();

    // Killed right after the namespace was requested: the re-run must not make a second one.
    let r = p.run(
        &["apply", "-e", ENV, "--yes"],
        &[(
            "ECSCTL_KILL_AFTER",
            "servicediscovery:CreatePrivateDnsNamespace",
        )],
    );
    assert_ne!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stderr.contains("CreatePrivateDnsNamespace"),
        "{}",
        r.all()
    );
    p.remove_stale_lock();
    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    let policies = p.call(
        "iam",
        "ListRolePolicies",
        json!({"RoleName": "ap-test-web-exec"}),
    );
    assert_eq!(policies["PolicyNames"], json!(["ecsctl"]));
    let namespaces = p.call("servicediscovery", "ListNamespaces", json!({}));
    assert_eq!(namespaces["Namespaces"].as_array().unwrap().len(), 1);
    assert_eq!(p.revisions("ap-test-web"), 1);
}

#[test]
fn waiting_times_out_on_a_stuck_service_and_no_wait_does_not_wait() {
    let p = Project::new(FIXTURE);
    let started = Instant::now();
    let r = p.run(
        &["apply", "-e", ENV, "--yes", "--timeout", "2s"],
        &[("WEB_ROLLOUT", "stuck")],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(started.elapsed().as_secs() < 30);
    assert!(
        r.stderr
            .contains("error: timed out after 2s waiting for `ap-test-web` to become stable"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("ap-test-web: running 0/1, pending 1, IN_PROGRESS"),
        "{}",
        r.stderr
    );
    // The resources exist: the next run has nothing to do but is not stable either.
    let again = p.run(
        &["apply", "-e", ENV, "--yes", "--no-wait", "--stats"],
        &[("WEB_ROLLOUT", "stuck")],
    );
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(again.stdout.starts_with("No changes."), "{}", again.stdout);
    again.assert_no_writes("an apply with no changes");
}

#[test]
fn a_failed_deployment_fails_the_apply_with_the_reason() {
    let p = Project::new(FIXTURE);
    let r = p.run(&["apply", "-e", ENV, "--yes"], &[("WEB_ROLLOUT", "failed")]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr
            .contains("error: the deployment of `ap-test-web` failed: deployment `ecs-svc/"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("ECS deployment circuit breaker: tasks failed to start."),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("deployment failed: tasks failed to start."),
        "the failure event is streamed:\n{}",
        r.stderr
    );
}

#[test]
fn without_a_terminal_apply_refuses_unless_yes() {
    let p = Project::new(FIXTURE);
    let r = p.run(&["apply", "-e", ENV], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stdout.contains("Plan: 13 to add"),
        "the plan is shown first:\n{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("error: refusing to apply without confirmation: stdin is not a terminal; nothing was changed"),
        "{}",
        r.stderr
    );
    let clusters = p.call("ecs", "DescribeClusters", json!({"clusters": ["ap-test"]}));
    assert_eq!(
        clusters["clusters"].as_array().map(Vec::len),
        Some(0),
        "nothing was created: {clusters}"
    );
}

#[test]
fn a_saved_plan_applies_only_while_the_live_state_is_unchanged() {
    let p = Project::new(FIXTURE);
    let file: PathBuf = p.dir.path().join("test.plan.json");
    let file_s = file.to_str().unwrap();
    let r = p.run(&["plan", "-e", ENV, "--out", file_s], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let applied = p.run(&["apply", file_s, "--yes"], &[]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    p.assert_converged(&[]);

    let r = p.run(&["plan", "-e", ENV, "--out", file_s], &[("WEB_TAG", "2.0")]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    // Someone applies something else first: the saved plan no longer describes the account.
    p.apply_ok(&[], &[("WEB_TAG", "3.0")]);
    let stale = p.run(&["apply", file_s, "--yes", "--stats"], &[]);
    assert_eq!(stale.code, Some(1), "{}", stale.all());
    assert!(
        stale.stderr.contains(
            "error: the live state changed since the plan was made (`service.web`, `task_definition.ap-test-web` moved); nothing was changed"
        ),
        "{}",
        stale.stderr
    );
    stale.assert_no_writes("a stale saved plan");
    assert_eq!(
        p.task_definition("ap-test-web")["containerDefinitions"][0]["image"],
        "nginx:3.0"
    );
}

fn root_env_converges(env: &str) -> Project {
    let p = example_project(".");
    let started = Instant::now();
    let r = p.run(&["apply", "-e", env, "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    eprintln!(
        "root project `{env}`: empty → converged in {:.2?}",
        started.elapsed()
    );
    let plan = p.run(&["plan", "-e", env, "--detailed-exitcode"], &[]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    let services = p.call(
        "ecs",
        "ListServices",
        json!({"cluster": format!("ohi-{env}")}),
    );
    assert_eq!(services["serviceArns"].as_array().unwrap().len(), 11);
    p
}

#[test]
fn root_project_prod_converges_and_an_image_change_rolls_out() {
    let p = root_env_converges("prod");
    let image = format!("{}.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:v2", p.acct.id);
    p.push_images(std::slice::from_ref(&image));
    let started = Instant::now();
    let r = p.run(
        &[
            "apply",
            "-e",
            "prod",
            "--yes",
            "--image",
            &format!("api={image}"),
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    eprintln!(
        "root project `prod`: image change applied in {:.2?}",
        started.elapsed()
    );
    assert!(
        r.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        r.stdout
    );
    let v = p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ohi-prod", "services": ["ohi-prod-api"]}),
    );
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": v["services"][0]["taskDefinition"]}),
    );
    assert_eq!(
        td["taskDefinition"]["containerDefinitions"][0]["image"],
        image.as_str()
    );
}

/// The plan's change of one resource, by address.
fn planned<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no {address} in {plan:#}"))
}

/// Drift made out of band with boto3 after a converged apply: a desired count, an env var (a
/// revision registered by hand and rolled out), an extra tag and a deleted log group. Each shows
/// in the plan field by field (the hand-made revision as the service's `taskDefinition`: the
/// family's revision of ours still holds the spec), and apply puts the spec back.
#[test]
fn out_of_band_drift_shows_in_the_plan_and_apply_reverts_it() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    // desired count (web has no autoscaling: the spec's count wins)
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-web", "desiredCount": 3}),
    );
    // an env var: register a revision by hand with one more variable, and run it
    let td = p.task_definition("ap-test-web");
    let mut input = support::reregister_input(&td);
    input["containerDefinitions"][0]["environment"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "DEBUG", "value": "1"}));
    let registered = p.call("ecs", "RegisterTaskDefinition", input);
    let arn = registered["taskDefinition"]["taskDefinitionArn"].clone();
    p.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "ap-test", "service": "ap-test-web", "taskDefinition": arn}),
    );
    // ECS reads lag the writes (docs/emulator.md, stale window): plan once a reader sees both.
    p.acct.call_until(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-web"]}),
        |v| v["services"][0]["desiredCount"] == 3 && v["services"][0]["taskDefinition"] == arn,
    );
    // a tag the spec does not have, on the web log group
    let groups = p.call(
        "logs",
        "DescribeLogGroups",
        json!({"logGroupNamePrefix": "/ecs/ap-test/"}),
    );
    let web_group = groups["logGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["logGroupName"] == "/ecs/ap-test/web")
        .expect("web log group")
        .clone();
    p.call(
        "logs",
        "TagResource",
        json!({"resourceArn": web_group["logGroupArn"], "tags": {"team": "ops"}}),
    );
    // a deleted log group
    p.call(
        "logs",
        "DeleteLogGroup",
        json!({"logGroupName": "/ecs/ap-test/worker"}),
    );
    // A tag changed out of band shows once the tag index has caught up with it: until then the
    // index still holds what the spec wants, which the plan trusts (docs/aws.md, "The tag
    // index"; `live::a_resource_the_tag_index_has_not_caught_up_with_is_read_directly` pins
    // the other direction, where a stale entry is never trusted).
    std::thread::sleep(
        support::window("ECSCTL_EMULATOR_TAG_INDEX_MS") + std::time::Duration::from_millis(100),
    );

    let r = p.run(
        &["plan", "-e", ENV, "--output", "json", "--detailed-exitcode"],
        &[],
    );
    assert_eq!(r.code, Some(2), "{}", r.all());
    let plan: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let fields = |address: &str| -> Vec<(String, Value, Value)> {
        planned(&plan, address)["fieldChanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["before"].clone(),
                    f["after"].clone(),
                )
            })
            .collect()
    };

    let service = fields("service.web");
    assert!(
        service.contains(&("desiredCount".into(), json!(3), json!(1))),
        "{service:?}"
    );
    // The revision registered by hand carries none of our tags, so it is not the family's
    // revision of ours (issue 10, item 4): revision 1, ours, still holds the spec's content
    // and is reused, and the drift shows as the service running another revision.
    let task = planned(&plan, "task_definition.ap-test-web");
    assert_eq!(task["action"], "no-op", "{task:#}");
    assert_eq!(
        task["reason"],
        "reuses revision 1 (already registered with this content)"
    );
    let hand = arn
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(
        service.contains(&("taskDefinition".into(), json!(hand), json!("ap-test-web:1"))),
        "{service:?}"
    );
    let log = fields("log_group./ecs/ap-test/web");
    assert!(
        log.iter().any(|(path, before, after)| path.contains("team")
            && *before == json!("ops")
            && after.is_null()),
        "{log:?}"
    );
    assert_eq!(
        planned(&plan, "log_group./ecs/ap-test/worker")["action"],
        "create"
    );

    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    assert_eq!(p.service("ap-test-web")["desiredCount"], 1);
    let env = &p.task_definition("ap-test-web")["containerDefinitions"][0]["environment"];
    assert!(
        !env.as_array().unwrap().iter().any(|e| e["name"] == "DEBUG"),
        "{env}"
    );
}

/// A copy of an example project bound to a fresh emulator account: the placeholder subnet,
/// security group and VPC ids of `environments/*.yaml` and `ecsctl.yaml` replaced by real ones
/// (moto cannot create chosen ids), and the region set to the one the account's network lives
/// in (moto validates subnets per region; it does not check the region inside other ARNs).
fn example_project(relative: &str) -> Project {
    example_project_in(relative, support::account())
}

/// `example_project` in a given account.
pub(crate) fn example_project_in(relative: &str, acct: TestAccount) -> Project {
    let mut p = Project::in_account(relative, acct);
    let third = p.call(
        "ec2",
        "CreateSubnet",
        json!({"VpcId": p.net.vpc_id, "CidrBlock": "10.0.9.0/24", "AvailabilityZone": "eu-west-1c"}),
    );
    p.net
        .subnet_ids
        .push(third["Subnet"]["SubnetId"].as_str().unwrap().to_string());
    let mut files = vec![p.dir.path().join("ecsctl.yaml")];
    for entry in std::fs::read_dir(p.dir.path().join("environments")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for path in files {
        let mut text = std::fs::read_to_string(&path).unwrap();
        for i in 0..3 {
            for (n, id) in p.net.subnet_ids.iter().enumerate() {
                text = text.replace(&format!("subnet-0a1b2c3d4e5f60{i}0{}", n + 1), id);
            }
            text = text.replace(&format!("sg-0a1b2c3d4e5f60{i}11"), &p.net.security_group_id);
            text = text.replace(&format!("vpc-0a1b2c3d4e5f60{i}00"), &p.net.vpc_id);
        }
        std::fs::write(&path, text).unwrap();
    }
    p
}

/// One environment's whole life on an empty account: apply succeeds, the next plan says
/// "No changes." (exit 0 with --detailed-exitcode), a second apply makes no mutating call,
/// destroy succeeds, and a second destroy finds nothing of the environment left.
fn lifecycle(example: &str, env: &str) {
    // One account per environment: moto allows one private namespace per VPC.
    let p = example_project(example);
    let first = p.run(&["apply", "-e", env, "--yes"], &[]);
    assert_eq!(first.code, Some(0), "{example} -e {env}:\n{}", first.all());
    let plan = p.run(&["plan", "-e", env, "--detailed-exitcode", "--stats"], &[]);
    assert_eq!(plan.code, Some(0), "{example} -e {env}:\n{}", plan.all());
    assert!(
        plan.stdout.starts_with("No changes."),
        "{example} -e {env}:\n{}",
        plan.stdout
    );
    assert_eq!(plan.mutating_calls(), Vec::<String>::new(), "plan wrote");
    let second = p.run(&["apply", "-e", env, "--yes", "--stats"], &[]);
    assert_eq!(
        second.code,
        Some(0),
        "{example} -e {env}:\n{}",
        second.all()
    );
    let writes = second.mutating_calls();
    assert!(
        writes.is_empty(),
        "{example} -e {env}: second apply wrote {writes:?}"
    );
    let destroy = p.run(&["destroy", "-e", env, "--yes", "--allow-destroy"], &[]);
    assert_eq!(
        destroy.code,
        Some(0),
        "{example} -e {env} destroy:\n{}",
        destroy.all()
    );
    let again = p.run(
        &["destroy", "-e", env, "--yes", "--allow-destroy", "--stats"],
        &[],
    );
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(
        again.stderr.contains("nothing to destroy"),
        "{example} -e {env}: a second destroy still found something:\n{}",
        again.all()
    );
    assert_eq!(again.mutating_calls(), Vec::<String>::new());
}

/// Every environment of `example`, each in its own account.
fn every_environment_of(example: &str) {
    let mut envs: Vec<String> =
        std::fs::read_dir(support::repo_root().join(example).join("environments"))
            .unwrap()
            .filter_map(|e| Some(e.unwrap().path().file_stem()?.to_str()?.to_string()))
            .collect();
    envs.sort();
    assert!(!envs.is_empty(), "{example} has no environments");
    for env in &envs {
        lifecycle(example, env);
    }
}

#[test]
fn every_environment_of_omc_converges_and_destroys() {
    every_environment_of("examples/omc");
}

#[test]
fn every_environment_of_cryptotracker_converges_and_destroys() {
    every_environment_of("examples/cryptotracker");
}

#[test]
fn every_environment_of_durableai_converges_and_destroys() {
    every_environment_of("examples/durableai");
}

#[test]
fn every_environment_of_aldeia_converges_and_destroys() {
    every_environment_of("examples/aldeia");
}

#[test]
fn every_environment_of_the_root_project_converges_and_destroys() {
    every_environment_of(".");
}

/// The examples above are every directory under examples/ (a new one must be added there).
#[test]
fn the_lifecycle_tests_cover_every_example() {
    let mut found: Vec<String> = std::fs::read_dir(support::repo_root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.path()
                .join("ecsctl.yaml")
                .exists()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    assert_eq!(found, ["aldeia", "cryptotracker", "durableai", "omc"]);
}
