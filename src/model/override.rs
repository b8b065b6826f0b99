//! `--image NAME=REPO:TAG`: CI's image overrides, applied to the built `Desired` before the
//! diff, so `plan` and `apply` see exactly the same desired state.
//!
//! Owns parsing the flag and rewriting the images (NAME is a service key, or `service/container`;
//! a bare service means its main container, the first one). Keeps the execution role's ECR pull
//! statement in step with the images, exactly as the model derives it. Must stay pure: no I/O,
//! no AWS.

use std::fmt;

use super::iam::ecr_repository;
use super::policy::Statement;
use super::resources::{Desired, RoleRef};

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

/// Applies every override, in order (a later one for the same container wins).
pub fn apply_overrides(
    desired: &mut Desired,
    overrides: &[ImageOverride],
) -> Result<(), OverrideError> {
    for o in overrides {
        apply_one(desired, o)?;
    }
    Ok(())
}

fn apply_one(desired: &mut Desired, o: &ImageOverride) -> Result<(), OverrideError> {
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
    let family = service.family.clone();
    let Some(td) = desired
        .task_definitions
        .iter_mut()
        .find(|t| t.family == family)
    else {
        return Ok(());
    };
    let known = || td_names(&td.containers);
    let index = match &o.container {
        None => 0,
        Some(c) => match td.containers.iter().position(|x| &x.name == c) {
            Some(i) => i,
            None => {
                return Err(OverrideError::UnknownContainer {
                    service: o.service.clone(),
                    container: c.clone(),
                    known: known(),
                });
            }
        },
    };
    let Some(container) = td.containers.get_mut(index) else {
        return Ok(());
    };
    container.image = o.image.clone();
    let repos: Vec<String> = td
        .containers
        .iter()
        .filter_map(|c| ecr_repository(&c.image))
        .collect();
    if let RoleRef::Owned(role) = &td.execution_role {
        let role = role.clone();
        if let Some(r) = desired.roles.iter_mut().find(|r| r.name == role)
            && let Some(doc) = r.inline_policy.take()
        {
            r.inline_policy = Some(with_ecr_repos(doc, repos));
        }
    }
    Ok(())
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
