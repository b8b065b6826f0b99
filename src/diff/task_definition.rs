//! Task definitions, content-addressed: the desired definition is compared with the revision
//! the service RUNS, and a changed one becomes a new revision of the family.
//!
//! An unchanged definition never produces a revision. If the family's newest ACTIVE revision
//! of ours (carrying this environment's ownership tags) already holds the desired content (an
//! earlier apply registered it, then stopped), the plan reuses it. A newer revision someone
//! else registered into the family is neither compared with nor reused (`live::fetch` never
//! offers it). Tags are not content: they change in place on the revision used. Must not pick
//! a revision by number alone: content decides.

use serde_json::{Map, Value, json};

use super::Ctx;
use super::compare::{View, compare};
use super::normalize as n;
use super::normalize::{put, put_always};
use crate::live::{Live, LiveContainerDefinition, LiveTaskDefinition};
use crate::model::{ContainerDefinition, Desired, LogConfiguration, RoleRef, TaskDefinition};
use crate::plan::fingerprint::digest_view;
use crate::plan::{Address, ResourceChange, ResourceKind};

/// Which revision the family's service should run after apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub family: String,
    /// `family:revision` of an existing revision with the desired content; None: apply
    /// registers a new one.
    pub existing: Option<String>,
}

pub fn diff(ctx: &Ctx, td: &TaskDefinition) -> (ResourceChange, Revision) {
    let address = Address::new(ResourceKind::TaskDefinition, &td.family);
    let want = desired_view(ctx, td);
    let running = running_revision(ctx, &td.family);
    let latest = ctx.live.newest_owned_task_definition(&td.family);
    let running_view = running.map(|r| live_view(ctx, r));
    let latest_view = latest.map(|r| live_view(ctx, r));
    let same = |v: &Option<View>| v.as_ref().is_some_and(|v| content(v) == content(&want));

    let (mut change, existing) = if same(&running_view) {
        let r = running.expect("a view implies a revision");
        (compare(address, &want, running_view.as_ref()), Some(r))
    } else if same(&latest_view) {
        let r = latest.expect("a view implies a revision");
        let mut c = compare(address, &want, latest_view.as_ref());
        c.reason = Some(format!(
            "reuses revision {} (already registered with this content)",
            r.revision
        ));
        (c, Some(r))
    } else if let Some((base, view)) = running
        .zip(running_view.as_ref())
        .or(latest.zip(latest_view.as_ref()))
    {
        let mut c = compare(address, &want, Some(view));
        c.reason = Some(format!(
            "new revision of `{}`, compared with revision {}",
            td.family, base.revision
        ));
        (c, None)
    } else {
        (compare(address, &want, None), None)
    };
    super::sensitive::mask(&mut change, td);
    // The plan depends on both revisions read: either moving invalidates it.
    change.observed = match (running_view, latest_view) {
        (None, None) => digest_view(None),
        (r, l) => digest_view(Some(&json!([r.map(Value::Object), l.map(Value::Object)]))),
    };
    let existing = existing.map(|r| n::task_definition_ref(&r.arn).to_string());
    (
        change,
        Revision {
            family: td.family.clone(),
            existing,
        },
    )
}

/// Whether `live` holds exactly `td`'s content (tags aside), by the same views and rules the
/// diff compares with: apply's check for a revision registered by a call whose answer was lost.
pub fn same_content(
    desired: &Desired,
    account_id: &str,
    td: &TaskDefinition,
    live: &LiveTaskDefinition,
) -> bool {
    let nothing = Live::default();
    let ctx = Ctx {
        desired,
        live: &nothing,
        account_id,
    };
    content(&desired_view(&ctx, td)) == content(&live_view(&ctx, live))
}

/// Whether `live`, a revision a service runs, holds exactly what the spec wants for its family:
/// then the diff compares with it alone, so `live::fetch` need not search the family for a
/// newer revision of ours (`HoldsDesired`).
pub fn holds_desired(desired: &Desired, account_id: &str, live: &LiveTaskDefinition) -> bool {
    desired
        .task_definitions
        .iter()
        .find(|td| td.family == live.family)
        .is_some_and(|td| same_content(desired, account_id, td, live))
}

/// The revision the family's service runs, if the service exists and runs this family.
fn running_revision<'a>(ctx: &Ctx<'a>, family: &str) -> Option<&'a LiveTaskDefinition> {
    running_revision_of(ctx.desired, ctx.live, family)
}

/// The revision the family's service runs, as live read it: what the diff compares with first,
/// and the one apply tags when the plan adopts its service.
pub fn running_revision_of<'a>(
    desired: &Desired,
    live: &'a Live,
    family: &str,
) -> Option<&'a LiveTaskDefinition> {
    let service = desired.services.iter().find(|s| s.family == family)?;
    let reference = live.service(&service.name)?.task_definition.as_deref()?;
    let wanted = n::task_definition_ref(reference);
    live.task_definitions
        .iter()
        .find(|t| {
            n::task_definition_ref(&t.arn) == wanted
                || format!("{}:{}", t.family, t.revision) == wanted
        })
        .filter(|t| t.family == family)
}

/// The view without tags: what a revision's identity is made of.
fn content(v: &View) -> View {
    let mut c = v.clone();
    c.remove("tags");
    c
}

fn desired_view(ctx: &Ctx, td: &TaskDefinition) -> View {
    let mut v = View::new();
    put(&mut v, "cpu", json!(td.size.cpu().to_string()));
    put(&mut v, "memory", json!(td.size.memory().to_string()));
    put(&mut v, "networkMode", json!("awsvpc"));
    put(
        &mut v,
        "requiresCompatibilities",
        n::string_set(["FARGATE"]),
    );
    let arch = serde_json::to_value(td.architecture).expect("enum serialises");
    put(
        &mut v,
        "runtimePlatform",
        n::runtime_platform(arch.as_str(), Some("LINUX")),
    );
    put(
        &mut v,
        "executionRoleArn",
        json!(role(ctx, &td.execution_role)),
    );
    put(
        &mut v,
        "taskRoleArn",
        json!(td.task_role.as_ref().map(|r| role(ctx, r))),
    );
    put(
        &mut v,
        "ephemeralStorage",
        n::ephemeral_storage(td.ephemeral_storage_gib.map(i64::from)),
    );
    let mut volumes = Map::new();
    for vol in &td.volumes {
        let mut m = View::new();
        if let Some(e) = &vol.efs {
            let flag = |b: bool| n::enabled_flag(b.then_some("ENABLED"));
            m.insert(
                "efsVolumeConfiguration".into(),
                efs(
                    &e.file_system_id,
                    n::efs_root_directory(Some(&e.root_directory)),
                    flag(e.transit_encryption),
                    e.access_point_id.as_deref(),
                    flag(e.iam),
                ),
            );
        }
        if vol.configured_at_launch {
            m.insert("configuredAtLaunch".into(), json!(true));
        }
        volumes.insert(vol.name.clone(), Value::Object(m));
    }
    put(&mut v, "volumes", Value::Object(volumes));
    let containers: Map<String, Value> = td
        .containers
        .iter()
        .map(|c| (c.name.clone(), Value::Object(desired_container(c))))
        .collect();
    put(&mut v, "containerDefinitions", Value::Object(containers));
    put(&mut v, "tags", json!(td.tags));
    v
}

fn role(ctx: &Ctx, r: &RoleRef) -> String {
    match r {
        RoleRef::Owned(name) => n::role_arn(name, ctx.desired.partition, ctx.account_id),
        RoleRef::External(arn) => n::role_arn(arn, ctx.desired.partition, ctx.account_id),
    }
}

fn efs(fs: &str, root: Value, transit: Value, access_point: Option<&str>, iam: Value) -> Value {
    let mut m = View::new();
    put(&mut m, "fileSystemId", json!(fs));
    put(&mut m, "rootDirectory", root);
    put(&mut m, "transitEncryption", transit);
    put(&mut m, "accessPointId", json!(access_point));
    put(&mut m, "iam", iam);
    Value::Object(m)
}

fn desired_container(c: &ContainerDefinition) -> View {
    let mut v = View::new();
    put(&mut v, "image", json!(c.image));
    put_always(&mut v, "essential", n::essential(Some(c.essential)));
    put(&mut v, "command", json!(c.command));
    put(&mut v, "entryPoint", json!(c.entry_point));
    put(&mut v, "workingDirectory", json!(c.working_directory));
    put(&mut v, "user", json!(c.user));
    let ports = c
        .port_mappings
        .iter()
        .map(|p| {
            let proto = serde_json::to_value(p.protocol).expect("enum");
            let app = p
                .app_protocol
                .map(|a| serde_json::to_value(a).expect("enum"));
            n::port_mapping(
                Some(p.container_port.into()),
                None,
                proto.as_str(),
                p.name.as_deref(),
                app.as_ref().and_then(Value::as_str),
            )
        })
        .collect();
    put(&mut v, "portMappings", n::sorted_list(ports));
    put(
        &mut v,
        "environment",
        n::pairs_to_map(c.environment.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    put(
        &mut v,
        "secrets",
        n::pairs_to_map(c.secrets.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    if let Some(h) = &c.health_check {
        let hc = n::health_check(
            &h.command,
            Some(h.interval.into()),
            Some(h.timeout.into()),
            Some(h.retries.into()),
            h.start_period.map(i64::from),
        );
        put(&mut v, "healthCheck", hc);
    }
    put(&mut v, "stopTimeout", json!(c.stop_timeout));
    put(&mut v, "startTimeout", json!(c.start_timeout));
    put(
        &mut v,
        "linuxParameters",
        c.linux_parameters.as_ref().map_or(Value::Null, |l| {
            linux_parameters(l.init_process_enabled, &l.add, &l.drop, 0)
        }),
    );
    put(&mut v, "systemControls", json!(c.system_controls));
    put(
        &mut v,
        "repositoryCredentials",
        json!(c.repository_credentials),
    );
    let ulimits = c
        .ulimits
        .iter()
        .map(|u| ulimit(&u.name, u.soft_limit, u.hard_limit))
        .collect();
    put(&mut v, "ulimits", n::sorted_list(ulimits));
    put(&mut v, "dockerLabels", json!(c.docker_labels));
    let deps = c
        .depends_on
        .iter()
        .map(|d| json!({"containerName": d.container_name, "condition": serde_json::to_value(d.condition).expect("enum")}))
        .collect();
    put(&mut v, "dependsOn", n::sorted_list(deps));
    let mounts = c
        .mount_points
        .iter()
        .map(|m| {
            mount(
                Some(&m.source_volume),
                Some(&m.container_path),
                Some(m.read_only),
            )
        })
        .collect();
    put(&mut v, "mountPoints", n::sorted_list(mounts));
    put(
        &mut v,
        "readonlyRootFilesystem",
        json!(c.readonly_root_filesystem),
    );
    put(&mut v, "cpu", json!(c.cpu));
    put(&mut v, "memory", json!(c.memory));
    put(&mut v, "memoryReservation", json!(c.memory_reservation));
    let l = &c.log_configuration;
    let log = match &l.firelens {
        None => awslogs(l),
        Some(route) => log_configuration(
            "awsfirelens",
            route.options.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            route
                .secret_options
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        ),
    };
    put(&mut v, "logConfiguration", log);
    put(
        &mut v,
        "firelensConfiguration",
        c.firelens_configuration
            .as_ref()
            .map_or(Value::Null, |f| firelens(&f.kind, &f.options)),
    );
    v
}

/// `firelensConfiguration` as both sides compare it: the router type and its options.
fn firelens(kind: &str, options: &std::collections::BTreeMap<String, String>) -> Value {
    json!({"type": kind, "options": options})
}

/// `linuxParameters` as both sides compare it: an init process only when on, capabilities
/// sorted (ECS keeps the order written), and a count of what Fargate refuses (`tmpfs`,
/// `devices`, `sharedMemorySize`), which only drift made outside ecsctl can hold. Null when
/// nothing is set, however AWS spells that.
fn linux_parameters(init: Option<bool>, add: &[String], drop: &[String], refused: usize) -> Value {
    let sorted = |l: &[String]| {
        let mut l = l.to_vec();
        l.sort();
        l
    };
    let mut v = Map::new();
    if init == Some(true) {
        v.insert("initProcessEnabled".into(), json!(true));
    }
    if !add.is_empty() {
        v.insert("add".into(), json!(sorted(add)));
    }
    if !drop.is_empty() {
        v.insert("drop".into(), json!(sorted(drop)));
    }
    if refused > 0 {
        v.insert("unsupportedOnFargate".into(), json!(refused));
    }
    if v.is_empty() {
        Value::Null
    } else {
        Value::Object(v)
    }
}

fn ulimit(name: &str, soft: i64, hard: i64) -> Value {
    json!({"name": name, "softLimit": soft, "hardLimit": hard})
}

fn mount(source: Option<&str>, path: Option<&str>, read_only: Option<bool>) -> Value {
    let mut m = View::new();
    put(&mut m, "sourceVolume", json!(source));
    put(&mut m, "containerPath", json!(path));
    put(&mut m, "readOnly", json!(read_only));
    Value::Object(m)
}

/// The awslogs driver into `l`'s group, as both sides of a log configuration compare it.
pub(super) fn awslogs(l: &LogConfiguration) -> Value {
    log_configuration(
        "awslogs",
        [
            ("awslogs-group", l.group.as_str()),
            ("awslogs-region", l.region.as_str()),
            ("awslogs-stream-prefix", l.stream_prefix.as_str()),
        ],
        [],
    )
}

/// A log configuration as both sides compare it: the driver, its options and secret options.
pub(super) fn log_configuration<'a>(
    driver: &str,
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
    secret_options: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Value {
    let mut m = View::new();
    put(&mut m, "logDriver", json!(driver));
    put(&mut m, "options", n::pairs_to_map(options));
    put(&mut m, "secretOptions", n::pairs_to_map(secret_options));
    Value::Object(m)
}

/// A live log configuration (`LiveLogConfiguration`) as both sides compare it.
pub(super) fn live_log_configuration(l: &crate::live::LiveLogConfiguration) -> Value {
    log_configuration(
        &l.log_driver,
        l.options.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        l.secret_options
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

fn live_view(ctx: &Ctx, td: &LiveTaskDefinition) -> View {
    let mut v = View::new();
    put(&mut v, "cpu", json!(td.cpu));
    put(&mut v, "memory", json!(td.memory));
    put(&mut v, "networkMode", json!(td.network_mode));
    put(
        &mut v,
        "requiresCompatibilities",
        n::string_set(td.requires_compatibilities.iter().map(String::as_str)),
    );
    let rp = td.runtime_platform.as_ref();
    put(
        &mut v,
        "runtimePlatform",
        n::runtime_platform(
            rp.and_then(|p| p.cpu_architecture.as_deref()),
            rp.and_then(|p| p.operating_system_family.as_deref()),
        ),
    );
    put(
        &mut v,
        "executionRoleArn",
        json!(td.execution_role_arn.as_deref().map(|r| n::role_arn(
            r,
            ctx.desired.partition,
            ctx.account_id
        ))),
    );
    put(
        &mut v,
        "taskRoleArn",
        json!(td.task_role_arn.as_deref().map(|r| n::role_arn(
            r,
            ctx.desired.partition,
            ctx.account_id
        ))),
    );
    put(
        &mut v,
        "ephemeralStorage",
        n::ephemeral_storage(td.ephemeral_storage_gib.map(i64::from)),
    );
    let mut volumes = Map::new();
    for (i, vol) in td.volumes.iter().enumerate() {
        let mut m = View::new();
        if let Some(e) = &vol.efs {
            m.insert(
                "efsVolumeConfiguration".into(),
                efs(
                    &e.file_system_id,
                    n::efs_root_directory(e.root_directory.as_deref()),
                    n::enabled_flag(e.transit_encryption.as_deref()),
                    e.access_point_id.as_deref(),
                    n::enabled_flag(e.iam.as_deref()),
                ),
            );
        }
        // Absent and false are the same (a volume is configured at launch only when true).
        if vol.configured_at_launch {
            m.insert("configuredAtLaunch".into(), json!(true));
        }
        volumes.insert(
            vol.name.clone().unwrap_or_else(|| format!("#{i}")),
            Value::Object(m),
        );
    }
    put(&mut v, "volumes", Value::Object(volumes));
    let containers: Map<String, Value> = td
        .containers
        .iter()
        .map(|c| (c.name.clone(), Value::Object(live_container(c))))
        .collect();
    put(&mut v, "containerDefinitions", Value::Object(containers));
    put(&mut v, "tags", super::normalize::user_tags(&td.tags));
    v
}

fn live_container(c: &LiveContainerDefinition) -> View {
    let mut v = View::new();
    put(&mut v, "image", json!(c.image));
    put_always(&mut v, "essential", n::essential(c.essential));
    put(&mut v, "command", json!(c.command));
    put(&mut v, "entryPoint", json!(c.entry_point));
    put(&mut v, "workingDirectory", json!(c.working_directory));
    put(&mut v, "user", json!(c.user));
    let ports = c
        .port_mappings
        .iter()
        .map(|p| {
            n::port_mapping(
                p.container_port.map(i64::from),
                p.host_port.map(i64::from),
                p.protocol.as_deref(),
                p.name.as_deref(),
                p.app_protocol.as_deref(),
            )
        })
        .collect();
    put(&mut v, "portMappings", n::sorted_list(ports));
    // ECS drops a variable whose value is empty (terraform-provider-aws #39533): an empty one
    // read back is the same as none, as on the desired side (model/container.rs).
    let env = c
        .environment
        .iter()
        .map(|e| {
            (
                e.name.as_deref().unwrap_or_default(),
                e.value.as_deref().unwrap_or_default(),
            )
        })
        .filter(|(_, value)| !value.is_empty());
    put(&mut v, "environment", n::pairs_to_map(env));
    put(
        &mut v,
        "secrets",
        n::pairs_to_map(
            c.secrets
                .iter()
                .map(|s| (s.name.as_str(), s.value_from.as_str())),
        ),
    );
    if let Some(h) = &c.health_check {
        let i = |x: Option<i32>| x.map(i64::from);
        put(
            &mut v,
            "healthCheck",
            n::health_check(
                &h.command,
                i(h.interval),
                i(h.timeout),
                i(h.retries),
                i(h.start_period),
            ),
        );
    }
    put(&mut v, "stopTimeout", json!(c.stop_timeout));
    put(&mut v, "startTimeout", json!(c.start_timeout));
    put(
        &mut v,
        "linuxParameters",
        c.linux_parameters.as_ref().map_or(Value::Null, |l| {
            linux_parameters(
                l.init_process_enabled,
                &l.add,
                &l.drop,
                l.tmpfs + l.devices + usize::from(l.shared_memory_size.is_some()),
            )
        }),
    );
    let controls: std::collections::BTreeMap<String, String> = c
        .system_controls
        .iter()
        .filter_map(|(k, v)| Some((k.clone()?, v.clone().unwrap_or_default())))
        .collect();
    put(&mut v, "systemControls", json!(controls));
    put(
        &mut v,
        "repositoryCredentials",
        json!(c.repository_credentials),
    );
    put(
        &mut v,
        "ulimits",
        n::sorted_list(
            c.ulimits
                .iter()
                .map(|u| ulimit(&u.name, u.soft_limit, u.hard_limit))
                .collect(),
        ),
    );
    put(&mut v, "dockerLabels", json!(c.docker_labels));
    let deps = c
        .depends_on
        .iter()
        .map(|d| json!({"containerName": d.container_name, "condition": d.condition}))
        .collect();
    put(&mut v, "dependsOn", n::sorted_list(deps));
    let mounts = c
        .mount_points
        .iter()
        .map(|m| {
            mount(
                m.source_volume.as_deref(),
                m.container_path.as_deref(),
                m.read_only,
            )
        })
        .collect();
    put(&mut v, "mountPoints", n::sorted_list(mounts));
    put(
        &mut v,
        "readonlyRootFilesystem",
        json!(c.readonly_root_filesystem),
    );
    put(&mut v, "cpu", json!(c.cpu));
    put(&mut v, "memory", json!(c.memory));
    put(&mut v, "memoryReservation", json!(c.memory_reservation));
    if let Some(l) = &c.log_configuration {
        put(&mut v, "logConfiguration", live_log_configuration(l));
    }
    if let Some((kind, options)) = &c.firelens_configuration {
        put(&mut v, "firelensConfiguration", firelens(kind, options));
    }
    v
}

#[cfg(test)]
#[path = "task_definition_aws_tests.rs"]
mod aws_tests;

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{TD_ARN, converged, desired, find, live_task_definition};
    use crate::live::{Live, LiveFamily, LiveKeyValue};
    use crate::model::Desired;
    use crate::plan::{Action, Effect};
    use serde_json::json;

    type Mutate = fn(&mut Desired, &mut Live);

    /// `holds_desired` is the diff's own content comparison: a revision the fetch may stop at
    /// (no family search) is exactly one the diff would find nothing to change in but tags.
    #[test]
    fn a_running_revision_holds_the_desired_content_exactly_when_the_diff_sees_none() {
        let d = desired();
        let account = converged().account_id;
        let mut td = live_task_definition();
        assert!(super::holds_desired(&d, &account, &td));
        td.tags.insert("team".into(), "other".into());
        assert!(
            super::holds_desired(&d, &account, &td),
            "tags are not content"
        );
        td.containers[0].image = Some("nginx:other".into());
        assert!(!super::holds_desired(&d, &account, &td), "a new image is");
        let mut other_family = live_task_definition();
        other_family.family = "ohi-prod-worker".into();
        assert!(
            !super::holds_desired(&d, &account, &other_family),
            "a family the spec does not have"
        );
    }

    #[test]
    fn task_definition_decisions() {
        // (case, mutation, action, changed paths)
        let cases: Vec<(&str, Mutate, Action, &[&str])> = vec![
            ("converged", |_, _| {}, Action::NoOp, &[]),
            (
                "moto shape: no hostPort/protocol, defaults filled",
                |_, l| {
                    let c = &mut l.task_definitions[0].containers[0];
                    c.port_mappings[0].host_port = None;
                    c.port_mappings[0].protocol = None;
                    c.essential = None;
                    l.task_definitions[0].runtime_platform = None;
                },
                Action::NoOp,
                &[],
            ),
            (
                "env reordered",
                |_, l| l.task_definitions[0].containers[0].environment.reverse(),
                Action::NoOp,
                &[],
            ),
            (
                "an empty env value read back is none (ECS drops it)",
                |_, l| {
                    l.task_definitions[0].containers[0]
                        .environment
                        .push(LiveKeyValue {
                            name: Some("EMPTY".into()),
                            value: Some(String::new()),
                        });
                },
                Action::NoOp,
                &[],
            ),
            (
                "health check defaults omitted",
                |_, l| {
                    let h = l.task_definitions[0].containers[0]
                        .health_check
                        .as_mut()
                        .unwrap();
                    (h.interval, h.timeout, h.retries) = (None, None, None);
                },
                Action::NoOp,
                &[],
            ),
            (
                "role as a name",
                |_, l| l.task_definitions[0].execution_role_arn = Some("ohi-prod-api-exec".into()),
                Action::NoOp,
                &[],
            ),
            (
                "image changed",
                |d, _| d.task_definitions[0].containers[0].image = "repo/ohi-api:1.5.0".into(),
                Action::Update,
                &["containerDefinitions.api.image"],
            ),
            (
                "env var changed",
                |_, l| {
                    l.task_definitions[0].containers[0].environment[0] = LiveKeyValue {
                        name: Some("PORT".into()),
                        value: Some("9000".into()),
                    };
                },
                Action::Update,
                &["containerDefinitions.api.environment.PORT"],
            ),
            (
                "env var added out of band",
                |_, l| {
                    l.task_definitions[0].containers[0]
                        .environment
                        .push(LiveKeyValue {
                            name: Some("DEBUG".into()),
                            value: Some("1".into()),
                        });
                },
                Action::Update,
                &["containerDefinitions.api.environment.DEBUG"],
            ),
            (
                "size changed",
                |d, _| {
                    d.task_definitions[0].size =
                        crate::model::fargate::FargateSize::new(1024, 2048).unwrap()
                },
                Action::Update,
                &["cpu", "memory"],
            ),
            (
                "only tags changed",
                |_, l| {
                    l.task_definitions[0].tags.remove("team");
                },
                Action::Update,
                &["tags.team"],
            ),
            (
                "family never registered",
                |_, l| {
                    l.task_definitions.clear();
                    l.families.clear();
                    l.services.clear();
                },
                Action::Create,
                &[],
            ),
        ];
        for (name, mutate, action, paths) in cases {
            let (mut d, mut l) = (desired(), converged());
            mutate(&mut d, &mut l);
            let c = find(&diff(&d, &l), "task_definition.ohi-prod-api");
            assert_eq!(c.action, action, "{name}: {:?}", c.fields);
            if action == Action::Update {
                let got: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
                assert_eq!(got, paths, "{name}");
            }
        }
    }

    #[test]
    fn changed_content_is_a_new_revision_and_the_service_points_at_it() {
        let mut d = desired();
        d.task_definitions[0].containers[0].image = "repo/ohi-api:1.5.0".into();
        let changes = diff(&d, &converged());
        let td = find(&changes, "task_definition.ohi-prod-api");
        assert_eq!(td.effect(), Some(Effect::NewRevision));
        assert!(td.reason.as_deref().unwrap().contains("revision 3"));
        let svc = find(&changes, "service.api");
        assert_eq!(svc.fields.len(), 1);
        assert_eq!(svc.fields[0].path, "taskDefinition");
        assert_eq!(svc.fields[0].before, Some(json!("ohi-prod-api:3")));
        assert!(svc.fields[0].after_unknown);
    }

    #[test]
    fn interrupted_apply_reuses_the_latest_revision() {
        // The service runs revision 3 with an old image; revision 4 (latest) already holds the
        // desired content because an earlier apply registered it and stopped.
        let mut l = converged();
        let mut old = live_task_definition();
        old.containers[0].image = Some("repo/ohi-api:1.0.0".into());
        let mut latest = live_task_definition();
        latest.arn = TD_ARN.replace(":3", ":4");
        latest.revision = 4;
        l.task_definitions = vec![old, latest.clone()];
        l.families = vec![LiveFamily {
            family: "ohi-prod-api".into(),
            newest_owned_arn: Some(latest.arn.clone()),
        }];
        let changes = diff(&desired(), &l);
        let td = find(&changes, "task_definition.ohi-prod-api");
        assert_eq!(td.action, Action::NoOp);
        assert!(td.reason.as_deref().unwrap().contains("reuses revision 4"));
        let svc = find(&changes, "service.api");
        assert_eq!(svc.fields[0].path, "taskDefinition");
        assert_eq!(svc.fields[0].after, Some(json!("ohi-prod-api:4")));
        assert!(!svc.fields[0].after_unknown);
    }

    /// Issue 10, item 4: a revision someone else registered into the family after ours
    /// (revision 4, another image, no ownership tags) is read but never compared with, and one
    /// with exactly the desired content (revision 5, another environment's tags) is never
    /// reused: `families` names the newest revision of ours, whatever the numbers say.
    #[test]
    fn a_foreign_newer_revision_is_neither_compared_with_nor_reused() {
        let foreign = |revision: i32, image: &str, env: Option<&str>| {
            let mut t = live_task_definition();
            t.arn = TD_ARN.replace(":3", &format!(":{revision}"));
            t.revision = revision;
            t.containers[0].image = Some(image.into());
            t.tags.clear();
            if let Some(env) = env {
                t.tags = live_task_definition().tags;
                t.tags.insert("ecsctl:env".into(), env.into());
            }
            t
        };
        let desired_image = live_task_definition().containers[0].image.clone().unwrap();
        let mut l = converged();
        l.task_definitions.push(foreign(4, "someone/else:1", None));
        l.task_definitions
            .push(foreign(5, &desired_image, Some("staging")));
        let changes = diff(&desired(), &l);
        let td = find(&changes, "task_definition.ohi-prod-api");
        assert_eq!((td.action, td.reason.as_deref()), (Action::NoOp, None));
        assert_eq!(find(&changes, "service.api").action, Action::NoOp);

        // No service yet and no revision of ours: a new revision, never the foreign twin.
        l.services.clear();
        l.task_definitions.retain(|t| t.revision != 3);
        l.families[0].newest_owned_arn = None;
        let changes = diff(&desired(), &l);
        let td = find(&changes, "task_definition.ohi-prod-api");
        assert_eq!(td.action, Action::Create);
        let svc = find(&changes, "service.api");
        let reference = svc
            .fields
            .iter()
            .find(|f| f.path == "taskDefinition")
            .unwrap();
        assert!(reference.after_unknown, "{reference:?}");
    }

    #[test]
    fn a_new_service_reuses_a_matching_family_revision() {
        let mut l = converged();
        l.services.clear();
        let changes = diff(&desired(), &l);
        assert_eq!(
            find(&changes, "task_definition.ohi-prod-api").action,
            Action::NoOp
        );
        let svc = find(&changes, "service.api");
        let td = svc
            .fields
            .iter()
            .find(|f| f.path == "taskDefinition")
            .unwrap();
        assert_eq!(td.after, Some(json!("ohi-prod-api:3")));
    }

    /// A sidecar with EFS, mounts, ulimits and dependsOn, and what DescribeTaskDefinition
    /// returns for it: AWS fills rootDirectory `/`, DISABLED flags, `readOnly: false`, the
    /// sidecar's `cpu: 0`; the lists come back in another order.
    fn with_sidecar(d: &mut Desired, l: &mut Live) {
        use crate::live::*;
        use crate::model::*;
        let td = &mut d.task_definitions[0];
        td.volumes = vec![
            Volume {
                name: "data".into(),
                efs: Some(EfsVolume {
                    file_system_id: "fs-123".into(),
                    root_directory: "/".into(),
                    transit_encryption: false,
                    access_point_id: None,
                    iam: false,
                }),
                configured_at_launch: false,
            },
            Volume {
                name: "scratch".into(),
                efs: None,
                configured_at_launch: false,
            },
        ];
        td.task_role = Some(RoleRef::External(
            "arn:aws:iam::999999999999:role/shared".into(),
        ));
        let mut side = td.containers[0].clone();
        side.name = "envoy".into();
        side.essential = false;
        side.port_mappings.clear();
        side.environment.clear();
        side.secrets.clear();
        side.health_check = None;
        side.ulimits = vec![
            Ulimit {
                name: "nofile".into(),
                soft_limit: 1024,
                hard_limit: 4096,
            },
            Ulimit {
                name: "core".into(),
                soft_limit: 0,
                hard_limit: 0,
            },
        ];
        side.mount_points = vec![
            MountPoint {
                source_volume: "data".into(),
                container_path: "/data".into(),
                read_only: false,
            },
            MountPoint {
                source_volume: "scratch".into(),
                container_path: "/tmp".into(),
                read_only: true,
            },
        ];
        side.depends_on = vec![ContainerDependency {
            container_name: "api".into(),
            condition: DependencyCondition::Healthy,
        }];
        td.containers.push(side);

        let lt = &mut l.task_definitions[0];
        lt.task_role_arn = Some("arn:aws:iam::999999999999:role/shared".into());
        lt.volumes = vec![
            LiveVolume {
                name: Some("scratch".into()),
                efs: None,
                configured_at_launch: false,
            },
            LiveVolume {
                name: Some("data".into()),
                efs: Some(LiveEfsVolume {
                    file_system_id: "fs-123".into(),
                    root_directory: Some("/".into()),
                    transit_encryption: Some("DISABLED".into()),
                    access_point_id: None,
                    iam: Some("DISABLED".into()),
                }),
                configured_at_launch: false,
            },
        ];
        let mut ls = lt.containers[0].clone();
        ls.name = "envoy".into();
        ls.essential = Some(false);
        ls.port_mappings.clear();
        ls.environment.clear();
        ls.secrets.clear();
        ls.health_check = None;
        ls.cpu = 0;
        ls.ulimits = vec![
            LiveUlimit {
                name: "core".into(),
                soft_limit: 0,
                hard_limit: 0,
            },
            LiveUlimit {
                name: "nofile".into(),
                soft_limit: 1024,
                hard_limit: 4096,
            },
        ];
        ls.mount_points = vec![
            LiveMountPoint {
                source_volume: Some("scratch".into()),
                container_path: Some("/tmp".into()),
                read_only: Some(true),
            },
            LiveMountPoint {
                source_volume: Some("data".into()),
                container_path: Some("/data".into()),
                read_only: Some(false),
            },
        ];
        ls.depends_on = vec![LiveContainerDependency {
            container_name: "api".into(),
            condition: "HEALTHY".into(),
        }];
        // Containers come back in another order too.
        lt.containers.insert(0, ls);
    }

    #[test]
    fn sidecar_volumes_and_mounts_round_trip_through_aws_defaults() {
        let (mut d, mut l) = (desired(), converged());
        with_sidecar(&mut d, &mut l);
        let c = find(&diff(&d, &l), "task_definition.ohi-prod-api");
        assert_eq!(c.action, Action::NoOp, "{:#?}", c.fields);

        // And each of those fields still shows real drift.
        type Mutate = fn(&mut Live);
        let drifts: Vec<(&str, Mutate)> = vec![
            ("containerDefinitions.envoy.mountPoints", |l| {
                l.task_definitions[0].containers[0].mount_points[0].read_only = Some(false);
            }),
            (
                "volumes.data.efsVolumeConfiguration.transitEncryption",
                |l| {
                    l.task_definitions[0].volumes[1]
                        .efs
                        .as_mut()
                        .unwrap()
                        .transit_encryption = Some("ENABLED".into());
                },
            ),
            // Regression: `put` dropped `essential: false`, so a sidecar never diffed.
            ("containerDefinitions.envoy.essential", |l| {
                l.task_definitions[0].containers[0].essential = Some(true)
            }),
            ("containerDefinitions.envoy.cpu", |l| {
                l.task_definitions[0].containers[0].cpu = 128
            }),
            ("taskRoleArn", |l| {
                l.task_definitions[0].task_role_arn = None
            }),
        ];
        for (path, mutate) in drifts {
            let (mut d, mut l) = (desired(), converged());
            with_sidecar(&mut d, &mut l);
            mutate(&mut l);
            let c = find(&diff(&d, &l), "task_definition.ohi-prod-api");
            let paths: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(paths, [path]);
            assert_eq!(c.effect(), Some(Effect::NewRevision), "{path}");
        }
    }
}
