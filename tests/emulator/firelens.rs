//! Issue 15's FireLens on the emulator: `logs.driver: firelens` adds the log router to the
//! task (Fluent Bit, its own logs in the task's group) and sends the other containers' output
//! to it (by default into the same group, with a task role granted exactly that), another
//! output's options and a secret API key, and back to awslogs; each applied and re-planned as
//! "No changes.".

use serde_json::{Value, json};

use crate::apply::{Project, change};

const FIXTURE: &str = "tests/fixtures/apply-basic";

fn container<'a>(td: &'a Value, name: &str) -> &'a Value {
    td["containerDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}: {td}"))
}

#[test]
fn firelens_routes_logs_through_a_router_and_back_to_awslogs() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);

    p.set_env_overrides("services:\n  worker:\n    logs:\n      driver: firelens\n");
    change(
        &p,
        &[],
        &[],
        &[
            "+ iam_role.ap-test-worker-task",
            "~ task_definition.ap-test-worker",
            "~ service.worker",
        ],
    );
    let td = p.task_definition("ap-test-worker");
    let router = container(&td, "log_router");
    assert_eq!(router["firelensConfiguration"]["type"], "fluentbit");
    assert_eq!(
        router["image"],
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
    );
    assert_eq!(router["logConfiguration"]["logDriver"], "awslogs");
    assert_eq!(
        router["logConfiguration"]["options"]["awslogs-stream-prefix"],
        "firelens"
    );
    let app = container(&td, "worker");
    assert_eq!(app["logConfiguration"]["logDriver"], "awsfirelens");
    assert_eq!(
        app["logConfiguration"]["options"]["log_group_name"],
        "/ecs/ap-test/worker"
    );
    let policy = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "ap-test-worker-task", "PolicyName": "ecsctl"}),
    );
    let text = policy["PolicyDocument"].to_string();
    assert!(
        text.contains("FireLensLogs") && text.contains("log-group:/ecs/ap-test/worker:*"),
        "{text}"
    );

    // Another output, its API key from Secrets Manager: no CloudWatch grant any more.
    p.set_env_overrides(
        "services:\n  worker:\n    logs:\n      driver: firelens\n      firelens:\n        options:\n          Name: datadog\n          dd_service: worker\n        secretOptions:\n          apikey: {secretsManager: \"ap/{env}/db\", key: password}\n",
    );
    change(
        &p,
        &[],
        &[],
        &[
            "~ iam_role.ap-test-worker-exec",
            "~ task_definition.ap-test-worker",
            "~ service.worker",
            "- iam_role.ap-test-worker-task",
        ],
    );
    let td = p.task_definition("ap-test-worker");
    let log = &container(&td, "worker")["logConfiguration"];
    assert_eq!(log["options"]["Name"], "datadog");
    assert_eq!(log["secretOptions"][0]["name"], "apikey");

    // Back to awslogs: the router goes.
    p.set_env_overrides("services:\n  worker:\n    logs:\n      driver: awslogs\n");
    change(
        &p,
        &[],
        &[],
        &[
            "~ iam_role.ap-test-worker-exec",
            "~ task_definition.ap-test-worker",
            "~ service.worker",
        ],
    );
    let td = p.task_definition("ap-test-worker");
    assert_eq!(td["containerDefinitions"].as_array().unwrap().len(), 1);
    assert_eq!(
        container(&td, "worker")["logConfiguration"]["logDriver"],
        "awslogs"
    );
}
