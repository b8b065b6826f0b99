//! The machine view of `plan --all`: one JSON document (`kind` "ecsctl-plan-all",
//! `formatVersion` "1.0") holding every environment's plan document exactly as
//! `plan -e ENV --output json` writes it, so a CI can split it (`jq '.environments[0].plan'`
//! is that environment's saved plan, digest included), or why the environment has none.
//!
//! Owns the envelope's `JsonPlanAll*` types (described in docs/plan-json.md, their schema
//! published as docs/plan-all.schema.json); versioned on its
//! own, with the plan format's rules: a minor version only adds fields. Must not change or
//! re-word the plans it holds: they are `JsonPlan::saved`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::JsonPlan;
use crate::render::all::{EnvOutcome, EnvReport, Totals};

/// Tells the envelope from a plan of one environment, which has no `kind`.
pub const KIND: &str = "ecsctl-plan-all";
pub const ALL_FORMAT_VERSION: &str = "1.0";

/// What `ecsctl plan --all --output json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    title = "ecsctl plan --all",
    description = "The plans of every environment of an ecsctl project (envelope format 1.x), each a plan document of format 1.x."
)]
pub struct JsonPlanAll {
    /// Always `ecsctl-plan-all`.
    pub kind: String,
    /// `1.0`. Minor versions add fields; a new major version changes or removes them.
    pub format_version: String,
    pub summary: JsonPlanAllSummary,
    /// One entry per file in `environments/`, sorted by name.
    pub environments: Vec<JsonEnvPlan>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonPlanAllSummary {
    /// Summed over the planned environments, counted as each plan's `summary`.
    pub add: u32,
    pub change: u32,
    pub destroy: u32,
    /// Some planned environment has changes: with `--detailed-exitcode`, exit 2 unless one failed.
    pub has_changes: bool,
    pub environments: u32,
    /// Environments without a plan (`status` "failed"): the exit status is then 1.
    pub failed: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JsonEnvStatus {
    Planned,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonEnvPlan {
    pub env: String,
    pub status: JsonEnvStatus,
    /// The spec's `protected` (null when the environment failed before its spec was built).
    #[schemars(required, extend("type" = ["boolean", "null"]))]
    pub protected: Option<bool>,
    /// The environment's plan document (format 1.2), as `plan -e ENV --output json` writes it;
    /// null when it failed.
    #[schemars(required, extend("type" = ["object", "null"]))]
    pub plan: Option<JsonPlan>,
    /// Why the environment has no plan, worded as `plan -e ENV` words it; null when planned.
    #[schemars(required, extend("type" = ["string", "null"]))]
    pub error: Option<String>,
}

impl JsonPlanAll {
    pub fn new(reports: &[EnvReport]) -> Self {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let t = Totals::of(reports);
        JsonPlanAll {
            kind: KIND.to_string(),
            format_version: ALL_FORMAT_VERSION.to_string(),
            summary: JsonPlanAllSummary {
                add: n(t.summary.add),
                change: n(t.summary.change),
                destroy: n(t.summary.destroy),
                has_changes: t.has_changes(),
                environments: n(t.environments),
                failed: n(t.failed),
            },
            environments: reports.iter().map(env_plan).collect(),
        }
    }
}

fn env_plan(r: &EnvReport) -> JsonEnvPlan {
    let (status, plan, error) = match &r.outcome {
        EnvOutcome::Planned(saved) => (JsonEnvStatus::Planned, Some(JsonPlan::saved(saved)), None),
        EnvOutcome::Failed(e) => (JsonEnvStatus::Failed, None, Some(e.clone())),
    };
    JsonEnvPlan {
        env: r.env.clone(),
        status,
        protected: r.protected(),
        plan,
        error,
    }
}

/// The envelope as pretty JSON text ending in a newline: exactly one JSON document.
pub fn render(reports: &[EnvReport]) -> String {
    let mut text =
        serde_json::to_string_pretty(&JsonPlanAll::new(reports)).expect("plan JSON serialises");
    text.push('\n');
    text
}

/// The JSON Schema of `JsonPlanAll`, as published in docs/plan-all.schema.json.
pub fn schema() -> String {
    let mut text = serde_json::to_string_pretty(&schemars::schema_for!(JsonPlanAll))
        .expect("schema serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::all::tests::{failed, planned};

    /// Splitting the envelope gives each environment's `plan -e ENV --output json` text, which
    /// `apply PLANFILE` reads back (its digest still matches).
    #[test]
    fn each_environments_plan_is_its_plan_e_document_and_splits_back_out() {
        let reports = [planned("dev", false, false), planned("prod", true, true)];
        let doc: Value = serde_json::from_str(&render(&reports)).unwrap();
        for (i, r) in reports.iter().enumerate() {
            let single = crate::render::json::render_saved(r.saved().unwrap());
            let mut split = serde_json::to_string_pretty(&doc["environments"][i]["plan"]).unwrap();
            split.push('\n');
            assert_eq!(split, single, "{}", r.env);
            let back = JsonPlan::parse_saved(&split).expect("a saved plan");
            assert_eq!(back.plan.target.env, r.env);
        }
    }

    #[test]
    fn the_envelope_has_a_kind_a_version_totals_and_failed_environments() {
        let reports = [planned("dev", false, false), failed("other")];
        let doc: Value = serde_json::from_str(&render(&reports)).unwrap();
        assert_eq!(doc["kind"], "ecsctl-plan-all");
        assert_eq!(doc["formatVersion"], "1.0");
        assert_eq!(
            doc["summary"],
            json!({"add": 0, "change": 0, "destroy": 0, "hasChanges": false, "environments": 2, "failed": 1})
        );
        assert_eq!(doc["environments"][0]["status"], "planned");
        assert_eq!(doc["environments"][0]["protected"], false);
        assert_eq!(doc["environments"][0]["error"], Value::Null);
        let other = &doc["environments"][1];
        assert_eq!(
            (
                &other["env"],
                &other["status"],
                &other["protected"],
                &other["plan"]
            ),
            (
                &json!("other"),
                &json!("failed"),
                &Value::Null,
                &Value::Null
            )
        );
        assert!(
            other["error"]
                .as_str()
                .unwrap()
                .starts_with("the spec pins account `111111111111`")
        );
    }

    /// The published schema is the types' own, and real output validates against it.
    #[test]
    fn the_published_envelope_schema_is_current_and_output_validates() {
        // After changing a JsonPlanAll* type, regenerate the file with:
        //   ECSCTL_BLESS=1 cargo test --lib the_published_envelope_schema
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan-all.schema.json");
        if std::env::var_os("ECSCTL_BLESS").is_some() {
            std::fs::write(path, schema()).unwrap();
        }
        let published = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(published, schema(), "docs/plan-all.schema.json is stale");
        let root: Value = serde_json::from_str(&published).unwrap();
        let reports = [
            planned("dev", false, false),
            planned("prod", true, true),
            failed("x"),
        ];
        let doc: Value = serde_json::from_str(&render(&reports)).unwrap();
        let mut errors = Vec::new();
        crate::render::json::schema_check::validate(&root, &root, &doc, "", &mut errors);
        assert_eq!(errors, Vec::<String>::new());
        let mut bad = doc.clone();
        bad["environments"][0]["status"] = json!("maybe");
        crate::render::json::schema_check::validate(&root, &root, &bad, "", &mut errors);
        assert!(!errors.is_empty(), "an unknown status was accepted");
    }
}
