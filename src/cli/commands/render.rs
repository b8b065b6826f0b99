//! `ecsctl render -e ENV`: the fully resolved desired state of one environment, on stdout.
//!
//! Owns the rendered document: a small versioned wrapper (`JsonRenderDocument`) around the
//! model's `Desired`, written as YAML or JSON. Must not resolve or validate anything itself
//! (that is `spec::load` and `model::build`) and must not touch AWS: `{account_id}` stays as
//! written unless the spec pins `account:`.

use serde::Serialize;

use crate::cli::args::RenderFormat;
use crate::cli::error::{CliError, Outcome};
use crate::cli::output::{Label, Output};
use crate::cli::project::load_and_build;
use crate::cli::settings::{Globals, RenderSettings};
use crate::cli::target::report;
use crate::model::iam::EXEC_ACTIONS;
use crate::model::{Desired, RoleRef};

/// The version of the rendered document's shape; bump it when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// What `render` prints: public and versioned, so scripts can rely on it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonRenderDocument<'a> {
    pub format_version: u32,
    pub app: &'a str,
    pub env: &'a str,
    pub region: &'a str,
    /// The account the spec pins, or null when plan learns it from the credentials.
    pub account: Option<&'a str>,
    pub resources: &'a Desired,
}

impl<'a> JsonRenderDocument<'a> {
    pub fn new(desired: &'a Desired) -> Self {
        JsonRenderDocument {
            format_version: FORMAT_VERSION,
            app: &desired.app,
            env: &desired.env,
            region: &desired.region,
            account: desired.account_id.as_deref(),
            resources: desired,
        }
    }
}

/// The document as text, ending in a newline.
pub fn render_document(desired: &Desired, format: RenderFormat) -> Result<String, anyhow::Error> {
    // Both formats serialise the same typed document straight out (no intermediate
    // `serde_json::Value`, which cost a third of render time on 500 services); the exact-output
    // tests pin that YAML and JSON show the same fields in the same order.
    // Sensitive env values are shown as a marker; the clone is paid only when there are some.
    let redacted;
    let desired = if crate::model::sensitive::places(desired).is_empty() {
        desired
    } else {
        redacted = crate::model::sensitive::redacted(desired);
        &redacted
    };
    let document = JsonRenderDocument::new(desired);
    Ok(match format {
        RenderFormat::Json => {
            let mut text = serde_json::to_string_pretty(&document)?;
            text.push('\n');
            text
        }
        RenderFormat::Yaml => {
            let text = serde_saphyr::to_string(&document)?;
            if text.ends_with('\n') {
                text
            } else {
                text + "\n"
            }
        }
    })
}

pub fn run(
    globals: &Globals,
    settings: &RenderSettings,
    out: &mut Output,
) -> Result<Outcome, CliError> {
    crate::cli::project::require_project(&globals.dir)?;
    let desired = report(load_and_build(&globals.dir, &settings.env, None), true, out)?;
    let text = render_document(&desired, settings.format)?;
    out.product(&text)?;
    if desired.account_id.is_none() && text.contains("{account_id}") {
        out.line(
            Label::Note,
            "`{account_id}` is resolved from your AWS credentials at plan time",
        )?;
    }
    for note in exec_notes(&desired) {
        out.line(Label::Note, &note)?;
    }
    Ok(Outcome::Success)
}

/// What `enableExecuteCommand` added: ECS Exec works only when the task role may open the
/// SSM channels, so render names the role that now grants them (and the actions).
fn exec_notes(desired: &Desired) -> Vec<String> {
    desired
        .services
        .iter()
        .filter(|s| s.enable_execute_command)
        .filter_map(|s| {
            let td = desired
                .task_definitions
                .iter()
                .find(|t| t.family == s.family)?;
            match td.task_role.as_ref()? {
                RoleRef::Owned(role) => Some(format!(
                    "`{}` has enableExecuteCommand: its task role `{role}` grants {} (statement `EcsExec`)",
                    s.key,
                    EXEC_ACTIONS.join(", ")
                )),
                RoleRef::External(_) => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_writer_round_trips_awkward_strings() {
        let value = serde_json::json!({
            "image": "{account_id}.dkr.ecr.{region}.amazonaws.com/web:${IMAGE_TAG}",
            "empty": {}, "none": [], "null": null, "yes": "yes", "num": "8080", "f": 60.0,
            "multi": "a\nb", "colon": "a: b", "hash": "# x",
        });
        let text = serde_saphyr::to_string(&value).unwrap();
        let back: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, value, "YAML was:\n{text}");
    }
}
