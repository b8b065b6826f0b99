//! The plan: plain data describing what apply would do to one environment.
//!
//! Owns `Plan` (the changes from the diff, the ordered steps, the summary and the fingerprint
//! of the live state read). Must not talk to AWS, print, or decide what changed (that is
//! `diff`); renderers in `render` turn a `Plan` into text, and apply executes its steps.

pub mod change;
pub mod fingerprint;
pub mod saved;
pub mod step;
pub mod summary;

pub use change::{Action, Address, Effect, FieldChange, ResourceChange, ResourceKind};
pub use step::Step;
pub use summary::Summary;

/// Which environment a plan is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub app: String,
    pub env: String,
    pub region: String,
    pub account_id: Option<String>,
    /// A partial plan's services (`plan -s`, spec keys, sorted); `None` for the whole
    /// environment. Renderers say the plan is partial.
    pub services: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub target: Target,
    /// Every resource the spec names, no-ops included (so a saved plan records what it read).
    pub changes: Vec<ResourceChange>,
    pub steps: Vec<Step>,
    /// `sha256:<hex>` of the live state the changes were computed from.
    pub fingerprint: String,
}

impl Plan {
    pub fn new(target: Target, changes: Vec<ResourceChange>) -> Self {
        let steps = step::order(&changes);
        let fingerprint = fingerprint::fingerprint(&changes);
        Plan {
            target,
            changes,
            steps,
            fingerprint,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary::count(&self.changes)
    }

    pub fn has_changes(&self) -> bool {
        !self.summary().is_empty()
    }

    /// The changes that do something, in diff order.
    pub fn actionable(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes.iter().filter(|c| !c.is_noop())
    }
}
