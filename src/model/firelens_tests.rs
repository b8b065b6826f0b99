//! FireLens log routing: the router container and the route a task's containers use, the task
//! role's grant for the default output, secrets in the output's options, and the located
//! errors and warnings.

use super::testkit::{Want, assert_errors, assert_one, ok, want as w};
use crate::diagnostic::Severity;
use crate::model::firelens::{FLUENT_BIT_IMAGE, ROUTER};
use crate::model::{ContainerDefinition, RolePurpose, TaskDefinition};

fn api(logs: &str) -> String {
    format!("services:\n  api:\n    image: nginx\n    logs:\n{logs}")
}

fn container<'a>(td: &'a TaskDefinition, name: &str) -> &'a ContainerDefinition {
    td.containers
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no container `{name}` in {td:?}"))
}

#[test]
fn fluent_bit_routes_to_the_log_group_by_default() {
    let (d, _) = ok(&api("      driver: firelens\n"));
    let td = &d.task_definitions[0];
    assert_eq!(td.containers.len(), 2);
    let app = container(td, "api");
    let route = app
        .log_configuration
        .firelens
        .as_ref()
        .expect("awsfirelens");
    assert_eq!(
        route
            .options
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Name", "cloudwatch_logs"),
            ("log_group_name", "/ecs/shop-prod/api"),
            ("log_stream_prefix", "ecs/"),
            ("region", "eu-west-1"),
        ]
    );
    let router = container(td, ROUTER);
    assert_eq!(router.image, FLUENT_BIT_IMAGE);
    assert!(router.essential);
    assert_eq!(router.memory_reservation, Some(50));
    let f = router
        .firelens_configuration
        .as_ref()
        .expect("the router's configuration");
    assert_eq!(f.kind, "fluentbit");
    assert_eq!(f.options["enable-ecs-log-metadata"], "true");
    assert_eq!(
        (
            router.log_configuration.firelens.is_none(),
            router.log_configuration.group.as_str(),
            router.log_configuration.stream_prefix.as_str()
        ),
        (true, "/ecs/shop-prod/api", "firelens"),
        "the router itself logs with awslogs"
    );
    // The router writes with the task role: one is created, granted exactly the group.
    let task = d
        .roles
        .iter()
        .find(|r| r.purpose == RolePurpose::Task)
        .expect("a task role");
    let st = task.inline_policy.as_ref().unwrap().statement.iter();
    let logs: Vec<_> = st
        .filter(|s| s.sid.as_deref() == Some("FireLensLogs"))
        .collect();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        logs[0].resource,
        ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/api:*"]
    );
    assert_eq!(
        logs[0].action,
        ["logs:CreateLogStream", "logs:PutLogEvents"]
    );
}

#[test]
fn another_output_takes_its_options_and_secrets_and_no_task_role() {
    let (d, _) = ok(&api(
        "      driver: firelens\n      firelens:\n        configFile: /fluent-bit/etc/extra.conf\n        ecsMetadata: false\n        memoryReservation: 100\n        options:\n          Name: datadog\n          dd_service: \"{service}-{env}\"\n          TLS: \"on\"\n        secretOptions:\n          apikey: {secretsManager: datadog, key: api_key}\n",
    ));
    let td = &d.task_definitions[0];
    let route = container(td, "api")
        .log_configuration
        .firelens
        .clone()
        .unwrap();
    assert_eq!(route.options["Name"], "datadog");
    assert_eq!(route.options["TLS"], "on");
    assert_eq!(
        route.options["dd_service"], "api-prod",
        "placeholders expand"
    );
    assert!(!route.options.contains_key("log_group_name"));
    assert!(
        route.secret_options["apikey"]
            .starts_with("arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog"),
        "{route:?}"
    );
    let router = container(td, ROUTER);
    let f = router.firelens_configuration.as_ref().unwrap();
    assert_eq!(f.options["enable-ecs-log-metadata"], "false");
    assert_eq!(f.options["config-file-type"], "file");
    assert_eq!(f.options["config-file-value"], "/fluent-bit/etc/extra.conf");
    assert_eq!(router.memory_reservation, Some(100));
    assert!(
        !d.roles.iter().any(|r| r.purpose == RolePurpose::Task),
        "the output is not CloudWatch: no grant, no task role"
    );
    let exec = d
        .roles
        .iter()
        .find(|r| r.purpose == RolePurpose::Execution)
        .unwrap();
    let secrets = exec
        .inline_policy
        .as_ref()
        .unwrap()
        .statement
        .iter()
        .find(|s| s.sid.as_deref() == Some("Secrets"))
        .expect("the execution role reads the API key");
    assert!(
        secrets.resource[0].contains(":secret:datadog"),
        "{secrets:?}"
    );
}

#[test]
fn located_errors() {
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "fluentd without an image",
            api("      driver: firelens\n      firelens:\n        type: fluentd\n        options: {\"@type\": forward}\n"),
            w(
                "services.api.logs.firelens.image",
                "a Fluentd log router has no default image",
                7,
            ),
        ),
        (
            "a config file from S3",
            api("      driver: firelens\n      firelens:\n        configFile: s3://bucket/extra.conf\n"),
            w(
                "services.api.logs.firelens.configFile",
                "config file `s3://bucket/extra.conf` is not a path inside the router's image",
                7,
            ),
        ),
        (
            "options without a plugin",
            api("      driver: firelens\n      firelens:\n        options:\n          region: eu-west-1\n"),
            w(
                "services.api.logs.firelens.options",
                "the log router's output `options` name no output plugin",
                8,
            ),
        ),
        (
            "secret options without options",
            api("      driver: firelens\n      firelens:\n        secretOptions:\n          apikey: {secretsManager: dd}\n"),
            w(
                "services.api.logs.firelens.options",
                "the log router's output has no `options`",
                8,
            ),
        ),
        (
            "memory reservation too small",
            api("      driver: firelens\n      firelens:\n        memoryReservation: 2\n"),
            w(
                "services.api.logs.firelens.memoryReservation",
                "log router memory reservation (MiB) `2` is out of range 6-122880",
                7,
            ),
        ),
        (
            "a sidecar with the router's name",
            "services:\n  api:\n    image: nginx\n    logs:\n      driver: firelens\n    sidecars:\n      log_router:\n        image: fluent/fluent-bit\n".into(),
            w(
                "services.api.sidecars.log_router",
                "container `log_router` has the FireLens log router's name",
                7,
            ),
        ),
    ];
    assert_errors(&cases);
}

#[test]
fn warnings() {
    assert_one(
        "firelens settings under awslogs",
        &api("      firelens:\n        memoryReservation: 64\n"),
        Severity::Warning,
        &w(
            "services.api.logs.firelens",
            "`firelens` is ignored: the logs driver is `awslogs`",
            6,
        ),
    );
    assert_one(
        "an existing task role",
        "services:\n  api:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/app\n    logs:\n      driver: firelens\n",
        Severity::Warning,
        &w(
            "services.api.logs.driver",
            "the FireLens log router writes to CloudWatch Logs with the task role `arn:aws:iam::123456789012:role/app`, which must allow logs:CreateLogStream, logs:PutLogEvents on `arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-prod/api:*`; ecsctl does not manage that role, so make sure it does",
            7,
        ),
    );
}
