//! `TaskSpec`: one task as written, whether it came from a service or a scheduled task, with
//! its settings already resolved by precedence (service, then `defaults`, then environment).
//!
//! Owns that resolution, by reusing the overlay `Merge` so the precedence rules are the same as
//! between files. Must not check values: the per-concept builders do, keeping locations.

use crate::raw_struct;
use crate::spec::merge::Merge;
use crate::spec::raw::*;
use crate::spec::raw_values::*;
use crate::spec::span::Sp;
use crate::spec::spmap::SpMap;

raw_struct! {
    /// The fields that make a task definition and how it runs, common to services and
    /// scheduled tasks. Not part of the spec's schema.
    pub struct TaskSpec {
        pub image: Option<Sp<String>>,
        pub command: Option<SpList<String>>,
        pub entry_point: Option<SpList<String>>,
        pub working_directory: Option<Sp<String>>,
        pub user: Option<Sp<String>>,
        pub ports: Option<SpList<RawPort>>,
        pub env: Option<SpMap<Sp<Scalar>>>,
        pub sensitive: Option<SpList<String>>,
        pub secrets: Option<SpMap<Sp<RawSecret>>>,
        pub health_check: Option<RawHealthCheck>,
        pub stop_timeout: Option<Sp<u32>>,
        pub start_timeout: Option<Sp<u32>>,
        pub linux_parameters: Option<RawLinuxParameters>,
        pub system_controls: Option<SpMap<Sp<Scalar>>>,
        pub repository_credentials: Option<Sp<String>>,
        pub environment_files: Option<SpList<String>>,
        pub ulimits: Option<SpMap<Sp<RawUlimit>>>,
        pub labels: Option<SpMap<Sp<Scalar>>>,
        pub depends_on: Option<SpMap<Sp<DependencyCondition>>>,
        pub mounts: Option<Sp<Vec<RawMount>>>,
        pub readonly_root_filesystem: Option<Sp<bool>>,
        pub container_cpu: Option<Sp<u32>>,
        pub container_memory: Option<Sp<u32>>,
        pub container_memory_reservation: Option<Sp<u32>>,
        pub container_name: Option<Sp<String>>,
        pub cpu: Option<Sp<Size>>,
        pub memory: Option<Sp<Size>>,
        pub architecture: Option<Sp<Architecture>>,
        pub ephemeral_storage: Option<Sp<u32>>,
        pub volumes: Option<SpMap<RawVolume>>,
        pub sidecars: Option<SpMap<RawSidecar>>,
        pub task_role: Option<RawTaskRole>,
        pub execution_role_arn: Option<Sp<String>>,
        pub capacity: Option<Sp<RawCapacity>>,
        pub network: Option<RawNetwork>,
        pub logs: Option<RawLogs>,
        pub platform_version: Option<Sp<String>>,
        pub tags: Option<SpMap<Sp<Scalar>>>,
    }
}

macro_rules! task_spec_from {
    ($src:expr) => {{
        let s = $src;
        TaskSpec {
            image: s.image.clone(),
            command: s.command.clone(),
            entry_point: s.entry_point.clone(),
            working_directory: s.working_directory.clone(),
            user: s.user.clone(),
            ports: s.ports.clone(),
            env: s.env.clone(),
            sensitive: s.sensitive.clone(),
            secrets: s.secrets.clone(),
            health_check: s.health_check.clone(),
            stop_timeout: s.stop_timeout.clone(),
            start_timeout: s.start_timeout.clone(),
            linux_parameters: s.linux_parameters.clone(),
            system_controls: s.system_controls.clone(),
            repository_credentials: s.repository_credentials.clone(),
            environment_files: s.environment_files.clone(),
            ulimits: s.ulimits.clone(),
            labels: s.labels.clone(),
            depends_on: s.depends_on.clone(),
            mounts: s.mounts.clone(),
            readonly_root_filesystem: s.readonly_root_filesystem.clone(),
            container_cpu: s.container_cpu.clone(),
            container_memory: s.container_memory.clone(),
            container_memory_reservation: s.container_memory_reservation.clone(),
            container_name: s.container_name.clone(),
            cpu: s.cpu.clone(),
            memory: s.memory.clone(),
            architecture: s.architecture.clone(),
            ephemeral_storage: s.ephemeral_storage.clone(),
            volumes: s.volumes.clone(),
            sidecars: s.sidecars.clone(),
            task_role: s.task_role.clone(),
            execution_role_arn: s.execution_role_arn.clone(),
            capacity: s.capacity.clone(),
            network: s.network.clone(),
            logs: s.logs.clone(),
            platform_version: s.platform_version.clone(),
            tags: s.tags.clone(),
        }
    }};
}

impl TaskSpec {
    pub fn from_service(s: &RawService) -> Self {
        task_spec_from!(s)
    }

    pub fn from_scheduled(s: &RawScheduledTask) -> Self {
        task_spec_from!(s)
    }

    /// Whether this (a scheduled task's own fields) changes the task definition itself, so it
    /// cannot reuse its service's and needs its own family.
    pub fn changes_task_definition(&self) -> bool {
        let run_only = TaskSpec {
            capacity: self.capacity.clone(),
            network: self.network.clone(),
            platform_version: self.platform_version.clone(),
            tags: self.tags.clone(),
            ..TaskSpec::default()
        };
        *self != run_only
    }
}

/// A service with its unset fields filled from merged `defaults` (maps merge key by key).
///
/// `autoscaling` is the exception: `defaults.autoscaling` reaches only services that turn
/// autoscaling on (`model::autoscaling::with_defaults`).
pub fn merged_service(raw: &RawProject, service: &RawService) -> RawService {
    let mut merged = raw.defaults.clone().unwrap_or_default();
    merged.merge(service.clone());
    let defaults = raw.defaults.as_ref().and_then(|d| d.autoscaling.as_ref());
    merged.autoscaling = super::autoscaling::with_defaults(defaults, service.autoscaling.as_ref());
    merged
}

/// The task of a service already merged with `defaults`, over the environment's settings.
pub fn service_task(raw: &RawProject, merged: &RawService) -> TaskSpec {
    let mut spec = environment_base(raw);
    spec.merge(TaskSpec::from_service(merged));
    spec
}

/// The lowest layer: the environment's `network`, `capacity` and `logs`.
pub fn environment_base(raw: &RawProject) -> TaskSpec {
    TaskSpec {
        capacity: raw.capacity.clone(),
        network: raw.network.clone(),
        logs: raw.logs.clone(),
        ..TaskSpec::default()
    }
}

/// A scheduled task's settings: over its service's (when `service:` names one) or over the
/// environment's.
pub fn resolve_scheduled(
    raw: &RawProject,
    task: &RawScheduledTask,
    service: Option<&RawService>,
) -> TaskSpec {
    let mut spec = match service {
        Some(s) => service_task(raw, &merged_service(raw, s)),
        None => environment_base(raw),
    };
    spec.merge(TaskSpec::from_scheduled(task));
    spec
}
