//! `ecsctl run -e ENV JOB`: start one run of a scheduled task now, exactly as its schedule
//! would (ECS RunTask with the schedule's cluster, family, count, capacity, network, platform
//! version and tags), optionally with another command for the main container; with `--wait`,
//! wait for the tasks to stop and exit with the main container's exit code.
//!
//! Owns the order of a run (spec, clients, account and region checks, the environment lock,
//! RunTask, wait, release) and the exit-code rule (`outcome_of`, pure). RunTask writes, so a
//! run holds the environment lock from before RunTask until its wait ends (a migration must not
//! interleave with an apply); a caller that already holds it (apply starting a job) passes its
//! lock to `run_scheduled` instead. Must not touch the schedule or anything else apply owns: a
//! run is not a change to the environment. Task ARNs go to stdout, progress to stderr.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::anyhow;

use crate::apply::job_outcome::{RunOutcome, main_container, outcome_of};
use crate::apply::run_revision;
use crate::apply::wait::{PollError, poll};
use crate::aws::run_task::{RunRequest, TaskRun, describe_tasks, run_task};
use crate::aws::{AwsClients, AwsError};
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::lock;
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, RunSettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::interrupt::Interrupt;
use crate::lock::EnvLock;
use crate::model::{Desired, ScheduledTask};

/// One run of a scheduled task, as `run_scheduled` takes it.
#[derive(Clone, Debug)]
pub struct JobRun {
    /// The task's key (or name) in `scheduledTasks`.
    pub job: String,
    /// `--command`: the main container's command for this run.
    pub command: Option<Vec<String>>,
    /// `--wait` and its `--timeout`.
    pub wait: bool,
    pub timeout: Duration,
    /// `--lock-timeout` (unused when the caller passes its own lock).
    pub lock_timeout: Duration,
}

pub fn run(
    globals: &Globals,
    settings: &RunSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let (timeout, lock_timeout) = (settings.timeout, settings.lock_timeout);
    let command = match &settings.command {
        Some(Err(e)) => return Err(anyhow!(e.clone()).into()),
        Some(Ok(c)) => Some(c.clone()),
        None => None,
    };
    let run = JobRun {
        job: settings.job.clone(),
        command,
        wait: settings.wait,
        timeout,
        lock_timeout,
    };
    let runtime = super::runtime()?;
    runtime.block_on(run_job(globals, settings, &run, out))
}

async fn run_job(
    globals: &Globals,
    settings: &RunSettings,
    run: &JobRun,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let spec = Spec::load(globals, &settings.env, &images, out)?;
    // An unknown job is refused before any AWS call.
    job(&spec.offline, &run.job)?;
    let Connected {
        desired,
        clients,
        caller,
        ..
    } = spec.connect("the run failed", out).await?;
    for note in &desired.image_notes {
        out.line(Label::Note, &note.line())?;
    }
    let result = run_scheduled(&clients, &desired, &caller, run, None, out).await;
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

/// Starts one run of a scheduled task (RunTask, then the wait when asked) under the
/// environment lock: `held` when the caller already holds it (apply starting a job runs under
/// apply's lock), else a lock taken here for `run JOB` and released on every path.
pub async fn run_scheduled(
    clients: &AwsClients,
    desired: &Desired,
    account_id: &str,
    run: &JobRun,
    held: Option<&EnvLock>,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let task = job(desired, &run.job)?;
    if let Some(held) = held {
        if !held.covers(&desired.app, &desired.env) {
            return Err(anyhow!(
                "the lock {} does not cover environment `{}` of `{}`; nothing was started",
                held.id(),
                desired.env,
                desired.app
            )
            .into());
        }
        return start_and_wait(clients, desired, account_id, task, run, out).await;
    }
    let env = desired.env.as_str();
    let command = format!("run {}", task.key);
    // From here on Ctrl-C / SIGTERM stop the run cleanly (exit 130) and release the lock.
    let interrupt = Interrupt::listen();
    let taken = lock::take(
        clients,
        &desired.app,
        env,
        &command,
        run.lock_timeout,
        &interrupt,
        out,
    )
    .await?;
    let id = taken.id().to_string();
    let body = async {
        tokio::select! {
            r = start_and_wait(clients, desired, account_id, task, run, out) => r,
            () = interrupt.after(1) => Err(CliError::Interrupted {
                message: format!(
                    "`run {}` interrupted; a task it started keeps running on ECS (ecsctl stops only waiting)\n  hint: `aws ecs list-tasks --cluster {} --family {}` shows it",
                    task.key, task.cluster, task.family
                ),
            }),
        }
    };
    let (body, released) = crate::lock::with_lock(clients, taken, body).await;
    lock::finish(body, released, env, &id, out)
}

/// RunTask, then (with `wait`) poll until the tasks stop; the outcome is the exit-code rule's.
async fn start_and_wait(
    clients: &AwsClients,
    desired: &Desired,
    account_id: &str,
    task: &ScheduledTask,
    run: &JobRun,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let env = desired.env.as_str();
    let main = main_container(desired, task);
    let td = desired
        .task_definitions
        .iter()
        .find(|d| d.family == task.family)
        .ok_or_else(|| {
            anyhow!(
                "scheduled task `{}` has no task definition `{}`",
                task.key,
                task.family
            )
        })?;
    let (revision, mismatches) = tokio::try_join!(
        run_revision::revision_for_run(clients, desired, account_id, td),
        image_mismatches(clients, desired, td),
    )
    .map_err(|e| aws_error(e, "the run failed"))?;
    if revision.registered {
        out.line(
            Label::Note,
            &format!(
                "registered {} for this run: no revision of `{}` held what the spec describes now",
                revision.arn, task.family
            ),
        )?;
    }
    for m in mismatches {
        out.line(Label::Warning, &m)?;
    }
    if !task.enabled {
        out.line(
            Label::Note,
            &format!(
                "`{}` is disabled in `{env}`; running it once anyway",
                task.key
            ),
        )?;
    }
    let request = RunRequest {
        task,
        task_definition: &revision.arn,
        container: main.clone(),
        command: run.command.clone(),
        started_by: "ecsctl run".to_string(),
    };
    let arns = run_task(clients, &request)
        .await
        .map_err(|e| aws_error(e, "the run failed"))?;
    out.product(&arns.iter().map(|a| format!("{a}\n")).collect::<String>())?;
    out.line(
        Label::Note,
        &format!(
            "started {} task(s) of `{}` in cluster `{}`",
            arns.len(),
            task.family,
            task.cluster
        ),
    )?;
    if !run.wait {
        return Ok(Outcome::Success);
    }
    let last: Mutex<Vec<TaskRun>> = Mutex::default();
    let waited = poll(
        run.timeout,
        Duration::from_millis(250),
        Duration::from_secs(6),
        || async {
            let tasks = describe_tasks(clients, &task.cluster, &arns).await?;
            let done = tasks.len() == arns.len() && tasks.iter().all(TaskRun::is_stopped);
            *last.lock().unwrap_or_else(|e| e.into_inner()) = tasks.clone();
            Ok::<_, AwsError>(done.then_some(tasks))
        },
    )
    .await;
    let tasks = match waited {
        Ok(tasks) => tasks,
        Err(PollError::Failed(e)) => return Err(aws_error(e, "the run failed")),
        Err(PollError::TimedOut { after }) => {
            let seen = last.into_inner().unwrap_or_default();
            let states: Vec<String> = seen
                .iter()
                .map(|t| format!("`{}` {}", t.arn, t.last_status.as_deref().unwrap_or("?")))
                .collect();
            return Err(anyhow!(
                "timed out after {}s waiting for the tasks to stop ({})\n  hint: the tasks keep running; raise `--timeout` or follow them in the ECS console",
                after.as_secs(),
                states.join(", ")
            )
            .into());
        }
    };
    match outcome_of(&tasks, &main) {
        RunOutcome::Exited(0) => {
            out.line(Label::Ok, "the task exited with code 0")?;
            Ok(Outcome::Success)
        }
        RunOutcome::Exited(code) => {
            out.line(Label::Failed, &format!("the task exited with code {code}"))?;
            Ok(Outcome::Exit(u8::try_from(code).unwrap_or(1)))
        }
        RunOutcome::NotStarted { task, reason } => {
            Err(anyhow!("task `{task}` stopped without running `{main}`: {reason}").into())
        }
    }
}

fn job<'a>(desired: &'a Desired, key: &str) -> Result<&'a ScheduledTask, CliError> {
    if let Some(t) = desired
        .scheduled_tasks
        .iter()
        .find(|t| t.key == key || t.name == key)
    {
        return Ok(t);
    }
    let known: Vec<String> = desired
        .scheduled_tasks
        .iter()
        .map(|t| format!("`{}`", t.key))
        .collect();
    let hint = if known.is_empty() {
        format!("`{}` has no `scheduledTasks`", desired.env)
    } else {
        format!("scheduled tasks: {}", known.join(", "))
    };
    Err(anyhow!(
        "no scheduled task `{key}` in environment `{}`\n  hint: {hint}",
        desired.env
    )
    .into())
}

/// One line per service whose live revision runs another image of a repository this job's
/// task definition uses: "migrate, then deploy" with `--image` on the run but not yet applied
/// is fine; a run of an old image after a deploy usually is not.
async fn image_mismatches(
    clients: &AwsClients,
    desired: &Desired,
    td: &crate::model::TaskDefinition,
) -> Result<Vec<String>, AwsError> {
    use crate::model::r#override::repository;
    let ours: Vec<&str> = td.containers.iter().map(|c| c.image.as_str()).collect();
    let related: Vec<(String, String)> = desired
        .services
        .iter()
        .filter(|s| s.family != td.family)
        .filter(|s| {
            desired
                .task_definitions
                .iter()
                .find(|d| d.family == s.family)
                .is_some_and(|d| {
                    d.containers
                        .iter()
                        .any(|c| ours.iter().any(|o| repository(o) == repository(&c.image)))
                })
        })
        .map(|s| (s.name.clone(), s.key.clone()))
        .collect();
    if related.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = related.iter().map(|(n, _)| n.clone()).collect();
    let read = crate::aws::ecs::describe_services(clients, &desired.cluster.name, &names).await?;
    let mut lines = Vec::new();
    for svc in &read.services {
        let Some(arn) = &svc.task_definition else {
            continue;
        };
        let Some(live) = crate::aws::ecs::describe_task_definition(clients, arn).await? else {
            continue;
        };
        let key = related
            .iter()
            .find(|(n, _)| *n == svc.name)
            .map_or(svc.name.as_str(), |(_, k)| k.as_str());
        for c in &live.containers {
            let running = c.image.as_deref().unwrap_or_default();
            if let Some(mine) = ours
                .iter()
                .find(|o| repository(o) == repository(running) && **o != running)
            {
                lines.push(format!(
                    "this run uses `{mine}`, but service `{}` runs `{running}` ({})\n  hint: pass the image the services run with `--image`, or apply first",
                    key,
                    crate::diff::normalize::task_definition_ref(arn)
                ));
            }
        }
    }
    Ok(lines)
}

/// Splits `--command` the way a POSIX shell splits words (single quotes literal, double
/// quotes with `\"` `\\` `\$` escapes, backslash outside quotes), without expanding anything:
/// ECS runs the result directly, no shell involved.
pub fn split_command(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => word.push(x),
                        None => return Err(unclosed(text, "'")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => word.push(x),
                            Some(x) => {
                                word.push('\\');
                                word.push(x);
                            }
                            None => return Err(unclosed(text, "\"")),
                        },
                        Some(x) => word.push(x),
                        None => return Err(unclosed(text, "\"")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    word.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err(
            "`--command` is empty\n  hint: e.g. `--command \"./migrate --up\"`".to_string(),
        );
    }
    Ok(words)
}

fn unclosed(text: &str, quote: &str) -> String {
    format!(
        "`--command {text}` has an unclosed {quote}\n  hint: close the quote, or escape it with `\\`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::run_task::ContainerRun;

    fn task(arn: &str, exit: Option<i32>, reason: Option<&str>) -> TaskRun {
        TaskRun {
            arn: arn.into(),
            last_status: Some("STOPPED".into()),
            stop_code: Some(
                if exit.is_some() {
                    "EssentialContainerExited"
                } else {
                    "TaskFailedToStart"
                }
                .into(),
            ),
            stopped_reason: reason.map(str::to_string),
            containers: vec![
                ContainerRun {
                    name: "xray".into(),
                    exit_code: Some(0),
                    reason: None,
                },
                ContainerRun {
                    name: "job".into(),
                    exit_code: exit,
                    reason: None,
                },
            ],
        }
    }

    #[test]
    fn exit_code_is_the_main_containers_first_non_zero() {
        assert_eq!(
            outcome_of(&[task("a", Some(0), None)], "job"),
            RunOutcome::Exited(0)
        );
        assert_eq!(
            outcome_of(
                &[
                    task("a", Some(0), None),
                    task("b", Some(3), None),
                    task("c", Some(4), None)
                ],
                "job"
            ),
            RunOutcome::Exited(3)
        );
        assert_eq!(
            outcome_of(
                &[
                    task("a", Some(0), None),
                    task("b", None, Some("CannotPullContainerError: x"))
                ],
                "job"
            ),
            RunOutcome::NotStarted {
                task: "b".into(),
                reason: "CannotPullContainerError: x".into()
            }
        );
        // Without a container of that name, the first one counts.
        assert_eq!(
            outcome_of(&[task("a", Some(0), None)], "other"),
            RunOutcome::Exited(0)
        );
    }

    #[test]
    fn command_splits_like_a_shell_without_expanding() {
        let ok = |t: &str| split_command(t).unwrap();
        assert_eq!(ok("./migrate --up"), ["./migrate", "--up"]);
        assert_eq!(
            ok(r#"./report --since '2 days ago' --tag "a \"b\"" c\ d $HOME"#),
            [
                "./report",
                "--since",
                "2 days ago",
                "--tag",
                "a \"b\"",
                "c d",
                "$HOME"
            ]
        );
        assert_eq!(ok("sh -c 'exit 3'"), ["sh", "-c", "exit 3"]);
        assert_eq!(ok("''"), [""]);
        assert!(
            split_command("  ")
                .unwrap_err()
                .starts_with("`--command` is empty")
        );
        assert!(split_command("echo 'x").unwrap_err().contains("unclosed '"));
    }
}
