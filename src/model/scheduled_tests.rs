//! Scheduled-task rules the table in rules_env_tests.rs does not reach: the schedule name's
//! length, reuse of a disabled service, the accepted boundaries, and per-environment overrides
//! (disable, reschedule) that leave other environments alone.

use crate::diagnostic::Severity;
use crate::model::testkit::{build_raw, diagnostics, merged, ok, with_base};

fn errors(extra: &str) -> Vec<(String, String)> {
    diagnostics(extra)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.path, d.message))
        .collect()
}

#[test]
fn schedule_name_must_fit_64_characters() {
    // `shop-prod-` + 55 = 65 characters.
    let key = "a".repeat(55);
    let got = errors(&format!(
        "scheduledTasks:\n  {key}:\n    image: nginx\n    schedule: rate(1 day)\n"
    ));
    assert!(
        got.iter().any(
            |(path, message)| path.starts_with(&format!("scheduledTasks.{key}"))
                && message.contains("schedule name")
                && message.contains("64")
        ),
        "{got:#?}"
    );
    // 64 fits (reusing a service, so no `-exec` role name is derived from the long key).
    let fits = "a".repeat(54);
    let (d, _) = ok(&format!(
        "services:\n  api:\n    image: nginx\nscheduledTasks:\n  {fits}:\n    service: api\n    schedule: rate(1 day)\n"
    ));
    assert_eq!(d.scheduled_tasks[0].name.len(), 64);
}

#[test]
fn reusing_a_disabled_service_is_an_error_with_a_hint() {
    let got = errors(
        "services:\n  api:\n    image: nginx\n    enabled: false\nscheduledTasks:\n  nightly:\n    service: api\n    schedule: rate(1 day)\n",
    );
    assert_eq!(
        got,
        [(
            "scheduledTasks.nightly.service".to_string(),
            "service `api` is disabled in this environment".to_string()
        )]
    );
}

#[test]
fn boundaries_are_accepted() {
    let (d, _) = ok(
        "scheduledTasks:\n  t:\n    image: nginx\n    schedule: cron(0/5 * ? * MON-FRI *)\n    count: 10\n    retryPolicy:\n      maximumRetryAttempts: 0\n      maximumEventAgeSeconds: 60\n",
    );
    let t = &d.scheduled_tasks[0];
    assert_eq!(
        (
            t.count,
            t.maximum_retry_attempts,
            t.maximum_event_age_seconds
        ),
        (10, 0, 60)
    );
    let got = errors(
        "scheduledTasks:\n  t:\n    image: nginx\n    schedule: rate(1 day)\n    retryPolicy:\n      maximumEventAgeSeconds: 86401\n",
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        got[0].0,
        "scheduledTasks.t.retryPolicy.maximumEventAgeSeconds"
    );
}

#[test]
fn an_environment_disables_or_reschedules_one_job_only() {
    let base = with_base(
        "scheduledTasks:\n  collect:\n    image: nginx\n    schedule: cron(0 2 * * ? *)\n    timezone: Australia/Sydney\n    capacity: spot\n  report:\n    image: nginx\n    schedule: rate(1 day)\n",
    );
    let env = "scheduledTasks:\n  collect:\n    enabled: false\n  report:\n    schedule: rate(12 hours)\n    count: 2\n";
    let (d, _) = build_raw(&merged(&base, env)).unwrap_or_else(|e| panic!("{e:?}"));
    let collect = &d.scheduled_tasks[0];
    assert!(!collect.enabled);
    // Everything else of the disabled job is kept as ecsctl.yaml says.
    assert_eq!(collect.expression.as_deref(), Some("cron(0 2 * * ? *)"));
    assert_eq!(collect.timezone, "Australia/Sydney");
    assert_eq!(
        collect.capacity[0].capacity_provider.as_str(),
        "FARGATE_SPOT"
    );
    let report = &d.scheduled_tasks[1];
    assert!(report.enabled);
    assert_eq!(
        (
            report.expression.as_deref().unwrap_or_default(),
            report.count
        ),
        ("rate(12 hours)", 2)
    );
    // Without the environment file, both run as written.
    let (plain, _) = build_raw(&merged(&base, "{}\n")).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(plain.scheduled_tasks.iter().all(|t| t.enabled));
    assert_eq!(
        plain.scheduled_tasks[1].expression.as_deref(),
        Some("rate(1 day)")
    );
}

/// A job without `schedule` runs only on demand: its task definition is built, no schedule and
/// no scheduler role (nothing for Scheduler to start); settings only a schedule uses warn.
#[test]
fn a_job_without_a_schedule_runs_on_demand_with_no_scheduler_role() {
    let (d, warnings) = ok(
        "services:\n  api:\n    image: nginx\nscheduledTasks:\n  migrate:\n    service: api\n    command: [migrate]\n    timezone: Europe/Paris\n",
    );
    let job = &d.scheduled_tasks[0];
    assert_eq!(job.expression, None);
    assert!(d.schedules().next().is_none());
    assert!(
        d.task_definitions.iter().any(|t| t.family == job.family),
        "its task definition is built"
    );
    assert!(
        !d.roles.iter().any(|r| r.name.ends_with("-scheduler")),
        "{:?}",
        d.roles.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
    let warned: Vec<(String, String)> = warnings
        .iter()
        .map(|w| (w.path.clone(), w.message.clone()))
        .collect();
    assert_eq!(
        warned,
        [(
            "scheduledTasks.migrate.timezone".to_string(),
            "`timezone` has no effect: this job has no `schedule`".to_string()
        )]
    );
}

/// With a scheduled job beside a run-only one, the scheduler role may start only the scheduled
/// job's task definition.
#[test]
fn the_scheduler_role_grants_only_the_scheduled_jobs() {
    let (d, _) = ok(
        "services:\n  api:\n    image: nginx\nscheduledTasks:\n  migrate:\n    image: busybox\n  nightly:\n    image: alpine\n    schedule: rate(1 day)\n",
    );
    let role = d
        .roles
        .iter()
        .find(|r| r.name.ends_with("-scheduler"))
        .unwrap();
    let policy = serde_json::to_string(&role.inline_policy).unwrap();
    assert!(policy.contains("-nightly"), "{policy}");
    assert!(!policy.contains("-migrate"), "{policy}");
    assert_eq!(
        d.schedules().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        ["nightly"]
    );
}
