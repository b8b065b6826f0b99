//! A task definition with everything that exists for it: its log group and its roles.
//!
//! Owns assembling the containers (main first, then sidecars), the checks that span the task
//! (unique container names and ports, `dependsOn` and mount targets) and the family and role
//! names. Must not know services or schedules: callers pass the resolved `TaskSpec`.

use std::collections::HashMap;

use super::container::{ContainerInput, ContainerNeeds, container};
use super::iam::{ExecutionNeeds, TaskRoleNeeds, execution_role, task_role};
use super::logs::{TaskLogs, task_logs};
use super::names::NameKind;
use super::resources::*;
use super::scope::Scope;
use super::size::{platform_version, task_size};
use super::task_spec::TaskSpec;
use super::validate::check_name;
use super::volumes::{ephemeral_storage, volumes};
use crate::container_input;
use crate::spec::raw::{RawNames, RawProject};
use crate::spec::raw_values::ExecutionRoleMode;
use crate::spec::span::{Loc, Sp};

pub struct TaskInput<'a> {
    pub raw: &'a RawProject,
    /// The service or scheduled task key (what `{service}` means).
    pub key: &'a str,
    pub at: String,
    pub key_loc: Loc,
    pub spec: &'a TaskSpec,
    /// Where `enableExecuteCommand: true` was written (services only): the task role then
    /// grants ECS Exec.
    pub exec: Option<Loc>,
    pub tags: Tags,
}

pub struct BuiltTask {
    pub def: TaskDefinition,
    /// The EBS volume's settings (the service configures it), and where it is named.
    pub ebs: Option<(EbsVolume, Loc)>,
    pub logs: TaskLogs,
    pub roles: Vec<Role>,
    pub main_container: String,
    pub platform_version: String,
    /// Where each final name was decided (template or key), for duplicate-name errors.
    pub family_loc: Loc,
    pub role_locs: Vec<Loc>,
}

/// A name from `names.<field>` or the built-in default, checked against `kind`'s rules.
pub fn named(
    cx: &Scope,
    template: Option<&Sp<String>>,
    default: &str,
    field: &str,
    input_key: (&str, Loc),
    kind: NameKind,
) -> (String, Loc) {
    let (key, key_loc) = input_key;
    let path = format!("names.{field}");
    let (name, loc) = match template {
        Some(t) => (cx.name(t, &path, Some(key)), t.loc),
        None => (cx.default_name(default, key_loc, &path, Some(key)), key_loc),
    };
    // A template that failed to expand was reported already; its name is not checked again.
    if let Some(name) = &name {
        check_name(cx, kind, name, loc, &path);
    }
    (name.unwrap_or_default(), loc)
}

/// `executionRole: shared`: the environment's one execution role, its name and where it was
/// decided; None per service. Its name is `names.executionRole` when that names no
/// `{service}`, else `{app}-{env}-exec`. `model::build` merges what each task needs into it.
pub fn shared_execution_role(
    cx: &Scope,
    raw: &RawProject,
    names: Option<&RawNames>,
) -> Option<(String, Loc)> {
    let mode = raw
        .execution_role
        .as_ref()
        .filter(|m| m.value == ExecutionRoleMode::Shared)?;
    let template = names.and_then(|n| n.execution_role.as_ref());
    let (name, loc) = match template {
        Some(t) if t.value.contains("{service}") => {
            cx.error_hint(
                t.loc,
                "names.executionRole",
                format!(
                    "`{}` names one role per service, but `executionRole: shared` asks for one role",
                    t.value
                ),
                "drop `{service}` from the template (e.g. `{app}-{env}-exec`), or set `executionRole: perService`",
            );
            return Some((String::new(), t.loc));
        }
        Some(t) => (
            cx.name(t, "names.executionRole", None).unwrap_or_default(),
            t.loc,
        ),
        None => (format!("{}-{}-exec", cx.app, cx.env), mode.loc),
    };
    if !name.is_empty() {
        check_name(cx, NameKind::Role, &name, loc, "names.executionRole");
    }
    Some((name, loc))
}

pub fn build_task(cx: &Scope, names: Option<&RawNames>, t: &TaskInput) -> BuiltTask {
    let key = (t.key, t.key_loc);
    let (family, family_loc) = named(
        cx,
        names.and_then(|n| n.family.as_ref()),
        "{app}-{env}-{service}",
        "family",
        key,
        NameKind::Family,
    );
    // The shared role is the environment's: a service's own `names` do not rename it.
    let (exec_name, exec_loc) = match shared_execution_role(cx, t.raw, t.raw.names.as_ref()) {
        Some(shared) => shared,
        None => named(
            cx,
            names.and_then(|n| n.execution_role.as_ref()),
            "{app}-{env}-{service}-exec",
            "executionRole",
            key,
            NameKind::Role,
        ),
    };
    let logs = task_logs(
        cx,
        t.raw,
        t.spec.logs.as_ref(),
        t.key,
        &t.at,
        t.key_loc,
        &t.tags,
    );
    let main_name = match &t.spec.container_name {
        Some(n) => cx
            .text(n, &format!("{}.containerName", t.at))
            .unwrap_or_default(),
        None => t.key.to_string(),
    };
    let inputs = container_inputs(t, &main_name);
    let mut needs = ContainerNeeds::default();
    let mut containers: Vec<ContainerDefinition> = inputs
        .iter()
        .map(|c| container(cx, c, t.key, &logs.config, &mut needs))
        .collect();
    if let Some(f) = &logs.firelens {
        if let Some(c) = inputs.iter().find(|c| c.name == super::firelens::ROUTER) {
            cx.error_hint(
                c.key,
                &c.at,
                format!("container `{}` has the FireLens log router's name", c.name),
                "rename it: `logs.driver: firelens` adds a container with this name",
            );
        }
        needs.secrets.extend(f.secrets.iter().cloned());
        containers.push(f.router.clone());
    }
    let vols = volumes(cx, t.spec.volumes.as_ref(), &t.at);
    check_task(cx, &inputs, &vols.volumes);
    let images = containers.iter().map(|c| c.image.as_str()).collect();
    let mut roles = Vec::new();
    let mut role_locs = Vec::new();
    let execution_ref = match external_execution_role(cx, t) {
        Some(arn) => RoleRef::External(arn),
        None => {
            roles.push(execution_role(
                cx,
                exec_name.clone(),
                &ExecutionNeeds {
                    images,
                    secrets: &needs.secrets,
                    log_group: &logs.group.name,
                    registry_credentials: &needs.registry_credentials,
                    environment_files: &needs.environment_files,
                },
                &t.tags,
            ));
            role_locs.push(exec_loc);
            RoleRef::Owned(exec_name)
        }
    };
    // The router sends the default output with the task role's credentials.
    let firelens_group = logs
        .firelens
        .as_ref()
        .filter(|f| f.default_output)
        .map(|f| (logs.group.name.as_str(), f.loc));
    let wants_task_role =
        t.spec.task_role.is_some() || t.exec.is_some() || firelens_group.is_some();
    let (task_role_name, task_loc) = if wants_task_role {
        named(
            cx,
            names.and_then(|n| n.task_role.as_ref()),
            "{app}-{env}-{service}-task",
            "taskRole",
            key,
            NameKind::Role,
        )
    } else {
        (String::new(), t.key_loc)
    };
    let (task_ref, owned) = task_role(
        cx,
        t.spec.task_role.as_ref(),
        task_role_name,
        &t.at,
        &TaskRoleNeeds {
            exec: t.exec,
            firelens_group,
        },
        &t.tags,
    );
    if let Some(role) = owned {
        roles.push(role);
        role_locs.push(task_loc);
    }
    let size = task_size(cx, t.spec, &t.at, t.key_loc);
    let platform = platform_version(cx, t.spec, &t.at, size);
    let def = TaskDefinition {
        family,
        size: size.unwrap_or_else(|| {
            super::fargate::FargateSize::new(256, 512).expect("256/512 is a Fargate size")
        }),
        architecture: t
            .spec
            .architecture
            .as_ref()
            .map_or(Architecture::X86_64, |a| a.value),
        execution_role: execution_ref,
        task_role: task_ref,
        containers,
        volumes: vols.volumes,
        ephemeral_storage_gib: ephemeral_storage(cx, t.spec.ephemeral_storage.as_ref(), &t.at),
        tags: t.tags.clone(),
    };
    BuiltTask {
        def,
        ebs: vols.ebs,
        logs,
        roles,
        main_container: main_name,
        platform_version: platform,
        family_loc,
        role_locs,
    }
}

/// `executionRoleArn`: an existing role the task definition names, which ecsctl neither creates
/// nor changes (a role shared with other applications, such as the console's
/// `ecsTaskExecutionRole`, adopted by `ecsctl import`). It must already allow what the task
/// needs (pulling its images, writing its logs, reading its secrets): ecsctl cannot scope it.
fn external_execution_role(cx: &Scope, t: &TaskInput) -> Option<String> {
    let arn_sp = t.spec.execution_role_arn.as_ref()?;
    let path = format!("{}.executionRoleArn", t.at);
    let text = cx.name(arn_sp, &path, None).unwrap_or_default();
    if !super::arn::is_role(&super::scope::for_check(&text)) {
        cx.error_hint(
            arn_sp.loc,
            path,
            format!("execution role `{text}` is not an IAM role ARN"),
            format!("use `arn:{}:iam::ACCOUNT:role/NAME`", cx.partition),
        );
    }
    Some(text)
}

fn container_inputs<'a>(t: &'a TaskInput, main_name: &str) -> Vec<ContainerInput<'a>> {
    let mut out = vec![container_input!(
        t.spec,
        main_name.to_string(),
        true,
        t.at.clone(),
        t.key_loc
    )];
    for (name, sidecar) in t.spec.sidecars.iter().flat_map(|s| s.iter()) {
        let essential = sidecar.essential.as_ref().is_none_or(|e| e.value);
        let at = format!("{}.sidecars.{}", t.at, name.value);
        out.push(container_input!(
            sidecar,
            name.value.clone(),
            essential,
            at,
            name.loc
        ));
    }
    out
}

/// Rules that need the whole task: unique names and ports, existing targets.
fn check_task(cx: &Scope, inputs: &[ContainerInput], vols: &[Volume]) {
    let mut names: HashMap<&str, ()> = HashMap::new();
    let mut ports: HashMap<(u32, bool), String> = HashMap::new();
    for c in inputs {
        if names.insert(c.name.as_str(), ()).is_some() {
            cx.error(
                c.key,
                c.at.clone(),
                format!("container name `{}` is used twice in this task", c.name),
            );
        }
        for (i, p) in c.ports.iter().flat_map(|l| l.value.iter()).enumerate() {
            let (number, udp) = port_key(&p.value);
            if let Some(first) = ports.insert((number, udp), c.name.clone()) {
                let message =
                    format!("port `{number}` is already used by container `{first}` in this task");
                cx.error_hint(
                    p.loc,
                    format!("{}.ports[{i}]", c.at),
                    message,
                    "tasks share one network namespace (awsvpc): each port can be used once",
                );
            }
        }
    }
    for c in inputs {
        check_targets(cx, c, inputs, vols);
    }
}

fn port_key(p: &crate::spec::raw_values::RawPort) -> (u32, bool) {
    use crate::spec::raw_values::{Protocol, RawPort};
    match p {
        RawPort::Number(n) => (*n, false),
        RawPort::Mapping(m) => (m.container_port, m.protocol == Some(Protocol::Udp)),
    }
}

fn check_targets(cx: &Scope, c: &ContainerInput, inputs: &[ContainerInput], vols: &[Volume]) {
    for (name, _) in c.depends_on.iter().flat_map(|d| d.iter()) {
        let path = format!("{}.dependsOn.{}", c.at, name.value);
        if name.value == c.name {
            cx.error(
                name.loc,
                path,
                format!("container `{}` cannot depend on itself", c.name),
            );
        } else if !inputs.iter().any(|o| o.name == name.value) {
            let known: Vec<String> = inputs.iter().map(|o| format!("`{}`", o.name)).collect();
            cx.error_hint(
                name.loc,
                path,
                format!("`dependsOn` names undefined container `{}`", name.value),
                format!("containers in this task: {}", known.join(", ")),
            );
        }
    }
    for (i, m) in c.mounts.iter().flat_map(|l| l.value.iter()).enumerate() {
        let path = format!("{}.mounts[{i}].volume", c.at);
        match &m.volume {
            Some(v) if !vols.iter().any(|x| x.name == v.value) => {
                cx.error_hint(
                    v.loc,
                    path,
                    format!("mount names undefined volume `{}`", v.value),
                    "define it under `volumes`",
                );
            }
            Some(_) => {}
            None => cx.error(
                c.mounts.map_or(c.key, |l| l.loc),
                path,
                "mount has no `volume`",
            ),
        }
    }
}
