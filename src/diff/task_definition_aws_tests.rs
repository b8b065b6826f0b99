//! The container normalisation rules on a task definition as AWS publishes it (botocore's
//! DescribeTaskDefinition example, read through the SDK): what AWS fills in (empty
//! `environment`/`mountPoints`/`volumesFrom`, `hostPort` equal to the container port, no
//! `protocol`, `essential: true`) must compare equal to a spec that never wrote it.

use std::collections::BTreeMap;

use super::{desired_container, live_container};
use crate::aws::fixtures::{DESCRIBE_TASK_DEFINITION, live_task_definition};
use crate::diff::compare::View;
use crate::diff::fixtures::desired;
use crate::model::{ContainerDefinition, PortMapping, Protocol};

/// A container spec with only what the published one sets: image, cpu, memory, one port,
/// environment. Everything else is left at ecsctl's defaults.
fn spec(name: &str, port: Option<u32>, env: &[(&str, &str)]) -> ContainerDefinition {
    let mut c = desired().task_definitions[0].containers[0].clone();
    c.name = name.into();
    c.image = name.into();
    c.port_mappings = port
        .map(|container_port| PortMapping {
            container_port,
            protocol: Protocol::Tcp,
            name: None,
            app_protocol: None,
        })
        .into_iter()
        .collect();
    c.environment = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    c.secrets = BTreeMap::new();
    c.health_check = None;
    c.cpu = Some(10);
    c.memory = Some(500);
    c
}

/// ecsctl always sends an awslogs configuration; the published definition has none. That one
/// key is left out of the comparison, and nothing else.
fn without_logs(mut v: View) -> View {
    v.remove("logConfiguration");
    v
}

#[test]
fn aws_filled_values_of_a_published_task_definition_compare_equal_to_a_bare_spec() {
    let live = live_task_definition(DESCRIBE_TASK_DEFINITION);
    let wordpress = spec("wordpress", Some(80), &[]);
    let mysql = spec("mysql", None, &[("MYSQL_ROOT_PASSWORD", "password")]);
    assert_eq!(
        without_logs(desired_container(&wordpress)),
        live_container(&live.containers[0])
    );
    assert_eq!(
        without_logs(desired_container(&mysql)),
        live_container(&live.containers[1])
    );
}

#[test]
fn a_real_difference_on_the_published_definition_still_shows() {
    let live = live_container(&live_task_definition(DESCRIBE_TASK_DEFINITION).containers[0]);
    let mut other_port = spec("wordpress", Some(8080), &[]);
    assert_ne!(without_logs(desired_container(&other_port)), live);
    other_port.port_mappings[0].container_port = 80;
    other_port.memory = Some(512);
    let view = without_logs(desired_container(&other_port));
    assert_eq!(view["memory"], 512);
    assert_ne!(view, live);
}
