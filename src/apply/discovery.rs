//! Cloud Map discovery service steps: create in the namespace (made earlier in this run or
//! read live), DNS record TTLs, tags. A replacement first takes the live service out of the ECS
//! services registered in it (`registry::detach`), since Cloud Map will not delete it while
//! their tasks are registered.

use super::context::{ApplyCtx, tag_delta, touches};
use super::namespace::wait_operation;
use super::settle::settle;
use crate::aws::{AwsError, write_discovery};
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let name = &step.address.name;
    let live = ctx.live.discovery_service(name);
    let Some(ds) = ctx
        .desired
        .discovery_services
        .iter()
        .find(|d| &d.name == name)
    else {
        if step.action != Action::Delete {
            return Ok(());
        }
        if let Some(l) = live {
            return settle(ctx.reporter, || {
                write_discovery::delete_service(c, &l.id, name)
            })
            .await;
        }
        // Not read with the desired ones: find it in the environment's namespace.
        let ns = match &ctx.live.namespace {
            Some(n) => Some(n.id.clone()),
            None => match &ctx.desired.namespace {
                Some(n) => crate::aws::discovery::read_namespace(c, &n.name)
                    .await?
                    .map(|n| n.id),
                None => None,
            },
        };
        let Some(ns) = ns else { return Ok(()) };
        let found =
            crate::aws::discovery::read_services(c, &ns, std::slice::from_ref(name)).await?;
        for s in found {
            settle(ctx.reporter, || {
                write_discovery::delete_service(c, &s.id, name)
            })
            .await?;
        }
        return Ok(());
    };
    match step.action {
        Action::Create | Action::Replace => {
            if let (Action::Replace, Some(l)) = (step.action, live) {
                // Cloud Map names are unique in a namespace, so the new service cannot be made
                // beside the old one and swapped in: the ECS services leave the old one first
                // (and roll out), then it is deleted, the new one created, and the services
                // phase points them at the new ARN (the diff shows that registry change).
                // Discovery of these services is down between the two rollouts.
                super::registry::detach(ctx, name, &l.arn).await?;
                settle(ctx.reporter, || {
                    write_discovery::delete_service(c, &l.id, name)
                })
                .await?;
            }
            let namespace_id = ctx
                .resolved()
                .namespace_id
                .clone()
                .or_else(|| ctx.live.namespace.as_ref().map(|n| n.id.clone()));
            let Some(namespace_id) = namespace_id else {
                return Err(AwsError::new(
                    "servicediscovery",
                    "CreateService",
                    Some(name),
                    None,
                    format!("the namespace `{}` does not exist", ds.namespace),
                ));
            };
            let token = ctx.token("discovery-service", ds);
            let (_, arn) = write_discovery::create_service(c, &namespace_id, ds, &token).await?;
            ctx.resolved().discovery_arns.insert(name.clone(), arn);
            Ok(())
        }
        Action::Update => {
            let Some(l) = live else { return Ok(()) };
            if touches(step, "dnsRecords") {
                let op = write_discovery::update_service_records(c, &l.id, ds).await?;
                if !op.is_empty() {
                    wait_operation(ctx, &op, name).await?;
                }
            }
            if touches(step, "tags") {
                let (set, remove) = tag_delta(&ds.tags, &l.tags);
                write_discovery::tag(c, &l.arn, &set).await?;
                write_discovery::untag(c, &l.arn, &remove).await?;
            }
            Ok(())
        }
        Action::Delete => match live {
            Some(l) => {
                settle(ctx.reporter, || {
                    write_discovery::delete_service(c, &l.id, name)
                })
                .await
            }
            None => Ok(()),
        },
        Action::NoOp => Ok(()),
    }
}
