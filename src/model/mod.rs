//! The model: the validated, fully resolved desired state of one environment (`Desired`).
//!
//! Owns turning a merged raw spec into `Desired` and every validation rule, collecting all
//! problems at once as diagnostics with locations. Must not do I/O or talk to AWS: plan and
//! render both start from the same pure `build`.

pub mod fargate;
pub mod policy;
pub mod resources;

pub use resources::*;
