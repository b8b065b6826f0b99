//! The model: the validated, fully resolved desired state of one environment (`Desired`).
//!
//! Owns turning a merged raw spec into `Desired` and every validation rule, collecting all
//! problems at once as diagnostics with locations. Must not do I/O or talk to AWS: plan and
//! render both start from the same pure `build`.

pub mod fargate;
pub mod policy;
pub mod resources;
pub mod revisions;

pub use resources::*;

pub mod arn;
pub mod autoscaling;
pub mod before_deploy;
pub mod build;
#[cfg(test)]
mod build_tests;
#[cfg(test)]
mod build_tests_more;
pub mod capacity;
pub mod container;
pub mod container_linux;
#[cfg(test)]
#[path = "container_linux_tests.rs"]
mod container_linux_tests;
pub mod deployment;
#[cfg(test)]
#[path = "deployment_tests.rs"]
mod deployment_tests;
pub mod discovery;
pub mod firelens;
#[cfg(test)]
#[path = "firelens_tests.rs"]
mod firelens_tests;
pub mod health;
pub mod iam;
#[cfg(test)]
mod iam_tests;
pub mod image;
pub mod logs;
pub mod names;
pub mod network;
pub mod next_run;
pub mod r#override;
#[cfg(test)]
mod override_tests;
pub mod partition;
pub mod project;
#[cfg(test)]
mod rules_env_tests;
#[cfg(test)]
mod rules_hint_tests;
#[cfg(test)]
mod rules_task_tests;
pub mod scaling_rules;
#[cfg(test)]
#[path = "scaling_rules_tests.rs"]
mod scaling_rules_tests;
pub mod schedule;
pub mod scheduled;
pub mod scope;
pub mod secrets;
pub mod sensitive;
pub mod service;
pub mod service_connect;
#[cfg(test)]
#[path = "service_connect_tests.rs"]
mod service_connect_tests;
pub mod size;
#[cfg(test)]
mod spec_traps_tests;
pub mod tags;
pub mod target;
pub mod task_def;
pub mod task_spec;
pub mod template;
#[cfg(test)]
pub(crate) mod testkit;
pub mod timezones;
pub mod unique;
pub mod validate;
pub mod volumes;
#[cfg(test)]
#[path = "volumes_tests.rs"]
mod volumes_tests;
