//! The IAM roles ecsctl owns: each task's execution role (least privilege, derived from the
//! spec), task roles on request (or for ECS Exec), the scheduler role, and the infrastructure
//! role of blueGreen, linear and canary deployments.
//!
//! Owns the policy derivation rules: exactly the secrets, parameters, KMS keys, ECR
//! repositories and log group a task uses, each grant as the ECS task execution role
//! documentation lists it
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html>),
//! and no AWS managed policy: `AmazonECSTaskExecutionRolePolicy` grants ECR pull and log writes
//! on `*`, which would make the scoped grants restrict nothing. Every ARN and principal is in
//! the scope's partition. Must not call IAM; names arrive already templated.

use super::arn;
use super::partition::Partition;
use super::policy::{PolicyDocument, Statement};
use super::resources::{Role, RolePurpose, RoleRef, Service, ServiceVolume, Tags};
use super::scope::{Scope, for_check};
use super::secrets::{Grant, SecretRef};
use crate::spec::raw::{RawStatement, RawTaskRole};
use crate::spec::raw_values::Effect;
use crate::spec::span::Loc;

/// The managed policy older ecsctl versions attached to every execution role; a role that
/// still has it shows its detach in the plan (it is not in the desired attachments).
pub const EXECUTION_POLICY_NAME: &str = "service-role/AmazonECSTaskExecutionRolePolicy";

/// The actions the task role needs for ECS Exec; they accept no resource, so `*`
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-required-iam-permissions>).
pub const EXEC_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// What a task's execution role must reach.
pub struct ExecutionNeeds<'a> {
    pub images: Vec<&'a str>,
    pub secrets: &'a [SecretRef],
    pub log_group: &'a str,
    /// Secrets with private registry credentials (`repositoryCredentials`).
    pub registry_credentials: &'a [String],
    /// S3 object ARNs of `environmentFiles`.
    pub environment_files: &'a [String],
}

/// The execution role's inline policy, statement by statement, each from
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html>:
/// ECR pull on the repositories the images are in, with `ecr:GetAuthorizationToken` on `*`
/// (it takes no resource: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html>);
/// the awslogs driver's CreateLogStream and PutLogEvents on the task's own group; and the
/// secrets, parameters and customer-managed KMS keys its containers name
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html#secrets-iam>).
pub fn execution_role(cx: &Scope, name: String, needs: &ExecutionNeeds, tags: &Tags) -> Role {
    let mut statements = Vec::new();
    let repos: Vec<String> = needs
        .images
        .iter()
        .filter_map(|i| ecr_repository(i))
        .collect();
    if !repos.is_empty() {
        statements.push(sid(
            "EcrAuth",
            Statement::allow(&["ecr:GetAuthorizationToken"], vec!["*".into()]),
        ));
        let pull = [
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ];
        statements.push(sid("EcrPull", Statement::allow(&pull, repos)));
    }
    let group = format!("log-group:{}:*", needs.log_group);
    let log_arn = cx
        .partition
        .arn("logs", &cx.region, cx.account_text(), &group);
    statements.push(sid(
        "Logs",
        Statement::allow(
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            vec![log_arn],
        ),
    ));
    let (secrets, params, keys) = grants(needs.secrets);
    if !secrets.is_empty() {
        statements.push(sid(
            "Secrets",
            Statement::allow(&["secretsmanager:GetSecretValue"], secrets),
        ));
    }
    if !params.is_empty() {
        statements.push(sid(
            "Parameters",
            Statement::allow(&["ssm:GetParameters"], params),
        ));
    }
    if !keys.is_empty() {
        statements.push(sid("Kms", Statement::allow(&["kms:Decrypt"], keys)));
    }
    // Private registry authentication: "the task execution role ... secretsmanager:GetSecretValue"
    // on the credentials secret (ECS developer guide, "Private registry authentication for
    // tasks"); as for `secrets`, the ARN with and without AWS's 6-character suffix.
    if !needs.registry_credentials.is_empty() {
        let mut arns: Vec<String> = needs
            .registry_credentials
            .iter()
            .flat_map(|a| super::secrets::arn_grants(a))
            .collect();
        arns.sort();
        arns.dedup();
        statements.push(sid(
            "RegistryCredentials",
            Statement::allow(&["secretsmanager:GetSecretValue"], arns),
        ));
    }
    // Environment files: "s3:GetObject" on the objects and "s3:GetBucketLocation" on their
    // buckets (ECS developer guide, "Amazon ECS task execution IAM role", environment files).
    if !needs.environment_files.is_empty() {
        let mut objects = needs.environment_files.to_vec();
        objects.sort();
        objects.dedup();
        let mut buckets: Vec<String> = objects
            .iter()
            .filter_map(|o| o.split_once('/').map(|(bucket, _)| bucket.to_string()))
            .collect();
        buckets.sort();
        buckets.dedup();
        statements.push(sid(
            "EnvironmentFiles",
            Statement::allow(&["s3:GetObject"], objects),
        ));
        statements.push(sid(
            "EnvironmentFileBuckets",
            Statement::allow(&["s3:GetBucketLocation"], buckets),
        ));
    }
    Role {
        name,
        purpose: RolePurpose::Execution,
        trusted_service: cx.partition.service_principal("ecs-tasks"),
        managed_policy_arns: Vec::new(),
        inline_policy: Some(PolicyDocument::new(statements)),
        tags: tags.clone(),
    }
}

/// `executionRole: shared`: every task built the environment's one execution role with what it
/// needs; this keeps one role of each name, whose statements grant what they all need (each
/// statement's resources unioned by `Sid`, so the role is still scoped to the repositories,
/// log groups, secrets, parameters and keys some task uses, and nothing else). Roles of
/// distinct names pass through in order.
pub fn merge_execution_roles(roles: Vec<Role>) -> Vec<Role> {
    let mut out: Vec<Role> = Vec::new();
    for role in roles {
        let Some(kept) = out
            .iter_mut()
            .find(|r| r.name == role.name && r.purpose == RolePurpose::Execution)
            .filter(|_| role.purpose == RolePurpose::Execution)
        else {
            out.push(role);
            continue;
        };
        let (Some(into), Some(from)) = (kept.inline_policy.as_mut(), role.inline_policy) else {
            continue;
        };
        for statement in from.statement {
            match into.statement.iter_mut().find(|s| s.sid == statement.sid) {
                Some(same) => {
                    same.resource.extend(statement.resource);
                    same.resource.sort();
                    same.resource.dedup();
                }
                None => into.statement.push(statement),
            }
        }
    }
    out
}

/// `AmazonECSTaskExecutionRolePolicy` in `partition`
/// (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSTaskExecutionRolePolicy.html>).
pub fn execution_policy_arn(partition: Partition) -> String {
    partition.arn("iam", "", "aws", &format!("policy/{EXECUTION_POLICY_NAME}"))
}

fn sid(id: &str, mut s: Statement) -> Statement {
    s.sid = Some(id.to_string());
    s
}

fn grants(secrets: &[SecretRef]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut sm, mut ssm, mut kms) = (Vec::new(), Vec::new(), Vec::new());
    for s in secrets {
        match &s.grant {
            Grant::Secret(a) => sm.extend(a.iter().cloned()),
            Grant::Parameter(a) => ssm.push(a.clone()),
        }
        kms.extend(s.kms_key.iter().cloned());
    }
    (sm, ssm, kms)
}

/// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]` → the repository ARN, in the
/// partition of the host's region (`amazonaws.com.cn` hosts are in China:
/// <https://docs.amazonaws.cn/en_us/aws/latest/userguide/ecr.html>).
pub fn ecr_repository(image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let mut labels = host.split('.');
    let (account, dkr, ecr, region) = (
        labels.next()?,
        labels.next()?,
        labels.next()?,
        labels.next()?,
    );
    let domain: Vec<&str> = labels.collect();
    let partition = Partition::of_region(region);
    let ecr_host = dkr == "dkr" && ecr == "ecr" && domain.join(".") == partition.dns_suffix();
    if !ecr_host || !arn::is_account(&for_check(account)) {
        return None;
    }
    let path = path.split('@').next()?;
    let repo = match path.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => path,
    };
    Some(partition.arn("ecr", region, account, &format!("repository/{repo}")))
}

/// The task role: None without `taskRole` (and without ECS Exec), an existing role by ARN, or
/// one ecsctl creates. `exec` is where `enableExecuteCommand: true` was written: the role then
/// also grants the ECS Exec channel actions, and is created for that alone when the task has
/// none; an existing role cannot be changed, so validate warns that it must grant them.
/// What a task's own setup needs from its task role, besides the spec's statements.
pub struct TaskRoleNeeds<'a> {
    /// `enableExecuteCommand`, where it is written.
    pub exec: Option<Loc>,
    /// The log group the FireLens router writes the default output to, and where
    /// `driver: firelens` is written.
    pub firelens_group: Option<(&'a str, Loc)>,
}

/// The actions Fluent Bit's `cloudwatch_logs` output calls into an existing group
/// (<https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch>: `logs:CreateLogGroup` only
/// with `auto_create_group`, which the default output does not set).
pub const FIRELENS_LOG_ACTIONS: [&str; 2] = ["logs:CreateLogStream", "logs:PutLogEvents"];

pub fn task_role(
    cx: &Scope,
    raw: Option<&RawTaskRole>,
    name: String,
    at: &str,
    needs: &TaskRoleNeeds,
    tags: &Tags,
) -> (Option<RoleRef>, Option<Role>) {
    let exec = needs.exec;
    let firelens_arn = needs.firelens_group.map(|(group, loc)| {
        let arn = cx.partition.arn(
            "logs",
            &cx.region,
            cx.account_text(),
            &format!("log-group:{group}:*"),
        );
        (arn, loc)
    });
    let path = format!("{at}.taskRole");
    let wants_owned = raw.is_some_and(|r| r.statements.is_some() || r.managed_policies.is_some());
    if let Some(arn_sp) = raw.and_then(|r| r.arn.as_ref()) {
        if wants_owned {
            let message = "`taskRole.arn` names an existing role; `statements` and `managedPolicies` cannot be added to it";
            cx.error_hint(
                arn_sp.loc,
                format!("{path}.arn"),
                message,
                "remove `arn` to let ecsctl create the role, or the statements",
            );
        }
        let text = cx
            .name(arn_sp, &format!("{path}.arn"), None)
            .unwrap_or_default();
        if !arn::is_role(&for_check(&text)) {
            cx.error_hint(
                arn_sp.loc,
                format!("{path}.arn"),
                format!("task role `{text}` is not an IAM role ARN"),
                format!("use `arn:{}:iam::ACCOUNT:role/NAME`", cx.partition),
            );
        }
        if let Some(loc) = exec {
            cx.warn(
                loc,
                format!("{at}.enableExecuteCommand"),
                format!(
                    "ECS Exec needs the task role `{text}` to allow {}; ecsctl does not manage that role, so make sure it does",
                    EXEC_ACTIONS.join(", ")
                ),
            );
        }
        if let Some((arn, loc)) = &firelens_arn {
            cx.warn(
                *loc,
                format!("{at}.logs.driver"),
                format!(
                    "the FireLens log router writes to CloudWatch Logs with the task role `{text}`, which must allow {} on `{arn}`; ecsctl does not manage that role, so make sure it does",
                    FIRELENS_LOG_ACTIONS.join(", ")
                ),
            );
        }
        return (Some(RoleRef::External(text)), None);
    }
    if !wants_owned && exec.is_none() && firelens_arn.is_none() {
        return (None, None);
    }
    let managed = raw.map_or_else(Vec::new, |r| managed_policies(cx, r, &path));
    let mut statements: Vec<Statement> = raw
        .and_then(|r| r.statements.as_ref())
        .iter()
        .flat_map(|l| l.value.iter().enumerate().map(move |(i, s)| (l.loc, i, s)))
        .map(|(at, i, s)| statement(cx, s, at, &format!("{path}.statements[{i}]")))
        .collect();
    if exec.is_some() {
        statements.push(sid(
            "EcsExec",
            Statement::allow(&EXEC_ACTIONS, vec!["*".into()]),
        ));
    }
    if let Some((arn, _)) = firelens_arn {
        statements.push(sid(
            "FireLensLogs",
            Statement::allow(&FIRELENS_LOG_ACTIONS, vec![arn]),
        ));
    }
    let inline_policy = (!statements.is_empty()).then(|| PolicyDocument::new(statements));
    let role = Role {
        name: name.clone(),
        purpose: RolePurpose::Task,
        trusted_service: cx.partition.service_principal("ecs-tasks"),
        managed_policy_arns: managed,
        inline_policy,
        tags: tags.clone(),
    };
    (Some(RoleRef::Owned(name)), Some(role))
}

fn managed_policies(cx: &Scope, raw: &RawTaskRole, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in raw
        .managed_policies
        .iter()
        .flat_map(|l| l.value.iter())
        .enumerate()
    {
        let at = format!("{path}.managedPolicies[{i}]");
        let Some(text) = cx.name(p, &at, None) else {
            continue;
        };
        if !arn::is_managed_policy(&for_check(&text)) {
            cx.error_hint(
                p.loc,
                at,
                format!("managed policy `{text}` is not a policy ARN"),
                format!(
                    "use `arn:{p}:iam::aws:policy/NAME` or `arn:{p}:iam::ACCOUNT:policy/NAME`",
                    p = cx.partition
                ),
            );
        }
        out.push(text);
    }
    out
}

/// `list`: where `statements:` is written, for a statement with no value of its own to point at.
fn statement(cx: &Scope, s: &RawStatement, list: crate::spec::span::Loc, path: &str) -> Statement {
    let list = |l: &Option<crate::spec::raw::SpList<String>>, field: &str| -> Vec<String> {
        let Some(l) = l else {
            cx.error(
                s.sid
                    .as_ref()
                    .map(|x| x.loc)
                    .or(s.effect.as_ref().map(|e| e.loc))
                    .or(s.actions.as_ref().map(|a| a.loc))
                    .or(s.resources.as_ref().map(|r| r.loc))
                    .unwrap_or(list),
                format!("{path}.{field}"),
                format!("statement has no `{field}`"),
            );
            return Vec::new();
        };
        l.value
            .iter()
            .enumerate()
            .filter_map(|(i, v)| cx.name(v, &format!("{path}.{field}[{i}]"), None))
            .collect()
    };
    Statement {
        sid: s.sid.as_ref().map(|x| x.value.clone()),
        effect: match s.effect.as_ref().map(|e| e.value) {
            Some(Effect::Deny) => "Deny".to_string(),
            _ => "Allow".to_string(),
        },
        action: list(&s.actions, "actions"),
        resource: list(&s.resources, "resources"),
        condition: s.condition.as_ref().map(|c| c.value.clone()),
    }
}

/// The scheduler's role: run exactly these families, pass exactly these roles, and tag the
/// tasks it starts in `cluster` (the schedules pass the ownership tags to RunTask, and ECS
/// authorises tags on create with `ecs:TagResource` conditioned on the creating action:
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
pub fn scheduler_role(
    cx: &Scope,
    name: String,
    cluster: &str,
    families: &[String],
    roles: &[RoleRef],
    tags: &Tags,
) -> Role {
    let ecs = |resource: String| {
        cx.partition
            .arn("ecs", &cx.region, cx.account_text(), &resource)
    };
    let defs = families
        .iter()
        .map(|f| ecs(format!("task-definition/{f}:*")))
        .collect();
    let passed = roles.iter().map(|r| role_arn(cx, r)).collect();
    let tasks = ecs(format!("task/{cluster}/*"));
    let mut tag = sid(
        "TagRunTask",
        Statement::allow(&["ecs:TagResource"], vec![tasks]),
    );
    tag.condition = Some(serde_json::json!({"StringEquals": {"ecs:CreateAction": "RunTask"}}));
    let statements = vec![
        sid("RunTask", Statement::allow(&["ecs:RunTask"], defs)),
        sid("PassRole", Statement::allow(&["iam:PassRole"], passed)),
        tag,
    ];
    Role {
        name,
        purpose: RolePurpose::Scheduler,
        trusted_service: cx.partition.service_principal("scheduler"),
        managed_policy_arns: Vec::new(),
        inline_policy: Some(PolicyDocument::new(statements)),
        tags: tags.clone(),
    }
}

/// The infrastructure role ECS assumes during blueGreen, linear and canary deployments: the
/// statements of the managed `AmazonECSInfrastructureRolePolicyForLoadBalancers`
/// (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html>)
/// scoped to the services' own target groups, listener rules and listeners (a listener's
/// default rule is changed with ModifyListener, so each rule's listener is granted too), and
/// `lambda:InvokeFunction` on exactly the hook functions
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html>).
/// The ELB reads take no resource-level scope (Service Authorization Reference), so `*`.
pub fn infrastructure_role(cx: &Scope, name: String, services: &[&Service], tags: &Tags) -> Role {
    let (mut groups, mut rules, mut listeners, mut functions) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in services {
        for lb in &s.load_balancers {
            let Some(t) = &lb.traffic else { continue };
            groups.push(lb.target_group_arn.clone());
            groups.push(t.alternate_target_group_arn.clone());
            for r in std::iter::once(&t.production_listener_rule).chain(&t.test_listener_rule) {
                if r.contains(":listener-rule/") {
                    rules.push(r.clone());
                }
                listeners.push(arn::listener_of(r));
            }
        }
        functions.extend(s.deployment.hooks.iter().map(|h| h.function.clone()));
    }
    let mut statements = Vec::new();
    let mut add = |id: &str, actions: &[&str], mut resources: Vec<String>| {
        resources.sort();
        resources.dedup();
        if !resources.is_empty() {
            statements.push(sid(id, Statement::allow(actions, resources)));
        }
    };
    if !groups.is_empty() {
        let reads = [
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
        ];
        add("ElbRead", &reads, vec!["*".into()]);
    }
    let targets = [
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    ];
    add("TargetGroups", &targets, groups);
    add("ListenerRules", &["elasticloadbalancing:ModifyRule"], rules);
    add(
        "Listeners",
        &["elasticloadbalancing:ModifyListener"],
        listeners,
    );
    add("Hooks", &["lambda:InvokeFunction"], functions);
    statements.extend(volume_statements(cx, services));
    Role {
        name,
        purpose: RolePurpose::Infrastructure,
        trusted_service: cx.partition.service_principal("ecs"),
        managed_policy_arns: Vec::new(),
        inline_policy: Some(PolicyDocument::new(statements)),
        tags: tags.clone(),
    }
}

/// What ECS does with the role for the services' EBS volumes: the statements of the managed
/// `AmazonECSInfrastructureRolePolicyForVolumes` (v5,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForVolumes.html>)
/// with its conditions kept (only volumes ECS creates for a task, tagged `AmazonECSManaged`),
/// scoped to this region and account and to tasks of the services' clusters; snapshots and
/// KMS keys only those the volumes name. A customer managed key needs the calls EBS encryption
/// lists, `CreateGrant` only for grants made for an AWS resource
/// (<https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html>).
/// Fargate attaches volumes to instances in an AWS account, so the instance ARNs keep `*` as
/// their account; DescribeVolumes, DescribeAvailabilityZones and DescribeInstances take no
/// resource-level scope.
fn volume_statements(cx: &Scope, services: &[&Service]) -> Vec<Statement> {
    let volumes: Vec<(&Service, &ServiceVolume)> = services
        .iter()
        .filter_map(|s| Some((*s, s.ebs_volume.as_ref()?)))
        .collect();
    if volumes.is_empty() {
        return Vec::new();
    }
    let (p, region, account) = (cx.partition, cx.region.as_str(), cx.account_text());
    let volume_arn = p.arn("ec2", region, account, "volume/*");
    let mut tasks: Vec<String> = volumes
        .iter()
        .map(|(s, _)| p.arn("ecs", region, account, &format!("task/{}/*", s.cluster)))
        .collect();
    tasks.sort();
    tasks.dedup();
    let created = serde_json::json!({
        "ArnLike": {"aws:RequestTag/AmazonECSCreated": tasks},
        "StringEquals": {"aws:RequestTag/AmazonECSManaged": "true"},
    });
    let mut tag_on_create = created.clone();
    tag_on_create["StringEquals"]["ec2:CreateAction"] = "CreateVolume".into();
    let managed = serde_json::json!({
        "StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"},
    });
    let owned = serde_json::json!({
        "ArnLike": {"aws:ResourceTag/AmazonECSCreated": tasks},
        "StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"},
    });
    let with =
        |id: &str, actions: &[&str], resources: Vec<String>, cond: Option<serde_json::Value>| {
            let mut st = sid(id, Statement::allow(actions, resources));
            st.condition = cond;
            st
        };
    let mut out = vec![
        with(
            "CreateEBSManagedVolume",
            &["ec2:CreateVolume"],
            vec![volume_arn.clone()],
            Some(created),
        ),
        with(
            "TagOnCreateVolume",
            &["ec2:CreateTags"],
            vec![volume_arn.clone()],
            Some(tag_on_create),
        ),
        with(
            "DescribeVolumesForLifecycle",
            &[
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInstances",
                "ec2:DescribeVolumes",
            ],
            vec!["*".into()],
            None,
        ),
        with(
            "ManageEBSVolumeLifecycle",
            &["ec2:AttachVolume", "ec2:DetachVolume"],
            vec![volume_arn.clone()],
            Some(managed),
        ),
        with(
            "ManageVolumeAttachments",
            &["ec2:AttachVolume", "ec2:DetachVolume"],
            vec![p.arn("ec2", region, "*", "instance/*")],
            None,
        ),
        with(
            "DeleteEBSManagedVolume",
            &["ec2:DeleteVolume"],
            vec![volume_arn],
            Some(owned),
        ),
    ];
    let mut snapshots: Vec<String> = volumes
        .iter()
        .filter_map(|(_, v)| v.ebs.snapshot_id.as_ref())
        .map(|id| p.arn("ec2", region, "", &format!("snapshot/{id}")))
        .collect();
    snapshots.sort();
    snapshots.dedup();
    if !snapshots.is_empty() {
        out.push(with(
            "CreateEBSManagedVolumeFromSnapshot",
            &["ec2:CreateVolume"],
            snapshots,
            None,
        ));
    }
    let mut keys: Vec<String> = volumes
        .iter()
        .filter_map(|(_, v)| v.ebs.kms_key_id.clone())
        .collect();
    keys.sort();
    keys.dedup();
    if !keys.is_empty() {
        let uses = [
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
        ];
        out.push(with("EncryptEBSVolumes", &uses, keys.clone(), None));
        let for_aws = serde_json::json!({"Bool": {"kms:GrantIsForAWSResource": "true"}});
        out.push(with(
            "GrantEBSVolumeKeys",
            &["kms:CreateGrant"],
            keys,
            Some(for_aws),
        ));
    }
    out
}

pub fn role_arn(cx: &Scope, r: &RoleRef) -> String {
    match r {
        RoleRef::Owned(name) => {
            cx.partition
                .arn("iam", "", cx.account_text(), &format!("role/{name}"))
        }
        RoleRef::External(arn) => arn.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_repositories() {
        let cases = [
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.2",
                Some("arn:aws:ecr:eu-west-1:123456789012:repository/api"),
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:abc",
                Some("arn:aws:ecr:eu-west-1:123456789012:repository/team/api"),
            ),
            (
                "{account_id}.dkr.ecr.eu-west-1.amazonaws.com/api",
                Some("arn:aws:ecr:eu-west-1:{account_id}:repository/api"),
            ),
            ("nginx:1.27", None),
            ("ghcr.io/org/app:1", None),
        ];
        for (image, want) in cases {
            assert_eq!(ecr_repository(image).as_deref(), want, "{image}");
        }
    }
}
