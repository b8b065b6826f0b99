//! Issue 15's task settings on the emulator: a shared execution role (created, named by every
//! revision, scoped to every service; back to one role per service prunes it), and the
//! container settings Fargate allows (`startTimeout`, `linuxParameters`, `systemControls`,
//! `repositoryCredentials` with its grant) and a service's `propagateTags`, each applied and
//! re-planned as "No changes.".

use serde_json::{Value, json};

use crate::apply::{Project, change};

const FIXTURE: &str = "tests/fixtures/apply-basic";

fn role(p: &Project, name: &str) -> Option<Value> {
    p.acct
        .call("iam", "GetRole", json!({"RoleName": name}))
        .ok()
}

#[test]
fn a_shared_execution_role_converges_and_going_back_prunes_it() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    p.set_env_overrides("executionRole: shared\n");
    change(
        &p,
        &[],
        &[],
        &[
            "+ iam_role.ap-test-exec",
            "~ task_definition.ap-test-web",
            "~ task_definition.ap-test-worker",
            "~ service.web",
            "~ service.worker",
            "- iam_role.ap-test-web-exec",
            "- iam_role.ap-test-worker-exec",
        ],
    );
    for family in ["ap-test-web", "ap-test-worker"] {
        let td = p.task_definition(family);
        assert!(
            td["executionRoleArn"]
                .as_str()
                .unwrap()
                .ends_with(":role/ap-test-exec"),
            "{td}"
        );
    }
    // One role, scoped to both services' log groups and the web's secret.
    let policies = p.call(
        "iam",
        "ListRolePolicies",
        json!({"RoleName": "ap-test-exec"}),
    );
    let name = policies["PolicyNames"][0].as_str().unwrap();
    let doc = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "ap-test-exec", "PolicyName": name}),
    );
    let text = doc["PolicyDocument"].to_string();
    for grant in [
        "/ecs/ap-test/web",
        "/ecs/ap-test/worker",
        "secret:ap/test/db",
    ] {
        assert!(text.contains(grant), "{grant} missing from {text}");
    }
    assert_eq!(role(&p, "ap-test-web-exec"), None);

    p.set_env_overrides("executionRole: perService\n");
    change(
        &p,
        &[],
        &[],
        &[
            "+ iam_role.ap-test-web-exec",
            "+ iam_role.ap-test-worker-exec",
            "~ task_definition.ap-test-web",
            "~ task_definition.ap-test-worker",
            "~ service.web",
            "~ service.worker",
            "- iam_role.ap-test-exec",
        ],
    );
    assert_eq!(role(&p, "ap-test-exec"), None);
}

#[test]
fn fargate_container_settings_apply_and_converge() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    let secret = p.call(
        "secretsmanager",
        "CreateSecret",
        json!({"Name": "registry/example", "SecretString": "{\"username\":\"u\",\"password\":\"p\"}"}),
    );
    let arn = secret["ARN"].as_str().unwrap().to_string();
    p.set_env_overrides(&format!(
        "services:\n  web:\n    propagateTags: taskDefinition\n    startTimeout: 30\n    linuxParameters:\n      initProcessEnabled: true\n      capabilities: {{drop: [NET_RAW]}}\n    systemControls:\n      net.core.somaxconn: 1024\n    repositoryCredentials: \"{arn}\"\n    environmentFiles: [\"s3://ap-config/test/web.env\"]\n"
    ));
    change(
        &p,
        &[],
        &[],
        &[
            "~ iam_role.ap-test-web-exec",
            "~ task_definition.ap-test-web",
            "~ service.web",
        ],
    );
    let c = &p.task_definition("ap-test-web")["containerDefinitions"][0];
    assert_eq!(c["startTimeout"], 30);
    assert_eq!(c["linuxParameters"]["initProcessEnabled"], true);
    assert_eq!(
        c["linuxParameters"]["capabilities"]["drop"],
        json!(["NET_RAW"])
    );
    assert_eq!(
        c["systemControls"],
        json!([{"namespace": "net.core.somaxconn", "value": "1024"}])
    );
    assert_eq!(c["repositoryCredentials"]["credentialsParameter"], arn);
    assert_eq!(
        c["environmentFiles"],
        json!([{"value": "arn:aws:s3:::ap-config/test/web.env", "type": "s3"}])
    );
    // UpdateService changed where the tasks' tags come from.
    assert_eq!(p.service("ap-test-web")["propagateTags"], "TASK_DEFINITION");
}

/// A job's `propagateTags: taskDefinition` reaches its EventBridge schedule and converges.
#[test]
fn a_jobs_propagate_tags_reaches_its_schedule() {
    let p = Project::new(FIXTURE);
    p.set_env_overrides(
        "scheduledTasks:\n  report:\n    image: busybox:1.36\n    command: [true]\n    schedule: rate(1 day)\n    propagateTags: taskDefinition\n",
    );
    p.apply_ok(&[], &[]);
    p.assert_converged(&[]);
    let s = p.call(
        "scheduler",
        "GetSchedule",
        json!({"Name": "ap-test-report", "GroupName": "ap-test"}),
    );
    assert_eq!(
        s["Target"]["EcsParameters"]["PropagateTags"], "TASK_DEFINITION",
        "{s}"
    );
}
