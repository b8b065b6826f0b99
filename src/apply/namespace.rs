//! Cloud Map namespace steps. CreatePrivateDnsNamespace is asynchronous: it returns an
//! operation, polled with GetOperation until SUCCESS or FAIL; its target is the namespace id
//! the discovery services need.

use std::time::Duration;

use super::context::{ApplyCtx, tag_delta, touches};
use super::wait::{PollError, poll};
use crate::aws::AwsError;
use crate::aws::write_discovery::{self, OperationState};
use crate::plan::{Action, Step};

/// Cloud Map operations usually finish in seconds; Route 53 hosted zones can take a minute.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(300);

pub async fn apply(ctx: &ApplyCtx<'_>, step: &Step) -> Result<(), AwsError> {
    let c = ctx.clients;
    let Some(ns) = ctx
        .desired
        .namespace
        .as_ref()
        .filter(|n| n.name == step.address.name)
    else {
        return match step.action {
            Action::Delete => delete(ctx, &step.address.name).await,
            _ => Err(unsupported(step)),
        };
    };
    match step.action {
        Action::Create => {
            let token = ctx.token("namespace", ns);
            let op = write_discovery::create_private_dns_namespace(c, ns, &token).await?;
            ctx.reporter.note(&format!(
                "namespace {}: waiting for Cloud Map operation {op}",
                ns.name
            ));
            let id = wait_operation(ctx, &op, &ns.name).await?;
            ctx.resolved().namespace_id = id;
            Ok(())
        }
        Action::Update => {
            let live = ctx.live.namespace.as_ref();
            let Some(live) = live else {
                return Err(unsupported(step));
            };
            if touches(step, "description") {
                let token = ctx.token("namespace-update", ns);
                let op =
                    write_discovery::update_namespace_description(c, &live.id, ns, &token).await?;
                wait_operation(ctx, &op, &ns.name).await?;
            }
            if touches(step, "tags") {
                let (set, remove) = tag_delta(&ns.tags, &live.tags);
                write_discovery::tag(c, &live.arn, &set).await?;
                write_discovery::untag(c, &live.arn, &remove).await?;
            }
            Ok(())
        }
        Action::NoOp => Ok(()),
        Action::Delete => delete(ctx, &ns.name).await,
        Action::Replace => Err(unsupported(step)),
    }
}

/// DeleteNamespace (after its discovery services, deleted in an earlier step), polled to the end.
async fn delete(ctx: &ApplyCtx<'_>, name: &str) -> Result<(), AwsError> {
    let Some(ns) = crate::aws::discovery::read_namespace(ctx.clients, name).await? else {
        return Ok(());
    };
    let op = write_discovery::delete_namespace(ctx.clients, &ns.id, name).await?;
    if !op.is_empty() {
        wait_operation(ctx, &op, name).await?;
    }
    Ok(())
}

fn unsupported(step: &Step) -> AwsError {
    AwsError::new(
        "servicediscovery",
        "DeleteNamespace",
        Some(&step.address.name),
        None,
        format!(
            "apply does not {} Cloud Map namespaces; change it in the AWS console or keep the name",
            step.action.as_str()
        ),
    )
}

/// Polls GetOperation until the operation succeeds (→ its target id) or fails.
pub async fn wait_operation(
    ctx: &ApplyCtx<'_>,
    operation_id: &str,
    resource: &str,
) -> Result<Option<String>, AwsError> {
    let result = poll(
        OPERATION_TIMEOUT,
        Duration::from_millis(250),
        Duration::from_secs(5),
        || async {
            match write_discovery::operation_status(ctx.clients, operation_id).await? {
                OperationState::Pending => Ok(None),
                OperationState::Succeeded { target_id } => Ok(Some(target_id)),
                OperationState::Failed { code, message } => Err(AwsError::new(
                    "servicediscovery",
                    "GetOperation",
                    Some(resource),
                    code.as_deref(),
                    format!("operation {operation_id} failed: {message}"),
                )),
            }
        },
    )
    .await;
    match result {
        Ok(id) => Ok(id),
        Err(PollError::Failed(e)) => Err(e),
        Err(PollError::TimedOut { after }) => Err(AwsError::new(
            "servicediscovery",
            "GetOperation",
            Some(resource),
            None,
            format!(
                "operation {operation_id} did not finish within {}s",
                after.as_secs()
            ),
        )),
    }
}
