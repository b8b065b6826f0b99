//! Issue 16's `ecsctl import` on the emulator: the project it writes from a live cluster
//! validates and describes what runs, so that what ecsctl itself applied round-trips to
//! "No changes." and a cluster made by hand adopts with tags only.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::apply::Project;
use crate::support::Run;

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// `ecsctl -C dir ARGS` in the project's account.
fn run_in(p: &Project, dir: &std::path::Path, args: &[&str]) -> Run {
    let out = p
        .acct
        .ecsctl()
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run ecsctl");
    Run::from(out)
}

#[test]
fn what_ecsctl_applied_imports_to_a_spec_that_plans_no_changes() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let out = tempfile::tempdir().unwrap();
    let r = run_in(
        &p,
        out.path(),
        &["import", "-e", "test", "--cluster", "ap-test", "--stats"],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    r.assert_no_writes("import");
    let app = std::fs::read_to_string(out.path().join("ecsctl.yaml")).unwrap();
    let env = std::fs::read_to_string(out.path().join("environments/test.yaml")).unwrap();
    assert!(
        app.starts_with("# Written by `ecsctl import` from cluster `ap-test`."),
        "{app}"
    );
    for text in [
        "app: ap\n",
        "region: eu-west-1\n",
        "  web:\n",
        "  worker:\n",
        "capacity: spot",
        "      cpu: 70\n",
    ] {
        assert!(app.contains(text), "{text}:\n{app}");
    }
    assert!(env.contains("network:\n  subnets:"), "{env}");
    let plan = run_in(
        &p,
        out.path(),
        &["plan", "-e", "test", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(plan.code, Some(0), "{}\n---\n{app}\n---\n{env}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    plan.assert_no_writes("plan of the imported spec");
}

/// The environment made without ecsctl (the fixture applied, then stripped of every ownership
/// tag), imported from scratch: the written spec adopts with tags only, and applying that
/// converges. The roles are no longer this environment's, so the spec names them by ARN
/// (`executionRoleArn`) and adoption leaves them as they are.
#[test]
fn an_environment_made_without_ecsctl_imports_and_adopts_with_tags_only() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    crate::adopt::strip_ownership(&p);
    let out = tempfile::tempdir().unwrap();
    let r = run_in(
        &p,
        out.path(),
        &["import", "-e", "test", "--cluster", "ap-test"],
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    let app = std::fs::read_to_string(out.path().join("ecsctl.yaml")).unwrap();
    assert!(
        app.contains("defaults:\n  executionRoleArn: \"arn:aws:iam::")
            || app.contains("executionRoleArn: arn:aws:iam::"),
        "roles no longer ours are referenced, never adopted:\n{app}"
    );
    // The tag index lags behind the untagging (docs/emulator.md): wait until the plan sees
    // every resource without its tags.
    let file = out.path().join("adopt.json");
    let file = file.to_str().unwrap();
    let started = std::time::Instant::now();
    let doc: Value = loop {
        let plan = run_in(
            &p,
            out.path(),
            &["plan", "-e", "test", "--adopt", "--out", file],
        );
        assert_eq!(plan.code, Some(0), "{}\n---\n{app}", plan.all());
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        if doc["adopted"].as_array().unwrap().len() == 7
            || started.elapsed() > std::time::Duration::from_secs(20)
        {
            break doc;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    crate::adopt::assert_adopts_with_tags_only(
        &doc,
        &[
            "cluster.ap-test",
            "service.web",
            "service.worker",
            "log_group./ecs/ap-test/web",
            "namespace.ap-test.local",
            "discovery_service.web",
        ],
    );
    let revisions = p.revisions("ap-test-web");
    let r = run_in(&p, out.path(), &["apply", file, "--yes"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert_eq!(p.revisions("ap-test-web"), revisions, "no new revision");
    let plan = run_in(
        &p,
        out.path(),
        &["plan", "-e", "test", "--detailed-exitcode", "--stats"],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    plan.assert_no_writes("plan after adoption");
}

/// A cluster built by hand through the AWS APIs, as a team does with the console or a script:
/// names that follow no template, the console's shared `ecsTaskExecutionRole` with its managed
/// policy, a namespace and a Cloud Map service, a scaling policy of its own name, and none of
/// ecsctl's tags. Imported, it validates; `plan --adopt` changes only tags (the shared role is
/// referenced, not adopted); applying that converges.
#[test]
fn a_cluster_built_by_hand_imports_and_adopts_with_tags_only() {
    let acct = crate::support::account();
    let net = acct.network();
    let call = |service: &str, op: &str, params: Value| {
        acct.call(service, op, params)
            .unwrap_or_else(|e| panic!("{service}:{op}: {e:?}"))
    };
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = call(
        "iam",
        "CreateRole",
        json!({"RoleName": "ecsTaskExecutionRole", "AssumeRolePolicyDocument": trust.to_string()}),
    )["Role"]["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        "iam",
        "AttachRolePolicy",
        json!({"RoleName": "ecsTaskExecutionRole",
               "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}),
    );
    // Capacity providers need ECS's service-linked role, which takes a while to be usable
    // (docs/emulator.md): retry as a team's script would, with a deadline.
    call(
        "iam",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ecs.amazonaws.com"}),
    );
    let started = std::time::Instant::now();
    loop {
        let made = acct.call(
            "ecs",
            "CreateCluster",
            json!({"clusterName": "legacy", "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                   "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
                   "tags": [{"key": "team", "value": "platform"}]}),
        );
        match made {
            Ok(_) => break,
            Err(e)
                if e.message.contains("service linked role")
                    && started.elapsed() < std::time::Duration::from_secs(30) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => panic!("ecs:CreateCluster: {e:?}"),
        }
    }
    let ns_op = call(
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        json!({"Name": "legacy.local", "Vpc": net.vpc_id}),
    );
    let op = call(
        "servicediscovery",
        "GetOperation",
        json!({"OperationId": ns_op["OperationId"]}),
    );
    let ns_id = op["Operation"]["Targets"]["NAMESPACE"]
        .as_str()
        .unwrap()
        .to_string();
    let registry = call(
        "servicediscovery",
        "CreateService",
        json!({"Name": "web", "NamespaceId": ns_id,
               "DnsConfig": {"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 60}]},
               "HealthCheckCustomConfig": {"FailureThreshold": 1}}),
    )["Service"]["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    let network = json!({"awsvpcConfiguration": {"subnets": net.subnet_ids,
        "securityGroups": [net.security_group_id], "assignPublicIp": "DISABLED"}});
    for (name, image, command, port) in [
        ("web", "nginx:1.27", None, Some(8080)),
        (
            "worker",
            "busybox:1.36",
            Some(json!(["sleep", "infinity"])),
            None,
        ),
    ] {
        let group = format!("/ecs/legacy-{name}");
        call("logs", "CreateLogGroup", json!({"logGroupName": group}));
        call(
            "logs",
            "PutRetentionPolicy",
            json!({"logGroupName": group, "retentionInDays": 14}),
        );
        let mut container = json!({"name": name, "image": image, "essential": true,
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": group,
                "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "ecs"}}});
        if let Some(c) = command {
            container["command"] = c;
        }
        if let Some(p) = port {
            container["portMappings"] = json!([{"containerPort": p, "protocol": "tcp"}]);
        }
        let td = call(
            "ecs",
            "RegisterTaskDefinition",
            json!({"family": format!("legacy-{name}"), "cpu": "256", "memory": "512",
                   "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
                   "executionRoleArn": role, "containerDefinitions": [container]}),
        )["taskDefinition"]["taskDefinitionArn"]
            .as_str()
            .unwrap()
            .to_string();
        let mut service = json!({"cluster": "legacy", "serviceName": format!("legacy-{name}"),
            "taskDefinition": td, "desiredCount": 2,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
            "networkConfiguration": network,
            "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
            "tags": [{"key": "team", "value": "platform"}]});
        if name == "web" {
            service["serviceRegistries"] = json!([{"registryArn": registry}]);
        }
        call("ecs", "CreateService", service);
    }
    // Application Auto Scaling sees a new service only after a while (docs/emulator.md).
    let started = std::time::Instant::now();
    while let Err(e) = acct.call(
        "application-autoscaling",
        "RegisterScalableTarget",
        json!({"ServiceNamespace": "ecs", "ResourceId": "service/legacy/legacy-worker",
               "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4}),
    ) {
        assert!(
            e.message.contains("doesn't exist")
                && started.elapsed() < std::time::Duration::from_secs(30),
            "{e:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    call(
        "application-autoscaling",
        "RegisterScalableTarget",
        json!({"ServiceNamespace": "ecs", "ResourceId": "service/legacy/legacy-worker",
               "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4}),
    );
    call(
        "application-autoscaling",
        "PutScalingPolicy",
        json!({"PolicyName": "worker-cpu60", "ServiceNamespace": "ecs",
               "ResourceId": "service/legacy/legacy-worker",
               "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
               "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60.0,
                   "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                   "ScaleInCooldown": 300, "ScaleOutCooldown": 60}}),
    );

    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = acct
            .ecsctl()
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run ecsctl");
        Run::from(out)
    };
    let r = run(&[
        "import",
        "-e",
        "prod",
        "--cluster",
        "legacy",
        "--app",
        "shop",
        "--stats",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    r.assert_no_writes("import");
    let app = std::fs::read_to_string(dir.path().join("ecsctl.yaml")).unwrap();
    let env = std::fs::read_to_string(dir.path().join("environments/prod.yaml")).unwrap();
    for text in [
        "tags:\n  team: platform\n",
        "cluster:\n  name: legacy\n",
        "discovery:\n  namespace: legacy.local\n",
        "logs:\n  retentionDays: 14\n",
        "defaults:\n  executionRoleArn: arn:aws:iam::",
        "  web:\n    names:\n      service: legacy-web\n      family: legacy-web\n",
        "      group: /ecs/legacy-web\n",
        "      policyNames:\n        cpu: worker-cpu60\n",
    ] {
        assert!(
            app.contains(text) || env.contains(text),
            "{text}:\n{app}\n---\n{env}"
        );
    }
    let file = dir.path().join("adopt.json");
    let file = file.to_str().unwrap();
    let refused = run(&["plan", "-e", "prod", "--stats"]);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    refused.assert_no_writes("a plan without --adopt");
    // Nothing here ever had ecsctl's tags, so no tag index lag to wait for.
    let plan = run(&["plan", "-e", "prod", "--adopt", "--out", file, "--stats"]);
    assert_eq!(plan.code, Some(0), "{}\n---\n{app}\n---\n{env}", plan.all());
    plan.assert_no_writes("plan --adopt");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        doc["adopted"].as_array().unwrap().len(),
        7,
        "{}",
        doc["adopted"]
    );
    crate::adopt::assert_adopts_with_tags_only(
        &doc,
        &[
            "cluster.legacy",
            "service.web",
            "service.worker",
            "log_group./ecs/legacy-web",
            "log_group./ecs/legacy-worker",
            "namespace.legacy.local",
            "discovery_service.web",
        ],
    );
    let r = run(&["apply", file, "--yes"]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    let plan = run(&["plan", "-e", "prod", "--detailed-exitcode", "--stats"]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert!(plan.stdout.starts_with("No changes."), "{}", plan.stdout);
    plan.assert_no_writes("plan after adoption");
    let policies = call(
        "iam",
        "ListAttachedRolePolicies",
        json!({"RoleName": "ecsTaskExecutionRole"}),
    );
    assert_eq!(
        policies["AttachedPolicies"].as_array().unwrap().len(),
        1,
        "the shared role is left as it was: {policies}"
    );
}
