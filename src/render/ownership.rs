//! The ownership tags of a resource being created, summarised as one line.
//!
//! Every resource ecsctl creates carries the same three tags (`ecsctl:managed-by`, `ecsctl:app`,
//! `ecsctl:env`, see `model::TAG_*`), so a first plan of a large environment spent a sixth of
//! its lines on them (165 of 948 for one production spec, issue 11). On a create, the tags that
//! hold exactly the values this plan's target implies are shown as one line; any other tag, and
//! every tag change on an existing resource, is shown in full. Must not hide a tag whose value
//! is not the expected one, and must not change the plan: the JSON view lists every tag.

use crate::diff::compare::path_join;
use crate::model::{MANAGED_BY_VALUE, TAG_APP, TAG_ENV, TAG_MANAGED_BY};
use crate::plan::{Action, FieldChange, ResourceChange, Target};

/// The text of the summary line's path and value.
pub const PATH: &str = r#"tags["ecsctl:*"]"#;

/// One entry of a resource's field list as the views show it.
pub enum Shown<'a> {
    Field(&'a FieldChange),
    /// The ownership tags summarised, with how many there are.
    Ownership(usize),
}

impl Shown<'_> {
    /// `(3 ownership tags)`: what stands after `=` on the summary line.
    pub fn ownership_text(n: usize) -> String {
        let s = if n == 1 { "" } else { "s" };
        format!("({n} ownership tag{s})")
    }
}

/// The fields of one change, with the ownership tags of a create folded into one entry at the
/// place of the first of them.
pub fn shown<'a>(target: &Target, c: &'a ResourceChange) -> Vec<Shown<'a>> {
    let expected = [
        (TAG_MANAGED_BY, MANAGED_BY_VALUE),
        (TAG_APP, target.app.as_str()),
        (TAG_ENV, target.env.as_str()),
    ];
    let is_ownership = |f: &FieldChange| {
        c.action == Action::Create
            && f.before.is_none()
            && !f.after_unknown
            && expected.iter().any(|(k, v)| {
                f.path == path_join("tags", k)
                    && f.after.as_ref().and_then(|a| a.as_str()) == Some(v)
            })
    };
    let n = c.fields.iter().filter(|f| is_ownership(f)).count();
    let mut out = Vec::new();
    let mut placed = false;
    for f in &c.fields {
        if !is_ownership(f) {
            out.push(Shown::Field(f));
        } else if !placed {
            out.push(Shown::Ownership(n));
            placed = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Address, Effect, ResourceKind};
    use serde_json::json;

    fn tag(key: &str, before: Option<&str>, after: &str) -> FieldChange {
        FieldChange {
            path: path_join("tags", key),
            before: before.map(|b| json!(b)),
            after: Some(json!(after)),
            after_unknown: false,
            effect: Effect::InPlace,
        }
    }

    fn target() -> Target {
        Target {
            app: "ohi".into(),
            env: "prod".into(),
            region: "eu-west-1".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        }
    }

    fn change(action: Action, fields: Vec<FieldChange>) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::LogGroup, "/ecs/ohi-prod/api"),
            action,
            fields,
            reason: None,
            force_new_deployment: false,
            observed: String::new(),
        }
    }

    fn paths(shown: &[Shown]) -> Vec<String> {
        shown
            .iter()
            .map(|s| match s {
                Shown::Field(f) => f.path.clone(),
                Shown::Ownership(n) => format!("{PATH} x{n}"),
            })
            .collect()
    }

    #[test]
    fn a_create_folds_the_three_ownership_tags_and_keeps_user_tags() {
        let c = change(
            Action::Create,
            vec![
                tag("team", None, "payments"),
                tag(TAG_APP, None, "ohi"),
                tag(TAG_ENV, None, "prod"),
                tag(TAG_MANAGED_BY, None, "ecsctl"),
            ],
        );
        assert_eq!(
            paths(&shown(&target(), &c)),
            ["tags.team", r#"tags["ecsctl:*"] x3"#]
        );
    }

    /// A tag with an unexpected value is never hidden, and neither is a change on an
    /// existing resource.
    #[test]
    fn unexpected_values_and_updates_show_in_full() {
        let c = change(
            Action::Create,
            vec![tag(TAG_APP, None, "other"), tag(TAG_ENV, None, "prod")],
        );
        assert_eq!(
            paths(&shown(&target(), &c)),
            [r#"tags["ecsctl:app"]"#, r#"tags["ecsctl:*"] x1"#]
        );
        let u = change(Action::Update, vec![tag(TAG_ENV, None, "prod")]);
        assert_eq!(paths(&shown(&target(), &u)), [r#"tags["ecsctl:env"]"#]);
    }
}
