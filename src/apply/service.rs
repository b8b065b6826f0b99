//! ECS service steps: CreateService with a capacity provider strategy and an idempotency
//! token; UpdateService in place with only what changed (the count only when the plan changes
//! it, so an autoscaled count within min..max is left alone); forceNewDeployment when the
//! capacity strategy changes (ECS only moves running tasks to the new providers then). A
//! replacement deletes the old service and waits until it finished draining before creating.

use super::context::{ApplyCtx, planned, tag_delta, touches};
use super::settle::settle;
use super::stages::StageWatch;
use super::wait::DeploymentMark;
use crate::aws::AwsError;
use crate::aws::write_ecs::{self, ServiceUpdate};
use crate::model::{RoleRef, Service};
use crate::plan::{Action, Step};

/// What the waiter needs about a service apply changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub name: String,
    pub cluster: String,
    /// The revision apply deployed, when it sent one.
    pub task_definition: Option<String>,
    /// The deployment the write's response named, which the waiter follows by id.
    pub deployment: Option<DeploymentMark>,
    /// Set for blueGreen, linear and canary: the waiter reads the deployment's stages.
    pub stages: Option<StageWatch>,
}

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<Option<Changed>, AwsError> {
    let Some(s) = ctx
        .desired
        .services
        .iter()
        .find(|s| s.key == step.address.name)
    else {
        // A service that left the spec is addressed by its AWS name (the diff's prune).
        if step.action == Action::Delete {
            let cluster = &ctx.desired.cluster.name;
            write_ecs::delete_service(ctx.clients, cluster, &step.address.name).await?;
        }
        return Ok(None);
    };
    match step.action {
        Action::Create => create(ctx, s).await.map(Some),
        Action::Replace => {
            // A deleted service drains before its name can be used again ("Unable to Start a
            // service that is still Draining", spinnaker #5476): wait until it is INACTIVE
            // (bounded, as pruning does); `create` also settles on that message.
            // The old service lives where live found it (a `cluster` change is the Replace).
            let old_cluster = ctx
                .live
                .service(&s.name)
                .and_then(|l| l.cluster_arn.as_deref())
                .and_then(|arn| arn.rsplit('/').next())
                .unwrap_or(&s.cluster);
            super::prune::delete_service(ctx, old_cluster, &s.name).await?;
            create(ctx, s).await.map(Some)
        }
        Action::Update => update(ctx, s, step).await,
        Action::Delete => {
            write_ecs::delete_service(ctx.clients, &s.cluster, &s.name).await?;
            Ok(None)
        }
        Action::NoOp => Ok(None),
    }
}

/// The task definition ARN the service should run: registered in this run, or the existing
/// revision the plan chose, or (for an unchanged reference) none.
fn task_definition(ctx: &ApplyCtx<'_>, s: &Service, step: &Step) -> Option<String> {
    if let Some(arn) = ctx.resolved().task_definitions.get(&s.family) {
        return Some(arn.clone());
    }
    let change = ctx.change(step);
    if let Some(r) = planned(change, "taskDefinition")
        .and_then(|f| f.after.as_ref()?.as_str().map(str::to_string))
    {
        return Some(ctx.task_definition_arn(&r));
    }
    // Unchanged: the live reference (as a full ARN, see `task_definition_arn`).
    ctx.live
        .service(&s.name)
        .and_then(|l| l.task_definition.as_deref())
        .map(|r| ctx.task_definition_arn(r))
        .or_else(|| {
            ctx.live
                .newest_owned_task_definition(&s.family)
                .map(|t| t.arn.clone())
        })
}

fn registry_arn(ctx: &ApplyCtx<'_>, s: &Service) -> Option<String> {
    let name = &s.discovery.as_ref()?.discovery_service;
    ctx.resolved()
        .discovery_arns
        .get(name)
        .cloned()
        .or_else(|| ctx.live.discovery_service(name).map(|d| d.arn.clone()))
}

async fn create(ctx: &ApplyCtx<'_>, s: &Service) -> Result<Changed, AwsError> {
    let step = Step {
        address: crate::plan::Address::new(crate::plan::ResourceKind::Service, &s.key),
        action: Action::Create,
        fields: vec![],
        force_new_deployment: false,
    };
    let td = task_definition(ctx, s, &step).ok_or_else(|| {
        AwsError::new(
            "ecs",
            "CreateService",
            Some(&s.name),
            None,
            format!("no revision of `{}` to run", s.family),
        )
    })?;
    let registry = registry_arn(ctx, s);
    let role = infrastructure_role_arn(ctx, s);
    let token = ctx.token("service", &(s, &td, &registry));
    let deployment = settle(ctx.reporter, || {
        write_ecs::create_service(
            ctx.clients,
            s,
            &td,
            registry.as_deref(),
            role.as_deref(),
            &token,
        )
    })
    .await?;
    Ok(Changed {
        name: s.name.clone(),
        cluster: s.cluster.clone(),
        task_definition: Some(td),
        deployment,
        stages: StageWatch::of(&s.deployment.strategy),
    })
}

fn infrastructure_role_arn(ctx: &ApplyCtx<'_>, s: &Service) -> Option<String> {
    let name = s.infrastructure_role()?;
    Some(ctx.role_arn(&RoleRef::Owned(name.to_string())))
}

/// The service as UpdateService sends its load balancers: a blue/green pair ECS alternated
/// is sent in the live order, so the update keeps production on the group ECS last shifted
/// it to (sending the spec's order resets ECS's choice: terraform-provider-aws #45678).
fn in_live_order(ctx: &ApplyCtx<'_>, s: &Service) -> Service {
    let mut s = s.clone();
    let Some(live) = ctx.live.service(&s.name) else {
        return s;
    };
    for lb in &mut s.load_balancers {
        let alternated = live
            .load_balancers
            .iter()
            .any(|l| crate::diff::deployment::alternated(l, lb));
        if let (true, Some(t)) = (alternated, lb.traffic.as_mut()) {
            std::mem::swap(&mut lb.target_group_arn, &mut t.alternate_target_group_arn);
        }
    }
    s
}

/// Whether the live service has lifecycle hooks (to clear when the spec goes back to rolling).
fn live_hooks(ctx: &ApplyCtx<'_>, s: &Service) -> bool {
    ctx.live
        .service(&s.name)
        .and_then(|l| l.deployment_configuration.as_ref())
        .is_some_and(|d| !d.lifecycle_hooks.is_empty())
}

/// The live service's enabled deployment alarms (to turn off when the spec has none).
fn live_alarms(ctx: &ApplyCtx<'_>, s: &Service) -> Vec<String> {
    ctx.live
        .service(&s.name)
        .and_then(|l| l.deployment_configuration.as_ref()?.alarms.as_ref())
        .filter(|a| a.enable)
        .map(|a| a.names.clone())
        .unwrap_or_default()
}

async fn update(ctx: &ApplyCtx<'_>, s: &Service, step: &Step) -> Result<Option<Changed>, AwsError> {
    let change = ctx.change(step);
    let mut u = ServiceUpdate::default();
    if touches(step, "taskDefinition") {
        u.task_definition = task_definition(ctx, s, step);
    }
    if touches(step, "desiredCount") {
        // The plan's value: the spec's count, or under autoscaling the live count clamped into
        // min..max (the diff decides; apply never resets a count within range).
        u.desired_count = planned(change, "desiredCount")
            .and_then(|f| f.after.as_ref()?.as_u64())
            .map(|n| n as u32)
            .or(Some(s.desired_count));
    }
    u.capacity = touches(step, "capacityProviderStrategy") || touches(step, "launchType");
    u.force_new_deployment = step.force_new_deployment || u.capacity;
    u.network = touches(step, "networkConfiguration");
    u.platform_version = touches(step, "platformVersion");
    u.load_balancers = touches(step, "loadBalancers");
    if touches(step, "serviceRegistries") {
        u.registries = Some(registry_arn(ctx, s));
    }
    u.health_check_grace_period = touches(step, "healthCheckGracePeriodSeconds");
    u.deployment = touches(step, "deploymentConfiguration");
    if u.deployment && s.deployment.alarms.is_empty() {
        u.alarms_off = live_alarms(ctx, s);
    }
    u.hooks_off = u.deployment && s.deployment.strategy.is_rolling() && live_hooks(ctx, s);
    u.role_arn = infrastructure_role_arn(ctx, s);
    u.enable_execute_command = touches(step, "enableExecuteCommand");
    u.propagate_tags = touches(step, "propagateTags");
    // With the task definition in the same call: ECS refuses a volume configuration without a
    // matching volume configured at launch, and keeps the old one when none is sent.
    u.volumes = touches(step, "volumeConfigurations");
    u.service_connect = touches(step, "serviceConnectConfiguration");
    let deployment = if u.is_empty() {
        None
    } else {
        let sent = in_live_order(ctx, s);
        settle(ctx.reporter, || {
            write_ecs::update_service(ctx.clients, &sent, &u)
        })
        .await?
    };
    if touches(step, "tags") {
        let live = ctx.live.service(&s.name);
        let arn = live.map(|l| l.arn.clone()).unwrap_or_else(|| {
            format!(
                "arn:aws:ecs:{}:{}:service/{}/{}",
                ctx.region, ctx.account_id, s.cluster, s.name
            )
        });
        let empty = Default::default();
        let (set, remove) = tag_delta(&s.tags, live.map_or(&empty, |l| &l.tags));
        write_ecs::tag_resource(ctx.clients, &arn, &set).await?;
        write_ecs::untag_resource(ctx.clients, &arn, &remove).await?;
    }
    if u.is_empty() {
        return Ok(None); // tags only: no deployment to wait for
    }
    let changed = Changed {
        name: s.name.clone(),
        cluster: s.cluster.clone(),
        task_definition: u.task_definition.clone(),
        deployment,
        stages: StageWatch::of(&s.deployment.strategy),
    };
    if u.registries.is_some() {
        // A Cloud Map service it left may be deleted later in this run, after this rollout.
        ctx.resolved()
            .registry_changes
            .insert(s.name.clone(), changed.clone());
    }
    Ok(Some(changed))
}
