//! IAM roles: trust policy, managed policy attachments, ecsctl's inline policy, tags.
//!
//! Must not compare what the spec does not set (path, description, max session duration).
//! Every inline policy on the live role is compared, so one added out of band shows as drift.

use serde_json::{Value, json};

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::{iam_document, put, string_set};
use crate::live::LiveRole;
use crate::model::policy::trust_policy;
use crate::model::{INLINE_POLICY_NAME, Role};
use crate::plan::{Address, ResourceChange, ResourceKind};

pub fn diff(ctx: &Ctx, role: &Role) -> ResourceChange {
    let live = ctx.live.role(&role.name).map(live_view);
    compare(
        Address::new(ResourceKind::IamRole, &role.name),
        &desired_view(role),
        live.as_ref(),
    )
}

fn desired_view(role: &Role) -> View {
    let mut v = View::new();
    put(
        &mut v,
        "assumeRolePolicy",
        iam_document(&trust_policy(&role.trusted_service)),
    );
    put(
        &mut v,
        "managedPolicyArns",
        string_set(role.managed_policy_arns.iter().map(String::as_str)),
    );
    if let Some(doc) = &role.inline_policy {
        let doc = serde_json::to_value(doc).expect("policy documents always serialise");
        put(
            &mut v,
            "inlinePolicies",
            json!({ INLINE_POLICY_NAME: iam_document(&doc) }),
        );
    }
    put(&mut v, "tags", json!(role.tags));
    v
}

fn live_view(role: &LiveRole) -> View {
    let mut v = View::new();
    put(
        &mut v,
        "assumeRolePolicy",
        role.trust_policy
            .as_ref()
            .map(iam_document)
            .unwrap_or(Value::Null),
    );
    put(
        &mut v,
        "managedPolicyArns",
        string_set(role.managed_policy_arns.iter().map(String::as_str)),
    );
    let inline: serde_json::Map<String, Value> = role
        .inline_policies
        .iter()
        .map(|(k, d)| (k.clone(), iam_document(d)))
        .collect();
    put(&mut v, "inlinePolicies", Value::Object(inline));
    put(&mut v, "tags", super::normalize::user_tags(&role.tags));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::{Action, Effect};
    use serde_json::json;

    #[test]
    fn role_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, Action, &[&str])> = vec![
            ("converged", |_| {}, Action::NoOp, &[]),
            ("absent", |l| l.roles.clear(), Action::Create, &[]),
            (
                "trust policy as a plain string",
                |l| {
                    l.roles[0].trust_policy = Some(
                        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}}),
                    );
                },
                Action::NoOp,
                &[],
            ),
            (
                "managed policy detached",
                |l| l.roles[0].managed_policy_arns.clear(),
                Action::Update,
                &["managedPolicyArns"],
            ),
            (
                "inline policy added out of band",
                |l| {
                    l.roles[0].inline_policies.insert(
                        "extra".into(),
                        json!({"Version": "2012-10-17", "Statement": []}),
                    );
                },
                Action::Update,
                &["inlinePolicies.extra"],
            ),
            (
                "tag changed",
                |l| {
                    l.roles[0].tags.insert("team".into(), "other".into());
                },
                Action::Update,
                &["tags.team"],
            ),
        ];
        for (name, mutate, action, paths) in cases {
            let d = desired();
            let mut l = converged();
            mutate(&mut l);
            let c = find(&diff(&d, &l), "iam_role.ohi-prod-api-exec");
            assert_eq!(c.action, action, "{name}");
            if action == Action::Update {
                let got: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
                assert_eq!(got, paths, "{name}");
                assert!(
                    c.fields.iter().all(|f| f.effect == Effect::InPlace),
                    "{name}"
                );
            }
        }
    }
}
