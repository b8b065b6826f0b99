//! More resolution tests: autoscaling, discovery, scheduled tasks and shared log groups.

use super::resources::*;
use super::testkit::ok;

#[test]
fn autoscaling_target_and_policies() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    ports: [8080]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/73e2d6bc24d8a067\n        loadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188\n    autoscaling:\n      min: 2\n      max: 6\n      cpu: 60\n      requestsPerTarget: 500\n",
    );
    let s = &d.services[0];
    assert_eq!(
        (s.desired_count, s.autoscaling),
        (2, Some(CountRange { min: 2, max: 6 }))
    );
    assert_eq!(s.load_balancers[0].container_port, 8080);
    let t = &d.scaling_targets[0];
    assert_eq!(t.resource_id, "service/shop-prod/shop-prod-api");
    let names: Vec<&str> = t.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["shop-prod-api-cpu", "shop-prod-api-requests"]);
    assert_eq!(
        t.policies[0].rule,
        PolicyRule::TargetTracking {
            target_value: 60.0,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60
        }
    );
    let label = "app/web/50dc6c495c0c9188/targetgroup/api/73e2d6bc24d8a067".to_string();
    assert_eq!(
        t.policies[1].metric,
        ScalingMetric::AlbRequests {
            resource_label: label
        }
    );
}

#[test]
fn discovery_namespace_and_service() {
    let (d, _) = ok(
        "discovery:\n  namespace: \"{app}-{env}.local\"\n  vpc: vpc-0a1b\nservices:\n  api:\n    image: nginx\n    ports: [8080]\n    discovery:\n      records: [A, SRV]\n",
    );
    assert_eq!(
        d.namespace
            .as_ref()
            .map(|n| (n.name.as_str(), n.vpc.as_str())),
        Some(("shop-prod.local", "vpc-0a1b"))
    );
    let ds = &d.discovery_services[0];
    assert_eq!(
        (ds.name.as_str(), ds.namespace.as_str(), ds.routing),
        ("api", "shop-prod.local", RoutingPolicy::Multivalue)
    );
    assert_eq!(
        ds.records,
        vec![
            DnsRecord {
                kind: DnsRecordType::A,
                ttl: 60
            },
            DnsRecord {
                kind: DnsRecordType::Srv,
                ttl: 60
            }
        ]
    );
    let registry = ServiceRegistry {
        discovery_service: "api".into(),
        container_name: Some("api".into()),
        container_port: Some(8080),
    };
    assert_eq!(d.services[0].discovery, Some(registry));
}

#[test]
fn scheduled_tasks_reuse_or_own_family() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\n    taskRole:\n      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\nscheduledTasks:\n  reindex:\n    service: api\n    schedule: cron(0 3 * * ? *)\n    enabled: false\n  report:\n    service: api\n    schedule: rate(1 day)\n    command: [report]\n  cleanup:\n    image: busybox\n    schedule: rate(12 hours)\n    timezone: Europe/Berlin\n",
    );
    let families: Vec<&str> = d
        .task_definitions
        .iter()
        .map(|t| t.family.as_str())
        .collect();
    assert_eq!(
        families,
        vec!["shop-prod-api", "shop-prod-report", "shop-prod-cleanup"]
    );
    let tasks: Vec<(&str, &str, bool, &str)> = d
        .scheduled_tasks
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.family.as_str(),
                t.enabled,
                t.timezone.as_str(),
            )
        })
        .collect();
    assert_eq!(
        tasks,
        vec![
            ("shop-prod-reindex", "shop-prod-api", false, "UTC"),
            ("shop-prod-report", "shop-prod-report", true, "UTC"),
            (
                "shop-prod-cleanup",
                "shop-prod-cleanup",
                true,
                "Europe/Berlin"
            ),
        ]
    );
    let t = &d.scheduled_tasks[0];
    assert_eq!(
        (
            t.group.as_str(),
            t.role.as_str(),
            t.count,
            t.maximum_retry_attempts,
            t.maximum_event_age_seconds
        ),
        ("shop-prod", "shop-prod-scheduler", 1, 185, 86400)
    );
    let report = &d.task_definitions[1];
    assert_eq!(report.containers[0].name, "api");
    assert_eq!(
        (
            report.containers[0].image.as_str(),
            report.containers[0].command.clone()
        ),
        ("nginx", Some(vec!["report".to_string()]))
    );
    let scheduler = d
        .roles
        .iter()
        .find(|r| r.purpose == RolePurpose::Scheduler)
        .expect("scheduler role");
    let policy = scheduler.inline_policy.as_ref().expect("policy");
    assert_eq!(
        policy.statement[0].resource,
        ["shop-prod-api", "shop-prod-cleanup", "shop-prod-report"]
            .map(|f| format!("arn:aws:ecs:eu-west-1:123456789012:task-definition/{f}:*"))
            .to_vec()
    );
    let passed = [
        "shop-prod-api-exec",
        "shop-prod-api-task",
        "shop-prod-cleanup-exec",
        "shop-prod-report-exec",
        "shop-prod-report-task",
    ];
    assert_eq!(
        policy.statement[1].resource,
        passed
            .map(|r| format!("arn:aws:iam::123456789012:role/{r}"))
            .to_vec()
    );
    // Tagging the tasks it starts, only in the environment's cluster, only on RunTask.
    let tag = &policy.statement[2];
    assert_eq!(
        (tag.sid.as_deref(), tag.action.clone(), tag.resource.clone()),
        (
            Some("TagRunTask"),
            vec!["ecs:TagResource".to_string()],
            vec!["arn:aws:ecs:eu-west-1:123456789012:task/shop-prod/*".to_string()]
        )
    );
    assert_eq!(
        tag.condition,
        Some(serde_json::json!({"StringEquals": {"ecs:CreateAction": "RunTask"}}))
    );
    assert_eq!(policy.statement.len(), 3, "nothing else is granted");
    assert_eq!(scheduler.trusted_service, "scheduler.amazonaws.com");
    assert!(scheduler.managed_policy_arns.is_empty());
}

#[test]
fn shared_log_group_is_one_resource() {
    let (d, _) = ok(
        "logs:\n  group: \"/ecs/{app}-{env}\"\n  retentionDays: 30\nservices:\n  api:\n    image: nginx\n  web:\n    image: nginx\n",
    );
    assert_eq!(d.log_groups.len(), 1);
    assert_eq!(
        (
            d.log_groups[0].name.as_str(),
            d.log_groups[0].retention_days
        ),
        ("/ecs/shop-prod", Some(30))
    );
}

#[test]
fn no_scheduler_role_without_scheduled_tasks() {
    let (d, _) = ok("services:\n  api:\n    image: nginx\n");
    assert!(d.roles.iter().all(|r| r.purpose != RolePurpose::Scheduler));
}

/// Regression: `{service}` was refused in `image`, so one `defaults.image` could not name each
/// service's repository, and a placeholder inside a `${VAR:-default}` default stayed literal.
#[test]
fn image_templates_per_service_with_env_default_tag() {
    let (desired, _) = ok(
        "defaults:\n  image: \"repo/{app}-{service}:${UNSET_TAG:-{env}}\"\nservices:\n  api: {}\n  web:\n    image: \"repo/web:${IMAGE_TAG:-{env}}\"\n",
    );
    let image = |family: &str| {
        desired
            .task_definitions
            .iter()
            .find(|t| t.family == family)
            .map(|t| t.containers[0].image.clone())
    };
    assert_eq!(
        image("shop-prod-api").as_deref(),
        Some("repo/shop-api:prod")
    );
    assert_eq!(image("shop-prod-web").as_deref(), Some("repo/web:1.2.3"));
}

/// Regression: a Secrets Manager ARN written without AWS's random suffix (as seed 004 writes
/// `arn:...:secret:staging/database/credentials`) was granted verbatim, which IAM never matches
/// against the secret's real ARN, so tasks could not read it.
#[test]
fn secret_arn_without_suffix_is_granted_with_and_without_it() {
    let (desired, _) = ok(
        "services:\n  api:\n    image: nginx\n    secrets:\n      DB: arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/db\n      JWT: \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/jwt:JWT_SECRET::\"\n",
    );
    let role = desired
        .roles
        .iter()
        .find(|r| r.name == "shop-prod-api-exec")
        .expect("exec role");
    let policy = role.inline_policy.as_ref().expect("inline policy");
    let secrets = policy
        .statement
        .iter()
        .find(|s| s.action == ["secretsmanager:GetSecretValue"])
        .expect("secrets statement");
    assert_eq!(
        secrets.resource,
        [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/db",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/db-??????",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/jwt",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/jwt-??????",
        ]
    );
}

/// Regression: `${VAR}` stayed literal in sizes written as strings and in a secret's `key`.
#[test]
fn variables_expand_in_sizes_and_secret_keys() {
    let (desired, _) = ok(
        "services:\n  api:\n    image: nginx\n    cpu: \"${UNSET_CPU:-512}\"\n    memory: \"${UNSET_MEM:-1 GB}\"\n    secrets:\n      JWT: {secretsManager: app/jwt, key: \"${UNSET_KEY:-JWT_SECRET}\"}\n",
    );
    let td = &desired.task_definitions[0];
    assert_eq!((td.size.cpu(), td.size.memory()), (512, 1024));
    assert_eq!(
        td.containers[0].secrets["JWT"],
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/jwt:JWT_SECRET::"
    );
}

/// `deployment.alarms`: names kept in order; an empty or repeated one is a located error.
#[test]
fn deployment_alarms_are_names_each_once() {
    let (d, _) = crate::model::testkit::ok(
        "services:\n  api:\n    image: nginx\n    deployment:\n      alarms: [api-5xx, api-latency]\n",
    );
    assert_eq!(d.services[0].deployment.alarms, ["api-5xx", "api-latency"]);
    let bad: Vec<(String, String)> = crate::model::testkit::diagnostics(
        "services:\n  api:\n    image: nginx\n    deployment:\n      alarms: [api-5xx, \"\", api-5xx]\n",
    )
    .into_iter()
    .filter(|d| d.severity == crate::diagnostic::Severity::Error)
    .map(|d| (d.path, d.message))
    .collect();
    assert_eq!(
        bad,
        [
            (
                "services.api.deployment.alarms[1]".to_string(),
                "alarm name `` must be 1 to 255 characters".to_string()
            ),
            (
                "services.api.deployment.alarms[2]".to_string(),
                "alarm `api-5xx` is named twice".to_string()
            ),
        ]
    );
}

/// A service's own `names` keep the names it already has (for adoption), over the templates;
/// another service still follows the templates, and two services cannot share a literal name.
#[test]
fn a_service_keeps_its_own_names() {
    let (d, _) = ok(
        "names:\n  service: \"{app}-{env}-{service}-svc\"\nservices:\n  api:\n    image: nginx\n    names:\n      service: checkout-svc-prod\n      family: checkout\n      executionRole: checkout-exec\n  worker:\n    image: busybox\n",
    );
    let by = |key: &str| d.services.iter().find(|s| s.key == key).unwrap();
    assert_eq!(by("api").name, "checkout-svc-prod");
    assert_eq!(by("api").family, "checkout");
    assert_eq!(
        by("worker").name,
        "shop-prod-worker-svc",
        "the template still applies"
    );
    let exec: Vec<&str> = d
        .roles
        .iter()
        .filter(|r| r.purpose == RolePurpose::Execution)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(exec, ["checkout-exec", "shop-prod-worker-exec"]);
    let diags = super::testkit::diagnostics(
        "services:\n  api:\n    image: nginx\n    names: {service: one}\n  worker:\n    image: busybox\n    names: {service: one}\n",
    );
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("`one`") && d.message.contains("both")),
        "{diags:?}"
    );
}
