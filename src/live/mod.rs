//! The live state: what AWS holds for one environment, read concurrently and never written.
//!
//! Owns `Live` (the observed state in ecsctl's own types) and `fetch`, which reads everything an
//! environment owns or references with the fewest calls. Must not write to AWS, normalise values
//! (the diff does) or import AWS SDK types (only `aws` does).

pub mod discover;
pub mod fetch;
pub mod owned;
pub mod ownership;
pub mod query;
pub mod retention;
pub mod schedule;
pub mod tag_index;
pub mod types;

pub use fetch::{fetch, fetch_query};
pub use query::LiveQuery;
pub use types::*;
