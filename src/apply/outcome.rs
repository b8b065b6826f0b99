//! What an apply did: the steps done, the one(s) that failed with AWS's error, the steps not
//! attempted, and how waiting ended. Owns the wording of the failure report.
//!
//! Must not print: the command writes `report()` to stderr.

use std::fmt::Write;
use std::time::Duration;

use crate::aws::AwsError;
use crate::plan::Step;

#[derive(Debug, Default)]
pub struct ApplyOutcome {
    pub done: Vec<(Step, Duration)>,
    pub failed: Vec<(Step, AwsError)>,
    pub not_attempted: Vec<Step>,
    pub wait: WaitOutcome,
    /// Ctrl-C or SIGTERM stopped the run: no step started after it.
    pub interrupted: bool,
    /// A `beforeDeploy` job failed: no service step ran.
    pub before_deploy: Option<super::before_deploy::JobFailure>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Nothing to wait for, or `--no-wait`.
    #[default]
    Skipped,
    Stable {
        services: usize,
        after: Duration,
    },
    /// A deployment failed or was rolled back: service name → reason.
    Failed {
        service: String,
        reason: String,
    },
    TimedOut {
        after: Duration,
        pending: Vec<(String, String)>,
    },
    /// Reading the services failed.
    Error(AwsError),
    /// Ctrl-C or SIGTERM came while waiting; the changes were made, their rollout not watched.
    Interrupted,
}

impl ApplyOutcome {
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
            && self.before_deploy.is_none()
            && !self.interrupted
            && matches!(self.wait, WaitOutcome::Skipped | WaitOutcome::Stable { .. })
    }

    /// The report after a failure: done, failed (with code, message and hint), not attempted.
    pub fn report(&self) -> String {
        let mut s = String::new();
        let line = |step: &Step| format!("{} {}", step.action.symbol().trim(), step.address);
        if !self.done.is_empty() {
            let _ = writeln!(s, "Done ({}):", self.done.len());
            for (step, _) in &self.done {
                let _ = writeln!(s, "  {}", line(step));
            }
        }
        if !self.failed.is_empty() {
            let _ = writeln!(s, "Failed ({}):", self.failed.len());
            for (step, e) in &self.failed {
                let _ = writeln!(s, "  {}", line(step));
                let _ = writeln!(s, "    operation: {}:{}", e.service, e.operation);
                if let Some(r) = &e.resource {
                    let _ = writeln!(s, "    resource: `{r}`");
                }
                let _ = writeln!(
                    s,
                    "    error: {}{}",
                    e.code
                        .as_deref()
                        .map(|c| format!("{c}: "))
                        .unwrap_or_default(),
                    e.message
                );
                if let Some(h) = e.hint() {
                    let _ = writeln!(s, "    hint: {h}");
                }
            }
        }
        if let Some(f) = &self.before_deploy {
            let _ = writeln!(s, "Before deploy: job `{}` {}", f.job, f.reason);
            if let Some(task) = &f.task {
                let _ = writeln!(s, "    task: `{task}`");
            }
            match f.log_lines.is_empty() {
                true => {
                    let _ = writeln!(s, "    (its log has no lines)");
                }
                false => {
                    let _ = writeln!(s, "    last log lines:");
                    for l in &f.log_lines {
                        let _ = writeln!(s, "      | {l}");
                    }
                }
            }
        }
        if !self.not_attempted.is_empty() {
            let _ = writeln!(s, "Not attempted ({}):", self.not_attempted.len());
            for step in &self.not_attempted {
                let _ = writeln!(s, "  {}", line(step));
            }
        }
        match &self.wait {
            WaitOutcome::Failed { service, reason } => {
                let _ = writeln!(s, "Deployment of `{service}` failed: {reason}");
            }
            WaitOutcome::TimedOut { after, pending } => {
                let _ = writeln!(s, "Not stable after {}s:", after.as_secs());
                for (name, progress) in pending {
                    let _ = writeln!(s, "  {name}: {progress}");
                }
            }
            WaitOutcome::Error(e) => {
                let _ = writeln!(s, "Waiting failed: {e}");
            }
            WaitOutcome::Interrupted => {
                let _ = writeln!(
                    s,
                    "Not waited for: the rollout of the changed services (interrupted)"
                );
            }
            _ => {}
        }
        s
    }

    /// The one-line error `run` prints.
    pub fn error_summary(&self) -> String {
        if self.interrupted {
            return format!(
                "interrupted: {} step(s) done, {} failed, {} not attempted\n  hint: run the same command again: it continues from what exists",
                self.done.len(),
                self.failed.len(),
                self.not_attempted.len()
            );
        }
        if let Some(f) = &self.before_deploy {
            return format!(
                "job `{}` {} before deploy; no service was updated\n  hint: `ecsctl logs -e {} {}` shows its output; fix it and run `ecsctl apply` again (the task definitions are registered already)",
                f.job, f.reason, f.env, f.job
            );
        }
        if let Some((step, e)) = self.failed.first() {
            let rerun = "fix the cause and run `ecsctl apply` again: it continues from what exists";
            return format!("apply failed at `{}`: {e}\n  hint: {rerun}", step.address);
        }
        match &self.wait {
            WaitOutcome::Failed { service, reason } => format!(
                "the deployment of `{service}` failed: {reason}\n  hint: `aws ecs describe-services` shows the events; fix the cause and apply again"
            ),
            WaitOutcome::TimedOut { after, pending } => format!(
                "timed out after {}s waiting for {} to become stable\n  hint: raise `--timeout`, or use `--no-wait` and check later",
                after.as_secs(),
                pending
                    .iter()
                    .map(|(n, _)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            WaitOutcome::Error(e) => format!("waiting for services failed: {e}"),
            _ => "apply failed".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Address, ResourceKind};

    fn step(kind: ResourceKind, name: &str, action: Action) -> Step {
        Step {
            address: Address::new(kind, name),
            action,
            fields: vec![],
            force_new_deployment: false,
        }
    }

    #[test]
    fn report_lists_done_failed_with_code_and_hint_and_not_attempted() {
        let mut err = AwsError::new(
            "ecs",
            "CreateService",
            Some("ohi-dev-api"),
            Some("AccessDeniedException"),
            "not authorized",
        );
        err.status = Some(400);
        let o = ApplyOutcome {
            done: vec![(
                step(ResourceKind::IamRole, "r", Action::Create),
                Duration::ZERO,
            )],
            failed: vec![(step(ResourceKind::Service, "api", Action::Create), err)],
            not_attempted: vec![step(ResourceKind::ScalingTarget, "api", Action::Create)],
            wait: WaitOutcome::Skipped,
            interrupted: false,
            before_deploy: None,
        };
        assert!(!o.is_success());
        assert_eq!(
            o.report(),
            "Done (1):\n  + iam_role.r\nFailed (1):\n  + service.api\n    operation: ecs:CreateService\n    \
resource: `ohi-dev-api`\n    error: AccessDeniedException: not authorized\n    \
hint: the caller needs `ecs:CreateService` on this resource\nNot attempted (1):\n  + scaling_target.api\n"
        );
        assert!(
            o.error_summary()
                .starts_with("apply failed at `service.api`: ecs:CreateService")
        );
    }
}
