//! Copilot's container fields (the main container's and each sidecar's) as the spec's
//! container keys: image, ports, env, secrets, command, health check, labels, dependencies,
//! volumes and mounts.
//!
//! Owns those fields and Copilot's own rules for them: `${COPILOT_APPLICATION_NAME}` and
//! `${COPILOT_ENVIRONMENT_NAME}` (internal/pkg/manifest/interpolate.go), the variables Copilot
//! sets in every main container (workloads/partials/cf/envvars-common.yml), secrets by SSM name
//! or `secretsmanager: 'name:key:stage:version'` (secrets.en.md), health check defaults
//! (image-healthcheck.en.md), volumes read-only unless told (storage.en.md). Must not read
//! task- or service-level fields (`copilot_workload`).

use serde_json::Value;

use super::env::var;
use super::schedule::seconds;
use super::workload::{Here, strings};
use super::{Ctx, node};
use crate::import::doc::{Map, Node};
use crate::import::translation::Translation;

/// The main container: `image`, the top-level container fields, and `sidecars`.
pub(crate) fn main(cx: &Ctx, here: &Here, m: &Value, out: &mut Map, t: &mut Translation) {
    let image = m.get("image").unwrap_or(&Value::Null);
    out.insert("image", image_ref(cx, here, here.name, image, t));
    if let Some(p) = image.get("port").and_then(Value::as_i64) {
        out.insert("ports", vec![p]);
    }
    let mut env = Map::new();
    // Copilot sets these in every main container; applications read them.
    env.insert("COPILOT_APPLICATION_NAME", "{app}")
        .insert("COPILOT_ENVIRONMENT_NAME", "{env}")
        .insert("COPILOT_SERVICE_NAME", "{service}")
        .insert("COPILOT_SERVICE_DISCOVERY_ENDPOINT", "{env}.{app}.local");
    fields(cx, here, "", m, &mut env, out, t);
    fields(cx, here, "image.", image, &mut Map::new(), out, t);
    out.insert("env", env);
    if let Some(sidecars) = m.get("sidecars").and_then(Value::as_object) {
        let mut all = Map::new();
        for (name, s) in sidecars {
            all.insert(name.clone(), sidecar(cx, here, name, s, t));
        }
        out.insert("sidecars", all);
    }
}

/// The container fields found in `v` (the manifest, `image`, or a sidecar).
fn fields(
    cx: &Ctx,
    here: &Here,
    prefix: &str,
    v: &Value,
    env: &mut Map,
    out: &mut Map,
    t: &mut Translation,
) {
    if let Some(vars) = v.get("variables").and_then(Value::as_object) {
        for (k, val) in vars {
            match val {
                Value::String(s) => {
                    env.insert(k.clone(), text(cx, s, true));
                }
                Value::Object(_) => here.note(t, format!("`{prefix}variables.{k}` from a CloudFormation export (`from_cfn`) is not translated: ecsctl reads no exports; write its value")),
                other => {
                    env.insert_some(k, node(other));
                }
            }
        }
    }
    if let Some(s) = v.get("secrets").and_then(Value::as_object) {
        out.insert("secrets", secrets(cx, here, s, t));
    }
    for (from, to) in [("entrypoint", "entryPoint"), ("command", "command")] {
        out.insert_some(to, v.get(from).and_then(|c| command(cx, c)));
    }
    if let Some(h) = v.get("healthcheck") {
        out.insert("healthCheck", health_check(cx, h));
    }
    out.insert_some("labels", v.get("labels").and_then(node));
    if let Some(d) = v.get("depends_on").and_then(Value::as_object) {
        let mut deps = Map::new();
        for (k, cond) in d {
            deps.insert(
                k.clone(),
                cond.as_str().unwrap_or("start").to_ascii_uppercase(),
            );
        }
        out.insert("dependsOn", deps);
    }
    for key in ["credentials", "credentialsParameter"] {
        out.insert_some("repositoryCredentials", v.get(key).and_then(node));
    }
}

/// A sidecar: Copilot's sidecar fields (sidecar-config.en.md).
fn sidecar(cx: &Ctx, here: &Here, name: &str, s: &Value, t: &mut Translation) -> Map {
    let mut out = Map::new();
    let image = s.get("image").unwrap_or(&Value::Null);
    let image = match image {
        Value::String(loc) => Node::Str(text(cx, loc, true)),
        v => image_ref(cx, here, name, v, t),
    };
    out.insert("image", image);
    match s.get("port") {
        Some(Value::Number(n)) => {
            out.insert_some("ports", Some(vec![n.as_i64().unwrap_or(0)]));
        }
        Some(Value::String(p)) => {
            out.insert("ports", vec![port(p)]);
        }
        _ => {}
    }
    out.insert_some("essential", s.get("essential").and_then(node));
    let mut env = Map::new();
    fields(
        cx,
        here,
        &format!("sidecars.{name}."),
        s,
        &mut env,
        &mut out,
        t,
    );
    if !env.is_empty() {
        out.insert("env", env);
    }
    if let Some(mounts) = s.get("mount_points").and_then(Value::as_array) {
        let list = mounts
            .iter()
            .map(|mp| mount(mp.get("source_volume"), mp.get("path"), mp.get("read_only")))
            .collect();
        out.insert("mounts", Node::List(list));
    }
    for key in s.as_object().into_iter().flat_map(|o| o.keys()) {
        let known = [
            "image",
            "port",
            "essential",
            "variables",
            "secrets",
            "entrypoint",
            "command",
            "healthcheck",
            "labels",
            "depends_on",
            "credentialsParameter",
            "mount_points",
        ];
        if !known.contains(&key.as_str()) {
            here.note(
                t,
                format!("`sidecars.{name}.{key}` is not translated: ecsctl has no equivalent"),
            );
        }
    }
    out
}

/// `80`, `80/tcp` or `2000/udp` as a port of the spec.
fn port(p: &str) -> Node {
    let (n, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    let n: i64 = n.trim().parse().unwrap_or(0);
    if proto.eq_ignore_ascii_case("tcp") {
        return Node::Int(n);
    }
    let mut m = Map::new();
    m.insert("containerPort", n)
        .insert("protocol", proto.to_ascii_lowercase());
    Node::Map(m)
}

/// `image.location` as written; `image.build` becomes the ECR repository Copilot pushes to,
/// `{app}/{name}` (internal/pkg/cli/deploy/workload.go, `RepoName`), with the tag a variable.
fn image_ref(cx: &Ctx, here: &Here, name: &str, image: &Value, t: &mut Translation) -> Node {
    if let Some(loc) = image.get("location").and_then(Value::as_str) {
        return Node::Str(text(cx, loc, true));
    }
    let tag = var(name, "IMAGE_TAG");
    if image.get("build").is_some() {
        here.note(t, format!("`{name}` builds its image (`image.build`), which ecsctl does not: the image is Copilot's ECR repository `{{app}}/{name}` with the tag `${{{tag}}}`; push the image in CI and set `{tag}`, or write `--image`"));
    } else {
        here.note(t, format!("`{name}` names no image: written as Copilot's ECR repository `{{app}}/{name}` with the tag `${{{tag}}}`"));
    }
    Node::Str(format!(
        "{{account_id}}.dkr.ecr.{{region}}.amazonaws.com/{{app}}/{name}:${{{tag}}}"
    ))
}

/// `secrets:` as the spec's references.
pub(crate) fn secrets(
    cx: &Ctx,
    here: &Here,
    s: &serde_json::Map<String, Value>,
    t: &mut Translation,
) -> Map {
    let mut out = Map::new();
    for (k, v) in s {
        let r = match v {
            Value::String(name) => ssm_or_arn(&text(cx, name, true)),
            Value::Object(o) => match o.get("secretsmanager").and_then(Value::as_str) {
                Some(sm) => secrets_manager(here, k, &text(cx, sm, true), t),
                None => {
                    here.note(t, format!("secret `{k}` from a CloudFormation export (`from_cfn`) is not translated: write the secret's ARN"));
                    continue;
                }
            },
            _ => continue,
        };
        out.insert(k.clone(), r);
    }
    out
}

/// A plain secret value: an SSM parameter name (Copilot's meaning), or an ARN as written.
fn ssm_or_arn(s: &str) -> Node {
    if s.starts_with("arn:") && s.contains(":secretsmanager:") {
        return Node::Str(s.to_string());
    }
    let mut m = Map::new();
    m.insert("ssm", s);
    Node::Map(m)
}

/// `secretsmanager: 'name:key:stage:version'` (or an ARN, taken as written).
fn secrets_manager(here: &Here, k: &str, s: &str, t: &mut Translation) -> Node {
    if s.starts_with("arn:") {
        return Node::Str(s.to_string());
    }
    let mut parts = s.split(':');
    let name = parts.next().unwrap_or_default();
    let mut m = Map::new();
    m.insert("secretsManager", name);
    if let Some(key) = parts.next().filter(|p| !p.is_empty()) {
        m.insert("key", key);
    }
    if let Some(stage) = parts.next().filter(|p| !p.is_empty()) {
        m.insert("versionStage", stage);
    }
    if let Some(version) = parts.next().filter(|p| !p.is_empty()) {
        here.note(t, format!("secret `{k}` pins version `{version}`, which the spec cannot: it reads the current version (or `versionStage`)"));
    }
    Node::Map(m)
}

/// `command`/`entrypoint`: a list as written, a string split as a shell would (Copilot splits
/// it into words too: internal/pkg/manifest/workload.go, `ToStringSlice`).
fn command(cx: &Ctx, v: &Value) -> Option<Node> {
    let words = match v {
        Value::String(s) => split_words(s),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => return None,
    };
    Some(strings(words.iter().map(|w| text(cx, w, false)).collect()))
}

/// Words of a command line: whitespace separates, quotes group, a backslash escapes.
pub(crate) fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => cur.extend(chars.next()),
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
                continue;
            }
            (None, c) if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                started = false;
                continue;
            }
            (None, c) => cur.push(c),
        }
        started = true;
    }
    if started || !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// A container health check with Copilot's defaults written out (10 s interval, 2 retries,
/// 5 s timeout), since ecsctl's differ (30, 3, 5).
fn health_check(cx: &Ctx, h: &Value) -> Map {
    let mut m = Map::new();
    let cmd = match h.get("command") {
        Some(Value::Array(a)) => {
            let words: Vec<String> = a
                .iter()
                .filter_map(Value::as_str)
                .map(|w| text(cx, w, false))
                .collect();
            match words.as_slice() {
                [shell, line] if shell == "CMD-SHELL" => Node::Str(line.clone()),
                _ => strings(words),
            }
        }
        Some(Value::String(s)) => Node::Str(text(cx, s, false)),
        _ => Node::List(Vec::new()),
    };
    m.insert("command", cmd);
    let dur = |k: &str, default: i64| h.get(k).and_then(seconds).unwrap_or(default);
    m.insert("interval", dur("interval", 10))
        .insert("timeout", dur("timeout", 5))
        .insert(
            "retries",
            h.get("retries").and_then(Value::as_i64).unwrap_or(2),
        );
    m.insert_some("startPeriod", h.get("start_period").and_then(seconds));
    m
}

/// `storage.volumes`: EFS by ID as `efs`, Copilot-managed EFS and bare volumes as scratch
/// space; each mounted in the main container (read-only unless `read_only: false`).
pub(crate) fn volumes(
    here: &Here,
    vols: &serde_json::Map<String, Value>,
    out: &mut Map,
    t: &mut Translation,
) {
    let mut all = Map::new();
    let mut mounts = Vec::new();
    for (name, v) in vols {
        all.insert(name.clone(), volume(here, name, v.get("efs"), t));
        if v.get("path").is_some() {
            mounts.push(mount(
                Some(&Value::String(name.clone())),
                v.get("path"),
                v.get("read_only"),
            ));
        }
    }
    out.insert("volumes", all);
    if !mounts.is_empty() {
        out.insert("mounts", Node::List(mounts));
    }
}

fn volume(here: &Here, name: &str, efs: Option<&Value>, t: &mut Translation) -> Map {
    let mut m = Map::new();
    let Some(efs) = efs.filter(|e| !matches!(e, Value::Bool(false))) else {
        return m;
    };
    let Some(id) = efs.get("id").and_then(Value::as_str) else {
        here.note(t, format!("volume `{name}` is EFS that Copilot created and manages (`efs: true`, `uid`/`gid` or `id.from_cfn`): written as scratch space, which keeps no data; write `efs: {{fileSystemId: …}}` with the file system's ID"));
        return m;
    };
    let mut e = Map::new();
    e.insert("fileSystemId", id);
    e.insert_some("rootDirectory", efs.get("root_dir").and_then(node));
    e.insert_some(
        "accessPointId",
        efs.pointer("/auth/access_point_id").and_then(node),
    );
    // Copilot authorises with IAM unless `auth.iam: false` (storage.en.md).
    if efs.pointer("/auth/iam").and_then(Value::as_bool) != Some(false) {
        e.insert("iam", true);
        here.note(t, format!("volume `{name}` mounts with IAM: Copilot granted the task role `elasticfilesystem:ClientMount` (and `ClientWrite`) on `{id}`; write those in `taskRole.statements`"));
    }
    m.insert("efs", e);
    m
}

fn mount(volume: Option<&Value>, path: Option<&Value>, read_only: Option<&Value>) -> Node {
    let mut m = Map::new();
    m.insert_some("volume", volume.and_then(node));
    m.insert_some("path", path.and_then(node));
    m.insert(
        "readOnly",
        read_only.and_then(Value::as_bool).unwrap_or(true),
    );
    Node::Map(m)
}

/// A Copilot string in the spec: `${COPILOT_APPLICATION_NAME}`/`${COPILOT_ENVIRONMENT_NAME}`
/// become `{app}`/`{env}` where the spec expands placeholders (`templated`), the names
/// themselves elsewhere; Copilot's escaped `\${X}` is the spec's literal `$${X}`; any other
/// `${X}` is an environment variable in both.
pub(crate) fn text(cx: &Ctx, s: &str, templated: bool) -> String {
    let (app, env) = if templated {
        ("{app}", "{env}")
    } else {
        (cx.app, cx.env)
    };
    s.replace("\\${", "\u{0}")
        .replace("${COPILOT_APPLICATION_NAME}", app)
        .replace("${COPILOT_ENVIRONMENT_NAME}", env)
        .replace('\u{0}', "$${")
}
