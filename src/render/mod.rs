//! The views of a plan: human (Terraform-like text), JSON (the public, versioned format) and
//! markdown (a pull-request comment).
//!
//! Owns every byte of plan output, so commands never format a plan themselves. Must not decide
//! anything about the plan: each view shows exactly what `Plan` holds, and the human and
//! markdown views never show what the JSON lacks.

pub mod human;
pub mod json;
pub mod markdown;

use serde_json::Value;

use crate::plan::{Action, Effect, ResourceChange};

/// A value on one line: strings quoted, everything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    v.to_string()
}

/// The sentence explaining what happens to one resource, without its address.
pub fn headline(c: &ResourceChange) -> String {
    let mut s = match c.action {
        Action::NoOp => "is unchanged".to_string(),
        Action::Create => "will be created".to_string(),
        Action::Update if c.effect() == Some(Effect::NewRevision) => {
            "will get a new revision".to_string()
        }
        Action::Update => "will be updated in place".to_string(),
        Action::Replace => "must be replaced".to_string(),
        Action::Delete => "will be destroyed".to_string(),
    };
    if c.force_new_deployment {
        s.push_str(", with a new deployment");
    }
    s
}

/// The symbol of one field line: added, removed or changed.
pub fn field_symbol(f: &crate::plan::FieldChange) -> &'static str {
    match (&f.before, &f.after, f.after_unknown) {
        (None, _, _) => "+",
        (Some(_), None, false) => "-",
        _ => "~",
    }
}

/// The short label of what happens to one resource (markdown table, progress lines).
pub fn action_label(c: &ResourceChange) -> String {
    let mut s = match c.action {
        Action::NoOp => "no change",
        Action::Create => "create",
        Action::Update if c.effect() == Some(Effect::NewRevision) => "new revision",
        Action::Update => "update in place",
        Action::Replace => "replace",
        Action::Delete => "destroy",
    }
    .to_string();
    if c.force_new_deployment {
        s.push_str(", new deployment");
    }
    s
}

/// The resources a plan leaves in place on purpose (log groups kept by pruning or destroy, a
/// cluster or namespace still holding what is not ours, revisions someone else registered into
/// a family of ours), as `(address, reason)`: every view shows them, so nobody mistakes "kept"
/// for "deleted".
pub fn kept(plan: &crate::plan::Plan) -> Vec<(String, &str)> {
    use crate::diff::prune::{KEPT_REASON, KEPT_SHARED_REASON};
    use crate::diff::prune_family::KEPT_FOREIGN_REVISION_REASON;
    plan.changes
        .iter()
        .filter(|c| c.is_noop())
        .filter_map(|c| {
            let reason = c.reason.as_deref()?;
            [
                KEPT_REASON,
                KEPT_SHARED_REASON,
                KEPT_FOREIGN_REVISION_REASON,
            ]
            .contains(&reason)
            .then(|| (c.address.to_string(), reason))
        })
        .collect()
}

/// How many resources the plan deletes outright (replacements not counted).
pub fn deletions(plan: &crate::plan::Plan) -> usize {
    plan.changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count()
}
