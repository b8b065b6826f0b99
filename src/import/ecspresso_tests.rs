//! The ecspresso translation, on tests/fixtures/ecspresso/web (ecspresso's documented config
//! and test definitions, on Fargate): exact values, exact notes, the Jsonnet refusal, and the
//! written project loaded and validated by the real loader and model.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ecspresso/web/ecspresso.yml")
}

fn web() -> Translation {
    translate(&config(), "shop", "prod").expect("the fixture translates")
}

fn service(t: &Translation) -> Value {
    t.envs[0].doc.to_json()["services"]["web"].clone()
}

fn vars(name: &str) -> Option<String> {
    let v = match name {
        "AWS_REGION" => "ap-northeast-1",
        "TAG" => "v1.2.3",
        "AWS_ECR_REPOSITORY_ALL_APP_REPOSITORY_URL" => {
            "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app"
        }
        "AWS_SUBNET_PRIVATE_A_ID" => "subnet-0a1b2c3d4e5f60201",
        "DATA_AWS_SECURITY_GROUP_DEFAULT_S_ID_FIRST" => "sg-0a1b2c3d4e5f60211",
        _ => return None,
    };
    Some(v.to_string())
}

#[test]
fn the_web_config_writes_a_project_that_validates() {
    crate::import::testkit::write_and_validate(&web(), &vars);
}

#[test]
fn the_service_and_task_definitions_translate_field_by_field() {
    let t = web();
    let doc = t.envs[0].doc.to_json();
    assert_eq!(t.envs[0].name, "prod");
    assert_eq!(doc["region"], "${AWS_REGION}");
    assert_eq!(doc["cluster"], json!({"name": "default"}));
    assert_eq!(
        doc["network"],
        json!({"subnets": ["${AWS_SUBNET_PRIVATE_A_ID}", "subnet-0a1b2c3d4e5f60202"],
               "securityGroups": ["${DATA_AWS_SECURITY_GROUP_DEFAULT_S_ID_FIRST}"]})
    );
    let s = service(&t);
    let want = json!({
        "containerName": "app",
        "image": "${AWS_ECR_REPOSITORY_ALL_APP_REPOSITORY_URL}:${TAG}",
        "env": {"JSON": "${JSON:-}", "TEMPLATE": "$${NOT_A_VARIABLE}"},
        "secrets": {
            "DB_PASSWORD": {"secretsManager": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:shop/prod/db-AbCdEf", "key": "password"},
            "API_KEY": {"ssm": "arn:aws:ssm:ap-northeast-1:123456789012:parameter/shop/prod/api-key"},
            "TOKEN": {"ssm": "/shop/prod/token"}
        },
        "ports": [80],
        "healthCheck": {"command": "curl -f http://localhost/ || exit 1", "interval": 30, "timeout": 5, "retries": 3},
        "mounts": [{"volume": "data", "path": "/var/data"}],
        "containerCpu": 256,
        "logs": {"group": "/ecs/shop-prod/web", "streamPrefix": "app"},
        "names": {"family": "web"},
        "cpu": 512,
        "memory": 1024,
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "taskRole": {"arn": "arn:aws:iam::123456789012:role/shop-web"},
        "architecture": "arm64",
        "volumes": {"data": {"efs": {"fileSystemId": "fs-0a1b2c3d", "accessPointId": "fsap-0a1b2c3d4e5f60001", "iam": true}}},
        "sidecars": {"xray": {"essential": false, "image": "public.ecr.aws/xray/aws-xray-daemon:3.3.13",
                              "ports": [{"containerPort": 2000, "protocol": "udp"}]}},
        "capacity": {"base": 1, "onDemandWeight": 1, "spotWeight": 3},
        "deployment": {"maxPercent": 200, "minHealthyPercent": 50, "circuitBreaker": {"enabled": true, "rollback": true}},
        "count": 2,
        "enableExecuteCommand": true,
        "healthCheckGracePeriod": 60,
        "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/shop-prod-web/0a1b2c3d4e5f6201", "port": 80}],
        "platformVersion": "LATEST",
        "propagateTags": "taskDefinition",
        "tags": {"Team": "shop"}
    });
    let mut got: Vec<(String, Value)> = s.as_object().unwrap().clone().into_iter().collect();
    let mut exp: Vec<(String, Value)> = want.as_object().unwrap().clone().into_iter().collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    exp.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, exp);
}

#[test]
fn what_does_not_translate_is_noted() {
    let t = web();
    let texts: Vec<(&str, Option<&str>, &str)> = t
        .notes
        .iter()
        .map(|n| (n.resource.as_str(), n.at.as_deref(), n.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (
                "ecspresso",
                None,
                "`{{ tfstate `aws_ecr_repository.all['app'].repository_url` }}` in `ecs-task-def.json` is not translated: ecsctl does not evaluate ecspresso's template functions; written as `${AWS_ECR_REPOSITORY_ALL_APP_REPOSITORY_URL}`: set it, or write the value"
            ),
            (
                "ecspresso",
                None,
                "the default `{}` of `JSON` in `ecs-task-def.json` holds a brace, which a `${NAME:-default}` cannot: written with an empty default; set `JSON`, or write the value"
            ),
            (
                "ecspresso",
                None,
                "`{{ tfstate `aws_subnet.private-a.id` }}` in `ecs-service-def.json` is not translated: ecsctl does not evaluate ecspresso's template functions; written as `${AWS_SUBNET_PRIVATE_A_ID}`: set it, or write the value"
            ),
            (
                "ecspresso",
                None,
                "`{{ tfstatef `data.aws_security_group.default['%s'].id` `first` }}` in `ecs-service-def.json` is not translated: ecsctl does not evaluate ecspresso's template functions; written as `${DATA_AWS_SECURITY_GROUP_DEFAULT_S_ID_FIRST}`: set it, or write the value"
            ),
            (
                "ecspresso",
                None,
                "the config's `plugins` are not translated: their template functions are noted where they are used"
            ),
            (
                "service/shop-prod-web",
                Some("services.web"),
                "`links` of container `app` is not translated: ecsctl has no equivalent for Fargate"
            ),
            (
                "service/shop-prod-web",
                Some("services.web"),
                "`serviceRegistries` is not translated: ecsctl registers the services it creates in its own Cloud Map namespace; write `discovery` for it"
            ),
        ]
    );
}

#[test]
fn templates_become_the_specs_interpolation() {
    let cases = [
        ("must_env `TAG`", "${TAG}"),
        ("must_env \"TAG\"", "${TAG}"),
        ("env `LEVEL` `info`", "${LEVEL:-info}"),
        ("env \"LEVEL\" \"\"", "${LEVEL:-}"),
        ("env `JSON` `{}` | json_escape", "${JSON:-}"),
        ("ssm `/path/to/string`", "${PATH_TO_STRING}"),
        ("cfn_output `stack` `Vpc`", "${STACK_VPC}"),
    ];
    for (tpl, want) in cases {
        let mut t = Translation::default();
        assert_eq!(template(tpl, "f.json", &mut t), want, "{tpl}");
        let noted = !tpl.contains("env") || tpl.contains("{}");
        assert_eq!(t.notes.len(), usize::from(noted), "{tpl}");
    }
}

#[test]
fn secret_references_split_the_json_key_off_the_arn() {
    let cases = [
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            json!({"secretsManager": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}),
        ),
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:pw::",
            json!({"secretsManager": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", "key": "pw"}),
        ),
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:pw:AWSPREVIOUS:",
            json!({"secretsManager": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", "key": "pw", "versionStage": "AWSPREVIOUS"}),
        ),
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf::: 1a2b",
            json!("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf::: 1a2b"),
        ),
        (
            "arn:aws:ssm:us-east-1:123456789012:parameter/a/b",
            json!({"ssm": "arn:aws:ssm:us-east-1:123456789012:parameter/a/b"}),
        ),
        ("/a/b", json!({"ssm": "/a/b"})),
    ];
    for (from, want) in cases {
        assert_eq!(task::reference(from).to_json(), want, "{from}");
    }
}

#[test]
fn jsonnet_is_refused_with_the_render_hint() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ecspresso.yml");
    std::fs::write(
        &cfg,
        "region: us-east-1\ncluster: c\nservice: s\ntask_definition: td.jsonnet\n",
    )
    .unwrap();
    let err = translate(&cfg, "shop", "prod").unwrap_err().to_string();
    assert_eq!(
        err.replace(&dir.path().display().to_string(), "DIR"),
        "`DIR/td.jsonnet` is Jsonnet, which ecsctl import does not evaluate\n  hint: render it to JSON first (`ecspresso render config`, `ecspresso render servicedef`, `ecspresso render taskdef`) and point the config at the JSON"
    );
    let err = translate(&dir.path().join("ecspresso.jsonnet"), "shop", "prod").unwrap_err();
    assert!(matches!(err, EcspressoError::Jsonnet { .. }), "{err}");
}

#[test]
fn a_config_without_a_task_definition_or_with_broken_json_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ecspresso.yml");
    std::fs::write(&cfg, "service: s\n").unwrap();
    let err = translate(&cfg, "shop", "prod").unwrap_err().to_string();
    assert_eq!(
        err.replace(&dir.path().display().to_string(), "DIR"),
        "`DIR/ecspresso.yml` names no `task_definition`\n  hint: ecsctl import needs the config's `service` and `task_definition`"
    );
    std::fs::write(&cfg, "service: s\ntask_definition: td.json\n").unwrap();
    std::fs::write(
        dir.path().join("td.json"),
        "{\n  \"cpu\": {{ must_env `CPU` }},\n  \"family\": \"x\"\n",
    )
    .unwrap();
    let err = translate(&cfg, "shop", "prod").unwrap_err();
    let EcspressoError::Syntax { line, format, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!((*line, *format), (2, "JSON"), "{err}");
    std::fs::remove_file(dir.path().join("td.json")).unwrap();
    let err = translate(&cfg, "shop", "prod").unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "cannot read `{}`: ",
            dir.path().join("td.json").display()
        )),
        "{err}"
    );
}
