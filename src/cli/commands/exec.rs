//! `ecsctl exec -e ENV SERVICE [--task ID] [--container C] -- COMMAND...`: a command in a running
//! container of a service through ECS Exec, as `aws ecs execute-command` runs it: ExecuteCommand,
//! then the AWS Session Manager plugin with the AWS CLI's argument list
//! (awscli/customizations/ecs/executecommand.py, `ExecuteCommandCaller.invoke`):
//! `session-manager-plugin SESSION_JSON REGION StartSession PROFILE PARAMETERS_JSON ECS_ENDPOINT`.
//!
//! Owns choosing the task and container, the checks that explain why exec cannot work (ECS Exec
//! off when the task started, the agent not running) before ExecuteCommand, and the plugin's
//! exit code becoming ecsctl's. Must not change anything ecsctl manages: exec takes no lock.
//! The AWS CLI runs `session-manager-plugin` once without arguments to see that it is installed;
//! we look it up on PATH instead (same answer, without its banner on stdout).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::aws::AwsClients;
use crate::aws::ecs_exec::{self, EXEC_AGENT, ExecSession, ExecTask};
use crate::cli::error::{CliError, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{ExecSettings, Globals};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::interrupt::Interrupt;
use crate::model::{Desired, Service};

pub const PLUGIN: &str = "session-manager-plugin";
const INSTALL: &str = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html";
const FAILED: &str = "exec failed";

pub fn run(
    globals: &Globals,
    settings: &ExecSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(exec(globals, settings, out))
}

async fn exec(
    globals: &Globals,
    settings: &ExecSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let spec = Spec::load(globals, &settings.env, &[], out)?;
    // Refused before any AWS call: an unknown service, no plugin to hand the session to.
    service(&spec.offline, &settings.service)?;
    let plugin = find_plugin(std::env::var_os("PATH"))?;
    let Connected {
        desired, clients, ..
    } = spec.connect(FAILED, out).await?;
    let result = exec_connected(&clients, &desired, settings, &plugin, out).await;
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

async fn exec_connected(
    clients: &AwsClients,
    desired: &Desired,
    settings: &ExecSettings,
    plugin: &Path,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let s = service(desired, &settings.service)?;
    let task = pick_task(clients, s, settings.task.as_deref()).await?;
    check_enabled(s, &task, &desired.env)?;
    let container = settings
        .container
        .clone()
        .unwrap_or_else(|| main_container(desired, s));
    let runtime_id = check_container(&task, &container, &s.key)?;
    let command = join_command(&settings.command);
    let session = ecs_exec::execute_command(clients, &s.cluster, &task.arn, &container, &command)
        .await
        .map_err(|e| aws_error(e, FAILED))?;
    let args = plugin_args(&PluginCall {
        session: &session,
        region: clients.region(),
        profile: &std::env::var("AWS_PROFILE").unwrap_or_default(),
        cluster: &s.cluster,
        task_id: task.id(),
        runtime_id: &runtime_id,
        endpoint: &ecs_exec::ecs_endpoint(clients),
    });
    out.line(
        Label::Note,
        &format!(
            "exec in container `{container}` of task `{}` (service `{}`)",
            task.id(),
            s.key
        ),
    )?;
    out.flush()?;
    let code = run_plugin(plugin, &args).await?;
    Ok(if code == 0 {
        Outcome::Success
    } else {
        Outcome::Exit(code)
    })
}

/// The task asked for, else the service's first RUNNING task (by ARN, so the choice is stable).
async fn pick_task(
    clients: &AwsClients,
    s: &Service,
    asked: Option<&str>,
) -> Result<ExecTask, CliError> {
    let arns = match asked {
        Some(t) => vec![t.to_string()],
        None => {
            let mut arns = ecs_exec::service_tasks(clients, &s.cluster, &s.name)
                .await
                .map_err(|e| aws_error(e, FAILED))?;
            arns.sort();
            arns
        }
    };
    let tasks = if arns.is_empty() {
        Vec::new()
    } else {
        ecs_exec::describe(clients, &s.cluster, &arns)
            .await
            .map_err(|e| aws_error(e, FAILED))?
    };
    if let Some(t) = asked {
        return tasks.into_iter().next().ok_or_else(|| {
            anyhow!(
                "no task `{t}` in cluster `{}`\n  hint: `aws ecs list-tasks --cluster {} --service-name {}` lists the service's tasks",
                s.cluster, s.cluster, s.name
            )
            .into()
        });
    }
    tasks
        .into_iter()
        .find(|t| t.last_status.as_deref() == Some("RUNNING"))
        .ok_or_else(|| {
            anyhow!(
                "service `{}` (`{}`) has no RUNNING task to exec into\n  hint: `ecsctl apply` (or `ecsctl redeploy`) starts its tasks; check its events with `aws ecs describe-services --cluster {} --services {}`",
                s.key, s.name, s.cluster, s.name
            )
            .into()
        })
}

/// ECS Exec is fixed when a task starts: the service's setting now does not help older tasks.
fn check_enabled(s: &Service, task: &ExecTask, env: &str) -> Result<(), CliError> {
    if task.enable_execute_command {
        return Ok(());
    }
    let hint = if s.enable_execute_command {
        format!(
            "the service has it on now, but this task started before: `ecsctl redeploy -e {env} {}` replaces its tasks",
            s.key
        )
    } else {
        format!(
            "set `enableExecuteCommand: true` on service `{}` and apply; tasks started before need a redeploy (`ecsctl redeploy -e {env} {}`)",
            s.key, s.key
        )
    };
    Err(anyhow!(
        "ECS Exec is not enabled on task `{}` of service `{}`\n  hint: {hint}",
        task.id(),
        s.key
    )
    .into())
}

/// The container's runtime id, once its ExecuteCommandAgent is RUNNING.
fn check_container(task: &ExecTask, name: &str, service: &str) -> Result<String, CliError> {
    let Some(c) = task.containers.iter().find(|c| c.name == name) else {
        let names: Vec<String> = task
            .containers
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        return Err(anyhow!(
            "task `{}` of service `{service}` has no container `{name}`\n  hint: containers: {}",
            task.id(),
            names.join(", ")
        )
        .into());
    };
    match (c.agent_status.as_deref(), &c.runtime_id) {
        (Some("RUNNING"), Some(id)) => Ok(id.clone()),
        (status, _) => Err(anyhow!(
            "the {EXEC_AGENT} in container `{name}` of task `{}` is {} (it must be RUNNING)\n  hint: wait a minute after the task started and try again; if it stays so, the task role needs the ssmmessages permissions (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html)",
            task.id(),
            status.map_or_else(|| "not reported".to_string(), |s| format!("`{s}`"))
        )
        .into()),
    }
}

fn service<'a>(desired: &'a Desired, name: &str) -> Result<&'a Service, CliError> {
    desired
        .services
        .iter()
        .find(|s| s.key == name || s.name == name)
        .ok_or_else(|| {
            let known: Vec<String> = desired
                .services
                .iter()
                .map(|s| format!("`{}`", s.key))
                .collect();
            anyhow!(
                "no service `{name}` in environment `{}`\n  hint: services: {}",
                desired.env,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
            .into()
        })
}

/// The service's main container: the first of its task definition, as ecsctl writes it.
fn main_container(desired: &Desired, s: &Service) -> String {
    desired
        .task_definitions
        .iter()
        .find(|d| d.family == s.family)
        .and_then(|d| d.containers.first())
        .map_or_else(|| s.key.clone(), |c| c.name.clone())
}

/// `session-manager-plugin` on PATH, or the error with the install link.
pub fn find_plugin(path: Option<OsString>) -> Result<PathBuf, CliError> {
    let found = path.as_deref().and_then(|p| {
        std::env::split_paths(p)
            .map(|dir| dir.join(PLUGIN))
            .find(|f| f.is_file())
    });
    found.ok_or_else(|| {
        anyhow!(
            "the AWS Session Manager plugin (`{PLUGIN}`) is not installed or not on PATH; ECS Exec needs it\n  hint: install it: {INSTALL}"
        )
        .into()
    })
}

/// What the plugin's argument list is made of.
pub struct PluginCall<'a> {
    pub session: &'a ExecSession,
    pub region: &'a str,
    /// `AWS_PROFILE`, or empty (the AWS CLI passes "" without a profile).
    pub profile: &'a str,
    pub cluster: &'a str,
    pub task_id: &'a str,
    pub runtime_id: &'a str,
    pub endpoint: &'a str,
}

/// The AWS CLI's argv after the program name, JSON formatted as Python's `json.dumps` does
/// (`", "` and `": "` separators), so the plugin sees what it sees from `aws`.
pub fn plugin_args(c: &PluginCall<'_>) -> Vec<String> {
    let q = |v: &str| serde_json::Value::String(v.to_string()).to_string();
    let session = format!(
        "{{\"sessionId\": {}, \"streamUrl\": {}, \"tokenValue\": {}}}",
        q(&c.session.session_id),
        q(&c.session.stream_url),
        q(&c.session.token_value)
    );
    let target = format!("ecs:{}_{}_{}", c.cluster, c.task_id, c.runtime_id);
    let parameters = format!("{{\"Target\": {}}}", q(&target));
    vec![
        session,
        c.region.to_string(),
        "StartSession".to_string(),
        c.profile.to_string(),
        parameters,
        c.endpoint.to_string(),
    ]
}

/// ECS takes the command as one string (`--command` of the AWS CLI): words are joined with
/// spaces, a word with whitespace or quotes single-quoted.
pub fn join_command(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty() && !w.chars().any(|c| c.is_whitespace() || "'\"\\".contains(c)) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the plugin on this terminal and returns its exit code. Ctrl-C belongs to the remote
/// command: while the plugin runs, ecsctl listens for SIGINT/SIGTERM and ignores them, as the
/// AWS CLI does (`ignore_user_entered_signals`).
async fn run_plugin(plugin: &Path, args: &[String]) -> Result<u8, CliError> {
    let _ignore = Interrupt::listen();
    let plugin = plugin.to_path_buf();
    let args = args.to_vec();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&plugin).args(&args).status()
    })
    .await
    .map_err(|e| anyhow!("the Session Manager plugin could not be waited for: {e}"))?
    .map_err(|e| anyhow!("could not start the Session Manager plugin `{PLUGIN}`: {e}"))?;
    // A plugin killed by a signal has no code: report a failure.
    Ok(status
        .code()
        .map_or(1, |c| u8::try_from(c & 0xff).unwrap_or(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_args_are_the_aws_clis() {
        let session = ExecSession {
            session_id: "ecs-execute-command-0abc".into(),
            stream_url: "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0abc?role=publish_subscribe".into(),
            token_value: "AAE\"tok".into(),
        };
        let args = plugin_args(&PluginCall {
            session: &session,
            region: "eu-west-1",
            profile: "",
            cluster: "shop-prod",
            task_id: "0f9a",
            runtime_id: "0f9a-123",
            endpoint: "https://ecs.eu-west-1.amazonaws.com",
        });
        assert_eq!(
            args,
            [
                r#"{"sessionId": "ecs-execute-command-0abc", "streamUrl": "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0abc?role=publish_subscribe", "tokenValue": "AAE\"tok"}"#,
                "eu-west-1",
                "StartSession",
                "",
                r#"{"Target": "ecs:shop-prod_0f9a_0f9a-123"}"#,
                "https://ecs.eu-west-1.amazonaws.com",
            ]
        );
    }

    #[test]
    fn command_words_join_into_one_string_quoting_only_what_needs_it() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_command(&w(&["/bin/sh"])), "/bin/sh");
        assert_eq!(
            join_command(&w(&["sh", "-c", "echo it's"])),
            r"sh -c 'echo it'\''s'"
        );
        assert_eq!(join_command(&w(&["rails", "c", ""])), "rails c ''");
    }

    #[test]
    fn default_endpoint_follows_the_partition() {
        assert_eq!(
            ecs_exec::default_ecs_endpoint("eu-west-1"),
            "https://ecs.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            ecs_exec::default_ecs_endpoint("cn-north-1"),
            "https://ecs.cn-north-1.amazonaws.com.cn"
        );
    }
}
