//! The views of `ecsctl status`: the snapshot's data ([`EnvStatus`]), its human text and its
//! versioned JSON document (docs/status-json.md).
//!
//! Owns every byte `status` prints on stdout. Must not read AWS or decide health beyond the
//! one documented rule ([`ServiceStatus::is_healthy`]); the human view never shows what the
//! JSON lacks.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;

use crate::apply::wait::{RolloutDeployment, ServiceRollout};
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
}

/// One scheduled job of the spec, as EventBridge Scheduler reports it; None when absent.
#[derive(Clone, Debug)]
pub struct JobStatus {
    pub key: String,
    pub schedule: String,
    pub live: Option<LiveJob>,
}

#[derive(Clone, Debug)]
pub struct LiveJob {
    pub expression: String,
    pub timezone: String,
    pub state: String,
}

impl ServiceStatus {
    pub fn exists(&self) -> bool {
        self.live.status == "ACTIVE"
    }

    /// Healthy: exists, one deployment, as many running as desired, and the rollout (when
    /// tracked) not FAILED. A service mid-rollout is not healthy yet; `status --watch` shows
    /// when it becomes so.
    pub fn is_healthy(&self) -> bool {
        let s = &self.live;
        self.exists()
            && s.deployments.len() == 1
            && s.running_count == s.desired_count
            && s.deployments[0].rollout_state.as_deref() != Some("FAILED")
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

/// `family:revision` of a task definition ARN.
fn revision(arn: &str) -> &str {
    arn.rsplit_once("task-definition/").map_or(arn, |(_, r)| r)
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
                    "  {}: {} ({}) {}\n",
                    job.key, l.expression, l.timezone, l.state
                ),
                None => format!("  {}: not created (spec: {})\n", job.key, job.schedule),
            });
        }
    }
    out
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
            revision(d.task_definition.as_deref().unwrap_or("?")),
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
    events: Vec<JsonEvent<'a>>,
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
    /// The spec's expression; `live` is null when the schedule does not exist.
    schedule: &'a str,
    live: Option<JsonLiveJob<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLiveJob<'a> {
    expression: &'a str,
    timezone: &'a str,
    state: &'a str,
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
                schedule: &j.schedule,
                live: j.live.as_ref().map(|l| JsonLiveJob {
                    expression: &l.expression,
                    timezone: &l.timezone,
                    state: &l.state,
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
