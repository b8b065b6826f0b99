//! Removing what the spec no longer names, against the emulator: pruning a dropped service in
//! plan and apply, `ecsctl destroy`, log groups kept unless asked, protected environments, and
//! decoys (same names without our tags, another app's or environment's tags) that must survive
//! everything. Effects are checked through boto3 (scripts/aws-oob.py), never through ecsctl's
//! own reads.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::support::{self, AwsError, Network, Run, TestAccount};

const FIXTURE: &str = "tests/fixtures/prune-basic";

/// Shared with foreign_revisions.rs (same fixture, same helpers).
pub(crate) struct Project {
    pub(crate) acct: TestAccount,
    net: Network,
    dir: tempfile::TempDir,
}

impl Project {
    pub(crate) fn new() -> Project {
        let acct = support::account();
        let net = acct.network();
        let dir = tempfile::tempdir().expect("temp project");
        let src = support::repo_root().join(FIXTURE);
        std::fs::copy(src.join("ecsctl.yaml"), dir.path().join("ecsctl.yaml")).unwrap();
        std::fs::create_dir(dir.path().join("environments")).unwrap();
        for env in ["dev", "prod"] {
            let f = format!("environments/{env}.yaml");
            std::fs::copy(src.join(&f), dir.path().join(&f)).unwrap();
        }
        Project { acct, net, dir }
    }

    /// Appends YAML to an environment file (an overlay).
    pub(crate) fn overlay(&self, env: &str, extra: &str) {
        let path = self.dir.path().join(format!("environments/{env}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, format!("{text}\n{extra}\n")).unwrap();
    }

    /// `ecsctl -C <copy> ARGS` with the account's network in the environment, not started.
    pub(crate) fn cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.acct.ecsctl();
        c.arg("-C")
            .arg(self.dir.path())
            .args(args)
            .stdin(Stdio::null())
            .env("SUBNET_A", &self.net.subnet_ids[0])
            .env("SUBNET_B", &self.net.subnet_ids[1])
            .env("SG", &self.net.security_group_id)
            .env("VPC", &self.net.vpc_id)
            .env("NO_COLOR", "1");
        c
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run ecsctl"))
    }

    pub(crate) fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, Some(0), "{args:?} failed:\n{}", r.all());
        r
    }

    fn call(&self, service: &str, op: &str, params: Value) -> Result<Value, AwsError> {
        self.acct.call(service, op, params)
    }

    pub(crate) fn must(&self, service: &str, op: &str, params: Value) -> Value {
        self.call(service, op, params)
            .unwrap_or_else(|e| panic!("{service}:{op}: {e:?}"))
    }

    /// `ACTIVE`/`DRAINING`/`INACTIVE`, or None when ECS does not know the service.
    fn service_status(&self, cluster: &str, name: &str) -> Option<String> {
        let v = self.call(
            "ecs",
            "DescribeServices",
            json!({"cluster": cluster, "services": [name]}),
        );
        v.ok()?["services"][0]["status"]
            .as_str()
            .map(str::to_string)
    }

    fn role_exists(&self, name: &str) -> bool {
        match self.call("iam", "GetRole", json!({"RoleName": name})) {
            Ok(_) => true,
            Err(e) if e.code == "NoSuchEntity" => false,
            Err(e) => panic!("GetRole {name}: {e:?}"),
        }
    }

    fn log_groups(&self, prefix: &str) -> Vec<String> {
        self.must(
            "logs",
            "DescribeLogGroups",
            json!({"logGroupNamePrefix": prefix}),
        )["logGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["logGroupName"].as_str().unwrap().to_string())
            .collect()
    }

    pub(crate) fn active_revisions(&self, family: &str) -> usize {
        self.must(
            "ecs",
            "ListTaskDefinitions",
            json!({"familyPrefix": family, "status": "ACTIVE"}),
        )["taskDefinitionArns"]
            .as_array()
            .unwrap()
            .len()
    }

    fn scalable_targets(&self) -> Vec<String> {
        self.must(
            "application-autoscaling",
            "DescribeScalableTargets",
            json!({"ServiceNamespace": "ecs"}),
        )["ScalableTargets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ResourceId"].as_str().unwrap().to_string())
            .collect()
    }

    fn namespaces(&self) -> Vec<String> {
        self.must("servicediscovery", "ListNamespaces", json!({}))["Namespaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["Name"].as_str().unwrap().to_string())
            .collect()
    }

    /// Same-kind, same-prefix resources that are not this environment's: untagged, another
    /// app's, another environment's. Created out of band; every test checks they survive.
    fn create_decoys(&self) {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        .to_string();
        let owner = |app: &str, env: &str| {
            json!([{"Key": "ecsctl:managed-by", "Value": "ecsctl"},
                   {"Key": "ecsctl:app", "Value": app}, {"Key": "ecsctl:env", "Value": env}])
        };
        let log_tags = |app: &str, env: &str| json!({"ecsctl:managed-by": "ecsctl", "ecsctl:app": app, "ecsctl:env": env});
        let ecs_tags = |app: &str, env: &str| {
            json!([{"key": "ecsctl:managed-by", "value": "ecsctl"},
                   {"key": "ecsctl:app", "value": app}, {"key": "ecsctl:env", "value": env}])
        };
        let awsvpc = json!({"awsvpcConfiguration": {"subnets": self.net.subnet_ids,
            "securityGroups": [self.net.security_group_id]}});
        let mut calls = vec![
            (
                "iam",
                "CreateRole",
                json!({"RoleName": "pr-dev-decoy-exec", "AssumeRolePolicyDocument": trust}),
            ),
            (
                "iam",
                "CreateRole",
                json!({"RoleName": "pr-dev-alien-exec", "AssumeRolePolicyDocument": trust, "Tags": owner("zz", "dev")}),
            ),
            (
                "iam",
                "CreateRole",
                json!({"RoleName": "pr-dev-stage-exec", "AssumeRolePolicyDocument": trust, "Tags": owner("pr", "staging")}),
            ),
            (
                "logs",
                "CreateLogGroup",
                json!({"logGroupName": "/ecs/pr-dev/decoy"}),
            ),
            (
                "logs",
                "CreateLogGroup",
                json!({"logGroupName": "/ecs/pr-dev/alien", "tags": log_tags("zz", "dev")}),
            ),
            (
                "logs",
                "CreateLogGroup",
                json!({"logGroupName": "/ecs/pr-dev/stage", "tags": log_tags("pr", "staging")}),
            ),
        ];
        for (family, tags) in [
            ("pr-dev-decoy", json!([])),
            ("pr-dev-alien", ecs_tags("zz", "dev")),
            ("pr-dev-stage", ecs_tags("pr", "staging")),
        ] {
            calls.push((
                "ecs",
                "RegisterTaskDefinition",
                json!({"family": family, "requiresCompatibilities": ["FARGATE"],
                    "networkMode": "awsvpc", "cpu": "256", "memory": "512",
                    "containerDefinitions": [{"name": "x", "image": "busybox"}], "tags": tags}),
            ));
            calls.push((
                "ecs",
                "CreateService",
                json!({"cluster": "pr-dev", "serviceName": family, "taskDefinition": format!("{family}:1"),
                    "desiredCount": 0, "launchType": "FARGATE", "networkConfiguration": awsvpc, "tags": tags}),
            ));
        }
        for r in self.acct.batch(&calls) {
            r.unwrap_or_else(|e| panic!("decoy setup: {e:?}"));
        }
    }

    fn assert_decoys_survive(&self) {
        for name in ["decoy", "alien", "stage"] {
            assert!(
                self.role_exists(&format!("pr-dev-{name}-exec")),
                "role {name}"
            );
            assert_eq!(
                self.service_status("pr-dev", &format!("pr-dev-{name}"))
                    .as_deref(),
                Some("ACTIVE"),
                "service {name}"
            );
            assert_eq!(
                self.active_revisions(&format!("pr-dev-{name}")),
                1,
                "family {name}"
            );
        }
        let groups = self.log_groups("/ecs/pr-dev/");
        for name in ["decoy", "alien", "stage"] {
            assert!(
                groups.contains(&format!("/ecs/pr-dev/{name}")),
                "{groups:?}"
            );
        }
    }
}

pub(crate) fn stdout_json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", r.all()))
}

fn actions(plan: &Value) -> Vec<(String, String, bool)> {
    plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "no-op")
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
                c["destructive"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn prune_removed_service_plans_deletions_applies_them_and_converges() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.create_decoys();
    p.overlay("dev", "services:\n  worker:\n    enabled: false");

    let plan = p.run(&[
        "plan",
        "-e",
        "dev",
        "--output",
        "json",
        "--detailed-exitcode",
    ]);
    assert_eq!(plan.code, Some(2), "{}", plan.all());
    let doc = stdout_json(&plan);
    let mut got = actions(&doc);
    got.sort();
    let want: Vec<(String, String, bool)> = [
        "iam_role.pr-dev-worker-exec",
        "scaling_policy.pr-dev-worker-cpu",
        "scaling_target.pr-dev-worker",
        "service.pr-dev-worker",
        "task_definition.pr-dev-worker",
    ]
    .iter()
    .map(|a| (a.to_string(), "delete".to_string(), true))
    .collect();
    assert_eq!(got, want);
    assert_eq!(doc["summary"]["destroy"], 5);
    let kept = doc["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "log_group./ecs/pr-dev/worker")
        .expect("the log group is in the plan");
    assert_eq!(kept["action"], "no-op");
    assert_eq!(
        kept["reason"],
        "kept (retain); pass --delete-logs to delete it"
    );
    // Deletions run last, in reverse dependency order.
    let steps: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "scaling_policy.pr-dev-worker-cpu",
            "scaling_target.pr-dev-worker",
            "service.pr-dev-worker",
            "task_definition.pr-dev-worker",
            "iam_role.pr-dev-worker-exec",
        ]
    );

    let human = p.run(&["plan", "-e", "dev"]);
    assert!(
        human.stdout.contains("  - service.pr-dev-worker\n")
            && human.stdout.contains("Plan: 0 to add, 0 to change, 5 to destroy.\nWarning: this plan destroys 5 resource(s).\n")
            && human.stdout.contains(
                "  # log_group./ecs/pr-dev/worker is kept (retain); pass --delete-logs to delete it\n"
            ),
        "{}",
        human.all()
    );

    p.ok(&["apply", "-e", "dev", "--yes"]);
    let again = p.run(&["plan", "-e", "dev", "--detailed-exitcode", "--stats"]);
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(again.stdout.starts_with("No changes."), "{}", again.stdout);
    again.assert_no_writes("plan");

    assert!(
        matches!(
            p.service_status("pr-dev", "pr-dev-worker").as_deref(),
            None | Some("INACTIVE")
        ),
        "worker service deleted"
    );
    assert_eq!(
        p.service_status("pr-dev", "pr-dev-web").as_deref(),
        Some("ACTIVE")
    );
    assert!(!p.role_exists("pr-dev-worker-exec"));
    assert!(p.role_exists("pr-dev-web-exec"));
    assert_eq!(p.active_revisions("pr-dev-worker"), 0);
    assert_eq!(p.active_revisions("pr-dev-web"), 1);
    assert!(
        !p.scalable_targets()
            .iter()
            .any(|t| t.ends_with("/pr-dev-worker"))
    );
    assert!(
        p.log_groups("/ecs/pr-dev/")
            .contains(&"/ecs/pr-dev/worker".to_string())
    );
    p.assert_decoys_survive();

    // Asked for: the kept log group goes too, and nothing else.
    let logs = p.ok(&["apply", "-e", "dev", "--yes", "--delete-logs"]);
    assert!(
        logs.stdout.contains("  - log_group./ecs/pr-dev/worker\n"),
        "{}",
        logs.all()
    );
    assert!(
        !p.log_groups("/ecs/pr-dev/")
            .contains(&"/ecs/pr-dev/worker".to_string())
    );
    assert!(
        p.log_groups("/ecs/pr-dev/")
            .contains(&"/ecs/pr-dev/web".to_string())
    );
    p.assert_decoys_survive();
}

#[test]
fn autoscaling_turned_off_removes_the_target_and_converges() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    assert!(
        p.scalable_targets()
            .iter()
            .any(|t| t == "service/pr-dev/pr-dev-worker")
    );
    p.overlay(
        "dev",
        "services:\n  worker:\n    autoscaling:\n      enabled: false",
    );
    let plan = p.run(&["plan", "-e", "dev", "--output", "json"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    let deleted: Vec<String> = actions(&stdout_json(&plan))
        .into_iter()
        .filter(|(_, a, _)| a == "delete")
        .map(|(addr, _, _)| addr)
        .collect();
    assert_eq!(
        deleted,
        [
            "scaling_target.pr-dev-worker",
            "scaling_policy.pr-dev-worker-cpu"
        ]
    );
    p.ok(&["apply", "-e", "dev", "--yes"]);
    assert!(
        !p.scalable_targets()
            .iter()
            .any(|t| t.ends_with("/pr-dev-worker"))
    );
    let again = p.run(&["plan", "-e", "dev", "--detailed-exitcode", "--stats"]);
    assert_eq!(again.code, Some(0), "{}", again.all());
    again.assert_no_writes("plan");
    assert_eq!(
        p.service_status("pr-dev", "pr-dev-worker").as_deref(),
        Some("ACTIVE")
    );
}

#[test]
fn destroy_removes_everything_the_environment_owns_but_its_logs() {
    let p = Project::new();
    p.ok(&["apply", "-e", "dev", "--yes"]);
    p.create_decoys();

    // Without a terminal and without --yes: refused, nothing changed.
    let before = p.acct.snapshot();
    let refused = p.run(&["destroy", "-e", "dev", "--stats"]);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("refusing to destroy without confirmation"),
        "{}",
        refused.all()
    );
    refused.assert_no_writes("a refused destroy");
    let dry = p.run(&[
        "destroy",
        "-e",
        "dev",
        "--dry-run",
        "--detailed-exitcode",
        "--output",
        "json",
        "--stats",
    ]);
    assert_eq!(dry.code, Some(2), "{}", dry.all());
    dry.assert_no_writes("a dry-run destroy");
    assert!(
        actions(&stdout_json(&dry))
            .iter()
            .all(|(_, a, d)| a == "delete" && *d)
    );
    assert_eq!(
        p.acct.snapshot(),
        before,
        "a refused or dry-run destroy changes nothing"
    );

    let r = p.ok(&["destroy", "-e", "dev", "--yes"]);
    // The decoy services live in our cluster: it stays (AWS would refuse to delete it).
    assert!(!r.stdout.contains("- cluster.pr-dev"), "{}", r.all());
    for line in [
        "  # cluster.pr-dev is kept: it holds resources ecsctl does not own\n",
        "  # log_group./ecs/pr-dev/web is kept (retain); pass --delete-logs to delete it\n",
        "  # log_group./ecs/pr-dev/worker is kept (retain); pass --delete-logs to delete it\n",
    ] {
        assert!(r.stdout.contains(line), "{line}{}", r.all());
    }
    assert!(r.stderr.contains("; 3 kept (see the plan)"), "{}", r.all());
    for s in ["pr-dev-web", "pr-dev-worker"] {
        assert!(
            matches!(
                p.service_status("pr-dev", s).as_deref(),
                None | Some("INACTIVE")
            ),
            "{s}"
        );
    }
    for role in ["pr-dev-web-exec", "pr-dev-worker-exec"] {
        assert!(!p.role_exists(role), "{role}");
    }
    assert_eq!(p.active_revisions("pr-dev-web"), 0);
    assert!(!p.namespaces().contains(&"pr-dev.local".to_string()));
    assert!(
        !p.scalable_targets()
            .iter()
            .any(|t| t.contains("pr-dev-worker"))
    );
    let groups = p.log_groups("/ecs/pr-dev/");
    assert!(
        groups.contains(&"/ecs/pr-dev/web".to_string()),
        "{groups:?}"
    );
    p.assert_decoys_survive();

    let logs = p.ok(&["destroy", "-e", "dev", "--yes", "--delete-logs"]);
    assert!(
        logs.stdout.contains("  - log_group./ecs/pr-dev/web\n"),
        "{}",
        logs.all()
    );
    let groups = p.log_groups("/ecs/pr-dev/");
    assert!(
        !groups.contains(&"/ecs/pr-dev/web".to_string()),
        "{groups:?}"
    );
    assert!(
        !groups.contains(&"/ecs/pr-dev/worker".to_string()),
        "{groups:?}"
    );
    p.assert_decoys_survive();

    let nothing = p.ok(&[
        "destroy",
        "-e",
        "dev",
        "--yes",
        "--detailed-exitcode",
        "--stats",
    ]);
    assert!(
        nothing.stderr.contains("nothing to destroy in `dev`"),
        "{}",
        nothing.all()
    );
    nothing.assert_no_writes("destroy with nothing to destroy");
}

#[test]
fn protected_environment_refuses_deletions_without_allow_destroy() {
    let p = Project::new();
    p.ok(&["apply", "-e", "prod", "--yes"]);
    p.overlay("prod", "services:\n  worker:\n    enabled: false");
    let before = p.acct.snapshot();

    let plan = p.run(&["plan", "-e", "prod", "--stats"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    plan.assert_no_writes("plan");
    assert!(
        plan.stderr.contains("`prod` is protected: apply refuses deletions and replacements (5 here) without `--allow-destroy`"),
        "{}",
        plan.all()
    );
    // apply's refusal prints no `--stats` line (cli/commands/apply.rs returns before it), so
    // the snapshot below is its only proof.
    let apply = p.run(&["apply", "-e", "prod", "--yes"]);
    assert_eq!(apply.code, Some(1), "{}", apply.all());
    assert!(
        apply.stderr.contains("environment `prod` is protected"),
        "{}",
        apply.all()
    );
    let destroy = p.run(&["destroy", "-e", "prod", "--yes", "--stats"]);
    assert_eq!(destroy.code, Some(1), "{}", destroy.all());
    destroy.assert_no_writes("a refused destroy");
    assert!(
        destroy
            .stderr
            .contains("environment `prod` is protected and destroy deletes"),
        "{}",
        destroy.all()
    );
    assert_eq!(p.acct.snapshot(), before, "nothing changed");

    p.ok(&["apply", "-e", "prod", "--yes", "--allow-destroy"]);
    assert!(!p.role_exists("pr-prod-worker-exec"));
    assert!(p.role_exists("pr-prod-web-exec"));

    // With nothing foreign inside, destroy removes the cluster and namespace too.
    let r = p.ok(&["destroy", "-e", "prod", "--yes", "--allow-destroy"]);
    assert!(r.stdout.contains("  - cluster.pr-prod\n"), "{}", r.all());
    let cluster = p.must("ecs", "DescribeClusters", json!({"clusters": ["pr-prod"]}));
    assert_ne!(cluster["clusters"][0]["status"], "ACTIVE", "{cluster}");
    assert!(!p.namespaces().contains(&"pr-prod.local".to_string()));
    assert!(!p.role_exists("pr-prod-web-exec"));
}

#[test]
fn same_named_untagged_resource_is_a_conflict_never_adopted() {
    let p = Project::new();
    p.must(
        "logs",
        "CreateLogGroup",
        json!({"logGroupName": "/ecs/pr-dev/web", "tags": {"team": "someone-else"}}),
    );
    let before = p.acct.snapshot();
    for args in [
        &["plan", "-e", "dev", "--stats"][..],
        &["apply", "-e", "dev", "--yes"][..],
    ] {
        let r = p.run(args);
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.all());
        assert!(
            r.stderr.contains(
                "  ! `log_group./ecs/pr-dev/web` exists but is not ecsctl's (no ecsctl ownership tags)"
            ),
            "{}",
            r.all()
        );
        assert!(r.stdout.is_empty(), "{}", r.all());
        // apply refuses before its `--stats` line (cli/commands/apply.rs); plan prints it.
        if args[0] == "plan" {
            r.assert_no_writes("a refused plan");
        }
    }
    assert_eq!(
        writes_only(p.acct.snapshot()),
        writes_only(before),
        "nothing changed"
    );
    let tags = p.must(
        "logs",
        "ListTagsForResource",
        json!({"resourceArn": format!("arn:aws:logs:eu-west-1:{}:log-group:/ecs/pr-dev/web", p.acct.id)}),
    );
    assert_eq!(tags["tags"], json!({"team": "someone-else"}));
}

/// A snapshot without what moto stores on reads: DescribeClusters on a missing cluster stores
/// a `ClusterFailure` (MISSING), and the first Scheduler call of an account creates its
/// `default` schedule group (AWS has it from the start). Neither is a change to the account.
pub(crate) fn writes_only(mut snapshot: Value) -> Value {
    let default_group_only = snapshot["scheduler"]
        == json!({"ScheduleGroup": [{"arn": snapshot["scheduler"]["ScheduleGroup"][0]["arn"],
            "created_on": null, "last_modified": null, "name": "default", "schedules": {}}]});
    if default_group_only {
        snapshot.as_object_mut().unwrap().remove("scheduler");
    }
    if let Some(ecs) = snapshot.get_mut("ecs").and_then(Value::as_object_mut) {
        ecs.remove("ClusterFailure");
        if ecs.is_empty() {
            snapshot.as_object_mut().unwrap().remove("ecs");
        }
    }
    snapshot
}
