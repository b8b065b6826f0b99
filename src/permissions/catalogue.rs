//! The catalogue: every IAM action an ecsctl command needs, with the resource it is scoped to
//! and which commands need it.
//!
//! Owns the table only. Two kinds of rows: `Call` rows are the SDK operations `src/aws/` sends
//! (a unit test in `sdk_calls_tests.rs` fails when `src/aws/` calls an operation that has no row
//! here, or a row names an operation nothing calls); `Dependent` rows are the actions AWS checks
//! on top of a call (tag-on-create, `iam:PassRole`, service-linked roles, Cloud Map's Route 53
//! zone), each with its source. Must not build ARNs (`scope.rs` does) or know the policy's shape
//! (`document.rs`).
//!
//! Resource scoping follows the Service Authorization Reference (SAR), one page per service:
//! - ECS: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html>
//! - IAM: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>
//! - CloudWatch Logs: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html>
//! - Cloud Map: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudmap.html>
//! - Application Auto Scaling: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapplicationautoscaling.html>
//! - EventBridge Scheduler: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html>
//! - SSM: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html>
//! - Resource Groups Tagging API: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonresourcegrouptaggingapi.html>
//!
//! A row with `Scope::Any` is an action whose SAR row lists no resource type: it accepts only
//! `"*"`, and the policy says so in that statement's Sid.

/// The commands a policy can be generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Command {
    Plan,
    Apply,
    Destroy,
    Run,
    /// `ecsctl status`: services, their task definitions and the schedules, read only.
    Status,
    /// `ecsctl logs`: the log events of one service's or job's log group.
    Logs,
    /// `ecsctl exec`: ECS Exec into a running task of a service.
    Exec,
    /// `ecsctl redeploy`: a new deployment of the running revision, under the lock.
    Redeploy,
    /// `ecsctl rollback`: the previous revision of ours, under the lock.
    Rollback,
    /// `ecsctl verify`: the pre-flight's reads of what the spec references.
    Verify,
    /// `ecsctl prices update`: the Price List Query API (no environment resource).
    Prices,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Plan => "plan",
            Command::Apply => "apply",
            Command::Destroy => "destroy",
            Command::Run => "run",
            Command::Status => "status",
            Command::Verify => "verify",
            Command::Logs => "logs",
            Command::Exec => "exec",
            Command::Redeploy => "redeploy",
            Command::Rollback => "rollback",
            Command::Prices => "prices",
        }
    }
}

/// What an action's `Resource` is, for one environment (`scope.rs` turns it into ARNs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The SAR lists no resource type: only `"*"`.
    Any,
    /// The environment's cluster.
    Cluster,
    /// Every service of the cluster (pruning deletes services the spec no longer names).
    Services,
    /// The service deployments of the cluster's services (`service-deployment/CLUSTER/*`).
    ServiceDeployments,
    /// Standalone tasks in the cluster (`run`, and destroy stopping them).
    Tasks,
    /// `*` with the condition `ecs:cluster` = the cluster: ListTasks, whose SAR row names the
    /// container-instance type (which Fargate has none of); AWS evaluates it on `*` with the
    /// cluster condition (aws/aws-cdk#3199, awsdocs/amazon-ecs-developer-guide#211).
    ClusterCondition,
    /// Task definition families under the environment's family prefix, every revision.
    Families,
    /// IAM roles under the environment's role prefix.
    Roles,
    /// Log groups under the environment's log group prefix.
    LogGroups,
    /// Cloud Map namespaces of the account and region (their ARNs carry generated ids).
    Namespaces,
    /// Cloud Map services of the account and region (generated ids, as namespaces).
    DiscoveryServices,
    /// Application Auto Scaling scalable targets (generated ids) in the `ecs` namespace.
    ScalableTargets,
    /// The alarms target tracking creates for the cluster's services, and those of step rules
    /// (named after their services).
    Alarms,
    /// The schedule group `{app}-{env}`.
    ScheduleGroup,
    /// The schedules in that group.
    Schedules,
    /// The SSM parameter that is the environment lock.
    LockParameter,
    /// The ECS service-linked role (its `iam:GetRole` before creating it).
    EcsServiceLinkedRole,
    /// The Secrets Manager secrets the containers' `secrets:` name (the pre-flight reads them).
    ReferencedSecrets,
    /// The customer managed KMS keys the spec names.
    ReferencedKeys,
    /// The EFS file systems and access points the volumes name.
    ReferencedFileSystems,
    /// The ECR repositories of the images being deployed.
    ReferencedRepositories,
}

/// When a row applies beyond its commands: some writes only happen when the spec has the
/// feature (deletions always apply, pruning removes what a previous spec created).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Always,
    /// The spec has a Cloud Map namespace.
    Namespace,
    /// The spec has at least one scaling target.
    Autoscaling,
    /// The spec has scheduled tasks.
    Schedules,
    /// The spec runs `beforeDeploy` jobs.
    BeforeDeploy,
    /// The spec references secrets, KMS keys, EFS or ECR images (the pre-flight reads them).
    Secrets,
    KmsKeys,
    Efs,
    EcrImages,
}

/// Why a row is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `src/aws/` sends this operation.
    Call,
    /// AWS checks this action on top of a call; the text names the call and the source.
    Dependent(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `service:Action`, as IAM spells it.
    pub action: &'static str,
    pub scope: Scope,
    pub commands: &'static [Command],
    pub need: Need,
    pub origin: Origin,
}

use Command::{Apply as A, Destroy as D, Plan as P, Run as R};
use Need::{Always, Autoscaling, Namespace, Schedules};
use Origin::{Call, Dependent};

const READ: &[Command] = &[P, A, D];
/// The pre-flight's reads (`crate::preflight`).
const PREFLIGHT: &[Command] = &[P, A, Command::Verify];
const WRITE: &[Command] = &[A];
const DELETE: &[Command] = &[A, D];
const LOCK: &[Command] = &[A, D, R, Command::Redeploy, Command::Rollback];
/// plan's reads that `status` also sends (it reads no IAM, Cloud Map, Logs or scaling).
const READ_STATUS: &[Command] = &[P, A, D, Command::Status];
/// plan's reads that `status`, `run` and `rollback` also send (`run` compares the services' images;
/// `rollback` reads the revisions it picks from).
const READ_STATUS_RUN: &[Command] = &[P, A, D, R, Command::Status, Command::Rollback];
/// plan's reads that `run` also sends (the revision it starts, `apply::run_revision`).
const READ_RUN: &[Command] = &[P, A, D, R, Command::Rollback];
/// apply's writes that `run` also sends (registering the revision the spec describes).
const WRITE_RUN: &[Command] = &[A, R];

const fn row(action: &'static str, scope: Scope, commands: &'static [Command]) -> Entry {
    Entry {
        action,
        scope,
        commands,
        need: Always,
        origin: Call,
    }
}

const fn when(mut e: Entry, need: Need) -> Entry {
    e.need = need;
    e
}

const fn dep(mut e: Entry, why: &'static str) -> Entry {
    e.origin = Dependent(why);
    e
}

const TAG_ON_CREATE_ECS: &str = "CreateCluster, CreateService, RegisterTaskDefinition and RunTask carry tags: \
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html";
const CLOUD_MAP_ZONE: &str = "CreatePrivateDnsNamespace creates a Route 53 private hosted zone: \
    https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html";
const SCALING: &str = "target tracking policies create and delete CloudWatch alarms, and ecsctl \
    writes, reads and deletes the alarms of step rules: \
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/auto-scaling-IAM.html";

/// Every action, in the order the policy lists them within a statement.
pub const CATALOGUE: &[Entry] = &[
    // `ecsctl prices update` (docs/cost.md); the SAR lists no resource type for it.
    row("pricing:GetProducts", Scope::Any, &[Command::Prices]),
    // STS: the account check and the lock's holder. "No permissions are required to perform
    // this operation" (GetCallerIdentity API reference); kept so the scan test knows the call.
    row("sts:GetCallerIdentity", Scope::Any, &[]),
    // ---- ECS ----
    row("ecs:DescribeClusters", Scope::Cluster, READ),
    row("ecs:CreateCluster", Scope::Cluster, WRITE),
    row("ecs:UpdateCluster", Scope::Cluster, WRITE),
    row("ecs:PutClusterCapacityProviders", Scope::Cluster, WRITE),
    row("ecs:DeleteCluster", Scope::Cluster, DELETE),
    row(
        "ecs:DescribeServices",
        Scope::Services,
        &[
            P,
            A,
            D,
            R,
            Command::Status,
            Command::Redeploy,
            Command::Rollback,
        ],
    ),
    row("ecs:ListServices", Scope::Any, READ),
    // The wait of blueGreen, linear and canary deployments reads their stages.
    row(
        "ecs:ListServiceDeployments",
        Scope::Services,
        &[A, Command::Redeploy, Command::Rollback],
    ),
    row(
        "ecs:DescribeServiceDeployments",
        Scope::ServiceDeployments,
        &[A, Command::Redeploy, Command::Rollback],
    ),
    row("ecs:CreateService", Scope::Services, WRITE),
    row(
        "ecs:UpdateService",
        Scope::Services,
        &[A, D, Command::Redeploy, Command::Rollback],
    ),
    row("ecs:DeleteService", Scope::Services, DELETE),
    row("ecs:ListTaskDefinitions", Scope::Any, READ_RUN),
    row("ecs:ListTaskDefinitionFamilies", Scope::Any, READ),
    row("ecs:DescribeTaskDefinition", Scope::Any, READ_STATUS_RUN),
    row("ecs:RegisterTaskDefinition", Scope::Any, WRITE_RUN),
    row("ecs:DeregisterTaskDefinition", Scope::Any, DELETE),
    row("ecs:DeleteTaskDefinitions", Scope::Families, DELETE),
    row(
        "ecs:ListTasks",
        Scope::ClusterCondition,
        &[A, D, Command::Status, Command::Exec],
    ),
    row(
        "ecs:DescribeTasks",
        Scope::Tasks,
        &[A, D, R, Command::Status, Command::Exec],
    ),
    row("ecs:StopTask", Scope::Tasks, DELETE),
    row("ecs:RunTask", Scope::Families, &[R]),
    // apply's `beforeDeploy` jobs: RunTask, and their last log lines when one fails
    // (DescribeTasks is apply's already).
    when(
        row("ecs:RunTask", Scope::Families, WRITE),
        Need::BeforeDeploy,
    ),
    when(
        row("logs:FilterLogEvents", Scope::LogGroups, WRITE),
        Need::BeforeDeploy,
    ),
    // `ecsctl exec`; the session itself goes to SSM's messages endpoint through the plugin, on
    // the ECS-issued token (no ssm: action for the caller).
    row("ecs:ExecuteCommand", Scope::Tasks, &[Command::Exec]),
    row("ecs:TagResource", Scope::Cluster, WRITE),
    row("ecs:TagResource", Scope::Services, WRITE),
    dep(
        row("ecs:TagResource", Scope::Families, WRITE_RUN),
        TAG_ON_CREATE_ECS,
    ),
    dep(
        row("ecs:TagResource", Scope::Tasks, &[R]),
        TAG_ON_CREATE_ECS,
    ),
    row("ecs:UntagResource", Scope::Cluster, WRITE),
    row("ecs:UntagResource", Scope::Services, WRITE),
    // ---- IAM ----
    row("iam:ListRoles", Scope::Any, READ),
    // Every role of the environment in one call (`aws::iam::read_roles_bulk`). The SAR lists
    // no resource type for it: it returns the whole account's roles with their policies, which
    // is the price of reading 11 roles in 1 call instead of 44. Without it, plan falls back to
    // the four per-role reads above.
    row("iam:GetAccountAuthorizationDetails", Scope::Any, READ),
    row("iam:GetRole", Scope::Roles, READ),
    row("iam:ListRolePolicies", Scope::Roles, READ),
    row("iam:GetRolePolicy", Scope::Roles, READ),
    row("iam:ListAttachedRolePolicies", Scope::Roles, READ),
    row("iam:ListRoleTags", Scope::Roles, READ),
    row("iam:CreateRole", Scope::Roles, WRITE),
    row("iam:UpdateAssumeRolePolicy", Scope::Roles, WRITE),
    row("iam:PutRolePolicy", Scope::Roles, WRITE),
    row("iam:AttachRolePolicy", Scope::Roles, WRITE),
    row("iam:TagRole", Scope::Roles, WRITE),
    row("iam:UntagRole", Scope::Roles, WRITE),
    row("iam:DeleteRolePolicy", Scope::Roles, DELETE),
    row("iam:DetachRolePolicy", Scope::Roles, DELETE),
    row("iam:DeleteRole", Scope::Roles, DELETE),
    // apply looks the ECS service-linked role up before creating it (apply/cluster.rs).
    row("iam:GetRole", Scope::EcsServiceLinkedRole, WRITE),
    // iam:CreateServiceLinkedRole and iam:PassRole are statements of their own, with their
    // conditions (`document.rs`); their rows are there for the scan test.
    row(
        "iam:CreateServiceLinkedRole",
        Scope::EcsServiceLinkedRole,
        &[],
    ),
    // ---- Resource Groups Tagging API ----
    // The tags of the environment's log groups and Cloud Map resources in one paged read
    // (`live::tag_index`); no resource type in the SAR. Without it, each resource's own
    // ListTagsForResource (below) is used.
    row("tag:GetResources", Scope::Any, READ),
    // ---- CloudWatch Logs ----
    row("logs:DescribeLogGroups", Scope::Any, READ),
    // `ecsctl logs`: the events of the service's or job's own log group (SAR: log-group).
    row("logs:FilterLogEvents", Scope::LogGroups, &[Command::Logs]),
    // `logs --follow`: Live Tail; without it, `logs` polls FilterLogEvents (still works).
    row("logs:StartLiveTail", Scope::LogGroups, &[Command::Logs]),
    // ---- Elastic Load Balancing v2 ----
    // `ecsctl status`: target health of the services' target groups. ELBv2's Describe*
    // actions name no resource type in the SAR (list_elasticloadbalancingv2): only "*".
    row(
        "elasticloadbalancing:DescribeTargetHealth",
        Scope::Any,
        &[Command::Status],
    ),
    // The pre-flight (`ecsctl verify`, and plan and apply before they write): metadata reads
    // of what the spec references, never a secret's value. EC2's and ELBv2's Describe* and
    // ssm:DescribeParameters name no resource type in the SAR: only "*". DescribeSecret,
    // DescribeKey, the EFS and ECR reads are scoped to what the spec names.
    row("ec2:DescribeSubnets", Scope::Any, PREFLIGHT),
    row("ec2:DescribeSecurityGroups", Scope::Any, PREFLIGHT),
    row(
        "elasticloadbalancing:DescribeTargetGroups",
        Scope::Any,
        PREFLIGHT,
    ),
    row("elasticloadbalancing:DescribeRules", Scope::Any, PREFLIGHT),
    row(
        "elasticloadbalancing:DescribeListeners",
        Scope::Any,
        PREFLIGHT,
    ),
    row("ssm:DescribeParameters", Scope::Any, PREFLIGHT),
    when(
        row(
            "secretsmanager:DescribeSecret",
            Scope::ReferencedSecrets,
            PREFLIGHT,
        ),
        Need::Secrets,
    ),
    when(
        row("kms:DescribeKey", Scope::ReferencedKeys, PREFLIGHT),
        Need::KmsKeys,
    ),
    when(
        row(
            "elasticfilesystem:DescribeFileSystems",
            Scope::ReferencedFileSystems,
            PREFLIGHT,
        ),
        Need::Efs,
    ),
    when(
        row(
            "elasticfilesystem:DescribeAccessPoints",
            Scope::ReferencedFileSystems,
            PREFLIGHT,
        ),
        Need::Efs,
    ),
    when(
        row(
            "ecr:DescribeImages",
            Scope::ReferencedRepositories,
            PREFLIGHT,
        ),
        Need::EcrImages,
    ),
    row("logs:ListTagsForResource", Scope::LogGroups, READ),
    row("logs:CreateLogGroup", Scope::LogGroups, WRITE),
    row("logs:PutRetentionPolicy", Scope::LogGroups, WRITE),
    row("logs:DeleteRetentionPolicy", Scope::LogGroups, WRITE),
    row("logs:AssociateKmsKey", Scope::LogGroups, WRITE),
    row("logs:DisassociateKmsKey", Scope::LogGroups, WRITE),
    // Also what CreateLogGroup with tags checks ("To create a log group with tags, you must have
    // the logs:CreateLogGroup and logs:TagResource permissions", CreateLogGroup API reference).
    row("logs:TagResource", Scope::LogGroups, WRITE),
    row("logs:UntagResource", Scope::LogGroups, WRITE),
    row("logs:DeleteLogGroup", Scope::LogGroups, DELETE),
    // ---- Cloud Map ----
    row("servicediscovery:ListNamespaces", Scope::Any, READ),
    row("servicediscovery:ListServices", Scope::Any, READ),
    row(
        "servicediscovery:ListTagsForResource",
        Scope::Namespaces,
        READ,
    ),
    row(
        "servicediscovery:ListTagsForResource",
        Scope::DiscoveryServices,
        READ,
    ),
    when(
        row(
            "servicediscovery:CreatePrivateDnsNamespace",
            Scope::Any,
            WRITE,
        ),
        Namespace,
    ),
    when(
        row(
            "servicediscovery:UpdatePrivateDnsNamespace",
            Scope::Namespaces,
            WRITE,
        ),
        Namespace,
    ),
    row("servicediscovery:GetOperation", Scope::Any, DELETE),
    when(
        row("servicediscovery:CreateService", Scope::Namespaces, WRITE),
        Namespace,
    ),
    when(
        row(
            "servicediscovery:CreateService",
            Scope::DiscoveryServices,
            WRITE,
        ),
        Namespace,
    ),
    when(
        row(
            "servicediscovery:UpdateService",
            Scope::DiscoveryServices,
            WRITE,
        ),
        Namespace,
    ),
    row("servicediscovery:TagResource", Scope::Namespaces, WRITE),
    row(
        "servicediscovery:TagResource",
        Scope::DiscoveryServices,
        WRITE,
    ),
    row("servicediscovery:UntagResource", Scope::Namespaces, WRITE),
    row(
        "servicediscovery:UntagResource",
        Scope::DiscoveryServices,
        WRITE,
    ),
    row(
        "servicediscovery:DeleteNamespace",
        Scope::Namespaces,
        DELETE,
    ),
    row(
        "servicediscovery:DeleteService",
        Scope::DiscoveryServices,
        DELETE,
    ),
    when(
        dep(
            row("route53:CreateHostedZone", Scope::Any, WRITE),
            CLOUD_MAP_ZONE,
        ),
        Namespace,
    ),
    when(
        dep(
            row("route53:GetHostedZone", Scope::Any, WRITE),
            CLOUD_MAP_ZONE,
        ),
        Namespace,
    ),
    when(
        dep(
            row("route53:ListHostedZonesByName", Scope::Any, WRITE),
            CLOUD_MAP_ZONE,
        ),
        Namespace,
    ),
    when(
        dep(row("ec2:DescribeVpcs", Scope::Any, WRITE), CLOUD_MAP_ZONE),
        Namespace,
    ),
    when(
        dep(
            row("ec2:DescribeRegions", Scope::Any, WRITE),
            CLOUD_MAP_ZONE,
        ),
        Namespace,
    ),
    // ---- Application Auto Scaling ----
    row(
        "application-autoscaling:DescribeScalableTargets",
        Scope::Any,
        READ,
    ),
    row(
        "application-autoscaling:DescribeScalingPolicies",
        Scope::Any,
        READ,
    ),
    row(
        "application-autoscaling:DescribeScheduledActions",
        Scope::Any,
        READ,
    ),
    when(
        row(
            "application-autoscaling:RegisterScalableTarget",
            Scope::ScalableTargets,
            WRITE,
        ),
        Autoscaling,
    ),
    when(
        dep(
            row(
                "application-autoscaling:TagResource",
                Scope::ScalableTargets,
                WRITE,
            ),
            "RegisterScalableTarget carries the ownership tags: \
             https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
        ),
        Autoscaling,
    ),
    when(
        row(
            "application-autoscaling:PutScalingPolicy",
            Scope::ScalableTargets,
            WRITE,
        ),
        Autoscaling,
    ),
    when(
        row(
            "application-autoscaling:PutScheduledAction",
            Scope::ScalableTargets,
            WRITE,
        ),
        Autoscaling,
    ),
    row(
        "application-autoscaling:DeleteScalingPolicy",
        Scope::ScalableTargets,
        DELETE,
    ),
    row(
        "application-autoscaling:DeleteScheduledAction",
        Scope::ScalableTargets,
        DELETE,
    ),
    row(
        "application-autoscaling:DeregisterScalableTarget",
        Scope::ScalableTargets,
        DELETE,
    ),
    when(
        dep(
            row("cloudwatch:PutMetricAlarm", Scope::Alarms, WRITE),
            SCALING,
        ),
        Autoscaling,
    ),
    when(
        dep(row("cloudwatch:DescribeAlarms", Scope::Any, READ), SCALING),
        Autoscaling,
    ),
    when(
        dep(
            row("cloudwatch:TagResource", Scope::Alarms, WRITE),
            "PutMetricAlarm carries the ownership tags of a step rule's alarm: \
             https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
        ),
        Autoscaling,
    ),
    dep(
        row("cloudwatch:DeleteAlarms", Scope::Alarms, DELETE),
        SCALING,
    ),
    // ---- EventBridge Scheduler ----
    row("scheduler:GetScheduleGroup", Scope::ScheduleGroup, READ),
    row("scheduler:ListTagsForResource", Scope::ScheduleGroup, READ),
    row("scheduler:ListSchedules", Scope::Any, READ),
    row("scheduler:GetSchedule", Scope::Schedules, READ_STATUS),
    when(
        row("scheduler:CreateScheduleGroup", Scope::ScheduleGroup, WRITE),
        Schedules,
    ),
    when(
        row("scheduler:TagResource", Scope::ScheduleGroup, WRITE),
        Schedules,
    ),
    when(
        row("scheduler:UntagResource", Scope::ScheduleGroup, WRITE),
        Schedules,
    ),
    when(
        row("scheduler:CreateSchedule", Scope::Schedules, WRITE),
        Schedules,
    ),
    when(
        row("scheduler:UpdateSchedule", Scope::Schedules, WRITE),
        Schedules,
    ),
    row("scheduler:DeleteSchedule", Scope::Schedules, DELETE),
    row(
        "scheduler:DeleteScheduleGroup",
        Scope::ScheduleGroup,
        DELETE,
    ),
    // ---- SSM: the environment lock ----
    row("ssm:PutParameter", Scope::LockParameter, LOCK),
    row("ssm:GetParameter", Scope::LockParameter, LOCK),
    row("ssm:DeleteParameter", Scope::LockParameter, LOCK),
    dep(
        row("ssm:AddTagsToResource", Scope::LockParameter, LOCK),
        "PutParameter carries the ownership tags: \
         https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html",
    ),
];

/// The rows `command` needs for an environment with these features.
pub fn rows_for(
    command: Command,
    has: impl Fn(Need) -> bool,
) -> impl Iterator<Item = &'static Entry> {
    CATALOGUE
        .iter()
        .filter(move |e| e.commands.contains(&command) && (e.need == Always || has(e.need)))
}
