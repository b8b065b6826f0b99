//! Emulator tests: the real `ecsctl` binary and out-of-band boto3 calls against one patched
//! moto server per run of this binary (see support/mod.rs and docs/emulator.md). Each test works
//! in its own fresh account (`support::account()`), so tests run in parallel without resets.
//! Add your module below.

#[path = "../pty/mod.rs"]
mod pty;
mod support;

mod action;
mod adopt;
mod alarms;
mod apply;
mod contract;
mod cost;
mod emulator_harness;
mod exec;
mod faults;
mod firelens;
mod foreign_revisions;
mod iam_roles;
mod images;
mod import;
mod jobs;
mod live;
mod lock;
mod outputs;
mod partial;
mod permissions;
mod plan;
mod plan_all;
mod preflight;
mod prune;
mod rate;
mod real_aws;
mod redeploy;
mod retain;
mod rollback;
mod scaling;
mod scheduled;
mod service_connect;
mod status_logs;
mod strategies;
mod task_settings;
mod terminal;
mod volumes;
