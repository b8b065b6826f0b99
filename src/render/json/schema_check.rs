//! Tests of the public JSON format: output validates against the published schema
//! (docs/plan.schema.json) with a small validator for the JSON Schema subset schemars emits,
//! the published file matches the `Json*` types, and a plan survives the round trip.

use serde_json::{Value, json};

use super::*;
use crate::render::human::tests::small_plan;

const PUBLISHED: &str = include_str!("../../../docs/plan.schema.json");

/// Validates `v` against `schema` (resolving `#/$defs/…` in `root`); returns every violation
/// with its JSON pointer. Supports: type, enum, const, properties, required, items, anyOf,
/// oneOf, $ref, minimum and boolean schemas: exactly what schemars produces for `JsonPlan`.
pub(super) fn validate(
    root: &Value,
    schema: &Value,
    v: &Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    let Value::Object(s) = schema else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: nothing is allowed here"));
        }
        return;
    };
    if let Some(Value::String(r)) = s.get("$ref") {
        let name = r
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("unsupported $ref {r}"));
        validate(root, &root["$defs"][name], v, at, errors);
    }
    for key in s.keys() {
        let supported = [
            "$ref",
            "$schema",
            "title",
            "description",
            "type",
            "enum",
            "const",
            "properties",
            "required",
            "items",
            "anyOf",
            "oneOf",
            "minimum",
            "format",
            "$defs",
            // An annotation (for fields added in a minor version), not a constraint.
            "default",
        ];
        assert!(
            supported.contains(&key.as_str()),
            "validator does not support `{key}` (at {at})"
        );
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            other => panic!("unknown type {other}"),
        });
        if !ok {
            errors.push(format!("{at}: expected {types:?}, found {v}"));
            return;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum")
        && !options.contains(v)
    {
        errors.push(format!("{at}: {v} is not one of {options:?}"));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errors.push(format!("{at}: expected {c}, found {v}"));
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        errors.push(format!("{at}: {n} is below {min}"));
    }
    if let (Some(Value::Array(req)), Value::Object(obj)) = (s.get("required"), v) {
        for r in req.iter().filter_map(Value::as_str) {
            if !obj.contains_key(r) {
                errors.push(format!("{at}: missing `{r}`"));
            }
        }
    }
    if let (Some(Value::Object(props)), Value::Object(obj)) = (s.get("properties"), v) {
        for (k, sub) in props {
            if let Some(x) = obj.get(k) {
                validate(root, sub, x, &format!("{at}/{k}"), errors);
            }
        }
    }
    if let (Some(items), Value::Array(arr)) = (s.get("items"), v) {
        for (i, x) in arr.iter().enumerate() {
            validate(root, items, x, &format!("{at}/{i}"), errors);
        }
    }
    for (key, need_one) in [("anyOf", false), ("oneOf", true)] {
        if let Some(Value::Array(branches)) = s.get(key) {
            let passing = branches
                .iter()
                .filter(|b| {
                    let mut e = Vec::new();
                    validate(root, b, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if passing == 0 || (need_one && passing != 1) {
                errors.push(format!("{at}: {v} matches {passing} branches of {key}"));
            }
        }
    }
}

fn violations(doc: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(PUBLISHED).unwrap();
    let mut errors = Vec::new();
    validate(&schema, &schema, doc, "", &mut errors);
    errors
}

#[test]
fn published_schema_matches_the_json_types() {
    // After changing a Json* type, regenerate the file with:
    //   ECSCTL_BLESS=1 cargo test --lib published_schema_matches_the_json_types
    if std::env::var_os("ECSCTL_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan.schema.json");
        std::fs::write(path, schema()).unwrap();
        return;
    }
    assert_eq!(PUBLISHED, schema(), "docs/plan.schema.json is stale");
}

#[test]
fn real_output_validates_against_the_published_schema() {
    let doc: Value = serde_json::from_str(&render(&small_plan())).unwrap();
    assert_eq!(violations(&doc), Vec::<String>::new());
    let doc: Value = serde_json::from_str(&render(&saved_fixture().plan)).unwrap();
    assert_eq!(violations(&doc), Vec::<String>::new());
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let good: Value = serde_json::from_str(&render(&small_plan())).unwrap();
    let mut bad_action = good.clone();
    bad_action["resourceChanges"][0]["action"] = json!("explode");
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("fingerprint");
    let mut wrong_type = good.clone();
    wrong_type["summary"]["add"] = json!("two");
    let mut bad_effect = good;
    bad_effect["resourceChanges"][0]["fieldChanges"][0]["effect"] = json!("maybe");
    for (name, doc) in [
        ("action", bad_action),
        ("missing", missing),
        ("type", wrong_type),
        ("effect", bad_effect),
    ] {
        assert!(!violations(&doc).is_empty(), "{name} was accepted");
    }
}

#[test]
fn a_saved_plan_round_trips() {
    let plan = small_plan();
    let back = JsonPlan::parse(&render(&plan)).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn another_major_version_is_refused() {
    let mut doc: Value = serde_json::from_str(&render(&small_plan())).unwrap();
    doc["formatVersion"] = json!("2.0");
    let err = JsonPlan::parse(&doc.to_string()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plan format `2.0` is not supported (this ecsctl reads 1.5 and other 1.x)"
    );
    doc["formatVersion"] = json!("1.4");
    doc["someFutureField"] = json!(true);
    assert!(
        JsonPlan::parse(&doc.to_string()).is_ok(),
        "minor versions only add fields"
    );
}

/// Every resource of the diff fixture to create, with its desired values.
fn saved_fixture() -> SavedPlan {
    let d = crate::diff::fixtures::desired();
    let live = crate::live::Live {
        account_id: "123456789012".into(),
        ..Default::default()
    };
    let target = Target {
        app: d.app.clone(),
        env: d.env.clone(),
        region: d.region.clone(),
        account_id: Some("123456789012".into()),
        services: None,
        images: Vec::new(),
        before_deploy: Vec::new(),
        adopted: Vec::new(),
        cost: None,
    };
    SavedPlan {
        plan: Plan::new(target, crate::diff::diff(&d, &live)),
        desired: d,
        delete_logs: true,
        ecsctl_version: ECSCTL_VERSION.to_string(),
    }
}

#[test]
fn a_saved_plan_carries_its_values_and_round_trips_exactly() {
    let saved = saved_fixture();
    let text = render_saved(&saved);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(violations(&doc), Vec::<String>::new());
    assert_eq!(doc["ecsctlVersion"], ECSCTL_VERSION);
    assert_eq!(doc["deleteLogs"], true);
    assert!(doc["digest"].as_str().unwrap().starts_with("sha256:"));
    let back = JsonPlan::parse_saved(&text).unwrap();
    assert_eq!(back, saved, "the desired values come back exactly");
    // Reformatting (a pretty-printer, key order) is not an edit.
    assert_eq!(JsonPlan::parse_saved(&doc.to_string()).unwrap(), saved);
}

#[test]
fn an_edited_saved_plan_is_refused() {
    let text = render_saved(&saved_fixture());
    let doc: Value = serde_json::from_str(&text).unwrap();
    let first_td = doc["desired"]["taskDefinitions"][0]["containers"][0]["image"].clone();
    assert!(first_td.is_string(), "fixture has an image: {first_td}");
    let mut image = doc.clone();
    image["desired"]["taskDefinitions"][0]["containers"][0]["image"] = json!("evil:latest");
    let mut after = doc.clone();
    after["resourceChanges"][0]["fieldChanges"][0]["after"] = json!("edited");
    let mut no_digest = doc.clone();
    no_digest.as_object_mut().unwrap().remove("digest");
    for (name, edited) in [("image", image), ("after", after)] {
        let err = JsonPlan::parse_saved(&edited.to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "its content was changed after `ecsctl plan` saved it (the digest does not match)",
            "{name}"
        );
    }
    let err = JsonPlan::parse_saved(&no_digest.to_string()).unwrap_err();
    assert!(matches!(err, SavedPlanError::Incomplete { .. }), "{err}");
    // A 1.0 plan (before the contract) has no values to apply.
    let old = render(&small_plan()).replace("\"1.5\"", "\"1.0\"");
    assert!(matches!(
        JsonPlan::parse_saved(&old).unwrap_err(),
        SavedPlanError::Incomplete { found } if found == "1.0"
    ));
}

#[test]
fn a_plan_of_another_ecsctl_version_is_refused() {
    let mut saved = saved_fixture();
    saved.ecsctl_version = "0.0.1".into();
    let err = JsonPlan::parse_saved(&render_saved(&saved)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("it was made by ecsctl 0.0.1; this is ecsctl {ECSCTL_VERSION}")
    );
}
