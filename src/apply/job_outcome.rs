//! The end of a job's run: which container is the job's main one, and what its stopped tasks
//! say (the exit-code rule `run --wait` and apply's `beforeDeploy` share).
//!
//! Owns reading ECS's stopped tasks into an exit code or the reason the container never ran.
//! Must not call AWS.

use crate::aws::run_task::TaskRun;
use crate::model::{Desired, ScheduledTask};

/// The first container of the task's family (ecsctl puts the main container first).
pub fn main_container(desired: &Desired, task: &ScheduledTask) -> String {
    desired
        .task_definitions
        .iter()
        .find(|d| d.family == task.family)
        .and_then(|d| d.containers.first())
        .map_or_else(|| task.key.clone(), |c| c.name.clone())
}

#[derive(Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// Every task's main container exited; the code is the first non-zero one, else 0.
    Exited(i32),
    /// A task stopped without the main container exiting (image pull, ENI, capacity…).
    NotStarted { task: String, reason: String },
}

/// The exit-code rule of `run --wait`, on the stopped tasks.
pub fn outcome_of(tasks: &[TaskRun], main: &str) -> RunOutcome {
    let mut code = 0;
    for t in tasks {
        let container = t
            .containers
            .iter()
            .find(|c| c.name == main)
            .or(t.containers.first());
        match container.and_then(|c| c.exit_code) {
            Some(c) => {
                if code == 0 {
                    code = c;
                }
            }
            None => {
                let reason = t
                    .stopped_reason
                    .clone()
                    .or_else(|| container.and_then(|c| c.reason.clone()))
                    .or_else(|| t.stop_code.clone())
                    .unwrap_or_else(|| "no exit code was reported".to_string());
                return RunOutcome::NotStarted {
                    task: t.arn.clone(),
                    reason,
                };
            }
        }
    }
    RunOutcome::Exited(code)
}
