//! What Fargate allows of `linuxParameters`, `systemControls`, `startTimeout` and
//! `repositoryCredentials`: what each builds (and the grant it implies), and each refusal.

use super::resources::*;
use super::testkit::{Want, assert_errors, ok, want as w};

#[test]
fn each_setting_reaches_the_container_and_the_credentials_the_execution_role() {
    let (d, _) = ok(
        "services:\n  api:\n    image: registry.example.com/team/api:1\n    startTimeout: 60\n    linuxParameters:\n      initProcessEnabled: true\n      capabilities: {add: [sys_ptrace], drop: [NET_RAW, ALL]}\n    systemControls:\n      net.core.somaxconn: 1024\n    repositoryCredentials: \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/example\"\n",
    );
    let c = &d.task_definitions[0].containers[0];
    assert_eq!(c.start_timeout, Some(60));
    assert_eq!(
        c.linux_parameters,
        Some(LinuxParameters {
            init_process_enabled: Some(true),
            add: vec!["SYS_PTRACE".into()],
            drop: vec!["ALL".into(), "NET_RAW".into()],
        })
    );
    assert_eq!(c.system_controls["net.core.somaxconn"], "1024");
    let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/example";
    assert_eq!(c.repository_credentials.as_deref(), Some(arn));
    let exec = d
        .roles
        .iter()
        .find(|r| r.name == "shop-prod-api-exec")
        .unwrap();
    let grant = exec
        .inline_policy
        .as_ref()
        .unwrap()
        .statement
        .iter()
        .find(|s| s.sid.as_deref() == Some("RegistryCredentials"))
        .expect("the credentials grant");
    assert_eq!(grant.action, ["secretsmanager:GetSecretValue"]);
    assert_eq!(grant.resource, [arn.to_string(), format!("{arn}-??????")]);
}

#[test]
fn what_fargate_refuses_is_a_located_error() {
    let at = |extra: &str| format!("services:\n  api:\n    image: nginx\n{extra}");
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "add a capability",
            at("    linuxParameters:\n      capabilities: {add: [NET_ADMIN]}\n"),
            w(
                "services.api.linuxParameters.capabilities.add",
                "Fargate cannot add the capability `NET_ADMIN`",
                5,
            ),
        ),
        (
            "tmpfs",
            at("    linuxParameters:\n      tmpfs: [{containerPath: /tmp, size: 64}]\n"),
            w(
                "services.api.linuxParameters.tmpfs",
                "Fargate does not support `linuxParameters.tmpfs`",
                5,
            ),
        ),
        (
            "CAP_ prefix",
            at("    linuxParameters:\n      capabilities: {drop: [CAP_NET_RAW]}\n"),
            w(
                "services.api.linuxParameters.capabilities.drop[0]",
                "`CAP_NET_RAW` is not a Linux capability name",
                5,
            ),
        ),
        (
            "start timeout",
            at("    startTimeout: 1\n"),
            w(
                "services.api.startTimeout",
                "start timeout `1` is outside 2 to 120 seconds",
                4,
            ),
        ),
        (
            "sysctl name",
            at("    systemControls:\n      somaxconn: 1024\n"),
            w(
                "services.api.systemControls.somaxconn",
                "`somaxconn` is not a kernel parameter name",
                5,
            ),
        ),
        (
            "credentials by name",
            at("    repositoryCredentials: registry/example\n"),
            w(
                "services.api.repositoryCredentials",
                "`registry/example` is not a Secrets Manager secret ARN",
                4,
            ),
        ),
    ];
    assert_errors(&cases);
}

/// `propagateTags`: a service's goes to ECS as written (default SERVICE); a job's only as
/// TASK_DEFINITION, the one source EventBridge Scheduler offers.
#[test]
fn tag_propagation_of_services_and_jobs() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    propagateTags: taskDefinition\n  web:\n    image: nginx\nscheduledTasks:\n  report:\n    image: nginx\n    schedule: rate(1 day)\n    propagateTags: taskDefinition\n",
    );
    let tags: Vec<&str> = d
        .services
        .iter()
        .map(|s| s.propagate_tags.as_str())
        .collect();
    assert_eq!(tags, ["TASK_DEFINITION", "SERVICE"]);
    assert!(d.scheduled_tasks[0].propagate_tags);
    assert_errors(&[(
        "job from a service",
        "scheduledTasks:\n  report:\n    image: nginx\n    schedule: rate(1 day)\n    propagateTags: service\n",
        w(
            "scheduledTasks.report.propagateTags",
            "a scheduled task has no service to copy tags from",
            5,
        ),
    )]);
}

/// `environmentFiles`: S3 objects as ARNs in the environment's partition, in the order written;
/// the execution role may get exactly those objects and locate their buckets.
#[test]
fn environment_files_become_object_arns_and_a_grant() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    environmentFiles:\n      - s3://shop-config/prod/app.env\n      - arn:aws:s3:::shop-config/prod/override.env\n",
    );
    let c = &d.task_definitions[0].containers[0];
    assert_eq!(
        c.environment_files,
        [
            "arn:aws:s3:::shop-config/prod/app.env",
            "arn:aws:s3:::shop-config/prod/override.env"
        ]
    );
    let exec = d
        .roles
        .iter()
        .find(|r| r.name == "shop-prod-api-exec")
        .unwrap();
    let policy = exec.inline_policy.as_ref().unwrap();
    let get = |sid: &str| {
        policy
            .statement
            .iter()
            .find(|s| s.sid.as_deref() == Some(sid))
            .unwrap_or_else(|| panic!("no {sid}"))
            .clone()
    };
    assert_eq!(get("EnvironmentFiles").resource, c.environment_files);
    assert_eq!(
        get("EnvironmentFileBuckets").resource,
        ["arn:aws:s3:::shop-config"]
    );
    assert_errors(&[
        (
            "not S3",
            "services:\n  api:\n    image: nginx\n    environmentFiles: [\"https://example.com/app.env\"]\n",
            w(
                "services.api.environmentFiles[0]",
                "`https://example.com/app.env` is not an S3 object",
                4,
            ),
        ),
        (
            "not .env",
            "services:\n  api:\n    image: nginx\n    environmentFiles: [\"s3://shop-config/app.json\"]\n",
            w(
                "services.api.environmentFiles[0]",
                "`s3://shop-config/app.json` does not end in `.env`",
                4,
            ),
        ),
    ]);
}
