//! Scheduled tasks (EventBridge Scheduler): the schedule, and its task definition when it has
//! its own.
//!
//! Owns the schedule's defaults (group `{app}-{env}`, name `{app}-{env}-{task}`, timezone UTC,
//! count 1, retries 185 over 86400 s) and reuse: `service: X` runs X's task definition unless
//! the task changes container fields, in which case it gets its own family built from X's
//! fields merged with its own. Must not create the scheduler role (build.rs, once all are known).

use super::capacity::{capacity_path, strategy};
use super::names::NameKind;
use super::network::{Owner, network};
use super::resources::*;
use super::scope::Scope;
use super::service::BuiltService;
use super::size::platform_version;
use super::task_def::{BuiltTask, TaskInput, build_task};
use super::task_spec::{TaskSpec, resolve_scheduled};
use super::validate::{check_name, in_range};
use super::{schedule, tags, timezones};
use crate::spec::raw::{RawProject, RawScheduledTask};
use crate::spec::span::{Loc, Sp};

pub struct BuiltScheduled {
    pub task: ScheduledTask,
    /// The task definition, log group and roles, when the task does not reuse a service's.
    pub own: Option<BuiltTask>,
    /// The roles the scheduler passes to ECS when it runs this task.
    pub passed_roles: Vec<RoleRef>,
}

/// The schedule group every scheduled task of an environment shares: `{app}-{env}`. Read,
/// pruned and deleted by this name even when the spec no longer has scheduled tasks.
pub fn schedule_group(app: &str, env: &str) -> String {
    format!("{app}-{env}")
}

pub fn build_scheduled(
    cx: &Scope,
    raw: &RawProject,
    base_tags: &Tags,
    cluster: &str,
    key: &Sp<String>,
    t: &RawScheduledTask,
    services: &[BuiltService],
) -> Option<BuiltScheduled> {
    let at = format!("scheduledTasks.{}", key.value);
    let reused = match &t.service {
        Some(s) => match find_service(cx, raw, s, services, &at) {
            Some(b) => Some(b),
            None => {
                // Without its service the task cannot be built, but its schedule can be checked.
                expression(cx, t, &at);
                timezone(cx, t.timezone.as_ref(), &format!("{at}.timezone"));
                return None;
            }
        },
        None => None,
    };
    let raw_service = reused.and_then(|b| raw.services.as_ref()?.get(&b.service.key));
    let mut spec = resolve_scheduled(raw, t, raw_service);
    // Built on a service, the main container keeps the service's name, so its sidecars'
    // `dependsOn` and the service's own references still resolve.
    if let (Some(b), None) = (reused, &spec.container_name) {
        spec.container_name = Some(Sp::new(b.task.main_container.clone(), key.loc));
    }
    let own_fields = TaskSpec::from_scheduled(t);
    let task_tags = tags::with(cx, base_tags, spec.tags.as_ref(), &format!("{at}.tags"));
    let (own, family, passed_roles, platform) = match reused {
        Some(b) if !own_fields.changes_task_definition() => {
            let platform = match own_fields.platform_version {
                Some(_) => platform_version(cx, &own_fields, &at, Some(b.task.def.size)),
                None => b.service.platform_version.clone(),
            };
            (
                None,
                b.task.def.family.clone(),
                roles_of(&b.task.def),
                platform,
            )
        }
        _ => {
            let input = TaskInput {
                raw,
                key: &key.value,
                at: at.clone(),
                key_loc: key.loc,
                spec: &spec,
                // RunTask takes its own `enableExecuteCommand`, which schedules do not set.
                exec: None,
                tags: task_tags.clone(),
            };
            let built = build_task(cx, raw.names.as_ref(), &input);
            let (family, roles, platform) = (
                built.def.family.clone(),
                roles_of(&built.def),
                built.platform_version.clone(),
            );
            (Some(built), family, roles, platform)
        }
    };
    match (&own, reused) {
        (Some(built), _) => no_ebs(cx, key, &at, built, None),
        (None, Some(b)) => no_ebs(cx, key, &at, &b.task, Some(key.loc)),
        (None, None) => {}
    }
    let name = cx
        .default_name(
            "{app}-{env}-{service}",
            key.loc,
            &format!("{at}.name"),
            Some(&key.value),
        )
        .unwrap_or_default();
    check_name(cx, NameKind::Schedule, &name, key.loc, &at);
    let retry = t.retry_policy.as_ref();
    let task = ScheduledTask {
        key: key.value.clone(),
        service: reused.map(|b| b.service.key.clone()),
        name,
        group: schedule_group(&cx.app, &cx.env),
        expression: expression(cx, t, &at),
        timezone: timezone(cx, t.timezone.as_ref(), &format!("{at}.timezone")),
        enabled: t.enabled.as_ref().is_none_or(|e| e.value),
        description: t
            .description
            .as_ref()
            .and_then(|d| cx.text(d, &format!("{at}.description"))),
        cluster: cluster.to_string(),
        family,
        count: t.count.as_ref().map_or(1, |c| {
            in_range(
                cx,
                c,
                1..=10,
                "scheduled task count",
                &format!("{at}.count"),
            )
        }),
        capacity: strategy(
            cx,
            spec.capacity.as_ref(),
            &capacity_path(raw, spec.capacity.as_ref(), &at),
        ),
        network: network(
            cx,
            raw,
            spec.network.as_ref(),
            &Owner {
                at: &at,
                key: key.loc,
                what: "scheduled task",
            },
        ),
        platform_version: platform,
        maximum_retry_attempts: retry
            .and_then(|r| r.maximum_retry_attempts.as_ref())
            .map_or(185, |r| {
                in_range(
                    cx,
                    r,
                    0..=185,
                    "maximum retry attempts",
                    &format!("{at}.retryPolicy.maximumRetryAttempts"),
                )
            }),
        maximum_event_age_seconds: retry
            .and_then(|r| r.maximum_event_age_seconds.as_ref())
            .map_or(86400, |r| {
                in_range(
                    cx,
                    r,
                    60..=86400,
                    "maximum event age",
                    &format!("{at}.retryPolicy.maximumEventAgeSeconds"),
                )
            }),
        propagate_tags: propagate_tags(cx, t, &at),
        role: format!("{}-{}-scheduler", cx.app, cx.env),
        tags: task_tags,
        run_minutes: t
            .run_minutes
            .as_ref()
            .map(|m| in_range(cx, m, 1..=1440, "run minutes", &format!("{at}.runMinutes"))),
    };
    Some(BuiltScheduled {
        task,
        own,
        passed_roles,
    })
}

fn find_service<'a>(
    cx: &Scope,
    raw: &RawProject,
    name: &Sp<String>,
    services: &'a [BuiltService],
    at: &str,
) -> Option<&'a BuiltService> {
    if let Some(b) = services.iter().find(|b| b.service.key == name.value) {
        return Some(b);
    }
    let path = format!("{at}.service");
    if raw
        .services
        .as_ref()
        .is_some_and(|s| s.get(&name.value).is_some())
    {
        cx.error_hint(
            name.loc,
            path,
            format!("service `{}` is disabled in this environment", name.value),
            "enable the service or give the task its own `image`",
        );
    } else {
        let known: Vec<String> = services
            .iter()
            .map(|b| format!("`{}`", b.service.key))
            .collect();
        cx.error_hint(
            name.loc,
            path,
            format!("scheduled task names undefined service `{}`", name.value),
            format!("services: {}", known.join(", ")),
        );
    }
    None
}

fn roles_of(def: &TaskDefinition) -> Vec<RoleRef> {
    std::iter::once(def.execution_role.clone())
        .chain(def.task_role.clone())
        .collect()
}

/// The schedule expression; None without `schedule:` (a job run only on demand, by `ecsctl
/// run` or before a deploy), when the settings that only a schedule uses are warned about.
fn expression(cx: &Scope, t: &RawScheduledTask, at: &str) -> Option<String> {
    let path = format!("{at}.schedule");
    let Some(s) = &t.schedule else {
        schedule_only(cx, t, at);
        return None;
    };
    let text = cx.text(s, &path)?;
    if let Err((message, hint)) = schedule::check(&text) {
        match hint {
            Some(h) => cx.error_hint(s.loc, path, message, h),
            None => cx.error(s.loc, path, message),
        }
    }
    Some(text)
}

/// `timezone`, `enabled` and `retryPolicy` configure the EventBridge schedule: without one they
/// do nothing, which the spec's author did not mean (a warning, since the job still runs).
fn schedule_only(cx: &Scope, t: &RawScheduledTask, at: &str) {
    let hint =
        "add `schedule:` to run it on a schedule, or remove the key (the job runs only on demand)";
    let unused = [
        ("timezone", t.timezone.as_ref().map(|v| v.loc)),
        ("enabled", t.enabled.as_ref().map(|v| v.loc)),
        (
            "retryPolicy",
            t.retry_policy.as_ref().and_then(|r| {
                r.maximum_retry_attempts
                    .as_ref()
                    .map(|v| v.loc)
                    .or(r.maximum_event_age_seconds.as_ref().map(|v| v.loc))
            }),
        ),
    ];
    for (key, loc) in unused {
        if let Some(loc) = loc {
            cx.push(
                crate::diagnostic::Diagnostic::warning(
                    loc,
                    format!("{at}.{key}"),
                    format!("`{key}` has no effect: this job has no `schedule`"),
                )
                .with_hint(hint),
            );
        }
    }
}

/// `propagateTags` of a job: EventBridge Scheduler's EcsParameters take only `TASK_DEFINITION`
/// (Scheduler API reference, EcsParameters `PropagateTags`), so `service` is refused.
fn propagate_tags(cx: &Scope, t: &RawScheduledTask, at: &str) -> bool {
    use crate::spec::raw_values::PropagateTagsFrom;
    let Some(p) = &t.propagate_tags else {
        return false;
    };
    match p.value {
        PropagateTagsFrom::TaskDefinition => true,
        PropagateTagsFrom::None => false,
        PropagateTagsFrom::Service => {
            cx.error_hint(
                p.loc,
                format!("{at}.propagateTags"),
                "a scheduled task has no service to copy tags from",
                "EventBridge Scheduler copies tags only from the task definition: `propagateTags: taskDefinition`",
            );
            false
        }
    }
}

/// Checked against the embedded IANA list (offline); the nearest name is the hint.
pub(super) fn timezone(cx: &Scope, tz: Option<&Sp<String>>, path: &str) -> String {
    let Some(tz) = tz else {
        return "UTC".to_string();
    };
    let Some(text) = cx.text(tz, path) else {
        return String::new();
    };
    if !timezones::is_known(&text) {
        let nearest = timezones::ZONES.iter().max_by(|a, b| {
            strsim::jaro_winkler(&text, a).total_cmp(&strsim::jaro_winkler(&text, b))
        });
        let hint = nearest.map_or(
            "use an IANA name such as `Europe/Berlin`".to_string(),
            |n| format!("did you mean `{n}`?"),
        );
        cx.error_hint(tz.loc, path, format!("unknown time zone `{text}`"), hint);
    }
    text
}

#[cfg(test)]
#[path = "scheduled_tests.rs"]
mod tests;

/// A scheduled task's task definition must not have an EBS volume: only a service (or a
/// RunTask that sends `volumeConfigurations`) can configure one, and EventBridge Scheduler's
/// EcsParameters have no such field
/// (<https://docs.aws.amazon.com/scheduler/latest/APIReference/API_EcsParameters.html>), so
/// every run would start without its volume. `at_key`: where to point when the task is a service's, reused as it is.
fn no_ebs(cx: &Scope, key: &Sp<String>, at: &str, task: &BuiltTask, at_key: Option<Loc>) {
    let Some((v, loc)) = &task.ebs else {
        return;
    };
    cx.error_hint(
        at_key.unwrap_or(*loc),
        format!("{at}.volumes.{}", v.name),
        format!(
            "scheduled task `{}` would run with EBS volume `{}`, which only a service configures",
            key.value, v.name
        ),
        format!(
            "EventBridge Scheduler cannot attach EBS volumes: give the task `volumes: {{{}: {{}}}}` \
             (scratch space) or an EFS volume",
            v.name
        ),
    );
}
