//! Issue 15's Service Connect on the emulator: an environment switched from Cloud Map DNS to
//! `discovery.mode: serviceConnect` (the published port named in a new revision, the service
//! registry and its Cloud Map service gone, every service in the namespace, the discoverable
//! one under its DNS name) and back, each applied and re-planned as "No changes.".

use serde_json::Value;

use crate::apply::{Project, change};

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// The PRIMARY deployment's Service Connect configuration.
fn connect(p: &Project, service: &str) -> Value {
    p.primary_deployment(service)["serviceConnectConfiguration"].clone()
}

#[test]
fn an_environment_moves_to_service_connect_and_back_to_dns() {
    let p = Project::new(FIXTURE);
    p.apply_ok(&[], &[]);
    assert_eq!(
        p.service("ap-test-web")["serviceRegistries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let env = p.dir.path().join("environments/test.yaml");
    let original = std::fs::read_to_string(&env).unwrap();
    let mode = |m: &str| {
        let text = original.replace("discovery:\n", &format!("discovery:\n  mode: {m}\n"));
        assert_ne!(text, original, "the fixture's env file has `discovery:`");
        std::fs::write(&env, text).unwrap();
    };
    mode("serviceConnect");
    change(
        &p,
        &[],
        &[],
        &[
            "~ task_definition.ap-test-web",
            "~ service.web",
            "~ service.worker",
            "- discovery_service.web",
        ],
    );
    let web = connect(&p, "ap-test-web");
    assert_eq!(web["enabled"], true);
    let service = &web["services"][0];
    assert_eq!(
        (
            &service["portName"],
            &service["discoveryName"],
            &service["clientAliases"][0]["dnsName"],
            &service["clientAliases"][0]["port"]
        ),
        (
            &Value::from("web"),
            &Value::from("web"),
            &Value::from("web.ap-test.local"),
            &Value::from(8080)
        )
    );
    assert_eq!(
        web["logConfiguration"]["options"]["awslogs-stream-prefix"],
        "service-connect"
    );
    assert_eq!(
        p.service("ap-test-web")["serviceRegistries"],
        Value::Array(vec![]),
        "no Cloud Map DNS registration beside Service Connect"
    );
    let worker = connect(&p, "ap-test-worker");
    assert_eq!(worker["enabled"], true);
    assert!(
        worker["services"].as_array().is_none_or(|s| s.is_empty()),
        "the worker is a client only: {worker}"
    );
    let td = p.task_definition("ap-test-web");
    assert_eq!(
        td["containerDefinitions"][0]["portMappings"][0]["name"],
        "web"
    );

    mode("dns");
    change(
        &p,
        &[],
        &[],
        &[
            "+ discovery_service.web",
            "~ task_definition.ap-test-web",
            "~ service.web",
            "~ service.worker",
        ],
    );
    assert_eq!(connect(&p, "ap-test-web")["enabled"], false);
    assert_eq!(
        p.service("ap-test-web")["serviceRegistries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
