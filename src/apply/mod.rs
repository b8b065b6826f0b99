//! Apply: executes a plan's steps against AWS in dependency order, then waits for the changed
//! services to become stable.
//!
//! Owns mapping each step (with the desired state and the live state the plan was made from)
//! to write calls in `aws::write_*`, the concurrency within a phase, progress reporting through
//! `Reporter`, waiting, and the outcome (done / failed / not attempted). Must not decide what
//! changes: the plan does; apply never branches on a change's display-only `reason`.

pub mod wait;
