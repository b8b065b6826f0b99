//! `service_from_sdk` and `task_definition_from_sdk` on responses as AWS publishes them
//! (tests/fixtures/aws/), parsed by the SDK itself rather than built with its builders: what
//! AWS fills in (empty lists, hostPort, alarms, `0` grace period) arrives as it would live.

use crate::aws::fixtures::{
    DESCRIBE_TASK_DEFINITION, DESCRIBE_TASK_DEFINITION_CLI, UPDATE_SERVICE_ROLLING, live_service,
    live_task_definition,
};
use crate::live::{LiveCircuitBreaker, LiveKeyValue, LiveNetwork, LivePortMapping};

#[test]
fn a_rolling_fargate_service_reads_as_aws_returned_it() {
    let s = live_service(UPDATE_SERVICE_ROLLING);
    assert_eq!(s.name, "my-http-service");
    assert_eq!(s.status, "ACTIVE");
    assert_eq!(
        s.task_definition.as_deref(),
        Some("arn:aws:ecs:us-west-2:123456789012:task-definition/mytaskdef:3")
    );
    assert_eq!((s.desired_count, s.running_count), (2, 2));
    assert_eq!(s.launch_type.as_deref(), Some("FARGATE"));
    assert!(s.capacity_provider_strategy.is_empty());
    assert_eq!(
        s.network,
        Some(LiveNetwork {
            subnets: vec!["subnet-12344321".into()],
            security_groups: vec!["sg-12344321".into()],
            assign_public_ip: Some("ENABLED".into()),
        })
    );
    let config = s.deployment_configuration.expect("AWS always returns one");
    assert_eq!(
        (config.maximum_percent, config.minimum_healthy_percent),
        (Some(200), Some(100))
    );
    assert_eq!(
        config.circuit_breaker,
        Some(LiveCircuitBreaker {
            enable: true,
            rollback: true
        })
    );
    assert_eq!(s.health_check_grace_period_seconds, Some(0));
    assert_eq!(s.propagate_tags.as_deref(), Some("NONE"));
    let revisions: Vec<_> = s
        .deployments
        .iter()
        .map(|d| (d.status.as_deref(), d.task_definition.as_deref()))
        .collect();
    assert_eq!(
        revisions,
        [
            (
                Some("PRIMARY"),
                Some("arn:aws:ecs:us-west-2:123456789012:task-definition/mytaskdef:3")
            ),
            (
                Some("ACTIVE"),
                Some("arn:aws:ecs:us-west-2:123456789012:task-definition/myoldtaskdef:1")
            ),
        ]
    );
    assert!(s.tags.is_empty(), "UpdateService returns no tags");
}

#[test]
fn a_published_task_definition_reads_with_aws_filled_values_kept() {
    let td = live_task_definition(DESCRIBE_TASK_DEFINITION);
    assert_eq!((td.family.as_str(), td.revision), ("hello_world", 8));
    // An EC2-era definition: no task-level size, network mode or compatibilities.
    assert_eq!((td.cpu, td.memory, td.network_mode), (None, None, None));
    assert!(td.requires_compatibilities.is_empty());
    let wordpress = &td.containers[0];
    assert_eq!(wordpress.name, "wordpress");
    assert_eq!((wordpress.cpu, wordpress.memory), (10, Some(500)));
    assert_eq!(
        wordpress.port_mappings,
        [LivePortMapping {
            container_port: Some(80),
            host_port: Some(80),
            protocol: None,
            name: None,
            app_protocol: None,
        }]
    );
    assert!(wordpress.environment.is_empty() && wordpress.mount_points.is_empty());
    let mysql = &td.containers[1];
    assert_eq!(
        mysql.environment,
        [LiveKeyValue {
            name: Some("MYSQL_ROOT_PASSWORD".into()),
            value: Some("password".into()),
        }]
    );
    assert!(mysql.port_mappings.is_empty());
}

#[test]
fn the_cli_rendering_of_the_same_definition_adds_status_and_no_tags() {
    let td = live_task_definition(DESCRIBE_TASK_DEFINITION_CLI);
    assert_eq!(td.status.as_deref(), Some("ACTIVE"));
    assert!(td.tags.is_empty());
    let botocore = live_task_definition(DESCRIBE_TASK_DEFINITION);
    assert_eq!(td.containers, botocore.containers);
}
