//! `discovery.mode: serviceConnect`: every service joins the namespace, the ones with
//! `discovery` publish a named port under `{name}.{namespace}`, nothing is registered in Cloud
//! Map DNS, and the located errors.

use super::testkit::{Want, assert_errors, ok, want as w};

const NS: &str =
    "discovery:\n  namespace: \"{app}-{env}.local\"\n  vpc: vpc-0a1b2c3d\n  mode: serviceConnect\n";

#[test]
fn services_publish_their_port_under_the_dns_name_and_others_are_clients() {
    let (d, _) = ok(&format!(
        "{NS}services:\n  api:\n    image: nginx\n    ports: [8080]\n    discovery: {{}}\n  worker:\n    image: busybox\n  web:\n    image: nginx\n    ports: [{{containerPort: 80, name: http}}]\n    discovery: {{name: www, clientPort: 8000}}\n"
    ));
    assert!(d.discovery_services.is_empty(), "no DNS registrations");
    assert!(d.namespace.is_some(), "the namespace is still ecsctl's");
    let by = |key: &str| d.services.iter().find(|s| s.key == key).unwrap();
    let api = by("api").service_connect.as_ref().expect("api joins");
    assert_eq!(api.namespace, "shop-prod.local");
    let e = api.endpoint.as_ref().expect("api publishes");
    assert_eq!(
        (
            e.port_name.as_str(),
            e.discovery_name.as_str(),
            e.dns_name.as_str(),
            e.port
        ),
        ("api", "api", "api.shop-prod.local", 8080)
    );
    assert_eq!(
        (api.logs.group.as_str(), api.logs.stream_prefix.as_str()),
        ("/ecs/shop-prod/api", "service-connect")
    );
    assert!(by("api").discovery.is_none(), "no serviceRegistries");
    let td = d
        .task_definitions
        .iter()
        .find(|t| t.family == "shop-prod-api")
        .unwrap();
    assert_eq!(
        td.containers[0].port_mappings[0].name.as_deref(),
        Some("api"),
        "the published port is named for Service Connect"
    );
    let worker = by("worker").service_connect.as_ref().expect("worker joins");
    assert!(worker.endpoint.is_none(), "a client only");
    let web = by("web")
        .service_connect
        .as_ref()
        .unwrap()
        .endpoint
        .clone()
        .unwrap();
    assert_eq!(
        (
            web.port_name.as_str(),
            web.discovery_name.as_str(),
            web.dns_name.as_str(),
            web.port
        ),
        ("http", "www", "www.shop-prod.local", 8000),
        "a named port keeps its name; the client port is its own"
    );
}

#[test]
fn dns_mode_is_unchanged() {
    let (d, _) = ok(
        "discovery:\n  namespace: \"{app}-{env}.local\"\n  vpc: vpc-0a1b2c3d\nservices:\n  api:\n    image: nginx\n    ports: [8080]\n    discovery: {}\n",
    );
    assert_eq!(d.discovery_services.len(), 1);
    assert!(d.services[0].service_connect.is_none());
    assert_eq!(
        d.task_definitions[0].containers[0].port_mappings[0].name,
        None
    );
}

#[test]
fn located_errors() {
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "a published service without a port",
            format!("{NS}services:\n  api:\n    image: nginx\n    discovery: {{}}\n"),
            w(
                "services.api.discovery.port",
                "Service Connect publishes a port, and container `api` has none",
                6,
            ),
        ),
        (
            "a port the container does not have",
            format!(
                "{NS}services:\n  api:\n    image: nginx\n    ports: [8080]\n    discovery: {{port: 9090}}\n"
            ),
            w(
                "services.api.discovery.port",
                "container `api` has no port 9090",
                9,
            ),
        ),
        (
            "two services under one name",
            format!(
                "{NS}services:\n  api:\n    image: nginx\n    ports: [80]\n    discovery: {{name: web}}\n  web:\n    image: nginx\n    ports: [80]\n    discovery: {{}}\n"
            ),
            w(
                "discovery.name",
                "discovery service name `web` is used by both `api` and `web`",
                10,
            ),
        ),
    ];
    assert_errors(&cases);
}
