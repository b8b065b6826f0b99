//! `ecsctl plan -e ENV`: read live AWS, diff it against the spec and print the plan.
//!
//! Owns the order of a plan run (`plan_env`, which `plan --all` runs once per environment, see
//! `plan_all.rs`): load and build the spec, build the AWS clients, check the
//! caller's account against the spec's `account:`, read the live state, diff, render to stdout
//! (human, JSON or markdown), save with `--out`, and pick the outcome (`--detailed-exitcode`:
//! changes present → exit 2). Progress and timing go to stderr only. Must not format a plan
//! (`render` does), decide what changed (`diff`) or ever write to AWS.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, anyhow};

use crate::cli::args::PlanFormat;
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{EnvSelection, Globals, PlanSettings};
use crate::cli::target::{Connected, Spec};
use crate::model::r#override::ImageOverride;
use crate::plan::saved::{ECSCTL_VERSION, SavedPlan};
use crate::plan::{Action, Plan, Target};
use crate::render;

pub fn run(
    globals: &Globals,
    settings: &PlanSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let env = match &settings.envs {
        EnvSelection::One(env) => env,
        EnvSelection::All => return super::plan_all::run(globals, settings, out),
    };
    let started = Instant::now();
    let runtime = super::runtime()?;
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let options = PlanOptions::new(settings, &images);
    let mut calls = BTreeMap::new();
    let saved = runtime.block_on(plan_env(globals, env, &options, &mut calls, out))?;
    let plan = &saved.plan;
    let text = match settings.format {
        PlanFormat::Human => render::human::render(plan, out.stdout_color),
        PlanFormat::Json => render::json::render_saved(&saved),
        PlanFormat::Markdown => render::markdown::render(plan),
    };
    if let Some(path) = &settings.out {
        std::fs::write(path, render::json::render_saved(&saved))
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
    protected_note(&saved, out)?;
    Ok(outcome(plan, settings.detailed_exitcode))
}

/// What `plan -e` and `plan --all` pass to every environment's plan.
pub(super) struct PlanOptions<'a> {
    pub images: &'a [ImageOverride],
    pub delete_logs: bool,
    /// `--adopt`, and the stacks `--released-stack` names.
    pub adopt: bool,
    pub released_stacks: &'a [String],
    pub stats: bool,
    /// `-s NAME`: the services to plan (empty: all); with `--all`, in every environment.
    pub services: &'a [String],
    /// `--skip-image-check`.
    pub skip_image_check: bool,
}

impl<'a> PlanOptions<'a> {
    pub fn new(settings: &'a PlanSettings, images: &'a [ImageOverride]) -> Self {
        PlanOptions {
            images,
            delete_logs: settings.delete_logs,
            adopt: settings.adopt,
            released_stacks: &settings.released_stacks,
            stats: settings.stats,
            services: &settings.services,
            skip_image_check: settings.skip_image_check,
        }
    }
}

/// A protected environment's plan that destroys something says apply will refuse it.
pub(super) fn protected_note(saved: &SavedPlan, out: &mut Output) -> Result<(), CliError> {
    // Retention's deregistrations (`task_definition.FAMILY:REVISION`) are not refused.
    let destroy = saved
        .plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace | Action::Delete))
        .filter(|c| c.address.revision().is_none())
        .count();
    if saved.desired.protected && destroy > 0 {
        let env = &saved.plan.target.env;
        out.line(
            Label::Note,
            &format!("`{env}` is protected: apply refuses deletions and replacements ({destroy} here) without `--allow-destroy`"),
        )?;
    }
    Ok(())
}

/// Exit 2 only when asked to and there is something to do.
pub fn outcome(plan: &Plan, detailed_exitcode: bool) -> Outcome {
    if detailed_exitcode && plan.has_changes() {
        Outcome::Changes
    } else {
        Outcome::Success
    }
}

/// Plans one environment: the plan with the desired values it was computed from (what `--out`
/// saves). The one code path of `plan -e` and of each environment of `plan --all`. `calls`
/// receives the AWS calls of the live read (also when it fails); an environment that fails
/// before it (an invalid spec, another account) leaves it empty.
pub(super) async fn plan_env(
    globals: &Globals,
    env: &str,
    options: &PlanOptions<'_>,
    calls: &mut BTreeMap<String, u32>,
    out: &mut Output,
) -> Result<SavedPlan, CliError> {
    let Connected {
        desired,
        clients,
        caller,
        sources,
    } = Spec::load(globals, env, options.images, out)?
        .restrict(options.services)?
        .connect(LIVE_READ_FAILED, out)
        .await?;
    let read = Instant::now();
    // The spec's resources plus what the environment owns in its scope (for pruning).
    let holds = |account: &str, td: &crate::live::LiveTaskDefinition| {
        crate::diff::holds_desired(&desired, account, td)
    };
    let fetched = crate::live::owned::fetch_for_diff(&clients, &desired, &holds).await;
    *calls = clients.calls();
    let live = fetched.map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
    let total: u32 = calls.values().sum();
    out.line(
        Label::Note,
        &format!(
            "read the live state in {:.2} s ({total} AWS calls)",
            read.elapsed().as_secs_f64()
        ),
    )?;
    let conflicts = crate::diff::ownership::conflicts(&desired, &live);
    let adopt = crate::diff::ownership::Adopt::flags(options.adopt, options.released_stacks);
    let adopted = match crate::diff::ownership::resolve(&desired.env, &conflicts, adopt) {
        Ok(adopted) => adopted,
        Err(refusal) => {
            // A refused plan still shows it made no write.
            crate::cli::stats::print_aws_calls(options.stats, &clients, out)?;
            return Err(anyhow!(refusal).into());
        }
    };
    let prune = crate::diff::prune::PruneOptions {
        destroy: false,
        delete_logs: options.delete_logs,
    };
    let mut changes = crate::diff::changes(&desired, &live, &prune);
    crate::diff::ownership::mark_adopted(&mut changes, &adopted, &desired);
    let target = Target {
        app: desired.app.clone(),
        env: desired.env.clone(),
        region: desired.region.clone(),
        account_id: Some(caller),
        services: desired.target.clone(),
        images: desired.image_notes.clone(),
        before_deploy: Plan::before_deploy(&desired.before_deploy, &changes),
        adopted,
        cost: crate::cost::change::for_plan(&desired, &live, region_prices(&desired.region)),
    };
    let plan = Plan::new(target, changes);
    // What the plan would write is checked against AWS (read-only; nothing on a converged
    // plan): a missing subnet or image shows here as a warning, and apply refuses it.
    if plan.has_changes() {
        let only = crate::cli::preflight::written_by(&plan);
        let mode = crate::cli::preflight::Mode::Warn;
        let check_images = !options.skip_image_check;
        let checked = crate::cli::preflight::check(
            &clients,
            &desired,
            &sources,
            Some(&only),
            check_images,
            mode,
            out,
        )
        .await;
        *calls = clients.calls();
        if let Err(e) = checked {
            crate::cli::stats::print_aws_calls(options.stats, &clients, out)?;
            return Err(e);
        }
    }
    crate::cli::stats::print_aws_calls(options.stats, &clients, out)?;
    Ok(SavedPlan {
        plan,
        desired,
        delete_logs: options.delete_logs,
        ecsctl_version: ECSCTL_VERSION.to_string(),
    })
}

/// The region's prices for the plan's cost line: the cache `ecsctl prices update` wrote, else
/// the embedded table. A cache that cannot be read is passed over here (`ecsctl cost` reports
/// it); the line then says the embedded table's date.
pub(crate) fn region_prices(
    region: &str,
) -> Option<(
    crate::cost::prices::RegionPrices,
    crate::cost::cache::PriceOrigin,
)> {
    let cache = crate::cost::cache::read().unwrap_or_default();
    crate::cost::cache::for_region(&cache, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detailed_exitcode_maps_changes_to_2() {
        let target = Target {
            app: "a".into(),
            env: "e".into(),
            region: "r".into(),
            account_id: None,
            services: None,
            images: Vec::new(),
            before_deploy: Vec::new(),
            adopted: Vec::new(),
            cost: None,
        };
        let empty = Plan::new(target, vec![]);
        let changed = render::human::tests::small_plan();
        assert_eq!(outcome(&empty, true), Outcome::Success);
        assert_eq!(outcome(&changed, true), Outcome::Changes);
        assert_eq!(outcome(&changed, false), Outcome::Success);
    }
}
