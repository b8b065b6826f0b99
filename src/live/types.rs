//! The observed state of one environment (`Live`), in ecsctl's own types.
//!
//! Mirrors `model::resources` resource by resource, but holds what AWS returned, un-normalised:
//! `Option` wherever AWS (or the emulator) may omit a field, AWS's strings and ARNs verbatim,
//! lists in the order AWS returned them. The diff owns normalisation (defaults AWS fills in,
//! list order, ARNs vs names), so nothing here may guess what a missing value "means".
//! Two exceptions, both lossless: tags are maps (AWS keys are unique and their order is
//! meaningless), and IAM policy documents are percent-decoded and parsed into JSON values.
//! Must not hold AWS SDK types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Tags as a map: AWS tag keys are unique per resource and returned in any order.
pub type LiveTags = BTreeMap<String, String>;

/// Everything an environment owns or references, as read from AWS by `live::fetch`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Live {
    /// The caller's account (STS GetCallerIdentity).
    pub account_id: String,
    /// The region the clients talk to.
    pub region: String,
    /// None: no ACTIVE cluster of that name (missing or INACTIVE).
    pub cluster: Option<LiveCluster>,
    /// Only the roles that exist; a desired role with no entry here is absent.
    pub roles: Vec<LiveRole>,
    pub log_groups: Vec<LiveLogGroup>,
    pub namespace: Option<LiveNamespace>,
    /// Discovery services found in `namespace` under the desired names.
    pub discovery_services: Vec<LiveDiscoveryService>,
    /// Only ACTIVE services; deleted (DRAINING or INACTIVE) ones are in `inactive_services`.
    pub services: Vec<LiveService>,
    /// Desired service names that ECS still describes as DRAINING or INACTIVE (deleted
    /// recently): absent; a create under the same name waits while the old one drains.
    pub inactive_services: Vec<String>,
    /// Every task definition revision read, each once: the revision each service actually runs
    /// (not the family's newest), each family's newest ACTIVE revision of ours, and the newer
    /// ones of someone else's looked at on the way.
    pub task_definitions: Vec<LiveTaskDefinition>,
    /// Per desired family, its newest ACTIVE revision of ours (content in `task_definitions`).
    pub families: Vec<LiveFamily>,
    pub scaling_targets: Vec<LiveScalingTarget>,
    /// The CloudWatch alarms of step rules: every name the spec's rules ask for and every
    /// alarm a live step policy lists, those that exist.
    #[serde(default)]
    pub alarms: Vec<LiveAlarm>,
    /// What lives in the environment's scope but the spec may no longer name (filled by
    /// `live::owned`, read for pruning and `destroy`; empty when not read).
    #[serde(default)]
    pub owned: super::owned::LiveOwned,
    /// The environment's EventBridge Scheduler group (`{app}-{env}`), when it exists and the
    /// spec has scheduled tasks.
    #[serde(default)]
    pub schedule_group: Option<super::schedule::LiveScheduleGroup>,
    /// Every schedule in that group, named by the spec or not.
    #[serde(default)]
    pub schedules: Vec<super::schedule::LiveSchedule>,
    /// Every ACTIVE revision, with tags, of each family a new revision will be registered into
    /// that holds at least `revisions.keep` ACTIVE ones (`live::retention`); empty otherwise.
    #[serde(default)]
    pub retention: Vec<super::owned::LiveOwnedFamily>,
}

impl Live {
    pub fn role(&self, name: &str) -> Option<&LiveRole> {
        self.roles.iter().find(|r| r.name == name)
    }
    pub fn log_group(&self, name: &str) -> Option<&LiveLogGroup> {
        self.log_groups.iter().find(|g| g.name == name)
    }
    pub fn discovery_service(&self, name: &str) -> Option<&LiveDiscoveryService> {
        self.discovery_services.iter().find(|s| s.name == name)
    }
    pub fn service(&self, name: &str) -> Option<&LiveService> {
        self.services.iter().find(|s| s.name == name)
    }
    /// A task definition by its full ARN (what DescribeServices returns in AWS), or by
    /// `family:revision` (what moto returns after an UpdateService that sent that form).
    pub fn task_definition(&self, arn: &str) -> Option<&LiveTaskDefinition> {
        find_task_definition(&self.task_definitions, arn)
    }
    /// The family's newest ACTIVE revision that carries this environment's ownership tags, if
    /// it has one: a newer revision someone else registered into the family is never it.
    pub fn newest_owned_task_definition(&self, family: &str) -> Option<&LiveTaskDefinition> {
        let arn = self
            .families
            .iter()
            .find(|f| f.family == family)?
            .newest_owned_arn
            .as_deref()?;
        self.task_definition(arn)
    }
    pub fn schedule(&self, name: &str) -> Option<&super::schedule::LiveSchedule> {
        self.schedules.iter().find(|s| s.name == name)
    }
    pub fn alarm(&self, name: &str) -> Option<&LiveAlarm> {
        self.alarms.iter().find(|a| a.name == name)
    }
    pub fn scaling_target(&self, resource_id: &str) -> Option<&LiveScalingTarget> {
        self.scaling_targets
            .iter()
            .find(|t| t.resource_id == resource_id)
    }
    /// A live service's scalable target (`service/CLUSTER/NAME`), the cluster taken from the
    /// service's ARN, else the cluster read.
    pub fn service_scaling_target(&self, s: &LiveService) -> Option<&LiveScalingTarget> {
        let cluster = s
            .cluster_arn
            .as_deref()
            .and_then(|a| a.rsplit('/').next())
            .or(self.cluster.as_ref().map(|c| c.name.as_str()))?;
        self.scaling_target(&format!("service/{cluster}/{}", s.name))
    }
}

/// `Live::task_definition` over any list of revisions.
pub fn find_task_definition<'a>(
    revisions: &'a [LiveTaskDefinition],
    arn: &str,
) -> Option<&'a LiveTaskDefinition> {
    revisions.iter().find(|t| t.arn == arn).or_else(|| {
        if arn.contains(":task-definition/") {
            return None;
        }
        let (family, revision) = arn.rsplit_once(':')?;
        let revision: i32 = revision.parse().ok()?;
        revisions
            .iter()
            .find(|t| t.family == family && t.revision == revision)
    })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveCluster {
    pub name: String,
    pub arn: String,
    /// `ACTIVE`, `PROVISIONING`, `DEPROVISIONING`, `FAILED` (INACTIVE clusters are absent).
    pub status: String,
    /// As returned, e.g. `containerInsights=enabled`.
    pub settings: Vec<LiveSetting>,
    pub capacity_providers: Vec<String>,
    pub default_strategy: Vec<LiveCapacityProviderItem>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveSetting {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveCapacityProviderItem {
    pub capacity_provider: String,
    /// AWS returns 0 for both when they were not set.
    pub base: i32,
    pub weight: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveRole {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub description: Option<String>,
    pub max_session_duration: Option<i32>,
    /// Percent-decoded and parsed. None only if IAM omitted it.
    pub trust_policy: Option<serde_json::Value>,
    /// Inline policy name → percent-decoded, parsed document.
    pub inline_policies: BTreeMap<String, serde_json::Value>,
    /// In the order IAM listed them.
    pub managed_policy_arns: Vec<String>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLogGroup {
    pub name: String,
    /// The ARN without the trailing `:*` (`logGroupArn`), the one tagging APIs take.
    pub arn: Option<String>,
    pub retention_days: Option<i32>,
    pub kms_key_id: Option<String>,
    /// `STANDARD` / `INFREQUENT_ACCESS`; moto never returns it.
    pub log_group_class: Option<String>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveNamespace {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// `DNS_PRIVATE`, `DNS_PUBLIC` or `HTTP`.
    pub kind: Option<String>,
    pub description: Option<String>,
    /// As returned: a bare `Z…` id in AWS, `/hostedzone/Z…` in moto. The VPC of a private
    /// namespace is not readable from Cloud Map (only from Route 53), so it is not here.
    pub hosted_zone_id: Option<String>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveDiscoveryService {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub namespace_id: Option<String>,
    pub description: Option<String>,
    pub dns_records: Vec<LiveDnsRecord>,
    /// `MULTIVALUE` or `WEIGHTED`.
    pub routing_policy: Option<String>,
    /// Present when ECS-managed health (custom config) is on.
    pub health_check_custom_config: bool,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveDnsRecord {
    /// `A`, `AAAA`, `SRV`, `CNAME`.
    #[serde(rename = "type")]
    pub kind: String,
    pub ttl: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveService {
    pub name: String,
    pub arn: String,
    pub cluster_arn: Option<String>,
    /// `ACTIVE` or `DRAINING`.
    pub status: String,
    /// As stored: AWS returns the full ARN; moto returns whatever `UpdateService` was sent.
    pub task_definition: Option<String>,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    /// AWS omits it when a capacity provider strategy is used; moto says `EC2` anyway.
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<LiveCapacityProviderItem>,
    pub platform_version: Option<String>,
    pub network: Option<LiveNetwork>,
    pub load_balancers: Vec<LiveLoadBalancer>,
    pub service_registries: Vec<LiveServiceRegistry>,
    pub health_check_grace_period_seconds: Option<i32>,
    /// AWS always returns one; moto drops it on create.
    pub deployment_configuration: Option<LiveDeploymentConfiguration>,
    /// The SDK reads an omitted value as `false`.
    pub enable_execute_command: bool,
    pub enable_ecs_managed_tags: bool,
    pub propagate_tags: Option<String>,
    pub scheduling_strategy: Option<String>,
    pub deployments: Vec<LiveDeployment>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveNetwork {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `ENABLED` / `DISABLED`; None when not returned (AWS's default is DISABLED).
    pub assign_public_ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
    /// `advancedConfiguration`, for blue/green, linear and canary deployments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<LiveAdvancedConfiguration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveAdvancedConfiguration {
    pub alternate_target_group_arn: Option<String>,
    pub production_listener_rule: Option<String>,
    pub test_listener_rule: Option<String>,
    pub role_arn: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveServiceRegistry {
    /// The Cloud Map service ARN.
    pub registry_arn: Option<String>,
    pub port: Option<i32>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

#[derive(Clone, Default, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveDeploymentConfiguration {
    pub maximum_percent: Option<i32>,
    pub minimum_healthy_percent: Option<i32>,
    pub circuit_breaker: Option<LiveCircuitBreaker>,
    /// Absent until a deployment configuration sets them.
    #[serde(default)]
    pub alarms: Option<LiveDeploymentAlarms>,
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR`, `CANARY`; absent on services made before strategies.
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(default)]
    pub bake_time_in_minutes: Option<i32>,
    /// `linearConfiguration` (stepPercent, stepBakeTimeInMinutes).
    #[serde(default)]
    pub linear: Option<(Option<f64>, Option<i32>)>,
    /// `canaryConfiguration` (canaryPercent, canaryBakeTimeInMinutes).
    #[serde(default)]
    pub canary: Option<(Option<f64>, Option<i32>)>,
    #[serde(default)]
    pub lifecycle_hooks: Vec<LiveLifecycleHook>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLifecycleHook {
    pub hook_target_arn: Option<String>,
    pub role_arn: Option<String>,
    pub lifecycle_stages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveDeploymentAlarms {
    pub names: Vec<String>,
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveCircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveDeployment {
    pub id: Option<String>,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    pub failed_tasks: i32,
    /// `IN_PROGRESS`, `COMPLETED`, `FAILED`.
    pub rollout_state: Option<String>,
    pub rollout_state_reason: Option<String>,
    /// The EBS volumes this deployment configures (`volumeConfigurations` with a
    /// `managedEBSVolume`; other kinds are not ecsctl's and are left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<LiveEbsVolume>,
    /// `serviceConnectConfiguration`, as this deployment has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_connect: Option<LiveServiceConnect>,
}

impl LiveService {
    /// The PRIMARY deployment: the one the service launches tasks with, whose settings
    /// (volumes, Service Connect) ECS reports per deployment.
    pub fn primary_deployment(&self) -> Option<&LiveDeployment> {
        self.deployments
            .iter()
            .find(|d| d.status.as_deref() == Some("PRIMARY"))
    }
}

/// A deployment's Service Connect configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveServiceConnect {
    pub enabled: bool,
    /// A name or an ARN, as ECS returns it.
    pub namespace: Option<String>,
    pub services: Vec<LiveServiceConnectService>,
    pub log_configuration: Option<LiveLogConfiguration>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveServiceConnectService {
    pub port_name: String,
    pub discovery_name: Option<String>,
    /// (dnsName, port) of each client alias.
    pub client_aliases: Vec<(Option<String>, i32)>,
}

/// A deployment's `volumeConfigurations[].managedEBSVolume`, as DescribeServices returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveEbsVolume {
    pub name: String,
    pub size_in_gib: Option<i32>,
    pub volume_type: Option<String>,
    pub iops: Option<i32>,
    pub throughput: Option<i32>,
    pub filesystem_type: Option<String>,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub role_arn: Option<String>,
    /// `tagSpecifications[resourceType=volume].propagateTags`.
    pub propagate_tags: Option<String>,
}

/// A desired family and its newest ACTIVE revision of ours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveFamily {
    pub family: String,
    /// The newest ACTIVE revision carrying this environment's three ownership tags. None: the
    /// family has no such revision (it may still hold revisions of someone else's).
    pub newest_owned_arn: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveTaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    /// `ACTIVE`, `INACTIVE` or `DELETE_IN_PROGRESS`: a service may run an INACTIVE revision.
    pub status: Option<String>,
    /// Strings, as ECS returns them (`"512"`, `"1024"`).
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub network_mode: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub runtime_platform: Option<LiveRuntimePlatform>,
    pub execution_role_arn: Option<String>,
    pub task_role_arn: Option<String>,
    pub containers: Vec<LiveContainerDefinition>,
    pub volumes: Vec<LiveVolume>,
    pub ephemeral_storage_gib: Option<i32>,
    pub tags: LiveTags,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveRuntimePlatform {
    /// `X86_64` / `ARM64`.
    pub cpu_architecture: Option<String>,
    pub operating_system_family: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveContainerDefinition {
    pub name: String,
    pub image: Option<String>,
    pub essential: Option<bool>,
    pub command: Option<Vec<String>>,
    pub entry_point: Option<Vec<String>>,
    pub working_directory: Option<String>,
    pub user: Option<String>,
    pub port_mappings: Vec<LivePortMapping>,
    /// In the order returned; real ECS reorders them.
    pub environment: Vec<LiveKeyValue>,
    pub secrets: Vec<LiveSecret>,
    pub health_check: Option<LiveHealthCheck>,
    pub stop_timeout: Option<i32>,
    #[serde(default)]
    pub start_timeout: Option<i32>,
    #[serde(default)]
    pub linux_parameters: Option<LiveLinuxParameters>,
    /// (namespace, value), in AWS's order.
    #[serde(default)]
    pub system_controls: Vec<(Option<String>, Option<String>)>,
    #[serde(default)]
    pub repository_credentials: Option<String>,
    #[serde(default)]
    pub environment_files: Vec<String>,
    pub ulimits: Vec<LiveUlimit>,
    pub docker_labels: BTreeMap<String, String>,
    pub depends_on: Vec<LiveContainerDependency>,
    pub mount_points: Vec<LiveMountPoint>,
    pub readonly_root_filesystem: Option<bool>,
    /// ECS returns `0` when unset (the SDK also reads an omitted value as 0).
    pub cpu: i32,
    pub memory: Option<i32>,
    pub memory_reservation: Option<i32>,
    pub log_configuration: Option<LiveLogConfiguration>,
    /// A FireLens log router's `firelensConfiguration`: `type` and options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firelens_configuration: Option<(String, BTreeMap<String, String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivePortMapping {
    pub container_port: Option<i32>,
    /// Real ECS fills it with the container port for awsvpc; moto does not.
    pub host_port: Option<i32>,
    /// `tcp` / `udp`; real ECS fills `tcp`, moto does not.
    pub protocol: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveKeyValue {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveSecret {
    pub name: String,
    pub value_from: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveHealthCheck {
    pub command: Vec<String>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub retries: Option<i32>,
    pub start_period: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveUlimit {
    pub name: String,
    pub soft_limit: i64,
    pub hard_limit: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveContainerDependency {
    pub container_name: String,
    /// `START`, `COMPLETE`, `SUCCESS`, `HEALTHY`.
    pub condition: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveMountPoint {
    pub source_volume: Option<String>,
    pub container_path: Option<String>,
    pub read_only: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLogConfiguration {
    /// `awslogs`, `awsfirelens`, …
    pub log_driver: String,
    pub options: BTreeMap<String, String>,
    /// `secretOptions`: name → `valueFrom`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_options: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveVolume {
    pub name: Option<String>,
    pub efs: Option<LiveEfsVolume>,
    /// `configuredAtLaunch`; the SDK reads an omitted value as false.
    #[serde(default)]
    pub configured_at_launch: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveEfsVolume {
    pub file_system_id: String,
    /// moto fills `/` when not sent.
    pub root_directory: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub transit_encryption: Option<String>,
    pub access_point_id: Option<String>,
    /// `ENABLED` / `DISABLED`.
    pub iam: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveScalingTarget {
    /// `service/<cluster>/<service name>`.
    pub resource_id: String,
    pub scalable_dimension: String,
    pub min: i32,
    pub max: i32,
    /// None when AWS omitted it (moto never returns it).
    pub role_arn: Option<String>,
    /// Only the policies whose ResourceId matches exactly.
    pub policies: Vec<LiveScalingPolicy>,
    /// Only the scheduled actions whose ResourceId matches exactly.
    #[serde(default)]
    pub schedules: Vec<LiveScalingSchedule>,
}

/// A container's `linuxParameters` as AWS returned them; what Fargate refuses is only counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLinuxParameters {
    pub init_process_enabled: Option<bool>,
    pub add: Vec<String>,
    pub drop: Vec<String>,
    pub tmpfs: usize,
    pub devices: usize,
    pub shared_memory_size: Option<i32>,
}

/// A scheduled action on a scalable target (DescribeScheduledActions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveScalingSchedule {
    pub name: String,
    /// `cron(…)`, `rate(…)` or `at(…)`.
    pub schedule: String,
    /// None when AWS omitted it (UTC).
    pub timezone: Option<String>,
    pub min: Option<i32>,
    pub max: Option<i32>,
}

/// A CloudWatch metric's identity as AWS returned it (dimensions in AWS's order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveMetric {
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub dimensions: Vec<(String, String)>,
}

/// A target tracking policy's customized metric: one metric with its statistic, or metric
/// math queries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveCustomizedMetric {
    pub metric: Option<LiveMetric>,
    pub statistic: Option<String>,
    pub unit: Option<String>,
    pub queries: Vec<LiveMetricQuery>,
}

/// One entry of a metric math specification (TargetTrackingMetricDataQuery).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveMetricQuery {
    pub id: String,
    pub expression: Option<String>,
    pub metric: Option<LiveMetric>,
    pub stat: Option<String>,
    pub unit: Option<String>,
    pub return_data: Option<bool>,
}

/// A step scaling policy's configuration (StepScalingPolicyConfiguration).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveStepConfig {
    pub adjustment_type: Option<String>,
    pub cooldown: Option<i32>,
    pub aggregation: Option<String>,
    /// (lower bound, upper bound, scaling adjustment).
    pub adjustments: Vec<(Option<f64>, Option<f64>, i32)>,
}

/// A CloudWatch metric alarm (DescribeAlarms), as ecsctl's step rules create them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveAlarm {
    pub name: String,
    pub metric: LiveMetric,
    pub statistic: Option<String>,
    pub unit: Option<String>,
    pub period: Option<i32>,
    pub evaluation_periods: Option<i32>,
    pub datapoints_to_alarm: Option<i32>,
    pub threshold: Option<f64>,
    pub comparison: Option<String>,
    pub actions_enabled: Option<bool>,
    pub alarm_actions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveScalingPolicy {
    pub name: String,
    /// Changes on every put in moto; never diff on it.
    pub arn: String,
    /// `TargetTrackingScaling`, `StepScaling`, …
    pub policy_type: String,
    pub target_value: Option<f64>,
    /// E.g. `ECSServiceAverageCPUUtilization`; None for customized metrics.
    pub predefined_metric: Option<String>,
    pub resource_label: Option<String>,
    pub scale_in_cooldown: Option<i32>,
    pub scale_out_cooldown: Option<i32>,
    pub disable_scale_in: Option<bool>,
    /// Target tracking on a customized metric.
    #[serde(default)]
    pub customized: Option<LiveCustomizedMetric>,
    /// A step scaling policy's configuration.
    #[serde(default)]
    pub step: Option<LiveStepConfig>,
    /// The names of the CloudWatch alarms AWS lists for the policy.
    #[serde(default)]
    pub alarm_names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn td(family: &str, revision: i32) -> LiveTaskDefinition {
        LiveTaskDefinition {
            arn: format!("arn:aws:ecs:eu-west-1:111122223333:task-definition/{family}:{revision}"),
            family: family.into(),
            revision,
            status: Some("ACTIVE".into()),
            cpu: None,
            memory: None,
            network_mode: None,
            requires_compatibilities: vec![],
            runtime_platform: None,
            execution_role_arn: None,
            task_role_arn: None,
            containers: vec![],
            volumes: vec![],
            ephemeral_storage_gib: None,
            tags: LiveTags::new(),
        }
    }

    #[test]
    fn task_definitions_by_arn_short_form_and_family_newest_owned() {
        let live = Live {
            task_definitions: vec![td("api", 3), td("api", 4)],
            families: vec![
                LiveFamily {
                    family: "api".into(),
                    newest_owned_arn: Some(td("api", 4).arn),
                },
                LiveFamily {
                    family: "worker".into(),
                    newest_owned_arn: None,
                },
            ],
            ..Live::default()
        };
        assert_eq!(live.task_definition(&td("api", 3).arn).unwrap().revision, 3);
        // moto stores what UpdateService was sent, e.g. `api:3`.
        assert_eq!(live.task_definition("api:3").unwrap().revision, 3);
        assert!(live.task_definition("api").is_none());
        assert!(
            live.task_definition("arn:aws:ecs:eu-west-1:1:task-definition/api:9")
                .is_none()
        );
        assert_eq!(
            live.newest_owned_task_definition("api").unwrap().revision,
            4
        );
        assert!(live.newest_owned_task_definition("worker").is_none());
        assert!(live.newest_owned_task_definition("nope").is_none());
    }
}
