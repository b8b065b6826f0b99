//! Hides sensitive env values in a task definition's changes, on both sides.
//!
//! Owns replacing the value of every env var a container marks `sensitive` with the marker,
//! wherever it appears in a change: as its own field (`containerDefinitions.api.environment.
//! DB_URL`) or inside a larger value (a whole `environment` map or container being added). The
//! live value is hidden as well as the desired one. Must not change paths, effects or actions:
//! a changed sensitive value still shows as a change (`(sensitive value) -> (sensitive value)`),
//! and the `observed` digest still covers the real live value.

use serde_json::Value;

use super::compare::path_join;
use crate::model::TaskDefinition;
use crate::model::sensitive::SHOWN;
use crate::plan::ResourceChange;

pub fn mask(change: &mut ResourceChange, td: &TaskDefinition) {
    for c in &td.containers {
        for name in &c.sensitive {
            let keys = ["containerDefinitions", c.name.as_str(), "environment", name];
            for f in &mut change.fields {
                // The field is the value itself, or an object holding it.
                let mut prefix = String::new();
                for (depth, key) in keys.iter().enumerate() {
                    prefix = path_join(&prefix, key);
                    if prefix == f.path {
                        let inner = &keys[depth + 1..];
                        for v in [&mut f.before, &mut f.after].into_iter().flatten() {
                            hide(v, inner);
                        }
                        break;
                    }
                }
            }
        }
    }
}

fn hide(v: &mut Value, keys: &[&str]) {
    match keys.split_first() {
        None => *v = Value::String(SHOWN.to_string()),
        Some((first, rest)) => {
            if let Some(inner) = v.get_mut(*first) {
                hide(inner, rest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, Address, Effect, FieldChange, ResourceKind};
    use serde_json::json;

    fn change(fields: Vec<(&str, Value, Value)>) -> ResourceChange {
        ResourceChange {
            address: Address::new(ResourceKind::TaskDefinition, "f"),
            action: Action::Update,
            fields: fields
                .into_iter()
                .map(|(path, before, after)| FieldChange {
                    path: path.into(),
                    before: Some(before),
                    after: Some(after),
                    after_unknown: false,
                    effect: Effect::NewRevision,
                })
                .collect(),
            reason: None,
            force_new_deployment: false,
            observed: "x".into(),
        }
    }

    #[test]
    fn a_sensitive_value_is_hidden_as_a_field_and_inside_a_larger_value() {
        let mut td = crate::diff::fixtures::desired().task_definitions[0].clone();
        td.containers[0].sensitive.insert("DB_URL".into());
        let name = td.containers[0].name.clone();
        let leaf = format!("containerDefinitions.{name}.environment.DB_URL");
        let map = format!("containerDefinitions.{name}.environment");
        let mut c = change(vec![
            (&leaf, json!("old-secret"), json!("new-secret")),
            (
                &map,
                json!({"DB_URL": "a", "PORT": "1"}),
                json!({"DB_URL": "b", "PORT": "2"}),
            ),
            ("cpu", json!("256"), json!("512")),
        ]);
        mask(&mut c, &td);
        let f = &c.fields;
        assert_eq!(
            (&f[0].before, &f[0].after),
            (&Some(json!(SHOWN)), &Some(json!(SHOWN)))
        );
        assert_eq!(f[1].after, Some(json!({"DB_URL": SHOWN, "PORT": "2"})));
        assert_eq!(f[1].before, Some(json!({"DB_URL": SHOWN, "PORT": "1"})));
        assert_eq!(f[2].after, Some(json!("512")), "other fields are untouched");
        assert_eq!(
            c.action,
            Action::Update,
            "a changed secret is still a change"
        );
    }
}
