//! ecsctl: declarative provisioning for AWS ECS Fargate.
//!
//! Data flows one way: spec → model → (live state) → diff → plan → render / apply.
//! See ../shared/STYLE.md for the architecture.

pub mod apply;
pub mod aws;
pub mod cli;
pub mod cost;
pub mod diagnostic;
pub mod diff;
pub mod import;
pub mod interrupt;
pub mod live;
pub mod lock;
pub mod model;
pub mod permissions;
pub mod plan;
pub mod preflight;
pub mod render;
pub mod spec;
pub mod terminal;
