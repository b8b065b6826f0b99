//! Cluster steps: CreateCluster with settings, capacity providers and default strategy; an
//! update goes through UpdateCluster (settings) and PutClusterCapacityProviders, never a
//! re-create (a cluster holds every service).

use super::context::{ApplyCtx, tag_delta, touches};
use super::settle::settle;
use crate::aws::{AwsError, write_ecs};
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let cluster = &ctx.desired.cluster;
    if cluster.name != step.address.name {
        return settle(ctx.reporter, || {
            write_ecs::delete_cluster(c, &step.address.name)
        })
        .await;
    }
    match step.action {
        Action::Create => settle(ctx.reporter, || write_ecs::create_cluster(c, cluster))
            .await
            .map(|_| ()),
        Action::Update | Action::Replace => {
            if touches(step, "containerInsights") {
                write_ecs::update_cluster_settings(c, cluster).await?;
            }
            if touches(step, "capacityProviders")
                || touches(step, "defaultCapacityProviderStrategy")
            {
                write_ecs::put_cluster_capacity_providers(c, cluster).await?;
            }
            if touches(step, "tags") {
                let live = ctx.live.cluster.as_ref();
                let arn = live.map(|l| l.arn.clone()).unwrap_or_else(|| {
                    format!(
                        "arn:aws:ecs:{}:{}:cluster/{}",
                        ctx.region, ctx.account_id, cluster.name
                    )
                });
                let empty = Default::default();
                let (set, remove) = tag_delta(&cluster.tags, live.map_or(&empty, |l| &l.tags));
                write_ecs::tag_resource(c, &arn, &set).await?;
                write_ecs::untag_resource(c, &arn, &remove).await?;
            }
            Ok(())
        }
        Action::Delete => {
            settle(ctx.reporter, || write_ecs::delete_cluster(c, &cluster.name)).await
        }
        Action::NoOp => Ok(()),
    }
}
