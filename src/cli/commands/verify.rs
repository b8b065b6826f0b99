//! `ecsctl verify -e ENV`: the pre-flight on its own, on the whole environment (or `-s`
//! services), with `--image` as apply would deploy.
//!
//! Owns the command's sequence (load, restrict, connect, check) and its report: the findings as
//! located diagnostics on stderr, a summary (or one JSON document, `formatVersion` 1.0) on
//! stdout, exit 1 when any finding is an error. Read only: takes no lock, never writes. Must not
//! judge references (`crate::preflight` does).

use anyhow::anyhow;
use serde_json::{Value, json};

use crate::cli::error::{CliError, LIVE_READ_FAILED, Outcome};
use crate::cli::output::Output;
use crate::cli::preflight::{Mode, check};
use crate::cli::settings::{Globals, VerifySettings};
use crate::cli::stats::print_aws_calls;
use crate::cli::target::{Connected, Spec};
use crate::diagnostic::Severity;
use crate::model::Desired;
use crate::preflight::{Report, diagnostics};
use crate::spec::span::SourceMap;

pub fn run(
    globals: &Globals,
    settings: &VerifySettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    let images = settings.images.clone().map_err(|e| anyhow!(e))?;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let Connected {
            desired,
            clients,
            sources,
            ..
        } = Spec::load(globals, &settings.env, &images, out)?
            .restrict(&settings.services)?
            .connect(LIVE_READ_FAILED, out)
            .await?;
        let checked = check(
            &clients,
            &desired,
            &sources,
            None,
            !settings.skip_image_check,
            Mode::Report,
            out,
        )
        .await;
        print_aws_calls(settings.stats, &clients, out)?;
        let report = checked?;
        let text = match settings.json {
            true => format!("{}\n", json_report(&report, &desired, &sources)),
            false => human(&report, &desired),
        };
        out.product(&text)?;
        Ok(match report.has_errors() {
            true => Outcome::Exit(1),
            false => Outcome::Success,
        })
    })
}

fn human(report: &Report, desired: &Desired) -> String {
    let errors = report.findings.iter().filter(|f| f.error).count();
    let warnings = report.findings.len() - errors;
    let mut text = format!(
        "Verified `{}`: {} reference{} read from AWS.\n",
        desired.env,
        report.checked,
        plural(report.checked)
    );
    text.push_str(&match (errors, warnings) {
        (0, 0) => "No problems.\n".to_string(),
        (e, w) => format!(
            "{e} problem{}, {w} warning{} (above).\n",
            plural(e),
            plural(w)
        ),
    });
    if report.images_skipped {
        text.push_str("Not checked: the ECR images (--skip-image-check).\n");
    }
    if !report.other_images.is_empty() {
        let list: Vec<&str> = report.other_images.iter().map(String::as_str).collect();
        text.push_str(&format!(
            "Not checked: {} image{} outside ECR: {}.\n",
            list.len(),
            plural(list.len()),
            list.join(", ")
        ));
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `{formatVersion, app, env, checked, errors[], warnings[], notChecked{}}`; each finding with
/// its message, hint, the resources using it and where the spec wrote the value.
fn json_report(report: &Report, desired: &Desired, sources: &SourceMap) -> Value {
    let diags = diagnostics(report, desired);
    let entry = |d: &crate::diagnostic::Diagnostic, users: &[String]| {
        let file = sources.path(d.loc.file).map(|p| p.display().to_string());
        json!({
            "message": d.message,
            "hint": d.hint,
            "path": d.path,
            "file": file,
            "line": file.as_ref().map(|_| d.loc.line),
            "column": file.as_ref().map(|_| d.loc.col),
            "usedBy": users,
        })
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for (d, f) in diags.iter().zip(&report.findings) {
        match d.severity {
            Severity::Error => errors.push(entry(d, &f.users)),
            Severity::Warning => warnings.push(entry(d, &f.users)),
        }
    }
    json!({
        "formatVersion": "1.0",
        "app": desired.app,
        "env": desired.env,
        "checked": report.checked,
        "errors": errors,
        "warnings": warnings,
        "notChecked": {
            "ecrImages": report.images_skipped,
            "imagesOutsideEcr": report.other_images,
        },
    })
}
