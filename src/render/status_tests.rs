//! The status views on DescribeServices' own JSON shape (camelCase, epoch-second timestamps,
//! as the JSON protocol sends them; the API reference's DescribeServices example).

use super::*;

fn service(json: serde_json::Value) -> ServiceRollout {
    serde_json::from_value(json).unwrap()
}

fn rolling() -> ServiceStatus {
    let live = service(serde_json::json!({
        "serviceName": "ap-test-web",
        "status": "ACTIVE",
        "desiredCount": 2, "runningCount": 1, "pendingCount": 1,
        "deployments": [
            {"id": "ecs-svc/2", "status": "PRIMARY",
             "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/ap-test-web:7",
             "desiredCount": 2, "runningCount": 1, "pendingCount": 1, "failedTasks": 0,
             "createdAt": 1764313262.0, "updatedAt": 1764313262.0,
             "rolloutState": "IN_PROGRESS",
             "rolloutStateReason": "ECS deployment ecs-svc/2 in progress."},
            {"id": "ecs-svc/1", "status": "ACTIVE",
             "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/ap-test-web:6",
             "desiredCount": 1, "runningCount": 1, "pendingCount": 0, "failedTasks": 0,
             "createdAt": 1764310000.0, "updatedAt": 1764310000.0,
             "rolloutState": "COMPLETED",
             "rolloutStateReason": "ECS deployment ecs-svc/1 completed."}
        ],
        "events": [
            {"id": "e2", "createdAt": 1764313270.5,
             "message": "(service ap-test-web) has started 1 tasks: (task 0123)."},
            {"id": "e1", "createdAt": 1764310010.0,
             "message": "(service ap-test-web) has reached a steady state."}
        ]
    }));
    ServiceStatus {
        key: "web".into(),
        live,
        images: vec![(
            "ecs-svc/2".into(),
            vec![("web".into(), "nginx:1.28".into())],
        )],
        target_groups: vec![TargetGroupHealth {
            arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ap-test-web/73e2d6bc24d8a067".into(),
            targets: Some(vec![target("10.0.1.5", "healthy", None), target("10.0.2.7", "initial", Some("Elb.RegistrationInProgress"))]),
        }],
    }
}

fn target(id: &str, state: &str, reason: Option<&str>) -> TargetState {
    TargetState {
        id: id.into(),
        port: Some(8080),
        state: state.into(),
        reason: reason.map(str::to_string),
        description: None,
    }
}

fn env(services: Vec<ServiceStatus>, jobs: Vec<JobStatus>) -> EnvStatus {
    EnvStatus {
        app: "ap".into(),
        env: "test".into(),
        cluster: "ap-test".into(),
        read_at: 1764313300.0,
        services,
        jobs,
    }
}

fn missing() -> ServiceStatus {
    ServiceStatus {
        key: "worker".into(),
        live: ServiceRollout {
            service_name: "ap-test-worker".into(),
            status: "MISSING".into(),
            ..Default::default()
        },
        images: vec![],
        target_groups: vec![],
    }
}

#[test]
fn health_needs_one_deployment_all_running_and_no_failed_rollout() {
    let mut s = rolling();
    assert!(!s.is_healthy(), "two deployments");
    s.live.deployments.truncate(1);
    assert!(!s.is_healthy(), "1 of 2 running");
    s.live.running_count = 2;
    assert!(s.is_healthy(), "an initial target is not unhealthy");
    s.target_groups[0].targets.as_mut().unwrap()[1] =
        target("10.0.2.7", "unhealthy", Some("Target.Timeout"));
    assert!(!s.is_healthy(), "an unhealthy target");
    s.target_groups[0].targets = None;
    assert!(!s.is_healthy(), "a missing target group");
    s.target_groups.clear();
    assert!(s.is_healthy());
    s.live.deployments[0].rollout_state = Some("FAILED".into());
    assert!(!s.is_healthy());
    assert!(!missing().is_healthy());
}

#[test]
fn human_view_shows_counts_deployments_images_events_and_missing_services() {
    let jobs = vec![
        JobStatus {
            key: "report".into(),
            schedule: Some("cron(0 3 * * ? *)".into()),
            live: Some(LiveJob {
                expression: "cron(0 3 * * ? *)".into(),
                timezone: "Europe/Paris".into(),
                state: "ENABLED".into(),
                next_run: Some("2025-11-29T02:00:00Z".into()),
            }),
            last_run: Some(LastRun {
                run: crate::aws::run_task::TaskRun {
                    arn: "arn:aws:ecs:eu-west-1:123456789012:task/ap-test/0123".into(),
                    last_status: Some("STOPPED".into()),
                    stop_code: Some("EssentialContainerExited".into()),
                    stopped_reason: Some("Essential container in task exited".into()),
                    containers: vec![crate::aws::run_task::ContainerRun {
                        name: "report".into(),
                        exit_code: Some(3),
                        reason: None,
                    }],
                },
                created_at: 1764313200.0,
                stopped_at: Some(1764313260.0),
                started_by: Some("ecsctl run".into()),
            }),
        },
        JobStatus {
            key: "sync".into(),
            schedule: Some("rate(1 hour)".into()),
            live: None,
            last_run: None,
        },
    ];
    let text = human(&env(vec![rolling(), missing()], jobs));
    assert_eq!(
        text,
        "ap/test in cluster ap-test at 2025-11-28T07:01:40Z\n\n\
service web (ap-test-web): not healthy\n  desired 2, running 1, pending 1\n  \
PRIMARY ap-test-web:7 running 1/2, IN_PROGRESS: ECS deployment ecs-svc/2 in progress.\n    \
web: nginx:1.28\n  \
ACTIVE ap-test-web:6 running 1/1, COMPLETED: ECS deployment ecs-svc/1 completed.\n  \
target group ap-test-web: 1 healthy, 1 initial (Elb.RegistrationInProgress)\n  \
2025-11-28T07:01:10Z (service ap-test-web) has started 1 tasks: (task 0123).\n  \
2025-11-28T06:06:50Z (service ap-test-web) has reached a steady state.\n\n\
service worker (ap-test-worker): not created\n\n\
scheduled jobs:\n  report: cron(0 3 * * ? *) (Europe/Paris) ENABLED, last run 2025-11-28T07:00:00Z STOPPED, exit 3, next run 2025-11-29T02:00:00Z\n  \
sync: not created (spec: rate(1 hour))\n"
    );
}

#[test]
fn json_document_is_versioned_and_carries_what_the_human_view_shows() {
    let doc: serde_json::Value =
        serde_json::from_str(&json(&env(vec![rolling(), missing()], vec![]))).unwrap();
    assert_eq!(doc["formatVersion"], 1);
    let web = &doc["services"][0];
    assert_eq!(web["healthy"], false);
    assert_eq!(web["status"], "ACTIVE");
    assert_eq!(web["deployments"][0]["rolloutState"], "IN_PROGRESS");
    assert_eq!(web["deployments"][0]["images"][0]["image"], "nginx:1.28");
    assert_eq!(web["deployments"][1]["images"], serde_json::json!([]));
    assert_eq!(web["events"][0]["createdAt"], "2025-11-28T07:01:10Z");
    let tg = &web["targetGroups"][0];
    assert_eq!(tg["found"], true);
    assert_eq!(tg["targets"][1]["state"], "initial");
    assert_eq!(tg["targets"][1]["reason"], "Elb.RegistrationInProgress");
    assert_eq!(tg["targets"][0]["port"], 8080);
    assert_eq!(doc["services"][1]["status"], "MISSING");
    assert_eq!(doc["jobs"], serde_json::json!([]));
}
