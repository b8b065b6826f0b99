//! Apply: executes a plan's steps against AWS in dependency order, then waits for the changed
//! services to become stable.
//!
//! Owns mapping each step (with the desired state and the live state the plan was made from)
//! to write calls in `aws::write_*` (one file per resource kind), the concurrency within a
//! phase (`executor`), progress reporting (`reporter`), waiting (`wait`, `stable`), and the
//! outcome (`outcome`: done / failed / not attempted). Must not decide what changes: the plan
//! does, and apply never branches on a change's display-only `reason`.

pub mod before_deploy;
mod cluster;
pub mod context;
mod discovery;
pub mod executor;
pub mod job_outcome;
mod log_group;
mod namespace;
pub mod outcome;
mod prune;
mod registry;
pub mod reporter;
mod role;
pub mod run_revision;
mod scaling;
mod schedule;
mod service;
mod settle;
pub mod stable;
pub mod stages;
mod task_definition;
pub mod verify;
pub mod wait;

pub use context::{ApplyCtx, Resolved};
pub use executor::{ApplyOptions, execute};
pub use outcome::{ApplyOutcome, WaitOutcome};
pub use reporter::{PlainReporter, Reporter, SilentReporter, TerminalReporter};
// `redeploy` waits for the services it updated with apply's waiter.
pub use service::Changed;
