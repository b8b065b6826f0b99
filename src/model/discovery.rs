//! Cloud Map: the environment's private DNS namespace and each service's discovery service.
//!
//! Owns the defaults (records `[A]`, TTL 60, `MULTIVALUE`, name `{service}`) and the rules that
//! discovery needs the environment's namespace and VPC, and SRV records a port. Must not
//! register instances: ECS does that for the service.

use super::names::NameKind;
use super::resources::*;
use super::scope::Scope;
use super::validate::{check_name, id};
use crate::spec::raw::{RawNamespace, RawServiceDiscovery};
use crate::spec::span::Loc;

/// The namespace, when the environment's `discovery` names one and is not disabled.
pub fn namespace(cx: &Scope, raw: Option<&RawNamespace>, tags: &Tags) -> Option<Namespace> {
    let raw = raw.filter(|d| d.enabled.as_ref().is_none_or(|e| e.value))?;
    let template = raw.namespace.as_ref()?;
    let name = cx.name(template, "discovery.namespace", None)?;
    check_name(
        cx,
        NameKind::Namespace,
        &name,
        template.loc,
        "discovery.namespace",
    );
    let vpc = match &raw.vpc {
        Some(v) => id(cx, v, "vpc", "discovery.vpc").unwrap_or_default(),
        None => {
            cx.error_hint(
                template.loc,
                "discovery.vpc",
                format!("namespace `{name}` has no `vpc`"),
                "a private DNS namespace resolves in one VPC: set `discovery.vpc: vpc-…`",
            );
            String::new()
        }
    };
    let description = raw
        .description
        .as_ref()
        .and_then(|d| cx.text(d, "discovery.description"));
    Some(Namespace {
        name,
        vpc,
        description,
        tags: tags.clone(),
    })
}

/// A service's discovery name, `discovery.name` or `{service}`, checked as a DNS label; with
/// where it was decided. Cloud Map DNS and Service Connect name a service alike.
pub fn discovery_name(
    cx: &Scope,
    raw: &RawServiceDiscovery,
    (key, key_loc): (&str, Loc),
    path: &str,
) -> Option<(String, Loc)> {
    let (name, loc) = match &raw.name {
        Some(n) => (cx.name(n, path, Some(key))?, n.loc),
        None => (
            cx.default_name("{service}", key_loc, path, Some(key))?,
            key_loc,
        ),
    };
    check_name(cx, NameKind::DiscoveryService, &name, loc, path);
    Some((name, loc))
}

pub struct ServiceDiscoveryInput<'a> {
    pub raw: &'a RawServiceDiscovery,
    pub key: &'a str,
    pub at: String,
    pub key_loc: Loc,
    pub main_container: &'a str,
    pub main_port: Option<u32>,
}

/// The discovery service and the registry entry of one service; None when not enabled.
pub fn discovery_service(
    cx: &Scope,
    d: &ServiceDiscoveryInput,
    ns: Option<&Namespace>,
    tags: &Tags,
) -> Option<(DiscoveryService, ServiceRegistry, Loc)> {
    if d.raw.enabled.as_ref().is_some_and(|e| !e.value) {
        return None;
    }
    let path = |f: &str| format!("{}.discovery.{f}", d.at);
    let Some(ns) = ns else {
        let hint = "set `discovery: {namespace: \"{app}-{env}.local\", vpc: vpc-…}` at the top of the environment";
        cx.error_hint(
            d.key_loc,
            format!("{}.discovery", d.at),
            "service discovery needs the environment's `discovery.namespace`",
            hint,
        );
        return None;
    };
    let (name, name_loc) = discovery_name(cx, d.raw, (d.key, d.key_loc), &path("name"))?;
    let ttl = d.raw.ttl.as_ref().map_or(60, |t| t.value);
    let kinds: Vec<DnsRecordType> = d.raw.records.as_ref().map_or(vec![DnsRecordType::A], |r| {
        r.value.iter().map(|k| k.value).collect()
    });
    let records = kinds.iter().map(|&kind| DnsRecord { kind, ttl }).collect();
    let routing = d
        .raw
        .routing
        .as_ref()
        .map_or(RoutingPolicy::Multivalue, |r| r.value);
    let mut registry = ServiceRegistry {
        discovery_service: name.clone(),
        container_name: None,
        container_port: None,
    };
    if kinds.contains(&DnsRecordType::Srv) {
        let port = d.raw.port.as_ref().map(|p| p.value).or(d.main_port);
        if port.is_none() {
            let loc = d.raw.records.as_ref().map_or(d.key_loc, |r| r.loc);
            cx.error_hint(
                loc,
                path("records"),
                "SRV records need a port",
                "set `discovery.port` or give the main container a port",
            );
        }
        registry.container_name = Some(d.main_container.to_string());
        registry.container_port = port;
    }
    let service = DiscoveryService {
        name,
        namespace: ns.name.clone(),
        service: d.key.to_string(),
        records,
        routing,
        tags: tags.clone(),
    };
    Some((service, registry, name_loc))
}
