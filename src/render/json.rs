//! The machine view: the public, versioned JSON plan (`formatVersion` "1.5"), also the format of
//! a saved plan (`plan --out FILE`).
//!
//! Owns the `Json*` types, their conversion from and back to `Plan` and `SavedPlan`, the digest
//! that makes an edited plan file refused, and the JSON Schema derived from them (published as
//! docs/plan.schema.json, described in docs/plan-json.md). Versioning follows Terraform's: a
//! minor bump only adds fields, a major bump breaks; consumers ignore fields they do not know.
//! Must never serialise internal structs straight out, except the desired state under
//! `desired`, which is `ecsctl render --output json`'s own view and read back only by apply.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::plan::saved::{ECSCTL_VERSION, SavedPlan};
use crate::plan::{Action, Address, Effect, FieldChange, Plan, ResourceChange, Step, Target};

pub mod all;

pub const FORMAT_VERSION: &str = "1.5";

/// A plan of one environment: what `ecsctl plan --output json` prints and `--out` saves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    title = "ecsctl plan",
    description = "The plan of one ecsctl environment (format 1.x)."
)]
pub struct JsonPlan {
    /// `1.2`. Minor versions add fields; a new major version changes or removes them.
    pub format_version: String,
    pub app: String,
    pub env: String,
    pub region: String,
    /// The AWS account the plan was computed against.
    #[schemars(required, extend("type" = ["string", "null"]))]
    pub account_id: Option<String>,
    /// Present only on a partial plan (`plan -s NAME`): the services it is limited to. Its
    /// changes leave everything else out, and it deletes nothing outside them. Since 1.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<JsonTarget>,
    /// Present only with `--image`: what each flag set, every container whose spec image is in
    /// the same repository as the one it names. Since 1.2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<JsonImageNote>,
    /// Present only when apply will run `beforeDeploy` jobs (the plan deploys something): their
    /// names in `scheduledTasks`, in the order apply runs them, after registering the task
    /// definitions and before updating any service. Since 1.3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_deploy: Vec<String>,
    /// Present only with `--adopt` when it adopts something: the resources (addresses) the plan
    /// makes this environment's, which exist without any ecsctl ownership tags; `apply
    /// PLANFILE` adopts exactly these. Since 1.4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adopted: Vec<String>,
    /// Present only when the plan changes what the services the spec names cost a month in
    /// Fargate compute, and the region has prices: the total before and after, and each
    /// service whose cost moves (docs/cost.md). Since 1.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::plan::cost::PlanCost>,
    /// `sha256:<hex>` over the live state each change was computed from; apply refuses a saved
    /// plan whose fingerprint no longer matches.
    pub fingerprint: String,
    pub summary: JsonSummary,
    /// One entry per resource the spec names, no-ops included, in apply order.
    pub resource_changes: Vec<JsonResourceChange>,
    /// What apply runs, in order (no-ops omitted; deletions last, in reverse dependency order).
    pub steps: Vec<JsonStep>,
    /// The ecsctl version that made the plan; `apply PLANFILE` refuses a plan of another
    /// version. Since 1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecsctl_version: Option<String>,
    /// Whether the plan was made with `--delete-logs` (it decides which log groups the plan
    /// deletes). Since 1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_logs: Option<bool>,
    /// The desired state the plan was computed from, as `ecsctl render --output json` prints it:
    /// the exact values `apply PLANFILE` sends. Not a stable interface: read `resourceChanges`.
    /// Since 1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<Value>,
    /// `sha256:<hex>` of the canonical JSON (object keys sorted, no whitespace) of this document
    /// without `digest`: apply refuses a file whose content no longer matches. Since 1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// One `--image` flag and the containers it set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonImageNote {
    /// The flag as given, `NAME=IMAGE`.
    pub flag: String,
    /// The repository (registry and path, without tag or digest) of the named container's
    /// spec image; every container whose spec image is in it was set.
    pub repository: String,
    pub containers: Vec<JsonTouchedContainer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonTouchedContainer {
    /// `service` or `scheduledTask`.
    pub kind: JsonTouchedKind,
    /// The spec key of the service or scheduled task.
    pub name: String,
    pub container: String,
    /// Whether it is the task's main (first) container.
    pub main: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum JsonTouchedKind {
    Service,
    ScheduledTask,
}

impl JsonImageNote {
    fn of(n: &crate::plan::ImageNote) -> Self {
        use crate::plan::TouchedKind;
        JsonImageNote {
            flag: n.flag.clone(),
            repository: n.repository.clone(),
            containers: n
                .containers
                .iter()
                .map(|c| JsonTouchedContainer {
                    kind: match c.kind {
                        TouchedKind::Service => JsonTouchedKind::Service,
                        TouchedKind::ScheduledTask => JsonTouchedKind::ScheduledTask,
                    },
                    name: c.name.clone(),
                    container: c.container.clone(),
                    main: c.main,
                })
                .collect(),
        }
    }

    fn back(&self) -> crate::plan::ImageNote {
        use crate::plan::{ImageNote, TouchedContainer, TouchedKind};
        ImageNote {
            flag: self.flag.clone(),
            repository: self.repository.clone(),
            containers: self
                .containers
                .iter()
                .map(|c| TouchedContainer {
                    kind: match c.kind {
                        JsonTouchedKind::Service => TouchedKind::Service,
                        JsonTouchedKind::ScheduledTask => TouchedKind::ScheduledTask,
                    },
                    name: c.name.clone(),
                    container: c.container.clone(),
                    main: c.main,
                })
                .collect(),
        }
    }
}

/// What a partial plan is limited to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonTarget {
    /// The spec names of the services (`-s`), sorted; their scheduled tasks and the resources
    /// they use come with them.
    pub services: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonSummary {
    /// Creates plus replacements.
    pub add: u32,
    pub change: u32,
    /// Deletions plus replacements.
    pub destroy: u32,
    /// False exactly when `plan --detailed-exitcode` exits 0.
    pub has_changes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JsonResourceType {
    IamRole,
    LogGroup,
    Cluster,
    Namespace,
    DiscoveryService,
    TaskDefinition,
    Service,
    ScalingTarget,
    ScalingPolicy,
    ScalingSchedule,
    ScheduleGroup,
    Schedule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JsonAction {
    NoOp,
    Create,
    Update,
    Replace,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JsonEffect {
    UpdateInPlace,
    NewRevision,
    NewDeployment,
    Replace,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonResourceChange {
    /// `type.name`, e.g. `service.api`, `log_group./ecs/ohi-prod/api`.
    pub address: String,
    #[serde(rename = "type")]
    pub kind: JsonResourceType,
    pub name: String,
    pub action: JsonAction,
    /// For display only; never branch on it.
    #[schemars(required, extend("type" = ["string", "null"]))]
    pub reason: Option<String>,
    /// The service update must force a new deployment.
    pub force_new_deployment: bool,
    /// sha256 (hex) of the live view this change was computed from, or `absent`.
    pub observed: String,
    pub field_changes: Vec<JsonFieldChange>,
    /// True for `delete` and `replace`: the resource, and whatever it holds, goes away.
    /// Plans saved before this field existed lack it (read as false).
    #[serde(default)]
    pub destructive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonFieldChange {
    /// Dotted path in the AWS-shaped view: `containerDefinitions.api.image`, `tags["ecsctl:env"]`.
    pub path: String,
    /// Null when the field is being added.
    #[schemars(required)]
    pub before: Option<Value>,
    /// Null when the field is being removed or its value is only known after apply.
    #[schemars(required)]
    pub after: Option<Value>,
    pub after_unknown: bool,
    pub effect: JsonEffect,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonStep {
    /// 1-based position in the apply order.
    pub index: u32,
    pub address: String,
    /// Never `no-op`.
    pub action: JsonAction,
    pub fields: Vec<String>,
    pub force_new_deployment: bool,
}

/// Why a file is not a saved plan this ecsctl can apply.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    #[error(transparent)]
    Plan(#[from] JsonPlanError),
    #[error(
        "it has no `desired` values or `digest` (format {found}, saved by an ecsctl before 0.1.0's saved-plan contract), so apply cannot know exactly what was reviewed"
    )]
    Incomplete { found: String },
    #[error("its content was changed after `ecsctl plan` saved it (the digest does not match)")]
    Edited,
    #[error("it was made by ecsctl {found}; this is ecsctl {ECSCTL_VERSION}")]
    EcsctlVersion { found: String },
    #[error("its `desired` values are not valid: {0}")]
    Desired(serde_json::Error),
}

/// Why a JSON document is not a plan this version can use.
#[derive(Debug, thiserror::Error)]
pub enum JsonPlanError {
    #[error(
        "plan format `{found}` is not supported (this ecsctl reads {FORMAT_VERSION} and other 1.x)"
    )]
    Version { found: String },
    #[error("`{address}` is not a resource address ecsctl knows")]
    Address { address: String },
    #[error("invalid plan JSON: {source}")]
    Parse {
        #[from]
        source: serde_json::Error,
    },
}

impl JsonPlan {
    pub fn new(plan: &Plan) -> Self {
        let summary = plan.summary();
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        JsonPlan {
            format_version: FORMAT_VERSION.to_string(),
            app: plan.target.app.clone(),
            env: plan.target.env.clone(),
            region: plan.target.region.clone(),
            account_id: plan.target.account_id.clone(),
            target: plan.target.services.as_ref().map(|services| JsonTarget {
                services: services.clone(),
            }),
            images: plan.target.images.iter().map(JsonImageNote::of).collect(),
            before_deploy: plan.target.before_deploy.clone(),
            adopted: plan.target.adopted.clone(),
            cost: plan.target.cost.clone(),
            fingerprint: plan.fingerprint.clone(),
            summary: JsonSummary {
                add: n(summary.add),
                change: n(summary.change),
                destroy: n(summary.destroy),
                has_changes: !summary.is_empty(),
            },
            resource_changes: plan.changes.iter().map(change).collect(),
            steps: plan
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| step(n(i + 1), s))
                .collect(),
            ecsctl_version: None,
            delete_logs: None,
            desired: None,
            digest: None,
        }
    }

    /// The document of a plan that `apply PLANFILE` can run: the plan, its desired values and
    /// options, and the digest over all of it.
    pub fn saved(saved: &SavedPlan) -> Self {
        let mut doc = JsonPlan::new(&saved.plan);
        doc.ecsctl_version = Some(saved.ecsctl_version.clone());
        doc.delete_logs = Some(saved.delete_logs);
        // Sensitive values only as digests: apply reads them again from their source.
        let desired = crate::model::sensitive::digested(&saved.desired);
        doc.desired = Some(serde_json::to_value(&desired).expect("the desired state serialises"));
        doc.digest = Some(doc.content_digest());
        doc
    }

    /// `sha256:<hex>` of the canonical JSON of the document without its `digest`.
    fn content_digest(&self) -> String {
        let mut value = serde_json::to_value(self).expect("plan JSON always serialises");
        if let Value::Object(m) = &mut value {
            m.remove("digest");
        }
        let hash = crate::plan::fingerprint::digest_view(Some(&value));
        format!("sha256:{hash}")
    }

    /// Reads a saved plan back for `apply FILE`: refuses an edited file (digest), a plan made
    /// by another ecsctl version, and a plan without the values to apply.
    pub fn parse_saved(text: &str) -> Result<SavedPlan, SavedPlanError> {
        let doc: JsonPlan = serde_json::from_str(text).map_err(JsonPlanError::from)?;
        let plan = doc.to_plan()?;
        let (Some(desired), Some(digest), Some(version)) =
            (&doc.desired, &doc.digest, &doc.ecsctl_version)
        else {
            return Err(SavedPlanError::Incomplete {
                found: doc.format_version.clone(),
            });
        };
        // Canonical form: whitespace and key order may change (a pretty-printer), values may not.
        if digest != &doc.content_digest() {
            return Err(SavedPlanError::Edited);
        }
        if version != ECSCTL_VERSION {
            return Err(SavedPlanError::EcsctlVersion {
                found: version.clone(),
            });
        }
        let desired = serde_json::from_value(desired.clone()).map_err(SavedPlanError::Desired)?;
        Ok(SavedPlan {
            plan,
            desired,
            delete_logs: doc.delete_logs.unwrap_or(false),
            ecsctl_version: version.clone(),
        })
    }

    /// Reads a saved plan back (`apply FILE`); any 1.x version is accepted.
    pub fn parse(text: &str) -> Result<Plan, JsonPlanError> {
        let doc: JsonPlan = serde_json::from_str(text)?;
        doc.to_plan()
    }

    pub fn to_plan(&self) -> Result<Plan, JsonPlanError> {
        if self.format_version.split('.').next() != Some("1") {
            return Err(JsonPlanError::Version {
                found: self.format_version.clone(),
            });
        }
        let address = |a: &str| {
            Address::parse(a).ok_or_else(|| JsonPlanError::Address {
                address: a.to_string(),
            })
        };
        let changes = self
            .resource_changes
            .iter()
            .map(|c| {
                Ok(ResourceChange {
                    address: address(&c.address)?,
                    action: action_back(c.action),
                    fields: c.field_changes.iter().map(field_back).collect(),
                    reason: c.reason.clone(),
                    force_new_deployment: c.force_new_deployment,
                    observed: c.observed.clone(),
                })
            })
            .collect::<Result<Vec<_>, JsonPlanError>>()?;
        let steps = self
            .steps
            .iter()
            .map(|s| {
                Ok(Step {
                    address: address(&s.address)?,
                    action: action_back(s.action),
                    fields: s.fields.clone(),
                    force_new_deployment: s.force_new_deployment,
                })
            })
            .collect::<Result<Vec<_>, JsonPlanError>>()?;
        let target = Target {
            app: self.app.clone(),
            env: self.env.clone(),
            region: self.region.clone(),
            account_id: self.account_id.clone(),
            services: self.target.as_ref().map(|t| t.services.clone()),
            images: self.images.iter().map(JsonImageNote::back).collect(),
            before_deploy: self.before_deploy.clone(),
            adopted: self.adopted.clone(),
            cost: self.cost.clone(),
        };
        Ok(Plan {
            target,
            changes,
            steps,
            fingerprint: self.fingerprint.clone(),
        })
    }
}

/// The document as pretty JSON text ending in a newline: exactly one JSON document.
pub fn render(plan: &Plan) -> String {
    pretty(&JsonPlan::new(plan))
}

/// A saved plan's document (`plan --out FILE`, and `plan --output json`, which is the same).
pub fn render_saved(saved: &SavedPlan) -> String {
    pretty(&JsonPlan::saved(saved))
}

fn pretty(doc: &JsonPlan) -> String {
    let mut text = serde_json::to_string_pretty(doc).expect("plan JSON always serialises");
    text.push('\n');
    text
}

/// The JSON Schema of `JsonPlan`, as published in docs/plan.schema.json.
pub fn schema() -> String {
    let mut text =
        serde_json::to_string_pretty(&schemars::schema_for!(JsonPlan)).expect("schema serialises");
    text.push('\n');
    text
}

fn change(c: &ResourceChange) -> JsonResourceChange {
    JsonResourceChange {
        address: c.address.to_string(),
        kind: kind(c.address.kind),
        name: c.address.name.clone(),
        action: action(c.action),
        reason: c.reason.clone(),
        force_new_deployment: c.force_new_deployment,
        observed: c.observed.clone(),
        field_changes: c.fields.iter().map(field).collect(),
        destructive: matches!(c.action, Action::Delete | Action::Replace),
    }
}

fn field(f: &FieldChange) -> JsonFieldChange {
    JsonFieldChange {
        path: f.path.clone(),
        before: f.before.clone(),
        after: f.after.clone(),
        after_unknown: f.after_unknown,
        effect: match f.effect {
            Effect::InPlace => JsonEffect::UpdateInPlace,
            Effect::NewRevision => JsonEffect::NewRevision,
            Effect::NewDeployment => JsonEffect::NewDeployment,
            Effect::Replace => JsonEffect::Replace,
        },
    }
}

fn field_back(f: &JsonFieldChange) -> FieldChange {
    FieldChange {
        path: f.path.clone(),
        before: f.before.clone(),
        after: f.after.clone(),
        after_unknown: f.after_unknown,
        effect: match f.effect {
            JsonEffect::UpdateInPlace => Effect::InPlace,
            JsonEffect::NewRevision => Effect::NewRevision,
            JsonEffect::NewDeployment => Effect::NewDeployment,
            JsonEffect::Replace => Effect::Replace,
        },
    }
}

fn step(index: u32, s: &Step) -> JsonStep {
    JsonStep {
        index,
        address: s.address.to_string(),
        action: action(s.action),
        fields: s.fields.clone(),
        force_new_deployment: s.force_new_deployment,
    }
}

fn kind(k: crate::plan::ResourceKind) -> JsonResourceType {
    use crate::plan::ResourceKind as K;
    match k {
        K::IamRole => JsonResourceType::IamRole,
        K::LogGroup => JsonResourceType::LogGroup,
        K::Cluster => JsonResourceType::Cluster,
        K::Namespace => JsonResourceType::Namespace,
        K::DiscoveryService => JsonResourceType::DiscoveryService,
        K::TaskDefinition => JsonResourceType::TaskDefinition,
        K::Service => JsonResourceType::Service,
        K::ScalingTarget => JsonResourceType::ScalingTarget,
        K::ScalingPolicy => JsonResourceType::ScalingPolicy,
        K::ScalingSchedule => JsonResourceType::ScalingSchedule,
        K::ScheduleGroup => JsonResourceType::ScheduleGroup,
        K::Schedule => JsonResourceType::Schedule,
    }
}

fn action(a: Action) -> JsonAction {
    match a {
        Action::NoOp => JsonAction::NoOp,
        Action::Create => JsonAction::Create,
        Action::Update => JsonAction::Update,
        Action::Replace => JsonAction::Replace,
        Action::Delete => JsonAction::Delete,
    }
}

fn action_back(a: JsonAction) -> Action {
    match a {
        JsonAction::NoOp => Action::NoOp,
        JsonAction::Create => Action::Create,
        JsonAction::Update => Action::Update,
        JsonAction::Replace => Action::Replace,
        JsonAction::Delete => Action::Delete,
    }
}

#[cfg(test)]
mod schema_check;
