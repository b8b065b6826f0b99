//! Conversions from ECS responses shaped like the AWS API reference's examples (real AWS, not
//! moto: no launchType beside a capacity provider strategy, deploymentConfiguration defaults,
//! hostPort/protocol filled in portMappings) into `Live*` types.

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, Cluster, ClusterSetting,
    ClusterSettingName, Compatibility, ContainerDefinition, CpuArchitecture, Deployment,
    DeploymentCircuitBreaker, DeploymentConfiguration, DeploymentRolloutState, EphemeralStorage,
    HealthCheck, KeyValuePair, LogConfiguration, LogDriver, NetworkConfiguration, NetworkMode,
    OsFamily, PortMapping, PropagateTags, RuntimePlatform, SchedulingStrategy, Secret, Service,
    ServiceRegistry, Tag, TaskDefinition, TaskDefinitionStatus, TransportProtocol,
};

use super::*;

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn strategy(provider: &str, base: i32, weight: i32) -> CapacityProviderStrategyItem {
    CapacityProviderStrategyItem::builder()
        .capacity_provider(provider)
        .base(base)
        .weight(weight)
        .build()
        .unwrap()
}

/// A Fargate service with a Spot mix, as real DescribeServices(include=TAGS) returns it.
fn aws_service() -> Service {
    let td = "arn:aws:ecs:eu-west-1:111122223333:task-definition/ohi-prod-api:7";
    Service::builder()
        .service_arn("arn:aws:ecs:eu-west-1:111122223333:service/ohi-prod/ohi-prod-api")
        .service_name("ohi-prod-api")
        .cluster_arn("arn:aws:ecs:eu-west-1:111122223333:cluster/ohi-prod")
        .status("ACTIVE")
        .desired_count(2)
        .running_count(2)
        .pending_count(0)
        .capacity_provider_strategy(strategy("FARGATE", 1, 1))
        .capacity_provider_strategy(strategy("FARGATE_SPOT", 0, 3))
        .platform_version("LATEST")
        .platform_family("Linux")
        .task_definition(td)
        .deployment_configuration(
            DeploymentConfiguration::builder()
                .deployment_circuit_breaker(
                    DeploymentCircuitBreaker::builder()
                        .enable(false)
                        .rollback(false)
                        .build(),
                )
                .maximum_percent(200)
                .minimum_healthy_percent(100)
                .build(),
        )
        .deployments(
            Deployment::builder()
                .id("ecs-svc/1234567890123456789")
                .status("PRIMARY")
                .task_definition(td)
                .desired_count(2)
                .pending_count(0)
                .running_count(2)
                .failed_tasks(0)
                .rollout_state(DeploymentRolloutState::Completed)
                .rollout_state_reason("ECS deployment ecs-svc/1234567890123456789 completed.")
                .build(),
        )
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .subnets("subnet-0a")
                        .subnets("subnet-0b")
                        .security_groups("sg-01")
                        .assign_public_ip(AssignPublicIp::Disabled)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .service_registries(
            ServiceRegistry::builder()
                .registry_arn("arn:aws:servicediscovery:eu-west-1:111122223333:service/srv-abc")
                .build(),
        )
        .scheduling_strategy(SchedulingStrategy::Replica)
        .propagate_tags(PropagateTags::Service)
        .enable_ecs_managed_tags(true)
        .enable_execute_command(false)
        .health_check_grace_period_seconds(0)
        .tags(tag("ecsctl:app", "ohi"))
        .tags(tag("ecsctl:env", "prod"))
        .build()
}

#[test]
fn service_with_capacity_strategy_has_no_launch_type() {
    let live = service_from_sdk(&aws_service());
    assert_eq!(live.name, "ohi-prod-api");
    assert_eq!(live.status, "ACTIVE");
    assert_eq!(live.launch_type, None);
    assert_eq!(
        live.capacity_provider_strategy,
        vec![
            LiveCapacityProviderItem {
                capacity_provider: "FARGATE".into(),
                base: 1,
                weight: 1
            },
            LiveCapacityProviderItem {
                capacity_provider: "FARGATE_SPOT".into(),
                base: 0,
                weight: 3
            },
        ]
    );
    assert_eq!(
        live.task_definition.as_deref(),
        Some("arn:aws:ecs:eu-west-1:111122223333:task-definition/ohi-prod-api:7")
    );
    assert_eq!(
        (live.desired_count, live.running_count, live.pending_count),
        (2, 2, 0)
    );
    assert_eq!(live.health_check_grace_period_seconds, Some(0));
    assert!(live.enable_ecs_managed_tags);
    assert_eq!(live.propagate_tags.as_deref(), Some("SERVICE"));
    assert_eq!(
        live.tags.get("ecsctl:env").map(String::as_str),
        Some("prod")
    );
}

#[test]
fn service_keeps_aws_defaults_unnormalised() {
    let live = service_from_sdk(&aws_service());
    assert_eq!(
        live.deployment_configuration,
        Some(LiveDeploymentConfiguration {
            maximum_percent: Some(200),
            minimum_healthy_percent: Some(100),
            circuit_breaker: Some(LiveCircuitBreaker {
                enable: false,
                rollback: false
            }),
            alarms: None,
            ..Default::default()
        })
    );
    assert_eq!(
        live.network,
        Some(LiveNetwork {
            subnets: vec!["subnet-0a".into(), "subnet-0b".into()],
            security_groups: vec!["sg-01".into()],
            assign_public_ip: Some("DISABLED".into()),
        })
    );
    assert_eq!(live.service_registries[0].port, None);
    assert_eq!(live.deployments.len(), 1);
    assert_eq!(
        live.deployments[0].rollout_state.as_deref(),
        Some("COMPLETED")
    );
    assert_eq!(live.deployments[0].status.as_deref(), Some("PRIMARY"));
}

/// What moto returns after CreateService: no strategy, no deploymentConfiguration, launchType
/// EC2, no assignPublicIp. Converted as is; the diff decides what it means.
#[test]
fn service_as_moto_creates_it_keeps_the_gaps() {
    let s = Service::builder()
        .service_name("web")
        .service_arn("arn:aws:ecs:eu-west-1:123456789012:service/dev/web")
        .status("ACTIVE")
        .launch_type(aws_sdk_ecs::types::LaunchType::Ec2)
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .subnets("subnet-1")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build();
    let live = service_from_sdk(&s);
    assert_eq!(live.launch_type.as_deref(), Some("EC2"));
    assert!(live.capacity_provider_strategy.is_empty());
    assert_eq!(live.deployment_configuration, None);
    assert_eq!(live.health_check_grace_period_seconds, None);
    assert_eq!(live.network.unwrap().assign_public_ip, None);
}

fn aws_task_definition() -> TaskDefinition {
    let container = ContainerDefinition::builder()
        .name("api")
        .image("111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2")
        .cpu(0)
        .port_mappings(
            PortMapping::builder()
                .container_port(8080)
                .host_port(8080)
                .protocol(TransportProtocol::Tcp)
                .name("http")
                .build(),
        )
        .essential(true)
        .environment(
            KeyValuePair::builder()
                .name("LOG_LEVEL")
                .value("info")
                .build(),
        )
        .environment(
            KeyValuePair::builder()
                .name("APP_ENV")
                .value("prod")
                .build(),
        )
        .secrets(
            Secret::builder()
                .name("DB_PASSWORD")
                .value_from(
                    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ohi/db-AbCdEf:password::",
                )
                .build()
                .unwrap(),
        )
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", "/ecs/ohi-prod/api")
                .options("awslogs-region", "eu-west-1")
                .options("awslogs-stream-prefix", "ecs")
                .build()
                .unwrap(),
        )
        .health_check(
            HealthCheck::builder()
                .command("CMD-SHELL")
                .command("curl -f http://localhost:8080/health || exit 1")
                .interval(30)
                .timeout(5)
                .retries(3)
                .build()
                .unwrap(),
        )
        .build();
    TaskDefinition::builder()
        .task_definition_arn("arn:aws:ecs:eu-west-1:111122223333:task-definition/ohi-prod-api:7")
        .family("ohi-prod-api")
        .revision(7)
        .status(TaskDefinitionStatus::Active)
        .container_definitions(container)
        .execution_role_arn("arn:aws:iam::111122223333:role/ohi-prod-api-exec")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .compatibilities(Compatibility::Ec2)
        .compatibilities(Compatibility::Fargate)
        .cpu("512")
        .memory("1024")
        .runtime_platform(
            RuntimePlatform::builder()
                .cpu_architecture(CpuArchitecture::Arm64)
                .operating_system_family(OsFamily::Linux)
                .build(),
        )
        .ephemeral_storage(EphemeralStorage::builder().size_in_gib(30).build())
        .registered_by("arn:aws:sts::111122223333:assumed-role/ci/session")
        .build()
}

#[test]
fn task_definition_as_aws_returns_it() {
    let tags = [("ecsctl:app".to_string(), "ohi".to_string())]
        .into_iter()
        .collect();
    let live = task_definition_from_sdk(&aws_task_definition(), tags);
    assert_eq!(live.family, "ohi-prod-api");
    assert_eq!(live.revision, 7);
    assert_eq!(live.status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        (live.cpu.as_deref(), live.memory.as_deref()),
        (Some("512"), Some("1024"))
    );
    assert_eq!(live.network_mode.as_deref(), Some("awsvpc"));
    assert_eq!(live.requires_compatibilities, vec!["FARGATE".to_string()]);
    assert_eq!(
        live.runtime_platform
            .as_ref()
            .unwrap()
            .cpu_architecture
            .as_deref(),
        Some("ARM64")
    );
    assert_eq!(live.ephemeral_storage_gib, Some(30));
    assert_eq!(live.tags.len(), 1);
    let c = &live.containers[0];
    assert_eq!(c.cpu, 0);
    assert_eq!(c.essential, Some(true));
    assert_eq!(c.command, None, "absent, not an empty list");
    assert_eq!(
        c.port_mappings,
        vec![LivePortMapping {
            container_port: Some(8080),
            host_port: Some(8080),
            protocol: Some("tcp".into()),
            name: Some("http".into()),
            app_protocol: None,
        }]
    );
    let env: Vec<_> = c
        .environment
        .iter()
        .map(|kv| kv.name.clone().unwrap())
        .collect();
    assert_eq!(env, ["LOG_LEVEL", "APP_ENV"], "order as returned");
    assert_eq!(c.secrets[0].name, "DB_PASSWORD");
    let log = c.log_configuration.as_ref().unwrap();
    assert_eq!(log.log_driver, "awslogs");
    assert_eq!(log.options["awslogs-group"], "/ecs/ohi-prod/api");
    let hc = c.health_check.as_ref().unwrap();
    assert_eq!(hc.command[0], "CMD-SHELL");
    assert_eq!((hc.interval, hc.start_period), (Some(30), None));
}

#[test]
fn cluster_with_settings_strategy_and_tags() {
    let c = Cluster::builder()
        .cluster_name("ohi-prod")
        .cluster_arn("arn:aws:ecs:eu-west-1:111122223333:cluster/ohi-prod")
        .status("ACTIVE")
        .settings(
            ClusterSetting::builder()
                .name(ClusterSettingName::ContainerInsights)
                .value("enhanced")
                .build(),
        )
        .capacity_providers("FARGATE")
        .capacity_providers("FARGATE_SPOT")
        .default_capacity_provider_strategy(strategy("FARGATE", 0, 1))
        .tags(tag("ecsctl:managed-by", "ecsctl"))
        .build();
    let live = cluster_from_sdk(&c);
    assert_eq!(
        live.settings,
        vec![LiveSetting {
            name: "containerInsights".into(),
            value: Some("enhanced".into())
        }]
    );
    assert_eq!(live.capacity_providers, ["FARGATE", "FARGATE_SPOT"]);
    assert_eq!(live.default_strategy.len(), 1);
    assert_eq!(live.tags["ecsctl:managed-by"], "ecsctl");
}

#[test]
fn family_and_revision_from_arns_and_short_forms() {
    assert_eq!(
        family_revision("arn:aws:ecs:eu-west-1:111122223333:task-definition/ohi-prod-api:12"),
        Some(("ohi-prod-api", 12))
    );
    assert_eq!(family_revision("web:2"), Some(("web", 2)));
    assert_eq!(family_revision("web"), None);
    assert_eq!(
        family_revision("arn:aws:ecs:eu-west-1:1:task-definition/web:x"),
        None
    );
}

#[test]
fn newest_revisions_whatever_the_listing_order() {
    let arn =
        |f: &str, r: u32| format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{f}:{r}");
    // sort=DESC honoured.
    let mut found = Vec::new();
    let desc = [arn("api", 12), arn("api", 11), arn("api", 3)];
    assert!(fold_newest(&mut found, &desc, "api"));
    assert_eq!(found[0], (12, arn("api", 12)));
    // A listing that ignores sort: ascending, and revision 10 sorts after 9 only numerically.
    let mut found = Vec::new();
    let asc = [
        arn("api", 2),
        arn("api", 9),
        arn("api", 10),
        arn("api-old", 40),
    ];
    assert!(!fold_newest(&mut found, &asc, "api"));
    assert_eq!(found.len(), 3, "other families never count");
    assert_eq!(found.iter().max().unwrap(), &(10, arn("api", 10)));
    // A later page with an older revision adds to what was found.
    assert!(fold_newest(&mut found, &[arn("api", 1)], "api"));
    assert_eq!(found.iter().max().unwrap().0, 10);
}

#[test]
fn missing_is_absence_but_other_failures_are_errors() {
    let failure = |reason: &str| {
        aws_sdk_ecs::types::Failure::builder()
            .arn("arn:aws:ecs:eu-west-1:111122223333:service/ohi-prod/ghost")
            .reason(reason)
            .build()
    };
    assert!(check_failures(&[failure("MISSING")], "DescribeServices", "ghost").is_ok());
    let err = check_failures(
        &[failure("MISSING"), failure("ACCESS_DENIED")],
        "DescribeServices",
        "x",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ecs:DescribeServices on `arn:aws:ecs:eu-west-1:111122223333:service/ohi-prod/ghost`: \
         ACCESS_DENIED: the item could not be described"
    );
}
