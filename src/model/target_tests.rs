//! `restrict`: what a service target keeps, and the unknown-name error.

use super::*;
use crate::model::testkit::ok;

/// Three services (one with discovery and autoscaling), a job built from `web` with its own
/// command (so its own family), a job reusing `worker`'s task definition and a standalone job.
const SPEC: &str = "discovery:
  namespace: \"{app}-{env}.local\"
  vpc: vpc-0a1b
services:
  web:
    image: nginx
    ports: [8080]
    discovery: {}
    autoscaling:
      min: 1
      max: 3
      cpu: 60
  worker:
    image: busybox
  beat:
    image: busybox
scheduledTasks:
  migrate:
    service: web
    command: [migrate]
    schedule: rate(1 day)
  sweep:
    service: worker
    schedule: rate(1 hour)
  report:
    image: busybox
    schedule: rate(1 day)
";

fn names<T>(items: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| f(i).to_string()).collect()
}

#[test]
fn a_service_keeps_its_jobs_task_definitions_roles_logs_discovery_and_scaling() {
    let (full, _) = ok(SPEC);
    let d = restrict(&full, &["web".into()]).unwrap();
    assert_eq!(d.target, Some(vec!["web".to_string()]));
    assert_eq!(names(&d.services, |s| &s.key), ["web"]);
    assert_eq!(names(&d.scheduled_tasks, |t| &t.key), ["migrate"]);
    let mut families = names(&d.task_definitions, |t| &t.family);
    families.sort();
    assert_eq!(families, ["shop-prod-migrate", "shop-prod-web"]);
    let mut roles = names(&d.roles, |r| &r.name);
    roles.sort();
    assert_eq!(
        roles,
        [
            "shop-prod-migrate-exec",
            "shop-prod-scheduler",
            "shop-prod-web-exec"
        ]
    );
    let mut groups = names(&d.log_groups, |g| &g.name);
    groups.sort();
    assert_eq!(groups, ["/ecs/shop-prod/migrate", "/ecs/shop-prod/web"]);
    assert_eq!(names(&d.discovery_services, |s| &s.service), ["web"]);
    assert!(d.namespace.is_some());
    assert_eq!(names(&d.scaling_targets, |t| &t.service), ["web"]);
    assert_eq!(d.cluster, full.cluster);
}

#[test]
fn the_shared_scheduler_role_keeps_the_grants_of_jobs_left_out() {
    let (full, _) = ok(SPEC);
    let d = restrict(&full, &["web".into()]).unwrap();
    let scheduler = |d: &Desired| {
        d.roles
            .iter()
            .find(|r| r.purpose == RolePurpose::Scheduler)
            .cloned()
            .unwrap()
    };
    // Rebuilt from `migrate` alone it would drop `sweep`'s and `report`'s RunTask grants.
    assert_eq!(scheduler(&d), scheduler(&full));
    let policy = serde_json::to_string(&scheduler(&d).inline_policy).unwrap();
    assert!(
        policy.contains("task-definition/shop-prod-report:*"),
        "{policy}"
    );
}

#[test]
fn a_service_without_discovery_or_jobs_leaves_the_namespace_and_scheduler_out() {
    let (full, _) = ok(SPEC);
    let d = restrict(&full, &["beat".into()]).unwrap();
    assert_eq!(names(&d.services, |s| &s.key), ["beat"]);
    assert!(d.scheduled_tasks.is_empty());
    assert_eq!(names(&d.roles, |r| &r.name), ["shop-prod-beat-exec"]);
    assert!(d.namespace.is_none() && d.discovery_services.is_empty());
    assert!(d.scaling_targets.is_empty());
}

#[test]
fn a_job_reusing_a_service_task_definition_comes_with_it() {
    let (full, _) = ok(SPEC);
    let d = restrict(&full, &["worker".into(), "worker".into()]).unwrap();
    assert_eq!(d.target, Some(vec!["worker".to_string()]));
    assert_eq!(names(&d.scheduled_tasks, |t| &t.key), ["sweep"]);
    assert_eq!(
        names(&d.task_definitions, |t| &t.family),
        ["shop-prod-worker"]
    );
}

#[test]
fn unknown_names_are_listed_with_the_known_services_and_a_suggestion() {
    let (full, _) = ok(SPEC);
    let err = restrict(&full, &["wbe".into(), "web".into()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`-s`: no service `wbe` in environment `prod`; nothing was read or changed\n  \
hint: did you mean `web`? services here: `web`, `worker`, `beat`"
    );
    let err = restrict(&full, &["nope".into(), "zzz".into()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`-s`: no services `nope` or `zzz` in environment `prod`; nothing was read or changed\n  \
hint: services here: `web`, `worker`, `beat`"
    );
}

#[test]
fn a_scheduled_task_name_says_which_service_brings_it() {
    let (full, _) = ok(SPEC);
    assert_eq!(
        restrict(&full, &["migrate".into()])
            .unwrap_err()
            .to_string(),
        "`-s`: no service `migrate` in environment `prod`; nothing was read or changed\n  \
hint: `migrate` is a scheduled task; it is built from `web`, so `-s web` plans it with its service"
    );
    assert_eq!(
        restrict(&full, &["report".into()]).unwrap_err().to_string(),
        "`-s`: no service `report` in environment `prod`; nothing was read or changed\n  \
hint: `report` is a scheduled task; it belongs to no service, so only a full plan includes it"
    );
}

/// A blue/green service keeps the environment's infrastructure role, built from the whole
/// spec (another service's listener rule stays granted); a rolling one leaves it out.
#[test]
fn a_blue_green_service_keeps_the_whole_infrastructure_role() {
    let lb = |name: &str, rule: &str| {
        format!(
            "    ports: [80]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{name}/1a\n        alternateTargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{name}-alt/2b\n        productionListenerRule: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/5d/6e/{rule}\n    deployment:\n      strategy: blueGreen\n"
        )
    };
    let spec = format!(
        "services:\n  web:\n    image: nginx\n{}  api:\n    image: nginx\n{}  beat:\n    image: busybox\n",
        lb("web", "7f"),
        lb("api", "8a")
    );
    let (full, _) = ok(&spec);
    let infra = |d: &Desired| {
        d.roles
            .iter()
            .find(|r| r.purpose == RolePurpose::Infrastructure)
            .cloned()
    };
    let d = restrict(&full, &["web".into()]).unwrap();
    assert_eq!(infra(&d), infra(&full));
    let policy = serde_json::to_string(&infra(&d).unwrap().inline_policy).unwrap();
    assert!(policy.contains("listener-rule/app/lb/5d/6e/8a"), "{policy}");
    let d = restrict(&full, &["beat".into()]).unwrap();
    assert_eq!(infra(&d), None);
}
