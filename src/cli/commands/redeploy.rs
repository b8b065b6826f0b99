//! `ecsctl redeploy -e ENV SERVICE...`: a new deployment of the revision each service runs now
//! (UpdateService `forceNewDeployment`), so tasks pull a mutable tag such as `:latest` again.
//!
//! Owns the order of a redeploy (names checked offline, DescribeServices, the one-line plan,
//! the confirmation, the environment lock, UpdateService, apply's wait) and nothing else: it
//! must not change the spec's state (revision, count, network), so the next plan of an
//! unchanged spec stays empty. Progress and the plan go to stderr/stdout like apply's.

use std::time::{Duration, Instant, SystemTime};

use anyhow::anyhow;

use crate::apply::stages::StageWatch;
use crate::apply::{ApplyOutcome, Changed, WaitOutcome};
use crate::aws::write_ecs::{self, ServiceUpdate};
use crate::aws::{AwsClients, ecs_rollout};
use crate::cli::confirm::{confirm_or_interrupt, refuse_without_terminal};
use crate::cli::error::{CliError, Outcome, abandoned, aws_error, outcome_error};
use crate::cli::lock;
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, RedeploySettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::diff::normalize::task_definition_ref;
use crate::interrupt::Interrupt;
use crate::model::{Desired, Service};

const FAILED: &str = "the redeploy failed";

pub fn run(
    globals: &Globals,
    settings: &RedeploySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(redeploy(globals, settings, out))
}

async fn redeploy(
    globals: &Globals,
    settings: &RedeploySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let spec = Spec::load(globals, &settings.env, &[], out)?;
    // Unknown names are refused before any AWS call.
    services(&spec.offline, &settings.services)?;
    let Connected {
        desired, clients, ..
    } = spec.connect(FAILED, out).await?;
    let result = redeploy_connected(&clients, &desired, settings, out).await;
    print_aws_calls(settings.stats, &clients, out)?;
    result
}

async fn redeploy_connected(
    clients: &AwsClients,
    desired: &Desired,
    settings: &RedeploySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let chosen = services(desired, &settings.services)?;
    let targets = running_revisions(clients, &chosen).await?;
    out.product(&plan_text(&targets))?;
    refuse_without_terminal(settings.yes, "redeploy")?;
    let interrupt = Interrupt::listen();
    let env = desired.env.as_str();
    let held = lock::take(
        clients,
        &desired.app,
        env,
        "redeploy",
        settings.lock_timeout,
        &interrupt,
        out,
    )
    .await?;
    let id = held.id().to_string();
    let body = async {
        tokio::select! {
            r = locked(clients, desired, settings, &targets, &interrupt, out) => r,
            () = interrupt.after(2) => Err(abandoned(
                "check the services with `aws ecs describe-services`; run the redeploy again if needed",
            )),
        }
    };
    let (body, released) = crate::lock::with_lock(clients, held, body).await;
    lock::finish(body, released, env, &id, out)
}

/// A service to redeploy with the revision it runs now (its PRIMARY deployment's).
struct Target<'a> {
    service: &'a Service,
    task_definition: String,
}

/// DescribeServices per cluster; a service that does not exist (yet) is an error naming it.
async fn running_revisions<'a>(
    clients: &AwsClients,
    chosen: &[&'a Service],
) -> Result<Vec<Target<'a>>, CliError> {
    let mut targets = Vec::new();
    for s in chosen {
        let read =
            ecs_rollout::describe_rollouts(clients, &s.cluster, std::slice::from_ref(&s.name))
                .await;
        let read = match read {
            Ok(read) => read,
            // No cluster yet: the service does not exist either (said below).
            Err(e) if e.code.as_deref() == Some("ClusterNotFoundException") => Vec::new(),
            Err(e) => return Err(aws_error(e, FAILED)),
        };
        let running = read
            .iter()
            .find(|r| r.service_name == s.name && r.status == "ACTIVE")
            .and_then(|r| r.primary())
            .and_then(|d| d.task_definition.clone());
        let Some(task_definition) = running else {
            return Err(anyhow!(
                "service `{}` (`{}`) does not exist in cluster `{}`; nothing was changed\n  hint: `ecsctl apply` creates it",
                s.key,
                s.name,
                s.cluster
            )
            .into());
        };
        targets.push(Target {
            service: s,
            task_definition,
        });
    }
    Ok(targets)
}

/// The plan a redeploy shows: one line per service, then the summary.
fn plan_text(targets: &[Target<'_>]) -> String {
    let mut s = String::new();
    for t in targets {
        s.push_str(&format!(
            "  ~ service.{} (redeploy: new deployment of {})\n",
            t.service.key,
            task_definition_ref(&t.task_definition)
        ));
    }
    s.push_str(&format!(
        "\nRedeploy: {} service(s), same revision, new tasks.\n",
        targets.len()
    ));
    s
}

async fn locked(
    clients: &AwsClients,
    desired: &Desired,
    settings: &RedeploySettings,
    targets: &[Target<'_>],
    interrupt: &Interrupt,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let question = format!(
        "Redeploy these services in `{}` ({}) in {}?",
        desired.env, desired.app, desired.region
    );
    confirm_or_interrupt(settings.yes, "redeploy", &question, out, interrupt).await?;
    out.flush()?;
    let started = Instant::now();
    let since = SystemTime::now();
    let mut changed = Vec::new();
    for t in targets {
        let update = ServiceUpdate {
            force_new_deployment: true,
            ..ServiceUpdate::default()
        };
        let mark = write_ecs::update_service(clients, t.service, &update)
            .await
            .map_err(|e| aws_error(e, FAILED))?;
        changed.push(Changed {
            name: t.service.name.clone(),
            cluster: t.service.cluster.clone(),
            task_definition: Some(t.task_definition.clone()),
            deployment: mark,
            stages: StageWatch::of(&t.service.deployment.strategy),
        });
    }
    let wait = if settings.wait {
        wait(clients, &changed, settings.timeout, since, interrupt, out).await
    } else {
        WaitOutcome::Skipped
    };
    finish(&desired.env, changed.len(), wait, started.elapsed(), out)
}

pub(crate) async fn wait(
    clients: &AwsClients,
    changed: &[Changed],
    timeout: Duration,
    since: SystemTime,
    interrupt: &Interrupt,
    out: &Output,
) -> WaitOutcome {
    let reporter = crate::apply::reporter::for_stderr(out.stderr_color);
    tokio::select! {
        w = crate::apply::stable::wait_for_services(clients, reporter.as_ref(), changed, timeout, since) => w,
        () = interrupt.after(1) => WaitOutcome::Interrupted,
    }
}

fn finish(
    env: &str,
    count: usize,
    wait: WaitOutcome,
    took: Duration,
    out: &mut Output,
) -> Result<Outcome, CliError> {
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
            "redeployed {count} service(s) in `{env}` in {:.1} s{waited}",
            took.as_secs_f64()
        ),
    )?;
    Ok(Outcome::Success)
}

/// The spec's services named on the command line (by key or ECS name), in that order.
pub(crate) fn services<'a>(
    desired: &'a Desired,
    names: &[String],
) -> Result<Vec<&'a Service>, CliError> {
    let mut found = Vec::new();
    for name in names {
        match desired
            .services
            .iter()
            .find(|s| &s.key == name || &s.name == name)
        {
            Some(s) if !found.iter().any(|f: &&Service| f.key == s.key) => found.push(s),
            Some(_) => {}
            None => {
                let known: Vec<String> = desired
                    .services
                    .iter()
                    .map(|s| format!("`{}`", s.key))
                    .collect();
                return Err(anyhow!(
                    "no service `{name}` in environment `{}`; nothing was changed\n  hint: services: {}",
                    desired.env,
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                )
                .into());
            }
        }
    }
    Ok(found)
}
