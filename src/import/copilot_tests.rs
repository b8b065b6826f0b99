//! The Copilot translation, on the workspace under tests/fixtures/copilot/shop (built from
//! Copilot's documented manifest samples): exact values, exact notes, and the written project
//! loaded and validated by the real loader and model.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;
use crate::import::translation::Note;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/copilot/shop")
}

fn shop() -> Translation {
    translate(&fixture(), Some("us-west-2")).expect("the fixture translates")
}

fn doc<'a>(t: &'a Translation, env: &str) -> &'a Map {
    &t.envs
        .iter()
        .find(|e| e.name == env)
        .expect("the environment")
        .doc
}

/// `services.frontend` of one environment, as JSON.
fn at(t: &Translation, env: &str, path: &str) -> Value {
    let mut v = doc(t, env).to_json();
    for part in path.split('.') {
        v = v.get(part).cloned().unwrap_or(Value::Null);
    }
    v
}

/// The variables the written placeholders read, as a test sets them: through the lookup.
fn vars(name: &str) -> Option<String> {
    let v = match name {
        "DEV_SECURITY_GROUP_ID" => "sg-0a1b2c3d4e5f60111",
        "PROD_SECURITY_GROUP_ID" => "sg-0a1b2c3d4e5f60211",
        "API_IMAGE_TAG" => "9f2c1e7",
        "AWS_REGION" => "us-west-2",
        "SHOP_VPC_ID" => "vpc-0a1b2c3d4e5f60300",
        "SHOP_PUBLIC_SUBNET_1" => "subnet-0a1b2c3d4e5f60301",
        "SHOP_PUBLIC_SUBNET_2" => "subnet-0a1b2c3d4e5f60302",
        "SHOP_SECURITY_GROUP_ID" => "sg-0a1b2c3d4e5f60311",
        _ => return None,
    };
    Some(v.to_string())
}

fn write_and_validate(t: &Translation) -> tempfile::TempDir {
    crate::import::testkit::write_and_validate(t, &vars)
}

#[test]
fn the_shop_workspace_writes_a_project_that_validates_in_every_environment() {
    let t = shop();
    assert_eq!(
        t.envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["dev", "prod"]
    );
    let dir = write_and_validate(&t);
    let common = std::fs::read_to_string(dir.path().join("ecsctl.yaml")).unwrap();
    assert!(
        common.starts_with("# Written by `ecsctl import` from a test.\n")
            && common.contains("\napp: shop\nregion: us-west-2\n"),
        "{common}"
    );
    assert!(
        common.contains("# ecsctl import: `retries: 3` is not translated"),
        "notes are written above their service: {common}"
    );
}

#[test]
fn environments_take_their_network_and_the_security_group_as_a_variable() {
    let t = shop();
    assert_eq!(
        at(&t, "dev", "network"),
        json!({"subnets": ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"],
               "securityGroups": ["${DEV_SECURITY_GROUP_ID}"], "assignPublicIp": true}),
        "Copilot places tasks in public subnets by default"
    );
    assert_eq!(
        at(&t, "prod", "discovery"),
        json!({"namespace": "{env}.{app}.local", "vpc": "vpc-0a1b2c3d4e5f60200"})
    );
    assert_eq!(
        at(&t, "prod", "cluster"),
        json!({"containerInsights": "enabled"})
    );
    assert_eq!(at(&t, "dev", "cluster"), Value::Null);
    assert_eq!(
        at(&t, "prod", "services.api.network"),
        json!({"subnets": ["subnet-0a1b2c3d4e5f60203", "subnet-0a1b2c3d4e5f60204"],
               "securityGroups": ["${PROD_SECURITY_GROUP_ID}"]}),
        "placement: private"
    );
}

#[test]
fn services_translate_field_by_field_with_each_environments_overrides() {
    let t = shop();
    let prod = at(&t, "prod", "services.frontend");
    assert_eq!(
        prod["image"],
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/frontend:latest"
    );
    assert_eq!(prod["ports"], json!([8080]));
    assert_eq!(prod["cpu"], 512);
    assert_eq!(prod["enableExecuteCommand"], true);
    assert_eq!(prod["ephemeralStorage"], 40);
    assert_eq!(
        prod["autoscaling"],
        json!({"min": 2, "max": 10, "cpu": 70, "scaleInCooldown": 60, "scaleOutCooldown": 30}),
        "prod's range merges into the manifest's count: targets and cooldowns kept"
    );
    assert_eq!(
        prod["capacity"],
        json!({"base": 4, "onDemandWeight": 0, "spotWeight": 1})
    );
    assert_eq!(
        prod["healthCheck"],
        json!({"command": "curl -f http://localhost:8080/_healthcheck || exit 1",
               "interval": 15, "timeout": 5, "retries": 2, "startPeriod": 60})
    );
    assert_eq!(
        prod["env"],
        json!({"COPILOT_APPLICATION_NAME": "{app}", "COPILOT_ENVIRONMENT_NAME": "{env}",
               "COPILOT_SERVICE_NAME": "{service}",
               "COPILOT_SERVICE_DISCOVERY_ENDPOINT": "{env}.{app}.local",
               "LOG_LEVEL": "info", "API_URL": "http://api.{env}.shop.local:3000"})
    );
    assert_eq!(
        prod["volumes"],
        json!({"assets": {"efs": {"fileSystemId": "fs-0a1b2c3d",
               "accessPointId": "fsap-0a1b2c3d4e5f60001", "iam": true}}})
    );
    assert_eq!(
        prod["mounts"],
        json!([{"volume": "assets", "path": "/srv/assets", "readOnly": false}])
    );
    assert_eq!(
        prod["sidecars"],
        json!({"nginx": {"image": "public.ecr.aws/nginx/nginx:1.27", "ports": [80],
               "essential": false,
               "mounts": [{"volume": "assets", "path": "/usr/share/nginx/html", "readOnly": true}]}})
    );
    let dev = at(&t, "dev", "services.frontend");
    assert_eq!(dev["count"], 1, "dev's `count: 1` replaces the range");
    assert_eq!(dev["autoscaling"], Value::Null);
    assert_eq!(dev["capacity"], Value::Null);
    assert_eq!(dev["env"]["LOG_LEVEL"], "debug");
}

#[test]
fn a_built_image_becomes_copilots_repository_with_the_tag_a_variable() {
    let t = shop();
    let api = at(&t, "dev", "services.api");
    assert_eq!(
        api["image"],
        "{account_id}.dkr.ecr.{region}.amazonaws.com/{app}/api:${API_IMAGE_TAG}"
    );
    assert_eq!(
        api["command"],
        json!(["node", "server.js", "--port", "3000"])
    );
    assert_eq!(api["entryPoint"], json!(["/usr/bin/dumb-init", "--"]));
    assert_eq!(api["architecture"], "arm64");
    assert_eq!(
        (api["count"].clone(), api["capacity"].clone()),
        (json!(1), json!("spot"))
    );
    assert_eq!(
        api["discovery"],
        json!({"records": ["A", "SRV"], "ttl": 10})
    );
    let prod = at(&t, "prod", "services.api");
    assert_eq!(
        (prod["count"].clone(), prod["cpu"].clone()),
        (json!(3), json!(1024))
    );
}

#[test]
fn secrets_take_each_copilot_form() {
    let t = shop();
    assert_eq!(
        at(&t, "dev", "services.frontend.secrets"),
        json!({"GITHUB_TOKEN": {"ssm": "GITHUB_TOKEN"},
               "DB_PASSWORD": {"secretsManager": "shop/{env}/mysql", "key": "password"}}),
        "`from_cfn` is left out, with a note"
    );
    assert_eq!(
        at(&t, "dev", "scheduledTasks.report-generator.secrets"),
        json!({"GITHUB_TOKEN": {"ssm": "/copilot/shop/{env}/secrets/github"}})
    );
}

#[test]
fn jobs_become_scheduled_tasks_with_eventbridge_expressions() {
    let t = shop();
    assert_eq!(
        at(&t, "prod", "scheduledTasks.report-generator.schedule"),
        "cron(0 0 * * ? *)"
    );
    assert_eq!(at(&t, "prod", "scheduledTasks.report-generator.cpu"), 2048);
    assert_eq!(
        at(&t, "dev", "scheduledTasks.report-generator.schedule"),
        "cron(30 9 ? * 2-6 *)"
    );
    assert_eq!(
        at(&t, "dev", "services.worker.logs"),
        json!({"retentionDays": 14, "driver": "firelens", "firelens": {"options": {
            "Name": "cloudwatch", "region": "us-west-2", "log_group_name": "/copilot/worker",
            "log_stream_prefix": "copilot/"}}})
    );
    assert_eq!(
        at(&t, "dev", "services.worker.autoscaling"),
        json!({"min": 1, "max": 10})
    );
    assert_eq!(at(&t, "dev", "services.hello"), Value::Null);
}

#[test]
fn schedules_follow_copilots_conversions() {
    let cases = [
        ("@hourly", Some("cron(0 * * * ? *)")),
        ("@daily", Some("cron(0 0 * * ? *)")),
        ("@weekly", Some("cron(0 0 ? * 1 *)")),
        ("@monthly", Some("cron(0 0 1 * ? *)")),
        ("@yearly", Some("cron(0 0 1 1 ? *)")),
        ("@every 10m", Some("rate(10 minutes)")),
        ("@every 1m", Some("rate(1 minute)")),
        ("@every 1h30m", Some("rate(90 minutes)")),
        ("@every 2h", Some("rate(2 hours)")),
        ("@every 24h", Some("rate(1 day)")),
        ("*/5 * * * *", Some("cron(*/5 * * * ? *)")),
        ("0 9 1 * *", Some("cron(0 9 1 * ? *)")),
        ("0 9 * * 0,7", Some("cron(0 9 ? * 1,1 *)")),
        ("0 9 * * MON-FRI", Some("cron(0 9 ? * MON-FRI *)")),
        ("0 9 * * */2", Some("cron(0 9 ? * */2 *)")),
        ("cron(0 12 * * ? *)", Some("cron(0 12 * * ? *)")),
        ("rate(5 minutes)", Some("rate(5 minutes)")),
        ("none", None),
    ];
    for (input, want) in cases {
        let got = schedule::expression(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(got.as_deref(), want, "{input}");
        if let Some(w) = want {
            assert_eq!(
                crate::model::schedule::check(w),
                Ok(()),
                "{input} → {w} is valid"
            );
        }
    }
    for bad in ["0 9 1 * 1", "@every 30s", "0 9 * *"] {
        assert!(schedule::expression(bad).is_err(), "{bad}");
    }
}

#[test]
fn count_forms_give_count_capacity_and_autoscaling() {
    let cases = [
        (json!(3), json!({"count": 3})),
        (json!({"spot": 2}), json!({"count": 2, "capacity": "spot"})),
        (
            json!({"range": "1-10", "cpu_percentage": 70, "memory_percentage": {"value": 80}}),
            json!({"autoscaling": {"min": 1, "max": 10, "cpu": 70, "memory": 80}}),
        ),
        (
            json!({"range": {"min": 1, "max": 10, "spot_from": 3}}),
            json!({"capacity": {"base": 2, "onDemandWeight": 0, "spotWeight": 1},
                "autoscaling": {"min": 1, "max": 10}}),
        ),
        (
            json!({"range": {"min": 1, "max": 4, "spot_from": 1}}),
            json!({"capacity": "spot", "autoscaling": {"min": 1, "max": 4}}),
        ),
        (
            json!({"range": {"min": 3, "max": 6, "spot_from": 2}}),
            json!({"capacity": "spot", "autoscaling": {"min": 3, "max": 6}}),
        ),
    ];
    for (count, want) in cases {
        let here = workload::Here {
            resource: "copilot/x".into(),
            at: "services.x".into(),
            name: "x",
        };
        let mut out = Map::new();
        let mut t = Translation::default();
        schedule::count(&here, &json!({"count": count}), &mut out, &mut t);
        assert_eq!(out.to_json(), want, "{count}");
        assert!(t.notes.is_empty());
    }
}

#[test]
fn commands_split_as_a_shell_would() {
    let cases = [
        ("ps au", vec!["ps", "au"]),
        (
            "sh -c 'echo hi; sleep 1'",
            vec!["sh", "-c", "echo hi; sleep 1"],
        ),
        (r#"a "b c" d\ e ''"#, vec!["a", "b c", "d e", ""]),
    ];
    for (line, want) in cases {
        assert_eq!(container::split_words(line), want, "{line}");
    }
}

fn notes_of(t: &Translation, resource: &str) -> Vec<String> {
    t.notes
        .iter()
        .filter(|n| n.resource == resource)
        .map(|n| n.text.clone())
        .collect()
}

#[test]
fn what_does_not_translate_is_noted_at_its_workload() {
    let t = shop();
    assert_eq!(
        notes_of(&t, "copilot/hello"),
        [
            "`hello` is a Request-Driven Web Service, which runs on AWS App Runner, not ECS: not translated"
        ]
    );
    assert_eq!(
        notes_of(&t, "copilot/report-generator"),
        [
            "`retries: 3` is not translated: Copilot retried a failed job run (Step Functions); ecsctl's `retryPolicy` only retries starting the task",
            "`timeout: 1h` is not translated: ecsctl does not stop a job run after a time",
        ]
    );
    assert_eq!(
        notes_of(&t, "copilot/worker"),
        [
            "`count.queue_delay` is not translated: it scales on the queue Copilot creates; with a queue of your own, write `autoscaling.sqsQueue`",
            "`subscribe` (the SQS queue and topic subscriptions Copilot creates) is not translated: ecsctl does not create queues; `COPILOT_QUEUE_URI` is not set",
        ]
    );
    assert_eq!(
        notes_of(&t, "copilot/frontend"),
        [
            "secret `DB_HOST` from a CloudFormation export (`from_cfn`) is not translated: write the secret's ARN",
            "volume `assets` mounts with IAM: Copilot granted the task role `elasticfilesystem:ClientMount` (and `ClientWrite`) on `fs-0a1b2c3d`; write those in `taskRole.statements`",
            "the load balancer (`http`: path `/`, alias `example.com`) is not translated: ecsctl does not create load balancers or listener rules; create a target group and write `loadBalancers: [{targetGroupArn: …}]`; `http.healthcheck` is the target group's health check: set it on the target group",
            // dev's `count: 1` has no `requests`; prod's merged count does.
            "`count.requests` (ALB requests per task) is not translated: it needs the load balancer, which ecsctl does not create; with one, write `autoscaling.requestsPerTarget` and `loadBalancers` with `loadBalancerArn`",
        ]
    );
    assert_eq!(
        notes_of(&t, "copilot/api"),
        [
            "`api` builds its image (`image.build`), which ecsctl does not: the image is Copilot's ECR repository `{app}/api` with the tag `${API_IMAGE_TAG}`; push the image in CI and set `API_IMAGE_TAG`, or write `--image`"
        ]
    );
    assert_eq!(
        notes_of(&t, "copilot/environments"),
        [
            "Copilot gave the tasks its environment security group, which no manifest names: `${<ENV>_SECURITY_GROUP_ID}` is the output `EnvironmentSecurityGroup` of the CloudFormation stack `<app>-<env>`; set the variable to it, or write your own group here",
            "the namespace keeps Copilot's name, `{env}.{app}.local`, so clients keep their addresses: ecsctl cannot create it while Copilot's exists in the same VPC; delete the Copilot environment first, or rename it under `discovery.namespace`",
        ],
        "one note each for both environments"
    );
    assert!(t.notes.iter().any(|n| n == &Note {
        resource: "copilot/environments/prod".into(),
        at: None,
        text: "environment `prod`: the load balancers and certificates of `http` are not translated: ecsctl does not create load balancers; a service registers in an existing target group with `loadBalancers`".into(),
    }));
    for n in t.notes.iter().filter(|n| {
        n.resource.starts_with("copilot/")
            && !n.resource.contains("environments")
            && n.resource != "copilot/hello"
    }) {
        assert!(
            n.at.as_deref()
                .is_some_and(|a| a.ends_with(n.resource.trim_start_matches("copilot/"))),
            "{n:?}"
        );
    }
}

/// A workspace written by the test: `files` as (path under the root, text).
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn a_copilot_managed_vpc_and_service_connect_validate_with_their_variables_set() {
    let dir = workspace(&[
        ("copilot/.workspace", "application: shop\n"),
        (
            "copilot/api/manifest.yml",
            "name: api\ntype: Backend Service\nimage:\n  location: nginx:1.27\n  port: 80\nnetwork:\n  connect:\n    alias: backend\nenvironments:\n  shop:\n    count: 2\n",
        ),
    ]);
    let t = translate(dir.path(), None).unwrap();
    assert_eq!(
        t.envs.len(),
        1,
        "an environment named only in `environments:` is one"
    );
    assert_eq!(at(&t, "shop", "region"), "${AWS_REGION}");
    assert_eq!(
        at(&t, "shop", "network.subnets"),
        json!(["${SHOP_PUBLIC_SUBNET_1}", "${SHOP_PUBLIC_SUBNET_2}"])
    );
    assert_eq!(
        at(&t, "shop", "discovery"),
        json!({"namespace": "{env}.{app}.local", "vpc": "${SHOP_VPC_ID}", "mode": "serviceConnect"})
    );
    assert_eq!(
        at(&t, "shop", "services.api.discovery"),
        json!({"name": "backend"})
    );
    assert_eq!(at(&t, "shop", "services.api.count"), 2);
    write_and_validate(&t);
}

#[test]
fn unreadable_workspaces_are_errors_naming_the_file() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[],
            "cannot read `ROOT/copilot/.workspace`: No such file or directory (os error 2)\n  hint: pass the directory that holds `copilot/` (the Copilot workspace root)",
        ),
        (
            &[("copilot/.workspace", "app: x\n")],
            "`ROOT/copilot/.workspace` names no application\n  hint: a Copilot workspace file reads `application: NAME`",
        ),
        (
            &[
                ("copilot/.workspace", "application: x\n"),
                ("copilot/api/manifest.yml", "name: api\n"),
            ],
            "`ROOT/copilot/api/manifest.yml` has no `type`\n  hint: a Copilot manifest starts with `name:` and `type:`, e.g. `type: Backend Service`",
        ),
        (
            &[
                ("copilot/.workspace", "application: x\n"),
                ("copilot/api/manifest.yml", "type: Lambda\n"),
            ],
            "`ROOT/copilot/api/manifest.yml` has type `Lambda`, which is not a Copilot manifest type\n  hint: the types are `Load Balanced Web Service`, `Backend Service`, `Worker Service`, `Request-Driven Web Service`, `Static Site`, `Scheduled Job` and `Environment`",
        ),
        (
            &[
                ("copilot/.workspace", "application: x\n"),
                (
                    "copilot/environments/dev/manifest.yml",
                    "type: Backend Service\n",
                ),
            ],
            "`ROOT/copilot/environments/dev/manifest.yml` has type `Backend Service`, which is not a Copilot manifest type\n  hint: the types are `Load Balanced Web Service`, `Backend Service`, `Worker Service`, `Request-Driven Web Service`, `Static Site`, `Scheduled Job` and `Environment`",
        ),
    ];
    for (files, want) in cases {
        let dir = workspace(files);
        let err = translate(dir.path(), None).unwrap_err().to_string();
        let root = dir.path().display().to_string();
        assert_eq!(err.replace(&root, "ROOT"), want);
    }
}

#[test]
fn a_yaml_syntax_error_names_the_file_line_and_column() {
    let dir = workspace(&[
        ("copilot/.workspace", "application: x\n"),
        (
            "copilot/api/manifest.yml",
            "name: api\ntype: Backend Service\nimage:\n  port: [80\n",
        ),
    ]);
    let err = translate(dir.path(), None).unwrap_err();
    let CopilotError::Syntax { path, line, .. } = &err else {
        panic!("{err}");
    };
    assert!(path.ends_with("copilot/api/manifest.yml"));
    assert!(*line >= 4, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("is not valid YAML at line {line}, column ")),
        "{err}"
    );
}
