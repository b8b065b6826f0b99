//! A service's Service Connect configuration (`serviceConnectConfiguration`), as the spec
//! wants it and as the service's PRIMARY deployment has it.
//!
//! ECS reports it per deployment, not on the service
//! (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html>). The
//! namespace is compared by name: ecsctl sends the name, and an ARN ECS may return instead is
//! read back as the name of the namespace live holds under that ARN. A configuration with
//! `enabled: false` is the same as none. Must not decide what a change costs (rules.rs).

use serde_json::{Value, json};

use super::task_definition::{awslogs, live_log_configuration};
use crate::live::{Live, LiveService};
use crate::model::ServiceConnect;

fn view(namespace: &str, services: Vec<Value>, logs: Value) -> Value {
    json!({"enabled": true, "namespace": namespace, "services": services, "logConfiguration": logs})
}

pub fn desired(c: Option<&ServiceConnect>) -> Value {
    let Some(c) = c else { return Value::Null };
    let services = c
        .endpoint
        .iter()
        .map(|e| {
            json!({"portName": e.port_name, "discoveryName": e.discovery_name,
                   "clientAliases": [{"dnsName": e.dns_name, "port": e.port}]})
        })
        .collect();
    view(&c.namespace, services, awslogs(&c.logs))
}

/// The PRIMARY deployment's configuration; null when it has none or has it disabled.
pub fn live(live: &Live, l: &LiveService) -> Value {
    let Some(c) = l
        .primary_deployment()
        .and_then(|d| d.service_connect.as_ref())
    else {
        return Value::Null;
    };
    if !c.enabled {
        return Value::Null;
    }
    let namespace = c.namespace.as_deref().unwrap_or_default();
    let namespace = match &live.namespace {
        Some(n) if n.arn == namespace => n.name.as_str(),
        _ => namespace,
    };
    let services = c
        .services
        .iter()
        .map(|s| {
            let aliases: Vec<Value> = s
                .client_aliases
                .iter()
                .map(|(dns, port)| json!({"dnsName": dns, "port": port}))
                .collect();
            json!({"portName": s.port_name, "discoveryName": s.discovery_name,
                   "clientAliases": aliases})
        })
        .collect();
    let logs = c
        .log_configuration
        .as_ref()
        .map_or(Value::Null, live_log_configuration);
    view(namespace, services, logs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{
        LiveDeployment, LiveLogConfiguration, LiveServiceConnect, LiveServiceConnectService,
    };

    fn spec() -> ServiceConnect {
        crate::diff::fixtures::service_connect()
    }

    /// As ECS returns what ecsctl sent (the namespace as its ARN).
    fn sent(namespace: &str) -> LiveServiceConnect {
        LiveServiceConnect {
            enabled: true,
            namespace: Some(namespace.into()),
            services: vec![LiveServiceConnectService {
                port_name: "api".into(),
                discovery_name: Some("api".into()),
                client_aliases: vec![(Some("api.ohi-prod.local".into()), 8080)],
            }],
            log_configuration: Some(LiveLogConfiguration {
                log_driver: "awslogs".into(),
                options: [
                    ("awslogs-group", "/ecs/ohi-prod/api"),
                    ("awslogs-region", "eu-west-1"),
                    ("awslogs-stream-prefix", "service-connect"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
                secret_options: Default::default(),
            }),
        }
    }

    fn with(live: &mut Live, c: Option<LiveServiceConnect>) -> LiveService {
        let mut s = live.services[0].clone();
        s.deployments = vec![LiveDeployment {
            service_connect: c,
            ..crate::diff::fixtures::deployment("PRIMARY")
        }];
        s
    }

    #[test]
    fn the_namespace_compares_by_name_whichever_form_ecs_returns() {
        let mut live = crate::diff::fixtures::converged();
        let arn = live
            .namespace
            .as_ref()
            .expect("the fixture's namespace")
            .arn
            .clone();
        let name = live.namespace.as_ref().unwrap().name.clone();
        let mut want = spec();
        want.namespace = name.clone();
        let by_arn = with(&mut live, Some(sent(&arn)));
        let mut by_name_conf = sent(&name);
        by_name_conf.namespace = Some(name.clone());
        let by_name = with(&mut live, Some(by_name_conf));
        assert_eq!(super::live(&live, &by_arn), desired(Some(&want)));
        assert_eq!(super::live(&live, &by_name), desired(Some(&want)));
    }

    #[test]
    fn disabled_is_none_and_every_setting_is_compared() {
        let mut live = crate::diff::fixtures::converged();
        let mut off = sent("ohi-prod.local");
        off.enabled = false;
        let s = with(&mut live, Some(off));
        assert_eq!(super::live(&live, &s), Value::Null);
        let s = with(&mut live, None);
        assert_eq!(super::live(&live, &s), desired(None));
        let want = desired(Some(&spec()));
        let mut port = sent("ohi-prod.local");
        port.services[0].client_aliases[0].1 = 80;
        let mut client = sent("ohi-prod.local");
        client.services.clear();
        let mut prefix = sent("ohi-prod.local");
        prefix.log_configuration = None;
        for (what, c) in [
            ("alias port", port),
            ("client only", client),
            ("no logs", prefix),
        ] {
            let s = with(&mut live, Some(c));
            assert_ne!(super::live(&live, &s), want, "{what}");
        }
    }
}
