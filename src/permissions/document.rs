//! The IAM policy document for one command on one environment: the catalogue's rows grouped
//! into one statement per resource scope, then the statements whose conditions IAM checks on
//! the request (`iam:PassRole`, `iam:CreateServiceLinkedRole`).
//!
//! Owns the document's shape (`PolicyDocument`, serialised as IAM's JSON grammar) and the notes
//! a reader needs (an account left as `*`, prefixes widened by custom names). Must not print:
//! `cli::commands::permissions` writes the JSON to stdout and the notes to stderr.
//!
//! Policy grammar: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.

use std::collections::BTreeSet;

use serde::Serialize;

use super::catalogue::{Command, Need, Scope, rows_for};
use super::scope::{AAS_ECS_SLR, ECS_SLR, EnvScope};
use crate::model::{Desired, RoleRef};

/// An IAM identity-based policy, in IAM's JSON field names and order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    #[serde(rename = "Action")]
    pub actions: Vec<String>,
    #[serde(rename = "Resource")]
    pub resources: Vec<String>,
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<serde_json::Value>,
}

impl Statement {
    fn allow(sid: &str, actions: Vec<String>, resources: Vec<String>) -> Statement {
        Statement {
            sid: sid.to_string(),
            effect: "Allow",
            actions,
            resources,
            condition: None,
        }
    }

    fn when_equals(self, key: &str, values: Vec<String>) -> Statement {
        self.when("StringEquals", key, values)
    }

    fn when(mut self, operator: &str, key: &str, values: Vec<String>) -> Statement {
        self.condition = Some(serde_json::json!({ operator: { key: values } }));
        self
    }
}

/// The policy and what the reader should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub document: PolicyDocument,
    /// Lowercase sentences for stderr.
    pub notes: Vec<String>,
}

/// The least-privilege policy `command` needs on `desired`'s environment.
pub fn generate(desired: &Desired, command: Command) -> Generated {
    let scope = EnvScope::of(desired);
    let has = |need: Need| match need {
        Need::Always => true,
        Need::Namespace => desired.namespace.is_some(),
        Need::Autoscaling => !desired.scaling_targets.is_empty(),
        Need::Schedules => desired.schedules().next().is_some(),
        Need::BeforeDeploy => !desired.before_deploy.is_empty(),
        Need::Secrets => !scope.referenced_secrets.is_empty(),
        Need::KmsKeys => !scope.referenced_keys.is_empty(),
        Need::Efs => !scope.referenced_file_systems.is_empty(),
        Need::EcrImages => !scope.referenced_repositories.is_empty(),
    };
    let mut scoped: Vec<(Scope, BTreeSet<&str>)> = Vec::new();
    for row in rows_for(command, has) {
        match scoped.iter_mut().find(|(s, _)| *s == row.scope) {
            Some((_, actions)) => {
                actions.insert(row.action);
            }
            None => scoped.push((row.scope, BTreeSet::from([row.action]))),
        }
    }
    // Scoped statements in the catalogue's scope order, the `*`-only one last.
    scoped.sort_by_key(|(s, _)| (*s == Scope::Any, *s));
    let (any, scoped): (Vec<_>, Vec<_>) = scoped.into_iter().partition(|(s, _)| *s == Scope::Any);
    let mut statements: Vec<Statement> = scoped
        .into_iter()
        .map(|(s, actions)| {
            let statement = Statement::allow(sid(s), owned(actions), scope.resources(s));
            match s {
                Scope::ClusterCondition => {
                    statement.when("ArnEquals", "ecs:cluster", vec![scope.cluster_arn()])
                }
                _ => statement,
            }
        })
        .collect();
    statements.extend(pass_role(desired, &scope, command));
    if command == Command::Apply {
        statements.extend(service_linked_roles(&scope, has(Need::Autoscaling)));
    }
    for (s, actions) in any {
        statements.push(Statement::allow(sid(s), owned(actions), scope.resources(s)));
    }
    Generated {
        document: PolicyDocument {
            version: "2012-10-17",
            statements,
        },
        notes: notes(desired, &scope, command),
    }
}

fn owned(actions: BTreeSet<&str>) -> Vec<String> {
    actions.into_iter().map(str::to_string).collect()
}

/// The statement id of a scope (IAM allows only letters and digits).
fn sid(scope: Scope) -> &'static str {
    match scope {
        Scope::Any => "ActionsThatAcceptOnlyAllResources",
        Scope::Cluster => "EcsCluster",
        Scope::Services => "EcsServicesOfTheCluster",
        Scope::ServiceDeployments => "EcsServiceDeploymentsOfTheCluster",
        Scope::Tasks => "EcsTasksOfTheCluster",
        Scope::ClusterCondition => "EcsTaskListOfTheCluster",
        Scope::Families => "EcsTaskDefinitionFamilies",
        Scope::Roles => "IamRoles",
        Scope::LogGroups => "LogGroups",
        Scope::Namespaces => "CloudMapNamespaces",
        Scope::DiscoveryServices => "CloudMapServices",
        Scope::ScalableTargets => "ScalableTargets",
        Scope::Alarms => "TargetTrackingAlarms",
        Scope::ScheduleGroup => "ScheduleGroup",
        Scope::Schedules => "Schedules",
        Scope::LockParameter => "EnvironmentLock",
        Scope::EcsServiceLinkedRole => "EcsServiceLinkedRoleLookup",
        Scope::ReferencedSecrets => "ReferencedSecrets",
        Scope::ReferencedKeys => "ReferencedKmsKeys",
        Scope::ReferencedFileSystems => "ReferencedEfs",
        Scope::ReferencedRepositories => "ReferencedEcrRepositories",
    }
}

/// `iam:PassRole` on exactly the roles the command hands to a service, one statement per
/// service with `iam:PassedToService`. apply registers task definitions and creates services
/// (ECS checks that the caller may pass their roles) and creates schedules (Scheduler checks
/// the schedule's role: terraform-aws-modules/terraform-aws-ecs#414), and hands ECS the
/// infrastructure role of blueGreen, linear and canary services; run starts the jobs' task
/// definitions. <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>
fn pass_role(desired: &Desired, scope: &EnvScope, command: Command) -> Vec<Statement> {
    let families: Vec<&crate::model::TaskDefinition> = match command {
        Command::Apply => desired.task_definitions.iter().collect(),
        Command::Run => desired
            .task_definitions
            .iter()
            .filter(|t| desired.scheduled_tasks.iter().any(|j| j.family == t.family))
            .collect(),
        Command::Plan
        | Command::Destroy
        | Command::Status
        | Command::Verify
        | Command::Logs
        | Command::Exec
        | Command::Redeploy
        | Command::Rollback
        | Command::Prices => return Vec::new(),
    };
    // The service each role is passed to is the one its trust policy names (the model writes
    // it, per partition); a role given by ARN is passed to ECS tasks.
    let ecs_tasks = scope.partition.service_principal("ecs-tasks");
    let trusted = |name: &str| {
        desired
            .roles
            .iter()
            .find(|r| r.name == name)
            .map_or(ecs_tasks.clone(), |r| r.trusted_service.clone())
    };
    let mut to_tasks = BTreeSet::new();
    let mut services = BTreeSet::new();
    for td in families {
        for r in std::iter::once(&td.execution_role).chain(td.task_role.as_ref()) {
            let (arn, service) = match r {
                RoleRef::Owned(name) => (scope.role_arn(name), trusted(name)),
                RoleRef::External(arn) => (arn.clone(), ecs_tasks.clone()),
            };
            to_tasks.insert(arn);
            services.insert(service);
        }
    }
    let mut out = Vec::new();
    if !to_tasks.is_empty() {
        out.push(
            Statement::allow(
                "PassTaskRolesToEcsTasks",
                vec!["iam:PassRole".into()],
                to_tasks.into_iter().collect(),
            )
            .when_equals("iam:PassedToService", services.into_iter().collect()),
        );
    }
    // The infrastructure role goes to ECS itself with the services' load balancers, hooks and
    // EBS volumes (CreateService/UpdateService `advancedConfiguration.roleArn`,
    // `lifecycleHooks[].roleArn`, `volumeConfigurations[].managedEBSVolume.roleArn`).
    let infrastructure: BTreeSet<String> = desired
        .services
        .iter()
        .filter_map(|s| s.infrastructure_role())
        .map(|name| scope.role_arn(name))
        .collect();
    if command == Command::Apply && !infrastructure.is_empty() {
        out.push(
            Statement::allow(
                "PassInfrastructureRoleToEcs",
                vec!["iam:PassRole".into()],
                infrastructure.into_iter().collect(),
            )
            .when_equals(
                "iam:PassedToService",
                vec![scope.partition.service_principal("ecs")],
            ),
        );
    }
    if command == Command::Apply && desired.schedules().next().is_some() {
        let roles: BTreeSet<String> = desired
            .schedules()
            .map(|j| scope.role_arn(&j.role))
            .collect();
        // The role's own trusted service (the model writes it per partition).
        let mut services: BTreeSet<String> = desired
            .roles
            .iter()
            .filter(|r| desired.schedules().any(|j| j.role == r.name))
            .map(|r| r.trusted_service.clone())
            .collect();
        if services.is_empty() {
            services.insert(scope.partition.service_principal("scheduler"));
        }
        out.push(
            Statement::allow(
                "PassSchedulerRoleToScheduler",
                vec!["iam:PassRole".into()],
                roles.into_iter().collect(),
            )
            .when_equals("iam:PassedToService", services.into_iter().collect()),
        );
    }
    out
}

/// `iam:CreateServiceLinkedRole`, limited with `iam:AWSServiceName` to the two roles apply can
/// cause: ECS's (apply creates it before the first cluster, apply/cluster.rs) and Application
/// Auto Scaling's for ECS (AWS creates it on the first RegisterScalableTarget of an ECS
/// service, with the caller's permission).
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create-service-linked-role.html#service-linked-role-permissions>
fn service_linked_roles(scope: &EnvScope, autoscaling: bool) -> Vec<Statement> {
    let slr = |sid: &str, role: &str, service: &str| {
        Statement::allow(
            sid,
            vec!["iam:CreateServiceLinkedRole".into()],
            vec![scope.role_arn(role)],
        )
        .when_equals("iam:AWSServiceName", vec![service.into()])
    };
    let principal = |service: &str| scope.partition.service_principal(service);
    let mut out = vec![slr(
        "CreateEcsServiceLinkedRole",
        ECS_SLR,
        &principal("ecs"),
    )];
    if autoscaling {
        out.push(slr(
            "CreateAutoScalingServiceLinkedRole",
            AAS_ECS_SLR,
            &principal("ecs.application-autoscaling"),
        ));
    }
    out
}

fn notes(desired: &Desired, scope: &EnvScope, command: Command) -> Vec<String> {
    let mut notes = Vec::new();
    if desired.account_id.is_none() {
        notes.push(
            "the spec sets no `account:`, so every ARN has `*` for its account\n  hint: set \
             `account:` in ecsctl.yaml or the environment to pin the policy to one account"
                .to_string(),
        );
    }
    for (kind, prefix, default) in scope.widened(&desired.app, &desired.env) {
        notes.push(format!(
            "custom names widen the {kind} the policy covers to the prefix `{prefix}` (what \
             the spec's names share with `{default}`): pruning looks there too"
        ));
    }
    if command == Command::Run && desired.scheduled_tasks.is_empty() {
        notes.push(format!(
            "environment `{}` has no `scheduledTasks`: `run` has no job to start",
            desired.env
        ));
    }
    notes
}

impl PolicyDocument {
    /// Pretty JSON, one action per line, ending in a newline. A single resource is written as
    /// a string, as IAM's own examples do.
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(statements) = value["Statement"].as_array_mut() {
            for s in statements {
                if let Some(only) = s["Resource"].as_array().filter(|r| r.len() == 1) {
                    s["Resource"] = only[0].clone();
                }
            }
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Every action the document allows, whatever the resource (for tests and docs).
    pub fn actions(&self) -> BTreeSet<&str> {
        self.statements
            .iter()
            .flat_map(|s| s.actions.iter().map(String::as_str))
            .collect()
    }

    /// The statement with this id.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.sid == sid)
    }
}
