//! Application Auto Scaling steps: the scalable target (min/max, tagged like everything
//! ecsctl creates) and its target tracking policies. Both calls are upserts.

use super::context::ApplyCtx;
use super::settle::settle;
use crate::aws::{AwsError, write_autoscaling};
use crate::model::ScalingTarget;
use crate::plan::{Action, ResourceKind, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let targets = &ctx.desired.scaling_targets;
    match step.address.kind {
        ResourceKind::ScalingTarget => {
            let Some(t) = targets.iter().find(|t| t.service == step.address.name) else {
                // A pruned target is addressed by its service's AWS name.
                if step.action == Action::Delete {
                    let id = format!("service/{}/{}", ctx.desired.cluster.name, step.address.name);
                    return write_autoscaling::deregister_target(c, &id).await;
                }
                return Ok(());
            };
            match step.action {
                Action::Delete => write_autoscaling::deregister_target(c, &t.resource_id).await,
                Action::NoOp => Ok(()),
                // Tags only on create: AAS tags a target when it registers it, and TagResource
                // (not an update of the registration) changes them later.
                Action::Create => {
                    settle(ctx.reporter, || {
                        write_autoscaling::register_target(c, t, &ctx.desired.cluster.tags)
                    })
                    .await
                }
                _ => {
                    let none = Default::default();
                    settle(ctx.reporter, || {
                        write_autoscaling::register_target(c, t, &none)
                    })
                    .await
                }
            }
        }
        _ => {
            let found = targets.iter().find_map(|t: &ScalingTarget| {
                t.policies
                    .iter()
                    .find(|p| p.name == step.address.name)
                    .map(|p| (t, p))
            });
            let Some((t, p)) = found else {
                // A pruned policy: its name is `<service name>-<metric>` (model::ScalingPolicy).
                if step.action == Action::Delete
                    && let Some((service, _)) = step.address.name.rsplit_once('-')
                {
                    let id = format!("service/{}/{service}", ctx.desired.cluster.name);
                    return write_autoscaling::delete_policy(c, &id, &step.address.name).await;
                }
                return Ok(());
            };
            match step.action {
                Action::Delete => {
                    write_autoscaling::delete_policy(c, &t.resource_id, &p.name).await
                }
                Action::NoOp => Ok(()),
                _ => write_autoscaling::put_policy(c, &t.resource_id, p).await,
            }
        }
    }
}
