//! Table tests of the environment-wide rules: project settings, names and templates,
//! references between resources, discovery, autoscaling, capacity, schedules and warnings.

use super::testkit::{assert_errors, assert_errors_full, assert_one, want as w};
use crate::diagnostic::Severity;

const NET: &str = "network:\n  subnets: [subnet-0a1b]\n  securityGroups: [sg-0a1b]\n";

#[test]
fn project_settings() {
    let spec = |head: &str| format!("{head}{NET}services:\n  api:\n    image: nginx\n");
    let cases = [
        ("app name", spec("app: Shop\nregion: eu-west-1\n"), w("app", "app name `Shop` must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter", 1)),
        // Regression: these pointed at "(built-in default)"; now at the first line of ecsctl.yaml.
        ("no app", spec("region: eu-west-1\n"), w("app", "the spec has no `app`", 1)),
        ("region shape", spec("app: shop\nregion: Ireland\n"), w("region", "region `Ireland` is not an AWS region", 2)),
        ("no region", spec("app: shop\n"), w("region", "the spec has no `region`", 1)),
        ("account digits", spec("app: shop\nregion: eu-west-1\naccount: 12345\n"), w("account", "account `12345` is not a 12-digit AWS account ID", 3)),
        (
            "network without security groups",
            "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-0a1b]\nservices:\n  api:\n    image: nginx\n".to_string(),
            w("services.api.network.securityGroups", "service has no `network.securityGroups`", 6),
        ),
        (
            "network without subnets",
            "app: shop\nregion: eu-west-1\nnetwork:\n  securityGroups: [sg-0a1b]\nservices:\n  api:\n    image: nginx\n".to_string(),
            w("services.api.network.subnets", "service has no `network.subnets`", 6),
        ),
    ];
    assert_errors_full(&cases);
}

#[test]
fn names_and_templates() {
    let long = format!(
        "names:\n  executionRole: \"{{app}}-{{env}}-{{service}}-{}\"\nservices:\n  api:\n    image: nginx\n",
        "e".repeat(60)
    );
    let long_message: &'static str = Box::leak(
        format!(
            "IAM role name `shop-prod-api-{}` is 74 characters long; the limit is 64",
            "e".repeat(60)
        )
        .into_boxed_str(),
    );
    assert_errors(&[
        (
            "role name length",
            long.as_str(),
            w("names.executionRole", long_message, 2),
        ),
        (
            "service name characters",
            "names:\n  service: \"{app}.{env}.{service}\"\nservices:\n  api:\n    image: nginx\n",
            w(
                "names.service",
                "service name `shop.prod.api` has characters AWS does not allow",
                2,
            ),
        ),
        (
            "family characters",
            "names:\n  family: \"{app}:{service}\"\nservices:\n  api:\n    image: nginx\n",
            w(
                "names.family",
                "task definition family `shop:api` has characters AWS does not allow",
                2,
            ),
        ),
        (
            "cluster characters",
            "cluster:\n  name: \"{app}/{env}\"\n",
            w(
                "cluster.name",
                "cluster name `shop/prod` has characters AWS does not allow",
                2,
            ),
        ),
        (
            "log group characters",
            "logs:\n  group: \"/ecs/{app} {env}\"\nservices:\n  api:\n    image: nginx\n",
            w(
                "logs.group",
                "log group name `/ecs/shop prod` has characters AWS does not allow",
                2,
            ),
        ),
        (
            "unknown placeholder",
            "names:\n  service: \"{app}-{svc}\"\nservices:\n  api:\n    image: nginx\n",
            w("names.service", "unknown placeholder `{svc}`", 2),
        ),
        (
            "service placeholder in cluster",
            "cluster:\n  name: \"{app}-{service}\"\n",
            w(
                "cluster.name",
                "placeholder `{service}` cannot be used here",
                2,
            ),
        ),
        (
            "service names collide",
            "names:\n  service: \"{app}-{env}\"\nservices:\n  api:\n    image: nginx\n  web:\n    image: nginx\n",
            w(
                "names.service",
                "service name `shop-prod` is used by both `api` and `web`",
                2,
            ),
        ),
        (
            "families collide",
            "names:\n  family: \"{app}\"\nservices:\n  api:\n    image: nginx\n  web:\n    image: nginx\n",
            w(
                "names.family",
                "task definition family `shop` is used by both `api` and `web`",
                2,
            ),
        ),
        (
            "roles collide",
            "names:\n  executionRole: \"{app}-exec\"\nservices:\n  api:\n    image: nginx\n  web:\n    image: nginx\n",
            w(
                "names.executionRole",
                "IAM role name `shop-exec` is used by both `api` and `web`",
                2,
            ),
        ),
        (
            "unset variable",
            "services:\n  api:\n    image: \"nginx:${NOPE}\"\n",
            w(
                "services.api.image",
                "environment variable `NOPE` is not set",
                3,
            ),
        ),
    ]);
}

#[test]
fn references_and_discovery() {
    let ns = "discovery:\n  namespace: \"{app}-{env}.local\"\n  vpc: vpc-0a1b\n";
    let with_ns = |svc: &str| format!("{ns}services:\n  api:\n    image: nginx\n{svc}");
    let cases = [
        (
            "discovery name",
            with_ns("    discovery:\n      name: API\n"),
            w(
                "services.api.discovery.name",
                "discovery service name `API` has characters AWS does not allow",
                8,
            ),
        ),
        (
            "srv without port",
            with_ns("    discovery:\n      records: [SRV]\n"),
            w(
                "services.api.discovery.records",
                "SRV records need a port",
                8,
            ),
        ),
        (
            "load balancer container",
            with_ns(
                "    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1a\n        container: web\n",
            ),
            w(
                "services.api.loadBalancers[0].container",
                "load balancer names undefined container `web`",
                9,
            ),
        ),
        (
            "load balancer port",
            with_ns(
                "    ports: [80]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1a\n        port: 81\n",
            ),
            w(
                "services.api.loadBalancers[0].port",
                "container `api` has no port `81`",
                10,
            ),
        ),
    ];
    assert_errors(&cases);
    assert_errors(&[
        (
            "discovery without namespace",
            "services:\n  api:\n    image: nginx\n    discovery:\n      enabled: true\n",
            w(
                "services.api.discovery",
                "service discovery needs the environment's `discovery.namespace`",
                2,
            ),
        ),
        (
            "namespace without vpc",
            "discovery:\n  namespace: shop.local\n",
            w("discovery.vpc", "namespace `shop.local` has no `vpc`", 2),
        ),
        (
            "vpc id",
            "discovery:\n  namespace: shop.local\n  vpc: vpc_1\n",
            w("discovery.vpc", "`vpc_1` is not a vpc ID", 3),
        ),
        (
            "namespace name",
            "discovery:\n  namespace: shop_prod.local\n  vpc: vpc-0a1b\n",
            w(
                "discovery.namespace",
                "namespace name `shop_prod.local` has characters AWS does not allow",
                2,
            ),
        ),
        (
            "scheduled task of undefined service",
            "scheduledTasks:\n  nightly:\n    service: wrk\n    schedule: rate(1 day)\n",
            w(
                "scheduledTasks.nightly.service",
                "scheduled task names undefined service `wrk`",
                3,
            ),
        ),
    ]);
}

#[test]
fn autoscaling_and_capacity() {
    let svc = |body: &str| format!("services:\n  api:\n    image: nginx\n{body}");
    let cases = [
        (
            "min above max",
            svc("    autoscaling:\n      min: 5\n      max: 2\n      cpu: 60\n"),
            w(
                "services.api.autoscaling.min",
                "autoscaling min `5` is above max `2`",
                5,
            ),
        ),
        (
            "max zero",
            svc("    autoscaling:\n      min: 0\n      max: 0\n      cpu: 60\n"),
            w(
                "services.api.autoscaling.max",
                "autoscaling max `0` must be at least 1",
                6,
            ),
        ),
        (
            "no max",
            svc("    autoscaling:\n      cpu: 60\n"),
            w(
                "services.api.autoscaling.max",
                "autoscaling has no `max`",
                2,
            ),
        ),
        (
            "count outside range",
            svc("    count: 10\n    autoscaling:\n      max: 4\n      cpu: 60\n"),
            w(
                "services.api.count",
                "count `10` is outside the autoscaling range 1-4",
                4,
            ),
        ),
        (
            "cpu target",
            svc("    autoscaling:\n      max: 4\n      cpu: 150\n"),
            w(
                "services.api.autoscaling.cpu",
                "cpu target `150` must be a percentage above 0 and at most 100",
                6,
            ),
        ),
        (
            "requests without load balancer",
            svc("    autoscaling:\n      max: 4\n      requestsPerTarget: 100\n"),
            w(
                "services.api.autoscaling.requestsPerTarget",
                "requestsPerTarget needs a load balancer",
                6,
            ),
        ),
        (
            "requests on a network load balancer",
            svc(
                "    ports: [80]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1a\n        loadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/web/2b\n    autoscaling:\n      max: 4\n      requestsPerTarget: 100\n",
            ),
            w(
                "services.api.loadBalancers[0].loadBalancerArn",
                "`arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/web/2b` is not an application load balancer ARN",
                7,
            ),
        ),
        (
            "capacity mix of zeros",
            svc("    capacity: {onDemandWeight: 0, spotWeight: 0}\n"),
            w(
                "services.api.capacity",
                "capacity mix needs `onDemandWeight` or `spotWeight` above 0",
                4,
            ),
        ),
        (
            "min healthy percent",
            svc("    deployment:\n      minHealthyPercent: 101\n"),
            w(
                "services.api.deployment.minHealthyPercent",
                "minimum healthy percent `101` is out of range 0-100",
                5,
            ),
        ),
        (
            "retention",
            svc("    logs:\n      retentionDays: 10\n"),
            w(
                "services.api.logs.retentionDays",
                "log retention `10` days is not a value CloudWatch accepts",
                5,
            ),
        ),
    ];
    assert_errors(&cases);
}

#[test]
fn scheduled_tasks() {
    let task = |body: &str| format!("scheduledTasks:\n  nightly:\n    image: nginx\n{body}");
    let cases = [
        (
            "cron fields",
            task("    schedule: cron(0 3 * * *)\n"),
            w(
                "scheduledTasks.nightly.schedule",
                "cron `cron(0 3 * * *)` has 5 fields; EventBridge needs 6",
                4,
            ),
        ),
        (
            "cron question mark",
            task("    schedule: cron(0 3 * * MON *)\n"),
            w(
                "scheduledTasks.nightly.schedule",
                "cron `cron(0 3 * * MON *)` must have `?` in exactly one of day-of-month and day-of-week",
                4,
            ),
        ),
        (
            "rate unit",
            task("    schedule: rate(1 hours)\n"),
            w(
                "scheduledTasks.nightly.schedule",
                "rate `rate(1 hours)` must use the singular unit",
                4,
            ),
        ),
        (
            "timezone",
            task("    schedule: rate(1 day)\n    timezone: Europe/Berln\n"),
            w(
                "scheduledTasks.nightly.timezone",
                "unknown time zone `Europe/Berln`",
                5,
            ),
        ),
        (
            "count zero",
            task("    schedule: rate(1 day)\n    count: 0\n"),
            w(
                "scheduledTasks.nightly.count",
                "scheduled task count `0` is out of range 1-10",
                5,
            ),
        ),
        (
            "count eleven",
            task("    schedule: rate(1 day)\n    count: 11\n"),
            w(
                "scheduledTasks.nightly.count",
                "scheduled task count `11` is out of range 1-10",
                5,
            ),
        ),
        (
            "platform version of a task reusing a service",
            "services:\n  api:\n    image: nginx\nscheduledTasks:\n  nightly:\n    service: api\n    schedule: rate(1 day)\n    platformVersion: newest\n".to_string(),
            w("scheduledTasks.nightly.platformVersion", "platform version `newest` is not valid", 8),
        ),
        (
            "retry attempts",
            task("    schedule: rate(1 day)\n    retryPolicy:\n      maximumRetryAttempts: 186\n"),
            w(
                "scheduledTasks.nightly.retryPolicy.maximumRetryAttempts",
                "maximum retry attempts `186` is out of range 0-185",
                6,
            ),
        ),
        (
            "event age",
            task("    schedule: rate(1 day)\n    retryPolicy:\n      maximumEventAgeSeconds: 30\n"),
            w(
                "scheduledTasks.nightly.retryPolicy.maximumEventAgeSeconds",
                "maximum event age `30` is out of range 60-86400",
                6,
            ),
        ),
    ];
    assert_errors(&cases);
}

#[test]
fn warnings() {
    let no_metric = "services:\n  api:\n    image: nginx\n    autoscaling:\n      max: 4\n";
    let want = w(
        "services.api.autoscaling",
        "autoscaling has no target (`cpu`, `memory`, `requestsPerTarget`, `sqsQueue`, `customMetric`), `steps` or `schedule`, so it never scales",
        5,
    );
    assert_one(
        "autoscaling without metric",
        no_metric,
        Severity::Warning,
        &want,
    );
    let breaker = "protected: true\nservices:\n  api:\n    image: nginx\n    deployment:\n      circuitBreaker:\n        enabled: false\n";
    let want = w(
        "services.api.deployment.circuitBreaker.enabled",
        "circuit breaker disabled in a protected environment: a failing deployment keeps retrying instead of rolling back",
        7,
    );
    assert_one(
        "breaker off when protected",
        breaker,
        Severity::Warning,
        &want,
    );
    let empty = "services:\n  api:\n    image: nginx\n    env:\n      KEEP: x\n      FOO: \"\"\n";
    let want = w(
        "services.api.env.FOO",
        "env var `FOO` is empty: ECS drops empty values, so it is left out (the container will not see it set)",
        6,
    );
    assert_one("empty env var", empty, Severity::Warning, &want);
    let (d, _) = super::testkit::ok(empty);
    let env = &d.task_definitions[0].containers[0].environment;
    assert_eq!(
        env.keys().collect::<Vec<_>>(),
        ["KEEP"],
        "dropped from the desired state"
    );
}
