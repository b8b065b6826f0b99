//! Test helpers for the model: parse spec YAML with locations, merge an environment over it and
//! build, without the loader (another module's job).

use super::build::{BuildContext, build};
use super::resources::Desired;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::spec::merge::Merge;
use crate::spec::raw::RawProject;
use crate::spec::span::{FileId, with_current_file};

/// Lines every `with_base` spec starts with: a valid app, region, account and network.
pub const BASE: &str = "app: shop
region: eu-west-1
account: \"123456789012\"
network:
  subnets: [subnet-0a1b2c3d]
  securityGroups: [sg-0a1b2c3d]
";

pub const BASE_LINES: u32 = 6;

pub fn parse(yaml: &str, file: u32) -> RawProject {
    with_current_file(FileId(file), || serde_saphyr::from_str::<RawProject>(yaml))
        .unwrap_or_else(|e| panic!("test YAML does not parse: {e}\n{yaml}"))
}

/// `ecsctl.yaml` (file 0) with `environments/<env>.yaml` (file 1) merged over it.
pub fn merged(base: &str, env: &str) -> RawProject {
    let mut raw = parse(base, 0);
    raw.merge(parse(env, 1));
    raw
}

fn no_vars(name: &str) -> Option<String> {
    match name {
        "IMAGE_TAG" => Some("1.2.3".to_string()),
        _ => None,
    }
}

pub fn build_raw(raw: &RawProject) -> Result<(Desired, Diagnostics), Diagnostics> {
    let ctx = BuildContext {
        env: "prod",
        account_id: None,
        partition: None,
        vars: &no_vars,
    };
    build(raw, &ctx)
}

pub fn with_base(extra: &str) -> String {
    format!("{BASE}{extra}")
}

/// Builds `BASE + extra`, which must succeed.
pub fn ok(extra: &str) -> (Desired, Diagnostics) {
    match build_raw(&parse(&with_base(extra), 0)) {
        Ok(out) => out,
        Err(d) => panic!(
            "unexpected diagnostics: {:#?}",
            d.into_iter().collect::<Vec<_>>()
        ),
    }
}

/// The diagnostics of `BASE + extra`, whether the build failed or not.
pub fn diagnostics(extra: &str) -> Vec<Diagnostic> {
    match build_raw(&parse(&with_base(extra), 0)) {
        Ok((_, d)) | Err(d) => d.into_iter().collect(),
    }
}

/// One expected diagnostic: path, message, and the line within `extra` (1-based).
pub struct Want {
    pub path: &'static str,
    pub message: &'static str,
    pub line: u32,
}

/// A `Want`, written short in the tables of the rules tests.
pub fn want(path: &'static str, message: &'static str, line: u32) -> Want {
    Want {
        path,
        message,
        line,
    }
}

/// Asserts `extra` yields exactly one diagnostic of `severity`, the wanted one.
pub fn assert_one(name: &str, extra: &str, severity: Severity, want: &Want) {
    let found: Vec<Diagnostic> = diagnostics(extra)
        .into_iter()
        .filter(|d| d.severity == severity)
        .collect();
    let got: Vec<(String, String, u32)> = found
        .iter()
        .map(|d| {
            (
                d.path.clone(),
                d.message.clone(),
                d.loc.line.saturating_sub(BASE_LINES),
            )
        })
        .collect();
    let expected = vec![(want.path.to_string(), want.message.to_string(), want.line)];
    assert_eq!(got, expected, "case `{name}`:\n{extra}");
}

/// A table of `(case name, extra YAML, expected)`, each yielding exactly that one error; the
/// YAML written in place or built with `format!`.
pub fn assert_errors<S: AsRef<str>>(cases: &[(&str, S, Want)]) {
    for (name, extra, want) in cases {
        assert_one(name, extra.as_ref(), Severity::Error, want);
    }
}

/// Like `assert_errors`, for whole specs (no `BASE`); lines are the spec's own.
pub fn assert_errors_full<S: AsRef<str>>(cases: &[(&str, S, Want)]) {
    for (name, yaml, want) in cases {
        let yaml = yaml.as_ref();
        let found: Vec<Diagnostic> = match build_raw(&parse(yaml, 0)) {
            Ok((_, d)) | Err(d) => d
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect(),
        };
        let got: Vec<(String, String, u32)> = found
            .iter()
            .map(|d| (d.path.clone(), d.message.clone(), d.loc.line))
            .collect();
        assert_eq!(
            got,
            vec![(want.path.to_string(), want.message.to_string(), want.line)],
            "case `{name}`:\n{yaml}"
        );
    }
}
