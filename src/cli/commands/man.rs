//! `ecsctl man --out DIR`: a man page per command (`ecsctl.1`, `ecsctl-plan.1`, …), generated
//! from the clap definition, for the release archives.
//!
//! Owns nothing but the call into clap_mangen, so the pages can never drift from the real
//! flags. Must not touch AWS or the spec; writes only into DIR.

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::args::Cli;
use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Label, Output};
use crate::cli::settings::ManSettings;

pub fn run(settings: &ManSettings, out: &mut Output) -> Result<Outcome, CliError> {
    std::fs::create_dir_all(&settings.out)
        .with_context(|| format!("cannot create `{}`", settings.out.display()))?;
    let mut cmd = Cli::command();
    cmd.build();
    let mut written = 0;
    for (name, page) in pages(&cmd) {
        let path = settings.out.join(format!("{name}.1"));
        std::fs::write(&path, page)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        written += 1;
    }
    out.line(
        Label::Ok,
        &format!("wrote {written} man pages to {}", settings.out.display()),
    )?;
    Ok(Outcome::Success)
}

/// (`ecsctl-prices-update`, roff) for the command and every subcommand, depth first; clap's
/// own `help` is left out.
fn pages(cmd: &clap::Command) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    walk(cmd, "ecsctl", &mut out);
    out
}

fn walk(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_string())
        .render(&mut page)
        .expect("rendering into memory cannot fail");
    out.push((name.to_string(), page));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        walk(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page_with_its_name_synopsis_and_options() {
        let mut cmd = Cli::command();
        cmd.build();
        let pages = pages(&cmd);
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "ecsctl",
            "ecsctl-plan",
            "ecsctl-apply",
            "ecsctl-cost",
            "ecsctl-prices",
            "ecsctl-prices-update",
            "ecsctl-import",
        ] {
            assert!(names.contains(&expected), "{expected}: {names:?}");
        }
        assert!(!names.iter().any(|n| n.ends_with("-help")), "{names:?}");
        let top = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .count();
        assert!(pages.len() > top, "one page per command and subcommand");
        for (name, page) in &pages {
            let text = String::from_utf8(page.clone()).unwrap();
            assert!(
                text.starts_with(".ie \\n(.g .ds Aq \\(aq") || text.contains(".TH"),
                "{name}: {text}"
            );
            assert!(
                text.contains(&format!(".TH {name} 1")),
                "{name}: titled by its own name"
            );
            assert!(
                text.contains(".SH NAME") && text.contains(".SH SYNOPSIS"),
                "{name}"
            );
        }
        let plan = String::from_utf8(
            pages
                .iter()
                .find(|(n, _)| n == "ecsctl-plan")
                .unwrap()
                .1
                .clone(),
        )
        .unwrap();
        assert!(
            plan.contains("detailed\\-exitcode"),
            "the plan page documents its flags:\n{plan}"
        );
    }
}
