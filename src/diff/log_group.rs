//! CloudWatch log groups: retention, KMS key, tags.
//!
//! Must not compare the ARN (`normalize::log_group_arn`) or the log group class, which the
//! spec does not set and moto never returns.

use serde_json::json;

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::put;
use crate::live::LiveLogGroup;
use crate::model::LogGroup;
use crate::plan::{Address, ResourceChange, ResourceKind};

pub fn diff(ctx: &Ctx, group: &LogGroup) -> ResourceChange {
    let mut want = View::new();
    put(&mut want, "retentionInDays", json!(group.retention_days));
    put(&mut want, "kmsKeyId", json!(group.kms_key_id));
    put(&mut want, "tags", json!(group.tags));
    let live = ctx.live.log_group(&group.name).map(live_view);
    compare(
        Address::new(ResourceKind::LogGroup, &group.name),
        &want,
        live.as_ref(),
    )
}

fn live_view(group: &LiveLogGroup) -> View {
    let mut v = View::new();
    put(&mut v, "retentionInDays", json!(group.retention_days));
    put(&mut v, "kmsKeyId", json!(group.kms_key_id));
    put(&mut v, "tags", super::normalize::user_tags(&group.tags));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::Action;
    use serde_json::json;

    #[test]
    fn log_group_decisions() {
        let addr = "log_group./ecs/ohi-prod/api";
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, Action)> = vec![
            ("converged", |_| {}, Action::NoOp),
            (
                "arn with :*",
                |l| {
                    l.log_groups[0].arn =
                        Some(format!("{}:*", l.log_groups[0].arn.clone().unwrap()))
                },
                Action::NoOp,
            ),
            (
                "class returned",
                |l| l.log_groups[0].log_group_class = Some("STANDARD".into()),
                Action::NoOp,
            ),
            ("absent", |l| l.log_groups.clear(), Action::Create),
            (
                "retention drift",
                |l| l.log_groups[0].retention_days = Some(7),
                Action::Update,
            ),
            (
                "retention removed",
                |l| l.log_groups[0].retention_days = None,
                Action::Update,
            ),
        ];
        for (name, mutate, action) in cases {
            let mut l = converged();
            mutate(&mut l);
            let c = find(&diff(&desired(), &l), addr);
            assert_eq!(c.action, action, "{name}");
        }
        let mut l = converged();
        l.log_groups[0].retention_days = Some(7);
        let c = find(&diff(&desired(), &l), addr);
        assert_eq!(
            (c.fields[0].before.clone(), c.fields[0].after.clone()),
            (Some(json!(7)), Some(json!(30)))
        );
    }
}
