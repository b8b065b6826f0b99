//! The AWS layer: the only module that imports `aws_sdk_*`.
//!
//! Owns the clients (`config`), the error type (`error`), and one file per AWS service with its
//! calls and the pure conversions from SDK types to ecsctl's own types. Must not let SDK types
//! escape: every public function takes and returns ecsctl types. Reads live here now; the
//! writes `apply` needs go into the same per-service files.

pub mod alarms;
pub mod autoscaling;
pub mod config;
pub mod discovery;
pub mod ecs;
// `ecsctl exec`: ListTasks, DescribeTasks (agents) and ExecuteCommand.
pub mod ec2;
pub mod ecs_exec;
pub mod ecs_revisions;
pub mod ecs_tasks;
pub mod elbv2;
pub mod env_check;
pub mod error;
mod failure;
pub mod iam;
pub mod job_runs;
pub mod list_owned;
pub mod live_tail;
pub mod log_events;
pub mod logs;
pub mod lookup;
pub mod pricing;
pub mod rate;
pub mod referenced;
pub mod run_task;
pub mod scheduler;
pub mod settling;
pub mod ssm;
pub mod sts;
pub mod tagging;
pub mod target_groups;

pub use config::{AwsClients, AwsSettings, StaticCredentials};
pub use env_check::ConfigError;

// Test support: AWS's published responses, fed through the SDK's own deserializer.
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod paging_tests;
#[cfg(test)]
mod replay;
pub use error::AwsError;

// Writes, for apply (one file per service).
pub mod ecs_rollout;
pub mod ecs_service_deployments;
// Test hooks, absent from release builds (see fail_at.rs and Cargo.toml).
#[cfg(feature = "fault-hooks")]
pub mod fail_at;
pub(crate) mod write;
pub mod write_alarms;
pub mod write_autoscaling;
pub mod write_discovery;
pub mod write_ecs;
pub mod write_iam;
pub mod write_logs;
pub mod write_prune;
pub mod write_scheduler;
