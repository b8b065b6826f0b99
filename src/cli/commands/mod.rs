//! One module per command, each a `run` function of resolved settings.
//!
//! Offline commands (validate, render, schema, permissions, completions, init) must never call into
//! `crate::aws`: they need no credentials and no network (tests/cli/offline.rs proves it).

pub mod apply;
pub mod completions;
pub mod cost;
pub mod destroy;
pub mod exec;
pub mod import;
pub mod init;
pub mod logs;
pub mod man;
pub mod output;
pub mod permissions;
pub mod plan;
pub mod plan_all;
pub mod prices;
pub mod redeploy;
pub mod render;
pub mod rollback;
pub mod run;
pub mod schema;
pub mod status;
pub mod unlock;
pub mod validate;
pub mod verify;

/// The runtime every command that talks to AWS runs on: one thread is enough, the work is
/// waiting on AWS.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, crate::cli::error::CliError> {
    use anyhow::Context;
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?)
}
