//! ECS: clusters, services and task definitions, read with the fewest calls.
//!
//! Owns the ECS calls and the pure conversions from ECS SDK types to `Live*` types. Must not
//! normalise (the diff does) nor let SDK types out of this file.

use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, Cluster, ClusterField, ContainerDefinition, Deployment, Service,
    ServiceField, SortOrder, TaskDefinition, TaskDefinitionField, TaskDefinitionStatus,
};
use futures::future::try_join_all;

use super::{AwsClients, AwsError};
use crate::live::{
    LiveAdvancedConfiguration, LiveCapacityProviderItem, LiveCircuitBreaker, LiveCluster,
    LiveContainerDefinition, LiveContainerDependency, LiveDeployment, LiveDeploymentConfiguration,
    LiveEbsVolume, LiveEfsVolume, LiveHealthCheck, LiveKeyValue, LiveLifecycleHook,
    LiveLinuxParameters, LiveLoadBalancer, LiveLogConfiguration, LiveMountPoint, LiveNetwork,
    LivePortMapping, LiveRuntimePlatform, LiveSecret, LiveService, LiveServiceConnect,
    LiveServiceConnectService, LiveServiceRegistry, LiveSetting, LiveTags, LiveTaskDefinition,
    LiveUlimit, LiveVolume,
};

/// DescribeServices takes at most 10 names per call (moto accepts more; AWS does not).
const DESCRIBE_SERVICES_MAX: usize = 10;

/// The cluster, if it exists and is not INACTIVE (deleted clusters stay describable).
pub async fn describe_cluster(
    clients: &AwsClients,
    name: &str,
) -> Result<Option<LiveCluster>, AwsError> {
    let out = clients
        .ecs
        .describe_clusters()
        .clusters(name)
        .include(ClusterField::Settings)
        .include(ClusterField::Tags)
        .include(ClusterField::Configurations)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "DescribeClusters", Some(name), e))?;
    check_failures(out.failures(), "DescribeClusters", name)?;
    Ok(out
        .clusters()
        .iter()
        .filter(|c| c.cluster_name() == Some(name) && c.status() != Some("INACTIVE"))
        .map(cluster_from_sdk)
        .next())
}

/// Services read by name, split by status. Names ECS reports MISSING are simply absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServicesRead {
    /// ACTIVE services.
    pub services: Vec<LiveService>,
    /// Names described as INACTIVE (deleted).
    pub inactive: Vec<String>,
    /// Names described as DRAINING: deleted, still going away. The name is not reusable until
    /// the service is INACTIVE (apply's create waits for that), and nothing may update or
    /// delete it again, so the plan counts it as absent like an INACTIVE one.
    pub draining: Vec<String>,
}

/// DescribeServices in chunks of 10, concurrently, with tags.
pub async fn describe_services(
    clients: &AwsClients,
    cluster: &str,
    names: &[String],
) -> Result<ServicesRead, AwsError> {
    let calls = names.chunks(DESCRIBE_SERVICES_MAX).map(|chunk| async move {
        let out = clients
            .ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(|e| {
                let resource = if chunk.len() == 1 {
                    chunk[0].clone()
                } else {
                    chunk.join(", ")
                };
                AwsError::from_sdk("ecs", "DescribeServices", Some(&resource), e)
            })?;
        check_failures(out.failures(), "DescribeServices", &chunk.join(", "))?;
        Ok::<_, AwsError>(out.services().to_vec())
    });
    let mut read = ServicesRead::default();
    let described = match try_join_all(calls).await {
        Ok(d) => d,
        // No cluster, no services: AWS (and moto) answer ClusterNotFoundException, not MISSING.
        Err(e) if e.is_code("ClusterNotFoundException") => return Ok(read),
        Err(e) => return Err(e),
    };
    for service in described.into_iter().flatten() {
        // Exact names only: ECS also answers to ARNs, and never trust a filter blindly.
        let Some(name) = service.service_name() else {
            continue;
        };
        if !names.iter().any(|n| n == name) {
            continue;
        }
        if service.status() == Some("INACTIVE") {
            read.inactive.push(name.to_string());
        } else if service.status() == Some("DRAINING") {
            read.draining.push(name.to_string());
        } else {
            read.services.push(service_from_sdk(&service));
        }
    }
    Ok(read)
}

/// One task definition revision (by ARN or `family:revision`), with tags. None if ECS cannot
/// describe it (`ClientException: Unable to describe task definition.`).
pub async fn describe_task_definition(
    clients: &AwsClients,
    arn: &str,
) -> Result<Option<LiveTaskDefinition>, AwsError> {
    let res = clients
        .ecs
        .describe_task_definition()
        .task_definition(arn)
        .include(TaskDefinitionField::Tags)
        .send()
        .await;
    match res {
        Ok(out) => {
            let tags = tags_from_sdk(out.tags());
            Ok(out
                .task_definition()
                .map(|td| task_definition_from_sdk(td, tags)))
        }
        Err(e) => {
            let err = AwsError::from_sdk("ecs", "DescribeTaskDefinition", Some(arn), e);
            if err.is_code("ClientException") && err.message.contains("Unable to describe") {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// ListTaskDefinitions over the family's ACTIVE revisions, asked newest first (AWS answers 100
/// a page); nothing is sent until the caller polls `.send()`'s stream.
pub(crate) fn active_revisions_newest_first(
    clients: &AwsClients,
    family: &str,
) -> aws_sdk_ecs::operation::list_task_definitions::paginator::ListTaskDefinitionsPaginator {
    clients
        .ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .sort(SortOrder::Desc)
        .into_paginator()
}

/// The family's newest ACTIVE revisions, newest first, at most `n`. Asks for descending order,
/// so one page suffices on AWS; the order is checked rather than trusted, and paging goes on
/// while a page does not come back descending.
pub async fn newest_active_task_definition_arns(
    clients: &AwsClients,
    family: &str,
    n: usize,
) -> Result<Vec<String>, AwsError> {
    let mut pages = active_revisions_newest_first(clients, family).send();
    let mut found: Vec<(i32, String)> = Vec::new();
    // Dropping the stream early sends no further request.
    while let Some(out) = pages
        .try_next()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ListTaskDefinitions", Some(family), e))?
    {
        let descending = fold_newest(&mut found, out.task_definition_arns(), family);
        if descending && found.len() >= n {
            break;
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    Ok(found.into_iter().take(n).map(|(_, arn)| arn).collect())
}

/// Folds one ListTaskDefinitions page into `found` (`(revision, arn)`), ignoring other
/// families' ARNs (`familyPrefix` is a prefix). Returns whether the page was in descending
/// order (then, once enough were found, later pages can only hold older revisions).
pub(crate) fn fold_newest(found: &mut Vec<(i32, String)>, page: &[String], family: &str) -> bool {
    let revisions: Vec<(i32, String)> = page
        .iter()
        .filter_map(|arn| {
            let (f, rev) = family_revision(arn)?;
            (f == family).then(|| (rev, arn.clone()))
        })
        .collect();
    let descending = revisions.windows(2).all(|w| w[0].0 >= w[1].0);
    found.extend(revisions);
    descending
}

/// Describe calls report per-item failures in the response body. MISSING means absent; any
/// other reason (e.g. an ARN in another region) must not pass for "absent" in a plan.
pub(crate) fn check_failures(
    failures: &[aws_sdk_ecs::types::Failure],
    operation: &'static str,
    resource: &str,
) -> Result<(), AwsError> {
    match failures.iter().find(|f| f.reason() != Some("MISSING")) {
        None => Ok(()),
        Some(f) => Err(AwsError::new(
            "ecs",
            operation,
            Some(f.arn().unwrap_or(resource)),
            f.reason(),
            f.detail().unwrap_or("the item could not be described"),
        )),
    }
}

/// `(family, revision)` from `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REV` (or from
/// `FAMILY:REV`, which moto may store verbatim).
pub fn family_revision(arn: &str) -> Option<(&str, i32)> {
    let tail = arn.rsplit_once(":task-definition/").map_or(arn, |(_, t)| t);
    let (family, rev) = tail.rsplit_once(':')?;
    Some((family, rev.parse().ok()?))
}

// Pure conversions: SDK type → Live type.

pub(crate) fn tags_from_sdk(tags: &[aws_sdk_ecs::types::Tag]) -> LiveTags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn strategy_from_sdk(items: &[CapacityProviderStrategyItem]) -> Vec<LiveCapacityProviderItem> {
    items
        .iter()
        .map(|i| LiveCapacityProviderItem {
            capacity_provider: i.capacity_provider().to_string(),
            base: i.base(),
            weight: i.weight(),
        })
        .collect()
}

pub(crate) fn cluster_from_sdk(c: &Cluster) -> LiveCluster {
    LiveCluster {
        name: c.cluster_name().unwrap_or_default().to_string(),
        arn: c.cluster_arn().unwrap_or_default().to_string(),
        status: c.status().unwrap_or_default().to_string(),
        settings: c
            .settings()
            .iter()
            .map(|s| LiveSetting {
                name: s.name().map(|n| n.as_str().to_string()).unwrap_or_default(),
                value: s.value().map(str::to_string),
            })
            .collect(),
        capacity_providers: c.capacity_providers().to_vec(),
        default_strategy: strategy_from_sdk(c.default_capacity_provider_strategy()),
        tags: tags_from_sdk(c.tags()),
    }
}

pub(crate) fn service_from_sdk(s: &Service) -> LiveService {
    let network = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|v| LiveNetwork {
            subnets: v.subnets().to_vec(),
            security_groups: v.security_groups().to_vec(),
            assign_public_ip: v.assign_public_ip().map(|a| a.as_str().to_string()),
        });
    LiveService {
        name: s.service_name().unwrap_or_default().to_string(),
        arn: s.service_arn().unwrap_or_default().to_string(),
        cluster_arn: s.cluster_arn().map(str::to_string),
        status: s.status().unwrap_or_default().to_string(),
        task_definition: s.task_definition().map(str::to_string),
        desired_count: s.desired_count(),
        running_count: s.running_count(),
        pending_count: s.pending_count(),
        launch_type: s.launch_type().map(|l| l.as_str().to_string()),
        capacity_provider_strategy: strategy_from_sdk(s.capacity_provider_strategy()),
        platform_version: s.platform_version().map(str::to_string),
        network,
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|l| LiveLoadBalancer {
                target_group_arn: l.target_group_arn().map(str::to_string),
                load_balancer_name: l.load_balancer_name().map(str::to_string),
                container_name: l.container_name().map(str::to_string),
                container_port: l.container_port(),
                advanced: l
                    .advanced_configuration()
                    .map(|a| LiveAdvancedConfiguration {
                        alternate_target_group_arn: a
                            .alternate_target_group_arn()
                            .map(str::to_string),
                        production_listener_rule: a.production_listener_rule().map(str::to_string),
                        test_listener_rule: a.test_listener_rule().map(str::to_string),
                        role_arn: a.role_arn().map(str::to_string),
                    }),
            })
            .collect(),
        service_registries: s
            .service_registries()
            .iter()
            .map(|r| LiveServiceRegistry {
                registry_arn: r.registry_arn().map(str::to_string),
                port: r.port(),
                container_name: r.container_name().map(str::to_string),
                container_port: r.container_port(),
            })
            .collect(),
        health_check_grace_period_seconds: s.health_check_grace_period_seconds(),
        deployment_configuration: s.deployment_configuration().map(|d| {
            LiveDeploymentConfiguration {
                maximum_percent: d.maximum_percent(),
                minimum_healthy_percent: d.minimum_healthy_percent(),
                circuit_breaker: d.deployment_circuit_breaker().map(|c| LiveCircuitBreaker {
                    enable: c.enable(),
                    rollback: c.rollback(),
                }),
                alarms: d.alarms().map(|a| crate::live::LiveDeploymentAlarms {
                    names: a.alarm_names().to_vec(),
                    enable: a.enable(),
                    rollback: a.rollback(),
                }),
                strategy: d.strategy().map(|s| s.as_str().to_string()),
                bake_time_in_minutes: d.bake_time_in_minutes(),
                linear: d
                    .linear_configuration()
                    .map(|l| (l.step_percent(), l.step_bake_time_in_minutes())),
                canary: d
                    .canary_configuration()
                    .map(|c| (c.canary_percent(), c.canary_bake_time_in_minutes())),
                lifecycle_hooks: d
                    .lifecycle_hooks()
                    .iter()
                    .map(|h| LiveLifecycleHook {
                        hook_target_arn: h.hook_target_arn().map(str::to_string),
                        role_arn: h.role_arn().map(str::to_string),
                        lifecycle_stages: h
                            .lifecycle_stages()
                            .iter()
                            .map(|s| s.as_str().to_string())
                            .collect(),
                    })
                    .collect(),
            }
        }),
        enable_execute_command: s.enable_execute_command(),
        enable_ecs_managed_tags: s.enable_ecs_managed_tags(),
        propagate_tags: s.propagate_tags().map(|p| p.as_str().to_string()),
        scheduling_strategy: s.scheduling_strategy().map(|p| p.as_str().to_string()),
        deployments: s.deployments().iter().map(deployment_from_sdk).collect(),
        tags: tags_from_sdk(s.tags()),
    }
}

fn deployment_from_sdk(d: &Deployment) -> LiveDeployment {
    LiveDeployment {
        id: d.id().map(str::to_string),
        status: d.status().map(str::to_string),
        task_definition: d.task_definition().map(str::to_string),
        desired_count: d.desired_count(),
        running_count: d.running_count(),
        pending_count: d.pending_count(),
        failed_tasks: d.failed_tasks(),
        rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
        rollout_state_reason: d.rollout_state_reason().map(str::to_string),
        volumes: d
            .volume_configurations()
            .iter()
            .filter_map(|v| {
                let m = v.managed_ebs_volume()?;
                Some(LiveEbsVolume {
                    name: v.name().to_string(),
                    size_in_gib: m.size_in_gib(),
                    volume_type: m.volume_type().map(str::to_string),
                    iops: m.iops(),
                    throughput: m.throughput(),
                    filesystem_type: m.filesystem_type().map(|f| f.as_str().to_string()),
                    encrypted: m.encrypted(),
                    kms_key_id: m.kms_key_id().map(str::to_string),
                    snapshot_id: m.snapshot_id().map(str::to_string),
                    role_arn: Some(m.role_arn().to_string()),
                    propagate_tags: m
                        .tag_specifications()
                        .iter()
                        .find(|t| t.resource_type().as_str() == "volume")
                        .and_then(|t| t.propagate_tags())
                        .map(|p| p.as_str().to_string()),
                })
            })
            .collect(),
        service_connect: d
            .service_connect_configuration()
            .map(|c| LiveServiceConnect {
                enabled: c.enabled(),
                namespace: c.namespace().map(str::to_string),
                services: c
                    .services()
                    .iter()
                    .map(|s| LiveServiceConnectService {
                        port_name: s.port_name().to_string(),
                        discovery_name: s.discovery_name().map(str::to_string),
                        client_aliases: s
                            .client_aliases()
                            .iter()
                            .map(|a| (a.dns_name().map(str::to_string), a.port()))
                            .collect(),
                    })
                    .collect(),
                log_configuration: c.log_configuration().map(log_from_sdk),
            }),
    }
}

pub(crate) fn task_definition_from_sdk(td: &TaskDefinition, tags: LiveTags) -> LiveTaskDefinition {
    LiveTaskDefinition {
        arn: td.task_definition_arn().unwrap_or_default().to_string(),
        family: td.family().unwrap_or_default().to_string(),
        revision: td.revision(),
        status: td.status().map(|s| s.as_str().to_string()),
        cpu: td.cpu().map(str::to_string),
        memory: td.memory().map(str::to_string),
        network_mode: td.network_mode().map(|n| n.as_str().to_string()),
        requires_compatibilities: td
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        runtime_platform: td.runtime_platform().map(|p| LiveRuntimePlatform {
            cpu_architecture: p.cpu_architecture().map(|a| a.as_str().to_string()),
            operating_system_family: p.operating_system_family().map(|o| o.as_str().to_string()),
        }),
        execution_role_arn: td.execution_role_arn().map(str::to_string),
        task_role_arn: td.task_role_arn().map(str::to_string),
        containers: td
            .container_definitions()
            .iter()
            .map(container_from_sdk)
            .collect(),
        volumes: td
            .volumes()
            .iter()
            .map(|v| LiveVolume {
                name: v.name().map(str::to_string),
                configured_at_launch: v.configured_at_launch().unwrap_or(false),
                efs: v.efs_volume_configuration().map(|e| LiveEfsVolume {
                    file_system_id: e.file_system_id().to_string(),
                    root_directory: e.root_directory().map(str::to_string),
                    transit_encryption: e.transit_encryption().map(|t| t.as_str().to_string()),
                    access_point_id: e
                        .authorization_config()
                        .and_then(|a| a.access_point_id())
                        .map(str::to_string),
                    iam: e
                        .authorization_config()
                        .and_then(|a| a.iam())
                        .map(|i| i.as_str().to_string()),
                }),
            })
            .collect(),
        ephemeral_storage_gib: td.ephemeral_storage().map(|e| e.size_in_gib()),
        tags,
    }
}

fn container_from_sdk(c: &ContainerDefinition) -> LiveContainerDefinition {
    LiveContainerDefinition {
        name: c.name().unwrap_or_default().to_string(),
        image: c.image().map(str::to_string),
        essential: c.essential(),
        command: c.command.clone(),
        entry_point: c.entry_point.clone(),
        working_directory: c.working_directory().map(str::to_string),
        user: c.user().map(str::to_string),
        port_mappings: c
            .port_mappings()
            .iter()
            .map(|p| LivePortMapping {
                container_port: p.container_port(),
                host_port: p.host_port(),
                protocol: p.protocol().map(|x| x.as_str().to_string()),
                name: p.name().map(str::to_string),
                app_protocol: p.app_protocol().map(|x| x.as_str().to_string()),
            })
            .collect(),
        environment: c
            .environment()
            .iter()
            .map(|kv| LiveKeyValue {
                name: kv.name().map(str::to_string),
                value: kv.value().map(str::to_string),
            })
            .collect(),
        secrets: c
            .secrets()
            .iter()
            .map(|s| LiveSecret {
                name: s.name().to_string(),
                value_from: s.value_from().to_string(),
            })
            .collect(),
        health_check: c.health_check().map(|h| LiveHealthCheck {
            command: h.command().to_vec(),
            interval: h.interval(),
            timeout: h.timeout(),
            retries: h.retries(),
            start_period: h.start_period(),
        }),
        stop_timeout: c.stop_timeout(),
        start_timeout: c.start_timeout(),
        linux_parameters: c.linux_parameters().map(|l| LiveLinuxParameters {
            init_process_enabled: l.init_process_enabled(),
            add: l
                .capabilities()
                .map(|k| k.add().to_vec())
                .unwrap_or_default(),
            drop: l
                .capabilities()
                .map(|k| k.drop().to_vec())
                .unwrap_or_default(),
            tmpfs: l.tmpfs().len(),
            devices: l.devices().len(),
            shared_memory_size: l.shared_memory_size(),
        }),
        system_controls: c
            .system_controls()
            .iter()
            .map(|s| {
                (
                    s.namespace().map(str::to_string),
                    s.value().map(str::to_string),
                )
            })
            .collect(),
        repository_credentials: c
            .repository_credentials()
            .map(|r| r.credentials_parameter().to_string()),
        environment_files: c
            .environment_files()
            .iter()
            .map(|f| f.value().to_string())
            .collect(),
        ulimits: c
            .ulimits()
            .iter()
            .map(|u| LiveUlimit {
                name: u.name().as_str().to_string(),
                soft_limit: u.soft_limit().into(),
                hard_limit: u.hard_limit().into(),
            })
            .collect(),
        docker_labels: c
            .docker_labels()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        depends_on: c
            .depends_on()
            .iter()
            .map(|d| LiveContainerDependency {
                container_name: d.container_name().to_string(),
                condition: d.condition().as_str().to_string(),
            })
            .collect(),
        mount_points: c
            .mount_points()
            .iter()
            .map(|m| LiveMountPoint {
                source_volume: m.source_volume().map(str::to_string),
                container_path: m.container_path().map(str::to_string),
                read_only: m.read_only(),
            })
            .collect(),
        readonly_root_filesystem: c.readonly_root_filesystem(),
        cpu: c.cpu(),
        memory: c.memory(),
        memory_reservation: c.memory_reservation(),
        log_configuration: c.log_configuration().map(log_from_sdk),
        firelens_configuration: c.firelens_configuration().map(|f| {
            let options = f
                .options()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            (f.r#type().as_str().to_string(), options)
        }),
    }
}

fn log_from_sdk(l: &aws_sdk_ecs::types::LogConfiguration) -> LiveLogConfiguration {
    LiveLogConfiguration {
        log_driver: l.log_driver().as_str().to_string(),
        options: l
            .options()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        secret_options: l
            .secret_options()
            .iter()
            .map(|s| (s.name().to_string(), s.value_from().to_string()))
            .collect(),
    }
}

#[cfg(test)]
#[path = "ecs_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "ecs_fixture_tests.rs"]
mod fixture_tests;
