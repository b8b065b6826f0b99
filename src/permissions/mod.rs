//! `ecsctl permissions`: the least-privilege IAM policy a CI role needs to run one command
//! (plan, apply, destroy, run) on one environment, derived offline from the spec.
//!
//! Owns the catalogue of what each command calls (`catalogue`), the environment's ARNs
//! (`scope`) and the policy document (`document`). Must not call AWS or load AWS
//! configuration (like `validate` and `render`): the account comes from the spec's `account:`
//! (else `*`), the partition from the spec's region. The scan test (`sdk_calls_tests`) keeps the
//! catalogue in step with the SDK operations `src/aws/` sends.

pub mod catalogue;
pub mod document;
pub mod scope;

#[cfg(test)]
mod document_tests;
#[cfg(test)]
mod sdk_calls_tests;

pub use catalogue::Command;
pub use document::{Generated, PolicyDocument, generate};
