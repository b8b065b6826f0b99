//! The plan: plain data describing what apply would do to one environment.
//!
//! Owns `Plan` (the changes from the diff, the ordered steps, the summary and the fingerprint
//! of the live state read). Must not talk to AWS, print, or decide what changed (that is
//! `diff`); renderers in `render` turn a `Plan` into text, and apply executes its steps.

pub mod change;
pub mod cost;
pub mod fingerprint;
pub mod saved;
pub mod step;
pub mod summary;

pub use change::{Action, Address, Effect, FieldChange, ResourceChange, ResourceKind};
pub use step::Step;
pub use summary::Summary;

/// Which environment a plan is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub app: String,
    pub env: String,
    pub region: String,
    pub account_id: Option<String>,
    /// A partial plan's services (`plan -s`, spec keys, sorted); `None` for the whole
    /// environment. Renderers say the plan is partial.
    pub services: Option<Vec<String>>,
    /// What each `--image` flag set (`model::override`): the containers it reached because
    /// they use the same repository. Empty without `--image`.
    pub images: Vec<ImageNote>,
    /// `beforeDeploy`: the jobs apply runs after registering the task definitions and before
    /// updating any service; empty when the plan deploys nothing (`deploys`).
    pub before_deploy: Vec<String>,
    /// The resources `--adopt` makes this environment's (addresses): they exist without any
    /// ecsctl ownership tags, and the plan adds them. Apply of a saved plan adopts exactly these.
    pub adopted: Vec<String>,
    /// What the plan changes in the monthly Fargate compute, when it changes it and the region
    /// has prices (`cost::change`).
    pub cost: Option<cost::PlanCost>,
}

/// One `--image` flag and every container it set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageNote {
    /// The flag as given, `NAME=IMAGE`.
    pub flag: String,
    /// The repository (registry and path, no tag) of the named container's spec image.
    pub repository: String,
    pub containers: Vec<TouchedContainer>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TouchedContainer {
    pub kind: TouchedKind,
    /// The service's or scheduled task's spec key.
    pub name: String,
    pub container: String,
    /// Whether it is the task's main (first) container.
    pub main: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TouchedKind {
    Service,
    ScheduledTask,
}

impl std::fmt::Display for TouchedContainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            TouchedKind::Service => "",
            TouchedKind::ScheduledTask => "scheduled task ",
        };
        if self.main {
            write!(f, "{kind}`{}`", self.name)
        } else {
            write!(f, "{kind}`{}/{}`", self.name, self.container)
        }
    }
}

impl ImageNote {
    /// One line for the plan's header: `--image web=…:v2 set `web`, `worker`, scheduled task
    /// `migrate` (same repository `…`)`.
    pub fn line(&self) -> String {
        let set: Vec<String> = self.containers.iter().map(|c| c.to_string()).collect();
        format!(
            "--image {} set {} (every container whose image is in `{}`)",
            self.flag,
            set.join(", "),
            self.repository
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub target: Target,
    /// Every resource the spec names, no-ops included (so a saved plan records what it read).
    pub changes: Vec<ResourceChange>,
    pub steps: Vec<Step>,
    /// `sha256:<hex>` of the live state the changes were computed from.
    pub fingerprint: String,
}

impl Plan {
    pub fn new(target: Target, changes: Vec<ResourceChange>) -> Self {
        let steps = step::order(&changes);
        let fingerprint = fingerprint::fingerprint(&changes);
        Plan {
            target,
            changes,
            steps,
            fingerprint,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary::count(&self.changes)
    }

    pub fn has_changes(&self) -> bool {
        !self.summary().is_empty()
    }

    /// The `beforeDeploy` jobs this plan runs: all of `jobs` when it deploys something
    /// (`deploys`), none otherwise (a converged plan, or one that only prunes or scales).
    pub fn before_deploy(jobs: &[String], changes: &[ResourceChange]) -> Vec<String> {
        match Plan::deploys(changes) {
            true => jobs.to_vec(),
            false => Vec::new(),
        }
    }

    /// Whether applying starts new code: a task definition gets a new revision, or a service
    /// is created or replaced. Only then do the `beforeDeploy` jobs run.
    pub fn deploys(changes: &[ResourceChange]) -> bool {
        changes.iter().any(|c| match c.address.kind {
            ResourceKind::TaskDefinition => matches!(c.action, Action::Create | Action::Update),
            ResourceKind::Service => matches!(c.action, Action::Create | Action::Replace),
            _ => false,
        })
    }

    /// The changes that do something, in diff order.
    pub fn actionable(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes.iter().filter(|c| !c.is_noop())
    }
}
