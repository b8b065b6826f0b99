//! IAM role steps. A create makes the role, its inline policy and its managed attachments in
//! one step: if a later call fails, the next plan sees the role and shows the missing policy
//! as an update, never a half-made role it cannot see. A create answered `EntityAlreadyExists`
//! takes the role over only when it carries this environment's ownership tags (our own create,
//! retried by the SDK after its response was lost).

use super::context::{ApplyCtx, tag_delta, touches};
use crate::aws::{AwsError, write_iam};
use crate::live::owned::is_ours;
use crate::model::policy::trust_policy;
use crate::model::{INLINE_POLICY_NAME, Role};
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let Some(role) = ctx
        .desired
        .roles
        .iter()
        .find(|r| r.name == step.address.name)
    else {
        return delete(ctx, &step.address.name).await;
    };
    match step.action {
        Action::Create => create(ctx, role).await,
        Action::Update => update(ctx, role, step).await,
        Action::Replace => {
            delete(ctx, &role.name).await?;
            create(ctx, role).await
        }
        Action::Delete => delete(ctx, &role.name).await,
        Action::NoOp => Ok(()),
    }
}

async fn create(ctx: &ApplyCtx<'_>, role: &Role) -> Result<(), AwsError> {
    let c = ctx.clients;
    let trust = trust_policy(&role.trusted_service).to_string();
    match write_iam::create_role(c, &role.name, &trust, &role.tags).await {
        // The plan saw no role, so this is our own CreateRole whose response was lost and that
        // the SDK sent again, or a role made since by someone else: only ours is taken over
        // (the rest of this step then converges its policies and trust).
        Err(e) if e.is_code("EntityAlreadyExists") => {
            let live = crate::aws::iam::read_role(c, &role.name).await?;
            if !live.is_some_and(|l| is_ours(&l.tags, &ctx.desired.app, &ctx.desired.env)) {
                return Err(e);
            }
            write_iam::update_trust_policy(c, &role.name, &trust).await?;
        }
        other => {
            other?;
        }
    }
    if let Some(doc) = &role.inline_policy {
        write_iam::put_inline_policy(c, &role.name, INLINE_POLICY_NAME, &doc.to_json()).await?;
    }
    for arn in &role.managed_policy_arns {
        write_iam::attach_managed_policy(c, &role.name, arn).await?;
    }
    Ok(())
}

async fn update(ctx: &ApplyCtx<'_>, role: &Role, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let live = ctx.live.role(&role.name);
    if touches(step, "assumeRolePolicy") {
        let trust = trust_policy(&role.trusted_service).to_string();
        write_iam::update_trust_policy(c, &role.name, &trust).await?;
    }
    if touches(step, "inlinePolicies") {
        if let Some(doc) = &role.inline_policy {
            write_iam::put_inline_policy(c, &role.name, INLINE_POLICY_NAME, &doc.to_json()).await?;
        }
        // Policies added out of band (or ecsctl's, when the spec no longer needs one) go.
        for name in live.iter().flat_map(|l| l.inline_policies.keys()) {
            if name != INLINE_POLICY_NAME || role.inline_policy.is_none() {
                write_iam::delete_inline_policy(c, &role.name, name).await?;
            }
        }
    }
    if touches(step, "managedPolicyArns") {
        let attached: Vec<&String> = live.iter().flat_map(|l| &l.managed_policy_arns).collect();
        for arn in &role.managed_policy_arns {
            if !attached.contains(&arn) {
                write_iam::attach_managed_policy(c, &role.name, arn).await?;
            }
        }
        for arn in attached {
            if !role.managed_policy_arns.contains(arn) {
                write_iam::detach_managed_policy(c, &role.name, arn).await?;
            }
        }
    }
    if touches(step, "tags") {
        let empty = Default::default();
        let (set, remove) = tag_delta(&role.tags, live.map_or(&empty, |l| &l.tags));
        write_iam::tag_role(c, &role.name, &set).await?;
        write_iam::untag_role(c, &role.name, &remove).await?;
    }
    Ok(())
}

async fn delete(ctx: &ApplyCtx<'_>, name: &str) -> Result<(), AwsError> {
    // A role that left the spec was not read with the desired ones: read it now.
    let read;
    let live = match ctx.live.role(name) {
        Some(l) => Some(l),
        None => {
            read = crate::aws::iam::read_role(ctx.clients, name).await?;
            read.as_ref()
        }
    };
    let inline: Vec<String> = live
        .iter()
        .flat_map(|l| l.inline_policies.keys().cloned())
        .collect();
    let managed: Vec<String> = live
        .iter()
        .flat_map(|l| l.managed_policy_arns.clone())
        .collect();
    write_iam::delete_role(ctx.clients, name, &inline, &managed).await
}
