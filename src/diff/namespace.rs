//! The Cloud Map private DNS namespace: description and tags.
//!
//! Must not compare the VPC (Cloud Map does not return it; only Route 53 knows) or the
//! HostedZoneId (`normalize::hosted_zone_id`): the namespace is identified by its name.

use serde_json::json;

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::put;
use crate::live::LiveNamespace;
use crate::model::Namespace;
use crate::plan::{Address, ResourceChange, ResourceKind};

pub fn diff(ctx: &Ctx, ns: &Namespace) -> ResourceChange {
    let mut want = View::new();
    put(&mut want, "description", json!(ns.description));
    put(&mut want, "tags", json!(ns.tags));
    let live = ctx
        .live
        .namespace
        .as_ref()
        .filter(|l| l.name == ns.name)
        .map(live_view);
    compare(
        Address::new(ResourceKind::Namespace, &ns.name),
        &want,
        live.as_ref(),
    )
}

fn live_view(ns: &LiveNamespace) -> View {
    let mut v = View::new();
    put(&mut v, "description", json!(ns.description));
    put(&mut v, "tags", super::normalize::user_tags(&ns.tags));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::Action;

    #[test]
    fn namespace_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, Action)> = vec![
            ("converged", |_| {}, Action::NoOp),
            (
                "moto hosted zone format",
                |l| l.namespace.as_mut().unwrap().hosted_zone_id = Some("/hostedzone/Z0123".into()),
                Action::NoOp,
            ),
            (
                "empty description is unset",
                |l| l.namespace.as_mut().unwrap().description = Some(String::new()),
                Action::NoOp,
            ),
            ("absent", |l| l.namespace = None, Action::Create),
            (
                "tag removed",
                |l| {
                    l.namespace.as_mut().unwrap().tags.remove("ecsctl:env");
                },
                Action::Update,
            ),
        ];
        for (name, mutate, action) in cases {
            let mut l = converged();
            mutate(&mut l);
            assert_eq!(
                find(&diff(&desired(), &l), "namespace.ohi-prod.local").action,
                action,
                "{name}"
            );
        }
    }
}
