//! Each patch in scripts/moto/patches.py, proven through boto3 (scripts/aws-oob.py): the
//! emulator answers the way the AWS API reference says. Every one of these fails on plain moto
//! 5.2.1 (`scripts/emulator selfcheck --no-patches` shows the same deviations).

use serde_json::{Value, json};

use crate::support::{self, AwsError, Network, REGION, TestAccount};

const DIM: &str = "ecs:service:DesiredCount";

/// Account with a network, cluster `c` (Fargate providers attached) and task definition
/// `web` revisions 1 and 2.
fn ecs_account() -> (TestAccount, Network) {
    let acct = support::account();
    let net = acct.network();
    let td = json!({"family": "web", "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc", "cpu": "256", "memory": "512",
        "containerDefinitions": [{"name": "app", "image": "nginx"}]});
    let results = acct.batch(&[
        (
            "ecs",
            "CreateCluster",
            json!({"clusterName": "c", "capacityProviders": ["FARGATE", "FARGATE_SPOT"]}),
        ),
        ("ecs", "RegisterTaskDefinition", td.clone()),
        ("ecs", "RegisterTaskDefinition", td),
    ]);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    (acct, net)
}

fn awsvpc(net: &Network) -> Value {
    json!({"awsvpcConfiguration": {"subnets": net.subnet_ids,
        "securityGroups": [net.security_group_id], "assignPublicIp": "DISABLED"}})
}

/// CreateService params for service `name` in cluster `c`, merged with `extra`.
fn service(net: &Network, name: &str, extra: Value) -> Value {
    let mut params = json!({"cluster": "c", "serviceName": name, "taskDefinition": "web:1",
        "desiredCount": 2, "networkConfiguration": awsvpc(net)});
    for (k, v) in extra.as_object().expect("object") {
        params[k] = v.clone();
    }
    params
}

fn describe(name: &str) -> (&'static str, &'static str, Value) {
    (
        "ecs",
        "DescribeServices",
        json!({"cluster": "c", "services": [name]}),
    )
}

fn ok(result: &Result<Value, AwsError>) -> &Value {
    result
        .as_ref()
        .unwrap_or_else(|e| panic!("unexpected AWS error {e:?}"))
}

fn td_arn(acct: &TestAccount, rev: u32) -> String {
    format!("arn:aws:ecs:{REGION}:{}:task-definition/web:{rev}", acct.id)
}

#[test]
fn create_service_returns_capacity_provider_strategy_and_settings() {
    let (acct, net) = ecs_account();
    let strategy = json!([{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 4}]);
    let create = service(
        &net,
        "api",
        json!({"capacityProviderStrategy": strategy,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}},
        "healthCheckGracePeriodSeconds": 60, "enableExecuteCommand": true,
        "enableECSManagedTags": true, "propagateTags": "SERVICE"}),
    );
    let r = acct.batch(&[("ecs", "CreateService", create), describe("api")]);
    let expected_strategy = json!([{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 4, "base": 0}]);
    for svc in [&ok(&r[0])["service"], &ok(&r[1])["services"][0]] {
        assert_eq!(svc["capacityProviderStrategy"], expected_strategy);
        assert!(
            svc.get("launchType").is_none(),
            "launchType next to a strategy: {svc}"
        );
        // Sent fields kept; AWS fills the unsent percentages with 200/100.
        assert_eq!(
            svc["deploymentConfiguration"],
            json!({"deploymentCircuitBreaker": {"enable": true, "rollback": true},
                "maximumPercent": 200, "minimumHealthyPercent": 100})
        );
        assert_eq!(svc["healthCheckGracePeriodSeconds"], 60);
        assert_eq!(svc["enableExecuteCommand"], true);
        assert_eq!(svc["enableECSManagedTags"], true);
        assert_eq!(svc["propagateTags"], "SERVICE");
        assert!(svc["createdAt"].is_string(), "createdAt missing: {svc}");
        assert_eq!(
            svc["deployments"][0]["capacityProviderStrategy"],
            expected_strategy
        );
        assert!(svc["deployments"][0].get("launchType").is_none(), "{svc}");
    }
}

#[test]
fn create_service_without_optional_settings_gets_aws_defaults() {
    let (acct, net) = ecs_account();
    let r = acct.batch(&[(
        "ecs",
        "CreateService",
        service(&net, "plain", json!({"launchType": "FARGATE"})),
    )]);
    let svc = &ok(&r[0])["service"];
    assert_eq!(svc["launchType"], "FARGATE");
    assert!(svc.get("capacityProviderStrategy").is_none());
    assert_eq!(
        svc["deploymentConfiguration"],
        json!({"deploymentCircuitBreaker": {"enable": false, "rollback": false},
            "maximumPercent": 200, "minimumHealthyPercent": 100})
    );
    assert_eq!(svc["enableExecuteCommand"], false);
    assert_eq!(svc["enableECSManagedTags"], false);
    assert_eq!(svc["propagateTags"], "NONE");
    assert!(svc.get("healthCheckGracePeriodSeconds").is_none());
}

#[test]
fn create_service_without_launch_type_uses_cluster_default_strategy() {
    let acct = support::account();
    let net = acct.network();
    let default = json!([{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]);
    let r = acct.batch(&[
        (
            "ecs",
            "CreateCluster",
            json!({"clusterName": "c", "capacityProviders": ["FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": default}),
        ),
        (
            "ecs",
            "RegisterTaskDefinition",
            json!({"family": "web", "networkMode": "awsvpc", "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "nginx"}]}),
        ),
        ("ecs", "CreateService", service(&net, "dflt", json!({}))),
    ]);
    let svc = &ok(&r[2])["service"];
    assert_eq!(svc["capacityProviderStrategy"], default);
    assert!(svc.get("launchType").is_none());
}

#[test]
fn create_service_with_launch_type_and_strategy_is_rejected() {
    let (acct, net) = ecs_account();
    let both = service(
        &net,
        "both",
        json!({"launchType": "FARGATE",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]}),
    );
    let err = acct.call("ecs", "CreateService", both).unwrap_err();
    assert_eq!(err.code, "InvalidParameterException");
    assert_eq!(
        err.message,
        "Specifying both a launch type and capacity provider strategy is not supported. \
         Remove one and try again."
    );
}

#[test]
fn create_service_with_active_name_is_not_idempotent_but_inactive_name_is_reusable() {
    let (acct, net) = ecs_account();
    let r = acct.batch(&[
        ("ecs", "CreateService", service(&net, "dup", json!({}))),
        (
            "ecs",
            "CreateService",
            service(&net, "dup", json!({"desiredCount": 5})),
        ),
        describe("dup"),
        (
            "ecs",
            "DeleteService",
            json!({"cluster": "c", "service": "dup", "force": true}),
        ),
        (
            "ecs",
            "CreateService",
            service(&net, "dup", json!({"desiredCount": 3})),
        ),
    ]);
    let err = r[1].as_ref().unwrap_err();
    assert_eq!(err.code, "InvalidParameterException");
    assert_eq!(err.message, "Creation of service was not idempotent.");
    assert_eq!(
        ok(&r[2])["services"][0]["desiredCount"],
        2,
        "original replaced"
    );
    assert_eq!(ok(&r[4])["service"]["desiredCount"], 3);
    assert_eq!(ok(&r[4])["service"]["status"], "ACTIVE");
}

#[test]
fn create_service_awsvpc_without_security_groups() {
    let (acct, net) = ecs_account();
    let nc = json!({"awsvpcConfiguration": {"subnets": net.subnet_ids}});
    let r = acct.batch(&[
        (
            "ecs",
            "CreateService",
            service(&net, "nosg", json!({"networkConfiguration": nc})),
        ),
        (
            "ecs",
            "CreateService",
            service(
                &net,
                "badsubnet",
                json!({"networkConfiguration":
                {"awsvpcConfiguration": {"subnets": ["subnet-deadbeef"]}}}),
            ),
        ),
    ]);
    assert_eq!(ok(&r[0])["service"]["networkConfiguration"], nc);
    // Subnets are still validated.
    assert_eq!(r[1].as_ref().unwrap_err().code, "InvalidParameterException");
}

#[test]
fn update_service_with_family_or_revision_stores_full_arn() {
    let (acct, net) = ecs_account();
    let r = acct.batch(&[
        ("ecs", "CreateService", service(&net, "upd", json!({}))),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "upd", "taskDefinition": "web:2"}),
        ),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "upd", "taskDefinition": "web:1"}),
        ),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "upd", "taskDefinition": "web"}),
        ),
        describe("upd"),
    ]);
    assert_eq!(ok(&r[1])["service"]["taskDefinition"], td_arn(&acct, 2));
    assert_eq!(ok(&r[2])["service"]["taskDefinition"], td_arn(&acct, 1));
    // A bare family resolves to its latest ACTIVE revision.
    let svc = &ok(&r[4])["services"][0];
    assert_eq!(svc["taskDefinition"], td_arn(&acct, 2));
    assert_eq!(svc["deployments"][0]["taskDefinition"], td_arn(&acct, 2));
}

#[test]
fn update_service_with_strategy_drops_launch_type() {
    let (acct, net) = ecs_account();
    let strategy = json!([{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]);
    let r = acct.batch(&[
        (
            "ecs",
            "CreateService",
            service(&net, "mv", json!({"launchType": "FARGATE"})),
        ),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "mv",
            "capacityProviderStrategy": strategy, "forceNewDeployment": true}),
        ),
    ]);
    let svc = &ok(&r[1])["service"];
    assert_eq!(svc["capacityProviderStrategy"], strategy);
    assert!(svc.get("launchType").is_none(), "{svc}");
}

#[test]
fn create_cluster_with_existing_name_returns_it_unchanged() {
    let acct = support::account();
    let tags = json!([{"key": "ecsctl:app", "value": "shop"}]);
    let settings = json!([{"name": "containerInsights", "value": "enabled"}]);
    let r = acct.batch(&[
        (
            "ecs",
            "CreateCluster",
            json!({"clusterName": "keep", "tags": tags, "settings": settings,
            "capacityProviders": ["FARGATE"]}),
        ),
        ("ecs", "CreateCluster", json!({"clusterName": "keep"})),
        (
            "ecs",
            "DescribeClusters",
            json!({"clusters": ["keep"], "include": ["TAGS", "SETTINGS"]}),
        ),
    ]);
    assert_eq!(ok(&r[1])["cluster"]["settings"], settings);
    let cluster = &ok(&r[2])["clusters"][0];
    assert_eq!(cluster["tags"], tags);
    assert_eq!(cluster["settings"], settings);
    assert_eq!(cluster["capacityProviders"], json!(["FARGATE"]));
}

#[test]
fn describe_capacity_providers_knows_the_fargate_builtins() {
    let acct = support::account();
    let r = acct.batch(&[
        (
            "ecs",
            "DescribeCapacityProviders",
            json!({"capacityProviders": ["FARGATE", "FARGATE_SPOT", "nope"]}),
        ),
        ("ecs", "DescribeCapacityProviders", json!({})),
    ]);
    let named = ok(&r[0]);
    let arn = |n: &str| format!("arn:aws:ecs:{REGION}:{}:capacity-provider/{n}", acct.id);
    assert_eq!(
        named["capacityProviders"],
        json!([
            {"capacityProviderArn": arn("FARGATE"), "name": "FARGATE", "status": "ACTIVE", "tags": []},
            {"capacityProviderArn": arn("FARGATE_SPOT"), "name": "FARGATE_SPOT", "status": "ACTIVE", "tags": []},
        ])
    );
    assert_eq!(named["failures"][0]["reason"], "MISSING");
    let all: Vec<&str> = ok(&r[1])["capacityProviders"]
        .as_array()
        .expect("providers")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(all, ["FARGATE", "FARGATE_SPOT"]);
}

fn rollout(svc: &Value) -> (i64, i64, i64, String) {
    (
        svc["desiredCount"].as_i64().expect("desired"),
        svc["runningCount"].as_i64().expect("running"),
        svc["pendingCount"].as_i64().expect("pending"),
        svc["deployments"][0]["rolloutState"]
            .as_str()
            .expect("state")
            .to_string(),
    )
}

#[test]
fn services_reach_a_steady_state_and_updates_make_new_deployments() {
    let (acct, net) = ecs_account();
    let r = acct.batch(&[
        ("ecs", "CreateService", service(&net, "st", json!({}))),
        describe("st"),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "st", "desiredCount": 3}),
        ),
        (
            "ecs",
            "UpdateService",
            json!({"cluster": "c", "service": "st", "taskDefinition": td_arn(&acct, 2)}),
        ),
    ]);
    let created = &ok(&r[1])["services"][0];
    assert_eq!(rollout(created), (2, 2, 0, "COMPLETED".into()));
    let deployments = created["deployments"].as_array().expect("deployments");
    assert_eq!(deployments.len(), 1);
    assert_eq!(deployments[0]["status"], "PRIMARY");
    assert_eq!(
        created["events"][0]["message"],
        "(service st) has reached a steady state."
    );
    let first_id = deployments[0]["id"].clone();

    let scaled = &ok(&r[2])["service"];
    assert_eq!(rollout(scaled), (3, 3, 0, "COMPLETED".into()));
    assert_eq!(
        scaled["deployments"][0]["id"], first_id,
        "scaling is not a deployment"
    );
    assert_eq!(scaled["deployments"][0]["desiredCount"], 3);

    let redeployed = &ok(&r[3])["service"];
    assert_eq!(rollout(redeployed), (3, 3, 0, "COMPLETED".into()));
    assert_ne!(redeployed["deployments"][0]["id"], first_id);
    assert_eq!(
        redeployed["deployments"][0]["taskDefinition"],
        td_arn(&acct, 2)
    );
}

#[test]
fn rollout_tag_keeps_a_service_stuck_failed_or_slow() {
    let (acct, net) = ecs_account();
    let tag = |v: &str| json!({"tags": [{"key": "ecsctl-emulator:rollout", "value": v}]});
    let r = acct.batch(&[
        ("ecs", "CreateService", service(&net, "stuck", tag("stuck"))),
        (
            "ecs",
            "CreateService",
            service(&net, "failed", tag("failed")),
        ),
        (
            "ecs",
            "CreateService",
            service(&net, "slow", tag("after:2")),
        ),
        describe("stuck"),
        describe("failed"),
        describe("slow"),
        describe("slow"),
        describe("slow"),
    ]);
    let stuck = &ok(&r[3])["services"][0];
    assert_eq!(rollout(stuck), (2, 0, 2, "IN_PROGRESS".into()));
    let failed = &ok(&r[4])["services"][0];
    assert_eq!(rollout(failed), (2, 0, 0, "FAILED".into()));
    assert_eq!(failed["deployments"][0]["failedTasks"], 2);
    assert_eq!(
        failed["deployments"][0]["rolloutStateReason"],
        "ECS deployment circuit breaker: tasks failed to start."
    );
    let id = failed["deployments"][0]["id"].as_str().expect("id");
    assert_eq!(
        failed["events"][0]["message"],
        format!("(service failed) (deployment {id}) deployment failed: tasks failed to start.")
    );
    // after:2 -> two polls in progress, the third sees the steady state.
    assert_eq!(rollout(&ok(&r[5])["services"][0]).3, "IN_PROGRESS");
    assert_eq!(
        rollout(&ok(&r[6])["services"][0]),
        (2, 0, 2, "IN_PROGRESS".into())
    );
    let done = &ok(&r[7])["services"][0];
    assert_eq!(rollout(done), (2, 2, 0, "COMPLETED".into()));
    assert_eq!(
        done["events"][0]["message"],
        "(service slow) has reached a steady state."
    );
}

fn target(rid: &str) -> (&'static str, &'static str, Value) {
    (
        "application-autoscaling",
        "RegisterScalableTarget",
        json!({"ServiceNamespace": "ecs", "ResourceId": rid, "ScalableDimension": DIM,
            "MinCapacity": 1, "MaxCapacity": 4}),
    )
}

fn policy(rid: &str, name: &str) -> (&'static str, &'static str, Value) {
    (
        "application-autoscaling",
        "PutScalingPolicy",
        json!({"PolicyName": name, "ServiceNamespace": "ecs", "ResourceId": rid,
            "ScalableDimension": DIM, "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50.0,
                "PredefinedMetricSpecification":
                    {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}),
    )
}

fn policies(query: Value) -> (&'static str, &'static str, Value) {
    let mut params = json!({"ServiceNamespace": "ecs"});
    for (k, v) in query.as_object().expect("object") {
        params[k] = v.clone();
    }
    ("application-autoscaling", "DescribeScalingPolicies", params)
}

fn policy_names(result: &Result<Value, AwsError>) -> Vec<String> {
    ok(result)["ScalingPolicies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| {
            format!(
                "{}#{}",
                p["ResourceId"].as_str().unwrap(),
                p["PolicyName"].as_str().unwrap()
            )
        })
        .collect()
}

/// Services `api` and `api2` (one name a prefix of the other) with targets; `api` has
/// policies `cpu` and `mem`.
fn scaling_account() -> TestAccount {
    let (acct, net) = ecs_account();
    let r = acct.batch(&[
        (
            "ecs",
            "CreateService",
            service(&net, "api", json!({"desiredCount": 1})),
        ),
        (
            "ecs",
            "CreateService",
            service(&net, "api2", json!({"desiredCount": 1})),
        ),
        target("service/c/api"),
        target("service/c/api2"),
        policy("service/c/api", "cpu"),
        policy("service/c/api", "mem"),
    ]);
    assert!(r.iter().all(Result::is_ok), "{r:?}");
    acct
}

#[test]
fn describe_scaling_policies_filters_resource_id_exactly_and_honours_policy_names() {
    let acct = scaling_account();
    let r = acct.batch(&[
        policies(json!({"ResourceId": "service/c/api2"})),
        policies(json!({"ResourceId": "service/c/api"})),
        policies(json!({"ResourceId": "service/c/api", "PolicyNames": ["mem"]})),
        policies(json!({"PolicyNames": ["nope"]})),
        policies(json!({"ResourceId": "service/c/api", "ScalableDimension": "ecs:service"})),
    ]);
    assert!(policy_names(&r[0]).is_empty(), "api2 got api's policies");
    assert_eq!(
        policy_names(&r[1]),
        ["service/c/api#cpu", "service/c/api#mem"]
    );
    assert_eq!(policy_names(&r[2]), ["service/c/api#mem"]);
    assert!(policy_names(&r[3]).is_empty());
    assert!(policy_names(&r[4]).is_empty(), "dimension is exact too");
}

#[test]
fn deregister_scalable_target_deletes_its_policies() {
    let acct = scaling_account();
    let r = acct.batch(&[
        policy("service/c/api2", "cpu"),
        (
            "application-autoscaling",
            "DeregisterScalableTarget",
            json!({"ServiceNamespace": "ecs", "ResourceId": "service/c/api",
                "ScalableDimension": DIM}),
        ),
        policies(json!({})),
    ]);
    assert!(r[1].is_ok(), "{:?}", r[1]);
    assert_eq!(policy_names(&r[2]), ["service/c/api2#cpu"]);
}

fn namespace_id(acct: &TestAccount, op: &Result<Value, AwsError>) -> String {
    let id = ok(op)["OperationId"].as_str().expect("operation id");
    let got = acct
        .call(
            "servicediscovery",
            "GetOperation",
            json!({"OperationId": id}),
        )
        .unwrap();
    got["Operation"]["Targets"]["NAMESPACE"]
        .as_str()
        .expect("namespace")
        .to_string()
}

fn names(list: &Result<Value, AwsError>, key: &str) -> Vec<String> {
    ok(list)[key]
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["Name"].as_str().expect("name").to_string())
        .collect()
}

#[test]
fn cloud_map_lists_honour_filters() {
    let acct = support::account();
    let ops = acct.batch(&[
        (
            "servicediscovery",
            "CreateHttpNamespace",
            json!({"Name": "shop-dev"}),
        ),
        (
            "servicediscovery",
            "CreateHttpNamespace",
            json!({"Name": "shop-prod"}),
        ),
    ]);
    let dev = namespace_id(&acct, &ops[0]);
    let prod = namespace_id(&acct, &ops[1]);
    let sd = "servicediscovery";
    let r = acct.batch(&[
        (
            sd,
            "CreateService",
            json!({"Name": "api", "NamespaceId": dev}),
        ),
        (
            sd,
            "CreateService",
            json!({"Name": "web", "NamespaceId": prod}),
        ),
        (
            sd,
            "ListNamespaces",
            json!({"Filters": [{"Name": "NAME", "Values": ["shop-prod"]}]}),
        ),
        (
            sd,
            "ListNamespaces",
            json!({"Filters": [{"Name": "TYPE", "Values": ["DNS_PRIVATE"]}]}),
        ),
        (
            sd,
            "ListNamespaces",
            json!({"Filters": [{"Name": "NAME", "Values": ["shop-"], "Condition": "BEGINS_WITH"}]}),
        ),
        (
            sd,
            "ListServices",
            json!({"Filters": [{"Name": "NAMESPACE_ID", "Values": [dev]}]}),
        ),
        (sd, "ListServices", json!({})),
    ]);
    assert_eq!(names(&r[2], "Namespaces"), ["shop-prod"]);
    assert!(names(&r[3], "Namespaces").is_empty());
    assert_eq!(names(&r[4], "Namespaces"), ["shop-dev", "shop-prod"]);
    assert_eq!(names(&r[5], "Services"), ["api"]);
    assert_eq!(names(&r[6], "Services"), ["api", "web"]);
}

#[test]
fn cloud_map_duplicate_service_name_fails_service_already_exists() {
    let acct = support::account();
    let op = acct.call(
        "servicediscovery",
        "CreateHttpNamespace",
        json!({"Name": "ns"}),
    );
    let ns = namespace_id(&acct, &op);
    let other = acct.call(
        "servicediscovery",
        "CreateHttpNamespace",
        json!({"Name": "other"}),
    );
    let other = namespace_id(&acct, &other);
    let sd = "servicediscovery";
    let r = acct.batch(&[
        (
            sd,
            "CreateService",
            json!({"Name": "api", "NamespaceId": ns, "CreatorRequestId": "a"}),
        ),
        (
            sd,
            "CreateService",
            json!({"Name": "api", "NamespaceId": ns, "CreatorRequestId": "b"}),
        ),
        (
            sd,
            "CreateService",
            json!({"Name": "api", "NamespaceId": ns, "CreatorRequestId": "a"}),
        ),
        (
            sd,
            "CreateService",
            json!({"Name": "api", "NamespaceId": other}),
        ),
    ]);
    let first = ok(&r[0])["Service"]["Id"].clone();
    assert_eq!(r[1].as_ref().unwrap_err().code, "ServiceAlreadyExists");
    assert_eq!(
        ok(&r[2])["Service"]["Id"],
        first,
        "a retry with the same CreatorRequestId"
    );
    assert_ne!(
        ok(&r[3])["Service"]["Id"],
        first,
        "same name in another namespace"
    );
}
