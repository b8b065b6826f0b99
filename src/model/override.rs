//! `--image NAME=REPO:TAG`: CI's image overrides, applied to the built `Desired` before the
//! diff, so `plan` and `apply` see exactly the same desired state.
//!
//! Owns parsing the flag and rewriting the images (NAME is a service key, or `service/container`;
//! a bare service means its main container, the first one; every container whose spec image is
//! in the same repository follows, see `apply_overrides`), and the notes saying what each flag
//! set, which the plan shows. Keeps the execution roles' ECR pull statements in step with the
//! images, exactly as the model derives them. Must stay pure: no I/O, no AWS.

use std::fmt;

use super::iam::ecr_repository;
use super::policy::Statement;
use super::resources::{Desired, RoleRef};
pub use crate::plan::{ImageNote, TouchedContainer, TouchedKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageOverride {
    pub service: String,
    pub container: Option<String>,
    pub image: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error(
        "`--image {text}` is not NAME=IMAGE\n  hint: e.g. `--image api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2` or `--image api/nginx=nginx:1.27`"
    )]
    Syntax { text: String },
    #[error(
        "`--image {text}`: image `{image}` is not valid: {why}\n  hint: write `[registry/]repository[:tag][@digest]`, e.g. `nginx:1.27` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2`"
    )]
    InvalidImage {
        text: String,
        image: String,
        why: &'static str,
    },
    #[error(
        "`--image` names service `{service}`, which the environment does not have (services: {known})"
    )]
    UnknownService { service: String, known: String },
    #[error(
        "`--image` names container `{container}` of service `{service}`, which has no such container (containers: {known})"
    )]
    UnknownContainer {
        service: String,
        container: String,
        known: String,
    },
}

impl ImageOverride {
    pub fn parse(text: &str) -> Result<ImageOverride, OverrideError> {
        let syntax = || OverrideError::Syntax {
            text: text.to_string(),
        };
        let (name, image) = text.split_once('=').ok_or_else(syntax)?;
        let (service, container) = match name.split_once('/') {
            Some((s, c)) => (s, Some(c.to_string())),
            None => (name, None),
        };
        if service.is_empty() || image.is_empty() || container.as_deref() == Some("") {
            return Err(syntax());
        }
        // The same check as `image:` in the spec (model/image.rs): a CI variable with a stray
        // newline or quote must not reach RegisterTaskDefinition either.
        if let Some(why) = super::image::problem(image) {
            // Escaped and cut like every value in a message (diagnostic::readable).
            return Err(OverrideError::InvalidImage {
                text: crate::diagnostic::readable(text),
                image: crate::diagnostic::readable(image),
                why,
            });
        }
        Ok(ImageOverride {
            service: service.to_string(),
            container,
            image: image.to_string(),
        })
    }
}

impl fmt::Display for ImageOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.container {
            Some(c) => write!(f, "{}/{c}={}", self.service, self.image),
            None => write!(f, "{}={}", self.service, self.image),
        }
    }
}

/// Applies every override, in order (a later one for the same container wins), and says what
/// each one set.
///
/// An override sets the container it names and every other container, in any task definition
/// of the environment (services, sidecars, scheduled tasks' own families), whose *spec* image
/// is in the same repository as the named container's spec image: `--image web=REPO:v2` then
/// deploys `v2` to `worker` and `beat` that use REPO through `defaults`, and to the `migrate`
/// job built from `web`, instead of a mix of versions. Repositories are compared as written
/// (registry and path, without tag or digest): `nginx` and `docker.io/library/nginx` differ.
/// Matching uses the images before any override, so the order of two flags for different
/// repositories does not matter.
pub fn apply_overrides(
    desired: &mut Desired,
    overrides: &[ImageOverride],
) -> Result<Vec<ImageNote>, OverrideError> {
    let spec_images: Vec<Vec<String>> = desired
        .task_definitions
        .iter()
        .map(|td| td.containers.iter().map(|c| c.image.clone()).collect())
        .collect();
    let mut notes = Vec::new();
    let mut touched_families = Vec::new();
    for o in overrides {
        let (family, index) = named_container(desired, o)?;
        let Some(td) = desired
            .task_definitions
            .iter()
            .position(|t| t.family == family)
        else {
            continue;
        };
        let repo = repository(&spec_images[td][index]).to_string();
        let mut containers = Vec::new();
        for (t, images) in spec_images.iter().enumerate() {
            for (c, image) in images.iter().enumerate() {
                let named = t == td && c == index;
                if !named && repository(image) != repo {
                    continue;
                }
                let def = &mut desired.task_definitions[t];
                def.containers[c].image = o.image.clone();
                containers.push((def.family.clone(), def.containers[c].name.clone(), c == 0));
                if !touched_families.contains(&def.family) {
                    touched_families.push(def.family.clone());
                }
            }
        }
        notes.push(ImageNote {
            flag: o.to_string(),
            repository: repo,
            containers: containers
                .into_iter()
                .flat_map(|(family, name, main)| owners(desired, &family, &name, main))
                .collect(),
        });
    }
    for family in touched_families {
        refresh_ecr_grants(desired, &family);
    }
    Ok(notes)
}

/// The task definition family and container index an override names.
fn named_container(desired: &Desired, o: &ImageOverride) -> Result<(String, usize), OverrideError> {
    let Some(service) = desired.services.iter().find(|s| s.key == o.service) else {
        return Err(OverrideError::UnknownService {
            service: o.service.clone(),
            known: desired
                .services
                .iter()
                .map(|s| format!("`{}`", s.key))
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let Some(td) = desired
        .task_definitions
        .iter()
        .find(|t| t.family == service.family)
    else {
        return Ok((service.family.clone(), 0));
    };
    let index = match &o.container {
        None => 0,
        Some(c) => td
            .containers
            .iter()
            .position(|x| &x.name == c)
            .ok_or_else(|| OverrideError::UnknownContainer {
                service: o.service.clone(),
                container: c.clone(),
                known: td_names(&td.containers),
            })?,
    };
    Ok((service.family.clone(), index))
}

/// `registry/path` of an image, without its tag and digest (`nginx:1.27@sha256:..` → `nginx`;
/// a registry port stays: `host:5000/app:1` → `host:5000/app`).
pub fn repository(image: &str) -> &str {
    let path = image.split('@').next().unwrap_or(image);
    match path.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => path,
    }
}

/// Who runs a container of `family`: the services and the scheduled tasks (with a family of
/// their own, or the service's) that use it, in spec order.
fn owners(desired: &Desired, family: &str, container: &str, main: bool) -> Vec<TouchedContainer> {
    let services = desired
        .services
        .iter()
        .filter(|s| s.family == family)
        .map(|s| (TouchedKind::Service, s.key.clone()));
    let jobs = desired
        .scheduled_tasks
        .iter()
        .filter(|t| t.family == family)
        .map(|t| (TouchedKind::ScheduledTask, t.key.clone()));
    services
        .chain(jobs)
        .map(|(kind, name)| TouchedContainer {
            kind,
            name,
            container: container.to_string(),
            main,
        })
        .collect()
}

/// The ECR pull grant of the execution role `family` uses, from the images of every task
/// definition that uses that role (as `model::iam` derives it from the spec's images).
fn refresh_ecr_grants(desired: &mut Desired, family: &str) {
    let Some(RoleRef::Owned(role)) = desired
        .task_definitions
        .iter()
        .find(|t| t.family == family)
        .map(|t| t.execution_role.clone())
    else {
        return;
    };
    let repos: Vec<String> = desired
        .task_definitions
        .iter()
        .filter(|t| matches!(&t.execution_role, RoleRef::Owned(r) if *r == role))
        .flat_map(|t| t.containers.iter().filter_map(|c| ecr_repository(&c.image)))
        .collect();
    if let Some(r) = desired.roles.iter_mut().find(|r| r.name == role)
        && let Some(doc) = r.inline_policy.take()
    {
        r.inline_policy = Some(with_ecr_repos(doc, repos));
    }
}

fn td_names(containers: &[super::resources::ContainerDefinition]) -> String {
    containers
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The execution policy with its ECR statements derived from `repos`, as `model::iam` does.
fn with_ecr_repos(
    mut doc: super::policy::PolicyDocument,
    repos: Vec<String>,
) -> super::policy::PolicyDocument {
    let is_ecr = |s: &Statement| matches!(s.sid.as_deref(), Some("EcrAuth" | "EcrPull"));
    let template: Vec<Statement> = doc
        .statement
        .iter()
        .filter(|s| is_ecr(s))
        .cloned()
        .collect();
    doc.statement.retain(|s| !is_ecr(s));
    if !repos.is_empty() {
        let mut auth = Statement::allow(&["ecr:GetAuthorizationToken"], vec!["*".into()]);
        auth.sid = Some("EcrAuth".into());
        let pull_actions = [
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ];
        let mut pull = template
            .iter()
            .find(|s| s.sid.as_deref() == Some("EcrPull"))
            .cloned()
            .unwrap_or_else(|| Statement::allow(&pull_actions, vec![]));
        pull.sid = Some("EcrPull".into());
        pull.resource = repos;
        let auth = template
            .iter()
            .find(|s| s.sid.as_deref() == Some("EcrAuth"))
            .cloned()
            .unwrap_or(auth);
        doc.statement.insert(0, pull);
        doc.statement.insert(0, auth);
    }
    doc.canonical()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_service_and_container_forms() {
        assert_eq!(
            ImageOverride::parse("api=repo/api:1.2").unwrap(),
            ImageOverride {
                service: "api".into(),
                container: None,
                image: "repo/api:1.2".into()
            }
        );
        let digest = format!("nginx:1.27@sha256:{}", "ab".repeat(32));
        let o = ImageOverride::parse(&format!("api/nginx={digest}")).unwrap();
        assert_eq!(o.container.as_deref(), Some("nginx"));
        assert_eq!(o.image, digest);
        for bad in ["api", "=x", "api=", "api/=x"] {
            assert!(
                matches!(ImageOverride::parse(bad), Err(OverrideError::Syntax { .. })),
                "{bad}"
            );
        }
    }

    /// A CI variable with a stray line break or quote reached RegisterTaskDefinition: `--image`
    /// skipped the check `image:` gets in the spec.
    #[test]
    fn an_image_override_is_checked_like_the_spec_image() {
        let err = ImageOverride::parse("web=nginx:1.27\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--image web=nginx:1.27\\n`: image `nginx:1.27\\n` is not valid: it contains a space, tab or line break\n  hint: write `[registry/]repository[:tag][@digest]`, e.g. `nginx:1.27` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2`"
        );
        for bad in [
            "web=\"nginx:1.27\"",
            "web=Nginx:1.27",
            "web=nginx:",
            "web=nginx@sha256:x",
        ] {
            assert!(
                matches!(
                    ImageOverride::parse(bad),
                    Err(OverrideError::InvalidImage { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn ecr_statements_follow_the_images() {
        use super::super::policy::PolicyDocument;
        let mut logs = Statement::allow(&["logs:PutLogEvents"], vec!["arn:logs".into()]);
        logs.sid = Some("Logs".into());
        let doc = PolicyDocument::new(vec![logs.clone()]);
        let with = with_ecr_repos(doc, vec!["arn:aws:ecr:eu-west-1:1:repository/api".into()]);
        let sids: Vec<_> = with
            .statement
            .iter()
            .map(|s| s.sid.clone().unwrap())
            .collect();
        assert_eq!(sids, ["EcrAuth", "EcrPull", "Logs"]);
        assert_eq!(
            with.statement[1].resource,
            ["arn:aws:ecr:eu-west-1:1:repository/api"]
        );
        let without = with_ecr_repos(with, vec![]);
        assert_eq!(without.statement, vec![logs]);
    }
}
