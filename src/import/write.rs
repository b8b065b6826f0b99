//! Writing an import into a project directory: `ecsctl.yaml` with what the environments share,
//! `environments/ENV.yaml` with the rest.
//!
//! Owns the file rules: a new project is written whole; a project an earlier import wrote
//! (its first line says so) gets the new environment, and its files are rewritten so that
//! `ecsctl.yaml` holds what every environment shares; a hand-written project, or an environment
//! that already has a file, is refused (nothing is written). Must not read AWS.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::doc::{Map, Node, render};
use super::factor::{factor, overlay};
use super::translation::{EnvDoc, Note, Translation, annotate};
use crate::spec::load::{ENVIRONMENTS_DIR, PROJECT_FILE};

/// The first line of every file import writes: what tells a later import it may rewrite it.
pub const MARK: &str = "Written by `ecsctl import`";

#[derive(Debug, Error)]
pub enum WriteError {
    #[error(
        "`{path}` exists and was not written by `ecsctl import`; nothing was written\n  hint: import into another directory (`-C DIR`) and merge by hand"
    )]
    HandWritten { path: String },
    #[error(
        "`{path}` already exists; nothing was written\n  hint: remove it to import environment `{env}` again"
    )]
    EnvExists { path: String, env: String },
    #[error("cannot read `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("cannot write `{path}`: {message}")]
    Write { path: String, message: String },
}

/// The files written, in order.
pub fn write_project(
    dir: &Path,
    t: &Translation,
    source: &str,
) -> Result<Vec<PathBuf>, WriteError> {
    let project = dir.join(PROJECT_FILE);
    let envs_dir = dir.join(ENVIRONMENTS_DIR);
    for e in &t.envs {
        let path = envs_dir.join(format!("{}.yaml", e.name));
        if path.exists() || envs_dir.join(format!("{}.yml", e.name)).exists() {
            return Err(WriteError::EnvExists {
                path: shown(&path),
                env: e.name.clone(),
            });
        }
    }
    let mut all: Vec<EnvDoc> = existing(dir, &project)?;
    all.extend(t.envs.iter().cloned());
    let docs: Vec<&Map> = all.iter().map(|e| &e.doc).collect();
    let (mut common, mut deltas) = factor(&docs);
    // A note goes above its resource in ecsctl.yaml when the resource is written there (once,
    // for every environment), else in the files of the environments that write it.
    let mut header = vec![
        format!("{MARK} from {source}."),
        "Review it: `ecsctl validate --all`, then `ecsctl plan -e ENV --adopt` (docs/migrating.md).".into(),
    ];
    for n in &t.notes {
        if n.at.is_none() {
            header.push(format!("{}: {}", n.resource, n.text));
        }
    }
    let (shared, own): (Vec<Note>, Vec<Note>) =
        t.notes.iter().cloned().partition(|n| placed(&common, n));
    annotate(&mut common, &shared);
    for (env, delta) in all.iter().zip(deltas.iter_mut()) {
        if t.envs.iter().any(|e| e.name == env.name) {
            annotate(delta, &own);
        }
    }
    std::fs::create_dir_all(&envs_dir).map_err(|e| write_err(&envs_dir, e))?;
    let mut written = vec![project.clone()];
    put(&project, &render(&header, &common))?;
    for (env, delta) in all.iter().zip(&deltas) {
        let path = envs_dir.join(format!("{}.yaml", env.name));
        let head = vec![format!(
            "{MARK}: what environment `{}` does not share.",
            env.name
        )];
        put(&path, &render(&head, delta))?;
        written.push(path);
    }
    Ok(written)
}

/// Whether a note's path is in `doc`.
fn placed(doc: &Map, n: &Note) -> bool {
    let Some(at) = &n.at else { return false };
    let mut here = doc;
    let parts: Vec<&str> = at.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        match here.get(p) {
            Some(Node::Map(m)) if i + 1 < parts.len() => here = m,
            Some(_) if i + 1 == parts.len() => return true,
            _ => return false,
        }
    }
    false
}

/// The environments of a project an earlier import wrote, each as its complete document.
fn existing(dir: &Path, project: &Path) -> Result<Vec<EnvDoc>, WriteError> {
    if !project.exists() {
        return Ok(Vec::new());
    }
    let common = read_marked(project)?;
    let names = crate::spec::load::environments(dir).map_err(|e| WriteError::Read {
        path: shown(&dir.join(ENVIRONMENTS_DIR)),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for name in names {
        let path = dir.join(ENVIRONMENTS_DIR).join(format!("{name}.yaml"));
        let delta = read_marked(&path)?;
        out.push(EnvDoc {
            name,
            doc: overlay(&common, &delta),
        });
    }
    Ok(out)
}

fn read_marked(path: &Path) -> Result<Map, WriteError> {
    let text = std::fs::read_to_string(path).map_err(|e| WriteError::Read {
        path: shown(path),
        message: e.to_string(),
    })?;
    if !text.lines().next().is_some_and(|l| l.contains(MARK)) {
        return Err(WriteError::HandWritten { path: shown(path) });
    }
    let value: serde_json::Value = match serde_saphyr::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return Err(WriteError::Read {
                path: shown(path),
                message: e.to_string(),
            });
        }
    };
    match Node::from_json(&value) {
        Some(Node::Map(m)) => Ok(m),
        _ if value.is_null() => Ok(Map::new()),
        _ => Err(WriteError::Read {
            path: shown(path),
            message: "not a mapping of keys (or a null value was edited in)".into(),
        }),
    }
}

fn put(path: &Path, text: &str) -> Result<(), WriteError> {
    std::fs::write(path, text).map_err(|e| write_err(path, e))
}

fn write_err(path: &Path, e: std::io::Error) -> WriteError {
    WriteError::Write {
        path: shown(path),
        message: e.to_string(),
    }
}

fn shown(path: &Path) -> String {
    crate::spec::load::shown_path(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::translation::Note;

    fn env(name: &str, cpu: i64, subnet: &str) -> EnvDoc {
        let mut doc = Map::new();
        doc.insert("app", "shop").insert("region", "eu-west-1");
        doc.map_mut("network")
            .insert("subnets", vec![subnet])
            .insert("securityGroups", vec!["sg-0a1b2c3d"]);
        let web = doc.map_mut("services").map_mut("web");
        web.insert("image", "nginx:1.27").insert("cpu", cpu);
        EnvDoc {
            name: name.into(),
            doc,
        }
    }

    fn one(e: EnvDoc, notes: Vec<Note>) -> Translation {
        Translation {
            envs: vec![e],
            notes,
        }
    }

    fn read(dir: &Path, file: &str) -> String {
        std::fs::read_to_string(dir.join(file)).unwrap()
    }

    fn validates(dir: &Path, env: &str) {
        match crate::cli::project::load_and_build(dir, env, None) {
            crate::cli::project::Built::Ok { .. } => {}
            crate::cli::project::Built::Invalid { diagnostics, .. } => {
                panic!("{env}: {:#?}", diagnostics.into_iter().collect::<Vec<_>>())
            }
        }
    }

    #[test]
    fn a_second_environment_moves_what_differs_out_of_ecsctl_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let note = Note {
            resource: "service/shop-dev-web".into(),
            at: Some("services.web".into()),
            text: "step scaling policy `x` is not imported".into(),
        };
        write_project(
            dir.path(),
            &one(env("dev", 256, "subnet-0a1b2c3d"), vec![note]),
            "cluster `shop-dev`",
        )
        .unwrap();
        assert_eq!(
            read(dir.path(), "ecsctl.yaml"),
            "# Written by `ecsctl import` from cluster `shop-dev`.\n\
             # Review it: `ecsctl validate --all`, then `ecsctl plan -e ENV --adopt` (docs/migrating.md).\n\
             app: shop\nregion: eu-west-1\nservices:\n  # ecsctl import: step scaling policy `x` is not imported\n  web:\n    image: nginx:1.27\n    cpu: 256\n"
        );
        validates(dir.path(), "dev");
        write_project(
            dir.path(),
            &one(env("prod", 1024, "subnet-0a1b2c3e"), vec![]),
            "cluster `shop-prod`",
        )
        .unwrap();
        let app = read(dir.path(), "ecsctl.yaml");
        assert!(
            app.contains("  web:\n    image: nginx:1.27\n") && !app.contains("cpu"),
            "{app}"
        );
        assert!(
            read(dir.path(), "environments/dev.yaml").contains("services:\n  web:\n    cpu: 256\n")
        );
        assert!(
            read(dir.path(), "environments/prod.yaml")
                .contains("services:\n  web:\n    cpu: 1024\n")
        );
        for e in ["dev", "prod"] {
            validates(dir.path(), e);
        }
    }

    #[test]
    fn a_hand_written_project_or_an_existing_environment_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ecsctl.yaml"),
            "app: shop\nregion: eu-west-1\n",
        )
        .unwrap();
        let err = write_project(
            dir.path(),
            &one(env("dev", 256, "subnet-0a1b2c3d"), vec![]),
            "x",
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::HandWritten { .. }), "{err}");
        assert_eq!(
            read(dir.path(), "ecsctl.yaml"),
            "app: shop\nregion: eu-west-1\n"
        );
        assert!(!dir.path().join("environments").exists());

        let dir = tempfile::tempdir().unwrap();
        write_project(
            dir.path(),
            &one(env("dev", 256, "subnet-0a1b2c3d"), vec![]),
            "x",
        )
        .unwrap();
        let before = read(dir.path(), "ecsctl.yaml");
        let err = write_project(
            dir.path(),
            &one(env("dev", 512, "subnet-0a1b2c3d"), vec![]),
            "x",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("environments/dev.yaml` already exists; nothing was written"),
            "{err}"
        );
        assert_eq!(read(dir.path(), "ecsctl.yaml"), before);
    }
}
