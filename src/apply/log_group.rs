//! Log group steps: create with tags (and KMS key), retention, KMS association, tags.

use super::context::{ApplyCtx, tag_delta, touches};
use crate::aws::{AwsError, write_logs};
use crate::live::owned::is_ours;
use crate::plan::{Action, Step};

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let name = &step.address.name;
    let Some(group) = ctx.desired.log_groups.iter().find(|g| &g.name == name) else {
        return write_logs::delete_log_group(c, name).await;
    };
    match step.action {
        Action::Create | Action::Replace => {
            if step.action == Action::Replace {
                write_logs::delete_log_group(c, name).await?;
            }
            let created =
                write_logs::create_log_group(c, name, group.kms_key_id.as_deref(), &group.tags)
                    .await?;
            if !created {
                // Already there although the plan saw none: our own create whose response was
                // lost (the SDK sent it again), or someone else's group, which is not taken.
                let live = crate::aws::logs::read_log_groups(c, std::slice::from_ref(name)).await?;
                if !live
                    .iter()
                    .any(|l| is_ours(&l.tags, &ctx.desired.app, &ctx.desired.env))
                {
                    return Err(AwsError::new(
                        "logs",
                        "CreateLogGroup",
                        Some(name),
                        Some("ResourceAlreadyExistsException"),
                        "the log group was created by someone else since the plan was made",
                    ));
                }
            }
            if group.retention_days.is_some() {
                write_logs::set_retention(c, name, group.retention_days).await?;
            }
            Ok(())
        }
        Action::Update => {
            if touches(step, "retentionInDays") {
                write_logs::set_retention(c, name, group.retention_days).await?;
            }
            if touches(step, "kmsKeyId") {
                write_logs::set_kms_key(c, name, group.kms_key_id.as_deref()).await?;
            }
            if touches(step, "tags") {
                let live = ctx.live.log_group(name);
                let arn = live.and_then(|l| l.arn.clone()).unwrap_or_else(|| {
                    format!(
                        "arn:aws:logs:{}:{}:log-group:{name}",
                        ctx.region, ctx.account_id
                    )
                });
                let empty = Default::default();
                let (set, remove) = tag_delta(&group.tags, live.map_or(&empty, |l| &l.tags));
                write_logs::tag(c, &arn, &set).await?;
                write_logs::untag(c, &arn, &remove).await?;
            }
            Ok(())
        }
        Action::Delete => write_logs::delete_log_group(c, name).await,
        Action::NoOp => Ok(()),
    }
}
