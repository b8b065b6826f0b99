//! Application Auto Scaling: the scalable target on a service's desired count and its target
//! tracking policies.
//!
//! Must not compare the PolicyARN (moto changes it on every put) or the target's RoleARN
//! (service-linked; client error correction reads moto's missing one as `""`).

use serde_json::json;

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::{put, put_always};
use crate::live::{LiveScalingPolicy, LiveScalingTarget};
use crate::model::{ScalingMetric, ScalingPolicy, ScalingTarget};
use crate::plan::{Address, ResourceChange, ResourceKind};

/// The target's change, then one per policy.
pub fn diff(ctx: &Ctx, t: &ScalingTarget) -> Vec<ResourceChange> {
    let live = ctx.live.scaling_target(&t.resource_id);
    let mut want = View::new();
    put(&mut want, "resourceId", json!(t.resource_id));
    put_always(&mut want, "minCapacity", json!(t.min));
    put_always(&mut want, "maxCapacity", json!(t.max));
    let live_view = live.map(target_view);
    let mut out = vec![compare(
        Address::new(ResourceKind::ScalingTarget, &t.service),
        &want,
        live_view.as_ref(),
    )];
    for p in &t.policies {
        let lp = live
            .and_then(|l| l.policies.iter().find(|lp| lp.name == p.name))
            .map(policy_view);
        out.push(compare(
            Address::new(ResourceKind::ScalingPolicy, &p.name),
            &desired_policy(p),
            lp.as_ref(),
        ));
    }
    out
}

fn target_view(t: &LiveScalingTarget) -> View {
    let mut v = View::new();
    put(&mut v, "resourceId", json!(t.resource_id));
    put_always(&mut v, "minCapacity", json!(t.min));
    put_always(&mut v, "maxCapacity", json!(t.max));
    v
}

fn desired_policy(p: &ScalingPolicy) -> View {
    let mut v = View::new();
    put(&mut v, "policyType", json!("TargetTrackingScaling"));
    let (metric, label) = match &p.metric {
        ScalingMetric::Cpu => ("ECSServiceAverageCPUUtilization", None),
        ScalingMetric::Memory => ("ECSServiceAverageMemoryUtilization", None),
        ScalingMetric::AlbRequests { resource_label } => {
            ("ALBRequestCountPerTarget", Some(resource_label.as_str()))
        }
    };
    put(&mut v, "predefinedMetric", json!(metric));
    put(&mut v, "resourceLabel", json!(label));
    put(&mut v, "targetValue", json!(p.target_value));
    put(&mut v, "scaleInCooldown", json!(p.scale_in_cooldown));
    put(&mut v, "scaleOutCooldown", json!(p.scale_out_cooldown));
    v
}

fn policy_view(p: &LiveScalingPolicy) -> View {
    let mut v = View::new();
    put(&mut v, "policyType", json!(p.policy_type));
    put(&mut v, "predefinedMetric", json!(p.predefined_metric));
    put(&mut v, "resourceLabel", json!(p.resource_label));
    put(&mut v, "targetValue", json!(p.target_value));
    put(&mut v, "scaleInCooldown", json!(p.scale_in_cooldown));
    put(&mut v, "scaleOutCooldown", json!(p.scale_out_cooldown));
    put(&mut v, "disableScaleIn", json!(p.disable_scale_in));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::Action;

    #[test]
    fn scaling_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, &str, Action)> = vec![
            (
                "converged target",
                |_| {},
                "scaling_target.api",
                Action::NoOp,
            ),
            (
                "converged policy",
                |_| {},
                "scaling_policy.ohi-prod-api-cpu",
                Action::NoOp,
            ),
            (
                "role arn corrected to empty",
                |l| l.scaling_targets[0].role_arn = Some(String::new()),
                "scaling_target.api",
                Action::NoOp,
            ),
            (
                "policy arn moved",
                |l| l.scaling_targets[0].policies[0].arn = "arn:new".into(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::NoOp,
            ),
            (
                "max drift",
                |l| l.scaling_targets[0].max = 9,
                "scaling_target.api",
                Action::Update,
            ),
            (
                "target value drift",
                |l| l.scaling_targets[0].policies[0].target_value = Some(50.0),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Update,
            ),
            (
                "policy deleted",
                |l| l.scaling_targets[0].policies.clear(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Create,
            ),
            (
                "target absent",
                |l| l.scaling_targets.clear(),
                "scaling_target.api",
                Action::Create,
            ),
            (
                "target absent: policy too",
                |l| l.scaling_targets.clear(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Create,
            ),
        ];
        for (name, mutate, addr, action) in cases {
            let mut l = converged();
            mutate(&mut l);
            assert_eq!(find(&diff(&desired(), &l), addr).action, action, "{name}");
        }
    }
}
