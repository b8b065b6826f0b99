//! `ecsctl import -e ENV --cluster NAME [--service NAME]... [--app NAME]`: writes the project
//! that describes what runs in a cluster, for adoption (docs/migrating.md).
//!
//! Owns the command's sequence: read the cluster (read only: no lock, no write), translate,
//! write the files, then validate each environment as `ecsctl validate` does and say what to
//! run next. Must not translate (`import::live`) or decide file layout (`import::write`).

use anyhow::anyhow;

use crate::aws::{AwsClients, AwsSettings};
use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome, aws_error};
use crate::cli::output::{Label, Output};
use crate::cli::project::{Built, load_and_build};
use crate::cli::settings::{Globals, ImportSettings};
use crate::cli::stats::print_aws_calls;
use crate::import::live::{LiveImport, translate};
use crate::import::translation::Translation;
use crate::live::discover::{Discover, discover};

pub fn run(globals: &Globals, s: &ImportSettings, out: &mut Output) -> Result<Outcome, CliError> {
    let app = match &s.app {
        Some(a) => a.clone(),
        None => app_from_cluster(&s.cluster, &s.env),
    };
    crate::cli::commands::init::check_app(&app)?;
    let runtime = super::runtime()?;
    let t = runtime.block_on(async {
        let clients = AwsClients::load(&AwsSettings::default()).await?;
        let read = discover(
            &clients,
            &Discover {
                app: &app,
                env: &s.env,
                cluster: &s.cluster,
                services: &s.services,
            },
        )
        .await;
        print_aws_calls(s.stats, &clients, out)?;
        let found = read.map_err(|e| aws_error(e, LIVE_READ_FAILED))?;
        let (live, missing) = (&found.live, &found.missing);
        if live.cluster.as_ref().is_none_or(|c| c.status != "ACTIVE") {
            return Err(CliError::from(anyhow!(
                "cluster `{}` does not exist in {}; nothing was written\n  hint: check the name (`aws ecs list-clusters`) and AWS_REGION / AWS_PROFILE",
                s.cluster,
                clients.region()
            )));
        }
        if !missing.is_empty() {
            return Err(CliError::from(anyhow!(
                "cluster `{}` has no service {}; nothing was written",
                s.cluster,
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        let opts = LiveImport {
            app: &app,
            env: &s.env,
            vpc: found.vpc.as_deref(),
        };
        Ok::<_, CliError>(translate(live, &opts))
    })?;
    let source = format!("cluster `{}`", s.cluster);
    write_and_check(globals, &t, &source, out)
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
        match load_and_build(&globals.dir, &e.name, None) {
            Built::Ok { .. } => {}
            Built::Invalid {
                diagnostics,
                sources,
            } => {
                invalid = true;
                out.report(&crate::diagnostic::render(
                    &diagnostics,
                    &sources,
                    out.stderr_color,
                ))?;
            }
        }
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
