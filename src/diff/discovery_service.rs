//! Cloud Map discovery services: namespace, DNS records, routing policy, tags.
//!
//! DNS records are compared as a type → TTL map: a TTL changes in place, a record type added or
//! removed forces replacement (`rules::effect`). Must not compare the health check custom
//! config, which the spec does not set.

use serde_json::{Map, Value, json};

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::{put, routing_policy};
use crate::live::LiveDiscoveryService;
use crate::model::DiscoveryService;
use crate::plan::{Address, ResourceChange, ResourceKind};

pub fn diff(ctx: &Ctx, ds: &DiscoveryService) -> ResourceChange {
    let mut want = View::new();
    put(&mut want, "namespace", json!(ds.namespace));
    let records: Map<String, Value> = ds
        .records
        .iter()
        .map(|r| {
            (
                serde_json::to_value(r.kind)
                    .expect("enum")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                json!(r.ttl),
            )
        })
        .collect();
    put(&mut want, "dnsRecords", Value::Object(records));
    let routing = serde_json::to_value(ds.routing).expect("enum serialises");
    put(&mut want, "routingPolicy", routing_policy(routing.as_str()));
    put(&mut want, "tags", json!(ds.tags));
    let live = ctx
        .live
        .discovery_service(&ds.name)
        .map(|l| live_view(ctx, l));
    compare(
        Address::new(ResourceKind::DiscoveryService, &ds.name),
        &want,
        live.as_ref(),
    )
}

fn live_view(ctx: &Ctx, ds: &LiveDiscoveryService) -> View {
    let mut v = View::new();
    // The namespace by name when it is the one live read, otherwise the foreign id verbatim.
    let ns = match (&ctx.live.namespace, &ds.namespace_id) {
        (Some(n), Some(id)) if &n.id == id => json!(n.name),
        (_, id) => json!(id),
    };
    put(&mut v, "namespace", ns);
    let records: Map<String, Value> = ds
        .dns_records
        .iter()
        .map(|r| (r.kind.to_ascii_uppercase(), json!(r.ttl)))
        .collect();
    put(&mut v, "dnsRecords", Value::Object(records));
    put(
        &mut v,
        "routingPolicy",
        routing_policy(ds.routing_policy.as_deref()),
    );
    put(&mut v, "tags", super::normalize::user_tags(&ds.tags));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::live::LiveDnsRecord;
    use crate::plan::{Action, Effect};

    #[test]
    fn discovery_service_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, Action, Option<Effect>)> = vec![
            ("converged", |_| {}, Action::NoOp, None),
            (
                "routing omitted (MULTIVALUE default)",
                |l| l.discovery_services[0].routing_policy = None,
                Action::NoOp,
                None,
            ),
            (
                "ttl drift",
                |l| l.discovery_services[0].dns_records[0].ttl = 300,
                Action::Update,
                Some(Effect::InPlace),
            ),
            (
                "record type added",
                |l| {
                    l.discovery_services[0].dns_records.push(LiveDnsRecord {
                        kind: "SRV".into(),
                        ttl: 10,
                    });
                },
                Action::Replace,
                Some(Effect::Replace),
            ),
            (
                "weighted routing",
                |l| l.discovery_services[0].routing_policy = Some("WEIGHTED".into()),
                Action::Replace,
                Some(Effect::Replace),
            ),
            (
                "other namespace",
                |l| l.discovery_services[0].namespace_id = Some("ns-other".into()),
                Action::Replace,
                Some(Effect::Replace),
            ),
            (
                "absent",
                |l| l.discovery_services.clear(),
                Action::Create,
                None,
            ),
        ];
        for (name, mutate, action, effect) in cases {
            let mut l = converged();
            mutate(&mut l);
            let c = find(&diff(&desired(), &l), "discovery_service.api");
            assert_eq!(c.action, action, "{name}");
            if effect.is_some() {
                assert_eq!(c.effect(), effect, "{name}");
            }
        }
    }
}
