//! Why a command failed, worded once.
//!
//! Owns `CliError` and its `Display`: lowercase, user values in backticks. Must not print:
//! `run` prints the error and picks the exit code. Diagnostics with source snippets are printed
//! by the command as they are found; the error here is only the summary line after them.

use std::io;
use std::path::PathBuf;

use crate::diagnostic::Diagnostics;
use crate::spec::span::SourceMap;

/// A failed command. Every variant exits with status 1, except `Interrupted` (130).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The spec has problems; they have been printed already.
    #[error("{} in {}; nothing was changed", problems(*count), where_(files))]
    Invalid { count: usize, files: Vec<String> },

    /// The directory holds no `ecsctl.yaml`: not a project (yet).
    #[error("no `ecsctl.yaml` in `{}`\n  hint: `ecsctl init` writes a starter project there, or pass `-C DIR` to use another directory", dir.display())]
    NoProject { dir: PathBuf },

    /// `validate` found nothing to validate.
    #[error("no environments in `{}`\n  hint: create `{}/<env>.yaml`, e.g. `prod.yaml`", dir.display(), dir.display())]
    NoEnvironments { dir: PathBuf },

    /// The AWS settings of the environment or the config files cannot work (checked before
    /// any client is built, so the SDK never panics on them).
    #[error(transparent)]
    AwsConfig(#[from] crate::aws::ConfigError),

    /// An AWS call failed: one line naming the call, the resource and AWS's words (or, when
    /// AWS was never reached, why), then what to do.
    #[error("{}", aws_text(failed, error))]
    Aws {
        failed: String,
        error: Box<crate::aws::AwsError>,
    },

    /// Writing the output failed (other than a closed pipe, which `run` treats as success).
    #[error("cannot write output: {source}")]
    Write {
        #[from]
        source: io::Error,
    },

    /// Ctrl-C or SIGTERM stopped a mutating command cleanly: exit status 130.
    #[error("{message}")]
    Interrupted { message: String },

    /// A failure with its own wording, from code outside the CLI.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CliError {
    /// The summary after `diagnostics` were printed: how many errors, in which files.
    pub fn invalid(diagnostics: &Diagnostics, sources: &SourceMap) -> CliError {
        let mut files: Vec<String> = Vec::new();
        for d in diagnostics.errors() {
            // A built-in default's id names no file, so `path` skips it.
            if let Some(path) = sources.path(d.loc.file) {
                let name = path.display().to_string();
                if !files.contains(&name) {
                    files.push(name);
                }
            }
        }
        CliError::Invalid {
            count: diagnostics.errors().count(),
            files,
        }
    }
}

fn where_(files: &[String]) -> String {
    if files.is_empty() {
        "the spec".to_string()
    } else {
        files.join(", ")
    }
}

fn problems(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

/// What a successful command found, mapped to exit status 0 or 2 by `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done; nothing to change.
    Success,
    /// Changes are present (`plan --detailed-exitcode`): exit status 2.
    Changes,
    /// `run --wait`: the task's exit code, passed through.
    Exit(u8),
}

/// The error of an apply or destroy run that did not succeed (its report printed already):
/// exit 130 when Ctrl-C / SIGTERM stopped it, else 1.
pub fn outcome_error(outcome: &crate::apply::ApplyOutcome) -> CliError {
    if outcome.interrupted {
        return CliError::Interrupted {
            message: outcome.error_summary(),
        };
    }
    anyhow::anyhow!(outcome.error_summary()).into()
}

/// A second Ctrl-C / SIGTERM abandoned the calls in flight; `rerun` is the hint's advice.
pub fn abandoned(rerun: &str) -> CliError {
    CliError::Interrupted {
        message: format!(
            "interrupted twice: abandoned the calls in flight (their outcome is unknown)\n  hint: {rerun}"
        ),
    }
}

/// The context for AWS errors while plan, apply and destroy read the live state.
pub const LIVE_READ_FAILED: &str = "reading the live state failed";

/// An AWS error as a CLI error; `failed` says what the command was doing.
pub fn aws_error(e: crate::aws::AwsError, failed: &str) -> CliError {
    CliError::Aws {
        failed: failed.to_string(),
        error: Box::new(e),
    }
}

/// `reading the live state failed: ecs:DescribeServices on `x`: AccessDeniedException: …` and
/// its hint; a call that never reached AWS (no connection, no credentials) is worded by its
/// cause alone, which is the same whatever the command was doing.
fn aws_text(failed: &str, e: &crate::aws::AwsError) -> String {
    let head = if e.is_connection_failure() {
        e.message.clone()
    } else {
        format!("{failed}: {e}")
    };
    match e.hint() {
        Some(h) => format!("{head}\n  hint: {h}"),
        None => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before: "reading the live state failed", the hint, then the call on a third line.
    #[test]
    fn an_aws_error_is_one_line_and_a_hint() {
        let denied = crate::aws::AwsError::new(
            "ecs",
            "DescribeServices",
            Some("ohi-prod-api"),
            Some("AccessDeniedException"),
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices",
        );
        assert_eq!(
            aws_error(denied, LIVE_READ_FAILED).to_string(),
            "reading the live state failed: ecs:DescribeServices on `ohi-prod-api`: AccessDeniedException: \
User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices\n  \
hint: the caller needs `ecs:DescribeServices` on this resource"
        );
        let mut refused = crate::aws::AwsError::new(
            "sts",
            "GetCallerIdentity",
            None,
            None,
            "cannot reach STS at `http://127.0.0.1:1` (connection refused)",
        );
        refused.failure = Some(Box::new(crate::aws::error::Failure::Unreachable {
            endpoint: Some("http://127.0.0.1:1".into()),
            reason: "connection refused".into(),
        }));
        assert_eq!(
            aws_error(refused, LIVE_READ_FAILED).to_string(),
            "cannot reach STS at `http://127.0.0.1:1` (connection refused)\n  \
hint: check the network and the endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS, the profile's `endpoint_url`) and the region (AWS_REGION, the profile, the spec)"
        );
    }

    #[test]
    fn invalid_summary_counts_and_names_files() {
        let one = CliError::Invalid {
            count: 1,
            files: vec!["ecsctl.yaml".into()],
        };
        assert_eq!(
            one.to_string(),
            "1 problem in ecsctl.yaml; nothing was changed"
        );
        let many = CliError::Invalid {
            count: 3,
            files: vec!["environments/prod.yaml".into(), "ecsctl.yaml".into()],
        };
        assert_eq!(
            many.to_string(),
            "3 problems in environments/prod.yaml, ecsctl.yaml; nothing was changed"
        );
    }
}
