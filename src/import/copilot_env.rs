//! Copilot environment manifests (`copilot/environments/<env>/manifest.yml`, type
//! `Environment`) as the top level of an environment's document: network, cluster, namespace.
//!
//! Owns what an environment manifest says and what Copilot made that no manifest says (its VPC,
//! subnets and security group). Must not read workload manifests. Reference: Copilot's
//! environment manifest (site/content/docs/manifest/environment.en.md) and the environment
//! stack's outputs (internal/pkg/template/templates/environment/cf.yml: `VpcId`,
//! `PublicSubnets`, `PrivateSubnets`, `EnvironmentSecurityGroup`).

use std::path::Path;

use serde_json::Value;

use super::workload::Discovery;
use super::{CopilotError, Ctx, manifest_type, read_yaml, subdirs};
use crate::import::doc::{Map, Node};
use crate::import::translation::Translation;

/// Subnets Copilot creates of each kind in a VPC it manages, when the manifest lists none
/// (two Availability Zones: environment.en.md, "Configured VPC").
const MANAGED_SUBNETS: usize = 2;

/// An environment's network as ecsctl can write it: IDs from the manifest, or `${VAR}`
/// placeholders for what Copilot created and no file records.
#[derive(Debug)]
pub(crate) struct EnvNet {
    pub vpc: String,
    pub public: Vec<String>,
    pub private: Vec<String>,
    pub security_group: String,
}

impl EnvNet {
    /// Copilot places tasks in public subnets unless told otherwise (network.en.md,
    /// `network.vpc.placement`); an environment with only private subnets cannot.
    pub fn default_public(&self) -> bool {
        !self.public.is_empty()
    }

    /// The `network` block for tasks placed in public or private subnets, with the
    /// environment's security group unless `deny_default`, then `extra` groups.
    pub fn block(&self, public: bool, extra: &[String], deny_default: bool) -> Map {
        let subnets = if public { &self.public } else { &self.private };
        let mut groups: Vec<String> = Vec::new();
        if !deny_default {
            groups.push(self.security_group.clone());
        }
        groups.extend(extra.iter().cloned());
        let mut m = Map::new();
        m.insert("subnets", subnets.clone())
            .insert("securityGroups", groups);
        if public {
            m.insert("assignPublicIp", true);
        }
        m
    }
}

/// Every `environments/<env>/manifest.yml`, by environment name; no directory is no manifests.
pub(crate) fn read_all(dir: &Path) -> Result<Vec<(String, Value)>, CopilotError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for sub in subdirs(dir)? {
        let path = sub.join("manifest.yml");
        if !path.is_file() {
            continue;
        }
        let manifest = read_yaml(&path)?;
        let kind = manifest_type(&path, &manifest)?;
        if kind != "Environment" {
            return Err(CopilotError::UnknownType { path, kind });
        }
        let dir_name = sub.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let name = manifest
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(dir_name);
        out.push((name.to_string(), manifest));
    }
    Ok(out)
}

/// `DEV_SECURITY_GROUP_ID` for `dev`: an environment variable name from the environment's.
pub(crate) fn var(env: &str, what: &str) -> String {
    format!("{}_{what}", crate::import::translation::variable_name(env))
}

/// The environment's VPC, subnets and security group, with a note for each placeholder.
pub(crate) fn network(name: &str, manifest: Option<&Value>, t: &mut Translation) -> EnvNet {
    let vpc = manifest.and_then(|m| m.pointer("/network/vpc"));
    let id = vpc.and_then(|v| v.get("id")).and_then(Value::as_str);
    let resource = format!("copilot/environments/{name}");
    // One note for every environment: the writer puts it above `network` in each file.
    t.note(
        "copilot/environments",
        Some("network"),
        "Copilot gave the tasks its environment security group, which no manifest names: `${<ENV>_SECURITY_GROUP_ID}` is the output `EnvironmentSecurityGroup` of the CloudFormation stack `<app>-<env>`; set the variable to it, or write your own group here",
    );
    let subnets = |kind: &str| -> Vec<String> {
        let listed = vpc
            .and_then(|v| v.pointer(&format!("/subnets/{kind}")))
            .and_then(Value::as_array);
        let ids: Vec<String> = listed
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("id").and_then(Value::as_str).map(str::to_string))
            .collect();
        if !ids.is_empty() || id.is_some() {
            return ids;
        }
        let n = listed.map_or(MANAGED_SUBNETS, Vec::len).max(1);
        let upper = kind.to_ascii_uppercase();
        (1..=n)
            .map(|i| format!("${{{}}}", var(name, &format!("{upper}_SUBNET_{i}"))))
            .collect()
    };
    let (public, private) = (subnets("public"), subnets("private"));
    if id.is_none() {
        t.note(
            &resource,
            Some("network"),
            "Copilot created this environment's VPC: the `${<ENV>_…}` subnets and VPC are the outputs `PublicSubnets`, `PrivateSubnets` and `VpcId` of the CloudFormation stack `<app>-<env>`; set the variables, or write the IDs here",
        );
    }
    EnvNet {
        vpc: id.map_or_else(|| format!("${{{}}}", var(name, "VPC_ID")), str::to_string),
        public,
        private,
        security_group: format!("${{{}}}", var(name, "SECURITY_GROUP_ID")),
    }
}

/// The top-level keys of the environment's document: cluster, network, logs; notes for the
/// rest of the environment manifest.
pub(crate) fn top_level(cx: &Ctx, manifest: Option<&Value>, doc: &mut Map, t: &mut Translation) {
    let insights = manifest
        .and_then(|m| m.pointer("/observability/container_insights"))
        .and_then(Value::as_bool);
    if insights == Some(true) {
        doc.map_mut("cluster")
            .insert("containerInsights", "enabled");
    }
    doc.insert("network", cx.net.block(cx.net.default_public(), &[], false));
    // Copilot keeps a workload's logs 30 days unless `logging.retention` says otherwise
    // (logging.en.md); ecsctl's default is to keep them forever.
    doc.map_mut("logs").insert("retentionDays", 30);
    if let Some(m) = manifest.and_then(Value::as_object) {
        for (key, value) in m {
            not_translated(cx.env, key, value, t);
        }
    }
}

/// A note for each environment manifest setting ecsctl has no place for.
fn not_translated(env: &str, key: &str, value: &Value, t: &mut Translation) {
    let resource = format!("copilot/environments/{env}");
    let text = match key {
        "name" | "type" => return,
        "network" => {
            let vpc = value.get("vpc").and_then(Value::as_object);
            for k in vpc.into_iter().flat_map(|o| o.keys()) {
                if !matches!(k.as_str(), "id" | "subnets") {
                    t.note(&resource, Some("network"), format!("`network.vpc.{k}` is not translated: ecsctl uses an existing VPC and creates none"));
                }
            }
            return;
        }
        "observability" => {
            let others = value.as_object().into_iter().flat_map(|o| o.keys());
            for k in others.filter(|k| *k != "container_insights") {
                t.note(&resource, None, format!("environment `{env}`: `observability.{k}` is not translated: ecsctl has no equivalent"));
            }
            return;
        }
        "http" => format!(
            "environment `{env}`: the load balancers and certificates of `http` are not translated: ecsctl does not create load balancers; a service registers in an existing target group with `loadBalancers`"
        ),
        "cdn" => format!(
            "environment `{env}`: the CloudFront distribution (`cdn`) is not translated: ecsctl does not create one"
        ),
        other => {
            format!("environment `{env}`: `{other}` is not translated: ecsctl has no equivalent")
        }
    };
    t.note(resource, None, text);
}

/// The namespace, when a service registers in it: Copilot's is `{env}.{app}.local` in the
/// environment's VPC (environment/cf.yml, `ServiceDiscoveryNamespace`), so clients keep their
/// addresses.
pub(crate) fn discovery(cx: &Ctx, d: &Discovery, doc: &mut Map, t: &mut Translation) {
    if !d.dns && d.connect.is_empty() {
        return;
    }
    let mut m = Map::new();
    m.insert("namespace", "{env}.{app}.local")
        .insert("vpc", cx.net.vpc.clone());
    if !d.connect.is_empty() {
        m.insert("mode", "serviceConnect");
        t.note(
            "copilot/environments",
            Some("discovery"),
            format!(
                "Copilot's Service Connect (`network.connect` of {}) answers to the bare service name (`http://api`); ecsctl's Service Connect aliases are `NAME.{{env}}.{{app}}.local`, and every service of the environment joins it: clients must use the longer names",
                d.connect.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    doc.insert("discovery", Node::Map(m));
    t.note(
        "copilot/environments",
        None,
        "the namespace keeps Copilot's name, `{env}.{app}.local`, so clients keep their addresses: ecsctl cannot create it while Copilot's exists in the same VPC; delete the Copilot environment first, or rename it under `discovery.namespace`",
    );
}
