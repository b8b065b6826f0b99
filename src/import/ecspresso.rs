//! `ecsctl import --from-ecspresso CONFIG`: an ecspresso config with its service and task
//! definitions as a `Translation` of one environment with one service.
//!
//! Owns reading the three files (the config, `service_definition`, `task_definition`, paths
//! relative to the config), ecspresso's template functions in them, the errors about them, and
//! the service definition's fields. The task definition's are `ecspresso_task`'s. Must not
//! evaluate Jsonnet (refused, with the `ecspresso render` hint), write files or call AWS; what
//! the spec cannot say becomes a `Note`. Reference: ecspresso's README (github.com/kayac/ecspresso,
//! commit a4e6e32: "Configuration file", "Template syntax", "Plugins") and its test fixtures
//! (tests/ecspresso.yml, tests/ecs-service-def.json, tests/ecs-task-def.json); the JSON is the
//! ECS API's (CreateService, RegisterTaskDefinition).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::doc::{Map, Node};
use super::translation::{EnvDoc, Translation, literal};

#[path = "ecspresso_task.rs"]
mod task;

#[derive(Debug, thiserror::Error)]
pub enum EcspressoError {
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is Jsonnet, which ecsctl import does not evaluate\n  hint: render it to JSON first (`ecspresso render config`, `ecspresso render servicedef`, `ecspresso render taskdef`) and point the config at the JSON", path.display())]
    Jsonnet { path: PathBuf },
    #[error("`{}` is not valid {format} at line {line}, column {column}: {message}\n  hint: ecspresso templates (`{{{{ … }}}}`) are read only inside strings", path.display())]
    Syntax {
        path: PathBuf,
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{}` names no `{key}`\n  hint: ecsctl import needs the config's `service` and `task_definition`", path.display())]
    Missing { path: PathBuf, key: &'static str },
}

/// What one file's translation needs: where notes point, and the environment's names.
pub(crate) struct Cx<'a> {
    pub resource: String,
    pub at: String,
    pub service: &'a str,
}

impl Cx<'_> {
    pub fn note(&self, t: &mut Translation, text: impl Into<String>) {
        t.note(self.resource.clone(), Some(&self.at), text);
    }
}

/// Translates the ecspresso config at `config` into environment `env` of application `app`.
pub fn translate(config: &Path, app: &str, env: &str) -> Result<Translation, EcspressoError> {
    let mut t = Translation::default();
    let cfg = read(config, &mut t)?;
    let base = config.parent().unwrap_or(Path::new("."));
    let field = |key: &'static str| {
        cfg.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| EcspressoError::Missing {
                path: config.to_path_buf(),
                key,
            })
    };
    let live = field("service")?.to_string();
    let taskdef = read(&base.join(field("task_definition")?), &mut t)?;
    let svcdef = match cfg.get("service_definition").and_then(Value::as_str) {
        Some(p) => read(&base.join(p), &mut t)?,
        None => Value::Object(Default::default()),
    };
    let cluster = cfg
        .get("cluster")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let key = super::translation::service_key(&live, app, env, cluster);
    let cx = Cx {
        resource: format!("service/{live}"),
        at: format!("services.{key}"),
        service: &key,
    };
    let mut doc = Map::new();
    doc.insert("app", app);
    top_level(&cfg, app, env, &mut doc, &mut t);
    let mut svc = Map::new();
    if live != format!("{app}-{env}-{key}") {
        svc.map_mut("names").insert("service", live.as_str());
    }
    task::translate(&cx, app, env, &taskdef, &mut svc, &mut t);
    service(&cx, &svcdef, &mut svc, &mut doc, &mut t);
    doc.map_mut("services").insert(key, svc);
    t.envs.push(EnvDoc {
        name: env.to_string(),
        doc,
    });
    Ok(t)
}

/// `region` and `cluster` of the config; notes for the rest it configures.
fn top_level(cfg: &Value, app: &str, env: &str, doc: &mut Map, t: &mut Translation) {
    match cfg.get("region").and_then(Value::as_str) {
        Some(r) => doc.insert("region", r),
        None => {
            t.note("ecspresso", None, "the config names no region (ecspresso then reads `AWS_REGION`): `region` reads `${AWS_REGION}`");
            doc.insert("region", "${AWS_REGION}")
        }
    };
    if let Some(c) = cfg.get("cluster").and_then(Value::as_str)
        && c != format!("{app}-{env}")
    {
        doc.map_mut("cluster").insert("name", c);
    }
    for (k, v) in cfg.as_object().into_iter().flatten() {
        let text = match k.as_str() {
            "region" | "cluster" | "service" | "service_definition" | "task_definition"
            | "timeout" | "required_version" => continue,
            "plugins" => "the config's `plugins` are not translated: their template functions are noted where they are used".to_string(),
            "appspec" | "codedeploy" => format!("`{k}` (CodeDeploy blue/green) is not translated: ecsctl deploys blue/green itself (`deployment.strategy: blueGreen`) with the load balancers' second target group"),
            _ if is_empty(v) => continue,
            other => format!("the config's `{other}` is not translated: ecsctl has no equivalent"),
        };
        t.note("ecspresso", None, text);
    }
}

/// The service definition (CreateService's input, as ecspresso keeps it).
fn service(cx: &Cx, s: &Value, svc: &mut Map, doc: &mut Map, t: &mut Translation) {
    let Some(obj) = s.as_object() else { return };
    for (k, v) in obj {
        if is_empty(v) {
            continue;
        }
        match k.as_str() {
            "desiredCount" => plain(svc, "count", v),
            "enableExecuteCommand" => plain(svc, "enableExecuteCommand", v),
            "healthCheckGracePeriodSeconds" => plain(svc, "healthCheckGracePeriod", v),
            "platformVersion" => plain(svc, "platformVersion", v),
            "propagateTags" => propagate(cx, v, svc, t),
            "networkConfiguration" => network(v, doc),
            "capacityProviderStrategy" => capacity(cx, v, svc, t),
            "deploymentConfiguration" => deployment(cx, v, svc, t),
            "loadBalancers" => load_balancers(cx, v, svc, t),
            "tags" => task::tags(v, svc),
            // `ecspresso init` writes an empty one when the service uses a strategy.
            "launchType" if v == "" => {}
            "launchType" if v == "FARGATE" => cx.note(t, "the service runs with launch type `FARGATE`; ecsctl runs services with capacity provider strategies, so adopting it moves it to `capacity` (UpdateService, a new deployment)"),
            "schedulingStrategy" if v == "REPLICA" => {}
            "deploymentController" if v.get("type").and_then(Value::as_str) == Some("ECS") => {}
            "launchType" => cx.note(t, format!("`launchType: {}` is not translated: ecsctl runs on Fargate only", v.as_str().unwrap_or("?"))),
            "serviceRegistries" => cx.note(t, "`serviceRegistries` is not translated: ecsctl registers the services it creates in its own Cloud Map namespace; write `discovery` for it"),
            "serviceConnectConfiguration" => cx.note(t, "`serviceConnectConfiguration` is not translated: write `discovery: {mode: serviceConnect}` and the service's `discovery`"),
            // The service's identity, which the config names.
            "serviceName" | "cluster" | "taskDefinition" => {}
            other => cx.note(t, format!("`{other}` of the service definition is not translated: ecsctl has no equivalent")),
        }
    }
}

/// A value taken as it is.
fn plain(m: &mut Map, key: &str, v: &Value) {
    m.insert_some(key, Node::from_json(v));
}

/// Empty lists and maps, false and null say nothing worth a note.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn propagate(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    match v.as_str() {
        Some("SERVICE") => {}
        Some("TASK_DEFINITION") => {
            svc.insert("propagateTags", "taskDefinition");
        }
        Some("NONE") => {
            svc.insert("propagateTags", "none");
        }
        other => cx.note(
            t,
            format!(
                "`propagateTags: {}` is not translated",
                other.unwrap_or("?")
            ),
        ),
    }
}

/// `networkConfiguration.awsvpcConfiguration` as the environment's `network`.
fn network(v: &Value, doc: &mut Map) {
    let Some(a) = v.get("awsvpcConfiguration") else {
        return;
    };
    let n = doc.map_mut("network");
    n.insert_some("subnets", a.get("subnets").and_then(Node::from_json));
    n.insert_some(
        "securityGroups",
        a.get("securityGroups").and_then(Node::from_json),
    );
    if a.get("assignPublicIp").and_then(Value::as_str) == Some("ENABLED") {
        n.insert("assignPublicIp", true);
    }
}

/// A capacity provider strategy as `capacity`: one provider, or a FARGATE/FARGATE_SPOT mix.
fn capacity(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    let items = v.as_array().cloned().unwrap_or_default();
    let get = |name: &str| {
        items
            .iter()
            .find(|i| i.get("capacityProvider").and_then(Value::as_str) == Some(name))
    };
    let (od, spot) = (get("FARGATE"), get("FARGATE_SPOT"));
    let num = |i: Option<&Value>, k: &str| {
        i.and_then(|i| i.get(k))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    if items.len() != usize::from(od.is_some()) + usize::from(spot.is_some())
        || num(spot, "base") > 0
    {
        cx.note(t, "`capacityProviderStrategy` is not translated: ecsctl's `capacity` mixes FARGATE (with the base) and FARGATE_SPOT only");
        return;
    }
    match (od, spot) {
        (Some(_), None) | (None, None) => {}
        (None, Some(_)) => {
            svc.insert("capacity", "spot");
        }
        (Some(_), Some(_)) => {
            let mut mix = Map::new();
            mix.insert("base", num(od, "base"))
                .insert("onDemandWeight", num(od, "weight"))
                .insert("spotWeight", num(spot, "weight"));
            svc.insert("capacity", mix);
        }
    }
}

/// `deploymentConfiguration`: percents, circuit breaker, alarms.
fn deployment(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    let mut d = Map::new();
    d.insert_some(
        "maxPercent",
        v.get("maximumPercent").and_then(Node::from_json),
    );
    d.insert_some(
        "minHealthyPercent",
        v.get("minimumHealthyPercent").and_then(Node::from_json),
    );
    if let Some(cb) = v.get("deploymentCircuitBreaker") {
        let mut m = Map::new();
        m.insert_some("enabled", cb.get("enable").and_then(Node::from_json));
        m.insert_some("rollback", cb.get("rollback").and_then(Node::from_json));
        d.insert("circuitBreaker", m);
    }
    if let Some(a) = v.get("alarms")
        && a.get("enable").and_then(Value::as_bool) == Some(true)
    {
        d.insert_some("alarms", a.get("alarmNames").and_then(Node::from_json));
        if a.get("rollback").and_then(Value::as_bool) == Some(false) {
            cx.note(t, "deployment alarms with `rollback: false` are not translated as such: ecsctl's alarms always roll back");
        }
    }
    if !d.is_empty() {
        svc.insert("deployment", d);
    }
}

/// `loadBalancers`: target groups; classic load balancers are noted.
fn load_balancers(cx: &Cx, v: &Value, svc: &mut Map, t: &mut Translation) {
    let mut out = Vec::new();
    for lb in v.as_array().into_iter().flatten() {
        let Some(tg) = lb.get("targetGroupArn").and_then(Value::as_str) else {
            cx.note(t, "a classic load balancer (`loadBalancerName`) is not translated: ecsctl registers in target groups only");
            continue;
        };
        let mut m = Map::new();
        m.insert("targetGroupArn", tg);
        if let Some(c) = lb.get("containerName").and_then(Value::as_str)
            && Some(c)
                != svc.get("containerName").and_then(|n| match n {
                    Node::Str(s) => Some(s.as_str()),
                    _ => None,
                })
            && c != cx.service
        {
            m.insert("container", c);
        }
        m.insert_some("port", lb.get("containerPort").and_then(Node::from_json));
        out.push(Node::Map(m));
    }
    if !out.is_empty() {
        svc.insert("loadBalancers", Node::List(out));
    }
}

/// A config or definition file as JSON with its templates translated. Jsonnet is refused.
fn read(path: &Path, t: &mut Translation) -> Result<Value, EcspressoError> {
    if path
        .extension()
        .is_some_and(|e| e == "jsonnet" || e == "libsonnet")
    {
        return Err(EcspressoError::Jsonnet {
            path: path.to_path_buf(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| EcspressoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (masked, templates) = mask(&text);
    let json = path.extension().is_some_and(|e| e == "json");
    let parsed = if json {
        serde_json::from_str::<Value>(&masked).map_err(|e| (e.line(), e.column(), e.to_string()))
    } else {
        serde_saphyr::from_str::<Option<Value>>(&masked)
            .map(|v| v.unwrap_or_default())
            .map_err(|e| {
                let (l, c) = e
                    .location()
                    .map(|l| (l.line() as usize, l.column() as usize))
                    .unwrap_or((0, 0));
                (l, c, e.without_snippet().to_string())
            })
    };
    let mut v = parsed.map_err(|(line, column, message)| EcspressoError::Syntax {
        path: path.to_path_buf(),
        format: if json { "JSON" } else { "YAML" },
        line,
        column,
        message,
    })?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    unmask(&mut v, &templates, &file, t);
    Ok(v)
}

/// Marks each `{{ … }}` as `\u{E000}N\u{E000}`, so the file parses whatever quotes the template
/// holds; the templates, in order.
fn mask(text: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut templates = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&format!("\u{E000}{}\u{E000}", templates.len()));
        templates.push(rest[start + 2..start + len].trim().to_string());
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    (out, templates)
}

/// Every string with its marks replaced by the spec's `${…}` (and literal text escaped).
fn unmask(v: &mut Value, templates: &[String], file: &str, t: &mut Translation) {
    match v {
        Value::String(s) => *s = expand(s, templates, file, t),
        Value::Array(a) => a.iter_mut().for_each(|x| unmask(x, templates, file, t)),
        Value::Object(o) => o.values_mut().for_each(|x| unmask(x, templates, file, t)),
        _ => {}
    }
}

fn expand(s: &str, templates: &[String], file: &str, t: &mut Translation) -> String {
    let mut out = String::new();
    for (i, part) in s.split('\u{E000}').enumerate() {
        if i % 2 == 0 {
            out.push_str(&literal(part));
        } else {
            let n: usize = part.parse().unwrap_or(usize::MAX);
            let tpl = templates.get(n).map(String::as_str).unwrap_or_default();
            out.push_str(&template(tpl, file, t));
        }
    }
    out
}

/// One template as the spec's interpolation: `env` and `must_env` are `${X:-d}` and `${X}`;
/// any other function (`tfstate`, `ssm`, `cfn_output`, …) becomes a variable named after its
/// arguments, with a note.
pub(crate) fn template(tpl: &str, file: &str, t: &mut Translation) -> String {
    let body = tpl.split('|').next().unwrap_or_default().trim();
    let words = words(body);
    match words.as_slice() {
        [f, name] if f == "must_env" => format!("${{{name}}}"),
        [f, name] if f == "env" => format!("${{{name}:-}}"),
        [f, name, default] if f == "env" => {
            if default.contains(['{', '}']) {
                t.note("ecspresso", None, format!("the default `{default}` of `{name}` in `{file}` holds a brace, which a `${{NAME:-default}}` cannot: written with an empty default; set `{name}`, or write the value"));
                return format!("${{{name}:-}}");
            }
            format!("${{{name}:-{}}}", literal(default))
        }
        _ => {
            let var = variable(&words[1.min(words.len())..].join("_"));
            t.note("ecspresso", None, format!("`{{{{ {tpl} }}}}` in `{file}` is not translated: ecsctl does not evaluate ecspresso's template functions; written as `${{{var}}}`: set it, or write the value"));
            format!("${{{var}}}")
        }
    }
}

/// A template's words: bare, or quoted with "…" or `…`.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            out.push(chars.by_ref().take_while(|x| *x != c).collect());
        } else {
            let mut w = String::new();
            while let Some(&x) = chars.peek().filter(|x| !x.is_whitespace()) {
                w.push(x);
                chars.next();
            }
            out.push(w);
        }
    }
    out
}

/// `aws_subnet.private-a.id` → `AWS_SUBNET_PRIVATE_A_ID`.
fn variable(s: &str) -> String {
    let v = super::translation::variable_name(s);
    match v.chars().next() {
        Some(c) if !c.is_ascii_digit() => v,
        _ => format!("ECSPRESSO_{v}"),
    }
}

#[cfg(test)]
#[path = "ecspresso_tests.rs"]
mod tests;
