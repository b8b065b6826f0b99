//! `ecsctl plan` against the emulator, through the real binary: an empty account plans as all
//! creates, drift made out of band shows up field by field, a pinned account must match, and a
//! plan never writes (the account's stored state is identical before and after, and its
//! `--stats` line lists no write).
//!
//! Full apply → plan convergence needs apply (a later issue); "converged" resources here are
//! created out of band from what `ecsctl render` says the spec wants.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::support::{self, Run, TestAccount};

/// A one-service project in a temp dir (no `account:` pinned, so any test account works).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("environments")).unwrap();
    std::fs::write(
        dir.path().join("ecsctl.yaml"),
        "app: drift\nregion: eu-west-1\ntags:\n  team: platform\nlogs:\n  retentionDays: 7\n\
services:\n  web:\n    image: nginx:1.27\n    cpu: 256\n    memory: 512\n    ports: [8080]\n    env:\n      PORT: 8080\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("environments/dev.yaml"),
        "network:\n  subnets: [subnet-0a1b2c3d4e5f60101]\n  securityGroups: [sg-0a1b2c3d4e5f60111]\ndiscovery:\n  enabled: false\n",
    )
    .unwrap();
    dir
}

fn run(acct: &TestAccount, dir: &Path, args: &[&str]) -> Output {
    acct.ecsctl()
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("run ecsctl")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn change<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no {address} in {plan:#}"))
}

#[test]
fn empty_account_plans_every_root_environment_as_all_creates() {
    let acct = support::account();
    let root: PathBuf = support::repo_root().to_path_buf();
    for env in ["dev", "staging", "prod"] {
        let out = run(
            &acct,
            &root,
            &["plan", "-e", env, "--output", "json", "--detailed-exitcode"],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{env}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plan = stdout_json(&out);
        let changes = plan["resourceChanges"].as_array().unwrap();
        assert!(!changes.is_empty(), "{env}");
        for c in changes {
            assert_eq!(c["action"], "create", "{env}: {c:#}");
            assert_eq!(c["observed"], "absent", "{env}: {c:#}");
        }
        assert_eq!(plan["summary"]["add"], json!(changes.len()), "{env}");
        assert_eq!(plan["summary"]["change"], 0);
        assert_eq!(plan["summary"]["destroy"], 0);
        assert_eq!(plan["accountId"], json!(acct.id));
        assert_eq!(plan["steps"].as_array().unwrap().len(), changes.len());
        assert_eq!(changes[0]["type"], "iam_role", "{env}: roles come first");
        assert!(
            plan["resourceChanges"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["address"] == format!("cluster.ohi-{env}"))
        );
    }
}

/// Creates, out of band, the cluster exactly as the spec wants it and the log group with a
/// drifted retention (14 days instead of the spec's 7).
fn create_drifted(acct: &TestAccount, dir: &Path) -> Value {
    let out = run(acct, dir, &["render", "-e", "dev", "--output", "json"]);
    assert!(
        out.status.success(),
        "render: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let desired = stdout_json(&out)["resources"].clone();
    let cluster = &desired["cluster"];
    let ecs_tags: Vec<Value> = cluster["tags"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect();
    let group = &desired["logGroups"][0];
    let results = acct.batch_settled(&[
        (
            "ecs",
            "CreateCluster",
            json!({
                "clusterName": cluster["name"],
                "settings": [{"name": "containerInsights", "value": cluster["containerInsights"]}],
                "capacityProviders": cluster["capacityProviders"],
                "defaultCapacityProviderStrategy": cluster["defaultStrategy"],
                "tags": ecs_tags,
            }),
        ),
        (
            "logs",
            "CreateLogGroup",
            json!({"logGroupName": group["name"], "tags": group["tags"]}),
        ),
        (
            "logs",
            "PutRetentionPolicy",
            json!({"logGroupName": group["name"], "retentionInDays": 14}),
        ),
    ]);
    for r in results {
        r.unwrap_or_else(|e| panic!("out-of-band setup: {e:?}"));
    }
    desired
}

#[test]
fn out_of_band_drift_shows_up_field_by_field() {
    let acct = support::account();
    let dir = project();
    let desired = create_drifted(&acct, dir.path());
    let group = desired["logGroups"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();

    let out = run(
        &acct,
        dir.path(),
        &["plan", "-e", "dev", "--output", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = stdout_json(&out);
    let cluster = change(&plan, "cluster.drift-dev");
    assert_eq!(
        cluster["action"], "no-op",
        "the cluster matches the spec: {cluster:#}"
    );
    let lg = change(&plan, &format!("log_group.{group}"));
    assert_eq!(lg["action"], "update");
    assert_eq!(
        lg["fieldChanges"],
        json!([{"path": "retentionInDays", "before": 14, "after": 7, "afterUnknown": false, "effect": "update-in-place"}])
    );
    assert_eq!(change(&plan, "service.web")["action"], "create");

    let human = run(
        &acct,
        dir.path(),
        &["plan", "-e", "dev", "--color", "never"],
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!(
            "  ~ log_group.{group}\n      ~ retentionInDays = 14 -> 7\n"
        )),
        "{text}"
    );
    assert!(
        !text.contains("cluster.drift-dev"),
        "no-ops are not shown: {text}"
    );
    assert!(text.ends_with("to destroy.\n"), "{text}");
}

#[test]
fn plan_is_read_only_and_its_fingerprint_is_stable() {
    let acct = support::account();
    let dir = project();
    create_drifted(&acct, dir.path());
    // An AWS account has its default VPC; moto makes it on the account's first EC2 call,
    // which would be the plan's pre-flight read.
    acct.call("ec2", "DescribeVpcs", json!({})).unwrap();
    let before = acct.snapshot();
    let saved = dir.path().join("dev.plan.json");
    let out = run(
        &acct,
        dir.path(),
        &[
            "plan",
            "-e",
            "dev",
            "--output",
            "markdown",
            "--out",
            saved.to_str().unwrap(),
            "--stats",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(acct.snapshot(), before, "plan changed the account's state");
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    Run::from(out).assert_no_writes("plan");
    assert!(md.contains("| | Resource | Action | Fields |"), "{md}");

    let file: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(file["formatVersion"], "1.5");
    let again = stdout_json(&run(
        &acct,
        dir.path(),
        &["plan", "-e", "dev", "--output", "json"],
    ));
    assert_eq!(
        again["fingerprint"], file["fingerprint"],
        "same live state, same fingerprint"
    );

    acct.call(
        "logs",
        "PutRetentionPolicy",
        json!({"logGroupName": "/ecs/drift-dev/web", "retentionInDays": 30}),
    )
    .unwrap();
    let moved = stdout_json(&run(
        &acct,
        dir.path(),
        &["plan", "-e", "dev", "--output", "json"],
    ));
    assert_ne!(
        moved["fingerprint"], file["fingerprint"],
        "live moved, the fingerprint must too"
    );
}

#[test]
fn a_pinned_account_must_match_the_caller() {
    let acct = support::account();
    let small = support::repo_root().join("tests/fixtures/small");
    // Any call records the access key's last use in moto's IAM; make one before the snapshot
    // so only what plan itself could write is compared.
    acct.call("sts", "GetCallerIdentity", json!({})).unwrap();
    let before = acct.snapshot();
    let out = run(&acct, &small, &["plan", "-e", "dev", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "the spec pins account `111122223333` but the credentials are for account `{}`",
            acct.id
        )),
        "{stderr}"
    );
    // No `--stats` proof here: the refusal comes before the clients read anything (right after
    // sts:GetCallerIdentity, inside cli/target.rs), so there is no stats line to check.
    assert_eq!(acct.snapshot(), before);
}

/// The same one-service project with autoscaling, on the account's real subnets and group.
fn scaled_project(net: &support::Network) -> tempfile::TempDir {
    let dir = project();
    std::fs::write(
        dir.path().join("environments/dev.yaml"),
        format!(
            "network:\n  subnets: [{}]\n  securityGroups: [{}]\ndiscovery:\n  namespace: \"{{app}}-{{env}}.local\"\n  vpc: {}\n\
services:\n  web:\n    count: 2\n    discovery:\n      records: [A, SRV]\n    autoscaling:\n      min: 2\n      max: 4\n      cpu: 60\n",
            net.subnet_ids.join(", "),
            net.security_group_id,
            net.vpc_id
        ),
    )
    .unwrap();
    dir
}

fn key_values(map: &Value, key: &str, value: &str) -> Value {
    let pairs: Vec<Value> = map
        .as_object()
        .map(|m| m.iter().map(|(k, v)| json!({key: k, value: v})).collect())
        .unwrap_or_default();
    Value::Array(pairs)
}

/// RegisterTaskDefinition input for a rendered task definition (`resources.taskDefinitions[i]`).
fn register_input(td: &Value, account: &str) -> Value {
    let containers: Vec<Value> = td["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let ports: Vec<Value> = c["portMappings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| json!({"containerPort": p["containerPort"], "protocol": p["protocol"]}))
                .collect();
            let h = &c["healthCheck"];
            let l = &c["logConfiguration"];
            let mut def = json!({
                "name": c["name"], "image": c["image"], "essential": c["essential"],
                "portMappings": ports,
                "environment": key_values(&c["environment"], "name", "value"),
                "secrets": key_values(&c["secrets"], "name", "valueFrom"),
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": l["group"], "awslogs-region": l["region"], "awslogs-stream-prefix": l["streamPrefix"]}},
            });
            if h.is_object() {
                def["healthCheck"] = json!({"command": h["command"], "interval": h["interval"],
                    "timeout": h["timeout"], "retries": h["retries"]});
            }
            def
        })
        .collect();
    json!({
        "family": td["family"],
        "cpu": td["cpu"].to_string(),
        "memory": td["memory"].to_string(),
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"cpuArchitecture": td["architecture"].as_str().unwrap().to_uppercase(),
            "operatingSystemFamily": "LINUX"},
        "executionRoleArn": format!("arn:aws:iam::{account}:role/{}", td["executionRole"]["owned"].as_str().unwrap()),
        "containerDefinitions": containers,
        "tags": key_values(&td["tags"], "key", "value"),
    })
}

/// Creates out of band, with boto3, everything `render` says the environment wants, the way
/// AWS would hold it after an apply.
fn create_converged(acct: &TestAccount, dir: &Path) {
    let out = run(acct, dir, &["render", "-e", "dev", "--output", "json"]);
    assert!(
        out.status.success(),
        "render: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace("{account_id}", &acct.id);
    let d: Value = serde_json::from_str::<Value>(&text).unwrap()["resources"].clone();
    let registries = create_cloud_map(acct, &d);
    let mut calls: Vec<(&str, &str, Value)> = Vec::new();
    for role in d["roles"].as_array().unwrap() {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": role["trustedService"]}, "Action": "sts:AssumeRole"}]});
        calls.push(("iam", "CreateRole", json!({"RoleName": role["name"],
            "AssumeRolePolicyDocument": trust.to_string(), "Tags": key_values(&role["tags"], "Key", "Value")})));
        if role["inlinePolicy"].is_object() {
            calls.push((
                "iam",
                "PutRolePolicy",
                json!({"RoleName": role["name"], "PolicyName": "ecsctl",
                "PolicyDocument": serde_json::to_string_pretty(&role["inlinePolicy"]).unwrap()}),
            ));
        }
        for arn in role["managedPolicyArns"].as_array().unwrap() {
            calls.push((
                "iam",
                "AttachRolePolicy",
                json!({"RoleName": role["name"], "PolicyArn": arn}),
            ));
        }
    }
    for g in d["logGroups"].as_array().unwrap() {
        calls.push((
            "logs",
            "CreateLogGroup",
            json!({"logGroupName": g["name"], "tags": g["tags"]}),
        ));
        calls.push((
            "logs",
            "PutRetentionPolicy",
            json!({"logGroupName": g["name"], "retentionInDays": g["retentionDays"]}),
        ));
    }
    let c = &d["cluster"];
    calls.push(("ecs", "CreateCluster", json!({"clusterName": c["name"],
        "settings": [{"name": "containerInsights", "value": c["containerInsights"]}],
        "capacityProviders": c["capacityProviders"], "defaultCapacityProviderStrategy": c["defaultStrategy"],
        "tags": key_values(&c["tags"], "key", "value")})));
    for td in d["taskDefinitions"].as_array().unwrap() {
        calls.push((
            "ecs",
            "RegisterTaskDefinition",
            register_input(td, &acct.id),
        ));
    }
    for s in d["services"].as_array().unwrap() {
        let dep = &s["deployment"];
        let n = &s["network"];
        calls.push(("ecs", "CreateService", json!({"cluster": s["cluster"], "serviceName": s["name"],
            "taskDefinition": format!("{}:1", s["family"].as_str().unwrap()), "desiredCount": s["desiredCount"],
            "capacityProviderStrategy": s["capacity"], "platformVersion": s["platformVersion"],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": n["subnets"], "securityGroups": n["securityGroups"],
                "assignPublicIp": if n["assignPublicIp"] == true { "ENABLED" } else { "DISABLED" }}},
            "deploymentConfiguration": {"maximumPercent": dep["maximumPercent"], "minimumHealthyPercent": dep["minimumHealthyPercent"],
                "deploymentCircuitBreaker": {"enable": dep["circuitBreakerEnable"], "rollback": dep["circuitBreakerRollback"]}},
            "enableExecuteCommand": s["enableExecuteCommand"], "propagateTags": s["propagateTags"],
            "tags": key_values(&s["tags"], "key", "value")})));
        if let Some(reg) = s["discovery"].as_object() {
            let mut entry =
                json!({"registryArn": registries[reg["discoveryService"].as_str().unwrap()]});
            if !reg["containerName"].is_null() {
                entry["containerName"] = reg["containerName"].clone();
                entry["containerPort"] = reg["containerPort"].clone();
            }
            calls.last_mut().unwrap().2["serviceRegistries"] = json!([entry]);
        }
    }
    for t in d["scalingTargets"].as_array().unwrap() {
        calls.push((
            "application-autoscaling",
            "RegisterScalableTarget",
            json!({"ServiceNamespace": "ecs",
            "ResourceId": t["resourceId"], "ScalableDimension": "ecs:service:DesiredCount",
            "MinCapacity": t["min"], "MaxCapacity": t["max"]}),
        ));
        for p in t["policies"].as_array().unwrap() {
            calls.push(("application-autoscaling", "PutScalingPolicy", json!({"ServiceNamespace": "ecs",
                "ResourceId": t["resourceId"], "PolicyName": p["name"],
                "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {"TargetValue": p["targetValue"],
                    "PredefinedMetricSpecification": {"PredefinedMetricType": p["metric"]},
                    "ScaleInCooldown": p["scaleInCooldown"], "ScaleOutCooldown": p["scaleOutCooldown"]}})));
        }
    }
    for (i, r) in acct.batch_settled(&calls).into_iter().enumerate() {
        r.unwrap_or_else(|e| panic!("out-of-band call {i} {:?}: {e:?}", calls[i].1));
    }
}

/// Cloud Map, out of band: the namespace and discovery services `render` wants. Returns the
/// discovery service ARNs by name (ECS services register with them).
fn create_cloud_map(acct: &TestAccount, d: &Value) -> std::collections::BTreeMap<String, String> {
    let ns = &d["namespace"];
    let mut arns = std::collections::BTreeMap::new();
    if !ns.is_object() {
        return arns;
    }
    acct.call(
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        json!({"Name": ns["name"], "Vpc": ns["vpc"],
        "Tags": key_values(&ns["tags"], "Key", "Value")}),
    )
    .unwrap();
    let list = acct
        .call("servicediscovery", "ListNamespaces", json!({}))
        .unwrap();
    let ns_id = list["Namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["Name"] == ns["name"])
        .unwrap()["Id"]
        .clone();
    for ds in d["discoveryServices"].as_array().unwrap() {
        let records: Vec<Value> = ds["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!({"Type": r["type"], "TTL": r["ttl"]}))
            .collect();
        let out = acct
            .call(
                "servicediscovery",
                "CreateService",
                json!({"Name": ds["name"], "NamespaceId": ns_id,
                "DnsConfig": {"RoutingPolicy": ds["routing"], "DnsRecords": records},
                "HealthCheckCustomConfig": {}, "Tags": key_values(&ds["tags"], "Key", "Value")}),
            )
            .unwrap();
        arns.insert(
            ds["name"].as_str().unwrap().to_string(),
            out["Service"]["Arn"].as_str().unwrap().to_string(),
        );
    }
    arns
}

/// The acid test against the emulator: AWS state shaped exactly like the spec (created out of
/// band, since apply is a later issue) plans as no changes at all.
#[test]
fn a_converged_environment_plans_as_no_changes() {
    let acct = support::account();
    let net = acct.network();
    let dir = scaled_project(&net);
    create_converged(&acct, dir.path());
    let out = run(
        &acct,
        dir.path(),
        &[
            "plan",
            "-e",
            "dev",
            "--output",
            "json",
            "--detailed-exitcode",
        ],
    );
    let plan = stdout_json(&out);
    let noisy: Vec<&Value> = plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "no-op")
        .collect();
    assert!(noisy.is_empty(), "spurious diff: {noisy:#?}");
    let addresses: Vec<&str> = plan["resourceChanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        [
            "iam_role.drift-dev-web-exec",
            "log_group./ecs/drift-dev/web",
            "cluster.drift-dev",
            "namespace.drift-dev.local",
            "discovery_service.web",
            "task_definition.drift-dev-web",
            "service.web",
            "scaling_target.web",
            "scaling_policy.drift-dev-web-cpu",
        ]
    );
    assert!(
        plan["resourceChanges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["observed"] != "absent")
    );
    assert_eq!(out.status.code(), Some(0));
    let human = Run::from(run(&acct, dir.path(), &["plan", "-e", "dev", "--stats"]));
    assert_eq!(
        human.stdout,
        "No changes. Your infrastructure matches the spec.\n"
    );
    human.assert_no_writes("plan");

    // Then the service's count moves outside the autoscaling range out of band: clamped.
    acct.call(
        "ecs",
        "UpdateService",
        json!({"cluster": "drift-dev", "service": "drift-dev-web", "desiredCount": 9}),
    )
    .unwrap();
    // ECS reads lag the write (docs/emulator.md, stale window): plan once a reader sees it.
    acct.call_until(
        "ecs",
        "DescribeServices",
        json!({"cluster": "drift-dev", "services": ["drift-dev-web"]}),
        |v| v["services"][0]["desiredCount"] == 9,
    );
    let plan = stdout_json(&run(
        &acct,
        dir.path(),
        &["plan", "-e", "dev", "--output", "json"],
    ));
    let svc = change(&plan, "service.web");
    assert_eq!(
        svc["fieldChanges"],
        json!([{"path": "desiredCount", "before": 9, "after": 4,
        "afterUnknown": false, "effect": "update-in-place"}])
    );
}
