//! `ecsctl validate [-e ENV | --all]`: load and build environments, report every problem.
//!
//! Owns the per-environment result lines and the tally behind the final summary; a problem in
//! `ecsctl.yaml` is shared by every environment, so it is printed once, not once per
//! environment. Must not check anything itself (`spec::load` and `model::build` do) and must
//! not touch AWS.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Label, Output};
use crate::cli::project::{Built, load_and_build};
use crate::cli::settings::{EnvSelection, Globals, ValidateSettings};
use crate::diagnostic::{self, Diagnostics, Severity};
use crate::spec::load::{ENVIRONMENTS_DIR, environments, shown_path};
use crate::spec::span::SourceMap;

pub fn run(
    globals: &Globals,
    settings: &ValidateSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    crate::cli::project::require_project(&globals.dir)?;
    let envs = match &settings.envs {
        EnvSelection::One(env) => vec![env.clone()],
        EnvSelection::All => environments(&globals.dir).map_err(anyhow::Error::from)?,
    };
    if envs.is_empty() {
        return Err(CliError::NoEnvironments {
            dir: shown_path(&globals.dir.join(ENVIRONMENTS_DIR)),
        });
    }
    let mut tally = Tally::default();
    for env in &envs {
        let (diagnostics, sources, services) = match load_and_build(&globals.dir, env, None) {
            Built::Ok {
                desired,
                warnings,
                sources,
            } => (warnings, sources, Some(desired.services.len())),
            Built::Invalid {
                diagnostics,
                sources,
            } => (diagnostics, sources, None),
        };
        let errors = diagnostics.errors().count();
        let warnings = diagnostics.len() - errors;
        let fresh = tally.fresh(diagnostics, &sources);
        out.report(&diagnostic::render(&fresh, &sources, out.stderr_color))?;
        match services {
            Some(n) if errors == 0 => out.line(
                Label::Ok,
                &format!(
                    "{env} ({}, {})",
                    count(n, "service"),
                    count(warnings, "warning")
                ),
            )?,
            _ => out.line(
                Label::Failed,
                &format!(
                    "{env} ({}, {})",
                    count(errors, "error"),
                    count(warnings, "warning")
                ),
            )?,
        }
    }
    tally.into_result()
}

/// Problems across all environments, each counted once.
#[derive(Debug, Default)]
struct Tally {
    /// (file, line, column, message) of every diagnostic already printed.
    seen: HashSet<(Option<PathBuf>, u32, u32, String)>,
    errors: usize,
    /// Files with errors, in the order first reported.
    files: Vec<String>,
}

impl Tally {
    /// The diagnostics not printed before, recording their errors.
    fn fresh(&mut self, diagnostics: Diagnostics, sources: &SourceMap) -> Diagnostics {
        let mut out = Diagnostics::default();
        for d in diagnostics {
            let path = sources.path(d.loc.file).map(|p| p.to_path_buf());
            if !self
                .seen
                .insert((path.clone(), d.loc.line, d.loc.col, d.message.clone()))
            {
                continue;
            }
            if d.severity == Severity::Error {
                self.errors += 1;
                if let Some(path) = path {
                    let name = path.display().to_string();
                    if !self.files.contains(&name) {
                        self.files.push(name);
                    }
                }
            }
            out.push(d);
        }
        out
    }

    fn into_result(self) -> Result<Outcome, CliError> {
        if self.errors == 0 {
            Ok(Outcome::Success)
        } else {
            Err(CliError::Invalid {
                count: self.errors,
                files: self.files,
            })
        }
    }
}

/// `3 services`, `1 warning`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::spec::span::Loc;

    #[test]
    fn a_problem_shared_by_environments_is_counted_once() {
        // Each environment loads its own SourceMap; ecsctl.yaml has a different id in each.
        let mut dev = SourceMap::default();
        let dev_app = dev.add("ecsctl.yaml".into(), String::new());
        let mut prod = SourceMap::default();
        let prod_env = prod.add("environments/prod.yaml".into(), String::new());
        let prod_app = prod.add("ecsctl.yaml".into(), String::new());
        let shared = |file| {
            Diagnostic::error(
                Loc {
                    file,
                    line: 3,
                    col: 5,
                },
                "app",
                "bad app",
            )
        };

        let mut tally = Tally::default();
        let mut first = Diagnostics::default();
        first.push(shared(dev_app));
        first.push(Diagnostic::warning(
            Loc {
                file: dev_app,
                line: 9,
                col: 1,
            },
            "x",
            "a warning",
        ));
        assert_eq!(tally.fresh(first, &dev).len(), 2);

        let mut second = Diagnostics::default();
        second.push(Diagnostic::error(
            Loc {
                file: prod_env,
                line: 2,
                col: 1,
            },
            "y",
            "bad y",
        ));
        second.push(shared(prod_app));
        let fresh = tally.fresh(second, &prod);
        assert_eq!(
            fresh.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            ["bad y"]
        );

        match tally.into_result() {
            Err(CliError::Invalid { count, files }) => {
                assert_eq!(count, 2);
                assert_eq!(files, ["ecsctl.yaml", "environments/prod.yaml"]);
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn counts_are_worded_in_singular_and_plural() {
        assert_eq!(count(1, "service"), "1 service");
        assert_eq!(count(0, "warning"), "0 warnings");
        assert_eq!(count(11, "service"), "11 services");
    }
}
