//! The roles ecsctl owns, against the emulator (issue 11): an execution role that an older
//! ecsctl left with `AmazonECSTaskExecutionRolePolicy` attached is planned and applied without
//! it, and `enableExecuteCommand` creates the task role ECS Exec needs. Effects are checked
//! through boto3, never through ecsctl's own reads.

use serde_json::{Value, json};

use crate::apply::Project;

const FIXTURE: &str = "tests/fixtures/apply-basic";
const EXEC_ROLE: &str = "ap-test-web-exec";
/// What ecsctl attached to every execution role before issue 11.
const MANAGED: &str = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

fn attached(p: &Project, role: &str) -> Value {
    p.call("iam", "ListAttachedRolePolicies", json!({"RoleName": role}))["AttachedPolicies"].clone()
}

#[test]
fn execution_role_left_with_the_managed_policy_by_an_older_ecsctl_is_detached() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    assert_eq!(
        attached(&p, EXEC_ROLE),
        json!([]),
        "a new role has no managed policy"
    );

    // What an older ecsctl did to every execution role.
    p.call(
        "iam",
        "AttachRolePolicy",
        json!({"RoleName": EXEC_ROLE, "PolicyArn": MANAGED}),
    );
    let plan = p.run(&["plan", "-e", "test", "--stats"], &[]);
    assert_eq!(plan.code, Some(0), "{}", plan.all());
    assert_eq!(
        plan.stdout,
        format!(
            "ecsctl will perform the following actions:

  # iam_role.{EXEC_ROLE} will be updated in place
  ~ iam_role.{EXEC_ROLE}
      - managedPolicyArns = [\"{MANAGED}\"]

Plan: 0 to add, 1 to change, 0 to destroy.
"
        )
    );
    plan.assert_no_writes("plan");

    let apply = p.apply_ok(&[], &[]);
    assert_eq!(
        apply.mutating_calls(),
        ["iam:DetachRolePolicy"],
        "{}",
        apply.all()
    );
    assert_eq!(attached(&p, EXEC_ROLE), json!([]));
    p.assert_converged(&[]);
}

#[test]
fn enable_execute_command_creates_a_task_role_that_can_open_the_exec_channels() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides("services:\n  web:\n    enableExecuteCommand: true\n");
    p.apply_ok(&[], &[]);

    let role = &p.call("iam", "GetRole", json!({"RoleName": "ap-test-web-task"}))["Role"];
    let trust = role["AssumeRolePolicyDocument"].to_string();
    assert!(trust.contains("ecs-tasks.amazonaws.com"), "{trust}");
    let policy = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "ap-test-web-task", "PolicyName": "ecsctl"}),
    );
    let doc = policy["PolicyDocument"].clone();
    let doc: Value = match doc {
        Value::String(s) => serde_json::from_str(&s).unwrap(),
        other => other,
    };
    assert_eq!(
        doc["Statement"],
        json!([{"Sid": "EcsExec", "Effect": "Allow", "Action": [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel"
        ], "Resource": ["*"]}])
    );
    assert_eq!(attached(&p, "ap-test-web-task"), json!([]));

    let service = p.service("ap-test-web");
    assert_eq!(service["enableExecuteCommand"], true, "{service}");
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": service["taskDefinition"]}),
    );
    let task_role = td["taskDefinition"]["taskRoleArn"]
        .as_str()
        .unwrap_or_default();
    assert!(task_role.ends_with(":role/ap-test-web-task"), "{td}");
    p.assert_converged(&[]);
}
