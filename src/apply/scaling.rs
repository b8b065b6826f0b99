//! Application Auto Scaling steps: the scalable target (min/max, tagged like everything
//! ecsctl creates), its policies (a step rule's CloudWatch alarm is written right after its
//! policy, which it acts on) and its scheduled actions. Every call is an upsert. Deletions
//! are `prune`'s.

use super::context::ApplyCtx;
use super::settle::settle;
use crate::aws::{AwsError, write_alarms, write_autoscaling};
use crate::model::scaling_rules::alarm_metric;
use crate::model::{PolicyRule, ScalingTarget};
use crate::plan::{Action, ResourceKind, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    if step.action == Action::NoOp {
        return Ok(());
    }
    let c = ctx.clients;
    let targets = &ctx.desired.scaling_targets;
    let name = step.address.name.as_str();
    match step.address.kind {
        ResourceKind::ScalingTarget => {
            let Some(t) = targets.iter().find(|t| t.service == name) else {
                return Ok(());
            };
            // Tags only on create: AAS tags a target when it registers it, and TagResource
            // (not an update of the registration) changes them later.
            let none = Default::default();
            let tags = match step.action {
                Action::Create => &ctx.desired.cluster.tags,
                _ => &none,
            };
            settle(ctx.reporter, || {
                write_autoscaling::register_target(c, t, tags)
            })
            .await
        }
        ResourceKind::ScalingSchedule => {
            let found = targets.iter().find_map(|t: &ScalingTarget| {
                t.schedules.iter().find(|s| s.name == name).map(|s| (t, s))
            });
            match found {
                Some((t, s)) => write_autoscaling::put_schedule(c, &t.resource_id, s).await,
                None => Ok(()),
            }
        }
        _ => {
            let found = targets.iter().find_map(|t: &ScalingTarget| {
                t.policies.iter().find(|p| p.name == name).map(|p| (t, p))
            });
            let Some((t, p)) = found else {
                return Ok(());
            };
            let arn = write_autoscaling::put_policy(c, &t.resource_id, p).await?;
            match (&p.rule, alarm_metric(&p.metric, &t.resource_id)) {
                (PolicyRule::Step(rule), Some(metric)) => {
                    write_alarms::put_alarm(c, &p.name, &metric, rule, &arn).await
                }
                _ => Ok(()),
            }
        }
    }
}
