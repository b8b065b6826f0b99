//! The views of a plan: human (Terraform-like text), JSON (the public, versioned format) and
//! markdown (a pull-request comment); and of several environments' plans (`plan --all`) in
//! `all`, `json::all` and `all_markdown`.
//!
//! Owns every byte of plan output, so commands never format a plan themselves. Must not decide
//! anything about the plan: each view shows exactly what `Plan` holds, and the human and
//! markdown views never show what the JSON lacks.

pub mod all;
pub mod all_markdown;
pub mod cost;
pub mod human;
pub mod json;
pub mod logs;
pub mod markdown;
pub mod nested;
pub mod outputs;
pub mod ownership;
pub mod status;

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

/// One line per `--image` flag: the containers it set (`model::override`); then what `--adopt`
/// adopts; then the `beforeDeploy` jobs apply runs, when the plan deploys something.
pub fn image_lines(plan: &crate::plan::Plan) -> Vec<String> {
    let mut lines: Vec<String> = plan.target.cost.iter().map(|c| c.line()).collect();
    lines.extend(plan.target.images.iter().map(|n| n.line()));
    let adopted = &plan.target.adopted;
    if !adopted.is_empty() {
        let names: Vec<String> = adopted.iter().map(|a| format!("`{a}`")).collect();
        lines.push(format!(
            "Adopting {} resource(s) that exist without ecsctl's ownership tags (--adopt): {}; each gets this environment's tags, and every other field it changes is shown below.",
            adopted.len(),
            names.join(", ")
        ));
    }
    let jobs = &plan.target.before_deploy;
    if !jobs.is_empty() {
        let names: Vec<String> = jobs.iter().map(|j| format!("`{j}`")).collect();
        lines.push(format!(
            "Before updating any service, apply runs {} (beforeDeploy) with the new task definitions; a failure stops it with nothing deployed.",
            names.join(", then ")
        ));
    }
    lines
}

/// The header of a partial plan (`plan -s`), or None: which services it covers, and that the
/// rest of the environment is neither changed nor pruned by it.
pub fn partial_header(plan: &crate::plan::Plan) -> Option<String> {
    let services = plan.target.services.as_ref()?;
    let names: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
    Some(format!(
        "Partial plan: only {} {} (with {} scheduled tasks and the resources they use); the rest of `{}` is neither changed nor pruned",
        if services.len() == 1 {
            "service"
        } else {
            "services"
        },
        names.join(", "),
        if services.len() == 1 { "its" } else { "their" },
        plan.target.env
    ))
}

/// The warning under a plan that destroys anything, or None. It counts what the summary line
/// counts, as Terraform does: a deletion, and a replacement (`-/+`), which destroys the old
/// resource before creating the new one, so "2 to destroy" and the warning always agree.
pub fn destroy_warning(plan: &crate::plan::Plan) -> Option<String> {
    let destroyed = plan.summary().destroy;
    if destroyed == 0 {
        return None;
    }
    let replaced = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
        .count();
    let mut s = format!("this plan destroys {destroyed} resource(s)");
    if replaced > 0 {
        let deleted = destroyed - replaced;
        s.push_str(&format!(": {deleted} deleted, {replaced} replaced (-/+)"));
    }
    Some(s)
}

#[cfg(test)]
#[path = "views_tests.rs"]
mod views_tests;
