//! `beforeDeploy`: apply runs these jobs (a migration) after the task definitions are
//! registered and before any service is updated or created, one after the other, each with the
//! revision the spec describes now (this apply's images), and waits for each to stop.
//!
//! Owns the run of each job (the revision, RunTask, the wait, the exit-code rule of
//! `job_outcome`) and, when one fails, its last log lines (the awslogs stream of its main
//! container). Must not decide whether the jobs run (the plan's `target.before_deploy` says)
//! or print (the reporter and the outcome report do).

use std::time::Duration;

use super::context::ApplyCtx;
use super::job_outcome::{RunOutcome, main_container, outcome_of};
use super::run_revision::revision_for_run;
use super::wait::{PollError, poll};
use crate::aws::AwsError;
use crate::aws::log_events::{LogQuery, filter_log_events};
use crate::aws::run_task::{RunRequest, TaskRun, describe_tasks, run_task};
use crate::model::ScheduledTask;

/// How many of the failed job's last log lines the report shows.
const LOG_LINES: usize = 20;

/// A job that did not exit 0: apply stops before the services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobFailure {
    /// The environment (for the hint's `ecsctl logs -e ENV JOB`).
    pub env: String,
    pub job: String,
    /// The task ARN, once one was started.
    pub task: Option<String>,
    /// `exited with code 3`, ECS's stopped reason, a timeout or an AWS error.
    pub reason: String,
    /// The main container's last log lines (oldest first); empty when it logged nothing.
    pub log_lines: Vec<String>,
}

/// Runs `jobs` in order; the first failure stops the rest.
pub async fn run_jobs(
    ctx: &ApplyCtx<'_>,
    jobs: &[String],
    timeout: Duration,
) -> Result<(), JobFailure> {
    for key in jobs {
        let fail = |task: Option<String>, reason: String| JobFailure {
            env: ctx.desired.env.clone(),
            job: key.clone(),
            task,
            reason,
            log_lines: Vec::new(),
        };
        let Some(job) = ctx.desired.scheduled_tasks.iter().find(|t| &t.key == key) else {
            return Err(fail(None, "no such job in the desired state".into()));
        };
        ctx.reporter.note(&format!(
            "before deploy: running job `{key}` ({})",
            job.family
        ));
        let started = jiff::Timestamp::now().as_millisecond();
        let (arn, outcome) = run_one(ctx, job, timeout).await?;
        match outcome {
            RunOutcome::Exited(0) => {
                ctx.reporter
                    .note(&format!("before deploy: job `{key}` exited with code 0"));
            }
            other => {
                let reason = match other {
                    RunOutcome::Exited(code) => format!("exited with code {code}"),
                    RunOutcome::NotStarted { reason, .. } => {
                        format!("stopped without running: {reason}")
                    }
                };
                let mut failure = fail(Some(arn.clone()), reason);
                failure.log_lines = last_lines(ctx, job, &arn, started).await;
                return Err(failure);
            }
        }
    }
    Ok(())
}

/// Starts the job's current revision and waits until its tasks stop: (first task, outcome).
async fn run_one(
    ctx: &ApplyCtx<'_>,
    job: &ScheduledTask,
    timeout: Duration,
) -> Result<(String, RunOutcome), JobFailure> {
    let fail = |task: Option<String>, e: String| JobFailure {
        env: ctx.desired.env.clone(),
        job: job.key.clone(),
        task,
        reason: e,
        log_lines: Vec::new(),
    };
    let aws = |e: AwsError| e.to_string();
    let td = ctx
        .desired
        .task_definitions
        .iter()
        .find(|d| d.family == job.family)
        .ok_or_else(|| fail(None, format!("no task definition `{}`", job.family)))?;
    let revision = revision_for_run(ctx.clients, ctx.desired, ctx.account_id, td)
        .await
        .map_err(|e| fail(None, aws(e)))?;
    let main = main_container(ctx.desired, job);
    let request = RunRequest {
        task: job,
        task_definition: &revision.arn,
        container: main.clone(),
        command: None,
        started_by: "ecsctl apply".to_string(),
    };
    let arns = run_task(ctx.clients, &request)
        .await
        .map_err(|e| fail(None, aws(e)))?;
    let first = arns.first().cloned();
    let stopped = poll(
        timeout,
        Duration::from_millis(250),
        Duration::from_secs(6),
        || async {
            let tasks = describe_tasks(ctx.clients, &job.cluster, &arns).await?;
            let done = tasks.len() == arns.len() && tasks.iter().all(TaskRun::is_stopped);
            Ok::<_, AwsError>(done.then_some(tasks))
        },
    )
    .await;
    let tasks = match stopped {
        Ok(tasks) => tasks,
        Err(PollError::Failed(e)) => return Err(fail(first, aws(e))),
        Err(PollError::TimedOut { after }) => {
            let why = format!(
                "still running after {}s (apply's --timeout); the task keeps running, no service was updated",
                after.as_secs()
            );
            return Err(fail(first, why));
        }
    };
    let outcome = outcome_of(&tasks, &main);
    Ok((first.unwrap_or_default(), outcome))
}

/// The last lines the job's main container logged (its awslogs stream
/// `{prefix}/{container}/{task id}`), or none when they cannot be read.
async fn last_lines(
    ctx: &ApplyCtx<'_>,
    job: &ScheduledTask,
    task: &str,
    since: i64,
) -> Vec<String> {
    let main = main_container(ctx.desired, job);
    let Some(container) = ctx
        .desired
        .task_definitions
        .iter()
        .find(|d| d.family == job.family)
        .and_then(|d| d.containers.iter().find(|c| c.name == main))
    else {
        return Vec::new();
    };
    let id = task.rsplit('/').next().unwrap_or_default();
    let logs = &container.log_configuration;
    let stream = format!("{}/{}/{id}", logs.stream_prefix, container.name);
    let query = LogQuery {
        group: &logs.group,
        stream_prefix: &stream,
        start: since.saturating_sub(60_000),
        pattern: None,
    };
    match filter_log_events(ctx.clients, &query).await {
        Ok(mut events) => {
            events.sort_by_key(|e| e.timestamp);
            let skip = events.len().saturating_sub(LOG_LINES);
            events.into_iter().skip(skip).map(|e| e.message).collect()
        }
        Err(e) => vec![format!("(its log could not be read: {e})")],
    }
}
