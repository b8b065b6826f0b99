//! A live task definition as spec keys: the main container's keys on the service, the others
//! as `sidecars`, the volumes, the size and the roles.
//!
//! Owns the task-level half of the live translation: every field ECS returned is written as the
//! spec writes it, or noted. Must not decide names or environment-wide settings (`live`).

use super::doc::{Map, Node};
use super::translation::literal;
use crate::live::{LiveContainerDefinition, LiveDeployment, LiveTaskDefinition};

/// What the task's translation needs from the service around it.
pub struct TaskCx<'a> {
    /// The service's key in the spec (the main container's default name).
    pub key: &'a str,
    /// The log group ecsctl would name by default, to leave `logs.group` out when it is that.
    pub default_group: &'a str,
    /// The PRIMARY deployment, whose EBS volume configuration belongs to the task's volume.
    pub deployment: Option<&'a LiveDeployment>,
    /// Whether ecsctl owns the task role (ours by tags): then its statements are the spec's.
    pub owned_task_role: Option<&'a crate::live::LiveRole>,
    /// `arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:`, the prefix of a secret ARN that a
    /// secret's name alone gives (`secretsManager: NAME`).
    pub secret_prefix: &'a str,
}

/// Notes go into `notes` as `(path under the service, text)`.
pub fn task(td: &LiveTaskDefinition, cx: &TaskCx, svc: &mut Map, notes: &mut Vec<String>) {
    let main = main_container(td, cx.key);
    if let Some(c) = main
        && c.name != cx.key
    {
        svc.insert("containerName", c.name.as_str());
    }
    svc.insert_some("cpu", td.cpu.as_deref().and_then(size));
    svc.insert_some("memory", td.memory.as_deref().and_then(size));
    let arm = td
        .runtime_platform
        .as_ref()
        .and_then(|p| p.cpu_architecture.as_deref())
        == Some("ARM64");
    if arm {
        svc.insert("architecture", "arm64");
    }
    if let Some(gib) = td.ephemeral_storage_gib.filter(|g| *g > 20) {
        svc.insert("ephemeralStorage", gib);
    }
    roles(td, cx, svc);
    if let Some(c) = main {
        container(c, svc, cx, notes);
    }
    let mut sidecars = Map::new();
    for c in td
        .containers
        .iter()
        .filter(|c| Some(c.name.as_str()) != main.map(|m| m.name.as_str()))
    {
        let mut s = Map::new();
        if c.essential == Some(false) {
            s.insert("essential", false);
        }
        container(c, &mut s, cx, notes);
        sidecars.insert(c.name.as_str(), s);
    }
    if !sidecars.is_empty() {
        svc.insert("sidecars", sidecars);
    }
    volumes(td, cx, svc, notes);
}

/// The container named like the service, else the first essential one, else the first.
fn main_container<'a>(
    td: &'a LiveTaskDefinition,
    key: &str,
) -> Option<&'a LiveContainerDefinition> {
    td.containers
        .iter()
        .find(|c| c.name == key)
        .or_else(|| td.containers.iter().find(|c| c.essential != Some(false)))
        .or_else(|| td.containers.first())
}

/// `"1024"` as 1024; ECS returns sizes as strings of units and MiB.
fn size(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

fn roles(td: &LiveTaskDefinition, cx: &TaskCx, svc: &mut Map) {
    if let Some(role) = cx.owned_task_role {
        let mut t = Map::new();
        if let Some(policy) = role.inline_policies.get("ecsctl") {
            let statements = policy_statements(policy);
            if !statements.is_empty() {
                t.insert("statements", Node::List(statements));
            }
        }
        if !role.managed_policy_arns.is_empty() {
            t.insert("managedPolicies", role.managed_policy_arns.clone());
        }
        if !t.is_empty() {
            svc.insert("taskRole", t);
        }
    } else if let Some(arn) = &td.task_role_arn {
        let mut t = Map::new();
        t.insert("arn", arn.as_str());
        svc.insert("taskRole", t);
    }
}

/// An inline policy's statements as spec statements, without the ones ecsctl adds itself
/// (`EcsExec`, `FireLensLogs`: it adds them again from the settings that ask for them).
fn policy_statements(policy: &serde_json::Value) -> Vec<Node> {
    let list = match &policy["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let strings = |v: &serde_json::Value| -> Vec<Node> {
        match v {
            serde_json::Value::String(s) => vec![Node::from(literal(s))],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(|s| Node::from(literal(s))))
                .collect(),
            _ => Vec::new(),
        }
    };
    list.iter()
        .filter(|s| !matches!(s["Sid"].as_str(), Some("EcsExec" | "FireLensLogs")))
        .map(|s| {
            let mut m = Map::new();
            m.insert_some("sid", s["Sid"].as_str());
            if s["Effect"].as_str() == Some("Deny") {
                m.insert("effect", "Deny");
            }
            m.insert("actions", Node::List(strings(&s["Action"])));
            m.insert("resources", Node::List(strings(&s["Resource"])));
            if let Some(c) = Node::from_json(&s["Condition"]) {
                m.insert("condition", c);
            }
            Node::Map(m)
        })
        .collect()
}

fn container(c: &LiveContainerDefinition, out: &mut Map, cx: &TaskCx, notes: &mut Vec<String>) {
    out.insert_some("image", c.image.as_deref().map(literal));
    let list = |v: &[String]| Node::List(v.iter().map(|s| Node::from(literal(s))).collect());
    if let Some(cmd) = &c.command {
        out.insert("command", list(cmd));
    }
    if let Some(ep) = &c.entry_point {
        out.insert("entryPoint", list(ep));
    }
    out.insert_some(
        "workingDirectory",
        c.working_directory.as_deref().map(literal),
    );
    out.insert_some("user", c.user.as_deref().map(literal));
    ports(c, out);
    let mut env = Map::new();
    for kv in &c.environment {
        if let (Some(k), Some(v)) = (&kv.name, &kv.value) {
            env.insert(k.as_str(), literal(v));
        }
    }
    if !env.is_empty() {
        out.insert("env", env);
    }
    let mut secrets = Map::new();
    for s in &c.secrets {
        secrets.insert(s.name.as_str(), secret(&s.value_from, cx.secret_prefix));
    }
    if !secrets.is_empty() {
        out.insert("secrets", secrets);
    }
    if let Some(h) = &c.health_check {
        out.insert("healthCheck", health_check(h));
    }
    out.insert_some("stopTimeout", c.stop_timeout);
    out.insert_some("startTimeout", c.start_timeout);
    container_extras(c, out, notes);
    logs(c, out, cx, notes);
}

/// A `valueFrom` as the spec writes it. A Secrets Manager ARN in this region and account
/// becomes `{secretsManager: NAME, key, versionStage}`, which ecsctl turns back into the same
/// ARN and grants the execution role on as it grants every secret by name; an ARN elsewhere,
/// one with a version id, and SSM references stay as written.
fn secret(value_from: &str, prefix: &str) -> Node {
    let Some(rest) = value_from.strip_prefix(prefix) else {
        return literal(value_from).into();
    };
    let mut parts = rest.split(':');
    let name = parts.next().unwrap_or_default();
    let key = parts.next().filter(|k| !k.is_empty());
    let stage = parts.next().filter(|k| !k.is_empty());
    let version = parts.next().filter(|k| !k.is_empty());
    if name.is_empty() || version.is_some() || parts.next().is_some() {
        return literal(value_from).into();
    }
    let mut m = Map::new();
    m.insert("secretsManager", literal(name));
    m.insert_some("key", key.map(literal));
    m.insert_some("versionStage", stage.map(literal));
    Node::Map(m)
}

fn ports(c: &LiveContainerDefinition, out: &mut Map) {
    let ports: Vec<Node> = c
        .port_mappings
        .iter()
        .filter_map(|p| {
            let port = p.container_port?;
            let udp = p.protocol.as_deref() == Some("udp");
            if !udp && p.name.is_none() && p.app_protocol.is_none() {
                return Some(Node::Int(port.into()));
            }
            let mut m = Map::new();
            m.insert("containerPort", port);
            if udp {
                m.insert("protocol", "udp");
            }
            m.insert_some("name", p.name.as_deref());
            m.insert_some("appProtocol", p.app_protocol.as_deref());
            Some(Node::Map(m))
        })
        .collect();
    if !ports.is_empty() {
        out.insert("ports", Node::List(ports));
    }
}

fn health_check(h: &crate::live::LiveHealthCheck) -> Map {
    let mut m = Map::new();
    match h.command.split_first() {
        Some((kind, rest)) if kind == "CMD-SHELL" => {
            m.insert("command", literal(&rest.join(" ")));
        }
        Some((kind, rest)) if kind == "CMD" => {
            m.insert(
                "command",
                rest.iter().map(|s| literal(s)).collect::<Vec<_>>(),
            );
        }
        _ => {
            m.insert(
                "command",
                h.command.iter().map(|s| literal(s)).collect::<Vec<_>>(),
            );
        }
    }
    m.insert_some("interval", h.interval);
    m.insert_some("timeout", h.timeout);
    m.insert_some("retries", h.retries);
    m.insert_some("startPeriod", h.start_period);
    m
}

fn container_extras(c: &LiveContainerDefinition, out: &mut Map, notes: &mut Vec<String>) {
    let mut ulimits = Map::new();
    for u in &c.ulimits {
        if u.soft_limit == u.hard_limit {
            ulimits.insert(u.name.as_str(), Node::Int(u.soft_limit));
        } else {
            let mut m = Map::new();
            m.insert("soft", Node::Int(u.soft_limit))
                .insert("hard", Node::Int(u.hard_limit));
            ulimits.insert(u.name.as_str(), m);
        }
    }
    if !ulimits.is_empty() {
        out.insert("ulimits", ulimits);
    }
    let mut labels = Map::new();
    for (k, v) in &c.docker_labels {
        labels.insert(k.as_str(), literal(v));
    }
    if !labels.is_empty() {
        out.insert("labels", labels);
    }
    let mut deps = Map::new();
    for d in &c.depends_on {
        deps.insert(d.container_name.as_str(), d.condition.as_str());
    }
    if !deps.is_empty() {
        out.insert("dependsOn", deps);
    }
    let mounts: Vec<Node> = c
        .mount_points
        .iter()
        .filter_map(|m| {
            let mut n = Map::new();
            n.insert("volume", m.source_volume.as_deref()?);
            n.insert("path", m.container_path.as_deref()?);
            if m.read_only == Some(true) {
                n.insert("readOnly", true);
            }
            Some(Node::Map(n))
        })
        .collect();
    if !mounts.is_empty() {
        out.insert("mounts", Node::List(mounts));
    }
    if c.readonly_root_filesystem == Some(true) {
        out.insert("readonlyRootFilesystem", true);
    }
    if c.cpu > 0 {
        out.insert("containerCpu", c.cpu);
    }
    out.insert_some("containerMemory", c.memory);
    out.insert_some("containerMemoryReservation", c.memory_reservation);
    if let Some(lp) = &c.linux_parameters {
        let mut m = Map::new();
        m.insert_some("initProcessEnabled", lp.init_process_enabled);
        let mut caps = Map::new();
        if !lp.add.is_empty() {
            caps.insert("add", lp.add.clone());
        }
        if !lp.drop.is_empty() {
            caps.insert("drop", lp.drop.clone());
        }
        if !caps.is_empty() {
            m.insert("capabilities", caps);
        }
        if lp.tmpfs > 0 || lp.devices > 0 || lp.shared_memory_size.is_some() {
            notes.push(format!(
                "container `{}`: linuxParameters tmpfs, devices and sharedMemorySize are not supported on Fargate and are left out",
                c.name
            ));
        }
        if !m.is_empty() {
            out.insert("linuxParameters", m);
        }
    }
    let mut sysctl = Map::new();
    for (k, v) in &c.system_controls {
        if let (Some(k), Some(v)) = (k, v) {
            sysctl.insert(k.as_str(), v.as_str());
        }
    }
    if !sysctl.is_empty() {
        out.insert("systemControls", sysctl);
    }
    out.insert_some("repositoryCredentials", c.repository_credentials.as_deref());
    if !c.environment_files.is_empty() {
        out.insert("environmentFiles", c.environment_files.clone());
    }
}

/// awslogs options as `logs`; another driver is noted (ecsctl writes awslogs or FireLens).
fn logs(c: &LiveContainerDefinition, out: &mut Map, cx: &TaskCx, notes: &mut Vec<String>) {
    let Some(lc) = &c.log_configuration else {
        notes.push(format!(
            "container `{}` has no log configuration; ecsctl sends its logs to the task's log group (a new revision)",
            c.name
        ));
        return;
    };
    if lc.log_driver != "awslogs" {
        notes.push(format!(
            "container `{}` logs with `{}`; ecsctl writes `awslogs` (or FireLens, `logs.driver: firelens`): review `logs`",
            c.name, lc.log_driver
        ));
        return;
    }
    let mut l = Map::new();
    if let Some(g) = lc.options.get("awslogs-group")
        && g != cx.default_group
    {
        l.insert("group", literal(g));
    }
    if let Some(p) = lc.options.get("awslogs-stream-prefix")
        && p != "ecs"
    {
        l.insert("streamPrefix", literal(p));
    }
    let known = [
        "awslogs-group",
        "awslogs-stream-prefix",
        "awslogs-region",
        "awslogs-create-group",
    ];
    let other: Vec<&String> = lc
        .options
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .collect();
    if !other.is_empty() {
        notes.push(format!(
            "container `{}`: awslogs options {} are not kept",
            c.name,
            other
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !l.is_empty() {
        out.insert("logs", l);
    }
}

fn volumes(td: &LiveTaskDefinition, cx: &TaskCx, svc: &mut Map, notes: &mut Vec<String>) {
    let mut vols = Map::new();
    for v in &td.volumes {
        let Some(name) = &v.name else { continue };
        let mut m = Map::new();
        if let Some(efs) = &v.efs {
            let mut e = Map::new();
            e.insert("fileSystemId", efs.file_system_id.as_str());
            if let Some(root) = efs.root_directory.as_deref().filter(|r| *r != "/") {
                e.insert("rootDirectory", root);
            }
            if efs.transit_encryption.as_deref() == Some("ENABLED") {
                e.insert("transitEncryption", true);
            }
            e.insert_some("accessPointId", efs.access_point_id.as_deref());
            if efs.iam.as_deref() == Some("ENABLED") {
                e.insert("iam", true);
            }
            m.insert("efs", e);
        } else if v.configured_at_launch {
            match cx.deployment.and_then(|d| d.volumes.iter().find(|e| &e.name == name)) {
                Some(ebs) => {
                    let mut e = Map::new();
                    e.insert_some("size", ebs.size_in_gib);
                    e.insert_some("volumeType", ebs.volume_type.as_deref());
                    e.insert_some("iops", ebs.iops);
                    e.insert_some("throughput", ebs.throughput);
                    e.insert_some("filesystem", ebs.filesystem_type.as_deref());
                    e.insert_some("encrypted", ebs.encrypted);
                    e.insert_some("kmsKeyId", ebs.kms_key_id.as_deref());
                    e.insert_some("snapshotId", ebs.snapshot_id.as_deref());
                    m.insert("ebs", e);
                }
                None => notes.push(format!(
                    "volume `{name}` is configured at launch but the service's deployment configures no EBS volume for it"
                )),
            }
        }
        vols.insert(name.as_str(), m);
    }
    if !vols.is_empty() {
        svc.insert("volumes", vols);
    }
}
