//! `ecsctl status -e ENV [SERVICE...]`: what the environment's services and jobs are doing now.
//!
//! Owns the reads of one snapshot (DescribeServices in tens, DescribeTaskDefinition once per
//! revision a deployment runs, GetSchedule per job), the `--watch` loop and the exit-code rule.
//! Read only: takes no lock and never writes. Must not format (`render::status` does).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use futures::future::try_join_all;

use crate::apply::wait::ServiceRollout;
use crate::aws::ecs_rollout::describe_rollouts;
use crate::aws::{AwsClients, AwsError};
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::output::Output;
use crate::cli::settings::{Globals, StatusSettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::interrupt::Interrupt;
use crate::model::{Desired, ScheduledTask, Service};
use crate::render::status::{
    EnvStatus, JobStatus, LiveJob, ServiceStatus, TargetGroupHealth, human, json,
};

/// The exit status when a service shown is not healthy or not created (documented in `--help`).
pub const EXIT_UNHEALTHY: u8 = 3;

const FAILED: &str = "reading the status failed";

/// Images by container of each task definition ARN already described: revisions are immutable,
/// so `--watch` describes each one once.
type ImageCache = HashMap<String, Vec<(String, String)>>;

pub fn run(
    globals: &Globals,
    settings: &StatusSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(status(globals, settings, out))
}

async fn status(
    globals: &Globals,
    settings: &StatusSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let spec = Spec::load(globals, &settings.env, &[], out)?;
    // Unknown names are refused before any AWS call.
    selected(&spec.offline, &settings.services)?;
    let Connected {
        desired, clients, ..
    } = spec.connect(FAILED, out).await?;
    let services = selected(&desired, &settings.services)?;
    // Naming services asks about them only; the jobs come with the whole environment.
    let jobs: Vec<&ScheduledTask> = if settings.services.is_empty() {
        desired.scheduled_tasks.iter().collect()
    } else {
        Vec::new()
    };
    let mut cache = ImageCache::new();
    let result = match settings.watch {
        None => {
            once(
                &clients, &desired, &services, &jobs, settings, &mut cache, out,
            )
            .await
        }
        Some(every) => {
            let interrupt = Interrupt::listen();
            let redraw = std::io::stdout().is_terminal()
                && !crate::terminal::is_dumb(std::env::var("TERM").ok().as_deref());
            loop {
                let snap = snapshot(&clients, &desired, &services, &jobs, &mut cache).await;
                let snap = snap.map_err(|e| aws_error(e, FAILED))?;
                let text = render(&snap, settings.json);
                out.product(&if redraw {
                    format!("\x1b[H\x1b[2J{text}")
                } else {
                    text
                })?;
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = interrupt.after(1) => break Ok(Outcome::Success),
                }
            }
        }
    };
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

async fn once(
    clients: &AwsClients,
    desired: &Desired,
    services: &[&Service],
    jobs: &[&ScheduledTask],
    settings: &StatusSettings,
    cache: &mut ImageCache,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let snap = snapshot(clients, desired, services, jobs, cache)
        .await
        .map_err(|e| aws_error(e, FAILED))?;
    out.product(&render(&snap, settings.json))?;
    Ok(if snap.services.iter().all(ServiceStatus::is_healthy) {
        Outcome::Success
    } else {
        Outcome::Exit(EXIT_UNHEALTHY)
    })
}

fn render(snap: &EnvStatus, as_json: bool) -> String {
    if as_json { json(snap) } else { human(snap) }
}

/// The spec's services named on the command line (all when none), or an error naming the known
/// ones.
fn selected<'a>(desired: &'a Desired, names: &[String]) -> Result<Vec<&'a Service>, CliError> {
    if names.is_empty() {
        return Ok(desired.services.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            desired
                .services
                .iter()
                .find(|s| &s.key == n || &s.name == n)
                .ok_or_else(|| {
                    let known: Vec<String> = desired
                        .services
                        .iter()
                        .map(|s| format!("`{}`", s.key))
                        .collect();
                    CliError::from(anyhow!(
                        "no service `{n}` in environment `{}`\n  hint: services: {}",
                        desired.env,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ))
                })
        })
        .collect()
}

/// One snapshot: the services (one DescribeServices per 10), each new revision's images, and
/// the jobs' schedules, read concurrently.
async fn snapshot(
    clients: &AwsClients,
    desired: &Desired,
    services: &[&Service],
    jobs: &[&ScheduledTask],
    cache: &mut ImageCache,
) -> Result<EnvStatus, AwsError> {
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let (rollouts, schedules) = tokio::try_join!(
        rollouts(clients, &desired.cluster.name, &names),
        try_join_all(jobs.iter().map(|j| read_job(clients, j))),
    )?;
    let mut statuses = Vec::new();
    for svc in services {
        let live = rollouts
            .iter()
            .find(|r| r.service_name == svc.name)
            .cloned()
            .unwrap_or_else(|| ServiceRollout {
                service_name: svc.name.clone(),
                status: "MISSING".into(),
                ..Default::default()
            });
        statuses.push(ServiceStatus {
            key: svc.key.clone(),
            live,
            images: Vec::new(),
            target_groups: Vec::new(),
        });
    }
    fill_images(clients, &mut statuses, cache).await?;
    fill_targets(clients, services, &mut statuses).await?;
    Ok(EnvStatus {
        app: desired.app.clone(),
        env: desired.env.clone(),
        cluster: desired.cluster.name.clone(),
        read_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64(),
        services: statuses,
        jobs: schedules,
    })
}

/// The services as ECS reports them; before the first apply the cluster does not exist
/// (`ClusterNotFoundException`), so none of the services does: shown as not created.
async fn rollouts(
    clients: &AwsClients,
    cluster: &str,
    names: &[String],
) -> Result<Vec<ServiceRollout>, AwsError> {
    match describe_rollouts(clients, cluster, names).await {
        Err(e) if e.is_code("ClusterNotFoundException") => Ok(Vec::new()),
        other => other,
    }
}

/// DescribeTaskDefinition for each revision a deployment runs that the cache lacks.
async fn fill_images(
    clients: &AwsClients,
    statuses: &mut [ServiceStatus],
    cache: &mut ImageCache,
) -> Result<(), AwsError> {
    let mut wanted: Vec<String> = statuses
        .iter()
        .flat_map(|s| s.live.deployments.iter())
        .filter_map(|d| d.task_definition.clone())
        .filter(|arn| !cache.contains_key(arn))
        .collect();
    wanted.sort();
    wanted.dedup();
    let described = try_join_all(wanted.iter().map(|arn| async move {
        let td = crate::aws::ecs::describe_task_definition(clients, arn).await?;
        let images = td.map_or_else(Vec::new, |td| {
            td.containers
                .into_iter()
                .map(|c| (c.name, c.image.unwrap_or_default()))
                .collect()
        });
        Ok::<_, AwsError>((arn.clone(), images))
    }))
    .await?;
    cache.extend(described);
    for s in statuses {
        s.images = s
            .live
            .deployments
            .iter()
            .filter_map(|d| {
                let images = cache.get(d.task_definition.as_ref()?)?;
                Some((d.id.clone()?, images.clone()))
            })
            .collect();
    }
    Ok(())
}

/// DescribeTargetHealth once per target group the shown services use (only those that exist:
/// a service not created has no targets to ask about).
async fn fill_targets(
    clients: &AwsClients,
    services: &[&Service],
    statuses: &mut [ServiceStatus],
) -> Result<(), AwsError> {
    let mut arns: Vec<&str> = services
        .iter()
        .zip(statuses.iter())
        .filter(|(_, st)| st.exists())
        .flat_map(|(s, _)| {
            s.load_balancers
                .iter()
                .map(|lb| lb.target_group_arn.as_str())
        })
        .collect();
    arns.sort_unstable();
    arns.dedup();
    let read = try_join_all(arns.iter().map(|arn| async move {
        let targets = crate::aws::elbv2::target_health(clients, arn).await?;
        Ok::<_, AwsError>(TargetGroupHealth {
            arn: arn.to_string(),
            targets,
        })
    }))
    .await?;
    for (svc, st) in services.iter().zip(statuses.iter_mut()) {
        st.target_groups = svc
            .load_balancers
            .iter()
            .filter_map(|lb| read.iter().find(|g| g.arn == lb.target_group_arn).cloned())
            .collect();
    }
    Ok(())
}

async fn read_job(clients: &AwsClients, job: &ScheduledTask) -> Result<JobStatus, AwsError> {
    // A job run only on demand has no schedule to read.
    let schedule = async {
        match job.expression {
            Some(_) => crate::aws::scheduler::read_schedule(clients, &job.group, &job.name).await,
            None => Ok(None),
        }
    };
    let (live, last_run) = tokio::try_join!(
        schedule,
        crate::aws::job_runs::last_run(clients, &job.cluster, &job.family),
    )?;
    Ok(JobStatus {
        last_run,
        key: job.key.clone(),
        schedule: job.expression.clone(),
        live: live.map(|l| {
            let next_run = next_run_of(&l, jiff::Timestamp::now());
            LiveJob {
                expression: l.schedule_expression.unwrap_or_default(),
                timezone: l.timezone.unwrap_or_else(|| "UTC".into()),
                state: l.state.unwrap_or_default(),
                next_run,
            }
        }),
    })
}

/// When Scheduler runs the job next, as it reported the schedule (`model::next_run`); None
/// when it is disabled or has no further run.
fn next_run_of(l: &crate::live::schedule::LiveSchedule, now: jiff::Timestamp) -> Option<String> {
    if l.state.as_deref() == Some("DISABLED") {
        return None;
    }
    let date = |d: &Option<String>| d.as_deref().and_then(|d| d.parse().ok());
    let times = crate::model::next_run::ScheduleTimes {
        expression: l.schedule_expression.as_deref()?,
        timezone: l.timezone.as_deref().unwrap_or("UTC"),
        start: date(&l.start_date),
        end: date(&l.end_date),
        created: date(&l.creation_date),
    };
    crate::model::next_run::next_run(&times, now).map(|t| t.to_string())
}
