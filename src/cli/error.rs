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

    /// `validate` found nothing to validate.
    #[error("no environments in `{}`\n  hint: create `{}/<env>.yaml`, e.g. `prod.yaml`", dir.display(), dir.display())]
    NoEnvironments { dir: PathBuf },

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

/// An AWS error as a CLI error, with `failed` as context when AWS's error has a hint.
pub fn aws_error(e: crate::aws::AwsError, failed: &str) -> CliError {
    let hint = e.hint();
    let mut err = anyhow::Error::new(e);
    if let Some(h) = hint {
        err = err.context(format!("{failed}\n  hint: {h}"));
    }
    err.into()
}

#[cfg(test)]
mod tests {
    use super::*;

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
