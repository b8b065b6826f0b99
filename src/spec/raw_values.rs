//! Small value types of the raw spec: scalars that accept several YAML forms, and the closed
//! sets of words the spec understands.
//!
//! Owns how a YAML scalar is read (an env var value may be written `3001` or `"3001"`) and the
//! spelling of every keyword. Must not check ranges or combinations: that is the model's job,
//! where all problems are collected at once.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A string-valued scalar that may be written as a number or a boolean too (`PORT: 3001`,
/// `DEBUG: true`): env vars, tags and labels are strings to AWS, and YAML users rarely quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Scalar(pub String);

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

impl JsonSchema for Scalar {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Scalar".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// A size written as a number (`512`) or a unit string (`"0.5 vCPU"`, `"1 GB"`, `"2048"`).
/// Kept as written; the model converts and checks it against Fargate's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Size(pub String);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl Visitor<'_> for SizeVisitor {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string such as \"0.5 vCPU\" or \"1 GB\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Size, E> {
                Ok(Size(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Size, E> {
                Ok(Size(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Size, E> {
                Ok(Size(v.to_string()))
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

impl JsonSchema for Size {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Size".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["integer", "string"] })
    }
}

/// A command: a string runs through the shell (`CMD-SHELL`), a list is exec form.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawCommand {
    Shell(String),
    Exec(Vec<String>),
}

/// Where tasks run: all on-demand Fargate, all Fargate Spot, or a mix.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawCapacity {
    Mode(CapacityMode),
    Mix(RawCapacityMix),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityMode {
    /// Every task on the FARGATE capacity provider.
    OnDemand,
    /// Every task on FARGATE_SPOT (about 70 % cheaper; tasks can be interrupted with 2 minutes'
    /// notice).
    Spot,
}

/// A capacity provider strategy over FARGATE and FARGATE_SPOT: the first `base` tasks run
/// on-demand, the rest are split by weight.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawCapacityMix {
    /// Tasks that always run on on-demand FARGATE before weights apply (0 to 100000).
    #[serde(default)]
    pub base: Option<u32>,
    /// Relative share of on-demand FARGATE tasks beyond the base.
    pub on_demand_weight: u32,
    /// Relative share of FARGATE_SPOT tasks beyond the base.
    pub spot_weight: u32,
}

/// Container Insights: `true`/`false`, or `enabled`, `disabled`, `enhanced`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawInsights {
    Flag(bool),
    Mode(InsightsMode),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InsightsMode {
    Enabled,
    Disabled,
    Enhanced,
}

/// A port: `8080`, or a mapping with protocol and name.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawPort {
    Number(u32),
    Mapping(RawPortMapping),
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawPortMapping {
    pub container_port: u32,
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// A name for the port (Service Connect and load balancer references).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub app_protocol: Option<AppProtocol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AppProtocol {
    Http,
    Http2,
    Grpc,
}

/// A secret: a full ARN (Secrets Manager, with an optional `:KEY::` JSON key suffix, or an SSM
/// parameter), or a reference by name.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawSecret {
    Arn(String),
    Ref(RawSecretRef),
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawSecretRef {
    /// A Secrets Manager secret name or ARN in this region and account.
    #[serde(default)]
    pub secrets_manager: Option<String>,
    /// A JSON key inside the secret's value.
    #[serde(default)]
    pub key: Option<String>,
    /// The staging label, for example AWSPREVIOUS.
    #[serde(default)]
    pub version_stage: Option<String>,
    /// An SSM Parameter Store parameter name (`/app/db-password`) or ARN.
    #[serde(default)]
    pub ssm: Option<String>,
    /// The customer managed KMS key that encrypts the secret or SecureString parameter, as a
    /// key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`): the execution role is granted
    /// `kms:Decrypt` on it. Not needed for AWS managed keys.
    #[serde(default)]
    pub kms_key: Option<String>,
}

/// A ulimit: one number sets soft and hard alike.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawUlimit {
    Both(i64),
    Pair { soft: i64, hard: i64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum DependencyCondition {
    Start,
    Complete,
    Success,
    Healthy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
// The serde aliases belong in the schema too: `spec::structure` checks files against it.
#[schemars(extend("enum" = ["x86_64", "arm64", "amd64", "X86_64", "ARM64"]))]
pub enum Architecture {
    #[serde(alias = "amd64", alias = "X86_64")]
    X86_64,
    #[serde(alias = "ARM64")]
    Arm64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum DnsRecordType {
    A,
    Srv,
}

/// Where ECS copies a task's tags from (CreateService / UpdateService `propagateTags`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PropagateTagsFrom {
    #[default]
    Service,
    TaskDefinition,
    None,
}

impl PropagateTagsFrom {
    /// ECS's name for it.
    pub fn ecs_name(self) -> &'static str {
        match self {
            PropagateTagsFrom::Service => "SERVICE",
            PropagateTagsFrom::TaskDefinition => "TASK_DEFINITION",
            PropagateTagsFrom::None => "NONE",
        }
    }
}

/// One execution role per service, or one for the whole environment (`executionRole`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExecutionRoleMode {
    #[default]
    PerService,
    Shared,
}

/// How ECS moves a service to a new revision (DeploymentConfiguration `strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DeploymentStrategy {
    #[default]
    Rolling,
    BlueGreen,
    Linear,
    Canary,
}

/// The service metric a step scaling rule watches (AWS/ECS, by cluster and service).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StepMetric {
    Cpu,
    Memory,
}

/// A deployment lifecycle stage a hook can run at (DeploymentLifecycleHook `lifecycleStages`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum HookStage {
    ReconcileService,
    PreScaleUp,
    PostScaleUp,
    TestTrafficShift,
    PostTestTrafficShift,
    PreProductionTrafficShift,
    ProductionTrafficShift,
    PostProductionTrafficShift,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum RoutingPolicy {
    Multivalue,
    Weighted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Effect {
    Allow,
    Deny,
}

/// An EBS volume type Fargate can attach (ServiceManagedEBSVolumeConfiguration `volumeType`;
/// the magnetic `standard` type is not supported on Fargate).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EbsVolumeType {
    Gp2,
    #[default]
    Gp3,
    Io1,
    Io2,
    St1,
    Sc1,
}

impl EbsVolumeType {
    /// EC2's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            EbsVolumeType::Gp2 => "gp2",
            EbsVolumeType::Gp3 => "gp3",
            EbsVolumeType::Io1 => "io1",
            EbsVolumeType::Io2 => "io2",
            EbsVolumeType::St1 => "st1",
            EbsVolumeType::Sc1 => "sc1",
        }
    }
}

/// The Linux file system ECS formats an EBS volume with (`filesystemType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EbsFilesystem {
    Ext3,
    Ext4,
    #[default]
    Xfs,
}

impl EbsFilesystem {
    pub fn as_str(self) -> &'static str {
        match self {
            EbsFilesystem::Ext3 => "ext3",
            EbsFilesystem::Ext4 => "ext4",
            EbsFilesystem::Xfs => "xfs",
        }
    }
}

/// Where containers' output goes (`logs.driver`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogDriverKind {
    #[default]
    Awslogs,
    Firelens,
}

/// The FireLens log router (FirelensConfiguration `type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FirelensType {
    #[default]
    Fluentbit,
    Fluentd,
}

impl FirelensType {
    pub fn as_str(self) -> &'static str {
        match self {
            FirelensType::Fluentbit => "fluentbit",
            FirelensType::Fluentd => "fluentd",
        }
    }
}

/// How services find each other in the environment's namespace (`discovery.mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DiscoveryMode {
    #[default]
    Dns,
    ServiceConnect,
}
