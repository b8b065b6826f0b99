//! `ecsctl rollback -e ENV SERVICE [--to REVISION]`: the service back to an earlier revision of
//! its family that ecsctl registered (our ownership tags), by default the newest one before the
//! revision it runs; shown as a field diff first, then UpdateService and apply's wait.
//!
//! Owns choosing the revision (never someone else's, never a deregistered one), the plan text,
//! and the advice that the next apply of the unchanged spec reverts it. Must not register or
//! deregister revisions nor change anything but the service's task definition. Holds the
//! environment lock from before UpdateService until the wait ends, like apply.

use std::time::{Instant, SystemTime};

use anyhow::anyhow;
use serde_json::Value;

use crate::apply::stages::StageWatch;
use crate::apply::{ApplyOutcome, Changed, WaitOutcome};
use crate::aws::write_ecs::{self, ServiceUpdate};
use crate::aws::{AwsClients, ecs, ecs_revisions, ecs_rollout};
use crate::cli::confirm::{confirm_or_interrupt, refuse_without_terminal};
use crate::cli::error::{CliError, Outcome, abandoned, aws_error, outcome_error};
use crate::cli::lock;
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, RollbackSettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::interrupt::Interrupt;
use crate::live::LiveTaskDefinition;
use crate::live::ownership::is_ours;
use crate::model::{Desired, Service};

const FAILED: &str = "the rollback failed";

pub fn run(
    globals: &Globals,
    settings: &RollbackSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(rollback(globals, settings, out))
}

async fn rollback(
    globals: &Globals,
    settings: &RollbackSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let spec = Spec::load(globals, &settings.env, &[], out)?;
    super::redeploy::services(&spec.offline, std::slice::from_ref(&settings.service))?;
    let Connected {
        desired, clients, ..
    } = spec.connect(FAILED, out).await?;
    let result = connected(&clients, &desired, settings, out).await;
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

async fn connected(
    clients: &AwsClients,
    desired: &Desired,
    settings: &RollbackSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let s = super::redeploy::services(desired, std::slice::from_ref(&settings.service))?[0];
    let running = running_revision(clients, s).await?;
    let target = earlier_revision(clients, desired, s, &running, settings.to).await?;
    out.product(&plan_text(s, &running, &target))?;
    refuse_without_terminal(settings.yes, "rollback")?;
    let interrupt = Interrupt::listen();
    let env = desired.env.as_str();
    let held = lock::take(
        clients,
        &desired.app,
        env,
        "rollback",
        settings.lock_timeout,
        &interrupt,
        out,
    )
    .await?;
    let id = held.id().to_string();
    let body = async {
        tokio::select! {
            r = locked(clients, desired, settings, s, &target, &interrupt, out) => r,
            () = interrupt.after(2) => Err(abandoned(
                "check the service with `aws ecs describe-services`; run the rollback again if needed",
            )),
        }
    };
    let (body, released) = crate::lock::with_lock(clients, held, body).await;
    lock::finish(body, released, env, &id, out)
}

/// The revision the service's PRIMARY deployment runs, described.
async fn running_revision(
    clients: &AwsClients,
    s: &Service,
) -> Result<LiveTaskDefinition, CliError> {
    let read =
        ecs_rollout::describe_rollouts(clients, &s.cluster, std::slice::from_ref(&s.name)).await;
    let read = match read {
        Ok(read) => read,
        Err(e) if e.code.as_deref() == Some("ClusterNotFoundException") => Vec::new(),
        Err(e) => return Err(aws_error(e, FAILED)),
    };
    let arn = read
        .iter()
        .find(|r| r.service_name == s.name && r.status == "ACTIVE")
        .and_then(|r| r.primary())
        .and_then(|d| d.task_definition.clone())
        .ok_or_else(|| {
            anyhow!(
                "service `{}` (`{}`) does not exist in cluster `{}`; nothing was changed\n  hint: `ecsctl apply` creates it",
                s.key, s.name, s.cluster
            )
        })?;
    ecs::describe_task_definition(clients, &arn)
        .await
        .map_err(|e| aws_error(e, FAILED))?
        .ok_or_else(|| anyhow!("ECS cannot describe `{arn}`, the revision `{}` runs", s.key).into())
}

/// `--to N`, else the newest ACTIVE revision of the family that is ours and older than the
/// running one (ListTaskDefinitions newest first, one DescribeTaskDefinition per revision
/// looked at).
async fn earlier_revision(
    clients: &AwsClients,
    desired: &Desired,
    s: &Service,
    running: &LiveTaskDefinition,
    to: Option<u32>,
) -> Result<LiveTaskDefinition, CliError> {
    let ours = |td: &LiveTaskDefinition| is_ours(&td.tags, &desired.app, &desired.env);
    let family = &running.family;
    if let Some(n) = to {
        let found = ecs::describe_task_definition(clients, &format!("{family}:{n}"))
            .await
            .map_err(|e| aws_error(e, FAILED))?;
        return match found {
            Some(td) if td.revision == running.revision => Err(anyhow!(
                "`{}` already runs `{family}:{n}`; nothing was changed",
                s.key
            )
            .into()),
            Some(td) if td.status.as_deref() == Some("ACTIVE") && ours(&td) => Ok(td),
            Some(td) if !ours(&td) => Err(anyhow!(
                "`{family}:{n}` was not registered by ecsctl for `{}` / `{}`; nothing was changed\n  hint: roll back only to revisions ecsctl deployed",
                desired.app, desired.env
            )
            .into()),
            _ => Err(anyhow!(
                "`{family}:{n}` is not an ACTIVE revision; nothing was changed\n  hint: `aws ecs list-task-definitions --family-prefix {family}` lists them"
            )
            .into()),
        };
    }
    let before = running.revision;
    let found = ecs_revisions::newest_active_revision_where(
        clients,
        family,
        std::slice::from_ref(running),
        |td| ours(td) && td.revision < before,
    )
    .await
    .map_err(|e| aws_error(e, FAILED))?;
    let arn = found.found.ok_or_else(|| {
        anyhow!(
            "no earlier ACTIVE revision of `{family}` was registered by ecsctl (the service runs `{family}:{before}`); nothing was changed\n  hint: `--to REVISION` names one; deregistered revisions cannot be deployed"
        )
    })?;
    found
        .described
        .into_iter()
        .find(|td| td.arn == arn)
        .ok_or_else(|| anyhow!("`{arn}` was found but not described").into())
}

/// The plan: the service line and the task definition's fields that differ.
fn plan_text(s: &Service, running: &LiveTaskDefinition, target: &LiveTaskDefinition) -> String {
    let mut text = format!(
        "  ~ service.{} (rollback: {}:{} -> {}:{})\n",
        s.key, running.family, running.revision, target.family, target.revision
    );
    let strip = |td: &LiveTaskDefinition| {
        let mut v = serde_json::to_value(td).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut() {
            for k in ["arn", "revision", "status", "tags"] {
                o.remove(k);
            }
        }
        v
    };
    for (path, before, after) in field_diff("", &strip(running), &strip(target)) {
        text.push_str(&format!("      {path}: {before} -> {after}\n"));
    }
    text.push_str("\nRollback: 1 service to an earlier revision.\n");
    text
}

/// The leaves that differ between two JSON documents, as `path: before -> after`.
pub fn field_diff(path: &str, a: &Value, b: &Value) -> Vec<(String, String, String)> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .flat_map(|k| {
                    let none = Value::Null;
                    field_diff(
                        &join(k),
                        x.get(k).unwrap_or(&none),
                        y.get(k).unwrap_or(&none),
                    )
                })
                .collect()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .flat_map(|(i, (p, q))| field_diff(&format!("{path}[{i}]"), p, q))
            .collect(),
        _ if a == b => Vec::new(),
        _ => vec![(path.to_string(), a.to_string(), b.to_string())],
    }
}

async fn locked(
    clients: &AwsClients,
    desired: &Desired,
    settings: &RollbackSettings,
    s: &Service,
    target: &LiveTaskDefinition,
    interrupt: &Interrupt,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let question = format!(
        "Roll `{}` back in `{}` ({}) in {}?",
        s.key, desired.env, desired.app, desired.region
    );
    confirm_or_interrupt(settings.yes, "rollback", &question, out, interrupt).await?;
    out.flush()?;
    let started = Instant::now();
    let since = SystemTime::now();
    let update = ServiceUpdate {
        task_definition: Some(target.arn.clone()),
        ..ServiceUpdate::default()
    };
    let mark = write_ecs::update_service(clients, s, &update)
        .await
        .map_err(|e| aws_error(e, FAILED))?;
    let changed = [Changed {
        name: s.name.clone(),
        cluster: s.cluster.clone(),
        task_definition: Some(target.arn.clone()),
        deployment: mark,
        stages: StageWatch::of(&s.deployment.strategy),
    }];
    let wait = if settings.wait {
        super::redeploy::wait(clients, &changed, settings.timeout, since, interrupt, out).await
    } else {
        WaitOutcome::Skipped
    };
    let waited = match &wait {
        WaitOutcome::Stable { .. } => "; stable",
        WaitOutcome::Skipped => "; not waiting (--no-wait)",
        _ => {
            let outcome = ApplyOutcome {
                wait,
                ..ApplyOutcome::default()
            };
            return Err(outcome_error(&outcome));
        }
    };
    out.line(
        Label::Ok,
        &format!(
            "rolled `{}` back to `{}:{}` in `{}` in {:.1} s{waited}",
            s.key,
            target.family,
            target.revision,
            desired.env,
            started.elapsed().as_secs_f64()
        ),
    )?;
    out.line(Label::Note, &revert_advice(desired, s, target))?;
    Ok(Outcome::Success)
}

/// The next apply of the unchanged spec deploys the spec's revision again: say so, and how to
/// keep the rolled-back image.
fn revert_advice(desired: &Desired, s: &Service, target: &LiveTaskDefinition) -> String {
    let image = target
        .containers
        .first()
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    format!(
        "the next `ecsctl apply -e {env}` of the unchanged spec (e.g. the next merge in CI) deploys the spec's revision again\n  hint: to keep this one, pin its image in the spec (`image: {image}` on service `{key}`) or pass `--image {key}={image}` to plan and apply",
        env = desired.env,
        key = s.key
    )
}

#[cfg(test)]
mod tests {
    use super::field_diff;
    use serde_json::json;

    #[test]
    fn field_diff_lists_changed_leaves_by_path() {
        let a = json!({"containers": [{"name": "web", "image": "nginx:2"}], "cpu": "256"});
        let b = json!({"containers": [{"name": "web", "image": "nginx:1"}], "cpu": "256", "memory": "512"});
        assert_eq!(
            field_diff("", &a, &b),
            [
                (
                    "containers[0].image".to_string(),
                    "\"nginx:2\"".to_string(),
                    "\"nginx:1\"".to_string()
                ),
                (
                    "memory".to_string(),
                    "null".to_string(),
                    "\"512\"".to_string()
                ),
            ]
        );
        assert!(field_diff("", &a, &a).is_empty());
    }
}
