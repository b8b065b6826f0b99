//! One container definition, from a service's (or scheduled task's) main container fields or
//! a sidecar's: image, command, ports, env, secrets, health check, limits, labels, mounts.
//!
//! Owns the per-container rules (image required, ports 1–65535, stop timeout ≤ 120, ulimit
//! names). Must not check what spans containers (duplicate ports, `dependsOn` and mount
//! targets): task_def.rs does, since it sees the whole task.

use std::collections::{BTreeMap, BTreeSet};

use super::health::health_check;
use super::resources::*;
use super::scope::Scope;
use super::secrets::{self, SecretRef};
use crate::spec::raw::{RawHealthCheck, RawLinuxParameters, RawMount, SpList};
use crate::spec::raw_values::*;
use crate::spec::span::{Loc, Sp};
use crate::spec::spmap::SpMap;

/// The container fields as written, for a main container or a sidecar alike.
pub struct ContainerInput<'a> {
    pub name: String,
    pub essential: bool,
    /// The YAML path of the block, e.g. `services.api` or `services.api.sidecars.otel`.
    pub at: String,
    /// The key that names the block, where errors about missing values point.
    pub key: Loc,
    pub image: Option<&'a Sp<String>>,
    pub command: Option<&'a SpList<String>>,
    pub entry_point: Option<&'a SpList<String>>,
    pub working_directory: Option<&'a Sp<String>>,
    pub user: Option<&'a Sp<String>>,
    pub ports: Option<&'a SpList<RawPort>>,
    pub env: Option<&'a SpMap<Sp<Scalar>>>,
    pub sensitive: Option<&'a SpList<String>>,
    pub secrets: Option<&'a SpMap<Sp<RawSecret>>>,
    pub health_check: Option<&'a RawHealthCheck>,
    pub stop_timeout: Option<&'a Sp<u32>>,
    pub start_timeout: Option<&'a Sp<u32>>,
    pub linux_parameters: Option<&'a RawLinuxParameters>,
    pub system_controls: Option<&'a SpMap<Sp<Scalar>>>,
    pub repository_credentials: Option<&'a Sp<String>>,
    pub environment_files: Option<&'a SpList<String>>,
    pub ulimits: Option<&'a SpMap<Sp<RawUlimit>>>,
    pub labels: Option<&'a SpMap<Sp<Scalar>>>,
    pub depends_on: Option<&'a SpMap<Sp<DependencyCondition>>>,
    pub mounts: Option<&'a Sp<Vec<RawMount>>>,
    pub readonly_root_filesystem: Option<&'a Sp<bool>>,
    pub container_cpu: Option<&'a Sp<u32>>,
    pub container_memory: Option<&'a Sp<u32>>,
    pub container_memory_reservation: Option<&'a Sp<u32>>,
}

/// Builds a `ContainerInput` from any block with the container fields.
#[macro_export]
macro_rules! container_input {
    ($src:expr, $name:expr, $essential:expr, $at:expr, $key:expr) => {{
        let s = $src;
        $crate::model::container::ContainerInput {
            name: $name,
            essential: $essential,
            at: $at,
            key: $key,
            image: s.image.as_ref(),
            command: s.command.as_ref(),
            entry_point: s.entry_point.as_ref(),
            working_directory: s.working_directory.as_ref(),
            user: s.user.as_ref(),
            ports: s.ports.as_ref(),
            env: s.env.as_ref(),
            sensitive: s.sensitive.as_ref(),
            secrets: s.secrets.as_ref(),
            health_check: s.health_check.as_ref(),
            stop_timeout: s.stop_timeout.as_ref(),
            start_timeout: s.start_timeout.as_ref(),
            linux_parameters: s.linux_parameters.as_ref(),
            system_controls: s.system_controls.as_ref(),
            repository_credentials: s.repository_credentials.as_ref(),
            environment_files: s.environment_files.as_ref(),
            ulimits: s.ulimits.as_ref(),
            labels: s.labels.as_ref(),
            depends_on: s.depends_on.as_ref(),
            mounts: s.mounts.as_ref(),
            readonly_root_filesystem: s.readonly_root_filesystem.as_ref(),
            container_cpu: s.container_cpu.as_ref(),
            container_memory: s.container_memory.as_ref(),
            container_memory_reservation: s.container_memory_reservation.as_ref(),
        }
    }};
}

/// What the task and its roles need to know about a container besides its definition.
#[derive(Default)]
pub struct ContainerNeeds {
    pub secrets: Vec<SecretRef>,
    /// Secrets holding private registry credentials (`repositoryCredentials`).
    pub registry_credentials: Vec<String>,
    /// S3 object ARNs of `environmentFiles`.
    pub environment_files: Vec<String>,
}

pub fn container(
    cx: &Scope,
    c: &ContainerInput,
    service: &str,
    log: &LogConfiguration,
    needs: &mut ContainerNeeds,
) -> ContainerDefinition {
    let path = |f: &str| format!("{}.{f}", c.at);
    let image = match c.image {
        // `{service}` is allowed so one `defaults.image` can name every service's repository.
        Some(i) => {
            let text = cx.name(i, &path("image"), Some(service));
            let text = text.unwrap_or_default();
            // An offline `{account_id}` stands for an account (scope::for_check); an image that
            // did not resolve has been reported already.
            let checked = super::scope::for_check(&text);
            if let Some(why) = super::image::problem(&checked).filter(|_| !text.is_empty()) {
                cx.error_hint(
                    i.loc,
                    path("image"),
                    format!("image `{text}` is not valid: {why}"),
                    "write `[registry/]repository[:tag][@digest]`, e.g. `nginx:1.27` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2`",
                );
            }
            text
        }
        None => {
            let hint = "set `image`, for example `image: nginx:1.27`";
            cx.error_hint(
                c.key,
                path("image"),
                format!("container `{}` has no `image`", c.name),
                hint,
            );
            String::new()
        }
    };
    let stop_timeout = c.stop_timeout.map(|t| {
        if t.value > 120 {
            cx.error_hint(
                t.loc,
                path("stopTimeout"),
                format!("stop timeout `{}` is over 120 seconds", t.value),
                "Fargate allows 0 to 120 seconds",
            );
        }
        t.value
    });
    ContainerDefinition {
        name: c.name.clone(),
        image,
        essential: c.essential,
        command: c.command.map(|l| texts(cx, l, &path("command"))),
        entry_point: c.entry_point.map(|l| texts(cx, l, &path("entryPoint"))),
        working_directory: c
            .working_directory
            .and_then(|w| cx.text(w, &path("workingDirectory"))),
        user: c.user.and_then(|u| cx.text(u, &path("user"))),
        port_mappings: c
            .ports
            .map(|p| ports(cx, p, &path("ports")))
            .unwrap_or_default(),
        environment: c
            .env
            .map(|e| env_vars(cx, e, &path("env"), service))
            .unwrap_or_default(),
        sensitive: c
            .sensitive
            .map(|s| sensitive(cx, s, c.env, &path("sensitive")))
            .unwrap_or_default(),
        secrets: c
            .secrets
            .map(|s| secret_map(cx, s, &path("secrets"), needs))
            .unwrap_or_default(),
        health_check: c
            .health_check
            .and_then(|h| health_check(cx, h, &c.at, c.key)),
        stop_timeout,
        ulimits: c
            .ulimits
            .map(|u| ulimits(cx, u, &path("ulimits")))
            .unwrap_or_default(),
        docker_labels: c
            .labels
            .map(|l| scalars(cx, l, &path("labels")))
            .unwrap_or_default(),
        depends_on: depends_on(c.depends_on),
        mount_points: c
            .mounts
            .map(|m| mounts(cx, m, &path("mounts")))
            .unwrap_or_default(),
        readonly_root_filesystem: c.readonly_root_filesystem.map(|r| r.value),
        cpu: c.container_cpu.map(|v| v.value),
        memory: c.container_memory.map(|v| v.value),
        memory_reservation: c.container_memory_reservation.map(|v| v.value),
        log_configuration: log.clone(),
        firelens_configuration: None,
        start_timeout: super::container_linux::start_timeout(
            cx,
            c.start_timeout,
            &path("startTimeout"),
        ),
        linux_parameters: c.linux_parameters.and_then(|l| {
            super::container_linux::linux_parameters(cx, l, &path("linuxParameters"))
        }),
        system_controls: c
            .system_controls
            .map(|s| super::container_linux::system_controls(cx, s, &path("systemControls")))
            .unwrap_or_default(),
        repository_credentials: c.repository_credentials.and_then(|r| {
            let arn = super::container_linux::repository_credentials(
                cx,
                r,
                &path("repositoryCredentials"),
            )?;
            needs.registry_credentials.push(arn.clone());
            Some(arn)
        }),
        environment_files: {
            let files = c
                .environment_files
                .map(|l| {
                    super::container_linux::environment_files(cx, l, &path("environmentFiles"))
                })
                .unwrap_or_default();
            needs.environment_files.extend(files.iter().cloned());
            files
        },
    }
}

fn texts(cx: &Scope, list: &SpList<String>, path: &str) -> Vec<String> {
    let each =
        |(i, s): (usize, &Sp<String>)| cx.text(s, &format!("{path}[{i}]")).unwrap_or_default();
    list.value.iter().enumerate().map(each).collect()
}

fn scalars(cx: &Scope, map: &SpMap<Sp<Scalar>>, path: &str) -> BTreeMap<String, String> {
    let each = |(k, v): (&Sp<String>, &Sp<Scalar>)| {
        let text = cx.text(
            &Sp::new(v.value.0.clone(), v.loc),
            &format!("{path}.{}", k.value),
        );
        (k.value.clone(), text.unwrap_or_default())
    };
    map.iter().map(each).collect()
}

/// The names `sensitive` lists; each must be a key of `env` (a typo would leave a value shown).
fn sensitive(
    cx: &Scope,
    list: &SpList<String>,
    env: Option<&SpMap<Sp<Scalar>>>,
    path: &str,
) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, name) in list.value.iter().enumerate() {
        let known = env.is_some_and(|e| e.iter().any(|(k, _)| k.value == name.value));
        if !known {
            cx.error_hint(
                name.loc,
                format!("{path}[{i}]"),
                format!("`sensitive` names `{}`, which is not in `env`", name.value),
                "list only names this container's `env` sets; secrets from Secrets Manager or SSM go under `secrets`",
            );
        }
        names.insert(name.value.clone());
    }
    names
}

/// The env vars, without those whose value is empty (a warning each): ECS drops them from the
/// task definition (terraform-provider-aws #39533), so sending one would show as a change, a new
/// revision and a redeploy on every apply.
///
/// Values expand the known placeholders (`BACKEND_URL: http://backend.{env}.local`), as names
/// do; other brace text, such as JSON, is kept as written.
fn env_vars(
    cx: &Scope,
    map: &SpMap<Sp<Scalar>>,
    path: &str,
    service: &str,
) -> BTreeMap<String, String> {
    let each = |(k, v): (&Sp<String>, &Sp<Scalar>)| {
        let text = cx.value(
            &Sp::new(v.value.0.clone(), v.loc),
            &format!("{path}.{}", k.value),
            Some(service),
        );
        (k.value.clone(), text.unwrap_or_default())
    };
    let mut vars: BTreeMap<String, String> = map.iter().map(each).collect();
    for (k, v) in map.iter() {
        if vars.get(&k.value).is_some_and(String::is_empty) {
            vars.remove(&k.value);
            cx.warn(
                v.loc,
                format!("{path}.{}", k.value),
                format!(
                    "env var `{}` is empty: ECS drops empty values, so it is left out (the container will not see it set)",
                    k.value
                ),
            );
        }
    }
    vars
}

fn ports(cx: &Scope, list: &SpList<RawPort>, path: &str) -> Vec<PortMapping> {
    let mut out = Vec::new();
    for (i, port) in list.value.iter().enumerate() {
        let mapping = match &port.value {
            RawPort::Number(n) => PortMapping {
                container_port: *n,
                protocol: Protocol::Tcp,
                name: None,
                app_protocol: None,
            },
            RawPort::Mapping(m) => PortMapping {
                container_port: m.container_port,
                protocol: m.protocol.unwrap_or(Protocol::Tcp),
                name: m.name.clone(),
                app_protocol: m.app_protocol,
            },
        };
        if !(1..=65535).contains(&mapping.container_port) {
            cx.error(
                port.loc,
                format!("{path}[{i}]"),
                format!("port `{}` is out of range 1-65535", mapping.container_port),
            );
        }
        out.push(mapping);
    }
    out
}

fn secret_map(
    cx: &Scope,
    map: &SpMap<Sp<RawSecret>>,
    path: &str,
    needs: &mut ContainerNeeds,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, secret) in map.iter() {
        if let Some(r) = secrets::resolve(cx, secret, &format!("{path}.{}", name.value)) {
            out.insert(name.value.clone(), r.value_from.clone());
            needs.secrets.push(r);
        }
    }
    out
}

/// The ulimit names ECS accepts (API_Ulimit).
const ULIMITS: [&str; 15] = [
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

fn ulimits(cx: &Scope, map: &SpMap<Sp<RawUlimit>>, path: &str) -> Vec<Ulimit> {
    let mut out = Vec::new();
    for (name, limit) in map.iter() {
        if !ULIMITS.contains(&name.value.as_str()) {
            cx.error_hint(
                name.loc,
                format!("{path}.{}", name.value),
                format!("unknown ulimit `{}`", name.value),
                format!("ulimits are {}", ULIMITS.join(", ")),
            );
        }
        let (soft, hard) = match limit.value {
            RawUlimit::Both(n) => (n, n),
            RawUlimit::Pair { soft, hard } => (soft, hard),
        };
        out.push(Ulimit {
            name: name.value.clone(),
            soft_limit: soft,
            hard_limit: hard,
        });
    }
    out
}

fn depends_on(map: Option<&SpMap<Sp<DependencyCondition>>>) -> Vec<ContainerDependency> {
    let each = |(k, v): (&Sp<String>, &Sp<DependencyCondition>)| ContainerDependency {
        container_name: k.value.clone(),
        condition: v.value,
    };
    map.map(|m| m.iter().map(each).collect())
        .unwrap_or_default()
}

fn mounts(cx: &Scope, list: &Sp<Vec<RawMount>>, path: &str) -> Vec<MountPoint> {
    let mut out = Vec::new();
    for (i, m) in list.value.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let container_path = match &m.path {
            Some(p) => cx.text(p, &format!("{at}.path")).unwrap_or_default(),
            None => {
                let loc = m.volume.as_ref().map_or(list.loc, |v| v.loc);
                cx.error(loc, format!("{at}.path"), "mount has no `path`");
                String::new()
            }
        };
        let source_volume = m
            .volume
            .as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_default();
        out.push(MountPoint {
            source_volume,
            container_path,
            read_only: m.read_only.as_ref().is_some_and(|r| r.value),
        });
    }
    out
}
