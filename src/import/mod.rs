//! `ecsctl import`: writes an ecsctl project that describes what already runs (a live cluster,
//! a Copilot workspace, an ecspresso config), for adoption (docs/migrating.md).
//!
//! Owns translating what was read into spec documents and writing them. Must not call AWS
//! itself (the live reads are `aws::discover` and `live::fetch`'s) and must not change anything
//! in AWS: import only reads.

pub mod copilot;
pub mod doc;
pub mod ecspresso;
pub mod factor;
pub mod live;
pub mod live_scaling;
pub mod live_task;
#[cfg(test)]
pub mod testkit;
pub mod translation;
pub mod write;
