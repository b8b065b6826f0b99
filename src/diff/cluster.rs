//! The ECS cluster: Container Insights, capacity providers and default strategy, tags.
//!
//! Must not compare counters or status (live only holds ACTIVE clusters).

use serde_json::{Value, json};

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::{container_insights, put, sorted_list, string_set};
use crate::live::LiveCluster;
use crate::plan::{Address, ResourceChange, ResourceKind};

pub fn diff(ctx: &Ctx) -> ResourceChange {
    let c = &ctx.desired.cluster;
    let mut want = View::new();
    let insights = serde_json::to_value(c.container_insights).expect("enum serialises");
    put(
        &mut want,
        "containerInsights",
        container_insights(insights.as_str()),
    );
    put(
        &mut want,
        "capacityProviders",
        string_set(c.capacity_providers.iter().map(|p| p.as_str())),
    );
    let strategy = c
        .default_strategy
        .iter()
        .map(|i| strategy_item(i.capacity_provider.as_str(), i.base.into(), i.weight.into()))
        .collect();
    put(
        &mut want,
        "defaultCapacityProviderStrategy",
        sorted_list(strategy),
    );
    put(&mut want, "tags", json!(c.tags));
    let live = ctx
        .live
        .cluster
        .as_ref()
        .filter(|l| l.name == c.name)
        .map(live_view);
    compare(
        Address::new(ResourceKind::Cluster, &c.name),
        &want,
        live.as_ref(),
    )
}

/// One capacity provider strategy entry; shared with services.
pub fn strategy_item(provider: &str, base: i64, weight: i64) -> Value {
    json!({ "capacityProvider": provider, "base": base, "weight": weight })
}

fn live_view(c: &LiveCluster) -> View {
    let mut v = View::new();
    let insights = c
        .settings
        .iter()
        .find(|s| s.name == "containerInsights")
        .and_then(|s| s.value.as_deref());
    put(&mut v, "containerInsights", container_insights(insights));
    put(
        &mut v,
        "capacityProviders",
        string_set(c.capacity_providers.iter().map(String::as_str)),
    );
    let strategy = c
        .default_strategy
        .iter()
        .map(|i| strategy_item(&i.capacity_provider, i.base.into(), i.weight.into()))
        .collect();
    put(
        &mut v,
        "defaultCapacityProviderStrategy",
        sorted_list(strategy),
    );
    put(&mut v, "tags", super::normalize::user_tags(&c.tags));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::Action;

    #[test]
    fn cluster_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, Action)> = vec![
            ("converged", |_| {}, Action::NoOp),
            (
                "providers reordered",
                |l| l.cluster.as_mut().unwrap().capacity_providers.reverse(),
                Action::NoOp,
            ),
            (
                "strategy reordered",
                |l| l.cluster.as_mut().unwrap().default_strategy.reverse(),
                Action::NoOp,
            ),
            (
                "insights setting missing (AWS default disabled)",
                |l| l.cluster.as_mut().unwrap().settings.clear(),
                Action::Update,
            ),
            ("absent", |l| l.cluster = None, Action::Create),
            (
                "spot removed",
                |l| {
                    l.cluster
                        .as_mut()
                        .unwrap()
                        .capacity_providers
                        .retain(|p| p == "FARGATE")
                },
                Action::Update,
            ),
        ];
        for (name, mutate, action) in cases {
            let mut l = converged();
            mutate(&mut l);
            assert_eq!(
                find(&diff(&desired(), &l), "cluster.ohi-prod").action,
                action,
                "{name}"
            );
        }
    }
}
