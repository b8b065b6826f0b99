//! Test helpers of the translators: a translation written as `ecsctl import` writes it, then
//! loaded and built by the real loader and model.
//!
//! Owns nothing outside tests. Must not mock the loader or the model.

use super::translation::Translation;
use crate::model::build::{BuildContext, build};
use crate::spec::load::load_env_with;

/// Writes `t` with `write::write_project` into a temp dir, then loads and builds every
/// environment, with `vars` as the process environment; panics with the diagnostics on any
/// error.
pub fn write_and_validate(
    t: &Translation,
    vars: &dyn Fn(&str) -> Option<String>,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    super::write::write_project(dir.path(), t, "a test").expect("the project is written");
    for e in &t.envs {
        let loaded = load_env_with(dir.path(), &e.name, vars).unwrap_or_else(|f| {
            panic!(
                "{} does not load:\n{}",
                e.name,
                crate::diagnostic::render(&f.diagnostics, &f.sources, false)
            )
        });
        let ctx = BuildContext {
            env: &e.name,
            account_id: None,
            partition: None,
            vars,
        };
        let diags = match build(&loaded.merged, &ctx) {
            Ok((_, warnings)) => warnings,
            Err(d) => d,
        };
        assert_eq!(
            diags.errors().count(),
            0,
            "{} does not validate:\n{}\n--- ecsctl.yaml\n{}",
            e.name,
            crate::diagnostic::render(&diags, &loaded.sources, false),
            std::fs::read_to_string(dir.path().join("ecsctl.yaml")).unwrap()
        );
    }
    dir
}
