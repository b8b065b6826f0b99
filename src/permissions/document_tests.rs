//! The generated policy per command: resource scoping, the `*`-only statement, and the
//! dependent actions (PassRole, service-linked roles, tag-on-create). moto does not enforce
//! resources, conditions or dependent actions (docs/emulator.md), so these are pinned here.

use std::collections::BTreeSet;

use super::catalogue::Command;
use super::document::{PolicyDocument, generate};
use crate::model::Desired;
use crate::model::testkit::{build_raw, ok, parse, with_base};

const ACCT: &str = "123456789012";

fn desired(extra: &str) -> Desired {
    ok(extra).0
}

const ONE_SERVICE: &str = "services:\n  api:\n    image: nginx\n";

const FULL: &str = r#"discovery:
  namespace: "{app}-{env}.local"
  vpc: vpc-1
services:
  api:
    image: nginx
    ports: [8080]
    autoscaling:
      min: 1
      max: 3
      cpu: 70
    taskRole:
      statements:
        - actions: [s3:GetObject]
          resources: ["arn:aws:s3:::shop/*"]
scheduledTasks:
  report:
    service: api
    schedule: rate(1 day)
"#;

fn policy(extra: &str, command: Command) -> PolicyDocument {
    generate(&desired(extra), command).document
}

fn resources<'a>(p: &'a PolicyDocument, sid: &str) -> Vec<&'a str> {
    p.statement(sid)
        .unwrap_or_else(|| panic!("no statement `{sid}` in {}", p.to_json()))
        .resources
        .iter()
        .map(String::as_str)
        .collect()
}

fn actions<'a>(p: &'a PolicyDocument, sid: &str) -> Vec<&'a str> {
    p.statement(sid)
        .unwrap_or_else(|| panic!("no statement `{sid}` in {}", p.to_json()))
        .actions
        .iter()
        .map(String::as_str)
        .collect()
}

fn is_write(action: &str) -> bool {
    let name = action.split(':').nth(1).unwrap_or_default();
    [
        "Create",
        "Update",
        "Put",
        "Delete",
        "Register",
        "Deregister",
        "Tag",
        "Untag",
        "Run",
    ]
    .iter()
    .chain(
        [
            "Stop",
            "Attach",
            "Detach",
            "Pass",
            "Associate",
            "Disassociate",
        ]
        .iter(),
    )
    .any(|w| name.starts_with(w))
}

#[test]
fn plan_reads_only_and_names_the_environments_resources() {
    let p = policy(ONE_SERVICE, Command::Plan);
    let writes: Vec<&str> = p.actions().into_iter().filter(|a| is_write(a)).collect();
    assert!(writes.is_empty(), "plan may not write: {writes:?}");
    // The pre-flight's ssm:DescribeParameters reads metadata; the lock's calls are these.
    let lock = [
        "ssm:PutParameter",
        "ssm:GetParameter",
        "ssm:DeleteParameter",
    ];
    assert!(
        !p.actions().iter().any(|a| lock.contains(a)),
        "plan takes no lock"
    );
    assert_eq!(
        resources(&p, "EcsCluster"),
        [format!("arn:aws:ecs:eu-west-1:{ACCT}:cluster/shop-prod")]
    );
    assert_eq!(
        resources(&p, "EcsServicesOfTheCluster"),
        [format!("arn:aws:ecs:eu-west-1:{ACCT}:service/shop-prod/*")]
    );
    assert_eq!(
        resources(&p, "IamRoles"),
        [format!("arn:aws:iam::{ACCT}:role/shop-prod-*")]
    );
    assert_eq!(
        resources(&p, "LogGroups"),
        [format!(
            "arn:aws:logs:eu-west-1:{ACCT}:log-group:/ecs/shop-prod/*"
        )]
    );
    assert_eq!(
        resources(&p, "ScheduleGroup"),
        [format!(
            "arn:aws:scheduler:eu-west-1:{ACCT}:schedule-group/shop-prod"
        )]
    );
}

/// The actions whose Service Authorization Reference row lists no resource type.
#[test]
fn actions_that_accept_only_star_are_in_one_statement_that_says_so() {
    let p = policy(ONE_SERVICE, Command::Plan);
    assert_eq!(resources(&p, "ActionsThatAcceptOnlyAllResources"), ["*"]);
    assert_eq!(
        actions(&p, "ActionsThatAcceptOnlyAllResources"),
        [
            "application-autoscaling:DescribeScalableTargets",
            "application-autoscaling:DescribeScalingPolicies",
            "application-autoscaling:DescribeScheduledActions",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ecs:DescribeTaskDefinition",
            "ecs:ListServices",
            "ecs:ListTaskDefinitionFamilies",
            "ecs:ListTaskDefinitions",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "iam:GetAccountAuthorizationDetails",
            "iam:ListRoles",
            "logs:DescribeLogGroups",
            "scheduler:ListSchedules",
            "servicediscovery:ListNamespaces",
            "servicediscovery:ListServices",
            "ssm:DescribeParameters",
            "tag:GetResources",
        ]
    );
    // No other statement is unscoped, unless a condition limits it.
    for s in &p.statements {
        if s.sid != "ActionsThatAcceptOnlyAllResources" && s.condition.is_none() {
            assert!(!s.resources.contains(&"*".to_string()), "{}", s.sid);
        }
    }
}

#[test]
fn apply_passes_exactly_the_task_roles_to_ecs_tasks() {
    let p = policy(FULL, Command::Apply);
    let s = p.statement("PassTaskRolesToEcsTasks").unwrap();
    assert_eq!(s.actions, ["iam:PassRole"]);
    assert_eq!(
        s.resources,
        [
            format!("arn:aws:iam::{ACCT}:role/shop-prod-api-exec"),
            format!("arn:aws:iam::{ACCT}:role/shop-prod-api-task"),
        ]
    );
    assert_eq!(
        s.condition,
        Some(
            serde_json::json!({"StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}})
        )
    );
    let s = p.statement("PassSchedulerRoleToScheduler").unwrap();
    assert_eq!(
        s.resources,
        [format!("arn:aws:iam::{ACCT}:role/shop-prod-scheduler")]
    );
    assert_eq!(
        s.condition,
        Some(
            serde_json::json!({"StringEquals": {"iam:PassedToService": ["scheduler.amazonaws.com"]}})
        )
    );
}

#[test]
fn an_external_task_role_is_passed_by_its_arn() {
    let p = policy(
        "services:\n  api:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/existing\n",
        Command::Apply,
    );
    assert_eq!(
        resources(&p, "PassTaskRolesToEcsTasks"),
        [
            "arn:aws:iam::123456789012:role/existing".to_string(),
            format!("arn:aws:iam::{ACCT}:role/shop-prod-api-exec"),
        ]
    );
}

#[test]
fn apply_may_create_only_the_ecs_and_autoscaling_service_linked_roles() {
    let p = policy(FULL, Command::Apply);
    let ecs = p.statement("CreateEcsServiceLinkedRole").unwrap();
    assert_eq!(
        ecs.resources,
        [format!(
            "arn:aws:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
        )]
    );
    assert_eq!(
        ecs.condition,
        Some(serde_json::json!({"StringEquals": {"iam:AWSServiceName": ["ecs.amazonaws.com"]}}))
    );
    let aas = p.statement("CreateAutoScalingServiceLinkedRole").unwrap();
    assert_eq!(
        aas.condition,
        Some(
            serde_json::json!({"StringEquals": {"iam:AWSServiceName": ["ecs.application-autoscaling.amazonaws.com"]}})
        )
    );
    // Without autoscaling, only ECS's.
    let p = policy(ONE_SERVICE, Command::Apply);
    assert!(p.statement("CreateEcsServiceLinkedRole").is_some());
    assert!(p.statement("CreateAutoScalingServiceLinkedRole").is_none());
    // The lookup before creating it is on that one role.
    assert_eq!(actions(&p, "EcsServiceLinkedRoleLookup"), ["iam:GetRole"]);
}

#[test]
fn apply_has_the_tag_actions_that_create_with_tags_needs() {
    let p = policy(FULL, Command::Apply);
    assert!(actions(&p, "EcsTaskDefinitionFamilies").contains(&"ecs:TagResource"));
    assert!(actions(&p, "EcsCluster").contains(&"ecs:TagResource"));
    assert!(actions(&p, "EcsServicesOfTheCluster").contains(&"ecs:TagResource"));
    assert!(actions(&p, "LogGroups").contains(&"logs:TagResource"));
    assert!(actions(&p, "IamRoles").contains(&"iam:TagRole"));
    assert!(actions(&p, "CloudMapNamespaces").contains(&"servicediscovery:TagResource"));
    assert!(actions(&p, "ScalableTargets").contains(&"application-autoscaling:TagResource"));
    assert!(actions(&p, "ScheduleGroup").contains(&"scheduler:TagResource"));
    assert!(actions(&p, "EnvironmentLock").contains(&"ssm:AddTagsToResource"));
    // Cloud Map's private DNS namespace creates a Route 53 zone in the VPC.
    let star = actions(&p, "ActionsThatAcceptOnlyAllResources");
    for a in [
        "route53:CreateHostedZone",
        "ec2:DescribeVpcs",
        "ecs:RegisterTaskDefinition",
    ] {
        assert!(star.contains(&a), "{a} missing from {star:?}");
    }
}

#[test]
fn features_the_spec_lacks_get_no_create_actions_but_keep_their_deletes() {
    let p = policy(ONE_SERVICE, Command::Apply);
    let all = p.actions();
    for absent in [
        "scheduler:CreateSchedule",
        "servicediscovery:CreatePrivateDnsNamespace",
        "route53:CreateHostedZone",
        "application-autoscaling:RegisterScalableTarget",
        "cloudwatch:PutMetricAlarm",
    ] {
        assert!(!all.contains(absent), "{absent} without the feature");
    }
    // A job, namespace or scaling target removed from the spec is pruned by apply.
    for present in [
        "scheduler:DeleteSchedule",
        "servicediscovery:DeleteNamespace",
        "application-autoscaling:DeregisterScalableTarget",
        "cloudwatch:DeleteAlarms",
    ] {
        assert!(all.contains(present), "{present} missing");
    }
}

#[test]
fn destroy_deletes_under_the_lock_and_creates_nothing() {
    let p = policy(FULL, Command::Destroy);
    let all = p.actions();
    let creates: Vec<&&str> = all
        .iter()
        .filter(|a| a.contains(":Create") || a.contains(":Register") || a.contains(":Put"))
        .filter(|a| **a != "ssm:PutParameter")
        .collect();
    assert!(creates.is_empty(), "{creates:?}");
    assert!(!all.contains("iam:PassRole"));
    // ListTasks: `*`, limited to the cluster by its condition.
    let list = p.statement("EcsTaskListOfTheCluster").unwrap();
    assert_eq!(list.actions, ["ecs:ListTasks"]);
    assert_eq!(list.resources, ["*"]);
    assert_eq!(
        list.condition,
        Some(
            serde_json::json!({"ArnEquals": {"ecs:cluster": [format!("arn:aws:ecs:eu-west-1:{ACCT}:cluster/shop-prod")]}})
        )
    );
    for a in [
        "ecs:DeleteService",
        "ecs:DeleteCluster",
        "ecs:StopTask",
        "ecs:DeleteTaskDefinitions",
        "iam:DeleteRole",
        "logs:DeleteLogGroup",
        "servicediscovery:DeleteNamespace",
        "scheduler:DeleteScheduleGroup",
        "ssm:DeleteParameter",
    ] {
        assert!(all.contains(a), "{a} missing");
    }
    assert_eq!(
        resources(&p, "EnvironmentLock"),
        [format!(
            "arn:aws:ssm:eu-west-1:{ACCT}:parameter/ecsctl/locks/shop/prod"
        )]
    );
}

#[test]
fn run_needs_the_lock_runtask_on_the_families_and_the_jobs_roles() {
    let p = policy(FULL, Command::Run);
    let all: BTreeSet<&str> = p.actions();
    assert_eq!(
        all,
        BTreeSet::from([
            // the revision the spec describes now, found or registered (apply::run_revision),
            // and the services' images the run compares with
            "ecs:DescribeServices",
            "ecs:DescribeTaskDefinition",
            "ecs:DescribeTasks",
            "ecs:ListTaskDefinitions",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
            "ecs:TagResource",
            "iam:PassRole",
            "ssm:AddTagsToResource",
            "ssm:DeleteParameter",
            "ssm:GetParameter",
            "ssm:PutParameter",
        ])
    );
    assert_eq!(
        resources(&p, "EcsTaskDefinitionFamilies"),
        [format!(
            "arn:aws:ecs:eu-west-1:{ACCT}:task-definition/shop-prod-*"
        )]
    );
    assert_eq!(
        actions(&p, "EcsTasksOfTheCluster"),
        ["ecs:DescribeTasks", "ecs:TagResource"]
    );
    assert!(p.statement("PassSchedulerRoleToScheduler").is_none());
}

#[test]
fn arns_use_the_partition_of_the_spec_region() {
    for (region, partition) in [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")] {
        // Built offline from a spec in that region, as `ecsctl permissions` builds it.
        let spec = with_base(ONE_SERVICE).replace("eu-west-1", region);
        let (d, _) = build_raw(&parse(&spec, 0)).expect("the spec builds");
        let p = generate(&d, Command::Apply).document;
        assert_eq!(
            resources(&p, "EcsCluster"),
            [format!(
                "arn:{partition}:ecs:{region}:{ACCT}:cluster/shop-prod"
            )]
        );
        assert_eq!(
            resources(&p, "CreateEcsServiceLinkedRole"),
            [format!(
                "arn:{partition}:iam::{ACCT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
            )]
        );
    }
}

#[test]
fn without_account_every_arn_has_a_star_account_and_a_note_says_so() {
    let d = Desired {
        account_id: None,
        ..desired(ONE_SERVICE)
    };
    let g = generate(&d, Command::Plan);
    assert_eq!(
        resources(&g.document, "EcsCluster"),
        ["arn:aws:ecs:eu-west-1:*:cluster/shop-prod"]
    );
    assert_eq!(
        g.notes,
        [
            "the spec sets no `account:`, so every ARN has `*` for its account\n  hint: set \
          `account:` in ecsctl.yaml or the environment to pin the policy to one account"
        ]
    );
}

#[test]
fn the_document_is_iam_json_with_single_resources_as_strings() {
    let text = policy(ONE_SERVICE, Command::Plan).to_json();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    let first = &v["Statement"][0];
    assert_eq!(first["Sid"], "EcsCluster");
    assert_eq!(first["Effect"], "Allow");
    assert_eq!(
        first["Resource"],
        format!("arn:aws:ecs:eu-west-1:{ACCT}:cluster/shop-prod")
    );
    assert!(text.ends_with("}\n"));
}

/// Custom names that share less with `{app}-{env}-` widen what pruning lists, so the policy
/// covers that wider prefix, and says so.
#[test]
fn custom_names_widen_the_scoped_prefixes_with_a_note() {
    let mut d = desired(ONE_SERVICE);
    d.task_definitions[0].family = "shop-api-prod".into();
    d.log_groups[0].name = "/custom/api".into();
    let g = generate(&d, Command::Plan);
    assert_eq!(
        resources(&g.document, "LogGroups"),
        [format!("arn:aws:logs:eu-west-1:{ACCT}:log-group:/*")]
    );
    assert_eq!(
        g.notes,
        [
            "custom names widen the task definition families the policy covers to the prefix \
             `shop-` (what the spec's names share with `shop-prod-`): pruning looks there too",
            "custom names widen the log groups the policy covers to the prefix `/` (what the \
             spec's names share with `/ecs/shop-prod/`): pruning looks there too",
        ]
    );
}

/// The day-two commands of issue 13 each get exactly what they send: exec finds a task and
/// opens the session, redeploy and rollback update services under the lock (rollback also reads
/// the family's revisions); none of them passes a role or reads IAM.
#[test]
fn exec_redeploy_and_rollback_policies_hold_exactly_their_calls() {
    let lock = [
        "ssm:AddTagsToResource",
        "ssm:DeleteParameter",
        "ssm:GetParameter",
        "ssm:PutParameter",
    ];
    let exec = policy(FULL, Command::Exec);
    assert_eq!(
        exec.actions(),
        BTreeSet::from(["ecs:DescribeTasks", "ecs:ExecuteCommand", "ecs:ListTasks"])
    );
    let redeploy = policy(FULL, Command::Redeploy);
    let mut want: BTreeSet<&str> = lock.into_iter().collect();
    // The wait reads a blue/green deployment's stages (ListServiceDeployments and
    // DescribeServiceDeployments) as apply's does.
    want.extend([
        "ecs:DescribeServiceDeployments",
        "ecs:DescribeServices",
        "ecs:ListServiceDeployments",
        "ecs:UpdateService",
    ]);
    assert_eq!(redeploy.actions(), want);
    let rollback = policy(FULL, Command::Rollback);
    want.extend(["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"]);
    assert_eq!(rollback.actions(), want);
    for p in [&exec, &redeploy, &rollback] {
        assert!(!p.to_json().contains("iam:"), "{}", p.to_json());
    }
}

/// The pre-flight reads exactly what the spec references: the secrets (with and without AWS's
/// random suffix), the ECR repositories; a spec without them gets no statement for them, and
/// `verify` gets the pre-flight's reads only.
#[test]
fn the_preflight_reads_are_scoped_to_what_the_spec_references() {
    let spec = "services:\n  api:\n    image: \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:v1\"\n    secrets:\n      DB:\n        secretsManager: shop/db\n";
    let p = policy(spec, Command::Verify);
    assert_eq!(
        actions(&p, "ReferencedSecrets"),
        ["secretsmanager:DescribeSecret"]
    );
    assert_eq!(
        resources(&p, "ReferencedSecrets"),
        [
            format!("arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:shop/db"),
            format!("arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:shop/db-??????"),
        ]
    );
    assert_eq!(
        resources(&p, "ReferencedEcrRepositories"),
        ["arn:aws:ecr:eu-west-1:123456789012:repository/shop/api"]
    );
    let all = p.actions();
    assert!(
        !all.iter()
            .any(|a| a.starts_with("ecs:") || a.starts_with("iam:")),
        "{all:?}"
    );
    let plain = policy(ONE_SERVICE, Command::Apply);
    assert!(
        !plain
            .statements
            .iter()
            .any(|s| s.sid.starts_with("Referenced"))
    );
}

/// apply may start the `beforeDeploy` jobs and read their logs only when the spec has some.
#[test]
fn apply_with_before_deploy_jobs_may_run_them_and_read_their_logs() {
    let jobs = "services:\n  api:\n    image: nginx\nscheduledTasks:\n  migrate:\n    service: api\n    command: [migrate]\nbeforeDeploy: [migrate]\n";
    let with = policy(jobs, Command::Apply);
    assert!(
        with.actions().contains("ecs:RunTask"),
        "{:?}",
        with.actions()
    );
    assert!(with.actions().contains("logs:FilterLogEvents"));
    let without = policy(ONE_SERVICE, Command::Apply);
    assert!(!without.actions().contains("ecs:RunTask"));
    assert!(!without.actions().contains("logs:FilterLogEvents"));
}
