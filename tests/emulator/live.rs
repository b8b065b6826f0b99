//! `live::fetch` against the emulator: it sees what was created out of band (boto3), sees the
//! absence of what was not, ignores near-miss names and other accounts' same-named resources,
//! and makes exactly the calls it should. The library is called directly (not the binary):
//! these tests are about the read layer, and `plan`'s own tests drive the binary.

use std::collections::BTreeMap;
use std::time::Duration;

use ecsctl::aws::{AwsClients, AwsSettings, StaticCredentials};
use ecsctl::live::tag_index::TagIndex;
use ecsctl::live::{Live, LiveQuery, LiveTaskDefinition, fetch_query};
use serde_json::{Value, json};

use crate::support::{self, Network, REGION, TestAccount};

const CLUSTER: &str = "ohi-dev";
const SERVICE: &str = "ohi-dev-api";
const ROLE: &str = "ohi-dev-api-exec";
const LOG_GROUP: &str = "/ecs/ohi-dev/api";
const NAMESPACE: &str = "ohi-dev.local";
const EXEC_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// What a two-service environment (`api` exists, `worker` does not) asks for.
fn query() -> LiveQuery {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    LiveQuery {
        app: "ohi".into(),
        env: "dev".into(),
        cluster: CLUSTER.into(),
        services: s(&[SERVICE, "ohi-dev-worker"]),
        families: s(&[SERVICE, "ohi-dev-worker"]),
        roles: s(&[ROLE, "ohi-dev-worker-exec"]),
        log_groups: s(&[LOG_GROUP, "/ecs/ohi-dev/worker"]),
        namespace: Some(NAMESPACE.into()),
        discovery_services: s(&["api", "worker"]),
        scaling_resource_ids: s(&[
            "service/ohi-dev/ohi-dev-api",
            "service/ohi-dev/ohi-dev-worker",
        ]),
        schedule_group: None,
        ..LiveQuery::default()
    }
}

/// Runs `fetch_query` in `acct` with one attempt per call (an emulator gap fails fast), after
/// asking for the caller's account like `plan` does; every family is searched (no spec says
/// what its running revision should hold) and tags come from the tag index where it agrees.
fn fetch(acct: &TestAccount, query: &LiveQuery) -> (Live, BTreeMap<String, u32>) {
    fetch_with(acct, query, &ecsctl::live::fetch::never_holds)
}

/// `fetch`, where every running revision holds what the spec wants (a converged environment:
/// no family is searched).
fn fetch_converged(acct: &TestAccount, query: &LiveQuery) -> (Live, BTreeMap<String, u32>) {
    fetch_with(acct, query, &|_: &str, _: &LiveTaskDefinition| true)
}

fn fetch_with(
    acct: &TestAccount,
    query: &LiveQuery,
    holds: ecsctl::live::fetch::HoldsDesired<'_>,
) -> (Live, BTreeMap<String, u32>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let clients = AwsClients::load(&AwsSettings {
            region: Some(REGION.into()),
            fallback_region: None,
            endpoint_url: Some(support::emulator().endpoint.clone()),
            credentials: Some(StaticCredentials {
                access_key_id: acct.access_key_id.clone(),
                secret_access_key: acct.secret_access_key.clone(),
                session_token: Some(acct.session_token.clone()),
            }),
            max_attempts: Some(1),
        })
        .await
        .expect("the test's AWS settings are valid");
        // As `plan` does: the account first (to build the desired state), then the fetch,
        // which must not ask STS again.
        let caller = ecsctl::aws::sts::account_id(&clients).await.unwrap();
        assert_eq!(caller, acct.id);
        let index = TagIndex::of(&query.app, &query.env);
        let live = fetch_query(&clients, query, holds, &index)
            .await
            .unwrap_or_else(|e| panic!("fetch: {e}"));
        (live, clients.calls())
    })
}

fn ok_all(results: Vec<Result<Value, support::AwsError>>) -> Vec<Value> {
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("call {i}: {e:?}")))
        .collect()
}

fn tags_ecs() -> Value {
    json!([{"key": "ecsctl:managed-by", "value": "ecsctl"}, {"key": "ecsctl:app", "value": "ohi"},
        {"key": "ecsctl:env", "value": "dev"}])
}

fn container(image: &str) -> Value {
    json!([{
        "name": "api", "image": image, "essential": true,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp", "name": "http"}],
        "environment": [{"name": "ZED", "value": "1"}, {"name": "ALPHA", "value": "2"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": LOG_GROUP, "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}}
    }])
}

fn register(family: &str, image: &str) -> (&'static str, &'static str, Value) {
    (
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
               "cpu": "256", "memory": "512", "containerDefinitions": container(image),
               "tags": tags_ecs()}),
    )
}

/// The `api` half of the environment, created out of band. The service runs revision 1 while
/// revision 2 is the family's newest ACTIVE one (ours) and revision 3 is deregistered.
fn create_env(acct: &TestAccount, net: &Network) {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let inline = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [format!("arn:aws:logs:{REGION}:{}:log-group:{LOG_GROUP}:*", acct.id)]}]});
    let awsvpc = json!({"awsvpcConfiguration": {"subnets": net.subnet_ids,
        "securityGroups": [net.security_group_id], "assignPublicIp": "DISABLED"}});
    ok_all(acct.batch_settled(&[
        ("ecs", "CreateCluster", json!({"clusterName": CLUSTER,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
            "tags": tags_ecs()})),
        ("iam", "CreateRole", json!({"RoleName": ROLE, "AssumeRolePolicyDocument": trust.to_string(),
            "Tags": [{"Key": "ecsctl:env", "Value": "dev"}]})),
        ("iam", "PutRolePolicy", json!({"RoleName": ROLE, "PolicyName": "ecsctl",
            "PolicyDocument": serde_json::to_string_pretty(&inline).unwrap()})),
        ("iam", "AttachRolePolicy", json!({"RoleName": ROLE, "PolicyArn": EXEC_POLICY})),
        ("logs", "CreateLogGroup", json!({"logGroupName": LOG_GROUP, "tags": {"ecsctl:env": "dev"}})),
        ("logs", "PutRetentionPolicy", json!({"logGroupName": LOG_GROUP, "retentionInDays": 14})),
        // Near misses: the prefix listing returns them, the exact filter must drop them.
        ("logs", "CreateLogGroup", json!({"logGroupName": "/ecs/ohi-dev/api-old"})),
        ("iam", "CreateRole", json!({"RoleName": "ohi-dev-api-exec-old", "AssumeRolePolicyDocument": trust.to_string()})),
        register(SERVICE, "nginx:1"),
        register(SERVICE, "nginx:2"),
        register(SERVICE, "nginx:3"),
        ("ecs", "DeregisterTaskDefinition", json!({"taskDefinition": format!("{SERVICE}:3")})),
        register("ohi-dev-api-old", "nginx:9"),
        ("ecs", "CreateService", json!({"cluster": CLUSTER, "serviceName": SERVICE,
            "taskDefinition": format!("{SERVICE}:1"), "desiredCount": 1,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}],
            "networkConfiguration": awsvpc, "enableExecuteCommand": true,
            "propagateTags": "SERVICE", "tags": tags_ecs()})),
        ("servicediscovery", "CreatePrivateDnsNamespace", json!({"Name": NAMESPACE, "Vpc": net.vpc_id,
            "Tags": [{"Key": "ecsctl:env", "Value": "dev"}]})),
        ("application-autoscaling", "RegisterScalableTarget", json!({"ServiceNamespace": "ecs",
            "ResourceId": format!("service/{CLUSTER}/{SERVICE}"),
            "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4})),
        ("application-autoscaling", "PutScalingPolicy", json!({"ServiceNamespace": "ecs",
            "ResourceId": format!("service/{CLUSTER}/{SERVICE}"), "PolicyName": "ohi-dev-api-cpu",
            "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                "ScaleInCooldown": 300, "ScaleOutCooldown": 60}})),
    ]));
    let namespaces = acct
        .call("servicediscovery", "ListNamespaces", json!({}))
        .unwrap();
    let ns_id = namespaces["Namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["Name"] == NAMESPACE)
        .expect("namespace created")["Id"]
        .clone();
    ok_all(acct.batch_settled(&[
        (
            "servicediscovery",
            "CreateService",
            json!({"Name": "api", "NamespaceId": ns_id,
            "DnsConfig": {"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 60}]},
            "HealthCheckCustomConfig": {}, "Tags": [{"Key": "ecsctl:env", "Value": "dev"}]}),
        ),
        // Same name family, other label: must not be picked up.
        (
            "servicediscovery",
            "CreateService",
            json!({"Name": "api-old", "NamespaceId": ns_id,
            "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}]}}),
        ),
    ]));
}

#[test]
fn fetch_sees_what_exists_and_the_absence_of_the_rest() {
    let acct = support::account();
    let net = acct.network();
    create_env(&acct, &net);
    let (live, _) = fetch(&acct, &query());
    let arn = |rev: u32| {
        format!(
            "arn:aws:ecs:{REGION}:{}:task-definition/{SERVICE}:{rev}",
            acct.id
        )
    };

    assert_eq!(live.account_id, acct.id);
    assert_eq!(live.region, REGION);

    let cluster = live.cluster.as_ref().expect("cluster");
    assert_eq!(cluster.name, CLUSTER);
    assert_eq!(cluster.capacity_providers, ["FARGATE", "FARGATE_SPOT"]);
    assert!(
        cluster
            .settings
            .iter()
            .any(|s| s.name == "containerInsights" && s.value.as_deref() == Some("enabled"))
    );
    assert_eq!(cluster.tags["ecsctl:managed-by"], "ecsctl");

    let role = live.role(ROLE).expect("role");
    assert_eq!(
        live.roles.len(),
        1,
        "near-miss and missing roles are absent"
    );
    assert_eq!(
        role.trust_policy.as_ref().unwrap()["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    let inline = &role.inline_policies["ecsctl"];
    assert_eq!(
        inline["Statement"][0]["Action"],
        json!(["logs:CreateLogStream", "logs:PutLogEvents"])
    );
    assert_eq!(role.managed_policy_arns, [EXEC_POLICY]);
    assert_eq!(role.tags["ecsctl:env"], "dev");

    assert_eq!(live.log_groups.len(), 1, "{:?}", live.log_groups);
    let group = live.log_group(LOG_GROUP).unwrap();
    assert_eq!(group.retention_days, Some(14));
    assert_eq!(
        group.tags["ecsctl:env"], "dev",
        "tags read with the ARN without `:*`"
    );
    assert!(!group.arn.as_deref().unwrap().ends_with(":*"));

    let ns = live.namespace.as_ref().expect("namespace");
    assert_eq!(ns.name, NAMESPACE);
    assert_eq!(ns.tags["ecsctl:env"], "dev");
    assert_eq!(
        live.discovery_services.len(),
        1,
        "{:?}",
        live.discovery_services
    );
    let api = live.discovery_service("api").unwrap();
    assert_eq!(api.namespace_id.as_deref(), Some(ns.id.as_str()));
    assert_eq!(api.dns_records[0].ttl, 60);
    assert_eq!(api.routing_policy.as_deref(), Some("MULTIVALUE"));
    assert_eq!(api.tags["ecsctl:env"], "dev");

    assert_eq!(live.services.len(), 1);
    assert!(live.inactive_services.is_empty());
    let svc = live.service(SERVICE).unwrap();
    assert_eq!(svc.status, "ACTIVE");
    assert_eq!(svc.task_definition.as_deref(), Some(arn(1).as_str()));
    assert_eq!(svc.desired_count, 1);
    assert_eq!(
        svc.capacity_provider_strategy[0].capacity_provider,
        "FARGATE_SPOT"
    );
    assert!(svc.enable_execute_command);
    assert_eq!(svc.network.as_ref().unwrap().subnets, net.subnet_ids);
    assert_eq!(svc.tags["ecsctl:env"], "dev");

    // The revision the service runs AND the family's newest ACTIVE one of ours (2, not
    // deregistered 3).
    let families: Vec<_> = live
        .families
        .iter()
        .map(|f| (f.family.as_str(), f.newest_owned_arn.clone()))
        .collect();
    assert_eq!(
        families,
        [(SERVICE, Some(arn(2))), ("ohi-dev-worker", None)]
    );
    let running = live.task_definition(&arn(1)).expect("running revision");
    assert_eq!(running.containers[0].image.as_deref(), Some("nginx:1"));
    let latest = live
        .newest_owned_task_definition(SERVICE)
        .expect("latest revision");
    assert_eq!(
        (latest.revision, latest.containers[0].image.as_deref()),
        (2, Some("nginx:2"))
    );
    assert_eq!(latest.tags["ecsctl:env"], "dev");
    let env: Vec<_> = latest.containers[0]
        .environment
        .iter()
        .map(|kv| kv.name.clone().unwrap())
        .collect();
    assert_eq!(env, ["ZED", "ALPHA"]);
    assert_eq!(live.task_definitions.len(), 2);

    assert_eq!(live.scaling_targets.len(), 1);
    let target = live.scaling_target("service/ohi-dev/ohi-dev-api").unwrap();
    assert_eq!((target.min, target.max), (1, 4));
    assert_eq!(target.policies.len(), 1);
    assert_eq!(target.policies[0].target_value, Some(60.0));
    assert_eq!(
        target.policies[0].predefined_metric.as_deref(),
        Some("ECSServiceAverageCPUUtilization")
    );
}

#[test]
fn fetch_ignores_same_named_resources_of_other_accounts() {
    let other = support::account();
    create_env(&other, &other.network());
    let acct = support::account();
    let (live, _) = fetch(&acct, &query());
    assert_eq!(live.account_id, acct.id);
    let empty = Live {
        account_id: acct.id.clone(),
        region: REGION.into(),
        families: live.families.clone(),
        ..Live::default()
    };
    assert_eq!(live, empty);
    assert!(live.families.iter().all(|f| f.newest_owned_arn.is_none()));
}

#[test]
fn deleted_service_is_absent_but_noted_inactive() {
    let acct = support::account();
    let net = acct.network();
    let awsvpc = json!({"awsvpcConfiguration": {"subnets": net.subnet_ids, "securityGroups": [net.security_group_id]}});
    ok_all(acct.batch_settled(&[
        ("ecs", "CreateCluster", json!({"clusterName": CLUSTER})),
        register(SERVICE, "nginx:1"),
        (
            "ecs",
            "CreateService",
            json!({"cluster": CLUSTER, "serviceName": SERVICE,
            "taskDefinition": format!("{SERVICE}:1"), "desiredCount": 0, "launchType": "FARGATE",
            "networkConfiguration": awsvpc}),
        ),
        (
            "ecs",
            "DeleteService",
            json!({"cluster": CLUSTER, "service": SERVICE, "force": true}),
        ),
    ]));
    // A service created and deleted moments ago may still read as MISSING (ECS's reads lag);
    // once ECS describes it, it is DRAINING, then INACTIVE: deleted, either way.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let live = loop {
        let (live, _) = fetch(&acct, &query());
        if !live.inactive_services.is_empty() || std::time::Instant::now() > deadline {
            break live;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(live.services.is_empty());
    assert_eq!(live.inactive_services, [SERVICE]);
    assert!(live.cluster.is_some());
}

/// Issue 10, item 4: revisions someone else registered into our family after ours (untagged,
/// another environment's) are looked at newest first on the way, but the family's revision to
/// compare with is the newest one carrying our three ownership tags.
#[test]
fn a_foreign_newer_revision_is_never_the_familys_newest_of_ours() {
    let acct = support::account();
    let net = acct.network();
    create_env(&acct, &net);
    let other_env = json!([{"key": "ecsctl:managed-by", "value": "ecsctl"},
        {"key": "ecsctl:app", "value": "ohi"}, {"key": "ecsctl:env", "value": "prod"}]);
    let foreign = |tags: Value| {
        (
            "ecs",
            "RegisterTaskDefinition",
            json!({"family": SERVICE,
            "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
            "memory": "512", "containerDefinitions": container("nginx:foreign"), "tags": tags}),
        )
    };
    ok_all(acct.batch(&[foreign(json!([])), foreign(other_env)]));
    let (live, calls) = fetch(&acct, &query());
    let arn = |rev: u32| {
        format!(
            "arn:aws:ecs:{REGION}:{}:task-definition/{SERVICE}:{rev}",
            acct.id
        )
    };
    let family = live.families.iter().find(|f| f.family == SERVICE).unwrap();
    assert_eq!(family.newest_owned_arn, Some(arn(2)));
    let ours = live.newest_owned_task_definition(SERVICE).unwrap();
    assert_eq!(ours.containers[0].image.as_deref(), Some("nginx:2"));
    // 5 and 4 (someone else's), 2 (ours: the search stops), 1 (the service runs it): once each.
    let mut read: Vec<i32> = live.task_definitions.iter().map(|t| t.revision).collect();
    read.sort();
    assert_eq!(read, [1, 2, 4, 5]);
    assert_eq!(calls["ecs:DescribeTaskDefinition"], 4);
    // Two pages of two for `api` (5 4 | 2 1) and one for the empty `worker` family.
    assert_eq!(calls["ecs:ListTaskDefinitions"], 3);
}

/// The call budget of a one-service environment, so a regression in batching shows up here
/// before it shows in the plan benchmark.
#[test]
fn fetch_makes_the_expected_calls() {
    let acct = support::account();
    let net = acct.network();
    create_env(&acct, &net);
    let (_, calls) = fetch(&acct, &query());
    let expected = counts(&[
        ("application-autoscaling:DescribeScalableTargets", 1),
        ("application-autoscaling:DescribeScalingPolicies", 1),
        ("application-autoscaling:DescribeScheduledActions", 1),
        ("ecs:DescribeClusters", 1),
        ("ecs:DescribeServices", 1),
        // Running revision 1 and latest revision 2.
        ("ecs:DescribeTaskDefinition", 2),
        // One per family.
        ("ecs:ListTaskDefinitions", 2),
        // Every role at once: the account's roles are listed until every one asked for was
        // seen, so a missing one (`worker`) costs the whole listing (2 pages of 2 here).
        ("iam:GetAccountAuthorizationDetails", 2),
        ("logs:DescribeLogGroups", 1),
        // The query says no tags are wanted (`query()`), so the tag index vouches for none:
        // each found resource's tags are read from it.
        ("logs:ListTagsForResource", 1),
        ("servicediscovery:ListNamespaces", 1),
        ("servicediscovery:ListServices", 1),
        ("servicediscovery:ListTagsForResource", 2),
        ("sts:GetCallerIdentity", 1),
        ("tag:GetResources", 1),
    ]);
    assert_eq!(calls, expected);
}

/// A converged `n`-service environment: each service with its own family (running its latest
/// revision), tagged execution role with the inline policy and the managed one, log group,
/// Cloud Map service and scaling target; the log groups and the Cloud Map namespace and
/// services carry the ownership tags, as ecsctl creates them. Returns the query for exactly
/// those names, with the ownership tags as what the spec wants on each.
fn converged_env(acct: &TestAccount, n: usize) -> LiveQuery {
    let net = acct.network();
    let names: Vec<String> = (0..n).map(|i| format!("ohi-dev-s{i:02}")).collect();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    .to_string();
    let awsvpc = json!({"awsvpcConfiguration": {"subnets": net.subnet_ids,
        "securityGroups": [net.security_group_id]}});
    let mut calls = vec![
        ("ecs", "CreateCluster", json!({"clusterName": CLUSTER})),
        (
            "servicediscovery",
            "CreatePrivateDnsNamespace",
            json!({"Name": NAMESPACE, "Vpc": net.vpc_id, "Tags": tags_upper()}),
        ),
    ];
    for name in &names {
        let role = format!("{name}-exec");
        calls.extend([
            // Tagged like every role ecsctl owns: an untagged role costs a ListRoleTags more.
            ("iam", "CreateRole", json!({"RoleName": role, "AssumeRolePolicyDocument": trust,
                "Tags": [{"Key": "ecsctl:managed-by", "Value": "ecsctl"}]})),
            ("iam", "PutRolePolicy", json!({"RoleName": role, "PolicyName": "ecsctl",
                "PolicyDocument": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": "logs:PutLogEvents", "Resource": "*"}]}).to_string()})),
            ("iam", "AttachRolePolicy", json!({"RoleName": role, "PolicyArn": EXEC_POLICY})),
            ("logs", "CreateLogGroup", json!({"logGroupName": format!("/ecs/ohi-dev/{name}"),
                "tags": ownership().into_iter().collect::<serde_json::Map<_, _>>()})),
            ("ecs", "RegisterTaskDefinition", json!({"family": name,
                "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
                "memory": "512", "containerDefinitions": container("nginx:1"),
                "tags": tags_ecs()})),
            ("ecs", "CreateService", json!({"cluster": CLUSTER, "serviceName": name,
                "taskDefinition": format!("{name}:1"), "desiredCount": 1, "launchType": "FARGATE",
                "networkConfiguration": awsvpc})),
            ("application-autoscaling", "RegisterScalableTarget", json!({"ServiceNamespace": "ecs",
                "ResourceId": format!("service/{CLUSTER}/{name}"),
                "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4})),
        ]);
    }
    ok_all(acct.batch_settled(&calls));
    let ns = acct
        .call("servicediscovery", "ListNamespaces", json!({}))
        .unwrap();
    let ns_id = ns["Namespaces"][0]["Id"].clone();
    let discovery: Vec<_> = (0..n)
        .map(|i| {
            (
                "servicediscovery",
                "CreateService",
                json!({"Name": format!("s{i:02}"), "NamespaceId": ns_id,
                "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 60}]}, "Tags": tags_upper()}),
            )
        })
        .collect();
    ok_all(acct.batch_settled(&discovery));
    // A converged environment has stood a while: the tag index has caught up with the tags
    // written just now (its lag is `ECSCTL_EMULATOR_TAG_INDEX_MS` in `TEST_WINDOWS`; before
    // that, fetch reads the missing resources' tags one by one, as
    // `a_resource_the_tag_index_has_not_caught_up_with_is_read_directly` shows).
    std::thread::sleep(
        support::window("ECSCTL_EMULATOR_TAG_INDEX_MS") + Duration::from_millis(100),
    );

    LiveQuery {
        app: "ohi".into(),
        env: "dev".into(),
        cluster: CLUSTER.into(),
        services: names.clone(),
        families: names.clone(),
        roles: names.iter().map(|s| format!("{s}-exec")).collect(),
        log_groups: names.iter().map(|s| format!("/ecs/ohi-dev/{s}")).collect(),
        namespace: Some(NAMESPACE.into()),
        discovery_services: (0..n).map(|i| format!("s{i:02}")).collect(),
        scaling_resource_ids: names
            .iter()
            .map(|s| format!("service/{CLUSTER}/{s}"))
            .collect(),
        alarm_names: Vec::new(),
        schedule_group: None,
        log_group_tags: names
            .iter()
            .map(|s| (format!("/ecs/ohi-dev/{s}"), owned_tags()))
            .collect(),
        discovery_tags: (0..n).map(|i| (format!("s{i:02}"), owned_tags())).collect(),
        namespace_tags: Some(owned_tags()),
        keep_revisions: Some(10),
    }
}

/// The three ownership tags of `ohi` / `dev`, as (key, value) JSON pairs.
fn ownership() -> Vec<(String, Value)> {
    owned_tags()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

fn owned_tags() -> BTreeMap<String, String> {
    [
        ("ecsctl:managed-by", "ecsctl"),
        ("ecsctl:app", "ohi"),
        ("ecsctl:env", "dev"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The ownership tags as Cloud Map takes them (`[{"Key", "Value"}]`).
fn tags_upper() -> Value {
    Value::Array(
        owned_tags()
            .into_iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// The call budget per operation for an `n`-service converged environment (docs/aws.md,
/// "Calls"), with the lists paged as the suite's emulator pages them (two items a page,
/// `TEST_WINDOWS`), where AWS answers these sizes in one page of 50 to 1,000:
/// - the listings of `n` items take `ceil(n / 2)` pages;
/// - GetAccountAuthorizationDetails lists the account's roles (ECS's service-linked role, made
///   by CreateCluster, first) until every one asked for was seen: `ceil((n + 1) / 2)` pages;
/// - the tag index lists `2n + 1` tagged resources (log groups, Cloud Map services, the
///   namespace): `n + 1` pages. Every entry agrees with the spec, so no resource's tags are
///   read one by one, and no family is searched (each service runs what the spec wants).
fn budget(n: u32) -> BTreeMap<String, u32> {
    let pages = n.div_ceil(2).max(1);
    counts(&[
        ("application-autoscaling:DescribeScalableTargets", pages),
        ("application-autoscaling:DescribeScalingPolicies", 1),
        ("application-autoscaling:DescribeScheduledActions", 1),
        ("ecs:DescribeClusters", 1),
        ("ecs:DescribeServices", n.div_ceil(10)),
        ("ecs:DescribeTaskDefinition", n),
        ("iam:GetAccountAuthorizationDetails", (n + 1).div_ceil(2)),
        ("logs:DescribeLogGroups", pages),
        ("servicediscovery:ListNamespaces", 1),
        ("servicediscovery:ListServices", pages),
        ("sts:GetCallerIdentity", 1),
        ("tag:GetResources", n + 1),
    ])
}

#[test]
fn fetch_call_budget_for_one_service() {
    let acct = support::account();
    let query = converged_env(&acct, 1);
    let (live, calls) = fetch_converged(&acct, &query);
    assert_eq!((live.services.len(), live.task_definitions.len()), (1, 1));
    assert_eq!(calls, budget(1));
    // 12 on AWS (18 before issue 12, 11 before scheduled actions were read); the tag index
    // takes 2 pages of 2 here.
    assert_eq!(calls.values().sum::<u32>(), 13);
    // The tags come from the index, and are the resources' own.
    assert_eq!(live.log_groups[0].tags, owned_tags());
    assert_eq!(live.discovery_services[0].tags, owned_tags());
    assert_eq!(live.namespace.as_ref().unwrap().tags, owned_tags());
    assert_eq!(live.roles[0].tags["ecsctl:managed-by"], "ecsctl");
    assert_eq!(live.roles[0].inline_policies.len(), 1);
    assert_eq!(live.roles[0].managed_policy_arns, [EXEC_POLICY]);
}

/// Ten services: the budget grows per service as documented; two more (missing) names make
/// DescribeServices go in two chunks of at most ten.
#[test]
fn fetch_call_budget_for_ten_services() {
    let acct = support::account();
    let query = converged_env(&acct, 10);
    let (live, calls) = fetch_converged(&acct, &query);
    assert_eq!(live.services.len(), 10);
    assert_eq!(live.roles.len(), 10);
    assert_eq!(live.log_groups.len(), 10);
    assert_eq!(live.discovery_services.len(), 10);
    assert_eq!(live.scaling_targets.len(), 10);
    // Converged: each service runs its family's latest revision, described once.
    assert_eq!(live.task_definitions.len(), 10);
    assert_eq!(calls, budget(10));
    // 21 on AWS, one page per listing (99 before issue 12: 111 here; 20 before scheduled
    // actions were read). Here the three listings of 10 take 5 pages each, the roles 6 and the
    // tag index 11.
    assert_eq!(calls.values().sum::<u32>(), 21 + 3 * 4 + 5 + 10);
    assert!(live.log_groups.iter().all(|g| g.tags == owned_tags()));
    assert!(
        live.discovery_services
            .iter()
            .all(|d| d.tags == owned_tags())
    );

    let mut more = query.clone();
    more.services
        .extend(["ohi-dev-s98".to_string(), "ohi-dev-s99".to_string()]);
    let (live, calls) = fetch_converged(&acct, &more);
    assert_eq!(live.services.len(), 10);
    assert_eq!(calls["ecs:DescribeServices"], 2);
}

/// A server paging at AWS's own page sizes (`ECSCTL_EMULATOR_PAGE_SIZE=0`), so call counts
/// are the ones a real account sees: the suite's shared server pages two items at a time.
fn aws_pages() -> &'static support::Emulator {
    static SERVER: std::sync::OnceLock<support::Emulator> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| {
        support::Emulator::start("aws-pages", &[("ECSCTL_EMULATOR_PAGE_SIZE", "0")], 1)
    })
}

/// Calls per operation, as `AwsClients::calls` and `--stats` count them.
fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// The `--stats` line of a run, per operation.
fn stats(run: &support::Run) -> BTreeMap<String, u32> {
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("aws calls:"))
        .unwrap_or_else(|| panic!("no --stats line:\n{}", run.all()));
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(op, n)| (op.to_string(), n.parse().unwrap()))
        .collect()
}

/// The issue-12 budget: a converged plan of the root project's `prod` (11 services, 11 roles,
/// 8 Cloud Map services) reads the live state in at most 35 calls at AWS's page sizes, STS
/// and the pruning reads included (114 before issue 12).
#[test]
fn a_converged_plan_of_the_root_project_prod_reads_in_at_most_35_calls() {
    let p = crate::apply::example_project_in(".", aws_pages().account());
    let r = p.run(&["apply", "-e", "prod", "--yes"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.all());
    // Converged means it has stood a while: the tag index has caught up.
    std::thread::sleep(
        support::window("ECSCTL_EMULATOR_TAG_INDEX_MS") + Duration::from_millis(100),
    );
    let plan = p.run(
        &["plan", "-e", "prod", "--detailed-exitcode", "--stats"],
        &[],
    );
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    plan.assert_no_writes("a converged plan");
    let calls = stats(&plan);
    let expected = counts(&[
        ("application-autoscaling:DescribeScalableTargets", 1),
        ("application-autoscaling:DescribeScalingPolicies", 1),
        ("application-autoscaling:DescribeScheduledActions", 1),
        ("ecs:DescribeClusters", 1),
        // 11 services: two calls of at most 10 names.
        ("ecs:DescribeServices", 2),
        // The revision each service runs; it holds what the spec wants, so no family search.
        ("ecs:DescribeTaskDefinition", 11),
        // Pruning: the cluster's services, the families under the prefix, every role name.
        ("ecs:ListServices", 1),
        ("ecs:ListTaskDefinitionFamilies", 1),
        ("iam:ListRoles", 1),
        // All 11 roles with their policies and tags.
        ("iam:GetAccountAuthorizationDetails", 1),
        // The spec's groups, and pruning's prefix.
        ("logs:DescribeLogGroups", 2),
        ("scheduler:GetScheduleGroup", 1),
        // The spec's namespace and its services, and pruning's listing of both.
        ("servicediscovery:ListNamespaces", 2),
        ("servicediscovery:ListServices", 2),
        ("sts:GetCallerIdentity", 1),
        // Every tag of the log groups and Cloud Map resources.
        ("tag:GetResources", 1),
    ]);
    assert_eq!(calls, expected);
    assert_eq!(calls.values().sum::<u32>(), 30);

    // `ecsctl output` on the same converged environment: the values are AWS's, read without
    // the pruning reads, and nothing is written.
    let output = p.run(
        &["output", "-e", "prod", "--output", "json", "--stats"],
        &[],
    );
    assert_eq!(output.code, Some(0), "{}", output.all());
    output.assert_no_writes("output");
    let doc: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(doc["missing"], json!([]), "{doc}");
    let api = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "api")
        .unwrap();
    let described = p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ohi-prod", "services": ["ohi-prod-api"]}),
    );
    let live = &described["services"][0];
    assert_eq!(api["arn"], live["serviceArn"]);
    assert_eq!(api["taskDefinitionArn"], live["taskDefinition"]);
    assert_eq!(api["dnsName"], "api.ohi-prod.local");
    assert!(
        api["executionRoleArn"]
            .as_str()
            .unwrap()
            .ends_with(":role/ohi-prod-exec")
    );
    let calls = stats(&output);
    for pruning in [
        "ecs:ListServices",
        "ecs:ListTaskDefinitionFamilies",
        "iam:ListRoles",
    ] {
        assert!(!calls.contains_key(pruning), "{pruning}: {calls:?}");
    }
    assert_eq!(calls.values().sum::<u32>(), 23, "{calls:?}");
}

/// The tag index lags behind the writes (`ECSCTL_EMULATOR_TAG_INDEX_MS`): an entry that does
/// not hold what the spec wants is never trusted. Right after an apply that added a tag, the
/// index still shows the old tags: fetch reads that log group's tags itself and sees the new
/// one (no spurious change), and once the index caught up it reads none one by one again.
#[test]
fn a_resource_the_tag_index_has_not_caught_up_with_is_read_directly() {
    let acct = support::account();
    let mut query = converged_env(&acct, 1);
    let group = query.log_groups[0].clone();
    let mut wanted = owned_tags();
    wanted.insert("team".into(), "platform".into());
    query.log_group_tags.insert(group.clone(), wanted.clone());
    let arn = format!("arn:aws:logs:{REGION}:{}:log-group:{group}", acct.id);
    acct.call(
        "logs",
        "TagResource",
        json!({"resourceArn": arn, "tags": {"team": "platform"}}),
    )
    .unwrap();

    let (live, calls) = fetch_converged(&acct, &query);
    assert_eq!(live.log_groups[0].tags, wanted);
    assert_eq!(calls["logs:ListTagsForResource"], 1, "{calls:?}");

    std::thread::sleep(
        support::window("ECSCTL_EMULATOR_TAG_INDEX_MS") + Duration::from_millis(100),
    );
    let (live, calls) = fetch_converged(&acct, &query);
    assert_eq!(live.log_groups[0].tags, wanted);
    assert_eq!(calls.get("logs:ListTagsForResource"), None, "{calls:?}");
}
