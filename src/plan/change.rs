//! The diff's output vocabulary: which resource, what happens to it, and which fields differ.
//!
//! Owns `Address`, `ResourceKind`, `Action`, `Effect`, `FieldChange` and `ResourceChange`.
//! Must not decide anything: the diff fills these in and the renderers read them. A `reason`
//! is display-only; apply never branches on it.

use std::fmt;

use serde_json::Value;

/// The kinds of resource ecsctl manages, in the order apply creates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    IamRole,
    /// The EventBridge Scheduler group `{app}-{env}` (created with the roles: no dependencies).
    ScheduleGroup,
    LogGroup,
    Cluster,
    Namespace,
    DiscoveryService,
    TaskDefinition,
    /// After task definitions, the cluster, the group and the scheduler role it names.
    Schedule,
    Service,
    ScalingTarget,
    ScalingPolicy,
    /// A scheduled action on a scaling target.
    ScalingSchedule,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 12] = [
        ResourceKind::IamRole,
        ResourceKind::ScheduleGroup,
        ResourceKind::LogGroup,
        ResourceKind::Cluster,
        ResourceKind::Namespace,
        ResourceKind::DiscoveryService,
        ResourceKind::TaskDefinition,
        ResourceKind::Schedule,
        ResourceKind::Service,
        ResourceKind::ScalingTarget,
        ResourceKind::ScalingPolicy,
        ResourceKind::ScalingSchedule,
    ];

    /// The type part of an address (`service` in `service.api`); part of the public JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::IamRole => "iam_role",
            ResourceKind::LogGroup => "log_group",
            ResourceKind::Cluster => "cluster",
            ResourceKind::Namespace => "namespace",
            ResourceKind::DiscoveryService => "discovery_service",
            ResourceKind::TaskDefinition => "task_definition",
            ResourceKind::Service => "service",
            ResourceKind::ScalingTarget => "scaling_target",
            ResourceKind::ScalingPolicy => "scaling_policy",
            ResourceKind::ScalingSchedule => "scaling_schedule",
            ResourceKind::ScheduleGroup => "schedule_group",
            ResourceKind::Schedule => "schedule",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ResourceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Position in the apply order: a resource only depends on kinds with a smaller phase
    /// (roles and log groups before task definitions, namespaces before discovery services,
    /// task definitions before services, services before scaling).
    pub fn phase(self) -> u8 {
        self as u8
    }
}

/// `kind.name`, e.g. `service.api` or `log_group./ecs/ohi-prod/api`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    pub kind: ResourceKind,
    pub name: String,
}

impl Address {
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Self {
        Address {
            kind,
            name: name.into(),
        }
    }

    /// Parses `kind.name`; the name may itself contain dots (`namespace.ohi-prod.local`).
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, name) = text.split_once('.')?;
        Some(Address::new(ResourceKind::parse(kind)?, name))
    }

    /// `task_definition.FAMILY:REVISION`: one revision of a family (retention's deregistration,
    /// or a revision of someone else's kept), as opposed to `task_definition.FAMILY`, the whole
    /// family. A family name cannot hold `:` (RegisterTaskDefinition: letters, numbers,
    /// hyphens and underscores), so the form is unambiguous.
    pub fn revision(&self) -> Option<(&str, i32)> {
        if self.kind != ResourceKind::TaskDefinition {
            return None;
        }
        let (family, revision) = self.name.rsplit_once(':')?;
        Some((family, revision.parse().ok()?))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind.as_str(), self.name)
    }
}

/// What apply does to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    NoOp,
    Create,
    /// In place; for a task definition this is a new revision of the family.
    Update,
    /// Delete and create again: the change cannot be made in place.
    Replace,
    Delete,
}

impl Action {
    /// Terraform's symbols.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::NoOp => " ",
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
        }
    }

    /// The word used in the public JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::NoOp => "no-op",
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// What a change to one field costs. Ordered from cheapest to most disruptive, so the effect of
/// a resource's change is the maximum over its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// An update call changes it on the existing resource.
    InPlace,
    /// Task definitions are immutable: the family gets a new revision.
    NewRevision,
    /// Updated in place, but running tasks only pick it up through a new deployment.
    NewDeployment,
    /// Cannot be updated: the resource is deleted and created again.
    Replace,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::InPlace => "update-in-place",
            Effect::NewRevision => "new-revision",
            Effect::NewDeployment => "new-deployment",
            Effect::Replace => "replace",
        }
    }

    /// The note shown after a field in the human view; none for a plain in-place update.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Effect::InPlace => None,
            Effect::NewRevision => Some("new revision"),
            Effect::NewDeployment => Some("forces new deployment"),
            Effect::Replace => Some("forces replacement"),
        }
    }
}

/// One field that differs. `before` is None for a create (or a field AWS does not have yet),
/// `after` is None for a delete or a field being removed; `after_unknown` marks a value only
/// known after apply (a task definition revision number not yet registered).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// Dotted path in ecsctl's AWS-shaped view: `containerDefinitions.api.image`,
    /// `tags["ecsctl:env"]`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub after_unknown: bool,
    pub effect: Effect,
}

/// One resource and what apply does to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceChange {
    pub address: Address,
    pub action: Action,
    pub fields: Vec<FieldChange>,
    /// Display-only explanation (`new revision 7 of ohi-prod-api`, `reuses revision 6`).
    pub reason: Option<String>,
    /// For services: the update must force a new deployment (a capacity strategy change).
    pub force_new_deployment: bool,
    /// sha256 (hex) of the canonical live view this change was computed from (`absent` when
    /// the resource does not exist); the plan fingerprint is built from these.
    pub observed: String,
}

impl ResourceChange {
    /// The most disruptive effect among the fields, if any field changed.
    pub fn effect(&self) -> Option<Effect> {
        self.fields.iter().map(|f| f.effect).max()
    }

    pub fn is_noop(&self) -> bool {
        self.action == Action::NoOp
    }
}
