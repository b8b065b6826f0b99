//! ECS Service Connect (`discovery.mode: serviceConnect`): every service of the environment
//! joins the namespace, and each with `discovery` publishes one port.
//!
//! Owns the defaults: the published port is `discovery.port` or the main container's first
//! port, named after the discovery name when the spec left it unnamed (Service Connect refers
//! to ports by name); the client alias is `{name}.{namespace}` on the same port, so clients
//! keep the names DNS discovery gave them; the proxy logs to the service's log group under
//! `service-connect` (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html>,
//! ServiceConnectService / ServiceConnectClientAlias in the API reference). Must not create
//! Cloud Map services: ECS creates the ones Service Connect uses.

use super::discovery::discovery_name;
use super::resources::*;
use super::scope::Scope;
use super::validate::in_range;
use crate::spec::raw::RawServiceDiscovery;
use crate::spec::span::Loc;

/// The stream prefix of the Service Connect proxy's logs in the service's log group.
pub const PROXY_STREAM_PREFIX: &str = "service-connect";

pub struct ServiceConnectInput<'a> {
    /// The service's `discovery`, when it has one (enabled or not).
    pub raw: Option<&'a RawServiceDiscovery>,
    pub key: &'a str,
    pub at: &'a str,
    pub key_loc: Loc,
    pub namespace: &'a Namespace,
    /// The service's log configuration (the proxy logs beside it).
    pub logs: &'a LogConfiguration,
}

/// The service's Service Connect configuration, naming the published port in `main` when it
/// has no name; with where its discovery name was decided, for duplicate-name errors.
pub fn service_connect(
    cx: &Scope,
    c: &ServiceConnectInput,
    main: &mut ContainerDefinition,
) -> (ServiceConnect, Option<Loc>) {
    let mut out = ServiceConnect {
        namespace: c.namespace.name.clone(),
        endpoint: None,
        logs: c.logs.awslogs_under(PROXY_STREAM_PREFIX),
    };
    let Some(raw) = c.raw.filter(|d| d.enabled.as_ref().is_none_or(|e| e.value)) else {
        return (out, None);
    };
    let path = |f: &str| format!("{}.discovery.{f}", c.at);
    let Some((name, name_loc)) = discovery_name(cx, raw, (c.key, c.key_loc), &path("name")) else {
        return (out, None);
    };
    let wanted = raw.port.as_ref().map(|p| p.value);
    let mapping = match wanted {
        Some(p) => main
            .port_mappings
            .iter_mut()
            .find(|m| m.container_port == p),
        None => main.port_mappings.first_mut(),
    };
    let Some(mapping) = mapping else {
        let (loc, message) = match &raw.port {
            Some(p) => (
                p.loc,
                format!("container `{}` has no port {}", main.name, p.value),
            ),
            None => (
                name_loc,
                format!(
                    "Service Connect publishes a port, and container `{}` has none",
                    main.name
                ),
            ),
        };
        cx.error_hint(
            loc,
            path("port"),
            message,
            "give the main container the port under `ports`, or set `discovery.enabled: false` \
             to make the service a Service Connect client only",
        );
        return (out, None);
    };
    let port_name = mapping.name.get_or_insert_with(|| name.clone()).clone();
    let port = match &raw.client_port {
        Some(p) => in_range(cx, p, 1..=65_535, "client port", &path("clientPort")),
        None => mapping.container_port,
    };
    out.endpoint = Some(ServiceConnectEndpoint {
        port_name,
        dns_name: format!("{name}.{}", c.namespace.name),
        discovery_name: name,
        port,
    });
    (out, Some(name_loc))
}
