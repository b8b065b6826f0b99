//! An ECS task definition (RegisterTaskDefinition's input, as ecspresso keeps it) as the
//! fields of one service: size, roles, volumes, the main container and its sidecars, logs.
//!
//! Owns the task definition's fields and its containers'. Must not read the service
//! definition or the config (`ecspresso`). Field names and shapes: the ECS API reference,
//! "TaskDefinition" and "ContainerDefinition"
//! (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).

use serde_json::Value;

use super::{Cx, is_empty};
use crate::import::doc::{Map, Node};
use crate::import::translation::Translation;

/// The task definition's fields into `svc` (values arrive with their templates already
/// translated and literal text escaped).
pub(crate) fn translate(
    cx: &Cx,
    app: &str,
    env: &str,
    td: &Value,
    svc: &mut Map,
    t: &mut Translation,
) {
    let containers: Vec<&Value> = td
        .get("containerDefinitions")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let main = main_index(cx.service, &containers);
    if let Some(i) = main {
        let c = containers[i];
        let name = c.get("name").and_then(Value::as_str).unwrap_or(cx.service);
        if name != cx.service {
            svc.insert("containerName", name);
        }
        container(cx, c, svc, t);
        logs(cx, c, svc, t);
    }
    let mut sidecars = Map::new();
    for (i, c) in containers
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != main)
    {
        let mut m = Map::new();
        let name = c
            .get("name")
            .and_then(Value::as_str)
            .map_or(format!("sidecar-{i}"), str::to_string);
        m.insert(
            "essential",
            c.get("essential").and_then(Value::as_bool).unwrap_or(true),
        );
        container(cx, c, &mut m, t);
        if c.get("logConfiguration") != containers[main.unwrap_or(0)].get("logConfiguration") {
            cx.note(t, format!("the log configuration of sidecar `{name}` is not translated: every container of the task logs to the service's log group"));
        }
        sidecars.insert(name, m);
    }
    task_fields(cx, app, env, td, svc, t);
    if !sidecars.is_empty() {
        svc.insert("sidecars", sidecars);
    }
}

/// The essential container named like the service, else the first essential one, else the
/// first.
fn main_index(service: &str, containers: &[&Value]) -> Option<usize> {
    let essential = |c: &&Value| c.get("essential").and_then(Value::as_bool) != Some(false);
    let named = containers
        .iter()
        .position(|c| essential(c) && c.get("name").and_then(Value::as_str) == Some(service));
    named
        .or_else(|| containers.iter().position(essential))
        .or(if containers.is_empty() { None } else { Some(0) })
}

/// Task-level fields: family, size, platform, storage, roles, volumes, tags.
fn task_fields(cx: &Cx, app: &str, env: &str, td: &Value, svc: &mut Map, t: &mut Translation) {
    for (k, v) in td.as_object().into_iter().flatten() {
        if is_empty(v) {
            continue;
        }
        match k.as_str() {
            "family" => {
                let f = v.as_str().unwrap_or_default();
                if f != format!("{app}-{env}-{}", cx.service) {
                    svc.map_mut("names").insert("family", f);
                }
            }
            "cpu" | "memory" => {
                svc.insert_some(k, size(v));
            }
            "taskRoleArn" => {
                svc.map_mut("taskRole").insert_some("arn", Node::from_json(v));
            }
            // The spec's key for an existing execution role that ecsctl uses and never changes.
            "executionRoleArn" => {
                svc.insert_some("executionRoleArn", Node::from_json(v));
            }
            "ephemeralStorage" => {
                svc.insert_some("ephemeralStorage", v.get("sizeInGiB").and_then(Node::from_json));
            }
            "runtimePlatform" => platform(cx, v, svc, t),
            "volumes" => volumes(cx, v, svc, t),
            "tags" => tags(v, svc),
            "containerDefinitions" => {}
            "networkMode" if v == "awsvpc" => {}
            "requiresCompatibilities" if v.as_array().is_some_and(|a| a.iter().any(|x| x == "FARGATE")) => {}
            other => cx.note(t, format!("`{other}` of the task definition is not translated: ecsctl has no equivalent for Fargate")),
        }
    }
}

/// `"1024"` as 1024; `"1 vCPU"` as written (the spec reads both).
fn size(v: &Value) -> Option<Node> {
    match v {
        Value::String(s) => Some(
            s.parse::<i64>()
                .map_or_else(|_| Node::Str(s.clone()), Node::Int),
        ),
        other => Node::from_json(other),
    }
}

fn platform(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    if v.get("cpuArchitecture").and_then(Value::as_str) == Some("ARM64") {
        svc.insert("architecture", "arm64");
    }
    if let Some(os) = v.get("operatingSystemFamily").and_then(Value::as_str)
        && os != "LINUX"
    {
        cx.note(
            t,
            format!(
                "`operatingSystemFamily: {os}` is not translated: ecsctl runs Linux tasks only"
            ),
        );
    }
}

/// Tags as a map (service definition and task definition alike; the service's win).
pub(crate) fn tags(v: &Value, svc: &mut Map) {
    let tags = svc.map_mut("tags");
    for tag in v.as_array().into_iter().flatten() {
        if let (Some(k), Some(val)) = (
            tag.get("key").and_then(Value::as_str),
            tag.get("value").and_then(Value::as_str),
        ) && tags.get(k).is_none()
        {
            tags.insert(k, val);
        }
    }
}

/// Task volumes: EFS as `efs`, bind mounts with no host path as scratch space.
fn volumes(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    let vols = svc.map_mut("volumes");
    for vol in v.as_array().into_iter().flatten() {
        let Some(name) = vol.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut m = Map::new();
        if let Some(e) = vol.get("efsVolumeConfiguration") {
            let mut efs = Map::new();
            efs.insert_some(
                "fileSystemId",
                e.get("fileSystemId").and_then(Node::from_json),
            );
            efs.insert_some(
                "rootDirectory",
                e.get("rootDirectory").and_then(Node::from_json),
            );
            if e.get("transitEncryption").and_then(Value::as_str) == Some("DISABLED") {
                efs.insert("transitEncryption", false);
            }
            let auth = e.get("authorizationConfig");
            efs.insert_some(
                "accessPointId",
                auth.and_then(|a| a.get("accessPointId"))
                    .and_then(Node::from_json),
            );
            if auth.and_then(|a| a.get("iam")).and_then(Value::as_str) == Some("ENABLED") {
                efs.insert("iam", true);
            }
            m.insert("efs", efs);
        } else if vol.get("configuredAtLaunch").and_then(Value::as_bool) == Some(true) {
            cx.note(t, format!("volume `{name}` is configured at launch (EBS): its size and type are the service's `volumeConfigurations`; write `volumes.{name}.ebs`"));
        } else if vol.pointer("/host/sourcePath").is_some()
            || vol.get("dockerVolumeConfiguration").is_some()
        {
            cx.note(t, format!("volume `{name}` (a host path or Docker volume) is not translated as such: Fargate has neither; written as scratch space"));
        }
        vols.insert(name, m);
    }
}

/// The container's fields as the spec's container keys.
fn container(cx: &Cx, c: &Value, out: &mut Map, t: &mut Translation) {
    let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
    for (k, v) in c.as_object().into_iter().flatten() {
        if is_empty(v) {
            continue;
        }
        let plain = |key: &str, out: &mut Map| {
            out.insert_some(key, Node::from_json(v));
        };
        match k.as_str() {
            "image" | "command" | "workingDirectory" | "user" | "stopTimeout" | "startTimeout"
            | "readonlyRootFilesystem" => plain(k, out),
            "entryPoint" => plain("entryPoint", out),
            "dockerLabels" => plain("labels", out),
            "cpu" => plain("containerCpu", out),
            "memory" => plain("containerMemory", out),
            "memoryReservation" => plain("containerMemoryReservation", out),
            "portMappings" => ports(v, out),
            "environment" => pairs(v, "name", "value", out.map_mut("env")),
            "systemControls" => pairs(v, "namespace", "value", out.map_mut("systemControls")),
            "environmentFiles" => {
                let files: Vec<Node> = v.as_array().into_iter().flatten().filter_map(|f| f.get("value").and_then(Node::from_json)).collect();
                out.insert("environmentFiles", Node::List(files));
            }
            "secrets" => secrets(v, out),
            "healthCheck" => health_check(v, out),
            "dependsOn" => pairs(v, "containerName", "condition", out.map_mut("dependsOn")),
            "ulimits" => ulimits(v, out),
            "mountPoints" => mounts(v, out),
            "linuxParameters" => linux(cx, name, v, out, t),
            "repositoryCredentials" => {
                out.insert_some("repositoryCredentials", v.get("credentialsParameter").and_then(Node::from_json));
            }
            "name" | "essential" | "logConfiguration" => {}
            other => cx.note(t, format!("`{other}` of container `{name}` is not translated: ecsctl has no equivalent for Fargate")),
        }
    }
}

/// `[{name, value}]` lists as a map.
fn pairs(v: &Value, key: &str, value: &str, out: &mut Map) {
    for p in v.as_array().into_iter().flatten() {
        if let (Some(k), Some(val)) = (
            p.get(key).and_then(Value::as_str),
            p.get(value).and_then(Node::from_json),
        ) {
            out.insert(k, val);
        }
    }
}

fn ports(v: &Value, out: &mut Map) {
    let list = v.as_array().into_iter().flatten().filter_map(|p| {
        let port = p.get("containerPort")?.as_i64()?;
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("tcp");
        if proto == "tcp" && p.get("name").is_none() && p.get("appProtocol").is_none() {
            return Some(Node::Int(port));
        }
        let mut m = Map::new();
        m.insert("containerPort", port);
        if proto != "tcp" {
            m.insert("protocol", proto);
        }
        m.insert_some("name", p.get("name").and_then(Node::from_json));
        m.insert_some(
            "appProtocol",
            p.get("appProtocol").and_then(Node::from_json),
        );
        Some(Node::Map(m))
    });
    out.insert("ports", Node::List(list.collect()));
}

/// `valueFrom` as a reference: a Secrets Manager ARN with its `:KEY:STAGE:VERSION` suffix split
/// off into `key` and `versionStage`, an SSM parameter by name or ARN.
fn secrets(v: &Value, out: &mut Map) {
    let all = out.map_mut("secrets");
    for s in v.as_array().into_iter().flatten() {
        let (Some(name), Some(from)) = (
            s.get("name").and_then(Value::as_str),
            s.get("valueFrom").and_then(Value::as_str),
        ) else {
            continue;
        };
        all.insert(name, reference(from));
    }
}

pub(crate) fn reference(from: &str) -> Node {
    let mut m = Map::new();
    if from.contains(":secretsmanager:") {
        // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:KEY:STAGE:VERSION]
        let parts: Vec<&str> = from.splitn(10, ':').collect();
        m.insert("secretsManager", parts[..parts.len().min(7)].join(":"));
        if let Some(key) = parts.get(7).filter(|k| !k.is_empty()) {
            m.insert("key", *key);
        }
        if let Some(stage) = parts.get(8).filter(|k| !k.is_empty()) {
            m.insert("versionStage", *stage);
        }
        if parts.get(9).is_some_and(|v| !v.is_empty()) {
            // A pinned version has no key of its own in the spec: keep the ARN as written.
            return Node::Str(from.to_string());
        }
    } else {
        m.insert("ssm", from);
    }
    Node::Map(m)
}

fn health_check(v: &Value, out: &mut Map) {
    let mut h = Map::new();
    let cmd: Vec<String> = v
        .get("command")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    match cmd.as_slice() {
        [shell, line] if shell == "CMD-SHELL" => h.insert("command", line.as_str()),
        _ => h.insert("command", cmd),
    };
    for (from, to) in [
        ("interval", "interval"),
        ("timeout", "timeout"),
        ("retries", "retries"),
        ("startPeriod", "startPeriod"),
    ] {
        h.insert_some(to, v.get(from).and_then(Node::from_json));
    }
    out.insert("healthCheck", h);
}

fn ulimits(v: &Value, out: &mut Map) {
    let all = out.map_mut("ulimits");
    for u in v.as_array().into_iter().flatten() {
        let (Some(name), Some(soft), Some(hard)) = (
            u.get("name").and_then(Value::as_str),
            u.get("softLimit").and_then(Value::as_i64),
            u.get("hardLimit").and_then(Value::as_i64),
        ) else {
            continue;
        };
        if soft == hard {
            all.insert(name, soft);
        } else {
            let mut m = Map::new();
            m.insert("soft", soft).insert("hard", hard);
            all.insert(name, m);
        }
    }
}

fn mounts(v: &Value, out: &mut Map) {
    let list = v.as_array().into_iter().flatten().map(|mp| {
        let mut m = Map::new();
        m.insert_some("volume", mp.get("sourceVolume").and_then(Node::from_json));
        m.insert_some("path", mp.get("containerPath").and_then(Node::from_json));
        if mp.get("readOnly").and_then(Value::as_bool) == Some(true) {
            m.insert("readOnly", true);
        }
        Node::Map(m)
    });
    out.insert("mounts", Node::List(list.collect()));
}

fn linux(cx: &Cx, name: &str, v: &Value, out: &mut Map, t: &mut Translation) {
    let mut m = Map::new();
    m.insert_some(
        "initProcessEnabled",
        v.get("initProcessEnabled").and_then(Node::from_json),
    );
    if let Some(c) = v.get("capabilities") {
        let mut caps = Map::new();
        for k in ["add", "drop"] {
            caps.insert_some(
                k,
                c.get(k).filter(|x| !is_empty(x)).and_then(Node::from_json),
            );
        }
        if !caps.is_empty() {
            m.insert("capabilities", caps);
        }
    }
    for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
        if !matches!(k.as_str(), "initProcessEnabled" | "capabilities") && !is_empty(&v[k]) {
            cx.note(t, format!("`linuxParameters.{k}` of container `{name}` is not translated: Fargate does not support it"));
        }
    }
    if !m.is_empty() {
        out.insert("linuxParameters", m);
    }
}

/// The main container's `awslogs` options as the service's `logs`; other drivers are noted.
fn logs(cx: &Cx, c: &Value, svc: &mut Map, t: &mut Translation) {
    let Some(l) = c.get("logConfiguration") else {
        return;
    };
    match l.get("logDriver").and_then(Value::as_str) {
        Some("awslogs") => {
            let mut m = Map::new();
            m.insert_some("group", l.pointer("/options/awslogs-group").and_then(Node::from_json));
            // `ecs` is ecsctl's default prefix.
            let prefix = l.pointer("/options/awslogs-stream-prefix").filter(|p| *p != "ecs");
            m.insert_some("streamPrefix", prefix.and_then(Node::from_json));
            if !m.is_empty() {
                svc.insert("logs", m);
            }
        }
        Some(d) => cx.note(t, format!("the `{d}` log driver is not translated: ecsctl's containers log with `awslogs` or through FireLens (`logs.driver: firelens`)")),
        None => {}
    }
}
