//! Cluster steps: CreateCluster with settings, capacity providers and default strategy; an
//! update goes through UpdateCluster (settings) and PutClusterCapacityProviders, never a
//! re-create (a cluster holds every service). Before the first CreateCluster, the account's ECS
//! service-linked role is created if missing.

use super::context::{ApplyCtx, tag_delta, touches};
use super::settle::settle;
use crate::aws::{AwsError, iam, write_ecs, write_iam};

/// ECS's service-linked role: CreateCluster with capacity providers needs it, and AWS creates it
/// on first use only for some calls, so a fresh account's first CreateCluster fails "Unable to
/// assume the service linked role" (cloudformation-coverage-roadmap #818).
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
const ECS_SERVICE_LINKED_ROLE: &str = "AWSServiceRoleForECS";
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
        Action::Create => {
            ensure_service_linked_role(ctx).await?;
            // Right after the role is created, ECS cannot assume it for a few seconds:
            // `settle` retries "Unable to assume the service linked role".
            settle(ctx.reporter, || write_ecs::create_cluster(c, cluster))
                .await
                .map(|_| ())
        }
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

/// Creates `AWSServiceRoleForECS` when the account lacks it. Only the cluster's Create step
/// calls this, so a converged apply makes no IAM call.
async fn ensure_service_linked_role(ctx: &ApplyCtx<'_>) -> Result<(), AwsError> {
    if iam::role_exists(ctx.clients, ECS_SERVICE_LINKED_ROLE).await? {
        return Ok(());
    }
    ctx.reporter.note(&format!(
        "creating the ECS service-linked role {ECS_SERVICE_LINKED_ROLE} (first use of ECS in \
         this account)"
    ));
    // `ecs.amazonaws.com` in every partition (Partition::service_principal says why).
    let service = ctx.desired.partition.service_principal("ecs");
    write_iam::create_service_linked_role(ctx.clients, &service).await
}
