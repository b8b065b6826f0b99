//! `ecsctl output`: what other tools need from an environment (a Terraform module, a deploy
//! script, a dashboard), as the live state holds it: the cluster, each service's ARN, the
//! task definition revision it runs, its log group, its discovery DNS name and its roles, the
//! scheduled tasks, and the namespace.
//!
//! Owns the public JSON document (`formatVersion` 1.0; docs/outputs.md) and the human view of
//! it. Values come from the live state: a resource that does not exist yet is `null` (and
//! listed in `missing`), never an ARN ecsctl would guess. Must not read AWS.

use serde::Serialize;

use crate::live::Live;
use crate::model::{Desired, RoleRef};

pub const FORMAT_VERSION: &str = "1.0";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonOutputs {
    pub format_version: &'static str,
    pub app: String,
    pub env: String,
    pub region: String,
    pub account_id: String,
    pub cluster: Named,
    pub namespace: Option<JsonNamespace>,
    pub services: Vec<JsonServiceOutputs>,
    pub scheduled_tasks: Vec<JsonJobOutputs>,
    /// Every role the environment uses (its own and those the spec names by ARN).
    pub roles: Vec<Named>,
    pub log_groups: Vec<Named>,
    /// Addresses of what the spec names but AWS does not hold (run apply), e.g.
    /// `service.api`; empty when everything exists.
    pub missing: Vec<String>,
}

/// A resource by name, with its ARN when it exists.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    pub name: String,
    pub arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonNamespace {
    pub name: String,
    pub id: Option<String>,
    pub arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonServiceOutputs {
    /// The spec key (`api`).
    pub key: String,
    pub name: String,
    pub arn: Option<String>,
    /// The revision the service runs now (not the family's newest).
    pub task_definition_arn: Option<String>,
    pub desired_count: Option<i32>,
    pub running_count: Option<i32>,
    pub log_group: String,
    /// `api.ohi-prod.local` when the service registers in Cloud Map; with Service Connect the
    /// client alias it publishes, `api.ohi-prod.local:8080`.
    pub dns_name: Option<String>,
    pub discovery_service_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub task_role_arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonJobOutputs {
    pub key: String,
    /// The EventBridge Scheduler schedule; None for a job run only on demand.
    pub schedule: Option<String>,
    pub schedule_group: String,
    /// The family's newest revision of ours.
    pub task_definition_arn: Option<String>,
    pub log_group: String,
}

/// `dnsName:port` of the first client alias of the service's PRIMARY deployment.
fn service_connect_alias(l: &crate::live::LiveService) -> Option<String> {
    let c = l
        .primary_deployment()?
        .service_connect
        .as_ref()
        .filter(|c| c.enabled)?;
    let (dns, port) = c.services.first()?.client_aliases.first()?;
    Some(format!("{}:{port}", dns.as_deref()?))
}

/// The document, from the spec's names and the live state's values.
pub fn outputs(desired: &Desired, live: &Live) -> JsonOutputs {
    let mut missing = Vec::new();
    let mut need = |address: String, value: Option<String>| {
        if value.is_none() {
            missing.push(address);
        }
        value
    };
    let cluster = Named {
        name: desired.cluster.name.clone(),
        arn: need(
            format!("cluster.{}", desired.cluster.name),
            live.cluster.as_ref().map(|c| c.arn.clone()),
        ),
    };
    let namespace = desired.namespace.as_ref().map(|n| {
        let l = live.namespace.as_ref().filter(|l| l.name == n.name);
        JsonNamespace {
            name: n.name.clone(),
            id: l.map(|l| l.id.clone()),
            arn: need(format!("namespace.{}", n.name), l.map(|l| l.arn.clone())),
        }
    });
    let role_arn = |r: &RoleRef| match r {
        RoleRef::External(arn) => Some(arn.clone()),
        RoleRef::Owned(name) => live
            .roles
            .iter()
            .find(|l| &l.name == name)
            .map(|l| l.arn.clone()),
    };
    let family = |f: &str| desired.task_definitions.iter().find(|t| t.family == f);
    let services = desired
        .services
        .iter()
        .map(|s| {
            let l = live.service(&s.name);
            let td = family(&s.family);
            let discovery = s.discovery.as_ref().map(|r| {
                let d = live
                    .discovery_services
                    .iter()
                    .find(|d| d.name == r.discovery_service);
                (r.discovery_service.clone(), d.map(|d| d.arn.clone()))
            });
            let dns_name = match (&discovery, &desired.namespace) {
                (Some((label, _)), Some(ns)) => Some(format!("{label}.{}", ns.name)),
                // Service Connect: the client alias the service's PRIMARY deployment publishes.
                _ if s
                    .service_connect
                    .as_ref()
                    .is_some_and(|c| c.endpoint.is_some()) =>
                {
                    need(
                        format!("service.{}.serviceConnect", s.key),
                        l.and_then(service_connect_alias),
                    )
                }
                _ => None,
            };
            JsonServiceOutputs {
                key: s.key.clone(),
                name: s.name.clone(),
                arn: need(format!("service.{}", s.key), l.map(|l| l.arn.clone())),
                task_definition_arn: l.and_then(|l| l.task_definition.clone()),
                desired_count: l.map(|l| l.desired_count),
                running_count: l.map(|l| l.running_count),
                log_group: td
                    .and_then(|t| t.containers.first())
                    .map(|c| c.log_configuration.group.clone())
                    .unwrap_or_default(),
                dns_name,
                discovery_service_arn: discovery.and_then(|(_, arn)| arn),
                execution_role_arn: td.and_then(|t| role_arn(&t.execution_role)),
                task_role_arn: td.and_then(|t| t.task_role.as_ref()).and_then(role_arn),
            }
        })
        .collect();
    let scheduled_tasks = desired
        .scheduled_tasks
        .iter()
        .map(|j| JsonJobOutputs {
            key: j.key.clone(),
            schedule: j.expression.as_ref().map(|_| j.name.clone()),
            schedule_group: j.group.clone(),
            task_definition_arn: live
                .families
                .iter()
                .find(|f| f.family == j.family)
                .and_then(|f| f.newest_owned_arn.clone()),
            log_group: family(&j.family)
                .and_then(|t| t.containers.first())
                .map(|c| c.log_configuration.group.clone())
                .unwrap_or_default(),
        })
        .collect();
    let roles = desired
        .roles
        .iter()
        .map(|r| Named {
            name: r.name.clone(),
            arn: need(
                format!("iam_role.{}", r.name),
                live.roles
                    .iter()
                    .find(|l| l.name == r.name)
                    .map(|l| l.arn.clone()),
            ),
        })
        .collect();
    let log_groups = desired
        .log_groups
        .iter()
        .map(|g| {
            let l = live.log_groups.iter().find(|l| l.name == g.name);
            if l.is_none() {
                missing.push(format!("log_group.{}", g.name));
            }
            Named {
                name: g.name.clone(),
                arn: l.and_then(|l| l.arn.clone()),
            }
        })
        .collect();
    JsonOutputs {
        format_version: FORMAT_VERSION,
        app: desired.app.clone(),
        env: desired.env.clone(),
        region: live.region.clone(),
        account_id: live.account_id.clone(),
        cluster,
        namespace,
        services,
        scheduled_tasks,
        roles,
        log_groups,
        missing,
    }
}

/// The human view: one line per value, `-` where AWS holds nothing yet.
pub fn human(o: &JsonOutputs) -> String {
    let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    let mut t = format!(
        "Outputs of `{}` ({}, account {}):\n\ncluster {}\n  arn  {}\n",
        o.env,
        o.region,
        o.account_id,
        o.cluster.name,
        or(&o.cluster.arn)
    );
    if let Some(ns) = &o.namespace {
        t.push_str(&format!(
            "namespace {}\n  id   {}\n  arn  {}\n",
            ns.name,
            or(&ns.id),
            or(&ns.arn)
        ));
    }
    for s in &o.services {
        t.push_str(&format!("\nservice {} ({})\n", s.key, s.name));
        let rows = [
            ("arn", or(&s.arn)),
            ("task definition", or(&s.task_definition_arn)),
            ("log group", s.log_group.clone()),
            ("dns name", or(&s.dns_name)),
            ("execution role", or(&s.execution_role_arn)),
            ("task role", or(&s.task_role_arn)),
        ];
        for (k, v) in rows {
            t.push_str(&format!("  {k:<16} {v}\n"));
        }
    }
    for j in &o.scheduled_tasks {
        t.push_str(&format!("\nscheduled task {}\n", j.key));
        let schedule = match &j.schedule {
            Some(s) => format!("{}/{s}", j.schedule_group),
            None => "- (on demand only)".to_string(),
        };
        for (k, v) in [
            ("schedule", schedule),
            ("task definition", or(&j.task_definition_arn)),
            ("log group", j.log_group.clone()),
        ] {
            t.push_str(&format!("  {k:<16} {v}\n"));
        }
    }
    if !o.missing.is_empty() {
        t.push_str(&format!(
            "\nNot in AWS yet ({}): {}\n",
            o.missing.len(),
            o.missing.join(", ")
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::fixtures::{converged, desired};

    #[test]
    fn a_converged_environment_has_every_value_from_aws() {
        let (d, l) = (desired(), converged());
        let o = outputs(&d, &l);
        assert_eq!(o.missing, Vec::<String>::new());
        let api = &o.services[0];
        assert_eq!(api.arn.as_deref(), Some(l.services[0].arn.as_str()));
        assert_eq!(api.task_definition_arn, l.services[0].task_definition);
        assert_eq!(api.log_group, "/ecs/ohi-prod/api");
        assert_eq!(api.dns_name.as_deref(), Some("api.ohi-prod.local"));
        assert_eq!(
            api.execution_role_arn.as_deref(),
            l.roles
                .iter()
                .find(|r| r.name == "ohi-prod-api-exec")
                .map(|r| r.arn.as_str())
        );
        let doc = serde_json::to_value(&o).unwrap();
        assert_eq!(doc["formatVersion"], "1.0");
        assert!(doc["services"][0]["taskDefinitionArn"].is_string(), "{doc}");
    }

    #[test]
    fn what_aws_does_not_hold_is_null_and_listed_never_guessed() {
        let d = desired();
        let mut l = converged();
        l.services.clear();
        l.roles.clear();
        let o = outputs(&d, &l);
        assert_eq!(o.services[0].arn, None);
        assert_eq!(o.services[0].task_definition_arn, None);
        assert_eq!(o.services[0].execution_role_arn, None);
        assert!(
            o.missing.contains(&"service.api".to_string()),
            "{:?}",
            o.missing
        );
        assert!(
            o.missing.iter().any(|m| m.starts_with("iam_role.")),
            "{:?}",
            o.missing
        );
        assert!(human(&o).contains("Not in AWS yet ("));
    }

    #[test]
    fn with_service_connect_the_dns_name_is_the_published_alias() {
        use crate::live::{LiveDeployment, LiveServiceConnect, LiveServiceConnectService};
        let mut d = desired();
        d.services[0].discovery = None;
        d.services[0].service_connect = Some(crate::diff::fixtures::service_connect());
        let mut l = converged();
        let o = outputs(&d, &l);
        assert_eq!(o.services[0].dns_name, None, "not running with it yet");
        assert!(
            o.missing
                .contains(&"service.api.serviceConnect".to_string())
        );
        l.services[0].deployments = vec![LiveDeployment {
            service_connect: Some(LiveServiceConnect {
                enabled: true,
                namespace: Some("ohi-prod.local".into()),
                services: vec![LiveServiceConnectService {
                    port_name: "api".into(),
                    discovery_name: Some("api".into()),
                    client_aliases: vec![(Some("api.ohi-prod.local".into()), 8080)],
                }],
                log_configuration: None,
            }),
            ..crate::diff::fixtures::deployment("PRIMARY")
        }];
        let o = outputs(&d, &l);
        assert_eq!(
            o.services[0].dns_name.as_deref(),
            Some("api.ohi-prod.local:8080")
        );
    }
}
