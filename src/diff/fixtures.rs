//! Test fixtures: one small environment (`ohi`/`prod`, one service `api` with autoscaling and
//! service discovery) and the live state AWS returns after creating exactly it, shaped like the
//! AWS API reference's responses (hostPort and protocol filled in, env vars reordered, AWS's
//! defaults present, full ARNs).

use std::collections::BTreeMap;

use serde_json::json;

use crate::live::*;
use crate::model::fargate::FargateSize;
use crate::model::policy::{PolicyDocument, Statement};
use crate::model::*;
use crate::plan::ResourceChange;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "eu-west-1";
const EXEC_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const LOG_ARN: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ohi-prod/api";
const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ohi/db-AbCdEf";
const TG: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef";

pub fn find(changes: &[ResourceChange], address: &str) -> ResourceChange {
    changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .cloned()
        .unwrap_or_else(|| panic!("no change for {address}"))
}

pub fn tags() -> Tags {
    let mut t = Tags::new();
    t.insert(TAG_MANAGED_BY.into(), MANAGED_BY_VALUE.into());
    t.insert(TAG_APP.into(), "ohi".into());
    t.insert(TAG_ENV.into(), "prod".into());
    t.insert("team".into(), "platform".into());
    t
}

fn spot_mix() -> Vec<CapacityProviderItem> {
    vec![
        CapacityProviderItem {
            capacity_provider: CapacityProvider::Fargate,
            base: 1,
            weight: 1,
        },
        CapacityProviderItem {
            capacity_provider: CapacityProvider::FargateSpot,
            base: 0,
            weight: 3,
        },
    ]
}

pub fn desired() -> Desired {
    let inline = PolicyDocument::new(vec![
        Statement::allow(&["secretsmanager:GetSecretValue"], vec![SECRET.into()]),
        Statement::allow(
            &["logs:PutLogEvents", "logs:CreateLogStream"],
            vec![format!("{LOG_ARN}:*")],
        ),
    ]);
    let container = ContainerDefinition {
        name: "api".into(),
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:1.4.2".into(),
        essential: true,
        command: None,
        entry_point: None,
        working_directory: None,
        user: None,
        port_mappings: vec![PortMapping {
            container_port: 8000,
            protocol: Protocol::Tcp,
            name: Some("http".into()),
            app_protocol: Some(AppProtocol::Http),
        }],
        environment: BTreeMap::from([
            ("LOG_LEVEL".into(), "info".into()),
            ("PORT".into(), "8000".into()),
            ("ENV".into(), "prod".into()),
        ]),
        sensitive: Default::default(),
        secrets: BTreeMap::from([("DATABASE_URL".into(), SECRET.into())]),
        health_check: Some(HealthCheck {
            command: vec![
                "CMD-SHELL".into(),
                "curl -f http://localhost:8000/health || exit 1".into(),
            ],
            interval: 30,
            timeout: 5,
            retries: 3,
            start_period: Some(10),
        }),
        stop_timeout: None,
        start_timeout: None,
        linux_parameters: None,
        system_controls: BTreeMap::new(),
        repository_credentials: None,
        environment_files: Default::default(),
        firelens_configuration: None,
        ulimits: vec![],
        docker_labels: BTreeMap::new(),
        depends_on: vec![],
        mount_points: vec![],
        readonly_root_filesystem: None,
        cpu: None,
        memory: None,
        memory_reservation: None,
        log_configuration: LogConfiguration {
            group: "/ecs/ohi-prod/api".into(),
            region: REGION.into(),
            stream_prefix: "ecs".into(),
            firelens: None,
        },
    };
    Desired {
        app: "ohi".into(),
        env: "prod".into(),
        region: REGION.into(),
        partition: Default::default(),
        account_id: Some(ACCOUNT.into()),
        protected: false,
        cluster: Cluster {
            name: "ohi-prod".into(),
            container_insights: InsightsMode::Enabled,
            capacity_providers: vec![CapacityProvider::Fargate, CapacityProvider::FargateSpot],
            default_strategy: spot_mix(),
            tags: tags(),
        },
        roles: vec![Role {
            name: "ohi-prod-api-exec".into(),
            purpose: RolePurpose::Execution,
            trusted_service: "ecs-tasks.amazonaws.com".into(),
            managed_policy_arns: vec![EXEC_POLICY.into()],
            inline_policy: Some(inline),
            tags: tags(),
        }],
        log_groups: vec![LogGroup {
            name: "/ecs/ohi-prod/api".into(),
            retention_days: Some(30),
            kms_key_id: None,
            tags: tags(),
            retain: true,
        }],
        namespace: Some(Namespace {
            name: "ohi-prod.local".into(),
            vpc: "vpc-0abc".into(),
            description: None,
            tags: tags(),
        }),
        discovery_services: vec![DiscoveryService {
            name: "api".into(),
            namespace: "ohi-prod.local".into(),
            service: "api".into(),
            records: vec![DnsRecord {
                kind: DnsRecordType::A,
                ttl: 60,
            }],
            routing: RoutingPolicy::Multivalue,
            tags: tags(),
        }],
        task_definitions: vec![TaskDefinition {
            family: "ohi-prod-api".into(),
            size: FargateSize::new(512, 1024).unwrap(),
            architecture: Architecture::X86_64,
            execution_role: RoleRef::Owned("ohi-prod-api-exec".into()),
            task_role: None,
            containers: vec![container],
            volumes: vec![],
            ephemeral_storage_gib: None,
            tags: tags(),
        }],
        services: vec![Service {
            key: "api".into(),
            name: "ohi-prod-api".into(),
            cluster: "ohi-prod".into(),
            family: "ohi-prod-api".into(),
            desired_count: 2,
            autoscaling: Some(CountRange { min: 2, max: 6 }),
            capacity: spot_mix(),
            network: Network {
                subnets: vec!["subnet-b".into(), "subnet-a".into()],
                security_groups: vec!["sg-1".into()],
                assign_public_ip: false,
            },
            load_balancers: vec![LoadBalancer {
                target_group_arn: TG.into(),
                container_name: "api".into(),
                container_port: 8000,
                traffic: None,
            }],
            health_check_grace_period: Some(60),
            deployment: Deployment {
                maximum_percent: 200,
                minimum_healthy_percent: 100,
                circuit_breaker_enable: true,
                circuit_breaker_rollback: true,
                alarms: Vec::new(),
                strategy: Strategy::Rolling,
                hooks: Vec::new(),
                infrastructure_role: None,
            },
            discovery: Some(ServiceRegistry {
                discovery_service: "api".into(),
                container_name: None,
                container_port: None,
            }),
            platform_version: "LATEST".into(),
            enable_execute_command: false,
            propagate_tags: "SERVICE".into(),
            ebs_volume: None,
            service_connect: None,
            tags: tags(),
        }],
        scaling_targets: vec![ScalingTarget {
            service: "api".into(),
            resource_id: "service/ohi-prod/ohi-prod-api".into(),
            min: 2,
            max: 6,
            policies: vec![ScalingPolicy {
                name: "ohi-prod-api-cpu".into(),
                metric: ScalingMetric::Cpu,
                rule: PolicyRule::TargetTracking {
                    target_value: 60.0,
                    scale_in_cooldown: 300,
                    scale_out_cooldown: 60,
                },
            }],
            schedules: vec![],
        }],
        scheduled_tasks: vec![],
        target: None,
        image_notes: Vec::new(),
        before_deploy: Vec::new(),
        written: Default::default(),
        keep_revisions: crate::model::revisions::DEFAULT_KEEP,
    }
}

fn live_strategy() -> Vec<LiveCapacityProviderItem> {
    vec![
        LiveCapacityProviderItem {
            capacity_provider: "FARGATE_SPOT".into(),
            base: 0,
            weight: 3,
        },
        LiveCapacityProviderItem {
            capacity_provider: "FARGATE".into(),
            base: 1,
            weight: 1,
        },
    ]
}

pub const TD_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ohi-prod-api:3";

/// What DescribeTaskDefinition returns for the desired definition, registered as revision 3.
pub fn live_task_definition() -> LiveTaskDefinition {
    let kv = |k: &str, v: &str| LiveKeyValue {
        name: Some(k.into()),
        value: Some(v.into()),
    };
    LiveTaskDefinition {
        arn: TD_ARN.into(),
        family: "ohi-prod-api".into(),
        revision: 3,
        status: Some("ACTIVE".into()),
        cpu: Some("512".into()),
        memory: Some("1024".into()),
        network_mode: Some("awsvpc".into()),
        requires_compatibilities: vec!["FARGATE".into()],
        runtime_platform: Some(LiveRuntimePlatform {
            cpu_architecture: Some("X86_64".into()),
            operating_system_family: Some("LINUX".into()),
        }),
        execution_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/ohi-prod-api-exec")),
        task_role_arn: None,
        containers: vec![LiveContainerDefinition {
            name: "api".into(),
            image: Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:1.4.2".into()),
            essential: Some(true),
            command: None,
            entry_point: None,
            working_directory: None,
            user: None,
            port_mappings: vec![LivePortMapping {
                container_port: Some(8000),
                host_port: Some(8000),
                protocol: Some("tcp".into()),
                name: Some("http".into()),
                app_protocol: Some("http".into()),
            }],
            environment: vec![
                kv("PORT", "8000"),
                kv("ENV", "prod"),
                kv("LOG_LEVEL", "info"),
            ],
            secrets: vec![LiveSecret {
                name: "DATABASE_URL".into(),
                value_from: SECRET.into(),
            }],
            health_check: Some(LiveHealthCheck {
                command: vec![
                    "CMD-SHELL".into(),
                    "curl -f http://localhost:8000/health || exit 1".into(),
                ],
                interval: Some(30),
                timeout: Some(5),
                retries: Some(3),
                start_period: Some(10),
            }),
            stop_timeout: None,
            start_timeout: None,
            linux_parameters: None,
            system_controls: vec![],
            repository_credentials: None,
            environment_files: Default::default(),
            ulimits: vec![],
            docker_labels: BTreeMap::new(),
            depends_on: vec![],
            mount_points: vec![],
            readonly_root_filesystem: None,
            cpu: 0,
            memory: None,
            memory_reservation: None,
            log_configuration: Some(LiveLogConfiguration {
                log_driver: "awslogs".into(),
                options: BTreeMap::from([
                    ("awslogs-stream-prefix".into(), "ecs".into()),
                    ("awslogs-group".into(), "/ecs/ohi-prod/api".into()),
                    ("awslogs-region".into(), REGION.into()),
                ]),
                secret_options: Default::default(),
            }),
            firelens_configuration: None,
        }],
        volumes: vec![],
        ephemeral_storage_gib: None,
        tags: tags(),
    }
}

/// The live state right after creating exactly `desired()` in real AWS.
/// api publishing port 8080 as `api.ohi-prod.local:8080`, its proxy logging beside it.
pub fn service_connect() -> crate::model::ServiceConnect {
    crate::model::ServiceConnect {
        namespace: "ohi-prod.local".into(),
        endpoint: Some(crate::model::ServiceConnectEndpoint {
            port_name: "api".into(),
            discovery_name: "api".into(),
            dns_name: "api.ohi-prod.local".into(),
            port: 8080,
        }),
        logs: crate::model::LogConfiguration {
            group: "/ecs/ohi-prod/api".into(),
            region: "eu-west-1".into(),
            stream_prefix: "service-connect".into(),
            firelens: None,
        },
    }
}

/// A settled deployment of one task, with `status` (`PRIMARY`, `ACTIVE`), and no volume or
/// Service Connect configuration.
pub fn deployment(status: &str) -> crate::live::LiveDeployment {
    crate::live::LiveDeployment {
        id: None,
        status: Some(status.into()),
        task_definition: None,
        desired_count: 1,
        running_count: 1,
        pending_count: 0,
        failed_tasks: 0,
        rollout_state: None,
        rollout_state_reason: None,
        volumes: Vec::new(),
        service_connect: None,
    }
}

pub fn converged() -> Live {
    let exec_doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": SECRET},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": [format!("{LOG_ARN}:*")]},
    ]});
    let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    Live {
        account_id: ACCOUNT.into(),
        region: REGION.into(),
        cluster: Some(LiveCluster {
            name: "ohi-prod".into(),
            arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/ohi-prod"),
            status: "ACTIVE".into(),
            settings: vec![LiveSetting { name: "containerInsights".into(), value: Some("enabled".into()) }],
            capacity_providers: vec!["FARGATE".into(), "FARGATE_SPOT".into()],
            default_strategy: live_strategy(),
            tags: tags(),
        }),
        roles: vec![LiveRole {
            name: "ohi-prod-api-exec".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/ohi-prod-api-exec"),
            path: "/".into(),
            description: None,
            max_session_duration: Some(3600),
            trust_policy: Some(json!(trust)),
            inline_policies: BTreeMap::from([("ecsctl".into(), exec_doc)]),
            managed_policy_arns: vec![EXEC_POLICY.into()],
            tags: tags(),
        }],
        log_groups: vec![LiveLogGroup {
            name: "/ecs/ohi-prod/api".into(),
            arn: Some(LOG_ARN.into()),
            retention_days: Some(30),
            kms_key_id: None,
            log_group_class: Some("STANDARD".into()),
            tags: tags(),
        }],
        namespace: Some(LiveNamespace {
            id: "ns-abc".into(),
            arn: format!("arn:aws:servicediscovery:{REGION}:{ACCOUNT}:namespace/ns-abc"),
            name: "ohi-prod.local".into(),
            kind: Some("DNS_PRIVATE".into()),
            description: None,
            hosted_zone_id: Some("Z0123456789".into()),
            tags: tags(),
        }),
        discovery_services: vec![LiveDiscoveryService {
            id: "srv-abc".into(),
            arn: format!("arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/srv-abc"),
            name: "api".into(),
            namespace_id: Some("ns-abc".into()),
            description: None,
            dns_records: vec![LiveDnsRecord { kind: "A".into(), ttl: 60 }],
            routing_policy: Some("MULTIVALUE".into()),
            health_check_custom_config: true,
            tags: tags(),
        }],
        services: vec![LiveService {
            name: "ohi-prod-api".into(),
            arn: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/ohi-prod/ohi-prod-api"),
            cluster_arn: Some(format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/ohi-prod")),
            status: "ACTIVE".into(),
            task_definition: Some(TD_ARN.into()),
            desired_count: 4,
            running_count: 4,
            pending_count: 0,
            launch_type: None,
            capacity_provider_strategy: live_strategy(),
            platform_version: Some("LATEST".into()),
            network: Some(LiveNetwork {
                subnets: vec!["subnet-a".into(), "subnet-b".into()],
                security_groups: vec!["sg-1".into()],
                assign_public_ip: Some("DISABLED".into()),
            }),
            load_balancers: vec![LiveLoadBalancer {
                target_group_arn: Some(TG.into()),
                load_balancer_name: None,
                container_name: Some("api".into()),
                container_port: Some(8000),
                advanced: None,
            }],
            service_registries: vec![LiveServiceRegistry {
                registry_arn: Some(format!("arn:aws:servicediscovery:{REGION}:{ACCOUNT}:service/srv-abc")),
                port: None,
                container_name: None,
                container_port: None,
            }],
            health_check_grace_period_seconds: Some(60),
            deployment_configuration: Some(LiveDeploymentConfiguration {
                maximum_percent: Some(200),
                minimum_healthy_percent: Some(100),
                circuit_breaker: Some(LiveCircuitBreaker { enable: true, rollback: true }),
                alarms: None,
                ..Default::default()
            }),
            enable_execute_command: false,
            enable_ecs_managed_tags: false,
            propagate_tags: Some("SERVICE".into()),
            scheduling_strategy: Some("REPLICA".into()),
            deployments: vec![],
            tags: tags(),
        }],
        inactive_services: vec![],
        task_definitions: vec![live_task_definition()],
        families: vec![LiveFamily { family: "ohi-prod-api".into(), newest_owned_arn: Some(TD_ARN.into()) }],
        scaling_targets: vec![LiveScalingTarget {
            resource_id: "service/ohi-prod/ohi-prod-api".into(),
            scalable_dimension: "ecs:service:DesiredCount".into(),
            min: 2,
            max: 6,
            role_arn: None,
            policies: vec![LiveScalingPolicy {
                name: "ohi-prod-api-cpu".into(),
                arn: "arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:abc:resource/ecs/service/ohi-prod/ohi-prod-api:policyName/ohi-prod-api-cpu".into(),
                policy_type: "TargetTrackingScaling".into(),
                target_value: Some(60.0),
                predefined_metric: Some("ECSServiceAverageCPUUtilization".into()),
                resource_label: None,
                scale_in_cooldown: Some(300),
                scale_out_cooldown: Some(60),
                disable_scale_in: Some(false),
                customized: None,
                step: None,
                alarm_names: vec![],
            }],
            schedules: vec![],
        }],
        alarms: vec![],
        owned: Default::default(),
        schedule_group: None,
        schedules: vec![],
        retention: vec![],
    }
}
