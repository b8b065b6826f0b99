//! The raw spec: a serde mirror of `ecsctl.yaml` and `environments/<env>.yaml`.
//!
//! Both files have this one shape (`RawProject`); an environment file overrides whatever it sets
//! (see `merge`). Every value keeps its location (`Sp`) and unknown keys are rejected. Must not
//! apply defaults, resolve templates or check values: the model does that, reporting all
//! problems at once. Doc comments here become the JSON Schema's descriptions, so editors show
//! them: write them for users.

use super::raw_values::*;
use super::span::Sp;
use super::spmap::SpMap;
use crate::raw_struct;

/// A list written in YAML, with each element's location.
pub type SpList<T> = Sp<Vec<Sp<T>>>;

raw_struct! {
    /// `ecsctl.yaml` (the application) or `environments/<env>.yaml` (what differs in one
    /// environment). Names may use the templates `{app}`, `{env}`, `{service}`, `{region}` and
    /// `{account_id}`; any string may read the process environment with `${VAR}` or
    /// `${VAR:-default}`.
    pub struct RawProject {
        /// The application's name: lowercase letters, digits and hyphens, 1 to 32 characters.
        pub app: Option<Sp<String>>,
        /// The AWS region, for example `eu-west-1`.
        pub region: Option<Sp<String>>,
        /// The 12-digit AWS account this environment must run in. When set, `{account_id}`
        /// resolves offline and plan/apply refuse to run with credentials of another account.
        pub account: Option<Sp<Scalar>>,
        /// Protect this environment: plan and apply refuse deletions and replacements unless
        /// `--allow-destroy` is given.
        pub protected: Option<Sp<bool>>,
        /// Tags put on every resource, besides ecsctl's ownership tags.
        pub tags: Option<SpMap<Sp<Scalar>>>,
        /// Name templates for the resources ecsctl creates per service.
        pub names: Option<RawNames>,
        /// `perService` (default): each service and scheduled task gets its own execution role,
        /// scoped to what it pulls, logs and reads. `shared`: one role for the environment
        /// (`{app}-{env}-exec`, or `names.executionRole` without `{service}`), scoped to what
        /// all of them need together.
        pub execution_role: Option<Sp<ExecutionRoleMode>>,
        /// The ECS cluster.
        pub cluster: Option<RawCluster>,
        /// Default capacity for every service: `on-demand`, `spot`, or a mix.
        pub capacity: Option<Sp<RawCapacity>>,
        /// Default networking for every service and scheduled task.
        pub network: Option<RawNetwork>,
        /// Default CloudWatch Logs settings for every service and scheduled task.
        pub logs: Option<RawLogs>,
        /// The Cloud Map private DNS namespace for service discovery.
        pub discovery: Option<RawNamespace>,
        /// Settings every service inherits unless it sets them itself.
        pub defaults: Option<RawService>,
        /// The long-running services, by name.
        pub services: Option<SpMap<RawService>>,
        /// Tasks run on a schedule (cron or rate), or only on demand, by name.
        pub scheduled_tasks: Option<SpMap<RawScheduledTask>>,
        /// Jobs (keys of `scheduledTasks`) that apply runs, with this apply's images, after
        /// registering the new task definitions and before updating any service, one after the
        /// other; one that fails stops the apply with nothing deployed. Only when the apply
        /// deploys something. For example `[migrate]`.
        pub before_deploy: Option<SpList<String>>,
        /// How many task definition revisions apply keeps ACTIVE per family, for rollback.
        pub revisions: Option<RawRevisions>,
    }
}

raw_struct! {
    /// Task definition revisions kept for `ecsctl rollback`.
    pub struct RawRevisions {
        /// How many revisions ecsctl registered (per family) stay ACTIVE: when apply registers
        /// a new revision, it deregisters older ones of its own beyond this many, never one a
        /// service, a deployment or a schedule still uses. Default 10; at least 1 (with 1,
        /// `ecsctl rollback` has no earlier revision to go back to).
        pub keep: Option<Sp<u32>>,
    }
}

raw_struct! {
    /// Name templates. Each must make names unique per service (use `{service}`).
    pub struct RawNames {
        /// ECS service name. Default `{app}-{env}-{service}`.
        pub service: Option<Sp<String>>,
        /// Task definition family. Default `{app}-{env}-{service}`.
        pub family: Option<Sp<String>>,
        /// Task execution role. Default `{app}-{env}-{service}-exec`.
        pub execution_role: Option<Sp<String>>,
        /// Task role (created only for services with task role statements). Default
        /// `{app}-{env}-{service}-task`.
        pub task_role: Option<Sp<String>>,
    }
}

raw_struct! {
    pub struct RawCluster {
        /// Cluster name template. Default `{app}-{env}`.
        pub name: Option<Sp<String>>,
        /// CloudWatch Container Insights: `true`, `false`, `enabled`, `disabled` or `enhanced`.
        pub container_insights: Option<Sp<RawInsights>>,
    }
}

raw_struct! {
    pub struct RawNetwork {
        /// Subnet IDs (`subnet-…`) the tasks run in.
        pub subnets: Option<SpList<String>>,
        /// Security group IDs (`sg-…`) of the tasks.
        pub security_groups: Option<SpList<String>>,
        /// Give each task a public IP (needed in public subnets without a NAT gateway).
        pub assign_public_ip: Option<Sp<bool>>,
    }
}

raw_struct! {
    pub struct RawLogs {
        /// Log group name template. Default `/ecs/{app}-{env}/{service}`.
        pub group: Option<Sp<String>>,
        /// Days to keep log events: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
        /// 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653. Omit to keep them forever.
        pub retention_days: Option<Sp<u32>>,
        /// KMS key ARN to encrypt the log group with.
        pub kms_key_id: Option<Sp<String>>,
        /// The awslogs stream prefix. Default `ecs`.
        pub stream_prefix: Option<Sp<String>>,
        /// Keep the log group (and its logs) when ecsctl removes the service or environment
        /// that wrote to it. Default `true`: `ecsctl destroy` and pruning keep log groups unless
        /// this is `false` or `--delete-logs` is given.
        pub retain: Option<Sp<bool>>,
        /// `awslogs` (default): every container writes to the log group. `firelens`: the
        /// containers write to a FireLens log router (Fluent Bit or Fluentd) in the task, which
        /// sends the logs on (`firelens`); the router itself writes to the log group.
        pub driver: Option<Sp<LogDriverKind>>,
        /// The FireLens log router, used with `driver: firelens`.
        pub firelens: Option<RawFirelens>,
    }
}

raw_struct! {
    /// A FireLens log router (a container named `log_router` added to the task).
    pub struct RawFirelens {
        /// `fluentbit` (default) or `fluentd`.
        pub r#type: Option<Sp<FirelensType>>,
        /// The router's image. Default for Fluent Bit: AWS for Fluent Bit,
        /// `public.ecr.aws/aws-observability/aws-for-fluent-bit:stable`; Fluentd has none.
        pub image: Option<Sp<String>>,
        /// An extra configuration file inside the router's image (an absolute path); on Fargate
        /// FireLens reads it only from the image.
        pub config_file: Option<Sp<String>>,
        /// Add the task's ECS metadata (cluster, task ARN, …) to each record. Default true.
        pub ecs_metadata: Option<Sp<bool>>,
        /// The output plugin's options each container's logs are sent with (`Name: datadog`,
        /// …). Default: Fluent Bit's `cloudwatch_logs` into the task's log group, which the task
        /// role is granted.
        pub options: Option<SpMap<Sp<Scalar>>>,
        /// Output options read from a secret (an API key), as container `secrets` are written.
        pub secret_options: Option<SpMap<Sp<RawSecret>>>,
        /// MiB reserved for the router. Default 50, as AWS recommends for Fluent Bit.
        pub memory_reservation: Option<Sp<u32>>,
    }
}

raw_struct! {
    pub struct RawNamespace {
        /// Set to false to create no namespace in this environment.
        pub enabled: Option<Sp<bool>>,
        /// Private DNS namespace name template, for example `{app}-{env}.local`.
        pub namespace: Option<Sp<String>>,
        /// The VPC (`vpc-…`) the namespace resolves in.
        pub vpc: Option<Sp<String>>,
        /// A description for the namespace.
        pub description: Option<Sp<String>>,
        /// `dns` (default): each service with `discovery` gets Cloud Map DNS records
        /// (`{name}.{namespace}`). `serviceConnect`: every service joins the namespace through
        /// ECS Service Connect, and each with `discovery` is reachable at the same name and its
        /// port through the Service Connect proxy.
        pub mode: Option<Sp<DiscoveryMode>>,
    }
}

raw_struct! {
    /// Target tracking autoscaling of a service's desired count. While on, the live desired
    /// count belongs to Application Auto Scaling: ecsctl only keeps it within `min..max`.
    pub struct RawAutoscaling {
        /// Set to false to turn autoscaling off in one environment.
        pub enabled: Option<Sp<bool>>,
        /// Fewest tasks.
        pub min: Option<Sp<u32>>,
        /// Most tasks.
        pub max: Option<Sp<u32>>,
        /// Target average CPU utilisation, in percent.
        pub cpu: Option<Sp<f64>>,
        /// Target average memory utilisation, in percent.
        pub memory: Option<Sp<f64>>,
        /// Target ALB requests per target (needs a load balancer).
        pub requests_per_target: Option<Sp<f64>>,
        /// Seconds to wait after a scale-in before another. Default 300.
        pub scale_in_cooldown: Option<Sp<u32>>,
        /// Seconds to wait after a scale-out before another. Default 60.
        pub scale_out_cooldown: Option<Sp<u32>>,
        /// Target tracking on an SQS queue's backlog per task (messages visible divided by the
        /// service's running tasks, AWS's metric math; needs Container Insights).
        pub sqs_queue: Option<RawSqsQueue>,
        /// Target tracking on any CloudWatch metric (a customized metric specification).
        pub custom_metric: Option<RawCustomMetric>,
        /// Step scaling: add or remove tasks while a metric stays above or below a threshold
        /// for some minutes. ecsctl owns each rule's CloudWatch alarm.
        pub steps: Option<Sp<Vec<RawStep>>>,
        /// Scheduled changes of `min`/`max`, for example dev off at night.
        pub schedule: Option<Sp<Vec<RawScalingSchedule>>>,
        /// The name of a target tracking policy that already exists under another name than
        /// `<service name>-cpu` (…), by its key (`cpu`, `memory`, `requestsPerTarget`,
        /// `sqsQueue`, `customMetric`): adopting it keeps it instead of adding a second one.
        pub policy_names: Option<SpMap<Sp<String>>>,
    }
}

raw_struct! {
    /// Target tracking on the backlog per task of an SQS queue.
    pub struct RawSqsQueue {
        /// The queue's name (not its URL), e.g. `{app}-{env}-jobs`.
        pub name: Option<Sp<String>>,
        /// The backlog each task should carry: messages visible per running task.
        pub messages_per_task: Option<Sp<f64>>,
    }
}

raw_struct! {
    /// A CloudWatch metric: for target tracking (with `target`) or a step rule's alarm.
    pub struct RawCustomMetric {
        /// The metric's namespace, e.g. `CryptoTracker`.
        pub namespace: Option<Sp<String>>,
        /// The metric's name.
        pub name: Option<Sp<String>>,
        /// The metric's dimensions, by name.
        pub dimensions: Option<SpMap<Sp<String>>>,
        /// `Average` (default), `Minimum`, `Maximum`, `Sum` or `SampleCount`.
        pub statistic: Option<Sp<String>>,
        /// The metric's unit, e.g. `Count`. Default: none.
        pub unit: Option<Sp<String>>,
        /// Target tracking: the value to keep the metric at. Not used by step rules.
        pub target: Option<Sp<f64>>,
    }
}

raw_struct! {
    /// One step scaling rule: while `metric` is above (or below) a threshold for `minutes`,
    /// change the desired count by `change` tasks.
    pub struct RawStep {
        /// `cpu` or `memory` (the service's average utilisation, in percent).
        pub metric: Option<Sp<StepMetric>>,
        /// Any CloudWatch metric instead of `metric`.
        pub custom_metric: Option<RawCustomMetric>,
        /// Act while the metric is above this value.
        pub above: Option<Sp<f64>>,
        /// Act while the metric is below this value.
        pub below: Option<Sp<f64>>,
        /// Consecutive minutes the metric must stay past the threshold, 1 to 1440. Default 1.
        pub minutes: Option<Sp<u32>>,
        /// Tasks to add (positive) or remove (negative) each time the rule acts.
        pub change: Option<Sp<i32>>,
        /// Seconds before the rule may act again. Default: `scaleOutCooldown` for a positive
        /// change, `scaleInCooldown` for a negative one.
        pub cooldown: Option<Sp<u32>>,
    }
}

raw_struct! {
    /// A scheduled change of the scaling range.
    pub struct RawScalingSchedule {
        /// A name for the action, unique in the service: part of its AWS name
        /// (`<service name>-<name>`). Default: `schedule-<position from 1>`.
        pub name: Option<Sp<String>>,
        /// When: six cron fields `minutes hours day-of-month month day-of-week year`, with or
        /// without `cron(…)`, e.g. `0 20 ? * MON-FRI *`.
        pub cron: Option<Sp<String>>,
        /// IANA time zone of `cron`, e.g. `Europe/Berlin`. Default `UTC`.
        pub timezone: Option<Sp<String>>,
        /// The range's new minimum.
        pub min: Option<Sp<u32>>,
        /// The range's new maximum.
        pub max: Option<Sp<u32>>,
    }
}

raw_struct! {
    /// The `linuxParameters` a Fargate task may set.
    pub struct RawLinuxParameters {
        /// Run an init process as PID 1 that forwards signals and reaps zombies.
        pub init_process_enabled: Option<Sp<bool>>,
        /// Linux capabilities to add to or drop from Docker's default set.
        pub capabilities: Option<RawCapabilities>,
        /// Not supported on Fargate: kept so that writing it is a clear error, not an
        /// unknown key.
        pub tmpfs: Option<Sp<serde_json::Value>>,
        /// Not supported on Fargate (see `tmpfs`).
        pub shared_memory_size: Option<Sp<serde_json::Value>>,
        /// Not supported on Fargate (see `tmpfs`).
        pub devices: Option<Sp<serde_json::Value>>,
    }
}

raw_struct! {
    pub struct RawCapabilities {
        /// Capabilities to add: Fargate accepts only `SYS_PTRACE`.
        pub add: Option<SpList<String>>,
        /// Capabilities to drop, e.g. `[ALL]` or `[NET_RAW]`.
        pub drop: Option<SpList<String>>,
    }
}

raw_struct! {
    pub struct RawLoadBalancer {
        /// The target group ARN (`arn:aws:elasticloadbalancing:…:targetgroup/…`).
        pub target_group_arn: Option<Sp<String>>,
        /// The container that receives traffic. Default: the service's main container.
        pub container: Option<Sp<String>>,
        /// The container port. Default: the container's first port.
        pub port: Option<Sp<u32>>,
        /// The load balancer's ARN; needed for requestsPerTarget autoscaling.
        pub load_balancer_arn: Option<Sp<String>>,
        /// blueGreen, linear and canary deployments: the second target group, which receives
        /// the new revision's tasks while the current one keeps production traffic.
        pub alternate_target_group_arn: Option<Sp<String>>,
        /// blueGreen, linear and canary deployments: the listener rule (Application Load
        /// Balancer) or listener (Network Load Balancer) whose production traffic ECS shifts.
        pub production_listener_rule: Option<Sp<String>>,
        /// blueGreen, linear and canary deployments: an optional listener rule or listener
        /// that sends test traffic to the new revision before production moves.
        pub test_listener_rule: Option<Sp<String>>,
    }
}

impl RawLoadBalancer {
    /// Whether any blue/green setting (alternate group, production or test rule) is written.
    pub fn has_traffic(&self) -> bool {
        self.alternate_target_group_arn.is_some()
            || self.production_listener_rule.is_some()
            || self.test_listener_rule.is_some()
    }
}

raw_struct! {
    pub struct RawCircuitBreaker {
        /// Stop a deployment whose tasks keep failing to start.
        pub enabled: Option<Sp<bool>>,
        /// Roll back to the last completed deployment when the breaker trips.
        pub rollback: Option<Sp<bool>>,
    }
}

raw_struct! {
    pub struct RawDeployment {
        /// Upper limit of running tasks during a deployment, percent of desired. Default 200.
        pub max_percent: Option<Sp<u32>>,
        /// Lower limit of healthy tasks during a deployment, percent of desired. Default 100.
        pub min_healthy_percent: Option<Sp<u32>>,
        /// The deployment circuit breaker.
        pub circuit_breaker: Option<RawCircuitBreaker>,
        /// CloudWatch alarm names ECS watches during a deployment (and its bake time after):
        /// one in ALARM fails the deployment, which ECS rolls back to the last completed one,
        /// and apply exits 1 naming it. Empty or absent: no deployment alarms.
        pub alarms: Option<SpList<String>>,
        /// `rolling` (default), `blueGreen`, `linear` or `canary`: how ECS moves to a new
        /// revision. The last three start the new revision beside the current one and shift
        /// traffic to it (all at once, in steps, or a canary share first).
        pub strategy: Option<Sp<DeploymentStrategy>>,
        /// blueGreen, linear, canary: minutes both revisions keep running after production
        /// traffic moved, so a rollback is instant. 0 to 1440. Default 0.
        pub bake_time: Option<Sp<u32>>,
        /// `strategy: linear`: the size of each traffic step and the wait between steps.
        pub linear: Option<RawLinear>,
        /// `strategy: canary`: the canary's share of traffic and how long it runs alone.
        pub canary: Option<RawCanary>,
        /// blueGreen, linear, canary: Lambda functions ECS calls at deployment stages; one that
        /// answers FAILED rolls the deployment back.
        pub hooks: Option<Sp<Vec<RawHook>>>,
    }
}

raw_struct! {
    pub struct RawLinear {
        /// Percent of production traffic moved at each step, 3.0 to 100.0 in steps of 0.1.
        /// Default 10.
        pub step_percent: Option<Sp<f64>>,
        /// Minutes between steps, 0 to 1440. Default 6.
        pub step_bake_time: Option<Sp<u32>>,
    }
}

raw_struct! {
    pub struct RawCanary {
        /// Percent of production traffic the canary gets first, 0.1 to 100.0 in steps of 0.1.
        /// Default 5.
        pub percent: Option<Sp<f64>>,
        /// Minutes the canary runs before the rest of the traffic moves, 0 to 1440. Default 10.
        pub bake_time: Option<Sp<u32>>,
    }
}

raw_struct! {
    /// A deployment lifecycle hook: a Lambda function ECS invokes at the named stages.
    pub struct RawHook {
        /// The Lambda function's ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
        pub lambda: Option<Sp<String>>,
        /// The stages it runs at, e.g. `[postTestTrafficShift]`.
        pub stages: Option<SpList<HookStage>>,
    }
}

raw_struct! {
    /// Cloud Map registration of a service in the environment's namespace.
    pub struct RawServiceDiscovery {
        /// Set to false to register nothing.
        pub enabled: Option<Sp<bool>>,
        /// The DNS name within the namespace. Default `{service}`.
        pub name: Option<Sp<String>>,
        /// DNS record types: `A`, `SRV` or both. Default `[A]`.
        pub records: Option<SpList<DnsRecordType>>,
        /// Record TTL in seconds. Default 60.
        pub ttl: Option<Sp<u32>>,
        /// `MULTIVALUE` (default) or `WEIGHTED`.
        pub routing: Option<Sp<RoutingPolicy>>,
        /// Port for SRV records, or the container port Service Connect exposes. Default: the
        /// main container's first port.
        pub port: Option<Sp<u32>>,
        /// With Service Connect: the port clients connect to. Default: `port`.
        pub client_port: Option<Sp<u32>>,
    }
}

raw_struct! {
    pub struct RawHealthCheck {
        /// A shell command string (run with CMD-SHELL) or an exec-form list.
        pub command: Option<Sp<RawCommand>>,
        /// Seconds between checks, 5 to 300. Default 30.
        pub interval: Option<Sp<u32>>,
        /// Seconds before a check fails, 2 to 60. Default 5.
        pub timeout: Option<Sp<u32>>,
        /// Failures before unhealthy, 1 to 10. Default 3.
        pub retries: Option<Sp<u32>>,
        /// Grace period in seconds before failures count, 0 to 300.
        pub start_period: Option<Sp<u32>>,
    }
}

raw_struct! {
    pub struct RawMount {
        /// The name of a volume defined under `volumes`.
        pub volume: Option<Sp<String>>,
        /// Where the volume appears in the container.
        pub path: Option<Sp<String>>,
        pub read_only: Option<Sp<bool>>,
    }
}

raw_struct! {
    pub struct RawEfs {
        /// The EFS file system ID (`fs-…`).
        pub file_system_id: Option<Sp<String>>,
        /// Directory within the file system to mount. Default `/`.
        pub root_directory: Option<Sp<String>>,
        /// Encrypt data in transit. Default true.
        pub transit_encryption: Option<Sp<bool>>,
        /// An EFS access point ID (`fsap-…`); needs transit encryption.
        pub access_point_id: Option<Sp<String>>,
        /// Mount with the task role's IAM identity; needs transit encryption.
        pub iam: Option<Sp<bool>>,
    }
}

raw_struct! {
    /// An EBS volume ECS creates for each task of a service when it starts the task, and
    /// deletes when the task stops (configured at deployment; one per task).
    pub struct RawEbs {
        /// Size in GiB: gp2/gp3 1 to 16384, io1/io2 4 to 16384, st1/sc1 125 to 16384. Required
        /// unless `snapshotId` is set (then it defaults to the snapshot's size).
        pub size: Option<Sp<u32>>,
        /// `gp3` (default), `gp2`, `io1`, `io2`, `st1` or `sc1` (Fargate has no `standard`).
        pub volume_type: Option<Sp<EbsVolumeType>>,
        /// Provisioned IOPS: gp3 3000 to 16000 (default 3000), io1 100 to 64000, io2 100 to
        /// 256000 (required for io1 and io2); not for gp2, st1 or sc1.
        pub iops: Option<Sp<u32>>,
        /// Throughput in MiB/s, gp3 only: 125 (default) to 1000.
        pub throughput: Option<Sp<u32>>,
        /// `xfs` (default), `ext4` or `ext3`.
        pub filesystem: Option<Sp<EbsFilesystem>>,
        /// Encrypt the volume. Default true.
        pub encrypted: Option<Sp<bool>>,
        /// The KMS key's ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`) to encrypt with instead of
        /// the account's default EBS key; the infrastructure role is granted exactly this key.
        pub kms_key_id: Option<Sp<String>>,
        /// Create each volume from this snapshot (`snap-…`).
        pub snapshot_id: Option<Sp<String>>,
    }
}

raw_struct! {
    empty_replaces:
    /// A task volume: EFS, an EBS volume per task (services only), or (with neither) scratch
    /// space on the task's ephemeral storage. Written `{}` over an inherited volume, it is
    /// scratch space again.
    pub struct RawVolume {
        pub efs: Option<RawEfs>,
        pub ebs: Option<RawEbs>,
    }
}

raw_struct! {
    /// An IAM policy statement for the task role.
    pub struct RawStatement {
        pub sid: Option<Sp<String>>,
        /// `Allow` (default) or `Deny`.
        pub effect: Option<Sp<Effect>>,
        /// Actions such as `s3:GetObject`.
        pub actions: Option<SpList<String>>,
        /// Resource ARNs, or `*`.
        pub resources: Option<SpList<String>>,
        /// An IAM condition block, as in a policy document.
        pub condition: Option<Sp<serde_json::Value>>,
    }
}

raw_struct! {
    /// The role the application's code runs as.
    pub struct RawTaskRole {
        /// Use this existing role instead of creating one.
        pub arn: Option<Sp<String>>,
        /// Statements of the inline policy of the role ecsctl creates.
        pub statements: Option<Sp<Vec<RawStatement>>>,
        /// Managed policy ARNs to attach to the role ecsctl creates.
        pub managed_policies: Option<SpList<String>>,
    }
}

/// Defines a block that describes one container, with the container fields listed once here so
/// a service's main container and its sidecars accept exactly the same keys.
macro_rules! container_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        raw_struct! {
            $(#[$meta])*
            pub struct $name {
                $( $(#[$fmeta])* pub $field : $ty, )*
                /// The image, for example `{account_id}.dkr.ecr.{region}.amazonaws.com/api:${IMAGE_TAG}`.
                pub image: Option<Sp<String>>,
                /// The command (overrides the image's CMD).
                pub command: Option<SpList<String>>,
                /// The entry point (overrides the image's ENTRYPOINT).
                pub entry_point: Option<SpList<String>>,
                pub working_directory: Option<Sp<String>>,
                pub user: Option<Sp<String>>,
                /// Container ports: `8080` or `{containerPort: 8080, protocol: tcp, name: http}`.
                pub ports: Option<SpList<RawPort>>,
                /// Environment variables.
                pub env: Option<SpMap<Sp<Scalar>>>,
                /// Names in `env` whose values are sensitive: shown as `(sensitive)` in plans and
                /// `render`, and kept in a saved plan only as a digest.
                pub sensitive: Option<SpList<String>>,
                /// Secrets injected as environment variables.
                pub secrets: Option<SpMap<Sp<RawSecret>>>,
                /// The container health check.
                pub health_check: Option<RawHealthCheck>,
                /// Seconds between SIGTERM and SIGKILL, up to 120. Default 30.
                pub stop_timeout: Option<Sp<u32>>,
                /// Seconds to wait for the containers this one `dependsOn` before giving up,
                /// 2 to 120 on Fargate.
                pub start_timeout: Option<Sp<u32>>,
                /// Linux settings Fargate supports: an init process, and capabilities to drop
                /// (or add `SYS_PTRACE`, the only one Fargate can add).
                pub linux_parameters: Option<RawLinuxParameters>,
                /// Namespaced kernel parameters by name, e.g. `net.core.somaxconn: 1024`.
                pub system_controls: Option<SpMap<Sp<Scalar>>>,
                /// A private registry's credentials: the ARN of a Secrets Manager secret with
                /// `username` and `password`. The execution role may read it.
                pub repository_credentials: Option<Sp<String>>,
                /// `.env` files in S3 whose variables the container gets: `s3://bucket/key` or
                /// the object's ARN. The execution role may read exactly these objects.
                pub environment_files: Option<SpList<String>>,
                /// Ulimits by name (`nofile: 65536`).
                pub ulimits: Option<SpMap<Sp<RawUlimit>>>,
                /// Docker labels.
                pub labels: Option<SpMap<Sp<Scalar>>>,
                /// Containers of this task that must reach a state first: `{otel: START}`.
                pub depends_on: Option<SpMap<Sp<DependencyCondition>>>,
                /// Volume mounts.
                pub mounts: Option<Sp<Vec<RawMount>>>,
                pub readonly_root_filesystem: Option<Sp<bool>>,
                /// CPU units reserved for this container within the task.
                pub container_cpu: Option<Sp<u32>>,
                /// Hard memory limit of this container in MiB.
                pub container_memory: Option<Sp<u32>>,
                /// Soft memory reservation of this container in MiB.
                pub container_memory_reservation: Option<Sp<u32>>,
            }
        }
    };
}

container_struct! {
    /// A container beside the main one in the same task.
    pub struct RawSidecar {
        /// Whether the task stops when this container stops. Default true.
        pub essential: Option<Sp<bool>>,
    }
}

container_struct! {
    /// A long-running ECS service: its main container, its task and how it runs.
    pub struct RawService {
        /// Set to false to leave this service out of an environment.
        pub enabled: Option<Sp<bool>>,
        /// The main container's name. Default: the service's name.
        pub container_name: Option<Sp<String>>,
        /// Task CPU: units (`256`…`16384`) or `"0.25 vCPU"`…`"16 vCPU"`.
        pub cpu: Option<Sp<Size>>,
        /// Task memory: MiB (`512`) or `"0.5 GB"`…`"120 GB"`; must fit the CPU.
        pub memory: Option<Sp<Size>>,
        /// `x86_64` (default) or `arm64` (Graviton, also on Fargate Spot).
        pub architecture: Option<Sp<Architecture>>,
        /// Ephemeral storage in GiB, 21 to 200 (20 is included by default).
        pub ephemeral_storage: Option<Sp<u32>>,
        /// Task volumes by name.
        pub volumes: Option<SpMap<RawVolume>>,
        /// More containers in the same task, by name.
        pub sidecars: Option<SpMap<RawSidecar>>,
        /// The task role (what the application may call in AWS).
        pub task_role: Option<RawTaskRole>,
        /// An existing execution role (`arn:aws:iam::ACCOUNT:role/NAME`) the task definition
        /// names instead of the one ecsctl would create; ecsctl never changes or deletes it.
        pub execution_role_arn: Option<Sp<String>>,
        /// Which tags ECS copies onto the service's tasks: `service` (default: the service's,
        /// so a task carries the environment's tags), `taskDefinition` or `none`.
        pub propagate_tags: Option<Sp<PropagateTagsFrom>>,
        /// Desired task count. With autoscaling on, the count used at creation.
        pub count: Option<Sp<u32>>,
        /// Target tracking autoscaling.
        pub autoscaling: Option<RawAutoscaling>,
        /// `on-demand`, `spot`, or a mix; overrides the environment's default.
        pub capacity: Option<Sp<RawCapacity>>,
        /// Networking; overrides the environment's default.
        pub network: Option<RawNetwork>,
        /// Load balancer target groups the service registers its tasks in.
        pub load_balancers: Option<Sp<Vec<RawLoadBalancer>>>,
        /// Seconds to ignore load balancer health checks after a task starts.
        pub health_check_grace_period: Option<Sp<u32>>,
        /// The deployment strategy (rolling, blueGreen, linear, canary) and its settings.
        pub deployment: Option<RawDeployment>,
        /// Cloud Map service discovery.
        pub discovery: Option<RawServiceDiscovery>,
        /// Log settings; override the environment's.
        pub logs: Option<RawLogs>,
        /// Fargate platform version. Default `LATEST`.
        pub platform_version: Option<Sp<String>>,
        /// Allow `aws ecs execute-command` into tasks.
        pub enable_execute_command: Option<Sp<bool>>,
        /// Tags for this service's resources.
        pub tags: Option<SpMap<Sp<Scalar>>>,
        /// This service's own names, over the top-level `names` templates: a literal name
        /// (`checkout-svc-prod`) keeps the name a service already has when ecsctl adopts it.
        pub names: Option<RawNames>,
    }
}

raw_struct! {
    pub struct RawRetryPolicy {
        /// Retries when the target invocation fails, 0 to 185. Default 185.
        pub maximum_retry_attempts: Option<Sp<u32>>,
        /// Seconds an event may wait before it is dropped, 60 to 86400. Default 86400.
        pub maximum_event_age_seconds: Option<Sp<u32>>,
    }
}

container_struct! {
    /// A task run on a schedule by EventBridge Scheduler, or (without `schedule`) only on
    /// demand: by `ecsctl run`, or by apply before it deploys (`beforeDeploy`).
    pub struct RawScheduledTask {
        /// Set to false to disable the schedule in one environment (it stays defined).
        pub enabled: Option<Sp<bool>>,
        /// `cron(minutes hours day-of-month month day-of-week year)` or `rate(N unit)`. Omit it
        /// for a job that runs only on demand (no EventBridge schedule is created).
        pub schedule: Option<Sp<String>>,
        /// IANA time zone of a cron schedule, for example `Europe/Berlin`. Default `UTC`.
        pub timezone: Option<Sp<String>>,
        /// Reuse this service's task (containers, size, roles); the fields here override it.
        pub service: Option<Sp<String>>,
        pub description: Option<Sp<String>>,
        pub container_name: Option<Sp<String>>,
        pub cpu: Option<Sp<Size>>,
        pub memory: Option<Sp<Size>>,
        pub architecture: Option<Sp<Architecture>>,
        pub ephemeral_storage: Option<Sp<u32>>,
        pub volumes: Option<SpMap<RawVolume>>,
        pub sidecars: Option<SpMap<RawSidecar>>,
        pub task_role: Option<RawTaskRole>,
        pub execution_role_arn: Option<Sp<String>>,
        /// Tasks started per run, 1 to 10. Default 1.
        pub count: Option<Sp<u32>>,
        /// How long a run lasts, in minutes (1 to 1440), for `ecsctl cost` only. Default 10.
        pub run_minutes: Option<Sp<u32>>,
        /// `taskDefinition`: EventBridge Scheduler copies the task definition's tags onto each
        /// task (the only source it offers); `none` (default) sends only the job's own tags.
        pub propagate_tags: Option<Sp<PropagateTagsFrom>>,
        pub capacity: Option<Sp<RawCapacity>>,
        pub network: Option<RawNetwork>,
        pub retry_policy: Option<RawRetryPolicy>,
        pub logs: Option<RawLogs>,
        pub platform_version: Option<Sp<String>>,
        pub tags: Option<SpMap<Sp<Scalar>>>,
    }
}

/// The JSON Schema of both spec files, as `ecsctl schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let generator = settings.into_generator();
    let schema = generator.into_root_schema_for::<RawProject>();
    let mut value =
        serde_json::to_value(schema).expect("a JSON Schema is always representable as JSON");
    // Top-level `x-` keys are the file's own (YAML anchors, notes): ignored, like Compose's.
    value["patternProperties"] = serde_json::json!({
        format!("^{}", super::extensions::PREFIX): {
            "description": "Ignored by ecsctl: a place for YAML anchors (`x-secrets: &secrets`)."
        }
    });
    value
}
