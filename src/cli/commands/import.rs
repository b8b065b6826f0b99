//! `ecsctl import`: writes the project that describes what runs, for adoption
//! (docs/migrating.md), from a live cluster (`-e ENV --cluster NAME [--service NAME]...`), a
//! Copilot workspace (`--from-copilot DIR`) or an ecspresso config (`--from-ecspresso CONFIG`).
//!
//! Owns the command's sequence: read the source (the cluster read only: no lock, no write; the
//! files without AWS), translate, write the files, then validate each environment as `ecsctl
//! validate` does and say what to run next. Must not translate (`import::*`) or decide file
//! layout (`import::write`).

use anyhow::anyhow;

use crate::aws::{AwsClients, AwsSettings};
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::project::{Built, load_and_build};
use crate::cli::settings::{Globals, ImportSettings, ImportSource};
use crate::cli::stats::print_aws_calls;
use crate::import::live::{LiveImport, translate};
use crate::import::translation::Translation;
use crate::live::discover::{Discover, discover};

pub fn run(globals: &Globals, s: &ImportSettings, out: &mut Output) -> Result<Outcome, CliError> {
    match &s.source {
        ImportSource::Cluster {
            name,
            services,
            stats,
        } => {
            let env = need_env(s, "--cluster")?;
            from_cluster(globals, s, env, name, services, *stats, out)
        }
        ImportSource::Copilot { dir, region } => {
            let t = crate::import::copilot::translate(dir, region.as_deref())
                .map_err(|e| CliError::from(anyhow!(e)))?;
            let t = only_env(t, s.env.as_deref())?;
            let source = format!("the Copilot workspace `{}`", dir.display());
            write_and_check(globals, &t, &source, out)
        }
        ImportSource::Ecspresso { config } => {
            let env = need_env(s, "--from-ecspresso")?;
            let Some(app) = &s.app else {
                return Err(CliError::from(anyhow!(
                    "--from-ecspresso needs --app: an ecspresso config names no application\n  hint: `ecsctl import --from-ecspresso {} --app NAME -e {env}`",
                    config.display()
                )));
            };
            crate::cli::commands::init::check_app(app)?;
            let t = crate::import::ecspresso::translate(config, app, env)
                .map_err(|e| CliError::from(anyhow!(e)))?;
            let source = format!("the ecspresso config `{}`", config.display());
            write_and_check(globals, &t, &source, out)
        }
    }
}

fn need_env<'a>(s: &'a ImportSettings, flag: &str) -> Result<&'a str, CliError> {
    s.env.as_deref().ok_or_else(|| {
        CliError::from(anyhow!(
            "{flag} needs -e ENV: the environment the import writes (`environments/ENV.yaml`)"
        ))
    })
}

/// With `-e`, only that environment of a workspace that has several.
fn only_env(mut t: Translation, env: Option<&str>) -> Result<Translation, CliError> {
    let Some(env) = env else { return Ok(t) };
    if !t.envs.iter().any(|e| e.name == env) {
        let names: Vec<String> = t.envs.iter().map(|e| format!("`{}`", e.name)).collect();
        return Err(CliError::from(anyhow!(
            "the workspace has no environment `{env}`; it has {}",
            names.join(", ")
        )));
    }
    t.envs.retain(|e| e.name == env);
    Ok(t)
}

fn from_cluster(
    globals: &Globals,
    s: &ImportSettings,
    env: &str,
    cluster: &str,
    services: &[String],
    stats: bool,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let app = match &s.app {
        Some(a) => a.clone(),
        None => app_from_cluster(cluster, env),
    };
    crate::cli::commands::init::check_app(&app)?;
    let runtime = super::runtime()?;
    let t = runtime.block_on(async {
        let clients = AwsClients::load(&AwsSettings::default()).await?;
        let read = discover(
            &clients,
            &Discover {
                app: &app,
                env,
                cluster,
                services,
            },
        )
        .await;
        print_aws_calls(stats, &clients, out)?;
        let found = read.map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
        let (live, missing) = (&found.live, &found.missing);
        if live.cluster.as_ref().is_none_or(|c| c.status != "ACTIVE") {
            return Err(CliError::from(anyhow!(
                "cluster `{cluster}` does not exist in {}; nothing was written\n  hint: check the name (`aws ecs list-clusters`) and AWS_REGION / AWS_PROFILE",
                clients.region()
            )));
        }
        if !missing.is_empty() {
            return Err(CliError::from(anyhow!(
                "cluster `{cluster}` has no service {}; nothing was written",
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        if !found.unseen.is_empty() {
            return Err(CliError::from(anyhow!(
                "cluster `{cluster}` lists service {} but DescribeServices does not return it; nothing was written\n  hint: a service just created takes a moment to be described: run the import again",
                found.unseen.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        let opts = LiveImport {
            app: &app,
            env,
            vpc: found.vpc.as_deref(),
        };
        Ok::<_, CliError>(translate(live, &opts))
    })?;
    let source = format!("cluster `{cluster}`");
    write_and_check(globals, &t, &source, out)
}

/// The variable of `spec::interpolate`'s "is not set" error.
fn unset_variable(message: &str) -> Option<&str> {
    message
        .strip_prefix("environment variable `")?
        .strip_suffix("` is not set")
}

/// The app of a cluster named `{app}-{env}`; any other name is the app itself.
fn app_from_cluster(cluster: &str, env: &str) -> String {
    cluster
        .strip_suffix(&format!("-{env}"))
        .unwrap_or(cluster)
        .to_ascii_lowercase()
}

/// Writes the translation, prints its notes and validates every environment it wrote.
pub fn write_and_check(
    globals: &Globals,
    t: &Translation,
    source: &str,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let written = crate::import::write::write_project(&globals.dir, t, source)
        .map_err(|e| CliError::from(anyhow!(e)))?;
    for n in &t.notes {
        out.line(Label::Note, &format!("{}: {}", n.resource, n.text))?;
    }
    for path in &written {
        let shown = crate::spec::load::shown_path(path);
        out.line(Label::Ok, &format!("wrote {}", shown.display()))?;
    }
    let mut invalid = false;
    for e in &t.envs {
        let Built::Invalid {
            diagnostics,
            sources,
        } = load_and_build(&globals.dir, &e.name, None)
        else {
            continue;
        };
        // The placeholders a translation writes for what its source cannot say (a Copilot
        // environment's security group) are variables for the user to set: not a failure.
        let mut unset: Vec<&str> = diagnostics
            .errors()
            .filter_map(|d| unset_variable(&d.message))
            .collect();
        if unset.len() == diagnostics.errors().count() {
            unset.sort_unstable();
            unset.dedup();
            out.line(
                Label::Note,
                &format!(
                    "environment `{}` reads variables not set here: {}; set them (or write the values) before `ecsctl plan`",
                    e.name,
                    unset.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                ),
            )?;
            continue;
        }
        invalid = true;
        out.report(&crate::diagnostic::render(
            &diagnostics,
            &sources,
            out.stderr_color,
        ))?;
    }
    if invalid {
        return Err(CliError::from(anyhow!(
            "the written project does not validate (above); this is a bug in `ecsctl import`: fix the files by hand, and please report it"
        )));
    }
    let envs: Vec<&str> = t.envs.iter().map(|e| e.name.as_str()).collect();
    out.line(
        Label::Note,
        &format!(
            "next: review the files, then `ecsctl plan -e {} --adopt` shows what adopting changes (docs/migrating.md)",
            envs.join("|")
        ),
    )?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::app_from_cluster;

    #[test]
    fn the_app_is_the_cluster_name_without_the_environment() {
        assert_eq!(app_from_cluster("shop-prod", "prod"), "shop");
        assert_eq!(app_from_cluster("Legacy", "prod"), "legacy");
    }
}
