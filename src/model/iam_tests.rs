//! Tests of what the roles hold and which partition everything is built in (issue 11): the
//! execution role without `AmazonECSTaskExecutionRolePolicy`, `kms:Decrypt` for a secret's
//! customer key, ECS Exec on the task role, ARNs in `aws-cn` and `aws-us-gov`, and KMS keys
//! that must be key ARNs.

use super::policy::PolicyDocument;
use super::resources::{Desired, Role, RoleRef};
use super::testkit::{Want, assert_errors, assert_errors_full, assert_one, build_raw, ok, parse};
use crate::diagnostic::Severity;

/// `(sid, actions, resources)` of every statement, for exact comparison.
fn statements(policy: &PolicyDocument) -> Vec<(String, Vec<String>, Vec<String>)> {
    policy
        .statement
        .iter()
        .map(|s| {
            (
                s.sid.clone().unwrap_or_default(),
                s.action.clone(),
                s.resource.clone(),
            )
        })
        .collect()
}

fn row(sid: &str, actions: &[&str], resources: &[&str]) -> (String, Vec<String>, Vec<String>) {
    let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    (sid.to_string(), own(actions), own(resources))
}

fn role<'a>(d: &'a Desired, name: &str) -> &'a Role {
    d.roles
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no role {name} in {:?}", d.roles))
}

#[test]
fn execution_role_attaches_no_managed_policy_so_its_scoped_grants_are_all_it_has() {
    let (d, _) = ok(
        "services:\n  api:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1\n    secrets:\n      DB: {secretsManager: api/db, kmsKey: \"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab\"}\n      FLAG: {ssm: /shop/flag}\n",
    );
    let exec = role(&d, "shop-prod-api-exec");
    assert_eq!(exec.managed_policy_arns, Vec::<String>::new());
    assert_eq!(exec.trusted_service, "ecs-tasks.amazonaws.com");
    let policy = exec.inline_policy.as_ref().expect("inline policy");
    assert_eq!(
        statements(policy),
        vec![
            row("EcrAuth", &["ecr:GetAuthorizationToken"], &["*"]),
            row(
                "EcrPull",
                &[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"
                ],
                &["arn:aws:ecr:eu-west-1:123456789012:repository/api"]
            ),
            row(
                "Logs",
                &["logs:CreateLogStream", "logs:PutLogEvents"],
                &["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/api:*"]
            ),
            row(
                "Secrets",
                &["secretsmanager:GetSecretValue"],
                &["arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/db-??????"]
            ),
            row(
                "Parameters",
                &["ssm:GetParameters"],
                &["arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flag"]
            ),
            row(
                "Kms",
                &["kms:Decrypt"],
                &["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab"]
            ),
        ]
    );
}

#[test]
fn public_images_get_no_ecr_grant_and_aws_managed_keys_no_kms_grant() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx:1.27\n    secrets:\n      DB: {secretsManager: api/db}\n",
    );
    let policy = role(&d, "shop-prod-api-exec")
        .inline_policy
        .clone()
        .unwrap();
    let sids: Vec<String> = statements(&policy).into_iter().map(|s| s.0).collect();
    assert_eq!(sids, ["Logs", "Secrets"]);
}

const EXEC: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

#[test]
fn enable_execute_command_without_a_task_role_creates_one_that_can_open_the_channels() {
    let (d, warnings) = ok("services:\n  api:\n    image: nginx\n    enableExecuteCommand: true\n");
    assert_eq!(warnings.into_iter().count(), 0);
    assert!(d.services[0].enable_execute_command);
    assert_eq!(
        d.task_definitions[0].task_role,
        Some(RoleRef::Owned("shop-prod-api-task".into()))
    );
    let task = role(&d, "shop-prod-api-task");
    assert_eq!(task.managed_policy_arns, Vec::<String>::new());
    assert_eq!(
        statements(task.inline_policy.as_ref().unwrap()),
        vec![row("EcsExec", &EXEC, &["*"])]
    );
}

#[test]
fn enable_execute_command_adds_the_channels_to_an_owned_task_role() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    enableExecuteCommand: true\n    taskRole:\n      statements:\n        - actions: [s3:GetObject]\n          resources: [\"arn:aws:s3:::shop/*\"]\n",
    );
    let task = role(&d, "shop-prod-api-task");
    assert_eq!(
        statements(task.inline_policy.as_ref().unwrap()),
        vec![
            row("", &["s3:GetObject"], &["arn:aws:s3:::shop/*"]),
            row("EcsExec", &EXEC, &["*"]),
        ]
    );
}

#[test]
fn no_task_role_without_enable_execute_command() {
    for extra in [
        "services:\n  api:\n    image: nginx\n",
        "services:\n  api:\n    image: nginx\n    enableExecuteCommand: false\n",
    ] {
        let (d, _) = ok(extra);
        assert_eq!(d.roles.len(), 1, "{extra}");
        assert_eq!(d.task_definitions[0].task_role, None, "{extra}");
    }
}

#[test]
fn enable_execute_command_with_an_existing_task_role_warns_that_it_must_grant_the_channels() {
    assert_one(
        "external task role",
        "services:\n  api:\n    image: nginx\n    enableExecuteCommand: true\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/shared\n",
        Severity::Warning,
        &Want {
            path: "services.api.enableExecuteCommand",
            message: "ECS Exec needs the task role `arn:aws:iam::123456789012:role/shared` to allow ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel; ecsctl does not manage that role, so make sure it does",
            line: 4,
        },
    );
}

/// One spec that makes every kind of ARN, principal and host ecsctl generates.
fn everything(region: &str, host_suffix: &str) -> String {
    format!(
        "app: shop\nregion: {region}\naccount: \"123456789012\"\nnetwork:\n  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]\nservices:\n  api:\n    image: 123456789012.dkr.ecr.{region}.{host_suffix}/api:1\n    enableExecuteCommand: true\n    secrets:\n      DB: {{secretsManager: api/db}}\n      FLAG: {{ssm: /shop/flag}}\n    taskRole:\n      statements:\n        - actions: [s3:GetObject]\n          resources: [\"*\"]\nscheduledTasks:\n  nightly:\n    service: api\n    schedule: rate(1 day)\n    command: [report]\n"
    )
}

#[test]
fn every_generated_arn_is_in_the_regions_partition() {
    for (region, suffix, partition) in [
        ("eu-west-1", "amazonaws.com", "aws"),
        ("cn-north-1", "amazonaws.com.cn", "aws-cn"),
        ("us-gov-west-1", "amazonaws.com", "aws-us-gov"),
    ] {
        let (d, _) = build_raw(&parse(&everything(region, suffix), 0))
            .unwrap_or_else(|e| panic!("{region}: {:#?}", e.into_iter().collect::<Vec<_>>()));
        assert_eq!(d.partition.as_str(), partition);
        let text = serde_json::to_string(&d).unwrap();
        let arns: Vec<&str> = text.split('"').filter(|s| s.starts_with("arn:")).collect();
        assert!(arns.len() >= 8, "{region}: {arns:?}");
        for arn in &arns {
            assert!(
                arn.starts_with(&format!("arn:{partition}:")),
                "{region}: {arn}"
            );
        }
        if partition != "aws" {
            assert!(!text.contains("arn:aws:"), "{region}: {text}");
        }
        let exec = role(&d, "shop-prod-api-exec");
        let pull = &exec.inline_policy.as_ref().unwrap().statement[1];
        assert_eq!(
            pull.resource,
            [format!(
                "arn:{partition}:ecr:{region}:123456789012:repository/api"
            )]
        );
        // ECS's and the scheduler's principals are the same in every partition.
        let principals: std::collections::BTreeSet<&str> =
            d.roles.iter().map(|r| r.trusted_service.as_str()).collect();
        assert_eq!(
            principals,
            ["ecs-tasks.amazonaws.com", "scheduler.amazonaws.com"].into()
        );
    }
}

#[test]
fn an_ecr_host_of_another_partition_is_not_granted_as_if_it_were_this_ones() {
    use super::iam::ecr_repository;
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:1").as_deref(),
        Some("arn:aws-cn:ecr:cn-north-1:123456789012:repository/api")
    );
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr.us-gov-east-1.amazonaws.com/api").as_deref(),
        Some("arn:aws-us-gov:ecr:us-gov-east-1:123456789012:repository/api")
    );
    // China's registries are only under amazonaws.com.cn, the others never are.
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr.cn-north-1.amazonaws.com/api"),
        None
    );
    assert_eq!(
        ecr_repository("123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn/api"),
        None
    );
}

#[test]
fn spec_arns_in_another_partition_are_errors_at_their_line() {
    let base = "app: shop\nregion: cn-north-1\naccount: \"123456789012\"\nnetwork:\n  subnets: [subnet-0a1b2c3d]\n  securityGroups: [sg-0a1b2c3d]\n";
    let role = format!(
        "{base}services:\n  api:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/shared\n"
    );
    let secret = format!(
        "{base}services:\n  api:\n    image: nginx\n    secrets:\n      DB: arn:aws-us-gov:secretsmanager:cn-north-1:123456789012:secret:db\n"
    );
    assert_errors_full(&[
        (
            "task role",
            &role,
            Want {
                path: "services.api.taskRole.arn",
                message: "`arn:aws:iam::123456789012:role/shared` is in partition `aws` but this environment is in `aws-cn` (region `cn-north-1`)",
                line: 11,
            },
        ),
        (
            "secret",
            &secret,
            Want {
                path: "services.api.secrets.DB",
                message: "`arn:aws-us-gov:secretsmanager:cn-north-1:123456789012:secret:db` is in partition `aws-us-gov` but this environment is in `aws-cn` (region `cn-north-1`)",
                line: 11,
            },
        ),
    ]);
    let d = build_raw(&parse(&role, 0)).unwrap_err();
    let hint = d.into_iter().find_map(|d| d.hint).unwrap();
    assert_eq!(
        hint,
        "write it as `arn:aws-cn:iam::123456789012:role/shared`"
    );
}

#[test]
fn log_group_kms_key_must_be_a_key_arn_not_an_alias() {
    let w = |message| Want {
        path: "services.api.logs.kmsKeyId",
        message,
        line: 5,
    };
    assert_errors(&[
        (
            "alias arn",
            "services:\n  api:\n    image: nginx\n    logs:\n      kmsKeyId: arn:aws:kms:eu-west-1:123456789012:alias/logs\n",
            w(
                "kms key `arn:aws:kms:eu-west-1:123456789012:alias/logs` is an alias; CloudWatch Logs takes only the key's ARN",
            ),
        ),
        (
            "bare alias",
            "services:\n  api:\n    image: nginx\n    logs:\n      kmsKeyId: alias/logs\n",
            w("kms key `alias/logs` is an alias; CloudWatch Logs takes only the key's ARN"),
        ),
        (
            "key id",
            "services:\n  api:\n    image: nginx\n    logs:\n      kmsKeyId: 1234abcd-12ab\n",
            w("kms key `1234abcd-12ab` is not a KMS key ARN"),
        ),
    ]);
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    logs:\n      kmsKeyId: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab\n",
    );
    assert_eq!(
        d.log_groups[0].kms_key_id.as_deref(),
        Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab")
    );
}

#[test]
fn secret_kms_key_must_be_a_key_arn_because_iam_matches_no_alias() {
    assert_errors(&[(
        "alias",
        "services:\n  api:\n    image: nginx\n    secrets:\n      DB: {secretsManager: db, kmsKey: alias/db}\n",
        Want {
            path: "services.api.secrets.DB",
            message: "`kmsKey` `alias/db` is not a KMS key ARN",
            line: 5,
        },
    )]);
}

/// `executionRole: shared` (seed 001, OHI): one role for every service and job, scoped to what
/// they need together; each task definition names it; per-service roles are gone.
#[test]
fn a_shared_execution_role_grants_the_union_of_what_every_task_needs() {
    let (d, _) = ok(
        "executionRole: shared\nservices:\n  api:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1\n    secrets:\n      DB: {secretsManager: api/db}\n  worker:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:1\n    secrets:\n      DB: {secretsManager: api/db}\n      QUEUE: {ssm: /shop/queue}\nscheduledTasks:\n  report:\n    image: nginx\n    schedule: cron(0 3 * * ? *)\n",
    );
    let exec: Vec<&Role> = d
        .roles
        .iter()
        .filter(|r| r.name.ends_with("-exec"))
        .collect();
    assert_eq!(exec.len(), 1, "{:?}", d.roles);
    assert_eq!(exec[0].name, "shop-prod-exec");
    for t in &d.task_definitions {
        assert_eq!(
            t.execution_role,
            RoleRef::Owned("shop-prod-exec".into()),
            "{}",
            t.family
        );
    }
    let policy = exec[0].inline_policy.as_ref().unwrap();
    assert_eq!(
        statements(policy),
        vec![
            row("EcrAuth", &["ecr:GetAuthorizationToken"], &["*"]),
            row(
                "EcrPull",
                &[
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer"
                ],
                &[
                    "arn:aws:ecr:eu-west-1:123456789012:repository/api",
                    "arn:aws:ecr:eu-west-1:123456789012:repository/worker"
                ]
            ),
            row(
                "Logs",
                &["logs:CreateLogStream", "logs:PutLogEvents"],
                &[
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/api:*",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/report:*",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/worker:*"
                ]
            ),
            row(
                "Secrets",
                &["secretsmanager:GetSecretValue"],
                &["arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/db-??????"]
            ),
            row(
                "Parameters",
                &["ssm:GetParameters"],
                &["arn:aws:ssm:eu-west-1:123456789012:parameter/shop/queue"]
            ),
        ]
    );
}

#[test]
fn a_shared_execution_role_takes_a_template_without_service() {
    let (d, _) = ok(
        "executionRole: shared\nnames:\n  executionRole: \"{app}-{env}-task-execution\"\nservices:\n  api:\n    image: nginx\n  web:\n    image: nginx\n",
    );
    let names: Vec<&str> = d.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["shop-prod-task-execution"]);
    assert_errors(&[(
        "per-service template",
        "executionRole: shared\nnames:\n  executionRole: \"{app}-{env}-{service}-exec\"\nservices:\n  api:\n    image: nginx\n",
        Want {
            path: "names.executionRole",
            message: "`{app}-{env}-{service}-exec` names one role per service, but `executionRole: shared` asks for one role",
            line: 3,
        },
    )]);
}

#[test]
fn execution_role_arn_names_an_existing_role_and_creates_none() {
    // A service, and a job built from it, use the role they name (from `defaults:` or their
    // own); no execution role is created, and the task role is still ecsctl's.
    let (d, _) = ok(r"defaults:
  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
services:
  api:
    image: nginx
    taskRole: {statements: [{actions: [s3:GetObject], resources: ['*']}]}
  web:
    image: nginx
    executionRoleArn: arn:aws:iam::123456789012:role/web-exec
  worker:
    image: nginx
scheduledTasks:
  nightly:
    service: api
    schedule: cron(0 3 * * ? *)
");
    let exec = |family: &str| {
        d.task_definitions
            .iter()
            .find(|t| t.family == family)
            .map(|t| t.execution_role.clone())
    };
    let ext = |arn: &str| Some(RoleRef::External(arn.into()));
    assert_eq!(
        exec("shop-prod-web"),
        ext("arn:aws:iam::123456789012:role/web-exec")
    );
    assert_eq!(
        exec("shop-prod-api"),
        ext("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
        "`defaults.executionRoleArn` reaches every service"
    );
    let names: Vec<&str> = d.roles.iter().map(|r| r.name.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.ends_with("-exec")),
        "no execution role is created: {names:?}"
    );
    assert!(names.contains(&"shop-prod-api-task"), "{names:?}");
    assert_eq!(
        exec("shop-prod-worker"),
        ext("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
    );
    let job = &d.scheduled_tasks[0];
    assert_eq!(
        job.family, "shop-prod-api",
        "the job runs its service's task definition"
    );
}
