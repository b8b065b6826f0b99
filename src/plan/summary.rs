//! The one-line summary under every plan, counted like Terraform: a replacement counts as one
//! to add and one to destroy.
//!
//! Owns the counting and the wording of the summary line. Must not render anything else.

use std::fmt;

use super::change::{Action, ResourceChange};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

impl Summary {
    pub fn count(changes: &[ResourceChange]) -> Self {
        let mut s = Summary::default();
        for c in changes {
            match c.action {
                Action::NoOp => {}
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Replace => {
                    s.add += 1;
                    s.destroy += 1;
                }
                Action::Delete => s.destroy += 1,
            }
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.add == 0 && self.change == 0 && self.destroy == 0
    }
}

pub const NO_CHANGES: &str = "No changes. Your infrastructure matches the spec.";

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str(NO_CHANGES);
        }
        write!(
            f,
            "Plan: {} to add, {} to change, {} to destroy.",
            self.add, self.change, self.destroy
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::change::{Address, ResourceKind};

    fn c(action: Action) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::Service, "x"),
            action,
            fields: vec![],
            reason: None,
            force_new_deployment: false,
            observed: String::new(),
        }
    }

    #[test]
    fn replace_counts_as_add_and_destroy() {
        let s = Summary::count(&[
            c(Action::Create),
            c(Action::Create),
            c(Action::Replace),
            c(Action::Update),
            c(Action::NoOp),
        ]);
        assert_eq!(
            s,
            Summary {
                add: 3,
                change: 1,
                destroy: 1
            }
        );
        assert_eq!(s.to_string(), "Plan: 3 to add, 1 to change, 1 to destroy.");
    }

    #[test]
    fn only_noops_is_no_changes() {
        let s = Summary::count(&[c(Action::NoOp)]);
        assert!(s.is_empty());
        assert_eq!(
            s.to_string(),
            "No changes. Your infrastructure matches the spec."
        );
    }
}
