//! `ecsctl import --from-copilot DIR`: an AWS Copilot workspace as a `Translation`.
//!
//! Owns reading the workspace (`copilot/.workspace`, `copilot/environments/<env>/manifest.yml`,
//! `copilot/<name>/manifest.yml`), the errors about those files, Copilot's per-environment
//! overrides (`environments.<env>` laid over the manifest) and assembling one complete document
//! per environment. The field mappings live beside it: `copilot_env` (environment manifests),
//! `copilot_workload` (service and job fields), `copilot_container` (container fields),
//! `copilot_schedule` (schedules, durations, counts). Must not write files or call AWS, and
//! must not drop a Copilot setting silently: what the spec cannot say becomes a `Note`.
//!
//! Copilot reached end of support on 2026-06-12. The manifest reference this follows is
//! Copilot's own (https://aws.github.io/copilot-cli/docs/manifest/overview/, sources under
//! `site/content/docs/manifest/` and `internal/pkg/manifest/` of github.com/aws/copilot-cli,
//! commit 4c858e7).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::doc::{Map, Node};
use super::translation::{EnvDoc, Translation};

#[path = "copilot_container.rs"]
mod container;
#[path = "copilot_env.rs"]
mod env;
#[path = "copilot_schedule.rs"]
mod schedule;
#[path = "copilot_workload.rs"]
mod workload;

/// Why a workspace could not be read. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum CopilotError {
    #[error("cannot read `{}`: {source}\n  hint: pass the directory that holds `copilot/` (the Copilot workspace root)", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not valid YAML at line {line}, column {column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{}` names no application\n  hint: a Copilot workspace file reads `application: NAME`", path.display())]
    NoApplication { path: PathBuf },
    #[error("`{}` has no `type`\n  hint: a Copilot manifest starts with `name:` and `type:`, e.g. `type: Backend Service`", path.display())]
    MissingType { path: PathBuf },
    #[error("`{}` has type `{kind}`, which is not a Copilot manifest type\n  hint: the types are `Load Balanced Web Service`, `Backend Service`, `Worker Service`, `Request-Driven Web Service`, `Static Site`, `Scheduled Job` and `Environment`", path.display())]
    UnknownType { path: PathBuf, kind: String },
}

/// Copilot's workload types (`internal/pkg/manifest/workload.go`, `WorkloadTypes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    LoadBalanced,
    Backend,
    Worker,
    Job,
    RequestDriven,
    StaticSite,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "Load Balanced Web Service" => Kind::LoadBalanced,
            "Backend Service" => Kind::Backend,
            "Worker Service" => Kind::Worker,
            "Scheduled Job" => Kind::Job,
            "Request-Driven Web Service" => Kind::RequestDriven,
            "Static Site" => Kind::StaticSite,
            _ => return None,
        })
    }
}

/// One workload manifest as read.
struct Workload {
    name: String,
    kind: Kind,
    manifest: Value,
}

/// What the translation of one environment knows: the names Copilot interpolates
/// (`${COPILOT_APPLICATION_NAME}`, `${COPILOT_ENVIRONMENT_NAME}`) and the environment's network.
pub(crate) struct Ctx<'a> {
    pub app: &'a str,
    pub env: &'a str,
    pub net: &'a env::EnvNet,
}

/// Translates the Copilot workspace at `dir` (the directory holding `copilot/`). Copilot
/// manifests name no region (Copilot takes it from the AWS profile at deploy time), so the
/// caller passes one; without it `region` is written as `${AWS_REGION}`, with a note.
pub fn translate(dir: &Path, region: Option<&str>) -> Result<Translation, CopilotError> {
    let root = dir.join("copilot");
    let app = application(&root.join(".workspace"))?;
    let env_manifests = env::read_all(&root.join("environments"))?;
    let workloads = read_workloads(&root)?;
    let mut t = Translation::default();
    let names = env_names(&env_manifests, &workloads);
    if region.is_none() {
        t.note(
            "copilot/.workspace",
            None,
            "Copilot manifests name no region (Copilot deploys to the AWS profile's): `region` reads `${AWS_REGION}`; write the region there",
        );
    }
    for name in &names {
        let manifest = env_manifests
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m);
        let net = env::network(name, manifest, &mut t);
        let cx = Ctx {
            app: &app,
            env: name,
            net: &net,
        };
        let doc = env_doc(&cx, region, manifest, &workloads, &mut t);
        t.envs.push(EnvDoc {
            name: name.clone(),
            doc,
        });
    }
    dedup_notes(&mut t);
    Ok(t)
}

/// One environment's complete document.
fn env_doc(
    cx: &Ctx,
    region: Option<&str>,
    manifest: Option<&Value>,
    workloads: &[Workload],
    t: &mut Translation,
) -> Map {
    let mut doc = Map::new();
    doc.insert("app", cx.app)
        .insert("region", region.unwrap_or("${AWS_REGION}"));
    env::top_level(cx, manifest, &mut doc, t);
    let mut services = Map::new();
    let mut jobs = Map::new();
    let mut discovery = workload::Discovery::default();
    for w in workloads {
        let merged = overlay_env(&w.manifest, cx.env);
        let out = workload::translate(cx, &w.name, w.kind, &merged, &mut discovery, t);
        match (w.kind, out) {
            (Kind::Job, Some(job)) => {
                jobs.insert(w.name.clone(), job);
            }
            (_, Some(svc)) => {
                services.insert(w.name.clone(), svc);
            }
            (_, None) => {}
        }
    }
    env::discovery(cx, &discovery, &mut doc, t);
    if !services.is_empty() {
        doc.insert("services", services);
    }
    if !jobs.is_empty() {
        doc.insert("scheduledTasks", jobs);
    }
    doc
}

/// `application:` of `copilot/.workspace`.
fn application(path: &Path) -> Result<String, CopilotError> {
    let v = read_yaml(path)?;
    v.get("application")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| CopilotError::NoApplication {
            path: path.to_path_buf(),
        })
}

/// Every `copilot/<name>/manifest.yml` but the environments', in name order.
fn read_workloads(root: &Path) -> Result<Vec<Workload>, CopilotError> {
    let mut out = Vec::new();
    for dir in subdirs(root)? {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let path = dir.join("manifest.yml");
        if name == "environments" || name == "pipelines" || !path.is_file() {
            continue;
        }
        let manifest = read_yaml(&path)?;
        let kind = manifest_type(&path, &manifest)?;
        let Some(kind) = Kind::parse(&kind) else {
            return Err(CopilotError::UnknownType { path, kind });
        };
        let name = manifest
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string();
        out.push(Workload {
            name,
            kind,
            manifest,
        });
    }
    Ok(out)
}

/// The manifest's `type`.
fn manifest_type(path: &Path, manifest: &Value) -> Result<String, CopilotError> {
    manifest
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| CopilotError::MissingType {
            path: path.to_path_buf(),
        })
}

/// The environments: those with a manifest, then those only a workload's `environments:` names
/// (Copilot lets a service override an environment that was created without a manifest file).
fn env_names(manifests: &[(String, Value)], workloads: &[Workload]) -> Vec<String> {
    let mut names: Vec<String> = manifests.iter().map(|(n, _)| n.clone()).collect();
    let mut extra: Vec<String> = workloads
        .iter()
        .filter_map(|w| w.manifest.get("environments")?.as_object())
        .flat_map(|o| o.keys().cloned())
        .filter(|n| !names.contains(n))
        .collect();
    extra.sort();
    extra.dedup();
    names.extend(extra);
    names
}

/// The subdirectories of `dir`, sorted by name.
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, CopilotError> {
    let read = |source| CopilotError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read)? {
        let path = entry.map_err(read)?.path();
        if path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// A YAML file as JSON; an empty file is an empty mapping.
pub(crate) fn read_yaml(path: &Path) -> Result<Value, CopilotError> {
    let text = std::fs::read_to_string(path).map_err(|source| CopilotError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    match serde_saphyr::from_str::<Option<Value>>(&text) {
        Ok(v) => Ok(v.unwrap_or(Value::Object(Default::default()))),
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((0, 0));
            let message = serde_saphyr::MessageFormatter::format_message(
                &serde_saphyr::DefaultMessageFormatter,
                e.without_snippet(),
            )
            .to_string();
            Err(CopilotError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message,
            })
        }
    }
}

/// The manifest as Copilot deploys it to `env`: `environments.<env>` merged over the rest.
/// Mappings merge key by key and anything else is replaced, as Copilot's transformers do
/// (`internal/pkg/manifest/transform.go`); choices Copilot keeps exclusive (an image's
/// `build`/`location`, a `count` that is a number, `spot` or a range) replace each other.
fn overlay_env(manifest: &Value, env: &str) -> Value {
    let mut base = manifest.clone();
    let over = base
        .as_object_mut()
        .and_then(|o| o.remove("environments"))
        .and_then(|mut e| e.as_object_mut().and_then(|o| o.remove(env)));
    if let Some(over) = over {
        merge(&mut base, &over, None);
    }
    base
}

fn merge(base: &mut Value, over: &Value, key: Option<&str>) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) if !exclusive(key, b, o) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) if !v.is_null() => merge(slot, v, Some(k)),
                    None if !v.is_null() => {
                        b.insert(k.clone(), v.clone());
                    }
                    _ => {}
                }
            }
        }
        (b, o) if !o.is_null() => *b = o.clone(),
        _ => {}
    }
}

/// Whether `over` picks another form of a choice than `base`, replacing it whole.
fn exclusive(
    key: Option<&str>,
    base: &serde_json::Map<String, Value>,
    over: &serde_json::Map<String, Value>,
) -> bool {
    let forms: &[&str] = match key {
        Some("image") => &["build", "location"],
        Some("count") => &["spot", "range"],
        _ => return false,
    };
    let only = |a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>| {
        forms
            .iter()
            .any(|f| a.contains_key(*f) && !b.contains_key(*f))
    };
    only(over, base) && only(base, over)
}

/// A note written for every environment is kept once.
fn dedup_notes(t: &mut Translation) {
    let mut seen = Vec::new();
    t.notes.retain(|n| {
        if seen.contains(n) {
            false
        } else {
            seen.push(n.clone());
            true
        }
    });
}

/// A JSON value as a document node (None for null).
pub(crate) fn node(v: &Value) -> Option<Node> {
    Node::from_json(v)
}

#[cfg(test)]
#[path = "copilot_tests.rs"]
mod tests;
