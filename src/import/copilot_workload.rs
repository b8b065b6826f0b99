//! One Copilot workload manifest, already merged for one environment, as a service or a
//! scheduled task of the spec.
//!
//! Owns the task- and service-level fields (size, platform, count and autoscaling, exec,
//! storage, network, discovery, deployment, logging, the scheduled job's trigger) and the notes
//! for every other top-level key, so no Copilot setting is dropped unsaid. Must not map
//! container fields (`copilot_container`) nor parse schedules (`copilot_schedule`). Reference:
//! site/content/docs/manifest/{lb-web-service,backend-service,worker-service,scheduled-job}.en.md
//! and the structs of internal/pkg/manifest/ in github.com/aws/copilot-cli.

use serde_json::Value;

use super::{Ctx, Kind, container, schedule};
use crate::import::doc::{Map, Node};
use crate::import::translation::Translation;

/// What the environment's namespace must offer: DNS registration (Copilot registers every
/// Load Balanced Web and Backend Service with a port as `{svc}.{env}.{app}.local`), and the
/// services that asked for Service Connect.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub dns: bool,
    pub connect: Vec<String>,
}

/// Where a workload's notes point.
pub(crate) struct Here<'a> {
    pub resource: String,
    pub at: String,
    pub name: &'a str,
}

impl Here<'_> {
    pub fn note(&self, t: &mut Translation, text: impl Into<String>) {
        t.note(self.resource.clone(), Some(&self.at), text);
    }
}

/// The workload's document, or None (with a note) for a type ecsctl does not run.
pub(crate) fn translate(
    cx: &Ctx,
    name: &str,
    kind: Kind,
    m: &Value,
    discovery: &mut Discovery,
    t: &mut Translation,
) -> Option<Map> {
    let section = if kind == Kind::Job {
        "scheduledTasks"
    } else {
        "services"
    };
    let here = Here {
        resource: format!("copilot/{name}"),
        at: format!("{section}.{name}"),
        name,
    };
    match kind {
        Kind::RequestDriven => {
            t.note(here.resource, None, format!("`{name}` is a Request-Driven Web Service, which runs on AWS App Runner, not ECS: not translated"));
            return None;
        }
        Kind::StaticSite => {
            t.note(
                here.resource,
                None,
                format!(
                    "`{name}` is a Static Site (S3 and CloudFront, no containers): not translated"
                ),
            );
            return None;
        }
        _ => {}
    }
    let mut out = Map::new();
    container::main(cx, &here, m, &mut out, t);
    size(&here, m, &mut out, t);
    if kind == Kind::Job {
        schedule::job(&here, m, &mut out, t);
    } else {
        schedule::count(&here, m, &mut out, t);
        if exec(m) {
            out.insert("enableExecuteCommand", true);
        }
        deployment(&here, m, &mut out, t);
    }
    storage(&here, m, &mut out, t);
    network(cx, &here, kind, m, &mut out, discovery, t);
    logging(cx, &here, m, &mut out, t);
    for (key, value) in m.as_object().into_iter().flatten() {
        other(&here, kind, key, value, t);
    }
    Some(out)
}

/// `cpu`, `memory`, `platform`.
fn size(here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    out.insert_some("cpu", m.get("cpu").and_then(super::node));
    out.insert_some("memory", m.get("memory").and_then(super::node));
    let platform = match m.get("platform") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("architecture").and_then(Value::as_str).map(|a| {
            let os = o.get("osfamily").and_then(Value::as_str).unwrap_or("linux");
            format!("{os}/{a}")
        }),
        _ => None,
    };
    match platform.as_deref() {
        None | Some("linux/x86_64" | "linux/amd64") => {}
        Some("linux/arm64" | "linux/arm") => {
            out.insert("architecture", "arm64");
        }
        Some(p) => here.note(
            t,
            format!(
                "`platform: {p}` is not translated: ecsctl runs Linux tasks only (x86_64 or arm64)"
            ),
        ),
    }
}

/// `exec: true` or `exec: {enable: true}`.
fn exec(m: &Value) -> bool {
    match m.get("exec") {
        Some(Value::Bool(b)) => *b,
        Some(v) => v.get("enable").and_then(Value::as_bool).unwrap_or(false),
        None => false,
    }
}

/// `deployment.rolling` (`recreate` stops every task first: 0 % healthy, 100 % at most) and
/// `rollback_alarms` (a list names existing alarms, as the spec's `deployment.alarms` does).
fn deployment(here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let Some(d) = m.get("deployment") else { return };
    if d.get("rolling").and_then(Value::as_str) == Some("recreate") {
        out.map_mut("deployment")
            .insert("minHealthyPercent", 0)
            .insert("maxPercent", 100);
    }
    match d.get("rollback_alarms") {
        Some(Value::Array(names)) => {
            out.map_mut("deployment")
                .insert_some("alarms", super::node(&Value::Array(names.clone())));
        }
        Some(_) => here.note(t, "`deployment.rollback_alarms` with thresholds is not translated: Copilot creates those alarms; create them and list their names in `deployment.alarms`"),
        None => {}
    }
}

/// `storage.ephemeral`, `storage.readonly_fs`, `storage.volumes` (on the main container).
fn storage(here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let Some(s) = m.get("storage") else { return };
    out.insert_some("ephemeralStorage", s.get("ephemeral").and_then(super::node));
    if s.get("readonly_fs").and_then(Value::as_bool) == Some(true) {
        out.insert("readonlyRootFilesystem", true);
    }
    if let Some(vols) = s.get("volumes").and_then(Value::as_object) {
        container::volumes(here, vols, out, t);
    }
}

/// `network.vpc` (placement, security groups) and discovery: DNS for the types Copilot
/// registers, Service Connect for `network.connect`.
fn network(
    cx: &Ctx,
    here: &Here,
    kind: Kind,
    m: &Value,
    out: &mut Map,
    discovery: &mut Discovery,
    t: &mut Translation,
) {
    let vpc = m.pointer("/network/vpc");
    let placement = vpc.and_then(|v| v.get("placement"));
    let public = match placement {
        Some(Value::String(p)) => p == "public",
        Some(Value::Object(_)) => {
            here.note(t, "`network.vpc.placement.subnets` is not translated: write the subnets under `network.subnets`");
            cx.net.default_public()
        }
        _ => cx.net.default_public(),
    };
    let groups = vpc.and_then(|v| v.get("security_groups"));
    let (extra, deny) = security_groups(here, groups, t);
    if public != cx.net.default_public() || !extra.is_empty() || deny {
        out.insert("network", cx.net.block(public, &extra, deny));
    }
    let port = m.pointer("/image/port").is_some();
    let connect = match m.pointer("/network/connect") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Object(_)) => true,
        _ => false,
    };
    if connect {
        discovery.connect.push(here.name.to_string());
        let mut d = Map::new();
        if let Some(alias) = m.pointer("/network/connect/alias").and_then(Value::as_str) {
            d.insert("name", alias);
        }
        out.insert("discovery", d);
    } else if port && matches!(kind, Kind::LoadBalanced | Kind::Backend) {
        // Copilot's discovery service: A and SRV records, TTL 10, multivalue
        // (workloads/partials/cf/servicediscovery.yml).
        discovery.dns = true;
        let mut d = Map::new();
        d.insert("records", vec!["A", "SRV"]).insert("ttl", 10);
        out.insert("discovery", d);
    }
}

/// The extra groups of `network.vpc.security_groups` and whether Copilot's is left out.
fn security_groups(here: &Here, v: Option<&Value>, t: &mut Translation) -> (Vec<String>, bool) {
    let (list, deny) = match v {
        Some(Value::Array(l)) => (l.clone(), false),
        Some(Value::Object(o)) => (
            o.get("groups")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            o.get("deny_default").and_then(Value::as_bool) == Some(true),
        ),
        _ => return (Vec::new(), false),
    };
    let mut ids = Vec::new();
    for g in list {
        match g.as_str() {
            Some(id) => ids.push(id.to_string()),
            None => here.note(t, "a security group `from_cfn` is not translated: ecsctl reads no CloudFormation exports; write its ID under `network.securityGroups`"),
        }
    }
    (ids, deny)
}

/// `logging`: `retention` is the log group's; anything else turns on Copilot's FireLens
/// router, which the spec's `logs.driver: firelens` is.
fn logging(cx: &Ctx, here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let Some(l) = m.get("logging").and_then(Value::as_object) else {
        return;
    };
    let mut logs = Map::new();
    logs.insert_some("retentionDays", l.get("retention").and_then(super::node));
    let mut fl = Map::new();
    fl.insert_some("image", l.get("image").and_then(super::node));
    fl.insert_some("configFile", l.get("configFilePath").and_then(super::node));
    fl.insert_some("ecsMetadata", l.get("enableMetadata").and_then(super::node));
    fl.insert_some("options", l.get("destination").and_then(super::node));
    if let Some(s) = l.get("secretOptions").and_then(Value::as_object) {
        fl.insert("secretOptions", container::secrets(cx, here, s, t));
    }
    for k in ["variables", "secrets", "env_file"] {
        if l.contains_key(k) {
            here.note(t, format!("`logging.{k}` (for the log router) is not translated: ecsctl's FireLens router takes no environment of its own"));
        }
    }
    if !fl.is_empty() {
        logs.insert("driver", "firelens").insert("firelens", fl);
    }
    if !logs.is_empty() {
        out.insert("logs", logs);
    }
}

/// A note for each top-level key the translation above does not read.
fn other(here: &Here, kind: Kind, key: &str, value: &Value, t: &mut Translation) {
    let text = match key {
        "name" | "type" | "image" | "cpu" | "memory" | "platform" | "count" | "exec"
        | "variables" | "secrets" | "command" | "entrypoint" | "storage" | "sidecars"
        | "network" | "logging" | "on" => return,
        "deployment" if kind != Kind::Job => return,
        "http" if value == &Value::Bool(false) => return,
        "http" => format!(
            "the load balancer (`http`{}) is not translated: ecsctl does not create load balancers or listener rules; create a target group and write `loadBalancers: [{{targetGroupArn: …}}]`{}",
            describe_http(value),
            if value.get("healthcheck").is_some() { "; `http.healthcheck` is the target group's health check: set it on the target group" } else { "" }
        ),
        "nlb" => "the Network Load Balancer (`nlb`) is not translated: ecsctl does not create load balancers; register in an existing target group with `loadBalancers`".into(),
        "env_file" => "`env_file` is not translated: Copilot uploads it to its own S3 bucket; upload it and list it under `environmentFiles`".into(),
        "publish" => "`publish` (SNS topics) is not translated: ecsctl does not create topics".into(),
        "subscribe" => "`subscribe` (the SQS queue and topic subscriptions Copilot creates) is not translated: ecsctl does not create queues; `COPILOT_QUEUE_URI` is not set".into(),
        "taskdef_overrides" => "`taskdef_overrides` is not translated: they patch Copilot's CloudFormation template; write the fields they set in the spec".into(),
        "observability" => "`observability` (X-Ray tracing) is not translated: add the X-Ray daemon as a sidecar and grant it in `taskRole`".into(),
        "retries" => format!("`retries: {value}` is not translated: Copilot retried a failed job run (Step Functions); ecsctl's `retryPolicy` only retries starting the task"),
        "timeout" => format!("`timeout: {}` is not translated: ecsctl does not stop a job run after a time", value.as_str().unwrap_or("?")),
        "deployment" => "`deployment` is not translated for a job".into(),
        other => format!("`{other}` is not translated: ecsctl has no equivalent"),
    };
    here.note(t, text);
}

/// `: path `/`, alias `example.com`` for the note on `http`.
fn describe_http(v: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(p) = v.get("path").and_then(Value::as_str) {
        parts.push(format!("path `{p}`"));
    }
    match v.get("alias") {
        Some(Value::String(a)) => parts.push(format!("alias `{a}`")),
        Some(Value::Array(_)) => parts.push("aliases".into()),
        _ => {}
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
    }
}

/// A document node for a list of strings.
pub(crate) fn strings(items: Vec<String>) -> Node {
    Node::List(items.into_iter().map(Node::Str).collect())
}
