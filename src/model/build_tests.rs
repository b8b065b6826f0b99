//! Tests of resolution: defaults, precedence across files, derived names, ARNs and policies.

use super::build::{BuildContext, build};
use super::resources::*;
use super::testkit::{build_raw, merged, ok, parse};

fn item(capacity_provider: CapacityProvider, base: u32, weight: u32) -> CapacityProviderItem {
    CapacityProviderItem {
        capacity_provider,
        base,
        weight,
    }
}

#[test]
fn built_in_defaults() {
    let (d, warnings) = ok("services:\n  api:\n    image: nginx\n");
    assert!(warnings.is_empty());
    assert_eq!(d.cluster.name, "shop-prod");
    assert_eq!(d.cluster.container_insights, InsightsMode::Disabled);
    assert_eq!(
        d.cluster.default_strategy,
        vec![item(CapacityProvider::Fargate, 0, 1)]
    );
    let s = &d.services[0];
    assert_eq!(
        (s.name.as_str(), s.family.as_str(), s.desired_count),
        ("shop-prod-api", "shop-prod-api", 1)
    );
    assert_eq!(s.platform_version, "LATEST");
    let deployment = Deployment {
        maximum_percent: 200,
        minimum_healthy_percent: 100,
        circuit_breaker_enable: true,
        circuit_breaker_rollback: true,
        alarms: Vec::new(),
        strategy: Strategy::Rolling,
        hooks: Vec::new(),
        infrastructure_role: None,
    };
    assert_eq!(s.deployment, deployment);
    let t = &d.task_definitions[0];
    assert_eq!(
        (t.size.cpu(), t.size.memory(), t.architecture),
        (256, 512, Architecture::X86_64)
    );
    assert_eq!(
        t.execution_role,
        RoleRef::Owned("shop-prod-api-exec".into())
    );
    assert_eq!(t.task_role, None);
    let c = &t.containers[0];
    assert_eq!((c.name.as_str(), c.essential), ("api", true));
    let log = LogConfiguration {
        group: "/ecs/shop-prod/api".into(),
        region: "eu-west-1".into(),
        stream_prefix: "ecs".into(),
        firelens: None,
    };
    assert_eq!(c.log_configuration, log);
    assert_eq!(d.log_groups.len(), 1);
    assert_eq!(
        (
            d.log_groups[0].name.as_str(),
            d.log_groups[0].retention_days
        ),
        ("/ecs/shop-prod/api", None)
    );
    assert_eq!(d.roles.len(), 1);
    // Only the scoped inline grants: no AWS managed policy (model/iam.rs says why).
    assert_eq!(d.roles[0].managed_policy_arns, Vec::<String>::new());
    let owned: Tags = [
        ("ecsctl:app", "shop"),
        ("ecsctl:env", "prod"),
        ("ecsctl:managed-by", "ecsctl"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into();
    assert_eq!(s.tags, owned);
    assert_eq!(d.account_id.as_deref(), Some("123456789012"));
}

#[test]
fn precedence_across_files_and_defaults() {
    let base = "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-0a1b]\n  securityGroups: [sg-0a1b]\ndefaults:\n  cpu: 256\n  memory: 512\n  env:\n    A: base\n    B: base\nservices:\n  api:\n    image: nginx\n    cpu: 1024\n    memory: 2048\n    env:\n      B: service\n  web:\n    image: nginx\n";
    let env = "defaults:\n  cpu: 512\n  memory: 4096\ncapacity: spot\nservices:\n  api:\n    env:\n      C: envfile\n    capacity: {base: 1, onDemandWeight: 0, spotWeight: 3}\n";
    let (d, _) = build_raw(&merged(base, env)).expect("valid");
    let sizes: Vec<(u32, u32)> = d
        .task_definitions
        .iter()
        .map(|t| (t.size.cpu(), t.size.memory()))
        .collect();
    assert_eq!(sizes, vec![(1024, 2048), (512, 4096)]);
    let env_vars: Vec<(&str, &str)> = d.task_definitions[0].containers[0]
        .environment
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env_vars,
        vec![("A", "base"), ("B", "service"), ("C", "envfile")]
    );
    assert_eq!(
        d.services[0].capacity,
        vec![
            item(CapacityProvider::Fargate, 1, 0),
            item(CapacityProvider::FargateSpot, 0, 3)
        ]
    );
    assert_eq!(
        d.services[1].capacity,
        vec![item(CapacityProvider::FargateSpot, 0, 1)]
    );
    assert_eq!(
        d.cluster.default_strategy,
        vec![item(CapacityProvider::FargateSpot, 0, 1)]
    );
    assert_eq!(d.account_id, None);
}

#[test]
fn disabled_services_are_left_out() {
    let (d, _) = build_raw(&merged(
        "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-0a1b]\n  securityGroups: [sg-0a1b]\nservices:\n  api:\n    image: nginx\n  worker:\n    image: nginx\n",
        "services:\n  worker:\n    enabled: false\n",
    ))
    .expect("valid");
    let keys: Vec<&str> = d.services.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, vec!["api"]);
    assert_eq!(d.task_definitions.len(), 1);
}

#[test]
fn account_placeholder_and_variables() {
    let yaml = "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-0a1b]\n  securityGroups: [sg-0a1b]\nservices:\n  api:\n    image: \"{account_id}.dkr.ecr.{region}.amazonaws.com/api:${IMAGE_TAG}\"\n    env:\n      LITERAL: \"$${HOME}\"\n      TAG: \"${IMAGE_TAG:-x}\"\n";
    let (d, _) = build_raw(&parse(yaml, 0)).expect("valid");
    let c = &d.task_definitions[0].containers[0];
    assert_eq!(
        c.image,
        "{account_id}.dkr.ecr.eu-west-1.amazonaws.com/api:1.2.3"
    );
    assert_eq!(c.environment["LITERAL"], "${HOME}");
    assert_eq!(c.environment["TAG"], "1.2.3");
    let vars = |_: &str| None;
    let ctx = BuildContext {
        env: "dev",
        account_id: Some("210987654321"),
        partition: None,
        vars: &vars,
    };
    let raw = parse(&yaml.replace("${IMAGE_TAG}", "1"), 0);
    let (d, _) = build(&raw, &ctx).expect("valid");
    assert_eq!(
        d.task_definitions[0].containers[0].image,
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com/api:1"
    );
    assert_eq!(d.cluster.name, "shop-dev");
}

#[test]
fn secrets_and_execution_policy() {
    let (d, _) = ok(
        "services:\n  api:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1\n    secrets:\n      FULL: \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::\"\n      BYNAME: {secretsManager: api/keys, key: stripe}\n      PARAM: {ssm: /shop/flag}\n",
    );
    let c = &d.task_definitions[0].containers[0];
    assert_eq!(
        c.secrets["FULL"],
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"
    );
    assert_eq!(
        c.secrets["BYNAME"],
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/keys:stripe::"
    );
    assert_eq!(
        c.secrets["PARAM"],
        "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flag"
    );
    let policy = d.roles[0].inline_policy.as_ref().expect("inline policy");
    let got: Vec<(&str, Vec<&str>, Vec<&str>)> = policy
        .statement
        .iter()
        .map(|s| {
            (
                s.sid.as_deref().unwrap_or(""),
                s.action.iter().map(String::as_str).collect(),
                s.resource.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("EcrAuth", vec!["ecr:GetAuthorizationToken"], vec!["*"]),
            (
                "EcrPull",
                vec![
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"
                ],
                vec!["arn:aws:ecr:eu-west-1:123456789012:repository/api"]
            ),
            (
                "Logs",
                vec!["logs:CreateLogStream", "logs:PutLogEvents"],
                vec!["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/api:*"]
            ),
            (
                "Secrets",
                vec!["secretsmanager:GetSecretValue"],
                vec![
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/keys-??????",
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                    // whether `-AbCdEf` is AWS's suffix or part of the name cannot be told
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf-??????"
                ]
            ),
            (
                "Parameters",
                vec!["ssm:GetParameters"],
                vec!["arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flag"]
            ),
        ]
    );
}

#[test]
fn task_role_only_when_asked() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    taskRole:\n      statements:\n        - actions: [s3:GetObject]\n          resources: [\"arn:aws:s3:::shop-{env}/*\"]\n  web:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/existing\n",
    );
    assert_eq!(
        d.task_definitions[0].task_role,
        Some(RoleRef::Owned("shop-prod-api-task".into()))
    );
    assert_eq!(
        d.task_definitions[1].task_role,
        Some(RoleRef::External(
            "arn:aws:iam::123456789012:role/existing".into()
        ))
    );
    let names: Vec<&str> = d.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "shop-prod-api-exec",
            "shop-prod-api-task",
            "shop-prod-web-exec"
        ]
    );
    let task = &d.roles[1].inline_policy.as_ref().expect("policy").statement[0];
    assert_eq!(
        (task.effect.as_str(), task.resource.clone()),
        ("Allow", vec!["arn:aws:s3:::shop-prod/*".to_string()])
    );
}
