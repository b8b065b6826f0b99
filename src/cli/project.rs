//! One environment of the project on disk, loaded and built, for any command.
//!
//! Owns the glue between `spec::load` and `model::build` that every command repeats: the
//! `${VAR}` lookup from the process environment and carrying the source map along, so
//! diagnostics can always quote their line. Must not print (commands decide what to show) and
//! must not touch AWS: the caller passes the account when it knows one.

use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::model::Desired;
use crate::model::build::{BuildContext, build};
use crate::model::partition::Partition;
use crate::spec::load::{LoadedEnv, load_env};
use crate::spec::span::SourceMap;

/// The outcome of loading and building one environment.
pub enum Built {
    /// The desired state, with any warnings.
    Ok {
        desired: Box<Desired>,
        warnings: Diagnostics,
        sources: SourceMap,
    },
    /// Every problem found (errors, and warnings found alongside), with the files to quote.
    Invalid {
        diagnostics: Diagnostics,
        sources: SourceMap,
    },
}

/// Fails with `NoProject` unless `dir` holds `ecsctl.yaml` (or the `ecsctl.yml` the loader
/// asks to rename), so a wrong directory is named as such, not as "no environments".
pub fn require_project(dir: &Path) -> Result<(), crate::cli::error::CliError> {
    use crate::spec::load::PROJECT_FILE;
    if dir.join(PROJECT_FILE).exists() || dir.join("ecsctl.yml").exists() {
        return Ok(());
    }
    Err(crate::cli::error::CliError::NoProject {
        dir: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
    })
}

/// The process environment, read for `${VAR}` in spec values.
pub fn process_var(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// Loads `environments/<env>.yaml` over `ecsctl.yaml` in `dir` and builds the desired state.
/// `account_id` is the caller's account when known; offline it is `None`. The partition is the
/// region's (the live commands go through `target`, which checks the caller's against it).
pub fn load_and_build(dir: &Path, env: &str, account_id: Option<&str>) -> Built {
    match load(dir, env) {
        Ok(loaded) => build_loaded(&loaded, account_id.map(|a| (a, None))),
        Err(invalid) => invalid,
    }
}

/// Reads and merges the two files once; the problems found come back as `Built::Invalid`.
pub fn load(dir: &Path, env: &str) -> Result<LoadedEnv, Built> {
    load_env(dir, env).map_err(|failure| Built::Invalid {
        diagnostics: failure.diagnostics,
        sources: failure.sources,
    })
}

/// Builds the desired state from an already loaded spec: the model is pure, so a command that
/// learns the caller later rebuilds from here instead of reading the files again. `caller` is
/// the caller's account and partition when a command has asked STS; offline it is `None`.
pub fn build_loaded(loaded: &LoadedEnv, caller: Option<(&str, Option<Partition>)>) -> Built {
    let ctx = BuildContext {
        env: &loaded.env,
        account_id: caller.map(|c| c.0),
        partition: caller.and_then(|c| c.1),
        vars: &process_var,
    };
    match build(&loaded.merged, &ctx) {
        Ok((desired, warnings)) => Built::Ok {
            desired: Box::new(desired),
            warnings,
            sources: loaded.sources.clone(),
        },
        Err(diagnostics) => Built::Invalid {
            diagnostics,
            sources: loaded.sources.clone(),
        },
    }
}
