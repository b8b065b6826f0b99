//! Factoring: which part of several environments' documents goes into `ecsctl.yaml` and which
//! into each `environments/ENV.yaml`.
//!
//! Owns the split and its inverse (`overlay`), which follow the spec's merge rules
//! (`spec::merge`): maps merge key by key, everything else is replaced whole, and so are the
//! mappings that are one value (`capacity`, a secret, a ulimit, an IAM condition). Must not know
//! where the documents came from.

use super::doc::{Map, Node};

/// Top-level keys that always stay in the environment's file, even when every environment
/// has the same value: they name things that belong to one environment (its network, account
/// and protection), so a new environment must write its own.
const PER_ENVIRONMENT: [&str; 3] = ["account", "network", "protected"];

/// Keys whose mapping value is one value, replaced whole by an override.
fn atomic(parent: Option<&str>, key: &str) -> bool {
    matches!(key, "capacity" | "condition")
        || matches!(parent, Some("secrets" | "secretOptions" | "ulimits"))
}

/// What every document has in common (`ecsctl.yaml`), and what each has besides (its
/// environment file), in the documents' order.
pub fn factor(docs: &[&Map]) -> (Map, Vec<Map>) {
    let Some((first, rest)) = docs.split_first() else {
        return (Map::new(), Vec::new());
    };
    let mut common = shared(first, rest, None);
    common.retain(|e| !PER_ENVIRONMENT.contains(&e.key.as_str()));
    // A per-environment block of `discovery` (the VPC) stays with the environment too.
    if let Some(Node::Map(d)) = common.get_mut("discovery") {
        d.retain(|e| e.key != "vpc");
        if d.is_empty() {
            common.remove("discovery");
        }
    }
    let deltas = docs.iter().map(|d| delta(d, &common, None)).collect();
    (common, deltas)
}

fn shared(first: &Map, rest: &[&Map], parent: Option<&str>) -> Map {
    let mut out = Map::new();
    for e in first.entries() {
        let others: Option<Vec<&Node>> = rest.iter().map(|m| m.get(&e.key)).collect();
        let Some(others) = others else { continue };
        let value = match &e.value {
            Node::Map(m) if !atomic(parent, &e.key) && !m.is_empty() => {
                let maps: Option<Vec<&Map>> = others.iter().map(|n| n.as_map()).collect();
                let Some(maps) = maps else { continue };
                let inner = shared(m, &maps, Some(&e.key));
                if inner.is_empty() {
                    continue;
                }
                Node::Map(inner)
            }
            v if others.iter().all(|o| *o == v) => v.clone(),
            _ => continue,
        };
        out.insert(e.key.clone(), value);
        for c in &e.comments {
            out.comment(&e.key, c.clone());
        }
    }
    out
}

/// What `doc` sets that `base` does not already give it.
fn delta(doc: &Map, base: &Map, parent: Option<&str>) -> Map {
    let mut out = Map::new();
    for e in doc.entries() {
        let value = match (base.get(&e.key), &e.value) {
            (None, v) => v.clone(),
            (Some(Node::Map(b)), Node::Map(m)) if !atomic(parent, &e.key) && !m.is_empty() => {
                let inner = delta(m, b, Some(&e.key));
                if inner.is_empty() {
                    continue;
                }
                Node::Map(inner)
            }
            (Some(b), v) if b == v => continue,
            (Some(_), v) => v.clone(),
        };
        out.insert(e.key.clone(), value);
        let here = base
            .entries()
            .iter()
            .any(|b| b.key == e.key && b.comments == e.comments);
        if !here {
            for c in &e.comments {
                out.comment(&e.key, c.clone());
            }
        }
    }
    out
}

/// `over` laid onto `base` as the spec merges an environment file onto `ecsctl.yaml`.
pub fn overlay(base: &Map, over: &Map) -> Map {
    overlay_in(base, over, None)
}

fn overlay_in(base: &Map, over: &Map, parent: Option<&str>) -> Map {
    let mut out = base.clone();
    for e in over.entries() {
        let value = match (base.get(&e.key), &e.value) {
            (Some(Node::Map(b)), Node::Map(m)) if !atomic(parent, &e.key) && !m.is_empty() => {
                Node::Map(overlay_in(b, m, Some(&e.key)))
            }
            (_, v) => v.clone(),
        };
        out.insert(e.key.clone(), value);
        for c in &e.comments {
            if !out
                .entries()
                .iter()
                .any(|x| x.key == e.key && x.comments.contains(c))
            {
                out.comment(&e.key, c.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: serde_json::Value) -> Map {
        match Node::from_json(&v).expect("no nulls") {
            Node::Map(m) => m,
            _ => panic!("not a mapping"),
        }
    }

    #[test]
    fn shared_values_go_up_and_differences_stay_with_each_environment() {
        use serde_json::json;
        let dev = map(json!({
            "app": "shop", "region": "eu-west-1",
            "network": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]},
            "capacity": {"base": 1, "onDemandWeight": 1, "spotWeight": 3},
            "discovery": {"namespace": "{app}-{env}.local", "vpc": "vpc-1"},
            "services": {
                "web": {"image": "nginx", "cpu": 256, "count": 1, "ports": [80],
                        "secrets": {"DB": {"secretsManager": "db", "key": "password"}}},
                "worker": {"image": "w", "cpu": 256}
            }
        }));
        let prod = map(json!({
            "app": "shop", "region": "eu-west-1",
            "network": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]},
            "capacity": {"base": 2, "onDemandWeight": 1, "spotWeight": 3},
            "discovery": {"namespace": "{app}-{env}.local", "vpc": "vpc-2"},
            "services": {
                "web": {"image": "nginx", "cpu": 1024, "count": 3, "ports": [80],
                        "secrets": {"DB": {"secretsManager": "db", "key": "pw"}}}
            }
        }));
        let (common, deltas) = factor(&[&dev, &prod]);
        assert_eq!(
            common.to_json(),
            json!({
                "app": "shop", "region": "eu-west-1",
                "discovery": {"namespace": "{app}-{env}.local"},
                "services": {"web": {"image": "nginx", "ports": [80]}}
            })
        );
        assert_eq!(
            deltas[1].to_json(),
            json!({
                "network": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]},
                "capacity": {"base": 2, "onDemandWeight": 1, "spotWeight": 3},
                "discovery": {"vpc": "vpc-2"},
                "services": {"web": {"cpu": 1024, "count": 3,
                    "secrets": {"DB": {"secretsManager": "db", "key": "pw"}}}}
            }),
            "capacity and a secret are one value each: written whole"
        );
        for (doc, d) in [&dev, &prod].iter().zip(&deltas) {
            assert_eq!(
                overlay(&common, d).to_json(),
                doc.to_json(),
                "overlay inverts factor"
            );
        }
    }

    #[test]
    fn one_environment_keeps_only_its_network_account_and_protection() {
        use serde_json::json;
        let only = map(
            json!({"app": "a", "account": "123456789012", "protected": true,
            "network": {"subnets": ["subnet-1"]}, "services": {"web": {"image": "x"}}}),
        );
        let (common, deltas) = factor(&[&only]);
        assert_eq!(
            common.to_json(),
            json!({"app": "a", "services": {"web": {"image": "x"}}})
        );
        assert_eq!(
            deltas[0].to_json(),
            json!({"account": "123456789012", "protected": true, "network": {"subnets": ["subnet-1"]}})
        );
    }
}
