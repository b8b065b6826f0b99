//! `ecsctl init [--app NAME] [--region REGION]`: a commented starter project (the application
//! with one service, and a dev and a prod environment) in the project directory.
//!
//! Owns the starter files (`init/*.tmpl`, filled with the app name and region) and the rule
//! that nothing is overwritten: if any of the files exists, it names them and writes none.
//! Must not ask questions (no prompts: flags only) and must not touch AWS.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Label, Output};
use crate::cli::settings::{Globals, InitSettings};
use crate::spec::load::{ENVIRONMENTS_DIR, PROJECT_FILE};

const APP: &str = include_str!("init/ecsctl.yaml.tmpl");
const DEV: &str = include_str!("init/dev.yaml.tmpl");
const PROD: &str = include_str!("init/prod.yaml.tmpl");

/// The region when `--region` is not given: the AWS CLI's usual default.
pub const DEFAULT_REGION: &str = "us-east-1";

pub fn run(
    globals: &Globals,
    settings: &InitSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let dir = &globals.dir;
    let app = match &settings.app {
        Some(app) => app.clone(),
        None => app_from_dir(dir),
    };
    check_app(&app)?;
    let region = settings.region.as_deref().unwrap_or(DEFAULT_REGION);
    check_region(region)?;
    let files = starter_files(&app, region);
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| dir.join(path).exists())
        .map(|(path, _)| format!("`{}`", path.display()))
        .collect();
    if !existing.is_empty() {
        return Err(anyhow!(
            "{} already {}; nothing was written\n  hint: `ecsctl validate` checks the project as it is, or run `ecsctl init` in an empty directory (`-C DIR`)",
            existing.join(", "),
            if existing.len() == 1 { "exists" } else { "exist" }
        )
        .into());
    }
    std::fs::create_dir_all(dir.join(ENVIRONMENTS_DIR)).map_err(|e| {
        anyhow!(
            "cannot create `{}`: {e}",
            dir.join(ENVIRONMENTS_DIR).display()
        )
    })?;
    for (path, text) in &files {
        write_new(&dir.join(path), text)?;
        out.line(Label::Ok, &format!("created {}", path.display()))?;
    }
    out.report(
        "next: replace the subnets and security groups in environments/*.yaml, then\n  ecsctl validate\n  ecsctl plan -e dev\n",
    )?;
    Ok(Outcome::Success)
}

/// The three files, relative to the project directory.
fn starter_files(app: &str, region: &str) -> Vec<(PathBuf, String)> {
    let fill = |t: &str| t.replace("{{app}}", app).replace("{{region}}", region);
    vec![
        (PathBuf::from(PROJECT_FILE), fill(APP)),
        (Path::new(ENVIRONMENTS_DIR).join("dev.yaml"), fill(DEV)),
        (Path::new(ENVIRONMENTS_DIR).join("prod.yaml"), fill(PROD)),
    ]
}

/// Creates `path`, failing if it appeared since the check (never truncates a file).
fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| anyhow!("cannot create `{}`: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| anyhow!("cannot write `{}`: {e}", path.display()))?;
    Ok(())
}

/// The directory's name as an app name (`My App` → `my-app`), or `app` when nothing is left.
fn app_from_dir(dir: &Path) -> String {
    let name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut app = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            app.push(c);
        } else if !app.is_empty() && !app.ends_with('-') {
            app.push('-');
        }
    }
    let app = app.trim_end_matches('-').to_string();
    match app.chars().next() {
        Some(c) if c.is_ascii_lowercase() && app.len() <= 32 => app,
        _ => "app".to_string(),
    }
}

/// The model's app-name rule, checked before anything is written.
pub(crate) fn check_app(app: &str) -> Result<(), CliError> {
    match crate::model::names::check_app(app) {
        None => Ok(()),
        Some(problem) => Err(anyhow!("`--app {app}`: {problem}\n  hint: e.g. `--app shop`").into()),
    }
}

fn check_region(region: &str) -> Result<(), CliError> {
    let ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && region.contains('-');
    if ok {
        return Ok(());
    }
    Err(anyhow!("`--region {region}` is not a region name\n  hint: e.g. `eu-west-1`").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_from_directories() {
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("My Shop_2");
        std::fs::create_dir(&named).unwrap();
        assert_eq!(app_from_dir(&named), "my-shop-2");
        let digits = dir.path().join("2024");
        std::fs::create_dir(&digits).unwrap();
        assert_eq!(app_from_dir(&digits), "app");
    }

    #[test]
    fn flags_are_checked() {
        assert!(check_app("shop").is_ok());
        assert_eq!(
            check_app("Shop").unwrap_err().to_string(),
            "`--app Shop`: app name `Shop` must be 1 to 32 lowercase letters, digits and hyphens, starting with a letter\n  hint: e.g. `--app shop`"
        );
        assert!(check_region("eu-west-1").is_ok());
        assert!(check_region("eu west").is_err());
    }
}
