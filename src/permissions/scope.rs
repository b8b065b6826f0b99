//! The environment's resource ARNs, per catalogue scope: what `Resource` each statement names.
//!
//! Owns the ARN patterns. Names come from the model exactly as plan builds them: the cluster,
//! the schedule group and the lock parameter by name, and families, roles and log groups by the
//! same prefixes pruning lists under (`live::owned::OwnedQuery`), because apply and destroy may
//! delete anything under them that carries the environment's ownership tags. Must not decide
//! which actions a command needs (`catalogue.rs`) or print.
//!
//! ARN formats: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html> and each
//! service's "Resource types" table in the Service Authorization Reference. Log groups are
//! matched with and without the `:*` suffix by one trailing `*`
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html>).

use super::catalogue::Scope;
use crate::live::owned::OwnedQuery;
use crate::model::Desired;
use crate::model::partition::Partition;

/// The ARN parts and names of one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvScope {
    pub partition: Partition,
    pub region: String,
    /// The 12-digit account, or `*` when the spec pins none.
    pub account: String,
    pub cluster: String,
    pub family_prefix: String,
    pub role_prefix: String,
    pub log_group_prefix: String,
    /// What every service name shares (`{app}-{env}-` by default): step rules' alarms are
    /// named `<service name>-…`.
    pub service_prefix: String,
    pub schedule_group: String,
    pub lock_parameter: String,
    /// What the spec references outside the environment (`preflight::references`), as
    /// policy resources: secret ARNs (with and without AWS's `-??????` suffix), key ARNs, EFS
    /// file system and access point ARNs, ECR repository ARNs.
    pub referenced_secrets: Vec<String>,
    pub referenced_keys: Vec<String>,
    pub referenced_file_systems: Vec<String>,
    pub referenced_repositories: Vec<String>,
}

impl EnvScope {
    pub fn of(desired: &Desired) -> EnvScope {
        let q = OwnedQuery::of(desired, false);
        EnvScope {
            // The model's partition: the spec's region offline (`Partition::of_region`), the
            // caller's ARN once plan has credentials.
            partition: desired.partition,
            region: desired.region.clone(),
            account: desired
                .account_id
                .clone()
                .unwrap_or_else(|| "*".to_string()),
            cluster: desired.cluster.name.clone(),
            family_prefix: q.family_prefix,
            role_prefix: q.role_prefix,
            log_group_prefix: q.log_group_prefix,
            service_prefix: crate::live::owned::shared_prefix(
                &format!("{}-{}-", desired.app, desired.env),
                desired.services.iter().map(|s| s.name.as_str()),
            ),
            // As `live::query` and `live::owned` read it: the jobs' group, else the default one
            // a removed job may have left behind.
            schedule_group: desired
                .scheduled_tasks
                .first()
                .map(|t| t.group.clone())
                .unwrap_or_else(|| {
                    crate::model::scheduled::schedule_group(&desired.app, &desired.env)
                }),
            lock_parameter: crate::lock::parameter_name(&desired.app, &desired.env),
            referenced_secrets: Vec::new(),
            referenced_keys: Vec::new(),
            referenced_file_systems: Vec::new(),
            referenced_repositories: Vec::new(),
        }
        .with_references(desired)
    }

    fn with_references(mut self, desired: &Desired) -> EnvScope {
        let refs = crate::preflight::references::gather(desired, None);
        // Offline, an ARN the model built keeps `{account_id}`: any account, as `account`.
        let any = |arn: &str| arn.replace("{account_id}", "*");
        self.referenced_secrets = refs
            .secrets
            .keys()
            .flat_map(|a| [any(a), format!("{}-??????", any(a))])
            .collect();
        self.referenced_keys = refs.kms_keys.keys().map(|k| any(k)).collect();
        let efs = |kind: &str, id: &str| {
            self.partition.arn(
                "elasticfilesystem",
                &self.region,
                &self.account,
                &format!("{kind}/{id}"),
            )
        };
        let mut fs: Vec<String> = refs
            .file_systems
            .keys()
            .map(|f| efs("file-system", f))
            .collect();
        fs.extend(refs.access_points.keys().map(|a| efs("access-point", a)));
        self.referenced_file_systems = fs;
        let mut repos: Vec<String> = refs
            .images
            .keys()
            .filter_map(|i| crate::model::iam::ecr_repository(i))
            .map(|r| any(&r))
            .collect();
        repos.sort();
        repos.dedup();
        self.referenced_repositories = repos;
        self
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`
    fn arn(&self, service: &str, resource: &str) -> String {
        self.partition
            .arn(service, &self.region, &self.account, resource)
    }

    /// The cluster's ARN (the `ecs:cluster` condition's value).
    pub fn cluster_arn(&self) -> String {
        self.arn("ecs", &format!("cluster/{}", self.cluster))
    }

    /// An IAM role ARN (IAM is global: no region).
    pub fn role_arn(&self, path_and_name: &str) -> String {
        self.partition
            .arn("iam", "", &self.account, &format!("role/{path_and_name}"))
    }

    /// The `Resource` values of `scope`.
    pub fn resources(&self, scope: Scope) -> Vec<String> {
        let one = |s: String| vec![s];
        match scope {
            Scope::Any => one("*".to_string()),
            Scope::Cluster => one(self.cluster_arn()),
            Scope::Services => one(self.arn("ecs", &format!("service/{}/*", self.cluster))),
            Scope::ServiceDeployments => {
                one(self.arn("ecs", &format!("service-deployment/{}/*", self.cluster)))
            }
            Scope::Tasks => one(self.arn("ecs", &format!("task/{}/*", self.cluster))),
            Scope::ClusterCondition => one("*".to_string()),
            // `family:revision`: the prefix and `*` cover every revision of every family under it.
            Scope::Families => {
                one(self.arn("ecs", &format!("task-definition/{}*", self.family_prefix)))
            }
            Scope::Roles => one(self.role_arn(&format!("{}*", self.role_prefix))),
            Scope::LogGroups => {
                one(self.arn("logs", &format!("log-group:{}*", self.log_group_prefix)))
            }
            Scope::Namespaces => one(self.arn("servicediscovery", "namespace/*")),
            Scope::DiscoveryServices => one(self.arn("servicediscovery", "service/*")),
            Scope::ScalableTargets => one(self.arn("application-autoscaling", "scalable-target/*")),
            // Target tracking names its alarms `TargetTracking-service/CLUSTER/SERVICE-Alarm…`;
            // ecsctl names a step rule's alarm `<service name>-<metric>-above|below`.
            Scope::Alarms => vec![
                self.arn(
                    "cloudwatch",
                    &format!("alarm:TargetTracking-service/{}/*", self.cluster),
                ),
                self.arn("cloudwatch", &format!("alarm:{}*", self.service_prefix)),
            ],
            Scope::ScheduleGroup => one(self.arn(
                "scheduler",
                &format!("schedule-group/{}", self.schedule_group),
            )),
            Scope::Schedules => {
                one(self.arn("scheduler", &format!("schedule/{}/*", self.schedule_group)))
            }
            // The parameter name starts with `/`, which the ARN keeps once: `parameter/ecsctl/…`.
            Scope::LockParameter => {
                one(self.arn("ssm", &format!("parameter{}", self.lock_parameter)))
            }
            Scope::EcsServiceLinkedRole => one(self.role_arn(ECS_SLR)),
            Scope::ReferencedSecrets => self.referenced_secrets.clone(),
            Scope::ReferencedKeys => self.referenced_keys.clone(),
            Scope::ReferencedFileSystems => self.referenced_file_systems.clone(),
            Scope::ReferencedRepositories => self.referenced_repositories.clone(),
        }
    }

    /// Whether the prefixes are narrower than the default name forms allow: custom `names:`
    /// templates that share less with `{app}-{env}-` widen what pruning (and so the policy)
    /// covers. Returns the widened prefixes as `(kind, prefix, default prefix)`.
    pub fn widened(&self, app: &str, env: &str) -> Vec<(&'static str, String, String)> {
        let base = format!("{app}-{env}-");
        let logs = format!("/ecs/{app}-{env}/");
        let mut out = Vec::new();
        if self.family_prefix != base {
            out.push((
                "task definition families",
                self.family_prefix.clone(),
                base.clone(),
            ));
        }
        if self.role_prefix != base {
            out.push(("IAM roles", self.role_prefix.clone(), base.clone()));
        }
        if self.log_group_prefix != logs {
            out.push(("log groups", self.log_group_prefix.clone(), logs));
        }
        out
    }
}

/// The ECS service-linked role's path and name
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html>).
pub const ECS_SLR: &str = "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS";

/// Application Auto Scaling's service-linked role for ECS, created on the first
/// RegisterScalableTarget of an ECS service
/// (<https://docs.aws.amazon.com/autoscaling/application/userguide/services-that-can-integrate-ecs.html>).
pub const AAS_ECS_SLR: &str = "aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService";
