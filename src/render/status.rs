//! The views of `ecsctl status`: the snapshot's data ([`EnvStatus`]), its human text and its
//! versioned JSON document (docs/status-json.md).
//!
//! Owns every byte `status` prints on stdout. Must not read AWS or decide health beyond the
//! one documented rule ([`ServiceStatus::is_healthy`]); the human view never shows what the
//! JSON lacks.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;

use crate::apply::wait::{RolloutDeployment, ServiceRollout};
use crate::aws::elbv2::TargetState;
use crate::aws::job_runs::LastRun;
use crate::diff::normalize::task_definition_ref;
use crate::lock::clock::format_rfc3339;

/// The JSON document's version; bumped on any incompatible change (docs/status-json.md).
pub const FORMAT_VERSION: u32 = 1;

/// How many of a service's newest events the views show.
pub const EVENTS_SHOWN: usize = 5;

/// One snapshot of an environment.
#[derive(Clone, Debug)]
pub struct EnvStatus {
    pub app: String,
    pub env: String,
    pub cluster: String,
    /// When the snapshot was read, seconds since the epoch.
    pub read_at: f64,
    pub services: Vec<ServiceStatus>,
    pub jobs: Vec<JobStatus>,
}

/// One service of the spec, as ECS reports it.
#[derive(Clone, Debug)]
pub struct ServiceStatus {
    /// The spec's key (`web`).
    pub key: String,
    /// The ECS service name; `live.status` is `MISSING` when it does not exist.
    pub live: ServiceRollout,
    /// The containers' images of each deployment's task definition, by deployment id.
    pub images: Vec<(String, Vec<(String, String)>)>,
    /// The spec's target groups of the service with their targets' health (ELBv2).
    pub target_groups: Vec<TargetGroupHealth>,
}

/// One target group; `targets` is None when the group does not exist.
#[derive(Clone, Debug)]
pub struct TargetGroupHealth {
    pub arn: String,
    pub targets: Option<Vec<TargetState>>,
}

impl TargetGroupHealth {
    /// `my-targets` of `...:targetgroup/my-targets/73e2d6bc24d8a067`.
    fn name(&self) -> &str {
        self.arn
            .split_once("targetgroup/")
            .and_then(|(_, rest)| rest.split('/').next())
            .unwrap_or(&self.arn)
    }

    /// The group exists and no target in it is `unhealthy`.
    fn is_ok(&self) -> bool {
        self.targets
            .as_ref()
            .is_some_and(|t| t.iter().all(|t| t.state != "unhealthy"))
    }

    /// `2 healthy, 1 unhealthy (Target.Timeout)`, states in ELB's words, sorted.
    fn summary(&self) -> String {
        let Some(targets) = &self.targets else {
            return "not found".to_string();
        };
        if targets.is_empty() {
            return "no targets".to_string();
        }
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for t in targets {
            let key = match &t.reason {
                Some(r) if t.state != "healthy" => format!("{} ({r})", t.state),
                _ => t.state.clone(),
            };
            *counts.entry(key).or_default() += 1;
        }
        counts
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One scheduled job of the spec, as EventBridge Scheduler reports it; None when absent.
#[derive(Clone, Debug)]
pub struct JobStatus {
    pub key: String,
    /// The spec's expression; None for a job run only on demand.
    pub schedule: Option<String>,
    pub live: Option<LiveJob>,
    /// The newest task of the job's family ECS still lists (stopped ones for about an hour).
    pub last_run: Option<LastRun>,
}

#[derive(Clone, Debug)]
pub struct LiveJob {
    pub expression: String,
    pub timezone: String,
    pub state: String,
    /// RFC 3339 (UTC); None when disabled or no run is left (`model::next_run`).
    pub next_run: Option<String>,
}

impl ServiceStatus {
    pub fn exists(&self) -> bool {
        self.live.status == "ACTIVE"
    }

    /// Healthy: exists, one deployment, as many running as desired, the rollout (when tracked)
    /// not FAILED, and no load balancer target `unhealthy` (nor a target group missing). A
    /// service mid-rollout is not healthy yet; `status --watch` shows when it becomes so.
    pub fn is_healthy(&self) -> bool {
        let s = &self.live;
        self.exists()
            && s.deployments.len() == 1
            && s.running_count == s.desired_count
            && s.deployments[0].rollout_state.as_deref() != Some("FAILED")
            && self.target_groups.iter().all(TargetGroupHealth::is_ok)
    }

    fn images_of(&self, d: &RolloutDeployment) -> &[(String, String)] {
        self.images
            .iter()
            .find(|(id, _)| Some(id) == d.id.as_ref())
            .map_or(&[], |(_, images)| images.as_slice())
    }
}

/// `2026-11-28T07:01:02Z` of epoch seconds as the JSON protocol sends them.
fn when(secs: f64) -> String {
    format_rfc3339(UNIX_EPOCH + Duration::from_secs_f64(secs.max(0.0)))
}

/// The human view: one block per service, then the jobs.
pub fn human(s: &EnvStatus) -> String {
    let mut out = format!(
        "{}/{} in cluster {} at {}\n",
        s.app,
        s.env,
        s.cluster,
        when(s.read_at)
    );
    for svc in &s.services {
        out.push('\n');
        service_text(svc, &mut out);
    }
    if !s.jobs.is_empty() {
        out.push_str("\nscheduled jobs:\n");
        for job in &s.jobs {
            out.push_str(&match &job.live {
                Some(l) => format!(
                    "  {}: {} ({}) {}, {}, {}\n",
                    job.key,
                    l.expression,
                    l.timezone,
                    l.state,
                    last_run_text(job.last_run.as_ref()),
                    l.next_run
                        .as_deref()
                        .map_or("no next run".to_string(), |n| format!("next run {n}"))
                ),
                None => match &job.schedule {
                    Some(s) => format!("  {}: not created (spec: {s})\n", job.key),
                    None => format!(
                        "  {}: on demand (no schedule), {}\n",
                        job.key,
                        last_run_text(job.last_run.as_ref())
                    ),
                },
            });
        }
    }
    out
}

/// `last run 2026-11-28T07:01:02Z STOPPED, exit 0` or `no run in the last hour`.
fn last_run_text(last: Option<&LastRun>) -> String {
    let Some(l) = last else {
        return "no run in the last hour".to_string();
    };
    let mut s = format!(
        "last run {} {}",
        when(l.created_at),
        l.run.last_status.as_deref().unwrap_or("?")
    );
    if let Some(code) = l.run.containers.first().and_then(|c| c.exit_code) {
        s.push_str(&format!(", exit {code}"));
    } else if let Some(reason) = l.run.stopped_reason.as_deref() {
        s.push_str(&format!(": {reason}"));
    }
    s
}

fn service_text(svc: &ServiceStatus, out: &mut String) {
    let s = &svc.live;
    if !svc.exists() {
        out.push_str(&format!(
            "service {} ({}): not created\n",
            svc.key, s.service_name
        ));
        return;
    }
    let verdict = if svc.is_healthy() {
        "healthy"
    } else {
        "not healthy"
    };
    out.push_str(&format!(
        "service {} ({}): {verdict}\n  desired {}, running {}, pending {}\n",
        svc.key, s.service_name, s.desired_count, s.running_count, s.pending_count
    ));
    for d in &s.deployments {
        let mut line = format!(
            "  {} {} running {}/{}",
            d.status.as_deref().unwrap_or("?"),
            task_definition_ref(d.task_definition.as_deref().unwrap_or("?")),
            d.running_count,
            d.desired_count
        );
        if let Some(state) = &d.rollout_state {
            line.push_str(&format!(", {state}"));
        }
        if let Some(reason) = d.rollout_state_reason.as_deref().filter(|r| !r.is_empty()) {
            line.push_str(&format!(": {reason}"));
        }
        out.push_str(&line);
        out.push('\n');
        for (name, image) in svc.images_of(d) {
            out.push_str(&format!("    {name}: {image}\n"));
        }
    }
    for tg in &svc.target_groups {
        out.push_str(&format!("  target group {}: {}\n", tg.name(), tg.summary()));
    }
    for e in s.events.iter().take(EVENTS_SHOWN) {
        out.push_str(&format!("  {} {}\n", when(e.created_at), e.message));
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonStatus<'a> {
    format_version: u32,
    app: &'a str,
    env: &'a str,
    cluster: &'a str,
    read_at: String,
    services: Vec<JsonService<'a>>,
    jobs: Vec<JsonJob<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonService<'a> {
    key: &'a str,
    name: &'a str,
    /// `ACTIVE`, `DRAINING`, `INACTIVE` or `MISSING` (not created).
    status: &'a str,
    healthy: bool,
    desired: i32,
    running: i32,
    pending: i32,
    deployments: Vec<JsonDeployment<'a>>,
    target_groups: Vec<JsonTargetGroup<'a>>,
    events: Vec<JsonEvent<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonTargetGroup<'a> {
    arn: &'a str,
    /// False when the target group does not exist (then `targets` is empty).
    found: bool,
    targets: Vec<JsonTarget<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonTarget<'a> {
    id: &'a str,
    port: Option<i32>,
    state: &'a str,
    reason: Option<&'a str>,
    description: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDeployment<'a> {
    id: Option<&'a str>,
    status: Option<&'a str>,
    task_definition: Option<&'a str>,
    desired: i32,
    running: i32,
    pending: i32,
    failed_tasks: i32,
    rollout_state: Option<&'a str>,
    rollout_state_reason: Option<&'a str>,
    images: Vec<JsonImage<'a>>,
}

#[derive(Serialize)]
struct JsonImage<'a> {
    container: &'a str,
    image: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEvent<'a> {
    created_at: String,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonJob<'a> {
    key: &'a str,
    /// The spec's expression (null for a job run only on demand); `live` is null when the
    /// schedule does not exist.
    schedule: Option<&'a str>,
    live: Option<JsonLiveJob<'a>>,
    /// Null when ECS lists no task of the family (stopped tasks are listed for about an hour).
    last_run: Option<JsonLastRun<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLastRun<'a> {
    task_arn: &'a str,
    last_status: Option<&'a str>,
    created_at: String,
    stopped_at: Option<String>,
    started_by: Option<&'a str>,
    /// The first (main) container's exit code once it stopped.
    exit_code: Option<i32>,
    stopped_reason: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLiveJob<'a> {
    expression: &'a str,
    timezone: &'a str,
    state: &'a str,
    /// RFC 3339 UTC; null when disabled or no run is left.
    next_run: Option<&'a str>,
}

/// The JSON document, one line (so `--watch` prints JSON lines).
pub fn json(s: &EnvStatus) -> String {
    let doc = JsonStatus {
        format_version: FORMAT_VERSION,
        app: &s.app,
        env: &s.env,
        cluster: &s.cluster,
        read_at: when(s.read_at),
        services: s.services.iter().map(json_service).collect(),
        jobs: s
            .jobs
            .iter()
            .map(|j| JsonJob {
                key: &j.key,
                schedule: j.schedule.as_deref(),
                live: j.live.as_ref().map(|l| JsonLiveJob {
                    expression: &l.expression,
                    timezone: &l.timezone,
                    state: &l.state,
                    next_run: l.next_run.as_deref(),
                }),
                last_run: j.last_run.as_ref().map(|l| JsonLastRun {
                    task_arn: &l.run.arn,
                    last_status: l.run.last_status.as_deref(),
                    created_at: when(l.created_at),
                    stopped_at: l.stopped_at.map(when),
                    started_by: l.started_by.as_deref(),
                    exit_code: l.run.containers.first().and_then(|c| c.exit_code),
                    stopped_reason: l.run.stopped_reason.as_deref(),
                }),
            })
            .collect(),
    };
    let mut text = serde_json::to_string(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn json_service(svc: &ServiceStatus) -> JsonService<'_> {
    let s = &svc.live;
    JsonService {
        key: &svc.key,
        name: &s.service_name,
        status: &s.status,
        healthy: svc.is_healthy(),
        desired: s.desired_count,
        running: s.running_count,
        pending: s.pending_count,
        deployments: s
            .deployments
            .iter()
            .map(|d| JsonDeployment {
                id: d.id.as_deref(),
                status: d.status.as_deref(),
                task_definition: d.task_definition.as_deref(),
                desired: d.desired_count,
                running: d.running_count,
                pending: d.pending_count,
                failed_tasks: d.failed_tasks,
                rollout_state: d.rollout_state.as_deref(),
                rollout_state_reason: d.rollout_state_reason.as_deref(),
                images: svc
                    .images_of(d)
                    .iter()
                    .map(|(c, i)| JsonImage {
                        container: c,
                        image: i,
                    })
                    .collect(),
            })
            .collect(),
        target_groups: svc
            .target_groups
            .iter()
            .map(|tg| JsonTargetGroup {
                arn: &tg.arn,
                found: tg.targets.is_some(),
                targets: tg
                    .targets
                    .iter()
                    .flatten()
                    .map(|t| JsonTarget {
                        id: &t.id,
                        port: t.port,
                        state: &t.state,
                        reason: t.reason.as_deref(),
                        description: t.description.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        events: s
            .events
            .iter()
            .take(EVENTS_SHOWN)
            .map(|e| JsonEvent {
                created_at: when(e.created_at),
                message: &e.message,
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
