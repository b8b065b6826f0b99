//! The desired state of one environment: every resource ecsctl will own, with final names.
//!
//! These are ecsctl's own types, already validated (a `FargateSize` can only hold a valid pair)
//! and fully resolved (templates expanded, defaults applied, secrets turned into ARNs), in the
//! shape the AWS APIs take, so the diff compares like with like and `render` shows exactly what
//! will be sent. Must not hold AWS SDK types, raw spec values or source locations.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::fargate::FargateSize;
use super::partition::Partition;
use super::policy::PolicyDocument;

pub use crate::spec::raw_values::{
    AppProtocol, Architecture, DependencyCondition, DnsRecordType, InsightsMode, Protocol,
    RoutingPolicy,
};

/// Tags as AWS stores them: a map, because AWS returns them in any order.
pub type Tags = BTreeMap<String, String>;

/// The ownership tag keys. Plan and destroy only ever touch resources that carry all three with
/// this app's and environment's values.
pub const TAG_MANAGED_BY: &str = "ecsctl:managed-by";
pub const TAG_APP: &str = "ecsctl:app";
pub const TAG_ENV: &str = "ecsctl:env";
pub const MANAGED_BY_VALUE: &str = "ecsctl";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Desired {
    pub app: String,
    pub env: String,
    pub region: String,
    /// The partition every ARN, principal and host below is in (`aws`, `aws-cn`,
    /// `aws-us-gov`). A plan saved before ecsctl knew partitions was made in `aws`.
    #[serde(default)]
    pub partition: Partition,
    /// The account named in the spec, if any; plan/apply check the caller against it.
    pub account_id: Option<String>,
    /// Deletions and replacements need `--allow-destroy`.
    pub protected: bool,
    pub cluster: Cluster,
    pub roles: Vec<Role>,
    pub log_groups: Vec<LogGroup>,
    pub namespace: Option<Namespace>,
    pub discovery_services: Vec<DiscoveryService>,
    pub task_definitions: Vec<TaskDefinition>,
    pub services: Vec<Service>,
    pub scaling_targets: Vec<ScalingTarget>,
    pub scheduled_tasks: Vec<ScheduledTask>,
    /// `plan/apply -s NAME`: the spec keys of the services this desired state was restricted
    /// to (`model::target`); `None` for the whole environment. A partial desired state holds
    /// only those services and what they use, and the diff prunes nothing outside them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Vec<String>>,
    /// What each `--image` flag set (`model::override`), shown in the plan; kept in a saved
    /// plan so `apply PLANFILE` shows the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_notes: Vec<crate::plan::ImageNote>,
    /// `beforeDeploy`: the jobs (keys of `scheduled_tasks`) apply runs before it updates any
    /// service, when it deploys something (`model::before_deploy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_deploy: Vec<String>,
    /// Where each string was written in the spec (`model::scope::Written`): the pre-flight's
    /// findings point there. Not in a saved plan (its findings name the resource instead).
    #[serde(skip)]
    pub written: super::scope::Written,
    /// `revisions.keep`: revisions of ours kept ACTIVE per family (`diff::retain`). A plan
    /// saved before the setting existed keeps the default.
    #[serde(default = "default_keep_revisions")]
    pub keep_revisions: u32,
}

fn default_keep_revisions() -> u32 {
    super::revisions::DEFAULT_KEEP
}

impl Desired {
    /// The jobs that have an EventBridge schedule (not those run only on demand).
    pub fn schedules(&self) -> impl Iterator<Item = &ScheduledTask> {
        self.scheduled_tasks
            .iter()
            .filter(|t| t.expression.is_some())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub name: String,
    pub container_insights: InsightsMode,
    /// Always `[FARGATE, FARGATE_SPOT]`: services pick per service.
    pub capacity_providers: Vec<CapacityProvider>,
    /// The environment's default capacity.
    pub default_strategy: Vec<CapacityProviderItem>,
    pub tags: Tags,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CapacityProvider {
    #[serde(rename = "FARGATE")]
    Fargate,
    #[serde(rename = "FARGATE_SPOT")]
    FargateSpot,
}

impl CapacityProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityProvider::Fargate => "FARGATE",
            CapacityProvider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

/// One entry of a capacity provider strategy, as ECS takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderItem {
    pub capacity_provider: CapacityProvider,
    pub base: u32,
    pub weight: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RolePurpose {
    /// Used by the ECS agent to pull images, read secrets and write logs.
    Execution,
    /// Assumed by the application's code.
    Task,
    /// Assumed by EventBridge Scheduler to run scheduled tasks.
    Scheduler,
    /// Assumed by ECS to shift load balancer traffic and invoke lifecycle hooks during
    /// blueGreen, linear and canary deployments.
    Infrastructure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub name: String,
    pub purpose: RolePurpose,
    /// The service principal allowed to assume the role, e.g. `ecs-tasks.amazonaws.com`.
    pub trusted_service: String,
    pub managed_policy_arns: Vec<String>,
    /// The one inline policy ecsctl writes (named `ecsctl`), if any.
    pub inline_policy: Option<PolicyDocument>,
    pub tags: Tags,
}

/// The name of the inline policy ecsctl puts on the roles it owns.
pub const INLINE_POLICY_NAME: &str = "ecsctl";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub name: String,
    /// None keeps events forever (CloudWatch's default).
    pub retention_days: Option<u32>,
    pub kms_key_id: Option<String>,
    pub tags: Tags,
    /// Kept when ecsctl removes what wrote to it (`logs.retain`, default true); only shown
    /// in `render` when false.
    #[serde(skip_serializing_if = "is_true", default = "yes")]
    pub retain: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    pub name: String,
    pub vpc: String,
    pub description: Option<String>,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryService {
    /// The DNS label within the namespace (`api` → `api.ohi-prod.local`).
    pub name: String,
    pub namespace: String,
    /// The spec name of the ECS service that registers here.
    pub service: String,
    pub records: Vec<DnsRecord>,
    pub routing: RoutingPolicy,
    pub tags: Tags,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    #[serde(rename = "type")]
    pub kind: DnsRecordType,
    pub ttl: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinition {
    pub family: String,
    #[serde(flatten)]
    pub size: FargateSize,
    pub architecture: Architecture,
    /// Role names are resolved to ARNs at plan time, when the account is known.
    pub execution_role: RoleRef,
    pub task_role: Option<RoleRef>,
    pub containers: Vec<ContainerDefinition>,
    pub volumes: Vec<Volume>,
    /// GiB; None means Fargate's included 20 GiB.
    pub ephemeral_storage_gib: Option<u32>,
    pub tags: Tags,
}

/// A role the task definition refers to: one ecsctl owns (by name) or an existing one (by ARN).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RoleRef {
    Owned(String),
    External(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    pub essential: bool,
    pub command: Option<Vec<String>>,
    pub entry_point: Option<Vec<String>>,
    pub working_directory: Option<String>,
    pub user: Option<String>,
    pub port_mappings: Vec<PortMapping>,
    /// Compared as a map: ECS reorders environment entries.
    pub environment: BTreeMap<String, String>,
    /// Names in `environment` whose values are never shown (`(sensitive)` in plans and
    /// `render`) and kept in a saved plan only as a digest (model/sensitive.rs).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub sensitive: BTreeSet<String>,
    /// Name → `valueFrom` ARN.
    pub secrets: BTreeMap<String, String>,
    pub health_check: Option<HealthCheck>,
    pub stop_timeout: Option<u32>,
    pub ulimits: Vec<Ulimit>,
    pub docker_labels: BTreeMap<String, String>,
    pub depends_on: Vec<ContainerDependency>,
    pub mount_points: Vec<MountPoint>,
    pub readonly_root_filesystem: Option<bool>,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub memory_reservation: Option<u32>,
    pub log_configuration: LogConfiguration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_timeout: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linux_parameters: Option<LinuxParameters>,
    /// Kernel parameter → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub system_controls: BTreeMap<String, String>,
    /// The Secrets Manager secret ARN with the private registry's credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_credentials: Option<String>,
    /// S3 object ARNs of `.env` files, in the order written (later files win).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment_files: Vec<String>,
    /// The FireLens log router's configuration (only on that container).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firelens_configuration: Option<FirelensConfiguration>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: u32,
    pub protocol: Protocol,
    pub name: Option<String>,
    pub app_protocol: Option<AppProtocol>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    /// As ECS takes it: `["CMD-SHELL", "curl …"]` or `["CMD", "bin", "arg"]`.
    pub command: Vec<String>,
    pub interval: u32,
    pub timeout: u32,
    pub retries: u32,
    pub start_period: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ulimit {
    pub name: String,
    pub soft_limit: i64,
    pub hard_limit: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDependency {
    pub container_name: String,
    pub condition: DependencyCondition,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    pub read_only: bool,
}

/// The `linuxParameters` Fargate supports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinuxParameters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_process_enabled: Option<bool>,
    /// Sorted, upper case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    /// Sorted, upper case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogConfiguration {
    pub group: String,
    pub region: String,
    pub stream_prefix: String,
    /// Some: the container's output goes to the task's FireLens log router (the `awsfirelens`
    /// driver); None: the awslogs driver into `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firelens: Option<FirelensRoute>,
}

impl LogConfiguration {
    /// awslogs into the same group under `prefix`: where a container ecsctl adds beside the
    /// spec's (the FireLens router, the Service Connect proxy) logs.
    pub fn awslogs_under(&self, prefix: &str) -> LogConfiguration {
        LogConfiguration {
            group: self.group.clone(),
            region: self.region.clone(),
            stream_prefix: prefix.to_string(),
            firelens: None,
        }
    }
}

/// What a container sends its output to the FireLens log router with (`awsfirelens`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirelensRoute {
    /// The output plugin's options (`Name`, …).
    pub options: BTreeMap<String, String>,
    /// Option name → the secret's `valueFrom`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_options: BTreeMap<String, String>,
}

/// The log router container's `firelensConfiguration`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirelensConfiguration {
    /// `fluentbit` or `fluentd`.
    #[serde(rename = "type")]
    pub kind: String,
    pub options: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    /// None: scratch space on the task's ephemeral storage (or an EBS volume, below).
    pub efs: Option<EfsVolume>,
    /// The volume is an EBS volume the service configures when it starts each task
    /// (`configuredAtLaunch`); its settings are the service's (`Service::ebs_volume`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub configured_at_launch: bool,
}

/// The EBS volume ECS creates for each task of a service, attaches before the task's containers
/// start and deletes when the task stops (ServiceManagedEBSVolumeConfiguration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EbsVolume {
    /// The task definition's volume (configured at launch) it fills.
    pub name: String,
    /// GiB; None with a snapshot: the snapshot's size.
    pub size_gib: Option<u32>,
    pub volume_type: String,
    /// None: the type's own (gp3: 3000; gp2, st1 and sc1 take none).
    pub iops: Option<u32>,
    /// MiB/s, gp3 only; None: 125.
    pub throughput: Option<u32>,
    pub filesystem: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub snapshot_id: Option<String>,
}

/// A service in the environment's namespace through ECS Service Connect
/// (ServiceConnectConfiguration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConnect {
    /// The namespace's name.
    pub namespace: String,
    /// None: a client only (it reaches the others, nobody reaches it).
    pub endpoint: Option<ServiceConnectEndpoint>,
    /// Where the Service Connect proxy logs: the service's log group, under its own prefix.
    pub logs: LogConfiguration,
}

/// What Service Connect publishes of a service: one named port, under one name and alias.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConnectEndpoint {
    /// The task definition's port mapping name.
    pub port_name: String,
    /// The Cloud Map service ECS creates (`discoveryName`).
    pub discovery_name: String,
    /// The client alias: the name clients use, `{name}.{namespace}` as with DNS.
    pub dns_name: String,
    /// The client alias's port.
    pub port: u32,
}

/// An EBS volume as a service configures it: the settings and the environment's
/// infrastructure role (by name), which ECS assumes to create, attach and delete the volumes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceVolume {
    #[serde(flatten)]
    pub ebs: EbsVolume,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EfsVolume {
    pub file_system_id: String,
    pub root_directory: String,
    pub transit_encryption: bool,
    pub access_point_id: Option<String>,
    pub iam: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The name in the spec (`api`); resources derived from it refer to it by this key.
    pub key: String,
    /// The ECS service name (`ohi-prod-api`).
    pub name: String,
    pub cluster: String,
    pub family: String,
    /// The count to create with; with autoscaling, apply keeps the live count within min..max.
    pub desired_count: u32,
    pub autoscaling: Option<CountRange>,
    pub capacity: Vec<CapacityProviderItem>,
    pub network: Network,
    pub load_balancers: Vec<LoadBalancer>,
    pub health_check_grace_period: Option<u32>,
    pub deployment: Deployment,
    /// ECS Service Connect, in `discovery.mode: serviceConnect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_connect: Option<ServiceConnect>,
    /// The EBS volume each task gets, when the task definition has one configured at launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_volume: Option<ServiceVolume>,
    /// The discovery service (by name) and port this service registers in.
    pub discovery: Option<ServiceRegistry>,
    pub platform_version: String,
    pub enable_execute_command: bool,
    /// ECS's name: `SERVICE` (default), `TASK_DEFINITION` or `NONE`.
    #[serde(default = "service_tags")]
    pub propagate_tags: String,
    pub tags: Tags,
}

fn service_tags() -> String {
    "SERVICE".to_string()
}

impl Service {
    /// The environment's infrastructure role, when this service hands it to ECS: for a
    /// blueGreen, linear or canary deployment, or for its EBS volume.
    pub fn infrastructure_role(&self) -> Option<&str> {
        self.deployment
            .infrastructure_role
            .as_deref()
            .or(self.ebs_volume.as_ref().map(|v| v.role.as_str()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountRange {
    pub min: u32,
    pub max: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancer {
    pub target_group_arn: String,
    pub container_name: String,
    pub container_port: u32,
    /// Set with a blueGreen, linear or canary strategy: what ECS shifts traffic with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficShift>,
}

/// A load balancer's `advancedConfiguration`: the second target group and the listener rules
/// ECS moves between the two (the role is the environment's infrastructure role).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficShift {
    pub alternate_target_group_arn: String,
    pub production_listener_rule: String,
    pub test_listener_rule: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub maximum_percent: u32,
    pub minimum_healthy_percent: u32,
    pub circuit_breaker_enable: bool,
    pub circuit_breaker_rollback: bool,
    /// `deployment.alarms`: CloudWatch alarms that fail (and roll back) a deployment. A plan
    /// saved before the key existed has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<String>,
    /// How ECS moves to a new revision; a plan saved before the key existed is rolling.
    #[serde(default, skip_serializing_if = "Strategy::is_rolling")]
    pub strategy: Strategy,
    /// Lambda lifecycle hooks (not with rolling).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<LifecycleHook>,
    /// The environment's infrastructure role (by name), which ECS assumes to move listener
    /// rules and invoke hooks; set when the strategy has load balancers or hooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure_role: Option<String>,
}

/// `deployment.strategy` with its settings. Percentages are kept in tenths of a percent (ECS
/// takes multiples of 0.1), so the model compares exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum Strategy {
    #[default]
    Rolling,
    BlueGreen {
        bake_time: u32,
    },
    Linear {
        bake_time: u32,
        step_tenths: u32,
        step_bake_time: u32,
    },
    Canary {
        bake_time: u32,
        percent_tenths: u32,
        canary_bake_time: u32,
    },
}

impl Strategy {
    pub fn is_rolling(&self) -> bool {
        matches!(self, Strategy::Rolling)
    }

    /// The DeploymentStrategy value ECS takes.
    pub fn aws_name(&self) -> &'static str {
        match self {
            Strategy::Rolling => "ROLLING",
            Strategy::BlueGreen { .. } => "BLUE_GREEN",
            Strategy::Linear { .. } => "LINEAR",
            Strategy::Canary { .. } => "CANARY",
        }
    }

    /// Minutes both revisions run after production traffic moved (None for rolling).
    pub fn bake_time(&self) -> Option<u32> {
        match *self {
            Strategy::Rolling => None,
            Strategy::BlueGreen { bake_time }
            | Strategy::Linear { bake_time, .. }
            | Strategy::Canary { bake_time, .. } => Some(bake_time),
        }
    }
}

/// A deployment lifecycle hook: ECS invokes `function` (a Lambda ARN) at each stage, as the
/// infrastructure role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleHook {
    pub function: String,
    /// ECS's stage names (`POST_TEST_TRAFFIC_SHIFT`), in ECS's order.
    pub stages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRegistry {
    pub discovery_service: String,
    /// Set when the discovery service has SRV records.
    pub container_name: Option<String>,
    pub container_port: Option<u32>,
}

/// An Application Auto Scaling target on a service's desired count, with its policies and
/// scheduled actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingTarget {
    pub service: String,
    /// `service/<cluster>/<service name>`.
    pub resource_id: String,
    pub min: u32,
    pub max: u32,
    pub policies: Vec<ScalingPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScalingSchedule>,
}

impl ScalingTarget {
    /// The widest range the live target may hold: the spec's, and every scheduled action's.
    /// A desired count anywhere in it is Application Auto Scaling's to keep.
    pub fn widest(&self) -> (u32, u32) {
        self.schedules
            .iter()
            .fold((self.min, self.max), |(lo, hi), s| {
                (lo.min(s.min), hi.max(s.max))
            })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingPolicy {
    /// `<service name>-cpu`, `-memory`, `-requests`, `-queue`, `-metric`; step rules
    /// `<service name>-<metric>-above|below`.
    pub name: String,
    pub metric: ScalingMetric,
    #[serde(flatten)]
    pub rule: PolicyRule,
}

/// How a policy acts on its metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum PolicyRule {
    /// Keep the metric at a value (Application Auto Scaling owns the alarms).
    #[serde(rename_all = "camelCase")]
    TargetTracking {
        target_value: f64,
        scale_in_cooldown: u32,
        scale_out_cooldown: u32,
    },
    /// Change the count by a fixed number of tasks while ecsctl's alarm is in ALARM.
    Step(StepRule),
}

/// A step scaling rule and its CloudWatch alarm (named as the policy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRule {
    /// The alarm fires above the threshold (else below it).
    pub above: bool,
    pub threshold: f64,
    /// Consecutive one-minute periods past the threshold.
    pub minutes: u32,
    /// Tasks added (positive) or removed (negative) each time.
    pub change: i32,
    pub cooldown: u32,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalingMetric {
    #[serde(rename = "ECSServiceAverageCPUUtilization")]
    Cpu,
    #[serde(rename = "ECSServiceAverageMemoryUtilization")]
    Memory,
    /// Needs the ALB resource label `app/<lb>/<id>/targetgroup/<tg>/<id>`.
    #[serde(rename = "ALBRequestCountPerTarget")]
    AlbRequests { resource_label: String },
    /// Messages visible in the queue divided by the service's running tasks (metric math).
    #[serde(rename = "SQSBacklogPerTask", rename_all = "camelCase")]
    SqsBacklog {
        queue: String,
        cluster: String,
        service: String,
    },
    #[serde(rename = "Customized")]
    Custom(CustomMetric),
}

/// A CloudWatch metric by its identity, with the statistic to read it by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomMetric {
    pub namespace: String,
    pub name: String,
    pub dimensions: BTreeMap<String, String>,
    pub statistic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A scheduled action on a scaling target: at `expression`, set the range to min..max.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingSchedule {
    /// `<service name>-<name>`.
    pub name: String,
    /// `cron(…)`.
    pub expression: String,
    pub timezone: String,
    pub min: u32,
    pub max: u32,
}

/// A task run on a schedule. Converged by the scheduled-tasks issue; modelled and rendered now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledTask {
    pub key: String,
    /// The spec key of the service it is built from (`service: X`), if any: a partial plan
    /// of X includes it (`model::target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The EventBridge Scheduler schedule name.
    pub name: String,
    /// The schedule group (one per app and environment).
    pub group: String,
    /// `cron(...)` / `rate(...)`; None for a job run only on demand (`ecsctl run`, or before
    /// deploy): it has a task definition but no EventBridge schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    pub timezone: String,
    pub enabled: bool,
    pub description: Option<String>,
    pub cluster: String,
    pub family: String,
    pub count: u32,
    pub capacity: Vec<CapacityProviderItem>,
    pub network: Network,
    pub platform_version: String,
    pub maximum_retry_attempts: u32,
    pub maximum_event_age_seconds: u32,
    /// Scheduler copies the task definition's tags onto the tasks (`TASK_DEFINITION`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub propagate_tags: bool,
    /// The role the scheduler assumes to run the task.
    pub role: String,
    pub tags: Tags,
    /// `runMinutes`: how long a run lasts, for `ecsctl cost` only (never sent to AWS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_minutes: Option<u32>,
}
