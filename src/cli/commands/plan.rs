//! `ecsctl plan -e ENV`: read live AWS, diff it against the spec and print the plan.
//!
//! Owns the order of a plan run: load and build the spec, build the AWS clients, check the
//! caller's account against the spec's `account:`, read the live state, diff, render to stdout
//! (human, JSON or markdown), save with `--out`, and pick the outcome (`--detailed-exitcode`:
//! changes present → exit 2). Progress and timing go to stderr only. Must not format a plan
//! (`render` does), decide what changed (`diff`) or ever write to AWS.

use std::time::Instant;

use anyhow::{Context, anyhow};

use crate::aws::{AwsClients, AwsSettings};
use crate::cli::args::PlanFormat;
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, PlanSettings};
use crate::model::Desired;
use crate::plan::{Plan, Target};
use crate::render;

pub fn run(
    globals: &Globals,
    settings: &PlanSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (plan, protected) = runtime.block_on(plan_env(globals, settings, out))?;
    let text = match settings.format {
        PlanFormat::Human => render::human::render(&plan, out.stdout_color),
        PlanFormat::Json => render::json::render(&plan),
        PlanFormat::Markdown => render::markdown::render(&plan),
    };
    if let Some(path) = &settings.out {
        std::fs::write(path, render::json::render(&plan))
            .with_context(|| format!("cannot save the plan to `{}`", path.display()))?;
    }
    out.product(&text)?;
    let elapsed = started.elapsed().as_secs_f64();
    out.line(
        Label::Note,
        &format!("planned `{}` in {elapsed:.2} s", plan.target.env),
    )?;
    if let Some(path) = &settings.out {
        out.line(
            Label::Note,
            &format!("saved the plan to `{}`", path.display()),
        )?;
    }
    let destroy = plan.summary().destroy;
    if protected && destroy > 0 {
        let env = &plan.target.env;
        out.line(
            Label::Note,
            &format!("`{env}` is protected: apply refuses deletions and replacements ({destroy} here) without `--allow-destroy`"),
        )?;
    }
    Ok(outcome(&plan, settings.detailed_exitcode))
}

/// Exit 2 only when asked to and there is something to do.
pub fn outcome(plan: &Plan, detailed_exitcode: bool) -> Outcome {
    if detailed_exitcode && plan.has_changes() {
        Outcome::Changes
    } else {
        Outcome::Success
    }
}

/// The plan, and whether the environment is protected (deletions need `--allow-destroy`).
async fn plan_env(
    globals: &Globals,
    settings: &PlanSettings,
    out: &mut Output,
) -> Result<(Plan, bool), CliError> {
    let spec = load::load(globals, &settings.env, out)?;
    let aws = AwsSettings {
        fallback_region: Some(spec.region.clone()),
        ..AwsSettings::default()
    };
    let clients = AwsClients::load(&aws).await;
    let caller = crate::aws::sts::account_id(&clients)
        .await
        .map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
    check_account(spec.account.as_deref(), &caller)?;
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let mut desired = load::build(globals, spec, &settings.env, &caller, out)?;
    // The same overrides apply uses, so a pipeline's plan shows the image it will deploy.
    crate::model::r#override::apply_overrides(&mut desired, &images)
        .map_err(|e| anyhow!(e.to_string()))?;
    check_region(&desired, clients.region())?;
    let read = Instant::now();
    // The spec's resources plus what the environment owns in its scope (for pruning).
    let live = crate::live::owned::fetch_with_owned(&clients, &desired, false)
        .await
        .map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
    let conflicts = crate::diff::ownership::conflicts(&desired, &live);
    if !conflicts.is_empty() {
        return Err(anyhow!(crate::diff::ownership::message(&desired.env, &conflicts)).into());
    }
    let calls: u32 = clients.calls().values().sum();
    out.line(
        Label::Note,
        &format!(
            "read the live state in {:.2} s ({calls} AWS calls)",
            read.elapsed().as_secs_f64()
        ),
    )?;
    crate::cli::stats::print_aws_calls(settings.stats, &clients, out)?;
    let mut changes = crate::diff::diff(&desired, &live);
    let prune = crate::diff::prune::PruneOptions {
        destroy: false,
        delete_logs: settings.delete_logs,
    };
    changes.extend(crate::diff::prune::prune(&desired, &live, &prune));
    let target = Target {
        app: desired.app.clone(),
        env: desired.env.clone(),
        region: desired.region.clone(),
        account_id: Some(caller),
    };
    Ok((Plan::new(target, changes), desired.protected))
}

/// A spec that pins `account:` only ever plans against that account.
pub fn check_account(pinned: Option<&str>, caller: &str) -> Result<(), CliError> {
    match pinned {
        Some(want) if want != caller => Err(anyhow!(
            "the spec pins account `{want}` but the credentials are for account `{caller}`; nothing was read\n  \
hint: switch credentials (AWS_PROFILE) or change `account:` in ecsctl.yaml"
        )
        .into()),
        _ => Ok(()),
    }
}

/// The clients must talk to the spec's region: a plan read elsewhere would show everything as
/// missing.
fn check_region(desired: &Desired, region: &str) -> Result<(), CliError> {
    if desired.region == region {
        return Ok(());
    }
    Err(anyhow!(
        "the spec's region is `{}` but AWS_REGION / the profile say `{region}`\n  \
hint: unset AWS_REGION or set it to `{}`",
        desired.region,
        desired.region
    )
    .into())
}

/// Loading and building the spec for plan, through the same glue as validate and render.
mod load {
    use super::*;
    use crate::cli::project::{Built, load_and_build};
    use crate::diagnostic::{self, Severity};

    /// What plan needs from the spec before it knows the caller's account.
    pub struct LoadedSpec {
        pub region: String,
        /// The spec's `account:`, if pinned.
        pub account: Option<String>,
        /// Built offline; final when the spec pins the account.
        desired: Desired,
    }

    pub fn load(globals: &Globals, env: &str, out: &mut Output) -> Result<LoadedSpec, CliError> {
        let desired = built(globals, env, None, true, out)?;
        Ok(LoadedSpec {
            region: desired.region.clone(),
            account: desired.account_id.clone(),
            desired,
        })
    }

    /// The desired state with `{account_id}` resolved to the caller's account.
    pub fn build(
        globals: &Globals,
        spec: LoadedSpec,
        env: &str,
        caller: &str,
        out: &mut Output,
    ) -> Result<Desired, CliError> {
        if spec.account.is_some() {
            return Ok(spec.desired);
        }
        // The first build printed the warnings; this one only adds the account.
        built(globals, env, Some(caller), false, out)
    }

    fn built(
        globals: &Globals,
        env: &str,
        account: Option<&str>,
        warn: bool,
        out: &mut Output,
    ) -> Result<Desired, CliError> {
        match load_and_build(&globals.dir, env, account) {
            Built::Ok {
                desired,
                warnings,
                sources,
            } => {
                if warn {
                    out.report(&diagnostic::render(&warnings, &sources, out.stderr_color))?;
                }
                Ok(*desired)
            }
            Built::Invalid {
                diagnostics,
                sources,
            } => {
                out.report(&diagnostic::render(
                    &diagnostics,
                    &sources,
                    out.stderr_color,
                ))?;
                let mut files: Vec<String> = Vec::new();
                let mut count = 0;
                for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                    count += 1;
                    if let Some(p) = sources.path(d.loc.file) {
                        let name = p.display().to_string();
                        if !files.contains(&name) {
                            files.push(name);
                        }
                    }
                }
                Err(CliError::Invalid { count, files })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_pin_must_match_the_caller() {
        assert!(check_account(None, "123456789012").is_ok());
        assert!(check_account(Some("123456789012"), "123456789012").is_ok());
        let err = check_account(Some("111111111111"), "222222222222").unwrap_err();
        assert!(err.to_string().starts_with(
            "the spec pins account `111111111111` but the credentials are for account `222222222222`; nothing was read"
        ));
    }

    #[test]
    fn detailed_exitcode_maps_changes_to_2() {
        let target = Target {
            app: "a".into(),
            env: "e".into(),
            region: "r".into(),
            account_id: None,
        };
        let empty = Plan::new(target, vec![]);
        let changed = render::human::tests::small_plan();
        assert_eq!(outcome(&empty, true), Outcome::Success);
        assert_eq!(outcome(&changed, true), Outcome::Changes);
        assert_eq!(outcome(&changed, false), Outcome::Success);
    }

    #[test]
    fn the_clients_region_must_be_the_specs() {
        let desired = crate::diff::fixtures::desired();
        assert!(check_region(&desired, "eu-west-1").is_ok());
        let err = check_region(&desired, "us-east-1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the spec's region is `eu-west-1` but AWS_REGION / the profile say `us-east-1`\n  hint: unset AWS_REGION or set it to `eu-west-1`"
        );
    }
}
