//! ECS Exec for `ecsctl exec`: the service's running tasks (ListTasks, DescribeTasks with each
//! container's runtime id and ExecuteCommandAgent status) and ExecuteCommand, plus what the AWS
//! CLI hands the Session Manager plugin (the session and the ECS endpoint).
//!
//! Owns these calls and the pure conversions to `ExecTask` / `ExecSession`. Must not decide which
//! task or container to use nor start the plugin (`cli::commands::exec` does).
//! Reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommand.html

use aws_sdk_ecs::types::Task;

use super::{AwsClients, AwsError};

/// The agent ECS Exec needs in the container (DescribeTasks `managedAgents[].name`).
pub const EXEC_AGENT: &str = "ExecuteCommandAgent";

/// One task, reduced to what ECS Exec needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecTask {
    pub arn: String,
    pub last_status: Option<String>,
    /// Fixed when the task started: turning it on later needs new tasks.
    pub enable_execute_command: bool,
    pub containers: Vec<ExecContainer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecContainer {
    pub name: String,
    pub runtime_id: Option<String>,
    /// The ExecuteCommandAgent's `lastStatus` (`RUNNING` when exec can work).
    pub agent_status: Option<String>,
}

impl ExecTask {
    /// The id at the end of the ARN (`arn:…:task/CLUSTER/ID`).
    pub fn id(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

/// The running tasks of one service (ListTasks `serviceName`, desired status RUNNING).
pub async fn service_tasks(
    clients: &AwsClients,
    cluster: &str,
    service: &str,
) -> Result<Vec<String>, AwsError> {
    super::ecs_tasks::running_task_arns(clients, cluster, Some(service)).await
}

/// DescribeTasks of at most 100 tasks (the caller passes one service's, or the one asked for).
pub async fn describe(
    clients: &AwsClients,
    cluster: &str,
    arns: &[String],
) -> Result<Vec<ExecTask>, AwsError> {
    let out = clients
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(arns.iter().take(100).cloned().collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "DescribeTasks", Some(cluster), e))?;
    Ok(out.tasks().iter().map(task_from_sdk).collect())
}

fn task_from_sdk(t: &Task) -> ExecTask {
    ExecTask {
        arn: t.task_arn().unwrap_or_default().to_string(),
        last_status: t.last_status().map(str::to_string),
        enable_execute_command: t.enable_execute_command(),
        containers: t
            .containers()
            .iter()
            .map(|c| ExecContainer {
                name: c.name().unwrap_or_default().to_string(),
                runtime_id: c.runtime_id().map(str::to_string),
                agent_status: c
                    .managed_agents()
                    .iter()
                    .find(|a| a.name().map(|n| n.as_str()) == Some(EXEC_AGENT))
                    .and_then(|a| a.last_status().map(str::to_string)),
            })
            .collect(),
    }
}

/// What the Session Manager plugin is given, as the AWS CLI builds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSession {
    pub session_id: String,
    pub stream_url: String,
    pub token_value: String,
}

/// ExecuteCommand (always interactive: the only mode ECS supports).
pub async fn execute_command(
    clients: &AwsClients,
    cluster: &str,
    task: &str,
    container: &str,
    command: &str,
) -> Result<ExecSession, AwsError> {
    let out = clients
        .ecs
        .execute_command()
        .cluster(cluster)
        .task(task)
        .container(container)
        .interactive(true)
        .command(command)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ecs", "ExecuteCommand", Some(task), e))?;
    let s = out.session();
    let field = |v: Option<&str>| v.unwrap_or_default().to_string();
    Ok(ExecSession {
        session_id: field(s.and_then(|s| s.session_id())),
        stream_url: field(s.and_then(|s| s.stream_url())),
        token_value: field(s.and_then(|s| s.token_value())),
    })
}

/// The ECS endpoint the client sent ExecuteCommand to, which the AWS CLI passes to the plugin
/// last (`client.meta.endpoint_url`): where the last ECS request went (a configured
/// `AWS_ENDPOINT_URL_ECS`…, recorded by the call counter's interceptor), else the regional
/// default.
pub fn ecs_endpoint(clients: &AwsClients) -> String {
    super::failure::last_endpoint("ecs").unwrap_or_else(|| default_ecs_endpoint(clients.region()))
}

/// `https://ecs.REGION.amazonaws.com` (`.com.cn` in the China partition).
pub fn default_ecs_endpoint(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://ecs.{region}.{suffix}")
}
