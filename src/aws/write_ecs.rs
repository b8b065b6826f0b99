//! ECS writes: clusters and their capacity providers, task definition revisions, services.
//!
//! Owns building the ECS requests from ecsctl's model types (pure, so the shape is unit
//! tested) and sending them. Must not decide what to change (apply does), never sends a
//! `launchType` to a service (the capacity provider strategy decides), and must not let SDK
//! types out of this file.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    AdvancedConfiguration, ApplicationProtocol, AssignPublicIp, AwsVpcConfiguration,
    CanaryConfiguration, CapacityProviderStrategyItem, ClusterSetting, ClusterSettingName,
    Compatibility, ContainerCondition, ContainerDefinition, ContainerDependency, CpuArchitecture,
    DeploymentCircuitBreaker, DeploymentConfiguration, DeploymentLifecycleHook,
    DeploymentLifecycleHookStage, DeploymentStrategy, EbsResourceType, EbsTagSpecification,
    EfsAuthorizationConfig, EfsAuthorizationConfigIam, EfsTransitEncryption,
    EfsVolumeConfiguration, EnvironmentFile, EnvironmentFileType, EphemeralStorage,
    FirelensConfiguration, FirelensConfigurationType, HealthCheck, KernelCapabilities,
    KeyValuePair, LinearConfiguration, LinuxParameters, LoadBalancer, LogConfiguration, LogDriver,
    MountPoint, NetworkConfiguration, NetworkMode, OsFamily, PortMapping, PropagateTags,
    RepositoryCredentials, RuntimePlatform, Secret, ServiceConnectClientAlias,
    ServiceConnectConfiguration, ServiceConnectService, ServiceManagedEbsVolumeConfiguration,
    ServiceRegistry, ServiceVolumeConfiguration, SystemControl, Tag, TaskFilesystemType,
    TransportProtocol, Ulimit, UlimitName, Volume,
};

use aws_sdk_ecs::config::retry::RetryConfig;

use super::ecs_rollout::primary_mark;
use super::write::send;
use super::{AwsClients, AwsError};
use crate::apply::wait::DeploymentMark;
use crate::model::{
    self, Architecture, CapacityProviderItem, Cluster, Network, Service, TaskDefinition,
};

/// A request could not be built from the model (a builder's required field was missing):
/// a bug in ecsctl, reported like an AWS error so apply shows which call.
fn invalid(operation: &'static str, resource: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(
        "ecs",
        operation,
        Some(resource),
        None,
        format!("invalid request: {e}"),
    )
}

fn tags(map: &BTreeMap<String, String>) -> Vec<Tag> {
    map.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn strategy(
    items: &[CapacityProviderItem],
    op: &'static str,
    res: &str,
) -> Result<Vec<CapacityProviderStrategyItem>, AwsError> {
    items
        .iter()
        .map(|i| {
            CapacityProviderStrategyItem::builder()
                .capacity_provider(i.capacity_provider.as_str())
                .base(i.base as i32)
                .weight(i.weight as i32)
                .build()
                .map_err(|e| invalid(op, res, e))
        })
        .collect()
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

// ---- clusters -------------------------------------------------------------------------------

/// CreateCluster with settings, capacity providers, default strategy and tags; returns the ARN.
/// ECS's CreateCluster is idempotent for an ACTIVE cluster of the same name.
pub async fn create_cluster(clients: &AwsClients, c: &Cluster) -> Result<String, AwsError> {
    let req = clients
        .ecs
        .create_cluster()
        .cluster_name(&c.name)
        .settings(insights(c))
        .set_capacity_providers(Some(
            c.capacity_providers
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        ))
        .set_default_capacity_provider_strategy(Some(strategy(
            &c.default_strategy,
            "CreateCluster",
            &c.name,
        )?))
        .set_tags(Some(tags(&c.tags)));
    let out = send("ecs", "CreateCluster", &c.name, req.send()).await?;
    Ok(out
        .cluster()
        .and_then(|c| c.cluster_arn())
        .unwrap_or_default()
        .to_string())
}

fn insights(c: &Cluster) -> ClusterSetting {
    ClusterSetting::builder()
        .name(ClusterSettingName::ContainerInsights)
        .value(enum_text(&c.container_insights))
        .build()
}

pub async fn update_cluster_settings(clients: &AwsClients, c: &Cluster) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .update_cluster()
        .cluster(&c.name)
        .settings(insights(c));
    send("ecs", "UpdateCluster", &c.name, req.send()).await?;
    Ok(())
}

pub async fn put_cluster_capacity_providers(
    clients: &AwsClients,
    c: &Cluster,
) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .put_cluster_capacity_providers()
        .cluster(&c.name)
        .set_capacity_providers(Some(
            c.capacity_providers
                .iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        ))
        .set_default_capacity_provider_strategy(Some(strategy(
            &c.default_strategy,
            "PutClusterCapacityProviders",
            &c.name,
        )?));
    send("ecs", "PutClusterCapacityProviders", &c.name, req.send()).await?;
    Ok(())
}

pub async fn tag_resource(
    clients: &AwsClients,
    arn: &str,
    t: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if t.is_empty() {
        return Ok(());
    }
    let req = clients
        .ecs
        .tag_resource()
        .resource_arn(arn)
        .set_tags(Some(tags(t)));
    send("ecs", "TagResource", arn, req.send()).await?;
    Ok(())
}

pub async fn untag_resource(
    clients: &AwsClients,
    arn: &str,
    keys: &[String],
) -> Result<(), AwsError> {
    if keys.is_empty() {
        return Ok(());
    }
    let req = clients
        .ecs
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(keys.to_vec()));
    send("ecs", "UntagResource", arn, req.send()).await?;
    Ok(())
}

pub async fn delete_cluster(clients: &AwsClients, name: &str) -> Result<(), AwsError> {
    let req = clients.ecs.delete_cluster().cluster(name);
    match send("ecs", "DeleteCluster", name, req.send()).await {
        Err(e) if e.is_code("ClusterNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}

// ---- task definitions -----------------------------------------------------------------------

/// RegisterTaskDefinition; returns the new revision's full ARN. Sent once, with the SDK's
/// retries off for this call: RegisterTaskDefinition has no idempotency token, so a retry after
/// a lost answer registers a duplicate revision. The caller decides what a failure means
/// (`apply::task_definition`).
pub async fn register_task_definition(
    clients: &AwsClients,
    td: &TaskDefinition,
    execution_role_arn: &str,
    task_role_arn: Option<&str>,
) -> Result<String, AwsError> {
    let op = "RegisterTaskDefinition";
    let f = &td.family;
    let containers = td
        .containers
        .iter()
        .map(|c| container(c).map_err(|e| invalid(op, f, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let volumes = td
        .volumes
        .iter()
        .map(|v| volume(v).map_err(|e| invalid(op, f, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let arch = match td.architecture {
        Architecture::X86_64 => CpuArchitecture::X8664,
        Architecture::Arm64 => CpuArchitecture::Arm64,
    };
    let ephemeral = td
        .ephemeral_storage_gib
        .map(|g| EphemeralStorage::builder().size_in_gib(g as i32).build());
    let req = clients
        .ecs
        .register_task_definition()
        .family(f)
        .cpu(td.size.cpu().to_string())
        .memory(td.size.memory().to_string())
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .runtime_platform(
            RuntimePlatform::builder()
                .cpu_architecture(arch)
                .operating_system_family(OsFamily::Linux)
                .build(),
        )
        .execution_role_arn(execution_role_arn)
        .set_task_role_arn(task_role_arn.map(str::to_string))
        .set_container_definitions(Some(containers))
        .set_volumes(Some(volumes))
        .set_ephemeral_storage(ephemeral)
        .set_tags(if td.tags.is_empty() {
            None
        } else {
            Some(tags(&td.tags))
        });
    let once =
        aws_sdk_ecs::Config::builder().retry_config(RetryConfig::standard().with_max_attempts(1));
    let out = send("ecs", op, f, req.customize().config_override(once).send()).await?;
    out.task_definition()
        .and_then(|t| t.task_definition_arn())
        .map(str::to_string)
        .ok_or_else(|| invalid(op, f, "the response carries no task definition ARN"))
}

type BuildResult<T> = Result<T, aws_smithy_types::error::operation::BuildError>;

fn container(c: &model::ContainerDefinition) -> BuildResult<ContainerDefinition> {
    let mut b = ContainerDefinition::builder()
        .name(&c.name)
        .image(&c.image)
        .essential(c.essential)
        .set_command(c.command.clone())
        .set_entry_point(c.entry_point.clone())
        .set_working_directory(c.working_directory.clone())
        .set_user(c.user.clone())
        .set_stop_timeout(c.stop_timeout.map(|v| v as i32))
        .set_readonly_root_filesystem(c.readonly_root_filesystem)
        .set_cpu(c.cpu.map(|v| v as i32))
        .set_memory(c.memory.map(|v| v as i32))
        .set_memory_reservation(c.memory_reservation.map(|v| v as i32))
        .set_start_timeout(c.start_timeout.map(|v| v as i32));
    if let Some(l) = &c.linux_parameters {
        let caps = (!l.add.is_empty() || !l.drop.is_empty()).then(|| {
            KernelCapabilities::builder()
                .set_add((!l.add.is_empty()).then(|| l.add.clone()))
                .set_drop((!l.drop.is_empty()).then(|| l.drop.clone()))
                .build()
        });
        b = b.linux_parameters(
            LinuxParameters::builder()
                .set_init_process_enabled(l.init_process_enabled)
                .set_capabilities(caps)
                .build(),
        );
    }
    for (k, v) in &c.system_controls {
        b = b.system_controls(SystemControl::builder().namespace(k).value(v).build());
    }
    for f in &c.environment_files {
        b = b.environment_files(
            EnvironmentFile::builder()
                .value(f)
                .r#type(EnvironmentFileType::S3)
                .build()?,
        );
    }
    if let Some(arn) = &c.repository_credentials {
        b = b.repository_credentials(
            RepositoryCredentials::builder()
                .credentials_parameter(arn)
                .build()?,
        );
    }
    for p in &c.port_mappings {
        b = b.port_mappings(
            PortMapping::builder()
                .container_port(p.container_port as i32)
                .protocol(TransportProtocol::from(enum_text(&p.protocol).as_str()))
                .set_name(p.name.clone())
                .set_app_protocol(
                    p.app_protocol
                        .map(|a| ApplicationProtocol::from(enum_text(&a).as_str())),
                )
                .build(),
        );
    }
    for (k, v) in &c.environment {
        b = b.environment(KeyValuePair::builder().name(k).value(v).build());
    }
    for (k, v) in &c.secrets {
        b = b.secrets(Secret::builder().name(k).value_from(v).build()?);
    }
    if let Some(h) = &c.health_check {
        b = b.health_check(
            HealthCheck::builder()
                .set_command(Some(h.command.clone()))
                .interval(h.interval as i32)
                .timeout(h.timeout as i32)
                .retries(h.retries as i32)
                .set_start_period(h.start_period.map(|v| v as i32))
                .build()?,
        );
    }
    for u in &c.ulimits {
        b = b.ulimits(
            Ulimit::builder()
                .name(UlimitName::from(u.name.as_str()))
                .soft_limit(u.soft_limit as i32)
                .hard_limit(u.hard_limit as i32)
                .build()?,
        );
    }
    if !c.docker_labels.is_empty() {
        b = b.set_docker_labels(Some(c.docker_labels.clone().into_iter().collect()));
    }
    for d in &c.depends_on {
        b = b.depends_on(
            ContainerDependency::builder()
                .container_name(&d.container_name)
                .condition(ContainerCondition::from(enum_text(&d.condition).as_str()))
                .build()?,
        );
    }
    for m in &c.mount_points {
        b = b.mount_points(
            MountPoint::builder()
                .source_volume(&m.source_volume)
                .container_path(&m.container_path)
                .read_only(m.read_only)
                .build(),
        );
    }
    let l = &c.log_configuration;
    let log = match &l.firelens {
        None => awslogs(l),
        Some(route) => {
            let mut log = LogConfiguration::builder()
                .log_driver(LogDriver::Awsfirelens)
                .set_options(Some(route.options.clone().into_iter().collect()));
            for (name, value_from) in &route.secret_options {
                log = log.secret_options(
                    Secret::builder()
                        .name(name)
                        .value_from(value_from)
                        .build()?,
                );
            }
            log
        }
    };
    b = b.log_configuration(log.build()?);
    if let Some(f) = &c.firelens_configuration {
        b = b.firelens_configuration(
            FirelensConfiguration::builder()
                .r#type(FirelensConfigurationType::from(f.kind.as_str()))
                .set_options(Some(f.options.clone().into_iter().collect()))
                .build()?,
        );
    }
    Ok(b.build())
}

fn volume(v: &model::Volume) -> BuildResult<Volume> {
    let mut b = Volume::builder().name(&v.name);
    if let Some(e) = &v.efs {
        let flag = |on: bool| {
            if on {
                EfsTransitEncryption::Enabled
            } else {
                EfsTransitEncryption::Disabled
            }
        };
        let mut efs = EfsVolumeConfiguration::builder()
            .file_system_id(&e.file_system_id)
            .root_directory(&e.root_directory)
            .transit_encryption(flag(e.transit_encryption));
        if e.access_point_id.is_some() || e.iam {
            efs = efs.authorization_config(
                EfsAuthorizationConfig::builder()
                    .set_access_point_id(e.access_point_id.clone())
                    .iam(if e.iam {
                        EfsAuthorizationConfigIam::Enabled
                    } else {
                        EfsAuthorizationConfigIam::Disabled
                    })
                    .build(),
            );
        }
        b = b.efs_volume_configuration(efs.build()?);
    }
    if v.configured_at_launch {
        b = b.configured_at_launch(true);
    }
    Ok(b.build())
}

/// The awslogs driver into the configuration's group, region and stream prefix.
fn awslogs(l: &model::LogConfiguration) -> aws_sdk_ecs::types::builders::LogConfigurationBuilder {
    LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .options("awslogs-group", &l.group)
        .options("awslogs-region", &l.region)
        .options("awslogs-stream-prefix", &l.stream_prefix)
}

/// `serviceConnectConfiguration`: the service's, or `enabled: false` when it has none (an
/// omitted configuration keeps the previous deployment's).
fn service_connect(s: &Service, op: &'static str) -> Result<ServiceConnectConfiguration, AwsError> {
    let Some(c) = &s.service_connect else {
        return Ok(ServiceConnectConfiguration::builder()
            .enabled(false)
            .build());
    };
    let logs = awslogs(&c.logs)
        .build()
        .map_err(|err| invalid(op, &s.name, err))?;
    let mut b = ServiceConnectConfiguration::builder()
        .enabled(true)
        .namespace(&c.namespace)
        .log_configuration(logs);
    if let Some(e) = &c.endpoint {
        let alias = ServiceConnectClientAlias::builder()
            .dns_name(&e.dns_name)
            .port(e.port as i32)
            .build()
            .map_err(|err| invalid(op, &s.name, err))?;
        let service = ServiceConnectService::builder()
            .port_name(&e.port_name)
            .discovery_name(&e.discovery_name)
            .client_aliases(alias)
            .build()
            .map_err(|err| invalid(op, &s.name, err))?;
        b = b.services(service);
    }
    Ok(b.build())
}

/// `volumeConfigurations`: the service's EBS volume, or none (an empty list, which is how a
/// service stops configuring one: an omitted list keeps the previous deployment's).
fn volume_configurations(
    s: &Service,
    role_arn: Option<&str>,
    op: &'static str,
) -> Result<Vec<ServiceVolumeConfiguration>, AwsError> {
    let Some(v) = &s.ebs_volume else {
        return Ok(Vec::new());
    };
    let e = &v.ebs;
    let tags = EbsTagSpecification::builder()
        .resource_type(EbsResourceType::Volume)
        .propagate_tags(PropagateTags::from(
            crate::diff::service_volume::PROPAGATE_TAGS,
        ))
        .build()
        .map_err(|err| invalid(op, &s.name, err))?;
    let managed = ServiceManagedEbsVolumeConfiguration::builder()
        .set_role_arn(role_arn.map(str::to_string))
        .encrypted(e.encrypted)
        .set_kms_key_id(e.kms_key_id.clone())
        .volume_type(&e.volume_type)
        .set_size_in_gib(e.size_gib.map(|g| g as i32))
        .set_snapshot_id(e.snapshot_id.clone())
        .set_iops(e.iops.map(|i| i as i32))
        .set_throughput(e.throughput.map(|t| t as i32))
        .filesystem_type(TaskFilesystemType::from(e.filesystem.as_str()))
        .tag_specifications(tags)
        .build()
        .map_err(|err| invalid(op, &s.name, err))?;
    let config = ServiceVolumeConfiguration::builder()
        .name(&e.name)
        .managed_ebs_volume(managed)
        .build()
        .map_err(|err| invalid(op, &s.name, err))?;
    Ok(vec![config])
}

// ---- services -------------------------------------------------------------------------------

fn network(n: &Network, op: &'static str, res: &str) -> Result<NetworkConfiguration, AwsError> {
    let vpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(n.subnets.clone()))
        // Always sent, even empty: moto 5.2.1 crashes without it (moto-fidelity §2.3).
        .set_security_groups(Some(n.security_groups.clone()))
        .assign_public_ip(if n.assign_public_ip {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .map_err(|e| invalid(op, res, e))?;
    Ok(NetworkConfiguration::builder()
        .awsvpc_configuration(vpc)
        .build())
}

/// The deployment configuration; `alarms_off` are alarms to turn off (the live service's, when
/// the spec has none). Alarms are sent only when there are some: the spec's, enabled with
/// rollback, or those being turned off, disabled, so a service that never had alarms is sent
/// none (an empty `alarmNames` is not documented as accepted).
fn deployment(
    s: &Service,
    role_arn: Option<&str>,
    alarms_off: &[String],
    hooks_off: bool,
) -> Result<DeploymentConfiguration, AwsError> {
    let d = &s.deployment;
    let breaker = DeploymentCircuitBreaker::builder()
        .enable(d.circuit_breaker_enable)
        .rollback(d.circuit_breaker_rollback)
        .build();
    let on = !d.alarms.is_empty();
    let names = if on { &d.alarms[..] } else { alarms_off };
    let alarms = match names.is_empty() {
        true => None,
        false => Some(
            aws_sdk_ecs::types::DeploymentAlarms::builder()
                .set_alarm_names(Some(names.to_vec()))
                .enable(on)
                .rollback(on)
                .build()
                .map_err(|e| invalid("CreateService/UpdateService", &s.name, e))?,
        ),
    };
    let mut out = DeploymentConfiguration::builder()
        .maximum_percent(d.maximum_percent as i32)
        .minimum_healthy_percent(d.minimum_healthy_percent as i32)
        .deployment_circuit_breaker(breaker)
        .set_alarms(alarms)
        .strategy(DeploymentStrategy::from(d.strategy.aws_name()))
        .set_bake_time_in_minutes(d.strategy.bake_time().map(|m| m as i32));
    match d.strategy {
        model::Strategy::Linear {
            step_tenths,
            step_bake_time,
            ..
        } => {
            out = out.linear_configuration(
                LinearConfiguration::builder()
                    .step_percent(model::deployment::percent(step_tenths))
                    .step_bake_time_in_minutes(step_bake_time as i32)
                    .build(),
            );
        }
        model::Strategy::Canary {
            percent_tenths,
            canary_bake_time,
            ..
        } => {
            out = out.canary_configuration(
                CanaryConfiguration::builder()
                    .canary_percent(model::deployment::percent(percent_tenths))
                    .canary_bake_time_in_minutes(canary_bake_time as i32)
                    .build(),
            );
        }
        _ => {}
    }
    if !d.strategy.is_rolling() {
        let hooks = d.hooks.iter().map(|h| {
            DeploymentLifecycleHook::builder()
                .hook_target_arn(&h.function)
                .set_role_arn(role_arn.map(str::to_string))
                .set_lifecycle_stages(Some(
                    h.stages
                        .iter()
                        .map(|s| DeploymentLifecycleHookStage::from(s.as_str()))
                        .collect(),
                ))
                .build()
        });
        out = out.set_lifecycle_hooks(Some(hooks.collect()));
    } else if hooks_off {
        // Back to rolling from a strategy with hooks: ECS keeps hooks it was given until told.
        out = out.set_lifecycle_hooks(Some(Vec::new()));
    }
    Ok(out.build())
}

/// The load balancers; with a blue/green strategy each carries its alternate target group and
/// listener rules, and the role ECS moves them with.
fn load_balancers(s: &Service, role_arn: Option<&str>) -> Vec<LoadBalancer> {
    s.load_balancers
        .iter()
        .map(|l| {
            let advanced = l.traffic.as_ref().map(|t| {
                AdvancedConfiguration::builder()
                    .alternate_target_group_arn(&t.alternate_target_group_arn)
                    .production_listener_rule(&t.production_listener_rule)
                    .set_test_listener_rule(t.test_listener_rule.clone())
                    .set_role_arn(role_arn.map(str::to_string))
                    .build()
            });
            LoadBalancer::builder()
                .target_group_arn(&l.target_group_arn)
                .container_name(&l.container_name)
                .container_port(l.container_port as i32)
                .set_advanced_configuration(advanced)
                .build()
        })
        .collect()
}

fn registries(s: &Service, registry_arn: Option<&str>) -> Vec<ServiceRegistry> {
    match (&s.discovery, registry_arn) {
        (Some(d), Some(arn)) => vec![
            ServiceRegistry::builder()
                .registry_arn(arn)
                .set_container_name(d.container_name.clone())
                .set_container_port(d.container_port.map(|p| p as i32))
                .build(),
        ],
        _ => Vec::new(),
    }
}

/// CreateService with the capacity provider strategy (never a launch type), the idempotency
/// token, tags (propagated to tasks), and everything the spec sets. Returns the deployment the
/// response names as PRIMARY, for the waiter.
pub async fn create_service(
    clients: &AwsClients,
    s: &Service,
    task_definition_arn: &str,
    registry_arn: Option<&str>,
    role_arn: Option<&str>,
    client_token: &str,
) -> Result<Option<DeploymentMark>, AwsError> {
    let op = "CreateService";
    let strategy = if s.capacity.is_empty() {
        None // the cluster's default capacity provider strategy applies
    } else {
        Some(strategy(&s.capacity, op, &s.name)?)
    };
    let req = clients
        .ecs
        .create_service()
        .cluster(&s.cluster)
        .service_name(&s.name)
        .task_definition(task_definition_arn)
        .desired_count(s.desired_count as i32)
        .set_capacity_provider_strategy(strategy)
        .platform_version(&s.platform_version)
        .network_configuration(network(&s.network, op, &s.name)?)
        .set_load_balancers(Some(load_balancers(s, role_arn)))
        .set_service_registries(Some(registries(s, registry_arn)))
        .set_health_check_grace_period_seconds(s.health_check_grace_period.map(|v| v as i32))
        .deployment_configuration(deployment(s, role_arn, &[], false)?)
        .enable_execute_command(s.enable_execute_command)
        .enable_ecs_managed_tags(true)
        .propagate_tags(PropagateTags::from(s.propagate_tags.as_str()))
        .set_volume_configurations(
            Some(volume_configurations(s, role_arn, op)?).filter(|v| !v.is_empty()),
        )
        .set_service_connect_configuration(match &s.service_connect {
            Some(_) => Some(service_connect(s, op)?),
            None => None,
        })
        .client_token(client_token)
        .set_tags(Some(tags(&s.tags)));
    let out = send("ecs", op, &s.name, req.send()).await?;
    Ok(primary_mark(out.service()))
}

/// What an UpdateService sends besides the service's identity. `None` / `false` leaves that
/// part as it is: the count under autoscaling, an unchanged task definition.
#[derive(Clone, Debug, Default)]
pub struct ServiceUpdate {
    pub task_definition: Option<String>,
    pub desired_count: Option<u32>,
    pub capacity: bool,
    pub network: bool,
    pub platform_version: bool,
    pub load_balancers: bool,
    /// Some: set the registries (with this Cloud Map service ARN, or none).
    pub registries: Option<Option<String>>,
    pub health_check_grace_period: bool,
    pub deployment: bool,
    /// With `deployment`: the live service's enabled deployment alarms when the spec has none,
    /// sent back disabled (ECS keeps alarms it was given until told otherwise).
    pub alarms_off: Vec<String>,
    /// With `deployment`: the live service has lifecycle hooks and the spec went back to
    /// rolling, so they are cleared.
    pub hooks_off: bool,
    /// The infrastructure role's ARN, sent with blue/green load balancers, hooks and EBS
    /// volumes.
    pub role_arn: Option<String>,
    /// Send the service's EBS volume configuration (an empty list when it has none any more).
    pub volumes: bool,
    /// Send the service's Service Connect configuration (disabled when it has none any more).
    pub service_connect: bool,
    pub enable_execute_command: bool,
    pub propagate_tags: bool,
    pub force_new_deployment: bool,
}

impl ServiceUpdate {
    /// Whether the update sends anything at all.
    pub fn is_empty(&self) -> bool {
        self.task_definition.is_none()
            && self.desired_count.is_none()
            && !self.capacity
            && !self.network
            && !self.platform_version
            && !self.load_balancers
            && self.registries.is_none()
            && !self.health_check_grace_period
            && !self.deployment
            && !self.enable_execute_command
            && !self.propagate_tags
            && !self.volumes
            && !self.service_connect
            && !self.force_new_deployment
    }
}

/// UpdateService; returns the deployment the response names as PRIMARY, for the waiter.
pub async fn update_service(
    clients: &AwsClients,
    s: &Service,
    u: &ServiceUpdate,
) -> Result<Option<DeploymentMark>, AwsError> {
    let op = "UpdateService";
    let mut req = clients
        .ecs
        .update_service()
        .cluster(&s.cluster)
        .service(&s.name)
        .set_task_definition(u.task_definition.clone())
        .set_desired_count(u.desired_count.map(|c| c as i32))
        .force_new_deployment(u.force_new_deployment);
    if u.capacity && !s.capacity.is_empty() {
        req = req.set_capacity_provider_strategy(Some(strategy(&s.capacity, op, &s.name)?));
    }
    if u.network {
        req = req.network_configuration(network(&s.network, op, &s.name)?);
    }
    if u.platform_version {
        req = req.platform_version(&s.platform_version);
    }
    if u.load_balancers {
        req = req.set_load_balancers(Some(load_balancers(s, u.role_arn.as_deref())));
    }
    if let Some(arn) = &u.registries {
        req = req.set_service_registries(Some(registries(s, arn.as_deref())));
    }
    if u.health_check_grace_period {
        req = req
            .set_health_check_grace_period_seconds(s.health_check_grace_period.map(|v| v as i32));
    }
    if u.deployment {
        req = req.deployment_configuration(deployment(
            s,
            u.role_arn.as_deref(),
            &u.alarms_off,
            u.hooks_off,
        )?);
    }
    if u.enable_execute_command {
        req = req.enable_execute_command(s.enable_execute_command);
    }
    if u.propagate_tags {
        // UpdateService takes it (ECS API reference, UpdateService `propagateTags`); tasks
        // started from then on carry the new choice.
        req = req.propagate_tags(PropagateTags::from(s.propagate_tags.as_str()));
    }
    if u.service_connect {
        req = req.service_connect_configuration(service_connect(s, op)?);
    }
    if u.volumes {
        req = req.set_volume_configurations(Some(volume_configurations(
            s,
            u.role_arn.as_deref(),
            op,
        )?));
    }
    let out = send("ecs", op, &s.name, req.send()).await?;
    Ok(primary_mark(out.service()))
}

/// UpdateService `serviceRegistries=[]`: the service stops registering its tasks in Cloud Map
/// (a new deployment; the old tasks' instances go as they stop).
pub async fn clear_service_registries(
    clients: &AwsClients,
    cluster: &str,
    name: &str,
) -> Result<Option<DeploymentMark>, AwsError> {
    let req = clients
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .set_service_registries(Some(Vec::new()));
    let out = send("ecs", "UpdateService", name, req.send()).await?;
    Ok(primary_mark(out.service()))
}

/// Scales to zero and deletes (`force`), so a service with tasks can go in one call.
pub async fn delete_service(
    clients: &AwsClients,
    cluster: &str,
    name: &str,
) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .delete_service()
        .cluster(cluster)
        .service(name)
        .force(true);
    match send("ecs", "DeleteService", name, req.send()).await {
        Err(e) if e.is_code("ServiceNotFoundException") => Ok(()),
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        HealthCheck as ModelHealthCheck, LogConfiguration as ModelLog, PortMapping as ModelPort,
        Protocol,
    };

    fn model_container() -> model::ContainerDefinition {
        model::ContainerDefinition {
            name: "api".into(),
            image: "nginx:1.27".into(),
            essential: true,
            command: None,
            entry_point: None,
            working_directory: None,
            user: None,
            port_mappings: vec![ModelPort {
                container_port: 8080,
                protocol: Protocol::Tcp,
                name: Some("http".into()),
                app_protocol: None,
            }],
            environment: [("LOG_LEVEL".to_string(), "info".to_string())].into(),
            sensitive: Default::default(),
            secrets: [(
                "DB".to_string(),
                "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf:pw::".to_string(),
            )]
            .into(),
            health_check: Some(ModelHealthCheck {
                command: vec!["CMD-SHELL".into(), "curl -f localhost".into()],
                interval: 30,
                timeout: 5,
                retries: 3,
                start_period: None,
            }),
            stop_timeout: None,
            start_timeout: None,
            linux_parameters: None,
            system_controls: Default::default(),
            repository_credentials: None,
            environment_files: Default::default(),
            firelens_configuration: None,
            ulimits: vec![],
            docker_labels: Default::default(),
            depends_on: vec![],
            mount_points: vec![],
            readonly_root_filesystem: None,
            cpu: None,
            memory: None,
            memory_reservation: None,
            log_configuration: ModelLog {
                group: "/ecs/ohi-dev/api".into(),
                region: "eu-west-1".into(),
                stream_prefix: "ecs".into(),
                firelens: None,
            },
        }
    }

    /// The request shape: what RegisterTaskDefinition receives for one container.
    #[test]
    fn container_definition_carries_every_field_the_model_sets() {
        let c = container(&model_container()).unwrap();
        assert_eq!(c.name(), Some("api"));
        assert_eq!(c.essential(), Some(true));
        let p = &c.port_mappings()[0];
        assert_eq!((p.container_port(), p.name()), (Some(8080), Some("http")));
        assert_eq!(p.protocol(), Some(&TransportProtocol::Tcp));
        assert_eq!(c.environment()[0].name(), Some("LOG_LEVEL"));
        assert_eq!(
            c.secrets()[0].value_from(),
            "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf:pw::"
        );
        let h = c.health_check().unwrap();
        assert_eq!(
            (h.interval(), h.timeout(), h.retries(), h.start_period()),
            (Some(30), Some(5), Some(3), None)
        );
        let l = c.log_configuration().unwrap();
        assert_eq!(l.log_driver(), &LogDriver::Awslogs);
        assert_eq!(l.options().unwrap()["awslogs-group"], "/ecs/ohi-dev/api");
        assert_eq!(l.options().unwrap()["awslogs-stream-prefix"], "ecs");
        // Unset optional fields stay unset (not zero), so ECS applies its own defaults.
        assert_eq!((c.cpu(), c.memory(), c.stop_timeout()), (0, None, None));
    }

    #[test]
    fn network_always_sends_security_groups_and_the_public_ip_flag() {
        let n = network(
            &Network {
                subnets: vec!["subnet-1".into()],
                security_groups: vec![],
                assign_public_ip: false,
            },
            "CreateService",
            "x",
        )
        .unwrap();
        let v = n.awsvpc_configuration().unwrap();
        assert_eq!(v.subnets(), ["subnet-1"]);
        assert_eq!(v.security_groups(), Vec::<String>::new().as_slice());
        assert_eq!(v.assign_public_ip(), Some(&AssignPublicIp::Disabled));
    }
}
