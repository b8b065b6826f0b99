//! The generic comparison of two normalised views of one resource.
//!
//! A view is an AWS-shaped JSON object built by a kind's file (`role.rs`, `service.rs`, …) with
//! every `normalize` rule applied. Objects are compared key by key, recursively (so a container
//! is compared field by field and an env var by name); lists and scalars as whole values. Must
//! not know any resource kind: effects come from `rules`, values from the kind's view.

use serde_json::{Map, Value};

use super::rules;
use crate::plan::fingerprint::digest_view;
use crate::plan::{Action, Address, FieldChange, ResourceChange};

pub type View = Map<String, Value>;

/// A change for a resource with a desired view and maybe a live one.
pub fn compare(address: Address, desired: &View, live: Option<&View>) -> ResourceChange {
    let observed = digest_view(live.map(|l| Value::Object(l.clone())).as_ref());
    let Some(live) = live else {
        let mut fields = Vec::new();
        for (k, v) in desired {
            leaves(&path_join("", k), v, &mut fields);
        }
        return ResourceChange {
            address,
            action: Action::Create,
            fields,
            reason: None,
            force_new_deployment: false,
            observed,
        };
    };
    let mut fields = Vec::new();
    for key in union_keys(live, desired) {
        let kind = address.kind;
        let mut found = Vec::new();
        diff_value(
            &path_join("", key),
            live.get(key),
            desired.get(key),
            &mut found,
        );
        for mut f in found {
            f.effect = rules::effect(kind, key, f.before.as_ref(), f.after.as_ref());
            fields.push(f);
        }
    }
    let action = action_for(&fields);
    let force_new_deployment = fields
        .iter()
        .any(|f| f.effect == crate::plan::Effect::NewDeployment);
    ResourceChange {
        address,
        action,
        fields,
        reason: None,
        force_new_deployment,
        observed,
    }
}

/// Replace if any field forces it, update if anything changed, otherwise nothing.
pub fn action_for(fields: &[FieldChange]) -> Action {
    if fields
        .iter()
        .any(|f| f.effect == crate::plan::Effect::Replace)
    {
        Action::Replace
    } else if fields.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    }
}

fn union_keys<'a>(a: &'a View, b: &'a View) -> Vec<&'a String> {
    // Desired order first (the order a reader of the spec expects), then live-only keys.
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    keys
}

fn diff_value(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    out: &mut Vec<FieldChange>,
) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            for key in union_keys(b, a) {
                diff_value(&path_join(path, key), b.get(key), a.get(key), out);
            }
        }
        (b, a) if b == a => {}
        (b, a) => out.push(FieldChange {
            path: path.to_string(),
            before: b.cloned(),
            after: a.cloned(),
            after_unknown: false,
            effect: crate::plan::Effect::InPlace,
        }),
    }
}

/// Every leaf of a value being created, one field each.
fn leaves(path: &str, v: &Value, out: &mut Vec<FieldChange>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                leaves(&path_join(path, k), v, out);
            }
        }
        v => out.push(FieldChange {
            path: path.to_string(),
            before: None,
            after: Some(v.clone()),
            after_unknown: false,
            effect: crate::plan::Effect::InPlace,
        }),
    }
}

/// `a.b` for plain keys, `a["ecsctl:env"]` for keys a reader could not split on dots.
pub fn path_join(prefix: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (prefix.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{prefix}.{key}"),
        (_, false) => format!("{prefix}[{}]", Value::String(key.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Effect, ResourceKind};
    use serde_json::json;

    fn view(v: Value) -> View {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn nested_objects_diff_per_key_and_lists_whole() {
        let live = view(json!({"tags": {"a": "1", "ecsctl:env": "dev"}, "retentionInDays": 7}));
        let want = view(
            json!({"retentionInDays": 7, "tags": {"a": "2", "ecsctl:env": "dev", "new": "x"}}),
        );
        let c = compare(
            Address::new(ResourceKind::LogGroup, "/ecs/x"),
            &want,
            Some(&live),
        );
        assert_eq!(c.action, Action::Update);
        let paths: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["tags.a", "tags.new"]);
        assert_eq!(c.fields[1].before, None);
        assert_eq!(path_join("tags", "ecsctl:env"), r#"tags["ecsctl:env"]"#);
    }

    #[test]
    fn equal_views_are_noop_and_missing_live_is_create() {
        let v = view(json!({"retentionInDays": 7}));
        let same = compare(Address::new(ResourceKind::LogGroup, "g"), &v, Some(&v));
        assert_eq!(same.action, Action::NoOp);
        assert_ne!(same.observed, "absent");
        let create = compare(Address::new(ResourceKind::LogGroup, "g"), &v, None);
        assert_eq!(create.action, Action::Create);
        assert_eq!(create.observed, "absent");
        assert_eq!(create.fields[0].after, Some(json!(7)));
        assert_eq!(create.fields[0].effect, Effect::InPlace);
    }
}
